"""Tampering with a PDF page's content stream: its text-showing operators, decoded through ToUnicode.

WeasyPrint writes Type0 fonts with 2-byte glyph codes and one absolute `Tm` per run of text, so a
run's position is its `Tm` and its characters come from the font's ToUnicode map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf
from markup import WORD, NotApplicable

BULLET = "\u2022"


def to_unicode(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """A Type0 font's glyph code -> text, from its ToUnicode CMap (bfchar and bfrange)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(text, 16)
            for n in range(int(low, 16), int(high, 16) + 1):
                table[n.to_bytes(2, "big")] = chr(start + n - int(low, 16))
    return table


@dataclass
class Run:
    """One text-showing operator: where it is in the stream, its font, position, glyphs and text."""

    index: int
    font: str
    y: float
    glyphs: list[bytes] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chars)


class Page:
    """A page's parsed content stream and its text runs; `save()` writes the stream back."""

    def __init__(self, pdf: pikepdf.Pdf, number: int):
        self.page = pdf.pages[number]
        self.pdf = pdf
        self.ops = list(pikepdf.parse_content_stream(self.page))
        fonts = self.page.Resources.Font
        self.maps = {str(name): to_unicode(font) for name, font in fonts.items()}
        self.runs = list(self._runs())

    def _runs(self):
        font, y = "", 0.0
        for index, (operands, operator) in enumerate(self.ops):
            name = str(operator)
            if name == "Tf":
                font = str(operands[0])
            elif name == "Tm":
                y = float(operands[5])
            elif name in ("Tj", "TJ"):
                strings = [operands[0]] if name == "Tj" else [s for s in operands[0] if isinstance(s, pikepdf.String)]
                codes = [bytes(s)[i : i + 2] for s in strings for i in range(0, len(bytes(s)), 2)]
                yield Run(index, font, y, codes, [self.maps[font].get(code, "\ufffd") for code in codes])

    def tm_of(self, run: Run) -> int:
        """The index of the Tm that places `run` (the last one before it)."""
        return max(i for i in range(run.index) if str(self.ops[i][1]) == "Tm")

    def set_glyphs(self, run: Run, glyphs: list[bytes]) -> None:
        """Show `glyphs` instead of the run's own (kerning dropped: a run keeps its start)."""
        self.ops[run.index] = pikepdf.ContentStreamInstruction(
            [pikepdf.String(b"".join(glyphs))], pikepdf.Operator("Tj")
        )

    def word_run(self) -> tuple[Run, re.Match]:
        """The first body run (not bold, not a heading) with a long word of one glyph per letter."""
        for run in self.runs:
            match = WORD.search(run.text)
            if match and len(run.text) == len(run.glyphs) and len(run.text) > 20:
                return run, match
        raise NotApplicable("no run of text with a long word")

    def items(self) -> list[tuple[float, float]]:
        """The y range [top, next item's top) of each list item followed by another, from the bullets."""
        tops = [run.y for run in self.runs if run.text.strip() == BULLET]
        return [(a, b) for a, b in zip(tops, tops[1:], strict=False) if b > a]

    def runs_between(self, top: float, bottom: float) -> list[Run]:
        return [run for run in self.runs if top <= run.y < bottom]

    def shift(self, runs: list[Run], dy: float) -> None:
        """Move runs down the page by `dy` (their Tm only; the content order and tags stay)."""
        for index in sorted({self.tm_of(run) for run in runs}):
            operands = list(self.ops[index][0])
            operands[5] = float(operands[5]) + dy
            self.ops[index] = pikepdf.ContentStreamInstruction(operands, pikepdf.Operator("Tm"))

    def encode(self, font: str, text: str) -> bytes:
        """`text` in `font`'s glyph codes (NotApplicable if the subset lacks a letter)."""
        reverse = {char: code for code, char in self.maps[font].items()}
        if missing := set(text) - set(reverse):
            raise NotApplicable(f"font {font} has no glyph for {''.join(sorted(missing))!r}")
        return b"".join(reverse[char] for char in text)

    def append(self, instructions: list[tuple[list, str]]) -> None:
        """Add operators at the end of the page, outside any marked content (untagged)."""
        self.ops += [pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(op)) for operands, op in instructions]

    def save(self) -> None:
        self.page.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(self.ops))
