"""Right-to-left text in logical order: WeasyPrint draws each line's glyphs left to right, as seen.

A reader of the content (a screen reader, poppler, copy and paste) then gets Arabic or Hebrew
backwards. This pass rewrites each text-showing operator that holds right-to-left glyphs so
that it shows the same glyphs at the same places, but in reading order: every glyph is placed
by an explicit offset in the TJ array. The order comes from a two-level bidi reordering (the
paragraph right to left, runs of Latin letters and digits left to right inside it), enough for
prose with embedded numbers and names; deeper nesting is not handled.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pikepdf

from altformats.formats.pdf.content import FontMap, advance, font_map

RTL_CLASSES = frozenset({"R", "AL"})


@dataclass
class Glyph:
    """One shown glyph: its font, code and text, and where it starts (text space units)."""

    font: str
    size: float
    code: bytes
    text: str
    x: float


def has_rtl(text: str) -> bool:
    """True when `text` holds a right-to-left letter."""
    return any(unicodedata.bidirectional(char) in RTL_CLASSES for char in text)


def reorder_page(pdf: pikepdf.Pdf, page: pikepdf.Page, base: int) -> None:
    """Rewrite the page's text objects that hold right-to-left text into reading order.

    `base` is the document's direction as a bidi level: 1 right to left, 0 left to right. A
    text object is one laid-out line (WeasyPrint: BT, Tm, then Tf and TJ per font), so the
    whole line is reordered at once, across fonts (digits and letters may come from two).
    """
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    ops = list(pikepdf.parse_content_stream(page))
    out: list = []
    i = 0
    while i < len(ops):
        if str(ops[i][1]) != "BT":
            out.append(pikepdf.ContentStreamInstruction(*ops[i]))
            i += 1
            continue
        end = next((j for j in range(i, len(ops)) if str(ops[j][1]) == "ET"), len(ops) - 1)
        out.extend(_text_object(ops[i : end + 1], fonts, base))
        i = end + 1
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))


def _text_object(ops: list, fonts: pikepdf.Dictionary, base: int) -> list:
    """The instructions of one text object, in reading order if it shows right-to-left text."""
    unchanged = [pikepdf.ContentStreamInstruction(*op) for op in ops]
    glyphs = _glyphs(ops, fonts)
    if glyphs is None or not has_rtl("".join(g.text for g in glyphs)):
        return unchanged
    matrix = next(operands for operands, op in ops if str(op) == "Tm")
    out = [unchanged[0], pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))]
    pen, font, items = 0.0, None, []
    for glyph in logical_order(glyphs, base):
        if (glyph.font, glyph.size) != font:
            if items:
                out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(items)], pikepdf.Operator("TJ")))
            font, items = (glyph.font, glyph.size), []
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Name(glyph.font), glyph.size], pikepdf.Operator("Tf")))
        shift = glyph.x - pen
        if abs(shift) > 1e-6:
            items.append(round(-shift * 1000 / glyph.size, 3))
        items.append(pikepdf.String(glyph.code))
        pen = glyph.x + advance(fonts[glyph.font], glyph.code) * glyph.size / 1000
    out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(items)], pikepdf.Operator("TJ")))
    return out + [unchanged[-1]]


def _glyphs(ops: list, fonts: pikepdf.Dictionary) -> list[Glyph] | None:
    """Every glyph the text object shows, placed from the fonts' widths and the TJ offsets;
    None when it does anything else than one Tm and Tf/TJ/Tj (left as it is)."""
    glyphs: list[Glyph] = []
    maps: dict[str, FontMap] = {}
    name, size, x, matrices = "", 1.0, 0.0, 0
    for operands, op in ops[1:-1]:
        kind = str(op)
        if kind == "Tm":
            matrices += 1
        elif kind == "Tf":
            name, size = str(operands[0]), float(operands[1])
            maps.setdefault(name, font_map(fonts[name]))
        elif kind in ("TJ", "Tj") and name:
            for item in list(operands[0]) if kind == "TJ" else [operands[0]]:
                if isinstance(item, pikepdf.String):
                    data, width = bytes(item), maps[name].width
                    for k in range(0, len(data), width):
                        code = data[k : k + width]
                        glyphs.append(Glyph(name, size, code, maps[name].decode(code), x))
                        x += advance(fonts[name], code) * size / 1000
                else:
                    x -= float(item) * size / 1000
        else:
            return None
    return glyphs if matrices == 1 else None


def logical_order(glyphs: list[Glyph], base: int) -> list[Glyph]:
    """Glyphs in visual order (left to right) put back in reading order.

    `base` is the paragraph's level (1 right to left, 0 left to right). Drawing reversed every
    run at level k or more, from the highest k down to 1 (UAX #9, rule L2); undoing it reverses
    them again from k = 1 up.
    """
    items = list(zip(_levels([g.text for g in glyphs], base), glyphs, strict=True))
    for k in range(1, max((level for level, _ in items), default=0) + 1):
        i = 0
        while i < len(items):
            if items[i][0] < k:
                i += 1
                continue
            j = i
            while j < len(items) and items[j][0] >= k:
                j += 1
            items[i:j] = reversed(items[i:j])
            i = j
    return [glyph for _, glyph in items]


def _levels(texts: list[str], base: int) -> list[int]:
    """Embedding level of each glyph: right-to-left letters odd, left-to-right letters even,
    digits one above the letters before them, neutrals as the strong glyphs on both sides."""
    kinds = [_strength(text) for text in texts]
    levels = []
    for i, kind in enumerate(kinds):
        before = next((k for k in reversed(kinds[:i]) if k), "")
        if kind == "R":
            levels.append(1)
        elif kind == "L":
            levels.append(2 if base else 0)
        elif kind == "N":
            levels.append(2 if base or before == "R" else 0)
        else:
            edge = "R" if base else "L"  # the paragraph's direction stands at both ends of the line
            after = next((k for k in kinds[i + 1 :] if k), "")
            sides = {"R" if k == "R" else "L" for k in (before or edge, after or edge)}
            levels.append(1 if sides == {"R"} else (2 if base else 0) if sides == {"L"} else base)
    return _latin_words(texts, kinds, levels, 2 if base else 0)


def _latin_words(texts: list[str], kinds: list[str], levels: list[int], ltr: int) -> list[int]:
    """Levels with the neutrals of each left-to-right word (letters, no right-to-left ones) set
    left to right: "(https://www.state.gov/)" printed isolated in Arabic keeps its brackets and
    slashes in place, rather than having them take the paragraph's direction at the line's edge."""
    start = 0
    for end in [*(i for i, text in enumerate(texts) if text.isspace()), len(texts)]:
        word = kinds[start:end]
        if "L" in word and "R" not in word:
            levels[start:end] = [ltr] * (end - start)
        start = end + 1
    return levels


def _strength(text: str) -> str:
    """Direction class: "R" (right-to-left letter), "L" (left-to-right letter), "N" (digit) or "" (neutral)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in RTL_CLASSES:
            return "R"
        if kind == "L":
            return "L"
        if kind in ("EN", "AN"):
            return "N"
    return ""
