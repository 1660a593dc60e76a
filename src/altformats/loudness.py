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

import numpy as np

ABSOLUTE_GATE = -70.0  # LUFS
RELATIVE_GATE = -10.0  # LU below the absolute-gated loudness
BLOCK, STEP = 0.400, 0.100  # gating blocks of 400 ms with 75 % overlap


def _biquad_response(b: tuple[float, float, float], a: tuple[float, float, float], w):
    z = np.exp(-1j * w)
    return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)


def k_weighting(rate: int, w):
    """The K-weighting filter's response at angular frequencies `w` (radians a sample), designed for `rate`."""
    # The pre-filter (a high shelf of +4 dB from about 1.5 kHz) and the RLB high-pass at 38 Hz, as
    # designed from their parameters for any rate (the same design pyloudnorm uses).
    gain, q, fc = 10 ** (4.0 / 40), 1 / np.sqrt(2), 1500.0
    w0 = 2 * np.pi * fc / rate
    alpha, cos, root = np.sin(w0) / (2 * q), np.cos(w0), 2 * np.sqrt(gain) * np.sin(w0) / (2 * q)
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
    return _biquad_response(shelf_b, shelf_a, w) * _biquad_response(pass_b, pass_a, w)


def integrated(samples: np.ndarray, rate: int) -> float:
    """Integrated, gated loudness (LUFS) of mono float samples."""
    spectrum = np.fft.rfft(samples)
    weighted = np.fft.irfft(spectrum * k_weighting(rate, np.linspace(0, np.pi, spectrum.size)), n=samples.size)
    energy = np.concatenate(([0.0], np.cumsum(weighted * weighted)))
    size, step = int(BLOCK * rate), int(STEP * rate)
    starts = np.arange(0, samples.size - size + 1, step)
    power = (energy[starts + size] - energy[starts]) / size
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(power)
    gated = power[levels >= ABSOLUTE_GATE]
    if gated.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) + RELATIVE_GATE
    kept = power[(levels >= ABSOLUTE_GATE) & (levels > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def true_peak(samples: np.ndarray) -> float:
    """The true peak (dBTP) by 4x oversampling, as BS.1770 does.

    Only the blocks whose sample peak comes within 2 dB of the loudest sample
    are oversampled: a true peak never lies that far above its samples.
    """
    size, context = 4096, 128
    count = len(samples) // size + 1
    padded = np.concatenate([samples, np.zeros(count * size - len(samples))])
    block_peaks = np.max(np.abs(padded.reshape(count, size)), axis=1)
    top = float(block_peaks.max())
    peak = top
    for block in np.flatnonzero(block_peaks >= top * 10 ** (-2 / 20)):
        piece = padded[max(0, block * size - context) : (block + 1) * size + context]
        peak = max(peak, float(np.max(np.abs(oversample(piece, 4)))))
    return float(20 * np.log10(max(peak, 1e-12)))


def oversample(samples: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited interpolation by `factor` (zero-padding the spectrum)."""
    spectrum = np.fft.rfft(samples)
    return np.fft.irfft(spectrum, n=samples.size * factor) * factor


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


def limit(samples: np.ndarray, ceiling_db: float, width: int) -> np.ndarray:
    """A look-ahead peak limiter: the gain falls smoothly before each peak so no sample passes the ceiling."""
    ceiling = 10 ** (ceiling_db / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-12))
    # Every value a sample's moving average sees is a minimum over a window that holds that
    # sample, so the smoothed gain never exceeds what the sample needs.
    gain = running_mean(running_minimum(needed, width), width)
    return samples * np.minimum(gain, needed)
