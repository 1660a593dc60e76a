"""Writing the audio edition's files: MP3 and M4B through ffmpeg, ID3v2.4 tags with mutagen, WebVTT captions
and sentence cues.

The captions come from templates/audio/captions.vtt.j2 and the sentence cues from
templates/audio/sentences.vtt.j2, the user's to override.

Every writer here is deterministic: ffmpeg runs with its bit-exact flags and
writes no tags of its own (no encoder versions), the tags hold only the
document's own metadata, and times come from sample counts.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from altformats import templating, tools
from altformats.document.model import Document, normalise
from altformats.errors import AltformatsError
from altformats.formats.audio import ffmpeg, spec
from altformats.formats.audio.captions import Caption
from altformats.formats.audio.mastering import SPEECH_RATE, Cue
from altformats.formats.audio.spec import RATE
from altformats.text import primary_language

# Encoder settings per delivery profile (spec.DELIVERIES holds the targets): options are data.
# encoder_loss: LU the MP3 encoder takes off espeak-ng speech (it quantises quiet detail to
# nothing): measured 0.4 at 64k and 0.27 at 192k on the seed. The narration is mastered half
# that much louder (more would push the encoder's own peaks over the limit), and the decoded
# MP3 is measured to make sure. ceiling: the limiter's sample-peak ceiling (dBFS), below the
# profile's peak limit by the encoder's usual overshoot.
_LOW = {"mp3_quality": "5", "aac_coder": "fast", "encoder_loss": 0.2, "ceiling": -2.5}
_HIGH = {"mp3_quality": "2", "aac_coder": "twoloop", "encoder_loss": 0.15, "ceiling": -2.5}
_ENCODERS = {"podcast": _LOW, "high": _HIGH, "broadcast": _HIGH, "acx": {**_HIGH, "ceiling": -5.0}}
# Every name a profile may be given (aliases too: "standard" is podcast), with its settings.
PROFILES = {
    name: {**_ENCODERS[spec.delivery(name).name], "bitrate": f"{spec.delivery(name).kbps}k"}
    for name in [*spec.DELIVERIES, *spec.ALIASES]
}
# ISO 639-2 codes for ID3's language fields (TLAN, USLT), by BCP 47 primary subtag.
ISO_639_2 = {
    "ar": "ara", "de": "deu", "en": "eng", "es": "spa", "fa": "fas", "fr": "fra", "he": "heb", "hi": "hin",
    "it": "ita", "ja": "jpn", "ko": "kor", "nl": "nld", "pl": "pol", "pt": "por", "ru": "rus", "sv": "swe",
    "tr": "tur", "uk": "ukr", "vi": "vie", "zh": "zho",
}  # fmt: skip


def iso_639_2(language: str) -> str:
    """The ISO 639-2 code ID3 and MPEG-4 tags name a BCP 47 language by ("und" if unknown)."""
    return ISO_639_2.get(primary_language(language), "und")


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
            heading = spec.join([c.utterance.written for c in cues if c.utterance.block == cue.utterance.block])
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


def caption_text(written: str) -> Markup:
    """A sentence escaped as WebVTT cue text wants (only & < >; quotes stay), marked safe for the template."""
    return Markup(written.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def sentence_webvtt(cues: list[Cue], templates: str | None = None) -> str:
    """The sentence cues: one WebVTT cue per sentence, its written text, identified by block, role and sentence."""
    sentences = [
        {"id": cue.utterance.cue_id, "start": timestamp(cue.start), "end": timestamp(cue.end),
         "text": caption_text(cue.utterance.written)}
        for cue in cues
    ]  # fmt: skip
    return templating.render("audio/sentences.vtt.j2", templates, cues=sentences)


def caption_webvtt(captions: list[Caption], templates: str | None = None) -> str:
    """The display captions: one WebVTT cue per piece of a sentence, its lines (`text` is them joined by
    line breaks), identified by the sentence's cue id and the piece's number."""
    cues = [
        {"id": c.identifier, "start": timestamp(c.start), "end": timestamp(c.end),
         "lines": [caption_text(line) for line in c.lines], "text": Markup("\n").join(map(caption_text, c.lines))}
        for c in captions
    ]  # fmt: skip
    return templating.render("audio/captions.vtt.j2", templates, cues=cues)


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
    return [ffmpeg.program(), "-v", "error", "-nostdin", "-y", *pcm_input(pcm), *codec, *BITEXACT, *tags, str(out)]


def m4b_command(pcm: Path, metadata: Path, out: Path, profile: str) -> list[str]:
    """ffmpeg encoding AAC in an MPEG-4 audiobook with chapters and tags from an ffmetadata file."""
    settings = PROFILES[profile]
    codec = ["-ar", str(RATE), "-c:a", "aac", "-b:a", settings["bitrate"], "-aac_coder", settings["aac_coder"]]
    mapping = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    exact = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]
    return [ffmpeg.program(), "-v", "error", "-nostdin", "-y", *pcm_input(pcm), "-f", "ffmetadata", "-i", str(metadata),
            *mapping, *codec, *exact, "-f", "ipod", str(out)]  # fmt: skip


def start(command: list[str]) -> subprocess.Popen:
    """Start an encoder in the background (the MP3 and M4B encoders run side by side, one per core)."""
    return tools.popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen) -> None:
    """Wait for an encoder; fail with ffmpeg's own words if it failed."""
    _, error = tools.communicate(process)
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
        "language": iso_639_2(doc.meta.language),
        "comment": f"Narrated by espeak-ng ({voice})",
        "lyrics": transcript(doc),
        "media_type": "2",  # the MPEG-4 stik atom: 2 is Audiobook, so players file it under books
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


