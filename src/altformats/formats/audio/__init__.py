"""The audio edition: pyttsx3 narration as MP3 and M4B with chapters, WebVTT captions and a transcript.

Three files per document: `<slug>.mp3` (44.1 kHz mono CBR, ID3v2.4 with CHAP,
CTOC and the written transcript in USLT), `<slug>.m4b` (AAC with the same
chapters, the transcript as lyrics) and `<slug>.vtt` (one cue per sentence).
The words are read back from the transcript and the cues; the sound itself is
proved by the conformance check (conformance/audio.py).
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.audio import files as audiofiles
from altformats.formats.audio import mastering, synthesis
from altformats.formats.audio import script as speech
from altformats.formats.base import Build, Format, Output
from altformats.output import write_text

DEFAULT_RATE = 175  # words per minute: espeak-ng's clear pace for reading a document aloud
MASTERING_TRIES = 3  # each try scales the narration by what the decoded MP3 missed
LOUDNESS_ALLOWANCE = 0.8  # LU from the target the build accepts (the check allows 1)
CUE_ID = re.compile(r"^b(\d+)-[\w-]+-s(\d+)$")


class AudioFormat(Format):
    """Narration through pyttsx3/espeak-ng, encoded by ffmpeg, tagged by mutagen."""

    name = "audio"
    description = "MP3 and M4B audiobook with chapters, WebVTT captions and transcript (pyttsx3, espeak-ng)"

    def __init__(self, profile: str | None = None, rate: int | None = None):
        self.profile = profile or os.environ.get("ALTFORMATS_AUDIO_PROFILE", "standard")
        self.rate = rate or int(os.environ.get("ALTFORMATS_AUDIO_RATE", DEFAULT_RATE))
        if self.profile not in audiofiles.PROFILES:
            raise AltformatsError(f"unknown audio profile {self.profile!r}; known: {', '.join(audiofiles.PROFILES)}")

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output(f"audio-{ext}", out_dir / f"{doc.slug}.{ext}") for ext in ("mp3", "m4b", "vtt")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        mp3, m4b, vtt = (output.path for output in self.outputs(doc, out_dir))
        utterances = speech.script(doc)
        if not utterances:
            raise AltformatsError(f"{doc.path}: nothing to read aloud")
        spoken = synthesis.synthesise([u.spoken for u in utterances], doc.meta.language, self.rate)
        narration, cues = mastering.lay_out(utterances, spoken.clips)
        parts = audiofiles.chapters(doc, cues, 2 * len(narration))
        with tempfile.TemporaryDirectory(prefix="altformats-audio-") as work:
            self._encode(doc, narration, parts, spoken.voice, Path(work), (mp3, m4b))
        audiofiles.tag_mp3(mp3, doc, parts, spoken.voice)
        write_text(vtt, audiofiles.webvtt(cues))
        return [mp3, m4b, vtt]

    def _encode(self, doc, samples, parts, voice: str, work: Path, targets: tuple[Path, Path]) -> None:
        """Master, encode both files, and trim the level if the decoded MP3 misses the loudness targets.

        The encoder adds peaks of its own, up to 3 dB over the limiter's ceiling
        and not predictably (a lower ceiling can give a higher peak), so a miss
        is corrected by scaling the mastered narration by the excess: peaks and
        loudness then move together, and the loudness has a 1 LU allowance.
        """
        mp3, m4b = targets
        pcm, metadata = work / "narration.pcm", work / "chapters.txt"
        write_text(metadata, audiofiles.ffmetadata(doc, parts, voice))
        target = mastering.TARGET_LUFS + audiofiles.PROFILES[self.profile]["encoder_loss"]
        mastered, trim = mastering.master(samples, target), 0.0
        for _ in range(MASTERING_TRIES):
            pcm.write_bytes(mastering.pcm16(mastered, trim))
            lufs, peak = self._encode_both(pcm, metadata, mp3, m4b)
            if abs(lufs - mastering.TARGET_LUFS) <= LOUDNESS_ALLOWANCE and peak <= mastering.TRUE_PEAK_LIMIT - 0.1:
                return
            trim += min(mastering.TARGET_LUFS - lufs, mastering.TRUE_PEAK_LIMIT - 0.3 - peak)
        raise AltformatsError(
            f"{doc.path}: audio loudness {lufs:.1f} LUFS, true peak {peak:.1f} dBTP after {MASTERING_TRIES} tries"
        )

    def _encode_both(self, pcm: Path, metadata: Path, mp3: Path, m4b: Path) -> tuple[float, float]:
        """Encode the MP3 and the M4B side by side; the decoded MP3's loudness and true peak."""
        encoders = [audiofiles.start(audiofiles.m4b_command(pcm, metadata, m4b, self.profile))]
        encoders.append(audiofiles.start(audiofiles.mp3_command(pcm, mp3, self.profile)))
        try:
            audiofiles.finish(encoders[1])
            # Measured while the (slower) M4B encoder is still running.
            return mastering.measure(audiofiles.decode(mp3))
        finally:
            audiofiles.finish(encoders[0])

    def read_back(self, path: Path) -> list[str]:
        if path.suffix == ".vtt":
            return [text for _, text in cue_blocks(path)]
        return transcript_blocks(path)

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.audio import checks as audio

        return audio.check([output.path for output in outputs])


def cue_blocks(path: Path) -> list[tuple[int, str]]:
    """The VTT's cues, read by webvtt-py, joined back into blocks by the block number in each cue id."""
    import webvtt

    blocks: list[tuple[int, str]] = []
    for cue in webvtt.read(str(path)):
        match = CUE_ID.match(cue.identifier or "")
        if not match:
            raise AltformatsError(f"{path}: cue {cue.start} has no block identifier (b<block>-<role>-s<sentence>)")
        block, text = int(match.group(1)), html.unescape(" ".join(cue.text.split()))
        if blocks and blocks[-1][0] == block:
            blocks[-1] = (block, speech.join([blocks[-1][1], text]))
        else:
            blocks.append((block, text))
    return blocks


def transcript_blocks(path: Path) -> list[str]:
    """The transcript in an MP3 (ID3 USLT) or M4B (lyrics), read by ffprobe; blocks part at blank lines."""
    from altformats.formats.audio.checks import probe

    tags = probe(path)["format"].get("tags", {})
    text = next((value for key, value in tags.items() if key.lower().startswith("lyrics")), None)
    if text is None:
        raise AltformatsError(f"{path}: no transcript (no USLT/lyrics tag)")
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]
