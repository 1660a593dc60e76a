"""What the audio writer and its independent reader both follow: the cue-id grammar, the join rule, the sound targets.

Neither writer nor reader (tests/test_layout.py): the writer makes cue ids and
lays out the sound by these rules, the reader and the checker hold the files to them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RATE = 44_100  # the editions' sample rate: ffmpeg doubles espeak-ng's 22,050 Hz exactly
TARGET_LUFS = -16.0  # integrated loudness of the decoded MP3
TRUE_PEAK_LIMIT = -1.0  # dBTP, on the decoded MP3
# Pauses in seconds: options are data. A section starts at every heading.
PAUSES = {"lead": 0.30, "sentence": 0.45, "block": 0.80, "section": 1.30, "tail": 0.60}

# A WebVTT cue identifier: b<block>-<role>-s<sentence>, block and sentence 1-based; a role may hold hyphens.
CUE_ID = re.compile(r"^b(\d+)-([\w-]+)-s(\d+)$")
# Chinese and Japanese end a sentence with a full-width stop and no space: the next sentence
# starts right after it, and joining the two back needs no space.
FULL_WIDTH_END = re.compile(r"[。！？]+[」』）〕”’]*$")


class CueId(NamedTuple):
    """A cue identifier's parts: the reading block and the sentence within it (1-based), the block's role."""

    block: int
    role: str
    sentence: int


def cue_id(block: int, role: str, sentence: int) -> str:
    """The WebVTT cue identifier of a sentence, so a reader can regroup the cues into blocks."""
    return f"b{block}-{role}-s{sentence}"


def parse_cue_id(identifier: str) -> CueId | None:
    """The parts of a cue identifier, or None if it does not follow the grammar."""
    match = CUE_ID.match(identifier)
    return CueId(int(match.group(1)), match.group(2), int(match.group(3))) if match else None


def join(sentences: list[str]) -> str:
    """A block's text from its sentences: a space between them, none after a full-width stop."""
    text = ""
    for sentence in sentences:
        text += ("" if not text or FULL_WIDTH_END.search(text) else " ") + sentence
    return text
