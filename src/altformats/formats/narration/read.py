"""Reading the synchronized editions back: each clip's target resolved to its span, its times to samples.

Independent of the writers (tests/test_layout.py): the EPUB is read from its container, package
and SMIL; the DAISY book from its ncc and SMIL 1.0 files; the page from its sentence spans and
its player's source. Text: the spans the clips point at, grouped into blocks by their ids and
joined by the audio's rule, equal the model's blocks, and the titles a player or browser shows
(the package's dc:title, the ncc's dc:title and <title>, the page's <title>) equal the model's.
Time: every clip lies inside the audio (ffprobe's duration), no clip starts before the previous
one ends, and the durations the edition declares equal the sum of its clips.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from altformats import parity
from altformats.document.model import Document, normalise
from altformats.errors import AltformatsError
from altformats.formats.audio.ffmpeg import probe
from altformats.formats.audio.spec import RATE, join
from altformats.formats.epub.spec import OPF_NS, package_path, parse
from altformats.formats.narration.spec import MP3_SLACK, parse_clock, parse_span_id, to_samples

SMIL3 = "{http://www.w3.org/ns/SMIL}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Clip:
    """One par: the id its text points at, that span's text (None if no such element), its clip in samples."""

    target: str
    text: str | None
    begin: int | None
    end: int | None


@dataclass
class Reading:
    """What an edition says: its clips in reading order, its audio, the durations it declares, what is broken."""

    clips: list[Clip] = field(default_factory=list)
    audio: bytes = b""
    declared: list[tuple[str, float, float]] = field(default_factory=list)  # (what, seconds, tolerance)
    problems: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # DAISY ncc: (its text, the span id it links)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (where, the title a player shows there)

    def blocks(self) -> list[str]:
        """The clips' texts grouped by the block their span id names, in order, joined (spec.join)."""
        found: list[tuple[int | None, list[str]]] = []
        for clip in self.clips:
            parsed = parse_span_id(clip.target)
            block = parsed.block if parsed else None
            if not found or found[-1][0] != block or block is None:
                found.append((block, []))
            found[-1][1].append(clip.text or "")
        return [join(texts) for _, texts in found]


def blocks(path: Path) -> list[str]:
    """The blocks of text an edition's clips point at (the page's MP3: its transcript)."""
    if path.suffix == ".mp3":
        from altformats.formats.audio.read import transcript_blocks

        return transcript_blocks(path)
    return reading(path).blocks()


def reading(path: Path) -> Reading:
    """The edition at `path` read back (EPUB, DAISY zip or read-along page)."""
    if path.suffix == ".epub":
        return epub_reading(path.read_bytes())
    if path.suffix == ".zip":
        return daisy_reading(path.read_bytes())
    if path.suffix == ".html":
        return page_reading(path)
    raise AltformatsError(f"{path}: not a synchronized edition")


# ---------------------------------------------------------------- EPUB 3 Media Overlays


def epub_reading(data: bytes) -> Reading:
    """The narrated EPUB's overlays, in spine order, resolved against their content documents."""
    found = Reading()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        entries = {name: book.read(name) for name in book.namelist()}
    opf_path = package_path(entries["META-INF/container.xml"])
    opf = parse(entries[opf_path], opf_path)
    base = opf_path.rpartition("/")[0]
    items = {item.get("id"): item for item in opf.iter(f"{{{OPF_NS}}}item")}
    durations = {m.get("refines", ""): m.text or "" for m in opf.iter(f"{{{OPF_NS}}}meta")
                 if m.get("property") == "media:duration"}  # fmt: skip
    found.titles.append(("package dc:title", _text(opf.find(f".//{DC}title"))))  # the shelf's, the title bar's
    total = 0.0
    for itemref in opf.iter(f"{{{OPF_NS}}}itemref"):
        overlay = items.get(items[itemref.get("idref")].get("media-overlay") or "")
        if overlay is None:
            continue
        smil_path = _join(base, overlay.get("href"))
        before = len(found.clips)
        _read_smil3(parse(entries[smil_path], smil_path), smil_path, entries, found)
        seconds = _clip_seconds(found.clips[before:])
        total += seconds
        _declare(found, f"media:duration of #{overlay.get('id')}", durations.get(f"#{overlay.get('id')}"), seconds)
    _declare(found, "media:duration (total)", durations.get(""), total)
    audio = {_join(base, i.get("href")) for i in items.values() if i.get("media-type") == "audio/mpeg"}
    found.audio = entries[sorted(audio)[0]] if audio else b""
    return found


