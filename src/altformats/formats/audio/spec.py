"""What the audio writer and its independent reader both follow: the cue-id grammars, the join rules, the caption
limits, the sound targets.

Neither writer nor reader (tests/test_layout.py): the writer makes cue ids and
lays out the sound by these rules, the reader and the checker hold the files to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

RATE = 44_100  # the editions' sample rate: ffmpeg doubles espeak-ng's 22,050 Hz exactly
TARGET_LUFS = -16.0  # integrated loudness of the decoded MP3 (the podcast profile's)
TRUE_PEAK_LIMIT = -1.0  # dBTP, on the decoded MP3 (the podcast profile's)
# Pauses in seconds: options are data. A section starts at every heading. A delivery profile
# may ask for a longer lead and tail (ACX's room tone at the head and tail).
PAUSES = {"lead": 0.30, "sentence": 0.45, "block": 0.80, "section": 1.30, "tail": 0.60}
# The ID3 TXXX description and MPEG-4 freeform name that record the delivery profile in each file;
# ffprobe lists either as a tag of this name, so the checker holds the file to that profile.
PROFILE_TAG = "altformats profile"


@dataclass(frozen=True)
class Delivery:
    """A delivery profile's targets, measured on the decoded file.

    `meter` is "loudness" (integrated LUFS, ITU-R BS.1770, with the true peak in dBTP) or "rms"
    (ACX: the RMS level of the whole file in dBFS, with the sample peak in dBFS). `room_tone` is
    the level (dBFS RMS) of the low noise laid under the whole narration, None for digital silence;
    `noise_floor` the most the head and tail may measure, and `head`/`tail` the seconds of room tone
    they must last (ACX: 0.5-1 s and 1-5 s).
    """

    name: str
    meter: str
    level: float
    tolerance: float
    peak: float
    kbps: int
    lead: float = PAUSES["lead"]
    tail: float = PAUSES["tail"]
    room_tone: float | None = None
    noise_floor: float | None = None
    head_range: tuple[float, float] | None = None
    tail_range: tuple[float, float] | None = None


# Delivery profiles: options are data. podcast is the default (what "standard" was, kept as an alias);
# high is podcast loudness at 192 kbps.
DELIVERIES = {
    "podcast": Delivery("podcast", "loudness", TARGET_LUFS, 1.0, TRUE_PEAK_LIMIT, 64),
    "acx": Delivery(
        "acx", "rms", -20.0, 2.0, -3.5, 192, lead=0.75, tail=2.0, room_tone=-65.0, noise_floor=-60.0,
        head_range=(0.5, 1.0), tail_range=(1.0, 5.0),
    ),
    "broadcast": Delivery("broadcast", "loudness", -23.0, 0.5, -1.0, 192),  # EBU R128
    "high": Delivery("high", "loudness", TARGET_LUFS, 1.0, TRUE_PEAK_LIMIT, 192),
}  # fmt: skip
ALIASES = {"standard": "podcast"}
DEFAULT_DELIVERY = "podcast"


def delivery(name: str) -> Delivery:
    """The delivery profile called `name` (an alias gives the profile it stands for); KeyError if unknown."""
    return DELIVERIES[ALIASES.get(name, name)]


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


# --- the display captions (<slug>.vtt) and the sentence cues (<slug>.sentences.vtt) ----------------

SENTENCES_SUFFIX = ".sentences.vtt"  # the sentence-level cues, which the sound checks and the chapters follow
# Display limits of a caption cue (the issue's: what fits on screen and can be read in time).
CAPTION_LINE = 42  # characters (code points) a line
CAPTION_LINES = 2
CAPTION_SECONDS = 7.0
# A caption cue identifier: its sentence's cue id and the piece of the sentence (1-based), b3-paragraph-s2-c1.
CAPTION_PART = re.compile(r"^(.+)-c(\d+)$")
# Characters of scripts written without spaces (Han, kana) and full-width punctuation: a caption may
# break before or after one with no space dropped, and its pieces are joined back with none.
UNSPACED = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


class CaptionId(NamedTuple):
    """A caption identifier's parts: its sentence's (a CueId) and the piece of the sentence, 1-based."""

    sentence: CueId
    part: int


def caption_id(block: int, role: str, sentence: int, part: int) -> str:
    """The identifier of a display caption: the part-th piece of a sentence."""
    return f"{cue_id(block, role, sentence)}-c{part}"


def parse_caption_id(identifier: str) -> CaptionId | None:
    """The parts of a caption identifier, or None if it does not follow the grammar."""
    match = CAPTION_PART.match(identifier)
    sentence = parse_cue_id(match.group(1)) if match else None
    return CaptionId(sentence, int(match.group(2))) if sentence else None


def sentences_path(path) -> object:
    """The sentence cues beside an audio file or its captions: x.mp3, x.m4b, x.vtt -> x.sentences.vtt."""
    name = path.name.removesuffix(SENTENCES_SUFFIX)
    return path.with_name(name.rsplit(".", 1)[0] + SENTENCES_SUFFIX if name == path.name else path.name)


def glue(left: str, right: str) -> str:
    """What parts two pieces of a sentence split for display: nothing beside an unspaced script, else a space."""
    return "" if UNSPACED.match(right[:1]) or UNSPACED.match(left[-1:]) else " "


def join_pieces(pieces: list[str]) -> str:
    """A sentence from the pieces it was split into for display (lines and caption cues), by `glue`."""
    text = ""
    for piece in pieces:
        text += (glue(text, piece) if text else "") + piece
    return text
