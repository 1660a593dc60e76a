"""The PDF's page order: the visible text with its positions (poppler's pdftotext -bbox-layout), as a reader sees it.

Each page is read top to bottom, one column: pdftotext's blocks are grouped into rows (a block
that starts within the first line of the row's first block sits beside it: a list label, a
table cell), a row is read in the document's direction, a block line by line, a line word by
word by position (right to left in a right-to-left document, a left-to-right run inside it
turned back). The words found that way must be the model's words in the model's order; any
other visible text must be declared furniture (`Furniture`): the running head, the folio, a
link's printed address, a list label. It reads the written file only: the furniture comes from
the source, through the Format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from altformats import tools
from altformats.document.model import Document, TextBlock, inline_text, normalise
from altformats.errors import AltformatsError
from altformats.parity import Difference

XHTML = "{http://www.w3.org/1999/xhtml}"
# A gap wider than this share of the line's height between two glyphs is a space: pdftotext
# splits words at spaces in a left-to-right line, but gives each Arabic glyph as a word.
SPACE_GAP = 0.15
# Characters that are a unit each: CJK text has no spaces, so it is compared character by character.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u30ff"
UNIT = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
# The markers CSS gives an unordered list at each depth (disc, circle, square, and square below).
BULLETS = ("•", "◦", "▪")
SNIPPET_UNITS = 12


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in points from the top left (pdftotext's coordinates)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Line:
    """One printed line, its text in reading order."""

    page: int  # 1-based
    text: str


@dataclass(frozen=True)
class Furniture:
    """What an edition prints besides the reading text, as the source declares it."""

    head: str  # the running head the edition declares (its short title)
    folio: tuple[str, str, str]  # "Page N of M": the words before N, between N and M, after M
    # Printed link addresses "(address)", list labels ("3.", "•") and each table's head row
    # (repeated at the top of a page the table runs onto).
    inline: tuple[str, ...]

    @classmethod
    def of(cls, doc: Document, folio: tuple[str, str, str], address: Callable[[str], str], head: str) -> Furniture:
        """The furniture `doc`'s editions print: `folio` its page label, `address` how a link's address
        prints, `head` its running head (the edition's short title)."""
        links = [node for block in doc.reading_blocks() for node in _inlines(block.inlines)]
        addresses = {
            f"({address(link.target)})"
            for link in links
            if link.kind == "link" and not link.shows_target and not link.target.startswith("#")
        }  # an in-page link prints no address
        labels = set(_in_blocks((*doc.blocks, *(b for note in doc.notes for b in note.blocks))))
        return cls(head, folio, tuple(sorted(addresses | labels)))

    def pattern(self) -> re.Pattern[str]:
        """Any run of inline furniture, compacted (no whitespace) and case-folded."""
        pieces = sorted((re.escape(compact(piece)) for piece in self.inline), key=len, reverse=True)
        return re.compile(f"(?:{'|'.join(pieces)})+" if pieces else "(?!)")

    def folio_pattern(self) -> re.Pattern[str]:
        """The folio of any page, compacted and case-folded: the numbers may be any."""
        before, between, after = (re.escape(compact(words)) for words in self.folio)
        return re.compile(rf"{before}\d+{between}\d+{after}")


def _inlines(nodes: Iterable) -> Iterator:
    for node in nodes:
        yield node
        yield from _inlines(getattr(node, "children", ()))


def _in_blocks(blocks: Iterable, depth: int = 0) -> Iterator[str]:
    """The furniture the blocks print: list labels (numbers, or bullets by depth) and table head rows."""
    for block in blocks:
        if block.kind == "list":
            for number, item in enumerate(block.items, block.start):
                yield f"{number}." if block.ordered else BULLETS[min(depth, len(BULLETS) - 1)]
                yield from _in_blocks(item.blocks, depth + 1)
        elif block.kind in ("quote", "callout"):
            yield from _in_blocks(block.blocks, depth)
        elif block.kind == "figure":
            yield from _in_blocks(block.description, depth)
        elif block.kind == "deflist":
            yield from _in_blocks([b for item in block.items for d in item.definitions for b in d], depth)
        elif block.kind == "table":
            yield from (" ".join(inline_text(cell.children) for cell in row.cells) for row in block.head)


def compact(text: str) -> str:
    """`text` normalised, without whitespace, case-folded: how furniture is recognised."""
    return "".join(normalise(text).split()).casefold()


def bbox_layout(path: Path) -> bytes:
    """pdftotext's -bbox-layout XHTML for the PDF at `path`: pages, flows, blocks, lines, words with boxes."""
    pdftotext = tools.executable("pdftotext", "poppler-utils")
    done = tools.run([pdftotext, "-enc", "UTF-8", "-bbox-layout", str(path), "-"], capture_output=True, timeout=120)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise AltformatsError(f"{path}: pdftotext could not read the pages: {message}")
    return done.stdout


def page_lines(xhtml: bytes, rtl: bool) -> list[list[Line]]:
    """The lines of each page in reading order, from pdftotext's -bbox-layout XHTML."""
    root = etree.fromstring(xhtml, etree.XMLParser(resolve_entities=False, no_network=True))
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), 1):
        lines = [line for block in _ordered_blocks(page, rtl) for line in block.iter(f"{XHTML}line")]
        pages.append([Line(number, _line_text(line, rtl)) for line in lines])
    return pages


