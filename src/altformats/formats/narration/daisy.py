"""The DAISY 2.02 talking book: ncc.html, one SMIL 1.0 file per section, the full text and the MP3, in a zip.

A section is the masthead and any text before the first heading, then each heading and what
follows it. The ncc lists the title (h1 class="title") and every heading, each linking to the
par of its first sentence; every sentence is a par of a text and an audio clip.
"""

from __future__ import annotations

from dataclasses import dataclass

from altformats import templating
from altformats.document.model import Document
from altformats.formats.audio import Narration
from altformats.formats.narration import content
from altformats.formats.narration.epub import reproducible_zip
from altformats.formats.narration.spec import DAISY_AUDIO, DAISY_FORMAT, DAISY_NCC, DAISY_TEXT, hms, smil_clock


@dataclass(frozen=True)
class Section:
    """One SMIL file: its name, its sentence spans and its times."""

    name: str
    spans: tuple[content.Span, ...]
    before: int  # samples of the sections before it

    @property
    def length(self) -> int:
        return sum(span.end - span.start for span in self.spans)

    @property
    def dur(self) -> str:
        return smil_clock(self.length)

    @property
    def time(self) -> str:
        return hms(self.length)

    @property
    def elapsed(self) -> str:
        return hms(self.before)


@dataclass(frozen=True)
class Entry:
    """One ncc entry: a heading element, its id, text and link."""

    tag: str
    id: str
    text: str
    href: str


def daisy_zip(doc: Document, told: Narration, templates: str | None) -> bytes:
    """The whole DAISY 2.02 book as a zip, byte-identical for the same source and narration."""
    from altformats.formats.epub.write import modified_time

    blocks = content.blocks(doc, told)
    sections = _sections(blocks)
    where = {span.id: section.name for section in sections for span in section.spans}
    entries = [
        Entry(block.tag, f"ncc-{block.number}", block.text, f"{where[block.spans[0].id]}#par-{block.spans[0].id}")
        for block in blocks
        if block.tag != "p" and block.spans
    ]
    uid = content.identifier(doc, "daisy202")
    total = sum(section.length for section in sections)
    files = {DAISY_TEXT: _render("daisy-content.html.j2", templates, doc=doc, blocks=blocks)}
    for section in sections:
        files[section.name] = _render("daisy-section.smil.j2", templates, doc=doc, section=section, format=DAISY_FORMAT,
                                      identifier=uid, text=DAISY_TEXT, audio=DAISY_AUDIO)  # fmt: skip
    files[DAISY_AUDIO] = told.mp3
    metadata = _metadata(doc, told, uid, entries, len(files) + 1, total)
    files[DAISY_NCC] = _render("daisy-ncc.html.j2", templates, doc=doc, metadata=metadata, entries=entries)
    return reproducible_zip(files, modified_time(doc).timetuple()[:6], first=DAISY_NCC)


def _sections(blocks: list[content.Block]) -> list[Section]:
    """The sentence spans grouped by section, each section one SMIL file named s0001.smil, ..."""
    grouped: dict[int, list[content.Span]] = {}
    for block in blocks:
        grouped.setdefault(block.section, []).extend(block.spans)
    sections, before = [], 0
    for number, key in enumerate(sorted(grouped), start=1):
        section = Section(f"s{number:04d}.smil", tuple(grouped[key]), before)
        sections.append(section)
        before += section.length
    return sections


def _metadata(doc: Document, told: Narration, uid: str, entries: list[Entry], files: int, total: int):
    """The ncc's meta elements (DAISY 2.02 section 2.1.2 and appendix 2), as (name, content) pairs."""
    meta = doc.meta
    return [
        ("dc:title", meta.title),
        ("dc:creator", meta.publisher or meta.title),
        ("dc:publisher", meta.publisher or "altformats"),
        ("dc:date", meta.date.isoformat()),
        ("dc:identifier", uid),
        ("dc:language", meta.language),
        ("dc:format", DAISY_FORMAT),
        ("ncc:charset", "utf-8"),
        ("ncc:generator", "altformats"),
        ("ncc:narrator", f"espeak-ng {told.voice}"),
        ("ncc:multimediaType", "audioFullText"),
        ("ncc:setInfo", "1 of 1"),
        ("ncc:totalTime", hms(total)),
        ("ncc:files", str(files)),
        ("ncc:tocItems", str(len(entries))),
        ("ncc:depth", str(max(int(entry.tag[1]) for entry in entries))),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:maxPageNormal", "0"),
        ("ncc:footnotes", "0"),
        ("ncc:sidebars", "0"),
        ("ncc:prodNotes", "0"),
    ]


def _render(name: str, templates: str | None, **context) -> bytes:
    return templating.render(f"narration/{name}", templates, **context).encode("utf-8")
