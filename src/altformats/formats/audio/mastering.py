"""Mastering the narration: clips laid out with fixed pauses, exact cue times, and broadcast loudness.

Times come from sample counts, so every cue's start and end are exact. The
level is set by one measured gain (ITU-R BS.1770 loudness, or the RMS level for
ACX: loudness.py) and a look-ahead peak limiter, because espeak-ng's speech has
peaks some 20 dB above its loudness: brought to -16 LUFS without a limiter it
would clip. A profile with room tone (ACX) gets seeded low noise under it all.
"""

from __future__ import annotations

from dataclasses import dataclass

from altformats.errors import AltformatsError
from altformats.formats.audio.script import Utterance
from altformats.formats.audio.spec import DEFAULT_DELIVERY, PAUSES, TARGET_LUFS, delivery
from altformats.formats.audio.synthesis import SAMPLE_RATE

SPEECH_RATE = SAMPLE_RATE  # mastering works at the voice's own rate (22,050 Hz), half the samples to process
CEILING_DB = -2.5  # the limiter's sample-peak ceiling: headroom for the encoder's overshoot
ROOM_TONE_SEED = 20070416  # room tone is noise, but the same noise every build (determinism)
LIMITER_WINDOW = 0.010  # seconds the limiter's gain takes to fall before a peak and recover after it
TRIM_LEVEL = 64  # 16-bit amplitude below which a clip's leading and trailing samples are silence
TRIM_MARGIN = 0.010  # seconds of a clip's own lead-in and tail kept around its voiced part


@dataclass(frozen=True)
class Cue:
    """Where one utterance sits in the narration, in samples at RATE.

    `clip_start` is the sample of the utterance's own clip (at SPEECH_RATE) that the cue starts
    with (the trim cut what came before), so a sample of the clip maps to 2 * (start/2 + s - clip_start).
    """

    utterance: Utterance
    start: int
    end: int
    clip_start: int = 0


def trim(samples):
    """The voiced part of a clip (int16 array), with TRIM_MARGIN of its own silence either side."""
    return samples[slice(*voiced_span(samples))]


