"""The audio edition's tags and chapters, read back and held to the model: the "tags and chapters" proof.

The MP3's ID3 frames are read with mutagen (TIT2; CHAP frames in the order of the top-level
CTOC), the M4B's tags and chapters with ffprobe. Each must carry the document's title, and one
chapter for the opening (titled with the title) plus one per heading, in order, titled with the
heading's words and starting where that heading's first caption cue starts (the VTT beside it),
within `TOLERANCE`. It never imports the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from altformats.document.model import Document, TextBlock, normalise
from altformats.errors import AltformatsError
from altformats.formats.audio.ffmpeg import probe
from altformats.formats.audio.read import CaptionCue, read_cues
from altformats.formats.audio.spec import sentences_path
from altformats.parity import Difference

# Seconds a chapter may start away from its heading's cue: the MP3's CHAP frames hold whole
# milliseconds, the captions too; 50 ms is far below the shortest pause between sentences (0.45 s),
# so a chapter moved by even one sentence is caught.
TOLERANCE = 0.05


TagDifference = Difference  # a difference named by `where` (parity.Difference)


@dataclass(frozen=True)
class Chapter:
    """A chapter as the file has it: its title and start in seconds."""

    title: str
    start: float


@dataclass(frozen=True)
class Expected:
    """A chapter the model asks for: its title, the cue it starts at, the block it stands for."""

    title: str
    start: float | None  # None: the captions have no cue for this heading
    block: int
    line: int


def tag_differences(edition: str, doc: Document, path: Path) -> list[Difference]:
    """Where the title tag and the chapters of an MP3 or M4B differ from `doc` (and its captions)."""
    title, chapters = mp3_tags(path) if path.suffix == ".mp3" else m4b_tags(path)
    blocks = doc.reading_blocks()
    found: list[Difference] = []
    title_block = next((n for n, b in enumerate(blocks, 1) if b.role == "title"), None)
    title_line = blocks[title_block - 1].line if title_block else None
    frame = "the TIT2 frame" if path.suffix == ".mp3" else "the title tag"
    if normalise(title) != normalise(doc.meta.title):
        found.append(TagDifference(edition, title_block, title_line, doc.meta.title, title or "(missing)", frame))
    want = expected_chapters(doc, blocks, read_cues(sentences_path(path)))
    return found + chapter_differences(edition, want, chapters)


def expected_chapters(doc: Document, blocks: list[TextBlock], cues: list[CaptionCue]) -> list[Expected]:
    """The opening (the title, at 0 s) and one chapter per heading of the model, at its first cue."""
    title_block = next((n for n, b in enumerate(blocks, 1) if b.role == "title"), 1)
    want = [Expected(doc.meta.title, 0.0, title_block, blocks[title_block - 1].line)]
    # Cue ids number blocks as the model's reading blocks are numbered (spec.py's grammar).
    starts = {cue.parts.block: cue.start for cue in cues if cue.is_heading}
    for n, block in enumerate(blocks, 1):
        if block.role == "heading":
            want.append(Expected(block.text, starts.get(n), n, block.line))
    return want


def chapter_differences(edition: str, want: list[Expected], got: list[Chapter]) -> list[Difference]:
    """Each expected chapter against the file's chapter at the same place: title and start."""
    found: list[Difference] = []
    for k in range(max(len(want), len(got))):
        where = f"chapter {k + 1}"
        w = want[k] if k < len(want) else None
        g = got[k] if k < len(got) else None
        if w is None:
            found.append(TagDifference(edition, None, None, "(no chapter)", _shown(g), where))
        elif g is None:
            found.append(TagDifference(edition, w.block, w.line, _wanted(w), "(missing)", where))
        elif w.start is None:
            found.append(TagDifference(edition, w.block, w.line, f"a caption cue for {w.title!r}", "(none)", where))
        elif normalise(g.title) != normalise(w.title) or abs(g.start - w.start) > TOLERANCE:
            found.append(TagDifference(edition, w.block, w.line, _wanted(w), _shown(g), where))
    return found


def _wanted(chapter: Expected) -> str:
    return f"{chapter.title} at {chapter.start:.3f}s"


def _shown(chapter: Chapter) -> str:
    return f"{chapter.title} at {chapter.start:.3f}s"


def mp3_tags(path: Path) -> tuple[str, list[Chapter]]:
    """The MP3's TIT2 and its chapters in the top-level CTOC's order, read with mutagen."""
    from mutagen.id3 import ID3, CTOCFlags, ID3NoHeaderError

    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        return "", []
    title = str(tags["TIT2"].text[0]) if "TIT2" in tags else ""
    chaps = {chap.element_id: chap for chap in tags.getall("CHAP")}
    tocs = [toc for toc in tags.getall("CTOC") if toc.flags & CTOCFlags.TOP_LEVEL]
    # The CTOC gives the order a player shows; CHAP frames outside it are not chapters anyone sees.
    order = list(tocs[0].child_element_ids) if len(tocs) == 1 else []
    return title, [_mp3_chapter(chaps[i]) for i in order if i in chaps]


def _mp3_chapter(chap) -> Chapter:
    title = chap.sub_frames.get("TIT2")
    return Chapter(str(title.text[0]) if title else "", chap.start_time / 1000)


def m4b_tags(path: Path) -> tuple[str, list[Chapter]]:
    """The M4B's title tag and chapters in file order, read by ffprobe."""
    try:
        report = probe(path)
    except AltformatsError:
        return "", []
    title = report.get("format", {}).get("tags", {}).get("title", "")
    chapters = [
        Chapter(chapter.get("tags", {}).get("title", ""), float(chapter["start_time"]))
        for chapter in report.get("chapters", [])
    ]
    return title, chapters
