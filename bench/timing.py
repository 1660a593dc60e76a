"""The one timing rule of the benchmarks: whole processes, one untimed warm-up, then N timed runs."""

from __future__ import annotations

import subprocess
import time


def timed(command: list[str], runs: int) -> list[float]:
    """Wall times of `runs` runs of `command` (one untimed warm-up first); each run must succeed."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times
