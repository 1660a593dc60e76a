"""Braille codes per language and grade, and the forward translation of a block's words that writer and reader share.

The writer lays out `cells(code, block)`; the parity rule (read.py) compares
the written cells with the same translation, so both must use this one.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from altformats.document.model import (
    Abbr,
    Emphasis,
    FootnoteRef,
    Inline,
    LineBreak,
    Link,
    Strong,
    Table,
    Text,
    inline_text,
)
from altformats.errors import AltformatsError
from altformats.formats.braille.louis import BLANK, spelled_out, to_braille, to_braille_before, to_print
from altformats.formats.braille.spec import BULLET, CENTRED_MARGIN, CONTINUATION, LABEL, TRANSCRIBER, WIDTH
from altformats.text import primary_language


@dataclass(frozen=True)
class Code:
    """A braille code: its liblouis table and its name as the transcriber's note gives it."""

    table: str
    name: str
    emphasis: str = ""  # the code's emphasis indicators (a regex on cells): set = italic and bold are shown
    bullet: str = BULLET  # a bulleted item's marker: the table's own sign for "\u2022" where it has one
    enclose: str = ""  # cells before and after a change of type, where the code marks emphasis so (CBE)
    numbers: str = ""  # the uncontracted table page numbers are written in (a page number is never contracted)
    symbols: tuple[Symbol, ...] = ()  # the special symbols its body may use (§2.5)
    one_form: int = 0  # the one liblouis typeform all emphasis is written in, where the code shows it so (0: as given)
    marked: str = "runs"  # what emphasis marks: "runs" as given; "words": whole words; "each word": each on its own


# UEB's italic (dots 46) and bold (dots 45) indicators: symbol, word, passage, terminator.
# liblouis's UEB tables use these cells for nothing else; back-translation does not know them.
UEB_EMPHASIS = "[\u2828\u2818][\u2806\u2802\u2836\u2804]"
ITALIC, BOLD = 0x0001, 0x0004  # liblouis typeforms for Emphasis and Strong
NO_CONTRACT = 0x1000  # liblouis's typeform for letters written uncontracted
# Contracted codes whose table writes some words as braille that reads as another word ("ou" as the
# groupsign that alone is "out"; "BLS" as the shortform "blind" and s): such a word is written in letters,
# and where its letters are still a shortform's ("acs"), after the code's grade 1 word indicator.
GRADE_1_WORD = {"en-ueb-g2.ctb": "\u2830\u2830"}
CHANGE = "\u2814"  # CBE's dots 35, before and after a change of type (Signografia basica)
HYPHEN = "\u2824"  # the list marker of codes whose table has no sign for a bullet
# The special symbols each code's body may use, as regexes on its cells (the page lists those it finds).
CONTINUED = f"{CONTINUATION}$"  # on a line's end: a word divided over lines
Symbol = tuple[str, str, str]  # a regex on a body line's cells, its meaning's key (spec.Words.meanings), its sign


def _symbols(bullet: str, *more: Symbol) -> tuple[Symbol, ...]:
    """A code's special symbols: its bullet, the `more` it has, and the line continuation indicator."""
    return ((f"^{bullet}(\u2800|$)", "bullet", bullet), *more, (CONTINUED, "continuation", CONTINUATION))


UEB_SYMBOLS = _symbols(
    BULLET,
    ("\u2828[\u2806\u2802\u2836]", "italic", "\u2828\u2802"),
    ("\u2818[\u2806\u2802\u2836]", "bold", "\u2818\u2802"),
)
FR_BULLET = "\u282a\u2815"  # liblouis's French and Portuguese tables' sign for "\u2022"

