"""Mastering the narration: clips laid out with fixed pauses, exact cue times, and broadcast loudness.

Times come from sample counts, so every cue's start and end are exact. The
loudness is set by one measured gain (ITU-R BS.1770, loudness.py) and a
look-ahead peak limiter, because espeak-ng's speech has peaks some 20 dB above
its loudness: brought to -16 LUFS without a limiter it would clip.
"""

from __future__ import annotations

from dataclasses import dataclass

from altformats.errors import AltformatsError
from altformats.formats.audio.script import Utterance
from altformats.formats.audio.spec import PAUSES, TARGET_LUFS
from altformats.formats.audio.synthesis import SAMPLE_RATE

SPEECH_RATE = SAMPLE_RATE  # mastering works at the voice's own rate (22,050 Hz), half the samples to process
CEILING_DB = -2.5  # the limiter's sample-peak ceiling: headroom for the encoder's overshoot
LIMITER_WINDOW = 0.010  # seconds the limiter's gain takes to fall before a peak and recover after it
TRIM_LEVEL = 64  # 16-bit amplitude below which a clip's leading and trailing samples are silence
TRIM_MARGIN = 0.010  # seconds of a clip's own lead-in and tail kept around its voiced part


@dataclass(frozen=True)
class Cue:
    """Where one utterance sits in the narration, in samples at RATE."""

    utterance: Utterance
    start: int
    end: int


def trim(samples):
    """The voiced part of a clip (int16 array), with TRIM_MARGIN of its own silence either side."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_LEVEL)
    if loud.size == 0:
        return samples[:0]
    margin = int(TRIM_MARGIN * SPEECH_RATE)
    return samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin]


def pause_before(previous: Utterance | None, current: Utterance) -> float:
    """The fixed pause, in seconds, before an utterance."""
    if previous is None:
        return PAUSES["lead"]
    if current.role == "heading" and current.block != previous.block:
        return PAUSES["section"]
    return PAUSES["block"] if current.block != previous.block else PAUSES["sentence"]


def lay_out(utterances: list[Utterance], clips: list[bytes]):
    """The narration at SPEECH_RATE (int16) and each utterance's cue in samples at RATE (twice as many)."""
    import numpy as np

    parts, cues, position, previous = [], [], 0, None
    for utterance, clip in zip(utterances, clips, strict=True):
        voiced = trim(np.frombuffer(clip, dtype="<i2"))
        if voiced.size == 0:
            raise AltformatsError(f"espeak-ng produced silence for {utterance.written!r}")
        gap = round(pause_before(previous, utterance) * SPEECH_RATE)
        parts += [np.zeros(gap, dtype=np.int16), voiced]
        position += gap
        cues.append(Cue(utterance, 2 * position, 2 * (position + voiced.size)))
        position += voiced.size
        previous = utterance
    parts.append(np.zeros(round(PAUSES["tail"] * SPEECH_RATE), dtype=np.int16))
    return np.concatenate(parts), cues


def master(samples, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DB):
    """int16 samples at SPEECH_RATE brought to `target` LUFS under the ceiling, as floats.

    Limiting lowers the loudness, so the gain before the limiter is found by a
    few secant steps on the loudness after limiting. The K-weighting is taken
    once: the limiter's gain moves over tens of milliseconds, slowly next to
    the filter, so weighting then limiting reads the same as limiting then
    weighting (the decoded MP3 is measured exactly afterwards).
    """
    import numpy as np

    from altformats.formats.audio import loudness

    samples = samples.astype(np.float64) / 32768.0
    heard = loudness.weighted(samples, SPEECH_RATE)
    width = 2 * int(LIMITER_WINDOW * SPEECH_RATE) + 1

    def level(gain_db: float):
        scale = 10 ** (gain_db / 20) * loudness.limiter_gain(samples * 10 ** (gain_db / 20), ceiling_db, width)
        return loudness.gated(heard * scale, SPEECH_RATE), scale

    gains = [target - loudness.gated(heard, SPEECH_RATE)]
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


def pcm16(samples, trim_db: float = 0.0) -> bytes:
    """Float samples, scaled by `trim_db`, as 16-bit PCM bytes."""
    import numpy as np

    scaled = samples * 10 ** (trim_db / 20)
    return np.round(np.clip(scaled, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def measure(pcm: bytes) -> tuple[float, float]:
    """Integrated loudness and true peak of int16 PCM bytes at RATE."""
    import numpy as np

    from altformats.formats.audio.loudness import integrated, true_peak

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    # The narration holds nothing above 11 kHz (the voice's own rate is 22.05 kHz), so every
    # other sample carries its loudness: measured here within 0.01 LU of the full rate, in half the time.
    return integrated(samples[::2], SPEECH_RATE), true_peak(samples)
