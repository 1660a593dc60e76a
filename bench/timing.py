"""The one timing rule of the benchmarks: whole processes, one untimed warm-up, then N timed runs."""

from __future__ import annotations

import resource
import subprocess
import time


def timed(command: list[str], runs: int) -> list[float]:
    """Wall times of `runs` runs of `command` (one untimed warm-up first); each run must succeed."""
    return timed_with_cpu(command, runs)[0]


def timed_with_cpu(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system, the command's processes together) of `runs` runs.

    The CPU time shows what the machine's load hides: on a shared machine a wall time includes
    waiting for a core and for the disk (each output file is fsynced).
    """
    subprocess.run(command, check=True, capture_output=True)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus
