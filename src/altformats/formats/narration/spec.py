"""What the narration writers and their readers both follow: sentence ids, clock values, the files inside each edition.

Neither writer nor reader (tests/test_layout.py): the writers name and time every sentence by
these rules, the readers resolve the names and parse the times back to sample counts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from altformats.formats.audio.spec import RATE

# A sentence's span id: b<block>-s<sentence>, both 1-based (the audio cue's numbers).
SPAN_ID = re.compile(r"^b(\d+)-s(\d+)$")
DECIMALS = 6  # seconds to a microsecond: finer than a sample (22.7 µs), so the samples come back exactly
# An MP3 is longer than its PCM by the encoder's delay and padding: at most this many frames of 1,152.
MP3_SLACK = 3 * 1152
ACTIVE_CLASS = "-epub-media-overlay-active"  # the EPUB's media:active-class

# Inside the narrated EPUB (under EPUB_ROOT) and the DAISY zip.
EPUB_ROOT = "EPUB"
EPUB_FILES = {"opf": "package.opf", "content": "content.xhtml", "smil": "content.smil", "nav": "nav.xhtml",
              "css": "style.css", "audio": "narration.mp3"}  # fmt: skip
DAISY_NCC, DAISY_TEXT, DAISY_AUDIO = "ncc.html", "content.html", "narration.mp3"
DAISY_FORMAT = "Daisy 2.02"


class SpanId(NamedTuple):
    """A sentence span's block and sentence numbers."""

    block: int
    sentence: int


def span_id(block: int, sentence: int) -> str:
    """The id of a sentence's span."""
    return f"b{block}-s{sentence}"


def parse_span_id(identifier: str) -> SpanId | None:
    """A span id's numbers, or None if it does not follow the grammar."""
    match = SPAN_ID.match(identifier)
    return SpanId(int(match.group(1)), int(match.group(2))) if match else None


def seconds(samples: int) -> str:
    """Samples at RATE as decimal seconds, to DECIMALS places (e.g. "12.345011")."""
    return f"{samples / RATE:.{DECIMALS}f}"


def smil_clock(samples: int) -> str:
    """A SMIL 3 (EPUB Media Overlays) clock value: "12.345011s"."""
    return seconds(samples) + "s"


def hms(samples: int) -> str:
    """hh:mm:ss.sss (to the millisecond), as DAISY 2.02's ncc:totalTime and SMIL meta data give a time."""
    ms = (samples * 1000 + RATE // 2) // RATE
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


CLOCK = re.compile(
    r"^(?:npt=)?(?:(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)"
    r"|(?P<count>\d+(?:\.\d+)?)(?P<unit>h|min|s|ms)?)$"
)
UNITS = {"h": 3600.0, "min": 60.0, "s": 1.0, "ms": 0.001, None: 1.0}


def parse_clock(value: str) -> float | None:
    """A SMIL clock value (full, partial or timecount; "npt=" allowed) in seconds, or None if malformed."""
    match = CLOCK.match(value.strip())
    if not match:
        return None
    if match.group("count") is not None:
        return float(match.group("count")) * UNITS[match.group("unit")]
    return int(match.group("h") or 0) * 3600 + int(match.group("m")) * 60 + float(match.group("s"))


def to_samples(value: float) -> int:
    """Seconds back to the nearest sample at RATE."""
    return round(value * RATE)
