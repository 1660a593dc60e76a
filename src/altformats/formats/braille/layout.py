"""Braille pages from braille blocks: the writer's side of the layout in spec.py.

A blank line never opens a page whose previous page ends in blank lines
(the padding already separates them), and a heading that would end a page
without its first line of text moves to the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from altformats.formats.braille.louis import BLANK
from altformats.formats.braille.spec import BULLET, CONTINUATION, TEXT_LINES, WIDTH

CENTRED_MARGIN = 3  # blank cells at least on each side of a centred line
HEADINGS = ("centred", "cell5")  # blank-bounded blocks, kept with what follows


@dataclass(frozen=True)
class Block:
    """One block of braille and how it is laid out."""

    cells: str  # Unicode braille, words separated by one blank cell
    style: str  # "centred", "cell5", "paragraph", "item" or "hanging"
    level: int = 1  # list nesting (items and hanging blocks)
    marker: str = BULLET  # an item's bullet, or its number in a numbered list
    blank_before: bool = False
    blank_after: bool = False


def block_lines(block: Block) -> list[str]:
    """The lines of one block (spaces for blank cells), each at most WIDTH cells."""
    words = block.cells.split(BLANK)
    if block.style == "centred":
        width = WIDTH - 2 * CENTRED_MARGIN
        return [_centre(line) for line in _wrap(words, width, width)]
    first, runover = _indents(block)
    if block.style == "item":
        words = [block.marker, *words]
    lines = _wrap(words, WIDTH - first, WIDTH - runover)
    return [" " * (first if k == 0 else runover) + line for k, line in enumerate(lines)]


def _indents(block: Block) -> tuple[int, int]:
    if block.style == "cell5":
        return 4, 4
    if block.style == "paragraph":
        return 2, 0
    return 2 * block.level - 2, 2 * block.level


def _centre(line: str) -> str:
    return " " * ((WIDTH - len(line)) // 2) + line


def _wrap(words: list[str], first: int, runover: int) -> list[str]:
    """Greedy filling; a word longer than a whole line is divided with the continuation indicator."""
    lines: list[str] = []
    line = ""
    for word in words:
        width = first if not lines else runover
        if line and len(line) + 1 + len(word) <= width:
            line += BLANK + word
            continue
        if line:
            lines.append(line)
            width = runover
        while len(word) > width:
            lines.append(word[: width - 1] + CONTINUATION)
            word, width = word[width - 1 :], runover
        line = word
    lines.append(line)
    return [text.replace(BLANK, " ") for text in lines]


def paginate(blocks: list[Block], numbers: Callable[[int], str]) -> list[list[str]]:
    """Lay blocks out on pages of TEXT_LINES lines, then number each page with `numbers(n)`."""
    pages: list[list[str]] = [[]]
    for k, block in enumerate(blocks):
        lines = block_lines(block)
        blank = k > 0 and (block.blank_before or blocks[k - 1].blank_after)
        # a heading stays with its first line of text: if they do not fit, both go over
        if block.style in HEADINGS and pages[-1] and len(pages[-1]) + blank + len(lines) + 2 > TEXT_LINES:
            pages.append([])
        if blank and not _padded_above(pages):
            _add(pages, "")
        for line in lines:
            _add(pages, line)
    return [_number(page, numbers(n)) for n, page in enumerate(pages, start=1)]


def _add(pages: list[list[str]], line: str) -> None:
    if len(pages[-1]) == TEXT_LINES:
        pages.append([])
    pages[-1].append(line)


def _padded_above(pages: list[list[str]]) -> bool:
    """True at the top of a page whose previous page ends in a blank line (so a blank is already there)."""
    return not pages[-1] and len(pages) > 1 and (len(pages[-2]) < TEXT_LINES or pages[-2][-1] == "")


def _number(page: list[str], number: str) -> list[str]:
    """Pad a page to TEXT_LINES and put its number at the right of the last line."""
    padded = page + [""] * (TEXT_LINES - len(page))
    return padded + [" " * (WIDTH - len(number)) + number]


def page_text(pages: list[list[str]], newline: str) -> str:
    """Pages as one text: lines end with `newline`, a form feed starts every page after the first."""
    return "\f".join("".join(line.rstrip() + newline for line in page) for page in pages)
