"""The independent braille reader: a written file's code and blocks, back-translated, and the braille parity rule.

The reader undoes the layout of spec.py from the cells alone: a blank line
ends a block; otherwise a line continues the block when it sits at the
block's runover indent (centred and cell-5 blocks run on to the next blank
line), and a bullet, or a number at cell 1, starts an item.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

from altformats import parity
from altformats.document.model import Document, normalise
from altformats.errors import AltformatsError
from altformats.formats.base import Output
from altformats.formats.braille.codes import CODES, Code, cells, code_for
from altformats.formats.braille.louis import BLANK, to_braille, to_print, unicode_braille
from altformats.formats.braille.spec import BULLET, CONTINUATION, NUMBER, PRELIMINARY
from altformats.text import primary_language

# UEB's alphabetic wordsigns: a letter standing alone means the word. Inside
# "U.S." or "e.g." the letters do not stand alone, and forward translation
# rightly leaves them letters, but back-translation reads them as the words.
ALPHABETIC_WORDSIGNS = (
    "but can do every from go have just knowledge like more not people quite rather so that us very will it you as"
)
LETTER_OF = {word: word[0] for word in ALPHABETIC_WORDSIGNS.split()} | {"it": "x", "as": "z"}
ABBREVIATION_LETTER = rf"(?<=\b[A-Za-z]\.)({'|'.join(LETTER_OF)})(?=\.)"

# Known liblouis back-translation ambiguities, undone when reading back: each a
# pattern on the back-translated print and its replacement (see docs/braille.md).
BACK_TRANSLATION_FIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "en-ueb-g2.ctb": (
        (ABBREVIATION_LETTER, "letter"),  # "U.S." comes back "U.So.", "e.g." "e.go."
        (r"(?<=\w)cc//", "://"),  # "3" is both the colon and the groupsign "cc": "http://" comes back "httpcc//"
        (r"\bmailtocc", "mailto:"),  # and "mailto:" comes back "mailtocc"
    ),
    "pt-pt-g1.utb": ((r"§", "ss"),),  # Portuguese "ss" comes back as the section sign
    "pt-pt-g2.ctb": ((r"§", "ss"),),
}
AGREEMENT = 0.97  # share of the source's words that back-translation must return, in order
WORDS = re.compile(r"[^\W\d_]+|\d+")  # words for the agreement: runs of letters or of digits
DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script (Arabic-Indic, Devanagari, ...)


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
    if words.startswith(BULLET + " "):
        return BULLET + " "
    number = NUMBER.match(words)
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
    raw = path.read_text(encoding="utf-8")
    text = raw.replace(BLANK, " ") if path.name.endswith(".txt") else unicode_braille(raw)
    preliminary, body = read_pages(text)
    return named_code(path, preliminary), read_blocks([line for page in body for line in page])


def named_code(path: Path, pages: list[list[str]]) -> Code:
    """The braille code whose name (in its own braille) the preliminary pages carry."""
    words = " ".join(" ".join(line.split()) for page in pages for line in page if line.strip())
    for grades in CODES.values():
        for code in grades.values():
            if to_braille(code.table, code.name).replace(BLANK, " ") in words:
                return code
    raise AltformatsError(f"{path}: no known braille code is named on its preliminary pages")


def back_translate(code: Code, braille: str) -> str:
    """A block of braille back in print, with the code's known ambiguities undone."""
    if code.emphasis:  # indicators are not words, and liblouis cannot read them back
        braille = re.sub(code.emphasis, "", braille)
    text = to_print(code.table, braille)
    for pattern, replacement in BACK_TRANSLATION_FIXES.get(code.table, ()):
        while (fixed := re.sub(pattern, _replacer(replacement), text, flags=re.IGNORECASE)) != text:
            text = fixed
    return text


def _replacer(replacement: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement: the text itself, or "letter": a wordsign back to its letter, in its case."""
    if replacement != "letter":
        return lambda _: replacement
    return lambda m: LETTER_OF[m.group(1).lower()].upper() if m.group(1)[0].isupper() else LETTER_OF[m.group(1).lower()]


# ---------------------------------------------------------------- comparing


def compare_braille(doc: Document, output: Output) -> list[parity.Difference]:
    """Parity for braille as docs/braille.md says: the right code, each block's braille, and back-translation."""
    expected = doc.reading_blocks()
    try:
        code, found = read_braille(output.path)
    except AltformatsError as error:  # not braille, or no code named: a difference, not a crash
        return [parity.Difference(output.edition, None, None, "a readable braille edition", str(error))]
    want = code_for(doc.meta.language)
    if code.table not in {c.table for c in CODES[primary_language(doc.meta.language)].values()}:
        return [parity.Difference(output.edition, None, None, want.name, code.name)]
    back = [back_translate(code, braille) for braille in found]
    if len(found) != len(expected):
        return parity.compare(output.edition, expected, back)
    differences = [  # each block's cells must be the forward translation of its words, exactly
        parity.Difference(output.edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, (block, braille, text) in enumerate(zip(expected, found, back, strict=True))
        if braille != cells(code, block.inlines)
    ]
    return differences + _agreement_differences(output.edition, [b.text for b in expected], back)


def _agreement_differences(edition: str, expected: list[str], back: list[str]) -> list[parity.Difference]:
    """One difference if back-translation returns fewer than AGREEMENT of the words."""
    rate = agreement(expected, back)
    if rate >= AGREEMENT:
        return []
    return [
        parity.Difference(
            edition, None, None, f"back-translation returning >= {AGREEMENT:.0%} of the words", f"{rate:.1%}"
        )
    ]


def agreement(expected: list[str], found: list[str]) -> float:
    """The share of the expected words (letters or digits, any case) that `found` carries, in order."""
    want = WORDS.findall(_digits_by_value(" ".join(expected)).casefold())
    got = WORDS.findall(_digits_by_value(" ".join(found)).casefold())
    matcher = SequenceMatcher(a=want, b=got, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / max(len(want), 1)


def _digits_by_value(text: str) -> str:
    """Every decimal digit as its ASCII digit: braille has one set of digit signs, so "١٦" comes back for "16"."""
    return DIGIT.sub(lambda m: str(unicodedata.digit(m.group(0))), text)