# Each code's emphasis indicators, from its liblouis table, as regexes on cells that match them and nothing
# else the code writes (docs/braille.md, "Emphasis"). One indicator serves italic, bold and underline in
# these tables, so all emphasis is written as one form ("change of type" on the special symbols page).
START = f"(?:^|(?<={BLANK}))"  # at a word's start
DIGIT = "[\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a]"  # a-j: digits after a number sign
# fr-bfu: dots 456 before a word, 25-456 before a passage (456 again before its last word). Not dots 456
# before a word's last cell or alone: | — ← → (456 and one cell), which fr-bfu-g2 would read as a wordsign.
FR_EMPHASIS = f"{START}\u2812?\u2838(?![\u282a\u2831\u2824]?(?:{BLANK}|$))"
# de-g0-core: dots 456 before a word (or after an opening bracket or quote), 456-456 before a passage,
# 6-3 after it; not the 456 of the underscore (dots 4, 456).
DE_EMPHASIS = "(?<!\u2808)\u2838\u2838?|(?<=[^\u2800])\u2820\u2804"
# nl-NL-g0: dots 456 before a word (or after a slash, bracket, quote or hyphen), 456-456 before a
# passage, and before each further digit of an emphasised number; elsewhere dots 456 is the underscore.
NL_EMPHASIS = f"(?:^|(?<=[{BLANK}\u280c\u2826\u2836\u2824]))\u2838\u2838?|" + "|".join(
    f"(?<=\u283c{DIGIT}(?:\u2838{DIGIT}){{{n}}})\u2838(?={DIGIT})" for n in range(16)
)
PT_EMPHASIS = "\u2814"  # pt-pt-g1: dots 35 before and after, as CBE's (liblouis reads them back as nothing)
# ar-ar-g1: dots 456 before a word and 456-456 after it (its "bold"; its "italic", dots 46, is the letter
# alef with hamza below, which no reader could tell from the indicator), each word marked on its own.
AR_EMPHASIS = f"{START}\u2838(?=[^{BLANK}]*\u2838\u2838(?:{BLANK}|$))|\u2838\u2838(?={BLANK}|$)"
FR_SYMBOLS = _symbols(FR_BULLET, (FR_EMPHASIS, "change", "\u2838"))
PT_SYMBOLS = _symbols(FR_BULLET, (f"{START}\u2814(?!{BLANK}|$)|(?<!{BLANK})\u2814(?={BLANK}|$)", "change", CHANGE))

