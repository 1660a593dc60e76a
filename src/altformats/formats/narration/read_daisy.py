"""The DAISY 2.02 talking book held to the specification's structural rules (no DAISY validator installs here).

RULES names each rule checked, with the section of the DAISY 2.02 Specification (2001) it comes
from; `rules(data)` returns one line per breach. What needs a human ear (the narration's quality)
and the optional metadata's values are not checked.
"""

from __future__ import annotations

import io
import re
import zipfile

from altformats.errors import AltformatsError
from altformats.formats.epub.spec import parse
from altformats.formats.narration.spec import parse_clock

XHTML = "{http://www.w3.org/1999/xhtml}"
RULES = {
    "ncc": "the book has its navigation control centre, ncc.html, at its root (2.1)",
    "xhtml": "ncc.html and the text files are well-formed XHTML 1.0 in the XHTML namespace (2.1, 2.3)",
    "meta": "ncc.html has each required meta element once: dc:title, dc:creator, dc:date, dc:format "
    "('Daisy 2.02'), dc:identifier, dc:language, dc:publisher, ncc:charset, ncc:generator, "
    "ncc:multimediaType, ncc:narrator, ncc:setInfo, ncc:totalTime, ncc:files, ncc:tocItems, ncc:depth, "
    "ncc:pageFront, ncc:pageNormal, ncc:pageSpecial, ncc:maxPageNormal (2.1.2, appendix 2)",
    "multimedia": "ncc:multimediaType is one of the six types, and audioFullText has a text and an audio "
    "in every par (2.1.2)",
    "title": 'the ncc body\'s first element is h1 class="title" (2.1.3)',
    "entries": "every ncc body element is h1-h6 or a page/sidebar/note span, has an id, and holds one a "
    "linking a par or text element of a SMIL file in the book (2.1.3)",
    "levels": "headings never skip a level going down; ncc:depth is the deepest and ncc:tocItems the count "
    "of entries (2.1.2, 2.1.3)",
    "smil": "each SMIL file is SMIL 1.0 (root smil, no namespace) with meta dc:format 'Daisy 2.02', "
    "ncc:timeInThisSmil, ncc:totalElapsedTime, a layout, and one seq of par elements (2.2)",
    "text": "every text element's src resolves to an element of a text file in the book (2.2.2)",
    "clips": "every audio element names an audio file in the book, with clip-begin before clip-end as npt= "
    "values (2.2.2)",
    "times": "times are clock values; ncc:timeInThisSmil equals the seq's dur, ncc:totalElapsedTime the sum "
    "of the SMIL files before it, ncc:totalTime the sum of all (2.1.2, 2.2.1)",
    "files": "ncc:files counts every file of the book, and every file is reached from the ncc (2.1.2, 3)",
}
REQUIRED = ("dc:title dc:creator dc:date dc:format dc:identifier dc:language dc:publisher ncc:charset "
            "ncc:generator ncc:multimediaType ncc:narrator ncc:setInfo ncc:totalTime ncc:files ncc:tocItems "
            "ncc:depth ncc:pageFront ncc:pageNormal ncc:pageSpecial ncc:maxPageNormal").split()  # fmt: skip
MULTIMEDIA = {"audioOnly", "audioNcc", "audioPartText", "audioFullText", "textPartAudio", "textNcc"}
ENTRY = re.compile(r"^h[1-6]$|^span$|^div$")
HMS = re.compile(r"^\d{1,2}:\d{2}:\d{2}(?:\.\d+)?$")
TOLERANCE = 0.0015  # seconds: hh:mm:ss.sss is given to the millisecond


