"""Braille codes per language and grade, and the forward translation of a block's words that writer and reader share.

The writer lays out `cells(code, block)`; the parity rule (read.py) compares
the written cells with the same translation, so both must use this one.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from altformats.document.model import Abbr, Emphasis, FootnoteRef, Inline, LineBreak, Strong, Text
from altformats.errors import AltformatsError
from altformats.formats.braille.louis import BLANK, spelled_out, to_braille
from altformats.text import primary_language


@dataclass(frozen=True)
class Code:
    """A braille code: its liblouis table and its name as the transcriber's note gives it."""

    table: str
    name: str
    emphasis: str = ""  # the code's emphasis indicators (a regex on cells): set = italic and bold are shown


# UEB's italic (dots 46) and bold (dots 45) indicators: symbol, word, passage, terminator.
# liblouis's UEB tables use these cells for nothing else; back-translation does not know them.
UEB_EMPHASIS = "[\u2828\u2818][\u2806\u2802\u2836\u2804]"
ITALIC, BOLD = 0x0001, 0x0004  # liblouis typeforms for Emphasis and Strong

# Which braille each language gets, by grade (1 uncontracted, 2 contracted),
# and the grade used unless ALTFORMATS_BRAILLE_GRADE says otherwise.
CODES: dict[str, dict[int, Code]] = {
    "en": {
        1: Code("en-ueb-g1.ctb", "Unified English Braille, uncontracted (grade 1)", emphasis=UEB_EMPHASIS),
        2: Code("en-ueb-g2.ctb", "Unified English Braille, contracted (grade 2)", emphasis=UEB_EMPHASIS),
    },
    "es": {
        1: Code("es-g1.ctb", "Braille español integral (grado 1)"),
    },
    "fr": {
        1: Code("fr-bfu-comp6.utb", "Braille français intégral"),
        2: Code("fr-bfu-g2.ctb", "Braille français abrégé"),
    },
    "de": {1: Code("de-g1.ctb", "Deutsche Vollschrift")},
    "pt": {
        1: Code("pt-pt-g1.utb", "Braille português integral"),
        2: Code("pt-pt-g2.ctb", "Braille português abreviado"),
    },
    "nl": {1: Code("nl-NL-g0.utb", "Nederlandse braille")},
    "ar": {1: Code("ar-ar-g1.utb", "برايل عربي غير مختصر (الدرجة الأولى)")},
}
# Spanish (es-g2) and German (de-g2) contracted braille are left out: liblouis
# back-translates them too poorly (75-87%, 35% of words) for the check to prove them.
DEFAULT_GRADE = {"en": 2, "fr": 2, "pt": 2}  # others: grade 1
# Languages liblouis has tables for, but whose braille the check cannot prove: the build refuses them.
UNPROVED = {
    "zh": "Chinese braille spells syllables, not characters, and liblouis reads it back as other characters"
    " of the same sound (zh-chn.ctb and zhcn-g1.ctb give back under a third of a sample's text)",
}


def code_for(language: str, grade: int | None = None) -> Code:
    """The braille code for a BCP 47 language and grade.

    Without a grade: ALTFORMATS_BRAILLE_GRADE where the language has that
    grade (a preference for a whole batch of documents), else its usual one.
    """
    primary = primary_language(language)
    grades = CODES.get(primary)
    if primary in UNPROVED:
        raise AltformatsError(
            f"no braille for language {language!r}: {UNPROVED[primary]}; braille is made for {', '.join(sorted(CODES))}"
            " (build the other formats with --format)"
        )
    if not grades:
        raise AltformatsError(f"no braille table for language {language!r}; known: {', '.join(sorted(CODES))}")
    if grade is None:
        preferred = {"1": 1, "2": 2}.get(os.environ.get("ALTFORMATS_BRAILLE_GRADE", ""))
        grade = preferred if preferred in grades else DEFAULT_GRADE.get(primary, 1)
    if grade not in grades:
        raise AltformatsError(f"no grade {grade} braille for {language!r}; grades: {sorted(grades)}")
    return grades[grade]


def cells(code: Code, content: str | tuple[Inline, ...]) -> str:
    """One block's text (or inlines, whose emphasis the code may show) in braille, one blank cell between words."""
    text, forms = typed_text(code, content)
    typeform = forms if code.emphasis and any(forms) else None
    return BLANK.join(to_braille(code.table, text, typeform).split(BLANK))


def typed_text(code: Code, content: str | tuple[Inline, ...]) -> tuple[str, list[int]]:
    """The text to translate, normalised as model.normalise does, and each character's typeform.

    A character the code has no sign for (an emoji, a symbol) is spelled out
    by its Unicode name in parentheses rather than lost or left as an escape.
    """
    chars: list[str] = []
    forms: list[int] = []
    for text, form in [(content, 0)] if isinstance(content, str) else _runs(content, 0):
        for char in unicodedata.normalize("NFC", text):
            if not char.isspace():
                spelled = spelled_out(code.table, char)
                chars.extend(spelled)
                forms.extend([form] * len(spelled))
            elif chars and chars[-1] != " ":
                chars.append(" ")
                forms.append(form)
    while chars and chars[-1] == " ":
        chars.pop(), forms.pop()
    for k, char in enumerate(chars):  # a space inside an emphasised passage is emphasised too
        if char == " ":
            forms[k] = forms[k - 1] & forms[k + 1]
    return "".join(chars), forms


def _runs(inlines: tuple[Inline, ...], form: int) -> Iterator[tuple[str, int]]:
    """The text of inlines in runs of one typeform each."""
    for node in inlines:
        if isinstance(node, (Text, Abbr, FootnoteRef)):  # a note's reference is its mark, [1]
            yield node.text, form
        elif isinstance(node, LineBreak):
            yield " ", form
        else:
            extra = ITALIC if isinstance(node, Emphasis) else BOLD if isinstance(node, Strong) else 0
            yield from _runs(node.children, form | extra)
