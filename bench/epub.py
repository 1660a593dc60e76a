"""Benchmark: whole-process `altformats build --format epub` of the seed vs `pandoc -o x.epub` on the same Markdown.

Run: .venv/bin/python bench/epub.py [--runs 5]. Each command runs once to warm the
file cache (and altformats' compiled-template cache), then RUNS times, alternating;
the medians and their ratio (altformats / pandoc; goal <= 1.0) are printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
sys.path.insert(0, str(ROOT / "src"))

from altformats import tools  # noqa: E402


def commands(out: Path) -> dict[str, list[str]]:
    """The two whole-process builds being compared, writing into `out`."""
    altformats = str(Path(sys.executable).with_name("altformats"))
    pandoc = tools.executable("pandoc", "pandoc")
    return {
        "altformats": [altformats, "build", "--format", "epub", "--out", str(out / "altformats"), str(SEED)],
        "pandoc": [pandoc, "-o", str(out / "pandoc.epub"), str(SEED)],
    }


def seconds(command: list[str]) -> float:
    """Wall-clock time of one run of `command`, which must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="altformats-bench-") as folder:
        chosen = commands(Path(folder))
        for command in chosen.values():
            seconds(command)  # warm-up, not counted
        times: dict[str, list[float]] = {name: [] for name in chosen}
        for _ in range(args.runs):
            for name, command in chosen.items():
                times[name].append(seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:10} median {medians[name] * 1000:7.1f} ms   runs: {', '.join(f'{v * 1000:.1f}' for v in values)}")
    print(f"ratio altformats/pandoc: {medians['altformats'] / medians['pandoc']:.2f} (goal <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
