"""The audio edition's independent reader: the captions by webvtt-py, the transcripts by ffprobe.

It never imports the writer: the cue grammar and the join rule come from spec.py,
ffprobe from ffmpeg.py.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from altformats.errors import AltformatsError
from altformats.formats.audio.ffmpeg import probe
from altformats.formats.audio.spec import CueId, join, parse_cue_id


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
