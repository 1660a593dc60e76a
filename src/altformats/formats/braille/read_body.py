"""The body's blocks, proved: each block's cells exactly, and independently its back-translated words.

A table's cells are expected in listed format (codes.listed: a body cell with its
column heading); every other reading block as the model gives it.
"""

from __future__ import annotations

from collections.abc import Iterator

from altformats import parity
from altformats.document.model import Document, Inline, List, Quote, Table, TextBlock, normalise
from altformats.formats.braille.codes import Code, cells, listed, typed_text
from altformats.formats.braille.read_words import back_translate, found_words, source_words


def _tables(blocks) -> Iterator[Table]:
    """Every table among `blocks`, in reading order (inside quotes and list items too)."""
    for block in blocks:
        if isinstance(block, Table):
            yield block
        elif isinstance(block, Quote):
            yield from _tables(block.blocks)
        elif isinstance(block, List):
            for item in block.items:
                yield from _tables(item.blocks)


def expected_blocks(doc: Document) -> list[tuple[TextBlock, tuple[Inline, ...]]]:
    """Each reading block with the inlines its braille must carry (a table cell with its column heading)."""
    entries = [inlines for table in _tables(doc.blocks) for inlines, _ in listed(table)]
    found = []
    for block in doc.reading_blocks():
        found.append((block, entries.pop(0) if block.role == "cell" and entries else block.inlines))
    return found


def body_differences(
    doc: Document, code: Code, blocks: list[str], edition: str
) -> tuple[list[parity.Difference], list[parity.Difference]]:
    """(cell differences, word differences) of the body's blocks against the model."""
    expected = expected_blocks(doc)
    back = [back_translate(code, braille) for braille in blocks]
    if len(blocks) != len(expected):
        return parity.compare(edition, [block for block, _ in expected], back), []
    cell_differences = [  # each block's cells must be the forward translation of its words, exactly
        parity.Difference(edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, ((block, inlines), braille, text) in enumerate(zip(expected, blocks, back, strict=True))
        if braille != cells(code, inlines)
    ]
    word_differences = [  # and, independently, its back-translation must give the source's words
        parity.Difference(edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, ((block, inlines), text) in enumerate(zip(expected, back, strict=True))
        if found_words(text) != source_words(code, typed_text(code, inlines)[0])
    ]
    return cell_differences, word_differences
