"""Benchmark: whole-process `altformats build --format html` of the seed against `pandoc -s`.

Usage: python bench/run.py [--runs N]   (or: make bench)
Prints each command's median wall time over N runs (after one warm-up run
each, which also fills the compiled-template cache) and the ratio
altformats / pandoc. Goal: ratio <= 1.0.

Two floors are timed in the same run to show where the time goes: a bare
Python start, and a Python start that only imports the libraries an HTML
build cannot do without (Jinja, markdown-it-py, PyYAML, Babel).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
ALTFORMATS = Path(sys.executable).with_name("altformats")
LIBRARIES = "import jinja2, markdown_it, yaml, babel.dates"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if not pandoc:
        print("pandoc is required: apt-get install pandoc (or: make setup)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as out:
        # Compiled bytecode, as an installed package runs (see bench/catalogue.py).
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = f"{out}/pycache"
        commands = {
            "pandoc -s": [pandoc, "-s", str(SEED), "-o", f"{out}/pandoc.html"],
            "altformats build --format html": [str(ALTFORMATS), "build", str(SEED), "-f", "html", "-o", out, "--force"],
            "floor: python -c pass": [sys.executable, "-c", "pass"],
            "floor: python + library imports": [sys.executable, "-c", LIBRARIES],
        }
        medians = {}
        for name, command in commands.items():
            times = timed(command, args.runs)
            medians[name] = statistics.median(times)
            print(
                f"{name:<34} median {medians[name] * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, "
                f"max {max(times) * 1000:.1f}, {args.runs} runs)"
            )
    ratio = medians["altformats build --format html"] / medians["pandoc -s"]
    print(f"ratio altformats / pandoc: {ratio:.2f}  (goal <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