def _box(element) -> Box:
    return Box(*(float(element.get(name)) for name in ("xMin", "yMin", "xMax", "yMax")))


def _ordered_blocks(page, rtl: bool) -> list:
    """The page's blocks in reading order: rows top to bottom, each row in the document's direction."""
    blocks = sorted(page.iter(f"{XHTML}block"), key=lambda block: (_box(block).y0, _box(block).x0))
    rows: list[list] = []
    for block in blocks:
        if rows and _box(block).y0 < _first_line_bottom(rows[-1][0]):
            rows[-1].append(block)  # it starts beside the row's first line: a label, a table cell
        elif rows and _continues(block, rows[-1]):
            rows[-1].append(block)  # the rest of a cell pdftotext cut in two, in its cell's column
        else:
            rows.append([block])
    side = (lambda block: -_box(block).x1) if rtl else (lambda block: _box(block).x0)
    return [block for row in rows for block in sorted(row, key=side)]


def _continues(block, row: list) -> bool:
    """True if `block` starts within half a line of the row's bottom, in the column of one of its blocks:
    the rest of a table cell that pdftotext gave as a block of its own."""
    if len(row) < 2:  # only a row of blocks side by side (a table row) has cells to continue
        return False
    box = _box(block)
    line = _first_line_bottom(row[0]) - _box(row[0]).y0  # a line's height: a cell's lines are closer than that
    if box.y0 >= max(_box(other).y1 for other in row) + line / 2:
        return False
    return any(min(box.x1, _box(o).x1) - max(box.x0, _box(o).x0) > 0 for o in row)


def _first_line_bottom(block) -> float:
    first = next(block.iter(f"{XHTML}line"), None)
    return _box(first if first is not None else block).y1


ISOLATE_OPENERS = "("  # how the editions open a printed address (print_address, in <bdi dir="ltr">)


def _line_text(line, rtl: bool) -> str:
    """A line's words in reading order, a space wherever the gap between two is a space wide."""
    words = [(word.text or "", _box(word)) for word in line.iter(f"{XHTML}word")]
    words.sort(key=(lambda w: -w[1].x1) if rtl else (lambda w: w[1].x0))
    pieces: list[str] = []  # words and the separators between them, in visual order for the direction
    for k, (text, box) in enumerate(words):
        if k:
            previous = words[k - 1][1]
            gap = previous.x0 - box.x1 if rtl else box.x0 - previous.x1
            pieces.append(" " if gap > SPACE_GAP * (box.y1 - box.y0) else "")
        # pdftotext gives a word with no right-to-left letter in visual order, left to right: taken
        # right to left, character by character, its neutral edges ("NATO." printed ".NATO") fall
        # back in place. A bracketed one is an isolated run (a printed address in <bdi dir="ltr">,
        # brackets inside): it reads as it prints.
        isolated = rtl and _direction(text) != "R" and text[:1] in ISOLATE_OPENERS and text[-1:] == ")"
        pieces.extend([text] if not rtl or isolated or _direction(text) == "R" else reversed(text))
    return "".join(_left_to_right_runs(pieces) if rtl else pieces)


