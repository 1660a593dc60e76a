"""Benchmark: a catalogue of fact sheets (issue 12), each figure with its goal.

Usage: python bench/catalogue.py [--runs N] [--sheets K] [--formats html,braille,pdf,epub,audio]

The catalogue is the seed and tests/fixtures/samples copied under distinct slugs until there are
K sheets (default 20). Every figure is the median of N whole-process runs (one untimed warm-up
first, bench/timing.py); the two sides of a ratio are timed in the same run of this script.
Each build run is forced (no cache) except the no-change rebuild, which is what it measures. The
compiled-template cache and the build cache live in a private XDG_CACHE_HOME.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed, timed_with_cpu  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
SAMPLES = sorted((ROOT / "tests" / "fixtures" / "samples").glob("*.md"))
REFUSED = {"zh-missile-defense": {"braille"}}  # as tests/conftest.py: braille refuses Chinese
BUILD = "import sys; from altformats import api; api.build(sys.argv[4:], sys.argv[1].split(','), sys.argv[2], jobs=int(sys.argv[3]), force={force})"
CHECK = (
    "import sys; from altformats import api; api.check(sys.argv[3:], sys.argv[1].split(','), sys.argv[2], force=True)"
)
PDF_FLOOR = (
    "import sys, weasyprint\n"
    "for page in sys.argv[1:]:\n"
    "    weasyprint.HTML(filename=page).write_pdf(page + '.pdf', pdf_variant='pdf/ua-1')\n"
)


def catalogue(folder: Path, sheets: int, names: list[str]) -> list[Path]:
    """K sources under distinct slugs (slug-2, ...), leaving out a sample a chosen format refuses."""
    usable = [p for p in [SEED, *SAMPLES] if not REFUSED.get(p.stem, set()) & set(names)]
    folder.mkdir(parents=True)
    made = []
    for number in range(sheets):
        original = usable[number % len(usable)]
        copy = folder / f"{original.stem}-{number // len(usable) + 1}.md"
        copy.write_bytes(original.read_bytes())
        made.append(copy)
    return made


def build(names: list[str], out: Path, jobs: int, sources: list[Path], force: bool = True) -> list[str]:
    code = BUILD.format(force=force)
    return [sys.executable, "-c", code, ",".join(names), str(out), str(jobs), *map(str, sources)]


def median(command: list[str], runs: int) -> float:
    return statistics.median(timed(command, runs))


def figure(name: str, value: float, goal: str, unit: str = "") -> None:
    print(f"{name:<46} {value:8.3f}{unit:<2} goal {goal}")


def measure(args: argparse.Namespace, work: Path) -> None:
    names, runs = args.formats.split(","), args.runs
    sources = catalogue(work / "catalogue", args.sheets, names)
    out = work / "out"
    one, one_cpu = map(statistics.median, timed_with_cpu(build(names, out, 1, sources), runs))
    two, two_cpu = map(statistics.median, timed_with_cpu(build(names, out, 2, sources), runs))
    figure("--jobs 2 / --jobs 1 (wall time)", two / one, "<= 0.6")
    print(f"  (jobs 1: {one:.2f} s wall, {one_cpu:.2f} s CPU; jobs 2: {two:.2f} s wall, {two_cpu:.2f} s CPU)")
    figure("no-change rebuild", median(build(names, out, 2, sources, force=False), runs), "<= 0.5", " s")
    html_sources = catalogue(work / "html", args.sheets, ["html"])
    ours = median(build(["html"], work / "html-out", 1, html_sources), runs)
    pandoc = shutil.which("pandoc")
    if pandoc:
        each = sum(median([pandoc, "-s", str(s), "-o", str(work / "p.html")], runs) for s in html_sources)
        figure(f"catalogue HTML / pandoc per file ({len(html_sources)})", ours / each, "<= 0.4")
        single = median(
            [sys.executable, "-m", "altformats", "build", str(SEED), "-f", "html", "-o", str(work / "one"), "--force"],
            runs,
        )
        figure(
            "single-sheet HTML / pandoc -s",
            single / median([pandoc, "-s", str(SEED), "-o", str(work / "p.html")], runs),
            "<= 2.0",
        )
    else:
        print("pandoc not found (apt-get install pandoc): the two HTML ratios were not measured")
    if "pdf" in names:
        figure("PDF editions / their floor", pdf_ratio(work, runs), "<= 1.25")
    one_check = median([sys.executable, "-c", CHECK, ",".join(names), str(out), str(sources[0])], runs)
    ten = sources[:10]
    ten_check = median([sys.executable, "-c", CHECK, ",".join(names), str(out), *map(str, ten)], runs)
    figure(f"check of {len(ten)} sheets, per sheet / one sheet", ten_check / len(ten) / one_check, "<= 0.333")


def pdf_ratio(work: Path, runs: int) -> float:
    """`build --format pdf` of the seed against WeasyPrint's import plus its three renders."""
    from altformats import api
    from altformats.formats.pdf import EDITIONS, edition_html

    doc = api.load(SEED)
    pages = []
    for edition in EDITIONS:
        page = work / f"{doc.slug}{edition.suffix}.html"
        page.write_text(edition_html(doc, edition), encoding="utf-8")
        pages.append(str(page))
    floor = median([sys.executable, "-c", PDF_FLOOR, *pages], runs)
    return median(build(["pdf"], work / "pdf-out", 1, [SEED]), runs) / floor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sheets", type=int, default=20)
    parser.add_argument("--formats", default="html,braille,pdf,epub,audio")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="altformats-bench-") as scratch:
        work = Path(scratch)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        # Time altformats as an installed package runs, from compiled bytecode: with
        # PYTHONDONTWRITEBYTECODE set (as in CI), every run would compile every module anew.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
        print(f"{args.sheets} sheets, formats {args.formats}; median of {args.runs} runs, whole processes")
        measure(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
