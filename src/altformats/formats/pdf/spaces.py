"""The spaces WeasyPrint drops at line wraps: found by lining the tagged text up with the HTML.

WeasyPrint tags each laid-out line as its own span and strips the space the line broke at, so
the tagged text reads "NuclearArms". The HTML it laid out still has every space: walking the
tagged text along it shows where one went missing, and an invisible space is drawn there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pikepdf

from altformats.formats.pdf.content import Texts, advance, font_map

_WHITE = re.compile(r"\s")
# Characters the source may hold that no glyph shows: a space lost at a wrap, and format
# characters (soft hyphen, zero-width space, (non-)joiners, word joiner, BOM).
UNSHOWN = frozenset(" \u00ad\u200b\u200c\u200d\u2060\ufeff")


def laid_out_text(html: str) -> tuple[str, dict[str, set[int]]]:
    """The text of the HTML's body as WeasyPrint got it (less the print-only furniture), and
    where in that text each kind of element starts (tag -> offsets; also "tag.class" for each class)."""
    import lxml.html

    body = lxml.html.document_fromstring(html).find("body")
    for furniture in body.find_class("print-url"):
        furniture.drop_tree()  # keeps the text after it
    parts: list[str] = []
    starts: dict[str, set[int]] = {}
    length = 0

    def add(text: str | None) -> None:
        nonlocal length
        parts.append(text or "")
        length += len(text or "")

    def visit(element) -> None:
        if isinstance(element.tag, str):
            for kind in (element.tag, *(f"{element.tag}.{name}" for name in element.get("class", "").split())):
                starts.setdefault(kind, set()).add(length)
            add(element.text)
            for child in element:
                visit(child)
        add(element.tail)

    visit(body)
    return "".join(parts), starts


def align(order: Iterable[tuple[tuple, int]], texts: Texts, source: str) -> tuple[dict, set]:
    """Where each marked content's text starts in the laid-out text, and which ones lost a space.

    A space in the source that no marked content shows is one WeasyPrint dropped at a line
    wrap. Any white space matches any other (a no-break space may be drawn with the space
    glyph). A text that is not next in the source (a table head repeated on a new page, say)
    is passed over without moving on, and left for the parity check to judge.
    """
    offsets: dict[tuple[tuple, int], int] = {}
    gaps: set[tuple[tuple, int]] = set()
    source = _WHITE.sub(" ", source)  # one character for one, so offsets stay the same
    i = 0
    for key, mcid in order:
        text = _WHITE.sub(" ", texts[key].get(mcid, ""))
        if not text:
            continue
        j = i
        while j < len(source) and source[j] in UNSHOWN and _match(source, j, text) < 0:
            j += 1
        end = _match(source, j, text)
        if end < 0:
            continue
        if " " in source[i:j]:
            gaps.add((key, mcid))
        offsets[(key, mcid)] = j
        i = end
    return offsets, gaps


def _match(source: str, start: int, text: str) -> int:
    """Where `text` ends if it is in `source` at `start`, characters never drawn left out; else -1."""
    k = start
    for char in text:
        while k < len(source) and source[k] != char and source[k] in UNSHOWN and source[k] != " ":
            k += 1
        if k >= len(source) or source[k] != char:
            return -1
        k += 1
    return k


def space_before(ops: list, index: int, fonts: pikepdf.Dictionary) -> list:
    """Instructions that show one space just before the next text run, in its font if it has one."""
    after = ops[index + 1 :]
    tm = next((list(operands) for operands, op in after if str(op) == "Tm"), None)
    tf = next((operands for operands, op in after if str(op) == "Tf"), None)
    if tm is None or tf is None:
        return []
    for name in [str(tf[0])] + sorted(str(name) for name in fonts):
        code = font_map(fonts[name]).code_for(" ")
        if code is not None:
            size = float(tf[1])
            tm[4] = float(tm[4]) - advance(fonts[name], code) * size / 1000 * float(tm[0])
            return [
                pikepdf.ContentStreamInstruction([pikepdf.Name(name), tf[1]], pikepdf.Operator("Tf")),
                pikepdf.ContentStreamInstruction(tm, pikepdf.Operator("Tm")),
                pikepdf.ContentStreamInstruction([pikepdf.String(code)], pikepdf.Operator("Tj")),
            ]
    return []  # no font on the page has a space: the parity check will report the joined words