# Which braille each language gets, by grade (1 uncontracted, 2 contracted),
# and the grade used unless ALTFORMATS_BRAILLE_GRADE says otherwise.
WHOLE_WORDS = {"one_form": ITALIC, "marked": "words"}  # one indicator for every emphasis, marking whole words
CODES: dict[str, dict[int, Code]] = {
    "en": {
        1: Code("en-ueb-g1.ctb", "Unified English Braille, uncontracted (grade 1)", UEB_EMPHASIS, symbols=UEB_SYMBOLS),
        2: Code(
            "en-ueb-g2.ctb",
            "Unified English Braille, contracted (grade 2)",
            UEB_EMPHASIS,
            numbers="en-ueb-g1.ctb",
            symbols=UEB_SYMBOLS,
        ),
    },
    "es": {
        1: Code(
            "es-g1.ctb",
            "Braille español integral (grado 1)",
            emphasis=CHANGE,
            bullet=HYPHEN,
            enclose=CHANGE,
            symbols=_symbols(HYPHEN, (CHANGE, "change", CHANGE)),
        ),
    },
    "fr": {
        1: Code(
            "fr-bfu-comp6.utb", "Braille français intégral", FR_EMPHASIS, FR_BULLET, symbols=FR_SYMBOLS, **WHOLE_WORDS
        ),
        2: Code(
            "fr-bfu-g2.ctb",
            "Braille français abrégé",
            FR_EMPHASIS,
            FR_BULLET,
            numbers="fr-bfu-comp6.utb",
            symbols=FR_SYMBOLS,
            **WHOLE_WORDS,
        ),
    },
    "de": {
        1: Code(
            "de-g1.ctb",
            "Deutsche Vollschrift",
            DE_EMPHASIS,
            HYPHEN,
            symbols=_symbols(HYPHEN, ("(?<!\u2808)\u2838", "change", "\u2838")),
            **WHOLE_WORDS,
        )
    },
    "pt": {
        1: Code(
            "pt-pt-g1.utb", "Braille português integral", PT_EMPHASIS, FR_BULLET, symbols=PT_SYMBOLS, one_form=ITALIC
        ),
        2: Code(
            "pt-pt-g2.ctb",
            "Braille português abreviado",
            PT_EMPHASIS,
            FR_BULLET,
            numbers="pt-pt-g1.utb",
            symbols=PT_SYMBOLS,
            one_form=ITALIC,
        ),
    },
    "nl": {
        1: Code(
            "nl-NL-g0.utb",
            "Nederlandse braille",
            NL_EMPHASIS,
            HYPHEN,
            symbols=_symbols(HYPHEN, (NL_EMPHASIS, "change", "\u2838")),
            **WHOLE_WORDS,
        )
    },
    "ar": {
        1: Code(
            "ar-ar-g1.utb",
            "برايل عربي غير مختصر (الدرجة الأولى)",
            AR_EMPHASIS,
            symbols=_symbols(BULLET, (AR_EMPHASIS, "change", "\u2838")),
            one_form=BOLD,
            marked="each word",
        )
    },
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
    if code.enclose and any(forms):
        return BLANK.join(_enclosed(code, text, forms).split(BLANK))
    typeform = shown_forms(code, text, forms) if code.emphasis and any(forms) else None
    signs: dict[int, str] = {}
    if indicator := GRADE_1_WORD.get(code.table):
        for word in re.finditer(r"[^\W\d_]+", text):  # its letters alone: their context is the reader's to know
            guard = _guard(code.table, word.group(), indicator)
            if guard:
                typeform = typeform or [0] * len(text)
                for k in range(word.start(), word.end()):
                    typeform[k] |= NO_CONTRACT if text[k].isalpha() else 0
            if guard == "indicator":
                signs[word.start() + _first_letter(word.group())] = indicator
    if typeform and code.marked == "each word":  # liblouis would mark a passage once: give it each word on its own
        words = [(word.group(), typeform[word.start() : word.end()]) for word in re.finditer(r"\S+", text)]
        return BLANK.join(to_braille(code.table, word, form if any(form) else None) for word, form in words)
    return BLANK.join(to_braille_before(code.table, text, typeform, signs).split(BLANK))


@lru_cache(maxsize=8192)
def _guard(table: str, word: str, indicator: str) -> str:
    """How a word whose contracted braille reads back as another word is written: "" (as the table writes
    it), "letters" (uncontracted, where that reads back right), or "indicator" (uncontracted after the
    grade 1 word indicator). A word liblouis cannot read back either way (œ, ĳ) is left as it is."""

    def letters(text: str) -> str:
        return "".join(c for c in text if c.isalpha()).casefold()

    if not any(c.isalpha() for c in word) or letters(to_print(table, to_braille(table, word))) == letters(word):
        return ""

    def reads(cells: str) -> bool:  # as the word, letter for letter or as letters the table writes alike (ӯ, ȳ)
        back, wanted = letters(to_print(table, cells)), letters(word)
        return len(back) == len(wanted) and all(
            a == b or to_braille(table, a) == to_braille(table, b) for a, b in zip(back, wanted, strict=True)
        )

    forms = [NO_CONTRACT if c.isalpha() else 0 for c in word]
    if reads(to_braille(table, word, forms)):
        return "letters"
    return "indicator" if reads(to_braille_before(table, word, forms, {_first_letter(word): indicator})) else ""


def _first_letter(word: str) -> int:
    return next(k for k, c in enumerate(word) if c.isalpha())


def shown_forms(code: Code, text: str, forms: list[int]) -> list[int]:
    """The typeforms liblouis is given: in the code's one form, and over whole words where its indicators need them.

    Inside a word the indicators of French, German, Dutch and Arabic braille are also
    letters or contractions (French "ll" is dots 456), so their reader could not tell
    them apart there: a word any of whose characters is emphasised is marked whole.
    """
    shown = [code.one_form if form and code.one_form else form for form in forms]
    if code.marked == "runs":
        return shown
    for word in re.finditer(r"\S+", text):
        form = next((f for f in shown[word.start() : word.end()] if f), 0)
        shown[word.start() : word.end()] = [form] * (word.end() - word.start())
    for k, char in enumerate(text):  # a space between two marked words is marked: they are one passage
        if char == " ":
            shown[k] = shown[k - 1] if shown[k - 1] == shown[k + 1] else 0
    return shown


def _enclosed(code: Code, text: str, forms: list[int]) -> str:
    """`text` translated run by run, each emphasised run between the code's change-of-type signs.

    A run ends at a word boundary where it can (its spaces stay outside the signs), so
    liblouis translates whole words, as it does the unemphasised text.
    """
    runs: list[tuple[str, bool]] = []
    for char, form in zip(text, forms, strict=True):
        marked = bool(form) and char != " "
        if runs and (runs[-1][1] == marked or char == " "):
            runs[-1] = (runs[-1][0] + char, runs[-1][1])
        else:
            runs.append((char, marked))
    out = []
    for run, marked in runs:
        body = run.rstrip(" ")
        braille = to_braille(code.table, body) if body else ""
        out.append((code.enclose + braille + code.enclose if marked else braille) + BLANK * (len(run) - len(body)))
    return "".join(out)


def symbols_used(code: Code, lines: list[str]) -> list[tuple[str, str]]:
    """The special symbols (sign, meaning's key) that body `lines` (Unicode braille, spaces for blanks) use, in order."""
    rows = [line.strip().replace(" ", BLANK) for line in lines]
    return [(sign, key) for pattern, key, sign in code.symbols if any(re.search(pattern, row) for row in rows)]


def page_number(code: Code, number: int, transcriber: bool = False) -> str:
    """A braille page number as the code writes it, uncontracted; t1, t2, ... on the transcriber's pages (§2.2)."""
    table = code.numbers or code.table
    digits = to_braille(table, str(number))
    return TRANSCRIBER + digits if transcriber else digits


def running_head(code: Code, title: str) -> str:
    """The running head (§1.8): the title's first words whose braille fits centred, with 3 blank cells each side."""
    words = title.split()
    for k in range(len(words), 0, -1):
        head = cells(code, " ".join(words[:k]))
        if len(head) <= WIDTH - 2 * CENTRED_MARGIN:
            return head
    return cells(code, words[0])[: WIDTH - 2 * CENTRED_MARGIN].rstrip(BLANK) if words else ""  # no blank cell last


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
                if spelled != char:  # a name set off by spaces: a letter beside it must not join it (")N" is "Not")
                    spelled = (" " if chars and chars[-1] != " " else "") + spelled + " "
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
        elif isinstance(node, Link) and not node.shows_target:  # its address follows its words, unemphasised
            yield from _runs(node.children, form)
            yield f" ({node.target.removeprefix('mailto:')})", 0
        else:
            extra = ITALIC if isinstance(node, Emphasis) else BOLD if isinstance(node, Strong) else 0
            yield from _runs(node.children, form | extra)


def listed(table: Table) -> list[tuple[tuple[Inline, ...], bool]]:
    """A table in listed format (§11): each text cell, row by row, and whether it is its row's first.

    A body cell is given with its column heading ("Heading: value"), as the
    reading order of table.text_cells(), so a reader meets each value with what it means.
    """
    heads = table.head[-1].cells if table.head else ()
    entries = []
    rows = [(row, True) for row in table.head] + [(row, False) for row in table.body]
    for row, in_head in rows:
        first = True
        for j, cell in enumerate(row.cells):
            if not inline_text(cell.children).strip():
                continue
            head = heads[j].children if not in_head and j < len(heads) else ()
            label = (*head, Text(LABEL, cell.line)) if inline_text(head).strip() else ()
            entries.append(((*label, *cell.children), first))
            first = False
    return entries
