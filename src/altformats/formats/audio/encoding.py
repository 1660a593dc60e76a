"""Encoding the mastered narration to MP3 and M4B, trimming its level until the decoded MP3 meets the targets."""

from __future__ import annotations

from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.audio import ffmpeg, files, mastering
from altformats.formats.audio.spec import TARGET_LUFS, TRUE_PEAK_LIMIT
from altformats.output import write_text

MASTERING_TRIES = 3  # each try scales the narration by what the decoded MP3 missed
LOUDNESS_ALLOWANCE = 0.8  # LU from the target the build accepts (the check allows 1)


def encode(
    doc: Document, samples, parts: list[files.Chapter], voice: str, work: Path, targets: tuple[Path, Path], profile: str
) -> None:
    """Master, encode both files, and trim the level if the decoded MP3 misses the loudness targets.

    The encoder adds peaks of its own, up to 3 dB over the limiter's ceiling
    and not predictably (a lower ceiling can give a higher peak), so a miss
    is corrected by scaling the mastered narration by the excess: peaks and
    loudness then move together, and the loudness has a 1 LU allowance.
    """
    pcm, metadata = work / "narration.pcm", work / "chapters.txt"
    write_text(metadata, files.ffmetadata(doc, parts, voice))
    target = TARGET_LUFS + files.PROFILES[profile]["encoder_loss"]
    mastered, trim = mastering.master(samples, target), 0.0
    for _ in range(MASTERING_TRIES):
        pcm.write_bytes(mastering.pcm16(mastered, trim))
        lufs, peak = encode_both(pcm, metadata, targets, profile)
        if abs(lufs - TARGET_LUFS) <= LOUDNESS_ALLOWANCE and peak <= TRUE_PEAK_LIMIT - 0.1:
            return
        trim += min(TARGET_LUFS - lufs, TRUE_PEAK_LIMIT - 0.3 - peak)
    raise AltformatsError(
        f"{doc.path}: audio loudness {lufs:.1f} LUFS, true peak {peak:.1f} dBTP after {MASTERING_TRIES} tries"
    )


def encode_both(pcm: Path, metadata: Path, targets: tuple[Path, Path], profile: str) -> tuple[float, float]:
    """Encode the MP3 and the M4B side by side; the decoded MP3's loudness and true peak."""
    mp3, m4b = targets
    encoders = [files.start(files.m4b_command(pcm, metadata, m4b, profile))]
    encoders.append(files.start(files.mp3_command(pcm, mp3, profile)))
    try:
        files.finish(encoders[1])
        # Measured while the (slower) M4B encoder is still running.
        return mastering.measure(ffmpeg.decode(mp3))
    finally:
        files.finish(encoders[0])
