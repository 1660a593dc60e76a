"""The independent braille reader: a written file's code, formats and blocks, back-translated, and the parity rule.

The reader undoes the layout of spec.py from the cells alone: pages numbered
t1, t2, ... are the transcriber's; on the body's pages line 1 of every page but
the first is the running head (when the named formats have one) and the last
block the closing line. A blank line ends a block; otherwise a line continues the
block when it sits at the block's runover indent (centred and cell-5 and cell-7
headings run on until a blank line or a line in cell 1 or 3), a bullet, or a
number at cell 1, starts an item, and a line in cell 1 outside a list starts a
listed table, whose entries start in cell 1 or 3 and run over in cell 5. A line
that is only a marker is an item that opens with a nested list: it starts no block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from altformats import parity
from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Output
from altformats.formats.braille.codes import CODES, Code, cells, code_for, page_number
from altformats.formats.braille.louis import BLANK, to_braille, unicode_braille
from altformats.formats.braille.read_body import body_differences
from altformats.formats.braille.read_preliminary import furniture_differences, transcriber_differences
from altformats.formats.braille.read_words import back_translate  # noqa: F401  (read_back's, through this module)
from altformats.formats.braille.spec import (
    AUTHORITIES,
    CONTINUATION,
    NUMBER,
    TRANSCRIBER,
    Authority,
    notes,
    numbered_at_top,
    words_for,
)
from altformats.text import primary_language

# ---------------------------------------------------------------- pages and blocks


def read_pages(text: str) -> tuple[list[list[str]], list[list[str]]]:
    """Split BRF-like text into (transcriber's pages, body pages), each a list of text lines without the number line."""
    front: list[list[str]] = []
    body: list[list[str]] = []
    for number, lines in numbered_pages(text):
        (front if number.startswith(TRANSCRIBER) else body).append(lines)
    return front, body


def numbered_pages(text: str) -> list[tuple[str, list[str]]]:
    """Each page's number and its other lines: the number is on line 25, or on line 1 where the file puts it there."""
    pages = [page.splitlines() for page in text.split("\f")]
    top = numbered_at_top(pages[0])
    return [
        ((lines[0] if top else lines[-1]).strip(), lines[1:] if top else lines[:-1]) if lines else ("", [])
        for lines in pages
    ]


def read_blocks(lines: list[str], bullet: str = "", tables: bool = True) -> list[str]:
    """The blocks of braille on lines (page by page, joined), by the layout rules of spec.py.

    Lists and tables are set apart by blank lines, so each run of lines between blank
    lines is a list (it opens with a marker), a listed table (it opens in cell 1, when
    `tables`) or text (headings and paragraphs). `bullet` is the code's list marker
    ("" reads no markers: the transcriber's pages).
    """
    blocks: list[str] = []
    for run in _runs(lines):
        indent = _indent(run[0])
        if bullet and _marker(run[0].strip(), bullet, indent == 0):
            blocks += _list_blocks(run, bullet)
        elif tables and indent == 0:
            blocks += _blocks(run, lambda line, runover: _indent(line) == 4, lambda line: 4)
        else:
            blocks += _blocks(run, _text_runs_on, _text_runover)
    return blocks


def _runs(lines: list[str]) -> list[list[str]]:
    """The runs of lines between blank lines."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            runs[-1].append(line.rstrip())
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _text_runover(line: str) -> int:
    """A text block's runover indent from its first line: paragraph (cell 3) -> cell 1; cell 1 -> cell 3; -1: a heading."""
    indent = _indent(line)
    return 0 if indent == 2 else 2 if indent == 0 else -1


def _text_runs_on(line: str, runover: int) -> bool:
    """A heading (centred, cell 5 or 7) runs on while its lines stay right of cell 3; others at their runover."""
    return _indent(line) > 2 if runover == -1 else _indent(line) == runover


def _blocks(run: list[str], runs_on, runover_of) -> list[str]:
    """A run's blocks: a line continues the block if `runs_on(line, runover)`, else starts one."""
    blocks: list[list[str]] = []
    runover = None
    for line in run:
        if blocks and runs_on(line, runover):
            blocks[-1].append(line.strip())
        else:
            blocks.append([line.strip()])
            runover = runover_of(line)
    return [_join(block) for block in blocks]


def _list_blocks(run: list[str], bullet: str) -> list[str]:
    """A list's blocks: every item and continuation of one list runs over at the same cell (§8),
    two cells right of its deepest item; a further paragraph of an item starts two cells right of that.
    """
    markers = [_indent(line) for line in run if _marker(line.strip(), bullet, _indent(line) == 0)]
    runover = max(markers) + 2
    blocks: list[list[str]] = []
    for line in run:
        words = line.strip()
        marker = _marker(words, bullet, _indent(line) == 0)
        if marker:
            if words[len(marker) :]:  # else: the item opens with a nested list, whose first item follows
                blocks.append([words[len(marker) :]])
        elif blocks and _indent(line) == runover:
            blocks[-1].append(words)
        else:
            blocks.append([words])
    return [_join(block) for block in blocks]


def _marker(words: str, bullet: str, may_number: bool) -> str:
    """The bullet or number (with its blank) that starts a list item's first line, or "".

    A number starts an item only at cell 1 where a runover line cannot be (a
    line of an item may well begin "2001."), so nested numbered lists get bullets.
    """
    line = words + " "  # a line that is only a marker ends where its blank would be
    if bullet and line.startswith(bullet + " "):
        return bullet + " "
    number = NUMBER.match(line)
    return number.group(0) if number and may_number else ""


def _join(lines: list[str]) -> str:
    """A block's lines as one run of cells: lines meet at a blank cell, or run on after a continuation."""
    text = ""
    for line in lines:
        if text.endswith(CONTINUATION):
            text = text[:-1] + line
        elif text:
            text = f"{text} {line}"
        else:
            text = line
    return text.replace(" ", BLANK)


# ---------------------------------------------------------------- the file's code, formats and print


@dataclass(frozen=True)
class Reading:
    """What a braille file says, read from its cells alone."""

    code: Code
    authority: Authority
    sections: list[list[str]]  # the transcriber's pages: each section's blocks (title page, symbols, notes)
    body: list[str]  # the body's blocks, without the closing line
    closing: str  # the closing line's cells ("" if none)
    heads: list[str]  # line 1 of each body page but the first, where the formats have running heads
    lines: list[str]  # the body's text lines (no running heads, no page numbers)
    pages: tuple[int, int]  # how many transcriber's pages and body pages


def read_braille(path: Path) -> tuple[Code, list[str]]:
    """The code named on a written file's transcriber's pages, and its body blocks as Unicode braille."""
    reading = read_all(path)
    return reading.code, reading.body


def read_all(path: Path) -> Reading:
    """A written file read: its code and formats, transcriber's sections, body blocks, running heads, closing line."""
    raw = path.read_text(encoding="utf-8")
    text = raw.replace(BLANK, " ") if path.name.endswith(".txt") else unicode_braille(raw)
    front, body = read_pages(text)
    code = named_code(path, front)
    authority = named_authority(code, front)
    heads = [page[0].strip() if page else "" for page in body[1:]] if authority.running_head else []
    lines = [line for n, page in enumerate(body) for line in page[1 if heads and n else 0 :]]
    blocks = read_blocks(lines, code.bullet)
    closing = ""
    if authority.closing and blocks and blocks[-1] == _cells(code, words_for(language_of(code)).closing):
        closing = blocks.pop()
    language = language_of(code)
    headings = {_cells(code, words_for(language).symbols), _cells(code, notes(language, authority)[0])}
    sections = [read_blocks(section, tables=False) for section in _sections(front, headings)]
    return Reading(code, authority, sections, blocks, closing, heads, lines, (len(front), len(body)))


def _sections(pages: list[list[str]], headings: set[str]) -> list[list[str]]:
    """The transcriber's pages' lines by section: the title page, then a page whose line 1 is a section's
    centred heading (`headings`, in cells) starts one. A page that opens otherwise goes on with the section
    before it (a title page too long for one page); empty pages are none."""
    sections: list[list[str]] = []
    for page in pages:
        if not any(line.strip() for line in page):
            continue  # a blank page (interpoint: the back of a section's last page)
        first = page[0] if page else ""
        if not sections or first.strip().replace(" ", BLANK) in headings:
            sections.append([])
        sections[-1].extend(page)
    return sections


def _cells(code: Code, text: str) -> str:
    return BLANK.join(to_braille(code.table, text).split(BLANK))


def language_of(code: Code) -> str:
    """The language whose braille `code` is."""
    return next(language for language, grades in CODES.items() if code in grades.values())


def _words(pages: list[list[str]]) -> str:
    return " ".join(" ".join(line.split()) for page in pages for line in page if line.strip())


def named_code(path: Path, pages: list[list[str]]) -> Code:
    """The braille code whose name (in its own braille) the transcriber's pages carry."""
    words = _words(pages)
    for grades in CODES.values():
        for code in grades.values():
            if to_braille(code.table, code.name).replace(BLANK, " ") in words:
                return code
    raise AltformatsError(f"{path}: no known braille code is named on its transcriber's pages")


def named_authority(code: Code, pages: list[list[str]]) -> Authority:
    """The formats the transcriber's notes name (the longest name found; BANA's if none is)."""
    words = _words(pages)
    named = [a for a in AUTHORITIES.values() if cells(code, a.name).replace(BLANK, " ") in words]
    return max(named, key=lambda a: len(a.name)) if named else AUTHORITIES["bana"]


# ---------------------------------------------------------------- comparing


def compare_braille(doc: Document, output: Output) -> list[parity.Difference]:
    """Parity for braille as docs/braille.md says: the code, each block's cells and words, the furniture and front."""
    return [d for _, found in prove_braille(doc, output) for d in found]


def prove_braille(doc: Document, output: Output) -> list[tuple[str, list[parity.Difference]]]:
    """Each reading of a braille edition and its differences: cells, back-translation, transcriber's pages, furniture."""
    try:
        reading = read_all(output.path)
    except AltformatsError as error:  # not braille, or no code named: a difference, not a crash
        return [("cells", [parity.Difference(output.edition, None, None, "a readable braille edition", str(error))])]
    code = reading.code
    if code.table not in {c.table for c in CODES[primary_language(doc.meta.language)].values()}:
        wrong = parity.Difference(output.edition, None, None, code_for(doc.meta.language).name, code.name)
        return [("cells", [wrong])]
    cells_found, words_found = body_differences(doc, reading.code, reading.body, output.edition)
    return [
        ("cells", cells_found),
        ("back-translation", words_found),
        ("transcriber's pages", transcriber_differences(doc, reading, output.edition)),
        (
            "running heads",
            furniture_differences(doc, reading, output.edition) + number_differences(code, reading.authority, output),
        ),
    ]


def number_differences(code: Code, authority: Authority, output: Output) -> list[parity.Difference]:
    """Every page's braille number as BANA numbers them: t1, t2, ... on the transcriber's pages, then 1, 2, ...,
    on the line the formats put it on (line 25, or line 1 for UKAAF's).

    Page numbers are furniture, but a reader finds a page by them: a wrong one is a difference.
    """
    raw = output.path.read_text(encoding="utf-8")
    text = raw.replace(BLANK, " ") if output.path.name.endswith(".txt") else unicode_braille(raw)
    counts = {True: 0, False: 0}
    found = []
    pages = numbered_pages(text)
    if numbered_at_top(text.split("\f")[0].splitlines()) != authority.numbers_at_top:
        place = "at the right of line 1" if authority.numbers_at_top else "at the right of line 25"
        found.append(parity.Difference(output.edition, None, None, f"page numbers {place} ({authority.key})", "not"))
    for k, (number, _) in enumerate(pages, start=1):
        transcriber = number.startswith(TRANSCRIBER)
        counts[transcriber] += 1
        want = page_number(code, counts[transcriber], transcriber).strip()
        if number != want:
            found.append(parity.Difference(output.edition, None, None, f"page {k} numbered {want}", number or "(none)"))
    return found
