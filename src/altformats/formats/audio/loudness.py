"""Loudness (ITU-R BS.1770-4), true peak and a look-ahead limiter, in numpy alone.

The build measures loudness several times (once per gain step and once on the
decoded MP3), and SciPy's signal module alone takes longer to import than the
whole measurement. So the K-weighting filter is applied in the frequency
domain with its exact response (the narration opens and closes with silence,
so the circular wrap-around of the FFT is silent too), gating is vectorised,
and oversampling for the true peak is FFT interpolation. The tests compare
this meter with pyloudnorm and with ffmpeg's ebur128.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

ABSOLUTE_GATE = -70.0  # LUFS
RELATIVE_GATE = -10.0  # LU below the absolute-gated loudness
BLOCK, STEP = 0.400, 0.100  # gating blocks of 400 ms with 75 % overlap


def _biquad(b: tuple[float, float, float], a: tuple[float, float, float], z: np.ndarray) -> np.ndarray:
    """A biquad's response at z = e^(-jw), by Horner's rule."""
    return (b[0] + z * (b[1] + z * b[2])) / (a[0] + z * (a[1] + z * a[2]))


def k_weighting(rate: int, w: np.ndarray) -> np.ndarray:
    """The K-weighting filter's response at angular frequencies `w` (radians a sample), designed for `rate`."""
    # The pre-filter (a high shelf of +4 dB from about 1.5 kHz) and the RLB high-pass at 38 Hz, as
    # designed from their parameters for any rate (the same design pyloudnorm uses).
    gain, q = 10 ** (4.0 / 40), 1 / np.sqrt(2)
    w0 = 2 * np.pi * 1500.0 / rate
    cos, root = np.cos(w0), 2 * np.sqrt(gain) * np.sin(w0) / (2 * q)
    shelf_b = (
        gain * ((gain + 1) + (gain - 1) * cos + root),
        -2 * gain * ((gain - 1) + (gain + 1) * cos),
        gain * ((gain + 1) + (gain - 1) * cos - root),
    )
    shelf_a = (
        (gain + 1) - (gain - 1) * cos + root,
        2 * ((gain - 1) - (gain + 1) * cos),
        (gain + 1) - (gain - 1) * cos - root,
    )
    w1 = 2 * np.pi * 38.0 / rate
    alpha, cos = np.sin(w1) / (2 * 0.5), np.cos(w1)
    pass_b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    pass_a = (1 + alpha, -2 * cos, 1 - alpha)
    z = np.cos(w) - 1j * np.sin(w)
    return _biquad(shelf_b, shelf_a, z) * _biquad(pass_b, pass_a, z)


