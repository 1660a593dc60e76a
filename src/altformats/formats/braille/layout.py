"""Braille pages from braille blocks: the writer's side of the layout in spec.py.

A blank line never opens a page whose previous page ends in blank lines (the
padding already separates them) nor a transcriber's section; a heading, with any headings right under it,
moves to the next page unless two lines of what follows fit under it (§4.3),
so a heading is never the last text on a page; a running head, when given,
is centred on line 1 of every page but the first (§1.8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from altformats.formats.braille.louis import BLANK
from altformats.formats.braille.spec import BULLET, CENTRED_MARGIN, CONTINUATION, TEXT_LINES, WIDTH

HEADINGS = ("centred", "cell5", "cell7")  # kept with what follows
FIXED = {"cell5": (4, 4), "cell7": (6, 6), "paragraph": (2, 0)}  # (first line, runovers): blank cells before
KEPT = 2  # lines of text that must follow a heading on its page


@dataclass(frozen=True)
class Block:
    """One block of braille and how it is laid out."""

    cells: str  # Unicode braille, words separated by one blank cell
    style: str  # a style of spec.py: "centred", "cell5", "cell7", "paragraph", "item", "continuation", ...
    level: int = 1  # list nesting (items, continuations, hanging blocks); table entries: 1 first cell, 2 others
    depth: int = 0  # an item's or continuation's list: its deepest level (all its runovers align, §8); 0: `level`
    marker: str = BULLET  # an item's bullet, or its number in a numbered list
    blank_before: bool = False
    blank_after: bool = False
    new_page: bool = False  # starts a page of its own (the transcriber's pages, §2.2)
    apart: bool = False  # one of a group set apart by blank lines (a list, a table, a quote): its own layout


def block_lines(block: Block) -> list[str]:
    """The lines of one block (spaces for blank cells), each at most WIDTH cells."""
    words = block.cells.split(BLANK)
    if block.style == "centred":
        width = WIDTH - 2 * CENTRED_MARGIN
        return [centre(line) for line in _wrap(words, width, width)]
    first, runover = indents(block)
    if block.style == "item":
        words = [block.marker, *words]
    lines = _wrap(words, WIDTH - first, WIDTH - runover)
    return [" " * (first if k == 0 else runover) + line for k, line in enumerate(lines)]


def indents(block: Block) -> tuple[int, int]:
    """The blank cells before a block's first line and before its runovers."""
    if block.style in FIXED:
        return FIXED[block.style]
    runover = 2 * (block.depth or block.level)  # a list's runovers: two cells right of its deepest level's items
    if block.style == "continuation":  # a further paragraph of an item: two cells right of the runovers
        return runover + 2, runover
    if block.style == "item":
        return 2 * block.level - 2, runover
    if block.style == "entry":  # listed table: a row's first cell at cell 1, its others at cell 3, runovers cell 5
        return (0 if block.level == 1 else 2), 4
    return 2 * block.level - 2, 2 * block.level


def centre(line: str) -> str:
    """A line centred on the page (spaces before it)."""
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


class _Pages:
    """Pages being filled, each with the running head on its line 1 from the second page on."""

    def __init__(self, head: str):
        self.head = centre(head.replace(BLANK, " ")) if head else ""
        self.pages: list[list[str]] = [[]]

    def top(self) -> bool:
        """True when the current page holds nothing but its running head."""
        return len(self.pages[-1]) == (1 if self.head and len(self.pages) > 1 else 0)

    def break_page(self) -> None:
        self.pages.append([self.head] if self.head else [])

    def add(self, line: str) -> None:
        if len(self.pages[-1]) == TEXT_LINES:
            self.break_page()
        self.pages[-1].append(line)

    def padded_above(self) -> bool:
        """True at the top of a page whose previous page ends in a blank line (so a blank is already there)."""
        previous = self.pages[-2] if len(self.pages) > 1 else []
        return self.top() and not self.head and bool(previous) and (len(previous) < TEXT_LINES or previous[-1] == "")


def _kept(blocks: list[Block], k: int) -> int:
    """Lines that must fit under the page's last line before heading k: it, the headings under it, KEPT more."""
    need = 0
    while k < len(blocks) and blocks[k].style in HEADINGS:
        need += len(block_lines(blocks[k])) + (k > 0 and (blocks[k].blank_before or blocks[k - 1].blank_after))
        k += 1
    return need + KEPT


def paginate(blocks: list[Block], numbers: Callable[[int], str], head: str = "", top: bool = False) -> list[list[str]]:
    """Lay blocks out on pages of TEXT_LINES lines (the running head `head` on line 1 from page 2), then number them
    (at the right of line 25, or of line 1 when `top`)."""
    pages = _Pages(head)
    for k, block in enumerate(blocks):
        lines = block_lines(block)
        if block.new_page and not pages.top():
            pages.break_page()
        blank = k > 0 and (block.blank_before or blocks[k - 1].blank_after) and not (block.new_page and pages.top())
        heading_run = block.style in HEADINGS and (k == 0 or blocks[k - 1].style not in HEADINGS)
        if heading_run and not pages.top() and len(pages.pages[-1]) + _kept(blocks, k) > TEXT_LINES:
            pages.break_page()
        if blank and not pages.padded_above():
            pages.add("")
        for line in lines:
            pages.add(line)
    return [number_page(page, numbers(n), top) for n, page in enumerate(pages.pages, start=1)]


def number_page(page: list[str], number: str, top: bool = False) -> list[str]:
    """Pad a page to TEXT_LINES and put its number at the right of a line of its own: the last, or the first if `top`."""
    padded = page + [""] * (TEXT_LINES - len(page))
    line = [" " * (WIDTH - len(number)) + number]
    return line + padded if top else padded + line


def page_text(pages: list[list[str]], newline: str) -> str:
    """Pages as one text: lines end with `newline`, a form feed starts every page after the first."""
    return "\f".join("".join(line.rstrip() + newline for line in page) for page in pages)