def _read_smil3(root, smil_path: str, entries: dict[str, bytes], found: Reading) -> None:
    base = smil_path.rpartition("/")[0]
    documents: dict[str, dict[str, str]] = {}
    for par in root.iter(f"{SMIL3}par"):
        text, audio = par.find(f"{SMIL3}text"), par.find(f"{SMIL3}audio")
        if text is None or audio is None:
            found.problems.append(f"{smil_path}: par {par.get('id')} lacks its text or audio")
            continue
        href, _, fragment = text.get("src", "").partition("#")
        target = _join(base, href)
        if target not in documents:
            documents[target] = _spans(entries[target], target) if target in entries else {}
        found.clips.append(_clip(fragment, documents[target], audio.get("clipBegin"), audio.get("clipEnd")))


# ---------------------------------------------------------------- DAISY 2.02


def daisy_reading(data: bytes) -> Reading:
    """The DAISY book's SMIL files in the order the ncc first links them, resolved against the text."""
    found = Reading()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        entries = {name: book.read(name) for name in book.namelist()}
    ncc = parse(entries["ncc.html"], "ncc.html")
    order: list[str] = []
    for anchor in ncc.iter(f"{XHTML}a"):
        smil, _, fragment = anchor.get("href", "").partition("#")
        heading = normalise("".join(anchor.itertext()))
        found.headings.append((heading, fragment.removeprefix("par-")))
        if smil not in order:
            order.append(smil)
    documents: dict[str, dict[str, str]] = {}
    total = 0.0
    for smil in order:
        root = parse(entries[smil], smil) if smil in entries else None
        if root is None:
            found.problems.append(f"ncc.html links {smil}, which the book lacks")
            continue
        before = len(found.clips)
        for par in root.iter("par"):
            text, audio = par.find("text"), par.find("audio")
            href, _, fragment = (text.get("src", "") if text is not None else "").partition("#")
            if href not in documents:
                documents[href] = _spans(entries[href], href) if href in entries else {}
            begin, end = (audio.get(a) if audio is not None else None for a in ("clip-begin", "clip-end"))
            found.clips.append(_clip(fragment, documents[href], begin, end))
        total += _clip_seconds(found.clips[before:])
    metas = {m.get("name"): m.get("content", "") for m in ncc.iter(f"{XHTML}meta")}
    # What a DAISY player shows on its shelf and announces on opening the book.
    found.titles += [
        ("ncc.html dc:title", metas.get("dc:title", "")),
        ("ncc.html <title>", _text(ncc.find(f".//{XHTML}title"))),
    ]
    _declare(found, "ncc:totalTime", metas.get("ncc:totalTime"), total)
    mp3 = sorted(name for name in entries if name.endswith(".mp3"))
    found.audio = entries[mp3[0]] if mp3 else b""
    return found


# ---------------------------------------------------------------- the read-along page


def page_reading(path: Path) -> Reading:
    """The page's sentence spans in document order, with their data-begin/data-end, and its player's MP3."""
    import lxml.html

    root = lxml.html.fromstring(path.read_bytes())
    found = Reading()
    for span in root.iter("span"):
        if "sentence" in (span.get("class") or "").split():
            text = normalise("".join(span.itertext()))
            found.clips.append(_clip(span.get("id", ""), {span.get("id", ""): text}, span.get("data-begin"),
                                     span.get("data-end")))  # fmt: skip
    found.titles.append(("<title>", _text(root.find(".//title"))))  # the browser's tab, read first by a screen reader
    players = root.xpath("//audio[@src]")
    source = path.parent / unquote(players[0].get("src")) if players else None
    if source is None or not source.is_file():
        found.problems.append(f"{path.name}: its player plays {source.name if source else 'nothing'}, not beside it")
    else:
        found.audio = source.read_bytes()
    return found


# ---------------------------------------------------------------- shared reading steps


def _spans(data: bytes, where: str) -> dict[str, str]:
    """Every element with an id in a content document: id -> its text, whitespace folded."""
    root = parse(data, where)
    return {el.get("id"): normalise("".join(el.itertext())) for el in root.iter() if el.get("id")}


def _text(element) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _clip(target: str, spans: dict[str, str], begin: str | None, end: str | None) -> Clip:
    first, last = (parse_clock(value or "") for value in (begin, end))
    return Clip(target, spans.get(target), None if first is None else to_samples(first),
                None if last is None else to_samples(last))  # fmt: skip


def _clip_seconds(clips: list[Clip]) -> float:
    return sum((c.end - c.begin) / RATE for c in clips if c.begin is not None and c.end is not None)


def _declare(found: Reading, what: str, value: str | None, expected: float) -> None:
    seconds = parse_clock(value) if value else None
    if seconds is None:
        found.problems.append(f"{what}: missing or not a clock value ({value!r})")
    else:
        found.declared.append((what, seconds, expected))


def _join(base: str, href: str) -> str:
    return f"{base}/{unquote(href)}" if base else unquote(href)


# ---------------------------------------------------------------- against the model and the audio


