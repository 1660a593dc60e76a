"""The braille page checker: what an embosser and a braille reader rely on, checked on the written bytes.

A .brf file: only North American ASCII braille characters, every line ended
by CR LF, pages separated by a form feed, at most 40 cells a line and 25
lines a page, a page number at the right of line 25 and nowhere else, pages
numbered t1, t2, ... (the transcriber's) then 1, 2, ... in order. A .brl.txt proof copy: the same
with Unicode braille cells and LF line ends.
"""

from __future__ import annotations

from pathlib import Path

from altformats.formats.braille.louis import BLANK, FROM_ASCII, TO_ASCII, unicode_braille
from altformats.formats.braille.spec import PAGE_LINES, TRANSCRIBER, WIDTH


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Findings per file ("brf: page N line M: what is wrong"); an empty list is clean."""
    return {path: check_file(path) for path in paths}


def check_file(path: Path) -> list[str]:
    """Every layout problem of one .brf or .brl.txt file."""
    data = path.read_bytes()
    proof = path.name.endswith(".txt")
    newline = "\n" if proof else "\r\n"
    try:
        text = data.decode("utf-8" if proof else "ascii")
    except UnicodeDecodeError as error:
        return [f"brf: byte {error.start}: not {'UTF-8' if proof else 'ASCII'}"]
    findings: list[str] = []
    numbers: list[str] = []
    for n, page in enumerate(text.split("\f"), start=1):
        if not page.endswith(newline) or any(c in page.replace(newline, "") for c in "\r\n"):
            findings.append(f"brf: page {n}: lines must end with {newline!r}")
        lines = page.split(newline)[:-1]
        findings.extend(_page_findings(n, lines, proof))
        numbers.append(lines[-1].strip() if lines else "")
    findings.extend(_numbering_findings(numbers, proof))
    return findings


def _page_findings(n: int, lines: list[str], proof: bool) -> list[str]:
    """Line and page size, characters, and the page number's place on one page."""
    found = []
    if len(lines) != PAGE_LINES:
        found.append(f"brf: page {n}: {len(lines)} lines, a page has {PAGE_LINES}")
    allowed = set(TO_ASCII) | {" "} if proof else set(FROM_ASCII) | {" "}
    for m, line in enumerate(lines, start=1):
        if len(line) > WIDTH:
            found.append(f"brf: page {n} line {m}: {len(line)} cells, a line has at most {WIDTH}")
        strange = sorted(set(line) - allowed)
        if strange:
            found.append(f"brf: page {n} line {m}: not braille: {''.join(strange)!r}")
        if line != line.rstrip():
            found.append(f"brf: page {n} line {m}: trailing blank cells")
    if lines and (len(lines[-1].rstrip()) != WIDTH or not lines[-1].strip()):
        found.append(f"brf: page {n}: line {len(lines)} must end in the page number at cell {WIDTH}")
    return found


def _numbering_findings(numbers: list[str], proof: bool) -> list[str]:
    """The transcriber's pages (t1, t2, ...) first, then the body; no page number twice.

    How the digits are written depends on the code (French braille uses
    Antoine's digits), so only the order and uniqueness are checked here.
    """
    cells = [n.replace(BLANK, " ") if proof else unicode_braille(n) for n in numbers]
    preliminary = [c.startswith(TRANSCRIBER) for c in cells]
    found = []
    if preliminary != sorted(preliminary, reverse=True):
        found.append("brf: the transcriber's pages (t1, t2, ...) must come before the body")
    if len(set(cells)) != len(cells):
        found.append("brf: two pages have the same number")
    return found