def voiced_span(samples) -> tuple[int, int]:
    """Where `trim` cuts a clip: its first and one past its last kept sample (0, 0 if silent)."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_LEVEL)
    if loud.size == 0:
        return 0, 0
    margin = int(TRIM_MARGIN * SPEECH_RATE)
    return int(max(0, loud[0] - margin)), int(min(samples.size, loud[-1] + 1 + margin))


def pause_before(previous: Utterance | None, current: Utterance, lead: float = PAUSES["lead"]) -> float:
    """The fixed pause, in seconds, before an utterance (`lead` before the first)."""
    if previous is None:
        return lead
    if current.role == "heading" and current.block != previous.block:
        return PAUSES["section"]
    return PAUSES["block"] if current.block != previous.block else PAUSES["sentence"]


def lay_out(utterances: list[Utterance], clips: list[bytes], profile: str = DEFAULT_DELIVERY):
    """The narration at SPEECH_RATE (int16) and each utterance's cue in samples at RATE (twice as many).

    The lead before the first cue and the tail after the last are the delivery profile's.
    """
    import numpy as np

    chosen = delivery(profile)
    parts, cues, position, previous = [], [], 0, None
    for utterance, clip in zip(utterances, clips, strict=True):
        samples = np.frombuffer(clip, dtype="<i2")
        first, last = voiced_span(samples)
        voiced = samples[first:last]
        if voiced.size == 0:
            raise AltformatsError(f"espeak-ng produced silence for {utterance.written!r}")
        gap = round(pause_before(previous, utterance, chosen.lead) * SPEECH_RATE)
        parts += [np.zeros(gap, dtype=np.int16), voiced]
        position += gap
        cues.append(Cue(utterance, 2 * position, 2 * (position + voiced.size), first))
        position += voiced.size
        previous = utterance
    parts.append(np.zeros(round(chosen.tail * SPEECH_RATE), dtype=np.int16))
    return np.concatenate(parts), cues


def master(samples, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DB, meter: str = "loudness"):
    """int16 samples at SPEECH_RATE brought to `target` (LUFS, or dBFS RMS if `meter` is "rms") under the ceiling.

    Limiting lowers the loudness, so the gain before the limiter is found by a
    few secant steps on the loudness after limiting. The K-weighting is taken
    once: the limiter's gain moves over tens of milliseconds, slowly next to
    the filter, so weighting then limiting reads the same as limiting then
    weighting (the decoded MP3 is measured exactly afterwards).
    """
    import numpy as np

    from altformats.formats.audio import loudness

    samples = samples.astype(np.float64) / 32768.0
    # RMS is unweighted and ungated: ACX measures the whole file as it is.
    heard = loudness.weighted(samples, SPEECH_RATE) if meter == "loudness" else samples
    reading = (lambda x: loudness.gated(x, SPEECH_RATE)) if meter == "loudness" else loudness.rms_level
    width = 2 * int(LIMITER_WINDOW * SPEECH_RATE) + 1

    def level(gain_db: float):
        scale = 10 ** (gain_db / 20) * loudness.limiter_gain(samples * 10 ** (gain_db / 20), ceiling_db, width)
        return reading(heard * scale), scale

    gains = [target - reading(heard)]
    levels = [level(gains[0])[0]]
    gains.append(gains[0] + 2 * (target - levels[0]))  # the limiter halves a gain step, roughly
    for _ in range(4):
        now, scale = level(gains[-1])
        levels.append(now)
        if abs(now - target) < 0.1 or now == levels[-2]:
            break
        slope = (levels[-1] - levels[-2]) / (gains[-1] - gains[-2])
        gains.append(gains[-1] + (target - now) / max(slope, 0.1))
    return samples * scale


def pcm16(samples, trim_db: float = 0.0, room_tone_db: float | None = None) -> bytes:
    """Float samples, scaled by `trim_db`, with room tone at `room_tone_db` (if any) laid under them, as 16-bit PCM."""
    import numpy as np

    scaled = samples * 10 ** (trim_db / 20)
    if room_tone_db is not None:  # after the trim, so the noise floor stays where the profile puts it
        scaled = scaled + room_tone(scaled.size, room_tone_db)
    return np.round(np.clip(scaled, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def room_tone(size: int, level_db: float):
    """`size` samples of seeded pink noise at `level_db` dBFS RMS: a quiet room, not digital silence.

    Pink (power falling 3 dB an octave) because a room's hum and air are mostly low; LAME and
    AAC keep it at 64 and 192 kbps (measured -65.1 to -65.4 dB after decoding, for -65 laid in).
    """
    import numpy as np

    white = np.random.default_rng(ROOM_TONE_SEED).standard_normal(size)
    spectrum = np.fft.rfft(white)
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1))
    pink = np.fft.irfft(spectrum, n=size)
    return pink * (10 ** (level_db / 20) / np.sqrt(np.mean(pink * pink)))


def measure(pcm: bytes) -> tuple[float, float]:
    """Integrated loudness and true peak of int16 PCM bytes at RATE (the loudness profiles' meters)."""
    import numpy as np

    from altformats.formats.audio.loudness import integrated, true_peak

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    # The narration holds nothing above 11 kHz (the voice's own rate is 22.05 kHz), so every
    # other sample carries its loudness: measured here within 0.01 LU of the full rate, in half the time.
    return integrated(samples[::2], SPEECH_RATE), true_peak(samples)


def measure_rms(pcm: bytes) -> tuple[float, float]:
    """RMS level and sample peak (dBFS) of int16 PCM bytes: ACX's meters."""
    import numpy as np

    from altformats.formats.audio.loudness import rms_level, sample_peak

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    return rms_level(samples), sample_peak(samples)