def _left_to_right_runs(pieces: list[str]) -> list[str]:
    """Right-to-left pieces with each left-to-right run (Latin words, numbers) turned back to reading order."""
    kinds = [_direction(piece) for piece in pieces]
    out: list[str] = []
    k = 0
    while k < len(pieces):
        if kinds[k] != "L":
            out.append(pieces[k])
            k += 1
            continue
        end = k  # the run: from this left-to-right piece to the last one before a right-to-left piece
        for j in range(k, len(pieces)):
            if kinds[j] == "R":
                break
            if kinds[j] == "L":
                end = j
        out.extend(reversed(pieces[k : end + 1]))
        k = end + 1
    return out


def _direction(piece: str) -> str:
    """R if the piece has a right-to-left letter, L if a left-to-right letter or a digit, else N."""
    classes = {unicodedata.bidirectional(char) for char in piece}
    if classes & {"R", "AL"}:
        return "R"
    return "L" if classes & {"L", "EN", "AN"} else "N"


def body_lines(pages: list[list[Line]], furniture: Furniture) -> list[Line]:
    """Every page's lines without its running head (its first lines) and its folio (its last line)."""
    head, folio = compact(furniture.head), furniture.folio_pattern()
    body: list[Line] = []
    for lines in pages:
        if lines and folio.fullmatch(compact(lines[-1].text)):
            lines = lines[:-1]
        for count in (1, 2, 3):  # a long title runs onto a second or third line
            if compact(" ".join(line.text for line in lines[:count])) == head:
                lines = lines[count:]
                break
        body.extend(lines)
    return body


def page_order(
    edition: str, expected: list[TextBlock], pages: list[list[Line]], furniture: Furniture
) -> list[Difference]:
    """Where the text printed on the pages, in reading order, is not the model's text, or is not furniture."""
    want = [(unit, k) for k, block in enumerate(expected) for unit in UNIT.findall(normalise(block.text))]
    got = [(unit, line.page) for line in body_lines(pages, furniture) for unit in UNIT.findall(normalise(line.text))]
    matcher = SequenceMatcher(a=[u for u, _ in want], b=[u for u, _ in got], autojunk=False)
    inline = furniture.pattern()
    differences: list[Difference] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        printed = inline.sub("", compact(" ".join(u for u, _ in got[b1:b2])))
        if printed == compact(" ".join(u for u, _ in want[a1:a2])):
            continue  # the same text split into other words (a wrap, CJK), or furniture only
        differences.extend(_differences(edition, expected, want[a1:a2], got[b1:b2]))
    return differences


def _differences(edition: str, expected: list[TextBlock], want: list, got: list) -> list[Difference]:
    """One difference per model block a stretch of the pages gets wrong, or one for text no block has."""
    found = _snippet([u for u, _ in got])
    if got:
        found = f"page {got[0][1]}: {found}"
    if not want:
        return [Difference(edition, None, None, "(nothing)", found)]
    blocks = sorted({k for _, k in want})
    return [
        Difference(
            edition,
            k + 1,
            expected[k].line,
            _snippet([u for u, b in want if b == k]),
            found or "(not printed here in the page order)",
        )
        for k in blocks
    ]


def _snippet(units: list[str]) -> str:
    text = " ".join(units[:SNIPPET_UNITS])
    return text + (" …" if len(units) > SNIPPET_UNITS else "")


def page_order_differences(edition: str, doc: Document, path: Path, furniture: Furniture) -> list[Difference]:
    """The page-order proof of one written PDF: its printed text against `doc`'s reading text."""
    pages = page_lines(bbox_layout(path), doc.meta.direction == "rtl")
    # A figure's alt text is not printed: the image stands there (its /Alt is the parser's and the facts').
    printed = [replace(b, text="") if b.role == "figure" else b for b in doc.reading_blocks()]  # numbers kept
    return page_order(edition, printed, pages, furniture)
