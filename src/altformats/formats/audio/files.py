"""Writing the audio edition's files: MP3 and M4B through ffmpeg, ID3v2.4 tags with mutagen, WebVTT captions.

Every writer here is deterministic: ffmpeg runs with its bit-exact flags and
writes no tags of its own (no encoder versions), the tags hold only the
document's own metadata, and times come from sample counts.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from altformats.document.model import Document, normalise
from altformats.errors import AltformatsError
from altformats.formats.audio import script as speech
from altformats.formats.audio.mastering import RATE, SPEECH_RATE, Cue

# Encoder settings per profile: options are data.
# encoder_loss: LU the MP3 encoder takes off espeak-ng speech (it quantises quiet detail to
# nothing): measured 0.4 at 64k and 0.27 at 192k on the seed. The narration is mastered half
# that much louder (more would push the encoder's own peaks over -1 dBTP), and the decoded
# MP3 is measured to make sure.
PROFILES = {
    "standard": {"bitrate": "64k", "mp3_quality": "5", "aac_coder": "fast", "encoder_loss": 0.2},
    "high": {"bitrate": "192k", "mp3_quality": "2", "aac_coder": "twoloop", "encoder_loss": 0.15},
}
# ISO 639-2 codes for ID3's language fields (TLAN, USLT), by BCP 47 primary subtag.
ISO_639_2 = {
    "ar": "ara", "de": "deu", "en": "eng", "es": "spa", "fa": "fas", "fr": "fra", "he": "heb", "hi": "hin",
    "it": "ita", "ja": "jpn", "ko": "kor", "nl": "nld", "pl": "pol", "pt": "por", "ru": "rus", "sv": "swe",
    "tr": "tur", "uk": "ukr", "vi": "vie", "zh": "zho",
}  # fmt: skip
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


@dataclass(frozen=True)
class Chapter:
    """A section of the narration: its title and its span in samples at RATE."""

    title: str
    start: int
    end: int


def chapters(doc: Document, cues: list[Cue], length: int) -> list[Chapter]:
    """One chapter for the opening (titled with the document's title) and one per heading, titled with it."""
    starts = [(doc.meta.title, 0)]
    for cue in cues:
        if cue.utterance.role == "heading" and cue.utterance.sentence == 1:
            heading = speech.join([c.utterance.written for c in cues if c.utterance.block == cue.utterance.block])
            starts.append((heading, cue.start))
    ends = [start for _, start in starts[1:]] + [length]
    return [Chapter(title, start, end) for (title, start), end in zip(starts, ends, strict=True)]


def transcript(doc: Document) -> str:
    """The full written text: every reading block, whitespace folded, blocks parted by a blank line."""
    return "\n\n".join(normalise(block.text) for block in doc.reading_blocks())


def milliseconds(samples: int) -> int:
    """Samples at RATE as whole milliseconds (rounded)."""
    return (samples * 1000 + RATE // 2) // RATE


def timestamp(samples: int) -> str:
    """A WebVTT timestamp (hh:mm:ss.ttt) for a sample position at RATE."""
    ms = milliseconds(samples)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def webvtt(cues: list[Cue]) -> str:
    """WebVTT captions: one cue per sentence, its written text, identified by block, role and sentence."""
    lines = ["WEBVTT", ""]
    for cue in cues:
        text = cue.utterance.written.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [cue.utterance.cue_id, f"{timestamp(cue.start)} --> {timestamp(cue.end)}", text, ""]
    return "\n".join(lines)


def ffmpeg() -> str:
    """The ffmpeg program, or MissingTool."""
    from altformats.tools import executable

    return executable("ffmpeg", "ffmpeg")


def pcm_input(pcm: Path) -> list[str]:
    """ffmpeg arguments reading the mastered narration (mono 16-bit at SPEECH_RATE); outputs add -ar RATE."""
    return ["-f", "s16le", "-ar", str(SPEECH_RATE), "-ac", "1", "-i", str(pcm)]


def mp3_command(pcm: Path, out: Path, profile: str) -> list[str]:
    """ffmpeg encoding constant-bitrate MP3 (LAME) with no tags of its own; mutagen adds ours."""
    settings = PROFILES[profile]
    codec = [
        "-ar",
        str(RATE),
        "-c:a",
        "libmp3lame",
        "-b:a",
        settings["bitrate"],
        "-compression_level",
        settings["mp3_quality"],
    ]
    tags = ["-id3v2_version", "0", "-write_id3v1", "0"]
    return [ffmpeg(), "-v", "error", "-nostdin", "-y", *pcm_input(pcm), *codec, *BITEXACT, *tags, str(out)]


def m4b_command(pcm: Path, metadata: Path, out: Path, profile: str) -> list[str]:
    """ffmpeg encoding AAC in an MPEG-4 audiobook with chapters and tags from an ffmetadata file."""
    settings = PROFILES[profile]
    codec = ["-ar", str(RATE), "-c:a", "aac", "-b:a", settings["bitrate"], "-aac_coder", settings["aac_coder"]]
    mapping = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    exact = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]
    return [ffmpeg(), "-v", "error", "-nostdin", "-y", *pcm_input(pcm), "-f", "ffmetadata", "-i", str(metadata),
            *mapping, *codec, *exact, "-f", "ipod", str(out)]  # fmt: skip


def start(command: list[str]) -> subprocess.Popen:
    """Start an encoder in the background (the MP3 and M4B encoders run side by side, one per core)."""
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen) -> None:
    """Wait for an encoder; fail with ffmpeg's own words if it failed."""
    _, error = process.communicate()
    if process.returncode:
        name = Path(process.args[-1]).name
        raise AltformatsError(f"{name}: ffmpeg exit {process.returncode}: {error.decode()[-1500:]}")