def tag_mp3(path: Path, doc: Document, parts: list[Chapter], voice: str, profile: str = spec.DEFAULT_DELIVERY) -> None:
    """Write ID3v2.4: title, artist, date, language, the voice, the delivery profile, an ordered CTOC, then one
    CHAP per section in time order (a player that ignores the CTOC lists the opening first), then USLT."""
    from mutagen.id3 import CHAP, CTOC, TDRC, TIT2, TLAN, TPE1, TXXX, USLT, CTOCFlags

    language = iso_639_2(doc.meta.language)
    tags = ordered_id3()
    tags.add(TIT2(encoding=3, text=[doc.meta.title]))
    if doc.meta.publisher:
        tags.add(TPE1(encoding=3, text=[doc.meta.publisher]))
    tags.add(TDRC(encoding=3, text=[doc.meta.date.isoformat()]))
    tags.add(TLAN(encoding=3, text=[language]))
    tags.add(TXXX(encoding=3, desc="narrator", text=[f"espeak-ng {voice}"]))
    tags.add(TXXX(encoding=3, desc=spec.PROFILE_TAG, text=[spec.delivery(profile).name]))
    ids = [f"ch{number}" for number in range(1, len(parts) + 1)]
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    tags.add(
        CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[doc.meta.title])])
    )
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
    tags.add(USLT(encoding=3, lang=language, desc="transcript", text=transcript(doc)))
    tags.save(str(path), v2_version=4, v1=0, padding=lambda info: 0)


def ordered_id3():
    """An empty ID3 tag that stores its frames in the order they were added.

    mutagen's own writer sorts frames by size (so the CHAP frames came out ch2, ch3, CTOC, ch1);
    this overrides its one frame-joining method, `_write` (mutagen 1.45 to 1.48), with the same
    per-frame serializer. tests/formats/audio/test_profiles.py reads the raw frame order back.
    """
    from mutagen.id3 import ID3
    from mutagen.id3._tags import save_frame

    class OrderedID3(ID3):
        def _write(self, config) -> bytearray:
            return bytearray().join(save_frame(frame, config=config) for frame in self.values())

    return OrderedID3()


def tag_m4b(path: Path, profile: str) -> None:
    """Record the delivery profile in the M4B as a freeform iTunes tag (ffprobe lists it by its name)."""
    from mutagen.mp4 import MP4, MP4FreeForm

    audio = MP4(str(path))
    audio.tags[f"----:com.apple.iTunes:{spec.PROFILE_TAG}"] = [MP4FreeForm(spec.delivery(profile).name.encode())]
    audio.save(padding=lambda info: 0)
