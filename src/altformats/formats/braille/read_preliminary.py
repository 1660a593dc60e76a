"""The preliminary pages, proved: the title page's facts exactly, the transcriber's note word for word, the code's name.

The preliminary blocks (read from the cells by read.read_blocks) must be, in order:
the title page's facts that the source gives (kind, publisher, office, place, date as
written out in the document's language, title: the README's reading order, with the
publisher before its office), each exactly the forward translation of the source's
text; then each line of the declared transcriber's note (spec.NOTES, in the document's
language), which must back-translate to that line's words; then the braille code's
name, exactly. Anything missing, changed or added is a difference.
"""

from __future__ import annotations

from altformats.document.model import Document, normalise
from altformats.formats.braille.codes import Code, cells
from altformats.formats.braille.read_words import back_translate, found_words, source_words
from altformats.formats.braille.spec import note_for
from altformats.parity import Difference

FACTS = ("kind", "publisher", "office", "place", "date_text", "title")  # in the order of the title page


def expected_lines(doc: Document, code: Code) -> list[tuple[str, str, bool]]:
    """What the preliminary pages must say: (what, print text, exact cells?) per block, in order."""
    facts = [(name.removesuffix("_text"), normalise(getattr(doc.meta, name))) for name in FACTS]
    lines = [(name, text, True) for name, text in facts if text]
    lines += [("transcriber's note", normalise(line), False) for line in note_for(doc.meta.language)]
    return [*lines, ("braille code", code.name, True)]


def preliminary_differences(doc: Document, code: Code, blocks: list[str], edition: str) -> list[Difference]:
    """Every preliminary block that is not what `expected_lines` says, and every one missing or extra."""
    differences = []
    expected = expected_lines(doc, code)
    for k in range(max(len(expected), len(blocks))):
        found = back_translate(code, blocks[k]) if k < len(blocks) else "(missing)"
        if k >= len(expected):
            differences.append(Difference(edition, None, None, "preliminary pages: (nothing)", found))
            continue
        what, text, exact = expected[k]
        if k >= len(blocks) or not _carries(code, blocks[k], found, text, exact):
            differences.append(Difference(edition, None, None, f"preliminary pages: {what} {text!r}", found))
    return differences


def _carries(code: Code, braille: str, back: str, text: str, exact: bool) -> bool:
    """True if a block is `text`: its cells exactly (a fact, the code's name), or its words (a note line)."""
    if exact:
        return braille == cells(code, text)
    return found_words(back) == source_words(code, text)
