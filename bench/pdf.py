"""Benchmark: the three PDF editions of a source against WeasyPrint's own render of the same HTML.

Both sides are whole processes, timed from start to exit, median of 5 runs:
- altformats: `altformats build SOURCE --format pdf` (read the source, three layouts, the post-pass);
- baseline: WeasyPrint on the very HTML altformats lays out (written out beforehand), as
  `python -m weasyprint --pdf-variant pdf/ua-1` once per edition (summed), and as one Python
  process writing the three (the fairer figure: it pays for one start-up, as altformats does).

Run: .venv/bin/python bench/pdf.py [SOURCE]   (default: source/missile-defense.md)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from altformats import api
from altformats.formats.pdf import EDITIONS, edition_html

RUNS = 5
ONE_PROCESS = (
    "import sys, weasyprint\n"
    "for page in sys.argv[1:]:\n"
    "    weasyprint.HTML(filename=page).write_pdf(page + '.pdf', pdf_variant='pdf/ua-1')\n"
)
ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str]) -> float:
    """Seconds one run of `command` takes, start to exit; fails loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(commands: list[list[str]]) -> float:
    """Median over RUNS of the summed time of running `commands` one after another."""
    return statistics.median(sum(timed(command) for command in commands) for _ in range(RUNS))


def write_html(doc, edition, folder: Path) -> str:
    """Write the HTML altformats lays out for one edition; return its path."""
    page = folder / f"{doc.slug}{edition.suffix}.html"
    page.write_text(edition_html(doc, edition), encoding="utf-8")
    return str(page)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT / "source" / "missile-defense.md"
    doc = api.load(source)
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        pages = [write_html(doc, edition, folder) for edition in EDITIONS]
        separate = [[python, "-m", "weasyprint", "--pdf-variant", "pdf/ua-1", page, f"{page}.pdf"] for page in pages]
        together = [[python, "-c", ONE_PROCESS, *pages]]
        altformats = Path(python).with_name("altformats")
        ours = [[str(altformats), "build", str(source), "--format", "pdf", "--out", str(folder / "out")]]
        three, one, mine = median_of(separate), median_of(together), median_of(ours)
    print(f"source: {source.name}; {RUNS} runs each, median; whole processes")
    print(f"WeasyPrint alone, 3 editions in 3 processes  {three:6.2f} s")
    print(f"WeasyPrint alone, 3 editions in 1 process    {one:6.2f} s")
    print(f"altformats build --format pdf (1 process)    {mine:6.2f} s")
    print(f"ratio altformats / WeasyPrint in 1 process   {mine / one:6.2f}")
    print(f"ratio altformats / WeasyPrint in 3 processes {mine / three:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
