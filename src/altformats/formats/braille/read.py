"""The independent braille reader: a written file's code and blocks, back-translated, and the braille parity rule.

The reader undoes the layout of spec.py from the cells alone: a blank line
ends a block; otherwise a line continues the block when it sits at the
block's runover indent (centred and cell-5 blocks run on to the next blank
line), and a bullet, or a number at cell 1, starts an item. A line that is
only a marker is an item that opens with a nested list: it starts no block.
"""

from __future__ import annotations

from pathlib import Path

from altformats import parity
from altformats.document.model import Document, normalise
from altformats.errors import AltformatsError
from altformats.formats.base import Output
from altformats.formats.braille.codes import CODES, Code, cells, code_for, typed_text
from altformats.formats.braille.louis import BLANK, to_braille, unicode_braille
from altformats.formats.braille.read_preliminary import preliminary_differences
from altformats.formats.braille.read_words import back_translate, found_words, source_words
from altformats.formats.braille.spec import BULLET, CONTINUATION, NUMBER, PRELIMINARY
from altformats.text import primary_language

# ---------------------------------------------------------------- pages and blocks


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
    """The blocks of braille on body lines (page by page, joined), by the layout rules of spec.py."""
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
            if not words:  # the item opens with a nested list, whose first item follows
                runover = None
                continue
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
    line = words + " "  # a line that is only a marker ends where its blank would be
    if line.startswith(BULLET + " "):
        return BULLET + " "
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


# ---------------------------------------------------------------- the file's code and print


def read_braille(path: Path) -> tuple[Code, list[str]]:
    """The code named on a written file's preliminary pages, and its body blocks as Unicode braille."""
    code, _, body = read_all(path)
    return code, body


def read_all(path: Path) -> tuple[Code, list[str], list[str]]:
    """A written file's code, its preliminary blocks and its body blocks, as Unicode braille."""
    raw = path.read_text(encoding="utf-8")
    text = raw.replace(BLANK, " ") if path.name.endswith(".txt") else unicode_braille(raw)
    preliminary, body = read_pages(text)
    lines = [line for page in preliminary for line in page]
    return named_code(path, preliminary), read_blocks(lines), read_blocks([line for page in body for line in page])


def named_code(path: Path, pages: list[list[str]]) -> Code:
    """The braille code whose name (in its own braille) the preliminary pages carry."""
    words = " ".join(" ".join(line.split()) for page in pages for line in page if line.strip())
    for grades in CODES.values():
        for code in grades.values():
            if to_braille(code.table, code.name).replace(BLANK, " ") in words:
                return code
    raise AltformatsError(f"{path}: no known braille code is named on its preliminary pages")


# ---------------------------------------------------------------- comparing


def compare_braille(doc: Document, output: Output) -> list[parity.Difference]:
    """Parity for braille as docs/braille.md says: the code, each block's cells, its words, and the preliminary pages."""
    return [d for _, found in prove_braille(doc, output) for d in found]


def prove_braille(doc: Document, output: Output) -> list[tuple[str, list[parity.Difference]]]:
    """Each reading of a braille edition and its differences: cells, back-translation, preliminary pages."""
    try:
        code, preliminary, found = read_all(output.path)
    except AltformatsError as error:  # not braille, or no code named: a difference, not a crash
        return [("cells", [parity.Difference(output.edition, None, None, "a readable braille edition", str(error))])]
    if code.table not in {c.table for c in CODES[primary_language(doc.meta.language)].values()}:
        wrong = parity.Difference(output.edition, None, None, code_for(doc.meta.language).name, code.name)
        return [("cells", [wrong])]
    expected = doc.reading_blocks()
    back = [back_translate(code, braille) for braille in found]
    if len(found) != len(expected):
        return [("cells", parity.compare(output.edition, expected, back))]
    cell_differences = [  # each block's cells must be the forward translation of its words, exactly
        parity.Difference(output.edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, (block, braille, text) in enumerate(zip(expected, found, back, strict=True))
        if braille != cells(code, block.inlines)
    ]
    word_differences = [  # and, independently, its back-translation must give the source's words
        parity.Difference(output.edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, (block, text) in enumerate(zip(expected, back, strict=True))
        if found_words(text) != source_words(code, typed_text(code, block.inlines)[0])
    ]
    return [
        ("cells", cell_differences),
        ("back-translation", word_differences),
        ("preliminary pages", preliminary_differences(doc, code, preliminary, output.edition)),
    ]