def ffmetadata(doc: Document, parts: list[Chapter], voice: str) -> str:
    """ffmpeg's metadata file: the document's tags, its transcript as lyrics, and its chapters."""
    tags = {
        "title": doc.meta.title,
        "artist": doc.meta.publisher,
        "album_artist": doc.meta.publisher,
        "date": doc.meta.date.isoformat(),
        "language": ISO_639_2.get(doc.meta.language.split("-")[0].lower(), "und"),
        "comment": f"Narrated by espeak-ng ({voice})",
        "lyrics": transcript(doc),
    }
    lines = [";FFMETADATA1"] + [f"{key}={_escape(value)}" for key, value in tags.items() if value]
    for part in parts:
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{RATE}",
            f"START={part.start}",
            f"END={part.end}",
            f"title={_escape(part.title)}",
        ]
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    """ffmetadata escaping: backslash before = ; # \\ and newlines."""
    for char in "\\=;#\n":
        value = value.replace(char, "\\" + char)
    return value


def tag_mp3(path: Path, doc: Document, parts: list[Chapter], voice: str) -> None:
    """Write ID3v2.4: title, artist, date, language, the voice, CHAP per section, an ordered CTOC, USLT."""
    from mutagen.id3 import CHAP, CTOC, ID3, TDRC, TIT2, TLAN, TPE1, TXXX, USLT, CTOCFlags

    language = ISO_639_2.get(doc.meta.language.split("-")[0].lower(), "und")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[doc.meta.title]))
    if doc.meta.publisher:
        tags.add(TPE1(encoding=3, text=[doc.meta.publisher]))
    tags.add(TDRC(encoding=3, text=[doc.meta.date.isoformat()]))
    tags.add(TLAN(encoding=3, text=[language]))
    tags.add(TXXX(encoding=3, desc="narrator", text=[f"espeak-ng {voice}"]))
    ids = [f"ch{number}" for number in range(1, len(parts) + 1)]
    for element, part in zip(ids, parts, strict=True):
        title = TIT2(encoding=3, text=[part.title])
        tags.add(
            CHAP(
                element_id=element,
                start_time=milliseconds(part.start),
                end_time=milliseconds(part.end),
                sub_frames=[title],
            )
        )
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    tags.add(
        CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[doc.meta.title])])
    )
    tags.add(USLT(encoding=3, lang=language, desc="transcript", text=transcript(doc)))
    tags.save(str(path), v2_version=4, v1=0, padding=lambda info: 0)


def decode(path: Path) -> bytes:
    """A file's audio decoded by ffmpeg to mono 16-bit PCM at RATE."""
    command = [
        ffmpeg(),
        "-v",
        "error",
        "-nostdin",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-f",
        "s16le",
        "-ac",
        "1",
        "-ar",
        str(RATE),
        "-",
    ]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode:
        raise AltformatsError(f"{path}: ffmpeg could not decode it: {done.stderr.decode()[-1500:]}")
    return done.stdout
