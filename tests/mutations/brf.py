"""Tampering with a BRF (North American ASCII braille, CRLF lines, form feeds between pages).

The proof copy is the same pages in Unicode braille with LF lines, so a tamper is made once on the
BRF and written to both: a careful attacker keeps the two copies in step.
"""

from __future__ import annotations

import re
from pathlib import Path

from markup import NotApplicable

ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="  # dots 0..63
LETTERS = re.compile(r"(?<![A-Z])[A-Z]{5,}(?![A-Z])")
ITEM = "_4 "  # the UEB bullet, then a space


class Brf:
    """A BRF's pages as lists of lines; `save()` writes the BRF and its Unicode proof copy."""

    def __init__(self, brf: Path, proof: Path):
        self.brf, self.proof = brf, proof
        self.pages = [page.split("\r\n") for page in brf.read_bytes().decode("ascii").split("\f")]

    def save(self) -> None:
        text = "\f".join("\r\n".join(lines) for lines in self.pages)
        self.brf.write_bytes(text.encode("ascii"))
        unicode = "".join(chr(0x2800 + ASCII.index(c)) if c in ASCII else c for c in text)
        self.proof.write_bytes(unicode.replace("\r\n", "\n").encode("utf-8"))

    def reverse_word(self, page: int, start: int = 0) -> None:
        """Spell the first run of five or more letters at or after line `start` of `page` backwards."""
        lines = self.pages[page]
        for n in range(start, len(lines)):
            if match := LETTERS.search(lines[n]):
                word = match.group()
                lines[n] = lines[n][: match.start()] + word[::-1] + lines[n][match.end() :]
                return
        raise NotApplicable(f"no word of five letters on page {page + 1}")

    def page_with(self, text: str) -> int:
        """The number of the first page that contains `text` (e.g. the notes page's heading)."""
        for number in range(len(self.pages)):
            if any(text in line for line in self.pages[number]):
                return number
        raise NotApplicable(f"no page with {text!r}")

    def first_body_page(self) -> int:
        """The first page numbered in the body (the transcriber's pages are numbered t1, t2, ...: "T#A")."""
        for number in range(len(self.pages)):
            lines = [line for line in self.pages[number] if line.strip()]
            if lines and not lines[-1].strip().startswith("T"):
                return number
        raise NotApplicable("no body page")

    def line_with(self, page: int, text: str) -> int:
        """The number of the first line of `page` that contains `text`."""
        for n, line in enumerate(self.pages[page]):
            if text in line:
                return n
        raise NotApplicable(f"no {text!r} on page {page + 1}")

    def items(self) -> tuple[int, list[tuple[int, int]]]:
        """A body page with two whole list items, and each item's [first, end) line range."""
        first = self.first_body_page()
        for number, lines in enumerate(self.pages[first:], start=first):
            starts = [n for n, line in enumerate(lines) if line.startswith(ITEM)]
            ranges = [(a, b) for a, b in zip(starts, starts[1:], strict=False)]
            if len(ranges) >= 2:
                return number, ranges
        raise NotApplicable("no page with three list items")

    def page_number(self, page: int) -> int:
        """The line that carries the page's braille number (the last line that is not blank)."""
        lines = self.pages[page]
        return max(n for n, line in enumerate(lines) if line.strip())