def rules(data: bytes) -> list[str]:
    """One line per DAISY 2.02 rule the zipped book breaks, naming the rule (RULES)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        entries = {name: book.read(name) for name in book.namelist()}
    if "ncc.html" not in entries:
        return [_line("ncc", "no ncc.html at the root")]
    try:
        ncc = parse(entries["ncc.html"], "ncc.html")
    except AltformatsError as error:
        return [_line("xhtml", str(error))]
    found: list[str] = []
    metas = _metas(ncc, found)
    reached = {"ncc.html"} | _entries(ncc, entries, metas, found)
    total = 0.0
    for smil in _smil_order(ncc):
        if smil in entries:
            total += _smil(smil, entries, total, metas, found, reached)
    declared = parse_clock(metas.get("ncc:totalTime", ""))
    if declared is None or not HMS.match(metas.get("ncc:totalTime", "")) or abs(declared - total) > TOLERANCE:
        found.append(
            _line("times", f"ncc:totalTime {metas.get('ncc:totalTime')!r}, the SMIL files add to {total:.3f} s")
        )
    if metas.get("ncc:files") != str(len(entries)):
        found.append(_line("files", f"ncc:files {metas.get('ncc:files')!r}, the book has {len(entries)}"))
    found += [_line("files", f"{name} is reached from nothing") for name in sorted(set(entries) - reached)]
    return found


def _line(rule: str, what: str) -> str:
    return f"{what} [rule {rule}: {RULES[rule]}]"


def _metas(ncc, found: list[str]) -> dict[str, str]:
    names = [m.get("name") for m in ncc.iter(f"{XHTML}meta") if m.get("name")]
    metas = {m.get("name"): m.get("content", "") for m in ncc.iter(f"{XHTML}meta") if m.get("name")}
    for name in REQUIRED:
        if names.count(name) != 1:
            found.append(_line("meta", f"{name} appears {names.count(name)} times"))
    if metas.get("dc:format") != "Daisy 2.02":
        found.append(_line("meta", f"dc:format is {metas.get('dc:format')!r}"))
    if metas.get("ncc:multimediaType") not in MULTIMEDIA:
        found.append(_line("multimedia", f"ncc:multimediaType is {metas.get('ncc:multimediaType')!r}"))
    return metas


def _entries(ncc, entries: dict[str, bytes], metas: dict[str, str], found: list[str]) -> set[str]:
    body = ncc.find(f"{XHTML}body")
    elements = list(body) if body is not None else []
    if not elements or elements[0].tag != f"{XHTML}h1" or elements[0].get("class") != "title":
        found.append(_line("title", 'the first element is not h1 class="title"'))
    reached, previous, depth, count = set(), 0, 0, 0
    for element in elements:
        tag = element.tag.removeprefix(XHTML)
        count += 1
        links = element.findall(f"{XHTML}a")
        if not ENTRY.match(tag) or not element.get("id") or len(links) != 1:
            found.append(_line("entries", f"<{tag} id={element.get('id')!r}> with {len(links)} links"))
            continue
        if tag[0] == "h":
            level = int(tag[1])
            if level > previous + 1:
                found.append(_line("levels", f"{element.get('id')}: h{level} after h{previous}"))
            previous, depth = level, max(depth, level)
        smil, _, fragment = links[0].get("href", "").partition("#")
        if not _targets(entries.get(smil), fragment, ("par", "text")):
            found.append(_line("entries", f"{element.get('id')} links {links[0].get('href')!r}, no par or text there"))
        reached.add(smil)
    if metas.get("ncc:depth") != str(depth) or metas.get("ncc:tocItems") != str(count):
        found.append(_line("levels", f"ncc:depth {metas.get('ncc:depth')!r} (deepest {depth}), "
                                     f"ncc:tocItems {metas.get('ncc:tocItems')!r} ({count} entries)"))  # fmt: skip
    return reached


def _targets(data: bytes | None, fragment: str, tags: tuple[str, ...]) -> bool:
    if data is None or not fragment:
        return False
    try:
        root = parse(data, "smil")
    except AltformatsError:
        return False
    return any(el.get("id") == fragment and el.tag in tags for el in root.iter())


def _smil_order(ncc) -> list[str]:
    order: list[str] = []
    for anchor in ncc.iter(f"{XHTML}a"):
        smil = anchor.get("href", "").partition("#")[0]
        if smil and smil not in order:
            order.append(smil)
    return order


def _smil(name: str, entries: dict[str, bytes], elapsed: float, metas: dict, found: list[str], reached: set) -> float:
    """Check one SMIL file; return its duration (its seq's dur) in seconds."""
    try:
        root = parse(entries[name], name)
    except AltformatsError as error:
        found.append(_line("smil", str(error)))
        return 0.0
    head = {m.get("name"): m.get("content", "") for m in root.iter("meta")}
    seqs = root.findall("body/seq")
    if (
        root.tag != "smil"
        or head.get("dc:format") != "Daisy 2.02"
        or root.find("head/layout") is None
        or len(seqs) != 1
    ):
        found.append(_line("smil", f"{name}: not a DAISY 2.02 SMIL 1.0 file with one seq"))
        return 0.0
    duration = parse_clock(seqs[0].get("dur", "")) or 0.0
    for meta, want in (("ncc:timeInThisSmil", duration), ("ncc:totalElapsedTime", elapsed)):
        given = head.get(meta, "")
        if not HMS.match(given) or abs((parse_clock(given) or 0) - want) > TOLERANCE:
            found.append(_line("times", f"{name}: {meta} {given!r}, expected {want:.3f} s"))
    clips = 0.0
    for par in seqs[0]:
        clips += _par(name, par, entries, metas, found, reached)
    if abs(clips - duration) > TOLERANCE:
        found.append(_line("times", f"{name}: seq dur {duration:.3f} s, its clips add to {clips:.3f} s"))
    return duration


def _par(name: str, par, entries: dict[str, bytes], metas: dict, found: list[str], reached: set) -> float:
    if par.tag != "par":
        found.append(_line("smil", f"{name}: <{par.tag}> in the seq"))
        return 0.0
    text, audio = par.find("text"), par.find("audio")
    if metas.get("ncc:multimediaType") == "audioFullText" and (text is None or audio is None):
        found.append(_line("multimedia", f"{name}#{par.get('id')}: a par without text and audio"))
        return 0.0
    source, _, fragment = text.get("src", "").partition("#")
    reached.add(source)
    try:
        ok = source in entries and any(el.get("id") == fragment for el in parse(entries[source], source).iter())
    except AltformatsError as error:
        found.append(_line("xhtml", str(error)))
        ok = True
    if not ok:
        found.append(_line("text", f"{name}#{par.get('id')}: {text.get('src')!r} resolves to nothing"))
    reached.add(audio.get("src", ""))
    begin, end = (audio.get(a, "") for a in ("clip-begin", "clip-end"))
    first, last = parse_clock(begin), parse_clock(end)
    if (
        audio.get("src") not in entries
        or not begin.startswith("npt=")
        or first is None
        or last is None
        or first >= last
    ):
        found.append(_line("clips", f"{name}#{par.get('id')}: {audio.get('src')!r} {begin!r}-{end!r}"))
        return 0.0
    return last - first
