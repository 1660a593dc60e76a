"""The binding to ffmpeg both sides use: its programs, ffprobe's report of a file, and decoding to PCM.

Neither writer nor reader (tests/test_layout.py): the writer encodes and measures
through it, the reader reads tags and the checker decodes the sound through it.
"""

from __future__ import annotations

import json
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError
from altformats.formats.audio.spec import RATE


def program() -> str:
    """The ffmpeg program, or MissingTool with the line that installs it."""
    from altformats.tools import executable

    return executable("ffmpeg", "ffmpeg")


def probe(path: Path) -> dict:
    """ffprobe's report (format, streams, chapters) of a media file."""
    from altformats.tools import executable

    ffprobe = executable("ffprobe", "ffmpeg")
    command = [ffprobe, "-v", "error", "-of", "json", "-show_format", "-show_streams", "-show_chapters", str(path)]
    done = tools.run(command, capture_output=True, text=True)
    if done.returncode:
        raise AltformatsError(f"{path}: ffprobe cannot read it: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def decode(path: Path) -> bytes:
    """A file's audio decoded by ffmpeg to mono 16-bit PCM at RATE."""
    command = [program(), "-v", "error", "-nostdin", "-i", str(path), "-map", "0:a:0"]
    command += ["-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"]
    done = tools.run(command, capture_output=True)
    if done.returncode:
        raise AltformatsError(f"{path}: ffmpeg could not decode it: {done.stderr.decode()[-1500:]}")
    return done.stdout
