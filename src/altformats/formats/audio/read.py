"""The audio edition's independent reader: the captions and sentence cues by webvtt-py, the transcripts by ffprobe.

It never imports the writer: the cue grammars, the join rules and the caption limits come from
spec.py, ffprobe from ffmpeg.py.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.audio.ffmpeg import probe
from altformats.formats.audio.spec import (
    CAPTION_LINE,
    CAPTION_LINES,
    CAPTION_SECONDS,
    UNSPACED,
    CaptionId,
    CueId,
    join,
    join_pieces,
    parse_caption_id,
    parse_cue_id,
    sentences_path,
)  # fmt: skip
from altformats.parity import Difference

# Seconds a caption may start or end away from its sentence's cue: both files hold whole milliseconds.
TIME_SLACK = 0.0015


@dataclass(frozen=True)
class CaptionCue:
    """One cue as webvtt-py reads it (times in seconds, the text with WebVTT's escapes undone)."""

    identifier: str
    start: float
    end: float
    text: str

    @property
    def parts(self) -> CueId | None:
        """Block, role and sentence from the identifier (None if it does not follow the grammar)."""
        return parse_cue_id(self.identifier)

    @property
    def is_heading(self) -> bool:
        """True for a heading's first sentence, where a chapter starts."""
        return self.parts is not None and self.parts.role == "heading" and self.parts.sentence == 1


def seconds(stamp: str) -> float:
    """A WebVTT timestamp ([hh:]mm:ss.ttt) in seconds."""
    parts = [float(p) for p in stamp.split(":")]
    return sum(value * 60**power for power, value in enumerate(reversed(parts)))


def read_cues(vtt: Path) -> list[CaptionCue]:
    """The captions beside an audio file, read by webvtt-py."""
    import webvtt

    if not vtt.exists():
        raise AltformatsError(f"{vtt}: captions missing (the audio is checked against them)")
    # The text once unescaped ("&amp;" is "&"): chapter titles and speaking rates are held to the words.
    cues = webvtt.read(str(vtt))
    return [CaptionCue(c.identifier or "", seconds(c.start), seconds(c.end), html.unescape(c.text)) for c in cues]


def cue_blocks(path: Path) -> list[tuple[int, str]]:
    """The VTT's cues joined back into blocks by the block number in each cue id."""
    blocks: list[tuple[int, str]] = []
    for cue in read_cues(path):
        if cue.parts is None:
            raise AltformatsError(
                f"{path}: cue at {cue.start:.3f}s has no block identifier (b<block>-<role>-s<sentence>)"
            )
        block, text = cue.parts.block, " ".join(cue.text.split())
        if blocks and blocks[-1][0] == block:
            blocks[-1] = (block, join([blocks[-1][1], text]))
        else:
            blocks.append((block, text))
    return blocks


def transcript_blocks(path: Path) -> list[str]:
    """The transcript in an MP3 (ID3 USLT) or M4B (lyrics), read by ffprobe; blocks part at blank lines."""
    tags = probe(path)["format"].get("tags", {})
    text = next((value for key, value in tags.items() if key.lower().startswith("lyrics")), None)
    if text is None:
        raise AltformatsError(f"{path}: no transcript (no USLT/lyrics tag)")
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def caption_lines(cue: CaptionCue) -> list[str]:
    """A display cue's lines, whitespace folded."""
    return [" ".join(line.split()) for line in cue.text.split("\n") if line.strip()]


def caption_parts(path: Path, cues: list[CaptionCue]) -> list[CaptionId]:
    """Each display cue's identifier parts; an error naming the first cue whose id breaks the grammar."""
    parts = [parse_caption_id(cue.identifier) for cue in cues]
    for cue, part in zip(cues, parts, strict=True):
        if part is None:
            raise AltformatsError(
                f"{path}: cue at {cue.start:.3f}s has no caption identifier (b<block>-<role>-s<sentence>-c<part>)"
            )
    return parts


def caption_sentences(path: Path) -> list[tuple[tuple[int, int], str, list[CaptionCue]]]:
    """The display captions regrouped into sentences: ((block, sentence), its text, its cues), in file order.

    Lines are joined into a cue's text and cues into a sentence by spec.join_pieces, the rule the
    writer breaks by (a space, or nothing beside an unspaced script)."""
    cues = read_cues(path)
    found: list[tuple[tuple[int, int], str, list[CaptionCue]]] = []
    for cue, part in zip(cues, caption_parts(path, cues), strict=True):
        key, text = (part.sentence.block, part.sentence.sentence), join_pieces(caption_lines(cue))
        if found and found[-1][0] == key:
            found[-1] = (key, join_pieces([found[-1][1], text]), [*found[-1][2], cue])
        else:
            found.append((key, text, [cue]))
    return found


def caption_blocks(path: Path) -> list[tuple[int, str]]:
    """The display captions joined back into blocks: pieces into sentences, sentences by spec.join."""
    blocks: list[tuple[int, str]] = []
    for (block, _), text, _ in caption_sentences(path):
        if blocks and blocks[-1][0] == block:
            blocks[-1] = (block, join([blocks[-1][1], text]))
        else:
            blocks.append((block, text))
    return blocks


def breakable(text: str) -> bool:
    """True if text has a place a caption could break (a space, or a character of an unspaced script)."""
    return " " in text.strip() or bool(UNSPACED.search(text))


def limit_problems(cue: CaptionCue) -> list[str]:
    """How a display cue breaks the caption limits; a cue with nowhere to break (one long word) may not be cut."""
    lines = caption_lines(cue)
    if not breakable(" ".join(lines)):
        return []
    found = [f"{len(lines)} lines (the limit is {CAPTION_LINES})"] if len(lines) > CAPTION_LINES else []
    found += [f"a line of {len(line)} characters (the limit is {CAPTION_LINE})"
              for line in lines if len(line) > CAPTION_LINE and breakable(line)]  # fmt: skip
    if cue.end - cue.start > CAPTION_SECONDS + 0.0005:
        found.append(f"{cue.end - cue.start:.3f} s on screen (the limit is {CAPTION_SECONDS:g} s)")
    return found


def caption_differences(edition: str, doc: Document, path: Path) -> list[Difference]:
    """The display captions held to the limits, and to the sentence cues beside them: each sentence's
    captions follow one another without a gap from its cue's start to its end."""
    blocks = doc.reading_blocks()
    sentences = {(c.parts.block, c.parts.sentence): c for c in read_cues(sentences_path(path)) if c.parts}
    found: list[Difference] = []

    def differ(block: int, where: str, expected: str, got: str) -> None:
        line = blocks[block - 1].line if 0 < block <= len(blocks) else None
        found.append(Difference(edition, block, line, expected, got, where))

    for (block, number), _, cues in caption_sentences(path):
        for cue in cues:
            for problem in limit_problems(cue):
                differ(block, f"caption {cue.identifier}", "a cue within the caption limits", problem)
        sentence = sentences.get((block, number))
        if sentence is None:
            differ(block, f"caption {cues[0].identifier}", "a sentence cue for it", "none")
            continue
        edges = [sentence.start] + [c.end for c in cues[:-1]]
        for cue, begin in zip(cues, edges, strict=True):
            if abs(cue.start - begin) > TIME_SLACK:
                differ(block, f"caption {cue.identifier}", f"start at {begin:.3f}s", f"{cue.start:.3f}s")
        if abs(cues[-1].end - sentence.end) > TIME_SLACK:
            differ(block, f"caption {cues[-1].identifier}", f"end at {sentence.end:.3f}s", f"{cues[-1].end:.3f}s")
    return found
