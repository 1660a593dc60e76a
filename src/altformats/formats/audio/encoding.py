"""Encoding the mastered narration to MP3 and M4B, trimming its level until the decoded MP3 meets its profile."""

from __future__ import annotations

from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.audio import ffmpeg, files, mastering, spec
from altformats.output import write_text

MASTERING_TRIES = 3  # each try scales the narration by what the decoded MP3 missed
ALLOWANCE_MARGIN = 0.2  # the build accepts a level this much closer to the target than the check does
PEAK_MARGIN = 0.1  # dB under the peak limit the build accepts; a trim aims 0.3 under it


def encode(
    doc: Document, samples, parts: list[files.Chapter], voice: str, work: Path, targets: tuple[Path, Path], profile: str
) -> None:
    """Master, encode both files, and trim the level if the decoded MP3 misses its profile's targets.

    The encoder adds peaks of its own, up to 3 dB over the limiter's ceiling
    and not predictably (a lower ceiling can give a higher peak), so a miss
    is corrected by scaling the mastered narration by the excess: peaks and
    level then move together, within the profile's tolerance. The M4B is
    then tagged with the profile it was made for.
    """
    chosen, settings = spec.delivery(profile), files.PROFILES[profile]
    pcm, metadata = work / "narration.pcm", work / "chapters.txt"
    write_text(metadata, files.ffmetadata(doc, parts, voice))
    mastered = mastering.master(samples, chosen.level + settings["encoder_loss"], settings["ceiling"], chosen.meter)
    trim = 0.0
    for _ in range(MASTERING_TRIES):
        pcm.write_bytes(mastering.pcm16(mastered, trim, chosen.room_tone))
        level, peak = encode_both(pcm, metadata, targets, profile)
        if abs(level - chosen.level) <= chosen.tolerance - ALLOWANCE_MARGIN and peak <= chosen.peak - PEAK_MARGIN:
            files.tag_m4b(targets[1], profile)
            return
        trim += min(chosen.level - level, chosen.peak - 0.3 - peak)
    unit, peak_unit = ("LUFS", "dBTP") if chosen.meter == "loudness" else ("dB RMS", "dBFS")
    raise AltformatsError(
        f"{doc.path}: audio level {level:.1f} {unit}, peak {peak:.1f} {peak_unit} after {MASTERING_TRIES} tries "
        f"(profile {chosen.name}: {chosen.level} ± {chosen.tolerance}, peak at most {chosen.peak})"
    )


def encode_both(pcm: Path, metadata: Path, targets: tuple[Path, Path], profile: str) -> tuple[float, float]:
    """Encode the MP3 and the M4B side by side; the decoded MP3's level and peak by its profile's meters."""
    mp3, m4b = targets
    encoders = [files.start(files.m4b_command(pcm, metadata, m4b, profile))]
    encoders.append(files.start(files.mp3_command(pcm, mp3, profile)))
    try:
        files.finish(encoders[1])
        # Measured while the (slower) M4B encoder is still running.
        meter = mastering.measure if spec.delivery(profile).meter == "loudness" else mastering.measure_rms
        return meter(ffmpeg.decode(mp3))
    finally:
        files.finish(encoders[0])
