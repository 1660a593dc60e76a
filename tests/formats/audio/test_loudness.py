"""The numpy BS.1770 meter, true peak and limiter, held against pyloudnorm and known signals."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from altformats.formats.audio import loudness


def tone(rate: int, seconds: float, amplitude: float, hz: float = 997.0, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * hz * t + phase)


@pytest.mark.parametrize("rate", [22_050, 44_100, 48_000])
def test_a_full_scale_sine_at_1khz_reads_minus_3_lufs(rate):
    # The filters are designed from their parameters for each rate; at 22.05 kHz the design's
    # response at 1 kHz is 0.06 dB off the 48 kHz one (pyloudnorm reads the same).
    assert loudness.integrated(tone(rate, 5, 1.0), rate) == pytest.approx(-3.01, abs=0.1)
    assert loudness.integrated(tone(rate, 5, 0.1), rate) == pytest.approx(-23.01, abs=0.1)


def test_agrees_with_pyloudnorm_on_gated_noise_bursts():
    rate = 22_050
    noise = np.random.default_rng(7).normal(0, 0.05, rate * 20)
    noise[rate * 5 : rate * 9] *= 0.01  # a quiet stretch the relative gate drops
    noise[: rate // 2] = noise[-rate // 2 :] = 0  # silent ends, as the narration has
    reference = pyloudnorm.Meter(rate).integrated_loudness(noise)
    assert loudness.integrated(noise, rate) == pytest.approx(reference, abs=0.1)


def test_true_peak_finds_the_peak_between_samples():
    # A quarter-rate sine sampled 45 degrees off its crests: every sample is at 0.707, the wave reaches 1.0.
    rate = 44_100
    wave = tone(rate, 1, 1.0, hz=rate / 4, phase=np.pi / 4)
    assert np.max(np.abs(wave)) == pytest.approx(0.7071, abs=1e-3)
    assert loudness.true_peak(wave) == pytest.approx(0.0, abs=0.2)


def test_running_minimum_and_mean_match_brute_force():
    values = np.random.default_rng(3).random(500)
    width, half = 9, 4
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])])
    assert np.array_equal(loudness.running_minimum(values, width), [padded[i : i + width].min() for i in range(500)])
    assert np.allclose(loudness.running_mean(values, width), [padded[i : i + width].mean() for i in range(500)])


def test_limiter_holds_the_ceiling_and_leaves_quiet_parts_alone():
    signal = np.concatenate([tone(22_050, 1, 0.1), tone(22_050, 1, 1.0), tone(22_050, 1, 0.1)])
    limited = signal * loudness.limiter_gain(signal, -6.0, 441)  # as mastering.master applies it
    assert np.max(np.abs(limited)) <= 10 ** (-6 / 20) + 1e-12
    assert np.allclose(limited[:10_000], signal[:10_000])
