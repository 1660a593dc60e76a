"""The parity check: an edition's read-back blocks against the model's reading text, block by block."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from altformats.document.model import TextBlock, normalise

SNIPPET_WORDS = 6  # words of context shown either side of a difference


@dataclass(frozen=True)
class Difference:
    """One block that an edition does not carry as the source has it."""

    edition: str
    block: int | None  # 1-based number of the expected block (None: an extra block)
    line: int | None  # its source line
    expected: str
    found: str
    where: str = ""  # what differs when it is not a block: a metadata field, a tag, a link annotation

    def __str__(self) -> str:
        if self.where:
            source = f" (source line {self.line})" if self.line else ""
            return f"{self.edition}: {self.where}{source}: expected {self.expected!r}, found {self.found!r}"
        where = f"block {self.block} (source line {self.line})" if self.block else "extra text"
        return f"{self.edition}: {where}: expected {self.expected!r}, found {self.found!r}"


def compare(edition: str, expected: list[TextBlock], found: list[str]) -> list[Difference]:
    """Every difference between the expected blocks and the found ones, after normalise()."""
    want = [normalise(block.text) for block in expected]
    got = [normalise(text) for text in found]
    differences: list[Difference] = []
    matcher = SequenceMatcher(a=want, b=got, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = max(a2 - a1, b2 - b1)
        for k in range(pairs):
            i, j = a1 + k, b1 + k
            exp = want[i] if i < a2 else ""
            fnd = got[j] if j < b2 else ""
            exp, fnd = _snippets(exp, fnd)
            if i < a2:
                differences.append(Difference(edition, i + 1, expected[i].line, exp, fnd or "(missing)"))
            else:
                differences.append(Difference(edition, None, None, "(nothing)", fnd))
    return differences


def word_count(blocks: list[TextBlock]) -> int:
    """How many words the blocks hold (whitespace-separated, after normalise())."""
    return sum(len(normalise(block.text).split()) for block in blocks)


def _snippets(expected: str, found: str) -> tuple[str, str]:
    """Shorten two long texts to the words around their first difference."""
    a, b = expected.split(), found.split()
    if len(a) <= 2 * SNIPPET_WORDS + 4 and len(b) <= 2 * SNIPPET_WORDS + 4:
        return expected, found
    first = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, first - SNIPPET_WORDS)
    return _window(a, start), _window(b, start)


def _window(words: list[str], start: int) -> str:
    end = start + 2 * SNIPPET_WORDS + 1
    text = " ".join(words[start:end])
    return ("…" if start else "") + text + ("…" if end < len(words) else "")
