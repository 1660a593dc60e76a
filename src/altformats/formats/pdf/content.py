"""Reading a PDF page's marked content with pikepdf: which text each marked-content id shows.

Used by the PDF post-pass (fixes.py and the passes it runs) and the marking check (checks.py). Fonts are decoded
through their /ToUnicode maps, the maps every tagged PDF must carry for its text to be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pikepdf

TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
# Operators that put marks on the page; clipping paths (W n) and state changes do not.
PAINT_OPERATORS = TEXT_OPERATORS | frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "EI"})

_HEX = rb"<([0-9A-Fa-f]+)>"

Texts = dict[tuple, dict[int, str]]  # page objgen -> MCID -> text shown: marked_text() of each page


@dataclass
class FontMap:
    """A font's codes and the text they stand for."""

    width: int  # bytes per code: 2 for Type0 (Identity-H), 1 for simple fonts
    text: dict[bytes, str] = field(default_factory=dict)

    def decode(self, data: bytes) -> str:
        """The text a shown string stands for (codes without a mapping give U+FFFD)."""
        codes = (data[i : i + self.width] for i in range(0, len(data), self.width))
        return "".join(self.text.get(code, "\ufffd") for code in codes)

    def code_for(self, char: str) -> bytes | None:
        """A code that shows `char` in this font, if it has one."""
        return next((code for code, text in sorted(self.text.items()) if text == char), None)


def font_map(font: pikepdf.Dictionary) -> FontMap:
    """The code -> text map of a font dictionary, from its /ToUnicode CMap."""
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    cmap = font.get("/ToUnicode")
    # Parsed once per CMap: pages share their fonts, and the post-pass asks for a font's map at
    # every line it spaces. The map is only read (FontMap.text), never changed.
    return FontMap(width, _parsed_cmap(cmap.read_bytes(), width) if cmap is not None else {})


def advance(font: pikepdf.Dictionary, code: bytes) -> float:
    """How far a code moves the pen, in thousandths of the font size (from /W or /Widths)."""
    number = int.from_bytes(code, "big")
    if "/DescendantFonts" in font:
        cid_font = font.DescendantFonts[0]
        widths = list(cid_font.get("/W", []))
        i = 0
        while i < len(widths):
            first = int(widths[i])
            if isinstance(widths[i + 1], pikepdf.Array):
                run = [float(w) for w in widths[i + 1]]
                if first <= number < first + len(run):
                    return run[number - first]
                i += 2
            else:
                if first <= number <= int(widths[i + 1]):
                    return float(widths[i + 2])
                i += 3
        return float(cid_font.get("/DW", 1000))
    first = int(font.get("/FirstChar", 0))
    widths = font.get("/Widths", [])
    return float(widths[number - first]) if 0 <= number - first < len(widths) else 0.0


@lru_cache(maxsize=64)
def _parsed_cmap(data: bytes, width: int) -> dict[bytes, str]:
    return parse_cmap(data, width)


def parse_cmap(data: bytes, width: int) -> dict[bytes, str]:
    """The bfchar and bfrange entries of a ToUnicode CMap."""
    mapping: dict[bytes, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(_HEX + rb"\s*" + _HEX, section):
            mapping[bytes.fromhex(src.decode())] = _utf16(dst)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section):
            start, end = int(lo, 16), int(hi, 16)
            targets = re.findall(_HEX, rest)
            for offset, code in enumerate(range(start, end + 1)):
                if rest.startswith(b"["):
                    text = _utf16(targets[offset]) if offset < len(targets) else ""
                else:
                    base = _utf16(targets[0])
                    text = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
                mapping[code.to_bytes(width, "big")] = text
    return mapping


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", "replace")


def shown_bytes(operands: list, operator: str) -> bytes:
    """The string bytes a text-showing operator shows."""
    if operator == "TJ":
        return b"".join(bytes(item) for item in operands[0] if isinstance(item, pikepdf.String))
    return bytes(operands[-1])


def marked_text(page: pikepdf.Page, ops: list | None = None) -> dict[int, str]:
    """Every marked-content id on the page and the text shown inside it, in stream order (read from
    the page's instructions `ops` if they are already parsed)."""
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    maps: dict[str, FontMap] = {}
    texts: dict[int, str] = {}
    stack: list[int | None] = []
    current: FontMap | None = None
    for instruction in pikepdf.parse_content_stream(page) if ops is None else ops:
        name = str(instruction.operator)  # the operands are read only where they are needed: each read converts them
        if name in ("BDC", "BMC"):
            mcid = _mcid(instruction.operands) if name == "BDC" else None
            stack.append(mcid)
            if mcid is not None:
                texts.setdefault(mcid, "")
        elif name == "EMC" and stack:
            stack.pop()
        elif name == "Tf":
            key = str(instruction.operands[0])
            if key not in maps:
                maps[key] = font_map(fonts[key])
            current = maps[key]
        elif name in TEXT_OPERATORS and current is not None:
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts[mcid] += current.decode(shown_bytes(instruction.operands, name))
    return texts


def bdc_mcid(operands: list, op: pikepdf.Operator | str) -> int | None:
    """The MCID a BDC instruction opens, if it opens one."""
    return _mcid(operands) if str(op) == "BDC" else None


def _mcid(operands: list) -> int | None:
    properties = operands[1] if len(operands) > 1 else None
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None
