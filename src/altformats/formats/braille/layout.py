"""Braille pages from braille blocks, and blocks back from pages: the layout a transcriber expects.

The layout follows BANA's Braille Formats in the parts a fact sheet needs:
40 cells a line, 25 lines a page, the braille page number at the right of
line 25 (which holds nothing else), preliminary pages numbered p1, p2, ...
Blocks are Unicode braille; a line never splits a word except a word too
long for any line (a long address), which is divided with UEB's line
continuation indicator (dot 5) at the end of the line.

  style       first line             runover lines   around it
  centred     centred, >= 3 blank cells each side     blank line before and after
  cell5       cell 5                 cell 5          blank line before and after
  paragraph   cell 3                 cell 1          -
  item        cell 2L-1, bullet or   cell 2L+1       blank line before and after the list
              number (level 1 only)
  hanging     cell 2L-1              cell 2L+1       (more paragraphs of an item, table cells)

A blank line never opens a page whose previous page ends in blank lines
(the padding already separates them), and a heading that would end a page
without its first line of text moves to the next page.

The reader (`read_pages`, `read_blocks`) undoes exactly this from the cells
alone: a blank line ends a block; otherwise a line continues the block when
it sits at the block's runover indent (centred and cell-5 blocks run on to
the next blank line), and a bullet, or a number at cell 1, starts an item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from altformats.formats.braille.louis import BLANK

WIDTH = 40
PAGE_LINES = 25
TEXT_LINES = PAGE_LINES - 1  # line 25 is the page number's
CENTRED_MARGIN = 3  # blank cells at least on each side of a centred line
BULLET = "\u2838\u2832"  # UEB bullet, dots 456-256
CONTINUATION = "\u2810"  # UEB line continuation indicator, dot 5
PRELIMINARY = "\u280f"  # the letter p before preliminary page numbers
# A numbered item's marker: the number and a period, in the digits of the code
# (a-j after the number sign; French Antoine digits after dot 6), e.g. #A4 or #A'.
NUMBER = re.compile(
    "(\u283c[\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a]{1,4}"
    "|\u2820[\u2821\u2823\u2829\u2839\u2831\u282b\u283b\u2833\u282a\u283a]{1,4})[\u2832\u2804] "
)
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


# ---------------------------------------------------------------- writing


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


# ---------------------------------------------------------------- reading


def read_pages(text: str) -> tuple[list[list[str]], list[list[str]]]:
    """Split BRF-like text into (preliminary pages, body pages), each a list of text lines without the number line."""
    preliminary: list[list[str]] = []
    body: list[list[str]] = []
    for page in text.split("\f"):
        lines = page.splitlines()
        number = lines[-1].strip() if lines else ""
        (preliminary if number.startswith(PRELIMINARY) else body).append(lines[:-1])
    return preliminary, body


def read_blocks(lines: list[str]) -> list[str]:
    """The blocks of braille on body lines (page by page, joined), by the layout rules above."""
    blocks: list[list[str]] = []
    runover: int | None = None  # indent of the current block's runover lines; -1: until a blank line
    in_list = False
    for line in lines:
        text = line.rstrip()
        if not text:
            runover, in_list = None, False
            continue
        indent = len(text) - len(text.lstrip(" "))
        words = text.strip()
        marker = _marker(words, indent == 0 and (in_list or runover is None))
        if runover is not None and not marker and runover in (-1, indent):
            blocks[-1].append(words)
            continue
        if marker:
            words, in_list = words[len(marker) :], True
            runover = indent + 2
        elif in_list or indent == 0:
            runover = indent + 2
        else:
            runover = 0 if indent == 2 else -1
        blocks.append([words])
    return [_join(block) for block in blocks]


def _marker(words: str, may_number: bool) -> str:
    """The bullet or number (with its blank) that starts a list item's first line, or "".

    A number starts an item only at cell 1 where a runover line cannot be (a
    line of an item may well begin "2001."), so nested numbered lists get bullets.
    """
    if words.startswith(BULLET + " "):
        return BULLET + " "
    number = NUMBER.match(words)
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