def fast_length(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: an FFT of a length with a large prime factor is 100x slower."""
    best = 1 << max(0, (n - 1).bit_length())
    five = 1
    while five < best:
        three = five
        while three < best:
            length = three << max(0, (-(-n // three) - 1).bit_length())
            best = min(best, length)
            three *= 3
        five *= 5
    return best


@lru_cache(maxsize=8)
def _weighting(rate: int, length: int) -> np.ndarray:
    """The K-weighting response on the bins of a real FFT of `length` samples.

    Computed exactly on a grid of 2^16 frequencies (under 0.4 Hz apart at 48 kHz)
    and interpolated between them: the response is smooth on that scale, and
    evaluating it on millions of bins took longer than the FFTs.
    """
    grid = np.linspace(0, np.pi, 65_537)
    exact = k_weighting(rate, grid)
    bins = np.linspace(0, np.pi, length // 2 + 1)
    return np.interp(bins, grid, exact.real) + 1j * np.interp(bins, grid, exact.imag)


def weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples through the K-weighting filter."""
    length = fast_length(samples.size + rate // 10)  # 100 ms of silence for the filter's tail to ring out
    return np.fft.irfft(np.fft.rfft(samples, n=length) * _weighting(rate, length), n=length)[: samples.size]


def gated(weighted_samples: np.ndarray, rate: int) -> float:
    """Integrated loudness (LUFS) of already K-weighted samples: the absolute and relative gates."""
    energy = np.concatenate(([0.0], np.cumsum(weighted_samples * weighted_samples)))
    size, step = int(BLOCK * rate), int(STEP * rate)
    starts = np.arange(0, weighted_samples.size - size + 1, step)
    power = (energy[starts + size] - energy[starts]) / size
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(power)
    gated_power = power[levels >= ABSOLUTE_GATE]
    if gated_power.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated_power.mean()) + RELATIVE_GATE
    kept = power[(levels >= ABSOLUTE_GATE) & (levels > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def integrated(samples: np.ndarray, rate: int) -> float:
    """Integrated, gated loudness (LUFS) of mono float samples."""
    return gated(weighted(samples, rate), rate)


def rms_level(samples: np.ndarray) -> float:
    """The RMS level (dBFS, a full-scale square wave at 0) of the whole of `samples`, as ACX measures it."""
    power = float(np.mean(samples * samples)) if samples.size else 0.0
    return 10 * np.log10(power) if power > 0 else float("-inf")


def sample_peak(samples: np.ndarray) -> float:
    """The largest sample (dBFS)."""
    top = float(np.max(np.abs(samples))) if samples.size else 0.0
    return 20 * np.log10(top) if top > 0 else float("-inf")


TRUE_PEAK_TAPS = 12  # taps per phase of the 4x interpolator (BS.1770-4 Annex 2 uses 12 too)


def true_peak(samples: np.ndarray) -> float:
    """The true peak (dBTP) by 4x oversampling with a windowed-sinc interpolator, as BS.1770 does.

    Only the neighbourhoods of samples within 2 dB of the loudest one are
    interpolated: a peak between samples never lies further above them.
    """
    top = float(np.max(np.abs(samples))) if samples.size else 0.0
    if top == 0.0:
        return float("-inf")
    half = TRUE_PEAK_TAPS // 2
    loud = np.flatnonzero(np.abs(samples) >= top * 10 ** (-2 / 20))
    starts = np.unique(np.concatenate([loud - 1, loud]).clip(0, samples.size - 1))
    offsets = np.arange(-half + 1, half + 1)
    windows = np.pad(samples, half)[starts[:, None] + offsets + half]  # the samples around each interval
    peak = top
    for phase in (0.25, 0.5, 0.75):
        t = offsets - phase
        taps = np.sinc(t) * (0.5 + 0.5 * np.cos(np.pi * t / half))  # Hann-windowed sinc
        peak = max(peak, float(np.max(np.abs(windows @ (taps / taps.sum())))))
    return float(20 * np.log10(peak))


def running_minimum(values: np.ndarray, width: int) -> np.ndarray:
    """The minimum over a centred window of odd `width` (van Herk / Gil-Werman, linear time)."""
    half = width // 2
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half + width, values[-1])])
    blocks = padded[: len(padded) // width * width].reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    n = len(values)
    return np.minimum(suffix[:n], prefix[width - 1 : width - 1 + n])


def running_mean(values: np.ndarray, width: int) -> np.ndarray:
    """The mean over a centred window of odd `width`, edges extended."""
    half = width // 2
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])])
    total = np.concatenate(([0.0], np.cumsum(padded)))
    return (total[width:] - total[:-width]) / width


def limiter_gain(samples: np.ndarray, ceiling_db: float, width: int) -> np.ndarray:
    """A look-ahead peak limiter's gain: it falls smoothly before each peak so no sample passes the ceiling."""
    ceiling = 10 ** (ceiling_db / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-12))
    # Every value a sample's moving average sees is a minimum over a window that holds that
    # sample, so the smoothed gain never exceeds what the sample needs.
    return np.minimum(running_mean(running_minimum(needed, width), width), needed)