def text_differences(edition: str, doc: Document, found: Reading) -> list[parity.Difference]:
    """Broken references first, then the spans' text against the model's blocks (parity.compare)."""
    broken = [parity.Difference(edition, None, None, f"a span with id {c.target!r}", "no such element")
              for c in found.clips if c.text is None]  # fmt: skip
    broken += [parity.Difference(edition, None, None, "a well-formed edition", p) for p in found.problems]
    texts = {c.target: c.text for c in found.clips}
    ncc = [(heading, target) for heading, target in found.headings]
    for heading, target in ncc:  # an ncc entry's text is its heading block's text, every sentence
        parsed = parse_span_id(target)
        block = [c.text or "" for c in found.clips if parsed and parse_span_id(c.target)
                 and parse_span_id(c.target).block == parsed.block]  # fmt: skip
        if target not in texts or heading != join(block):
            broken.append(parity.Difference(edition, None, None, join(block) or target, f"ncc.html: {heading!r}"))
    title = normalise(doc.meta.title)
    broken += [parity.Difference(edition, None, None, title, f"{where}: {text!r}")
               for where, text in found.titles if normalise(text) != title]  # fmt: skip
    return broken + parity.compare(edition, doc.reading_blocks(), found.blocks())


def clip_differences(edition: str, doc: Document, found: Reading) -> list[parity.Difference]:
    """Every clip inside the audio, none overlapping the one before, and the declared durations right."""
    if not found.audio:
        return [parity.Difference(edition, None, None, "an MP3", "no audio")]
    length = audio_samples(found.audio)
    lines = {n: block.line for n, block in enumerate(doc.reading_blocks(), start=1)}
    out: list[parity.Difference] = []
    previous_end = 0
    for clip in found.clips:
        parsed = parse_span_id(clip.target)
        block = parsed.block if parsed else None
        for expected, got in _clip_problems(clip, length, previous_end):
            out.append(parity.Difference(edition, block, lines.get(block), f"{clip.target}: {expected}", got))
        previous_end = max(previous_end, clip.end or 0)
    if found.clips and found.clips[-1].end is not None and length - found.clips[-1].end > MP3_SLACK:
        out.append(parity.Difference(edition, None, None, "an MP3 as long as the narration",
                                     f"{(length - found.clips[-1].end) / RATE:.3f} s more"))  # fmt: skip
    for what, seconds, expected in found.declared:
        if abs(seconds - expected) > 0.0015:  # ncc:totalTime is given to the millisecond
            out.append(parity.Difference(edition, None, None, f"{what} {expected:.6f} s (the clips)", f"{seconds} s"))
    return out


def _clip_problems(clip: Clip, length: int, previous_end: int) -> list[tuple[str, str]]:
    """What is wrong with one clip, as (expected, found): malformed, outside the audio, overlapping."""
    if clip.begin is None or clip.end is None:
        return [("a clip with a begin and an end", "a malformed clock value")]
    problems = []
    if not 0 <= clip.begin < clip.end <= length:
        problems.append((f"a clip inside the audio (0-{length / RATE:.3f} s)", _span(clip)))
    if clip.begin < previous_end:
        problems.append((f"a clip after the previous one's end ({previous_end / RATE:.6f} s)", _span(clip)))
    return problems


def _span(clip: Clip) -> str:
    return f"{(clip.begin or 0) / RATE:.6f}-{(clip.end or 0) / RATE:.6f} s"


def audio_samples(mp3: bytes) -> int:
    """The MP3's duration by ffprobe, in samples at RATE."""
    with tempfile.NamedTemporaryFile(suffix=".mp3") as file:
        file.write(mp3)
        file.flush()
        return to_samples(float(probe(Path(file.name))["format"]["duration"]))


def heard_differences(
    model, edition: str, doc: Document, found: Reading, by_bytes: dict | None = None
) -> list[parity.Difference]:
    """What the recogniser hears in each clip of the edition's own audio, against the clip's words.

    The clips are the cues: each sentence's span and time as the SMIL (or the page) gives them, so
    sound swapped inside the book's MP3 is heard where its words are not. Where the audio edition's
    MP3 with the same bytes was heard in this run (`by_bytes`), a clip holding one of its cues of the
    same words takes what was heard there (read_speech.compare).
    """
    from altformats.formats.audio.read import CaptionCue
    from altformats.formats.audio.read_speech import compare

    cues = []
    for clip in found.clips:
        span = parse_span_id(clip.target.rpartition("#")[2])
        if span and clip.text and clip.begin is not None and clip.end is not None:
            identifier = f"b{span.block}-sentence-s{span.sentence}"
            cues.append(CaptionCue(identifier, clip.begin / RATE, clip.end / RATE, clip.text))
    with tempfile.NamedTemporaryFile(suffix=".mp3") as file:
        file.write(found.audio)
        file.flush()
        return compare(model, doc, edition, Path(file.name), cues, by_bytes=by_bytes)
