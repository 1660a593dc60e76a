"""The braille edition: a BRF file for embossers and braille displays, and a Unicode-braille proof copy.

Translation is liblouis's (Debian's tables); the page layout is our own
(altformats.brailleformat), so that every block's braille is known exactly
and the written file can be read back block by block. See docs/braille.md.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from altformats import parity, templating
from altformats.document.model import (
    Abbr,
    Document,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    List,
    Paragraph,
    Quote,
    Strong,
    Table,
    Text,
    normalise,
)
from altformats.errors import AltformatsError, Problem
from altformats.formats.base import Build, Format, Output
from altformats.formats.braille import layout as brailleformat
from altformats.formats.braille import louis as liblouis
from altformats.formats.braille.layout import Block
from altformats.output import write_text


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
# Spanish (es-g2) and German (de-g2) contracted braille are left out: liblouis
# back-translates them too poorly (75-87%, 35% of words) for the check to prove them.
DEFAULT_GRADE = {"en": 2, "fr": 2, "pt": 2}  # others: grade 1
# Languages liblouis has tables for, but whose braille the check cannot prove: the build refuses them.
UNPROVED = {
    "zh": "Chinese braille spells syllables, not characters, and liblouis reads it back as other characters"
    " of the same sound (zh-chn.ctb and zhcn-g1.ctb give back under a third of a sample's text)",
}
AGREEMENT = 0.97  # share of the source's words that back-translation must return, in order
WORDS = re.compile(r"[^\W\d_]+|\d+")  # words for the agreement: runs of letters or of digits
DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script (Arabic-Indic, Devanagari, ...)


def code_for(language: str, grade: int | None = None) -> Code:
    """The braille code for a BCP 47 language and grade.

    Without a grade: ALTFORMATS_BRAILLE_GRADE where the language has that
    grade (a preference for a whole batch of documents), else its usual one.
    """
    primary = language.split("-")[0].lower()
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


class BrailleFormat(Format):
    """BRF (ASCII braille, 40x25) and a Unicode-braille proof copy, through liblouis."""

    name = "braille"
    description = "Braille: BRF for embossers (UEB grade 2 for English) and a Unicode proof copy"

    def __init__(self, grade: int | None = None):
        self.grade = grade

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output("braille", out_dir / f"{doc.slug}.brf"), Output("brl-proof", out_dir / f"{doc.slug}.brl.txt")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        try:
            code = code_for(doc.meta.language, self.grade)
        except AltformatsError as error:  # say which document asked for it
            raise AltformatsError([Problem(str(doc.path), None, p.message) for p in error.problems]) from None
        pages = preliminary_pages(doc, code, build.templates) + body_pages(doc, code)
        brf, proof = (o.path for o in self.outputs(doc, out_dir))
        # BRF: CR LF ends every line (as embossers expect), a form feed starts every page after the first
        write_text(brf, liblouis.ascii_braille(brailleformat.page_text(pages, "\r\n")))
        write_text(proof, brailleformat.page_text(pages, "\n").replace(" ", liblouis.BLANK))
        return [brf, proof]

    def read_back(self, path: Path) -> list[str]:
        code, blocks = read_braille(path)
        return [back_translate(code, cells) for cells in blocks]

    def compare(self, doc: Document, output: Output) -> list[parity.Difference]:
        return compare_braille(doc, output)

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.braille import checks as brf

        return brf.check([output.path for output in outputs])


# ---------------------------------------------------------------- writing

Styled = tuple[tuple[Inline, ...], dict]  # a reading block's inlines and the keyword arguments of its Block


def body_pages(doc: Document, code: Code) -> list[list[str]]:
    """The document's reading blocks laid out on pages numbered 1, 2, ..."""
    blocks = []
    for content, layout in styled_blocks(doc):
        if "number" in layout:  # a numbered item shows its print number, as braille
            number = layout.pop("number")
            layout = {**layout, "marker": cells(code, number)}
        blocks.append(Block(cells(code, content), **layout))
    return brailleformat.paginate(blocks, lambda n: liblouis.to_braille(code.table, str(n)))


def preliminary_pages(doc: Document, code: Code, templates: str | None) -> list[list[str]]:
    """The title page and transcriber's note (templates/braille/note.txt.j2), then the code's name, on p1, p2, ..."""
    note = templating.render("braille/note.txt.j2", templates, doc=doc, code=code.name)
    blocks: list[Block] = []
    blank = False
    for line in [*note.splitlines(), code.name]:
        text = normalise(line.removeprefix("#"))
        if not text:  # an empty line in the template is a blank line on the page
            blank = bool(blocks)
            continue
        style = "centred" if line.startswith("#") else "paragraph"
        blocks.append(Block(cells(code, text), style, blank_before=blank))
        blank = False
    number = brailleformat.PRELIMINARY
    return brailleformat.paginate(blocks, lambda n: number + liblouis.to_braille(code.table, str(n)))


def cells(code: Code, content: str | tuple[Inline, ...]) -> str:
    """One block's text (or inlines, whose emphasis the code may show) in braille, one blank cell between words."""
    text, forms = typed_text(code, content)
    typeform = forms if code.emphasis and any(forms) else None
    return liblouis.BLANK.join(liblouis.to_braille(code.table, text, typeform).split(liblouis.BLANK))


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
                spelled = liblouis.spelled_out(code.table, char)
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
        if isinstance(node, (Text, Abbr)):
            yield node.text, form
        elif isinstance(node, LineBreak):
            yield " ", form
        else:
            extra = ITALIC if isinstance(node, Emphasis) else BOLD if isinstance(node, Strong) else 0
            yield from _runs(node.children, form | extra)


def styled_blocks(doc: Document) -> list[Styled]:
    """Every reading block's inlines (in the order of doc.reading_blocks()) with its layout."""
    headed = [(m.children, {"style": "centred", "blank_before": True, "blank_after": True}) for m in doc.masthead]
    for block in doc.blocks:
        headed.extend(_styled(block, level=1))
    return headed


def _styled(block, level: int) -> list[Styled]:
    """One model block's reading blocks with their layout; lists nest by `level`."""
    if isinstance(block, Heading):
        style = "centred" if block.level == 2 else "cell5"
        return [(block.children, {"style": style, "blank_before": True, "blank_after": True})]
    if isinstance(block, Paragraph):
        return [(block.children, {"style": "paragraph"})]
    if isinstance(block, Table):
        return _set_apart([(cell.children, {"style": "hanging"}) for cell in block.text_cells()])
    inner: list[Styled] = []
    if isinstance(block, Quote):
        for child in block.blocks:
            inner.extend(_styled(child, level))
        return _set_apart(inner)
    assert isinstance(block, List)
    for n, item in enumerate(block.items, start=block.start):
        marker = {"number": f"{n}."} if block.ordered and level == 1 else {}
        for k, child in enumerate(_item_blocks(item, level)):
            inner.append(child if k else (child[0], {**child[1], "style": "item", **marker}))
    return _set_apart(inner) if level == 1 else inner


def _item_blocks(item, level: int) -> list[Styled]:
    """A list item's blocks: paragraphs hang at the item's level, nested lists go one deeper."""
    found: list[Styled] = []
    for child in item.blocks:
        if isinstance(child, List):
            found.extend(_styled(child, level + 1))
        elif isinstance(child, Paragraph):
            found.append((child.children, {"style": "hanging", "level": level}))
        else:
            found.extend(_styled(child, level))
    return found


def _set_apart(blocks: list[Styled]) -> list[Styled]:
    """A blank line before the first block and after the last (lists, quotes, tables)."""
    if blocks:
        blocks[0] = (blocks[0][0], {**blocks[0][1], "blank_before": True})
        blocks[-1] = (blocks[-1][0], {**blocks[-1][1], "blank_after": True})
    return blocks


# ---------------------------------------------------------------- reading


def read_braille(path: Path) -> tuple[Code, list[str]]:
    """The code named on a written file's preliminary pages, and its body blocks as Unicode braille."""
    raw = path.read_text(encoding="utf-8")
    text = raw.replace(liblouis.BLANK, " ") if path.name.endswith(".txt") else liblouis.unicode_braille(raw)
    preliminary, body = brailleformat.read_pages(text)
    return named_code(path, preliminary), brailleformat.read_blocks([line for page in body for line in page])


def named_code(path: Path, pages: list[list[str]]) -> Code:
    """The braille code whose name (in its own braille) the preliminary pages carry."""
    words = " ".join(" ".join(line.split()) for page in pages for line in page if line.strip())
    for grades in CODES.values():
        for code in grades.values():
            if liblouis.to_braille(code.table, code.name).replace(liblouis.BLANK, " ") in words:
                return code
    raise AltformatsError(f"{path}: no known braille code is named on its preliminary pages")


def back_translate(code: Code, braille: str) -> str:
    """A block of braille back in print, with the code's known ambiguities undone."""
    if code.emphasis:  # indicators are not words, and liblouis cannot read them back
        braille = re.sub(code.emphasis, "", braille)
    text = liblouis.to_print(code.table, braille)
    for pattern, replacement in BACK_TRANSLATION_FIXES.get(code.table, ()):
        while (fixed := re.sub(pattern, _replacer(replacement), text, flags=re.IGNORECASE)) != text:
            text = fixed
    return text


def _replacer(replacement: str):
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
    if code.table not in {c.table for c in CODES[doc.meta.language.split("-")[0].lower()].values()}:
        return [parity.Difference(output.edition, None, None, want.name, code.name)]
    back = [back_translate(code, braille) for braille in found]
    if len(found) != len(expected):
        return parity.compare(output.edition, expected, back)
    wanted = [cells(code, content) for content, _ in styled_blocks(doc)]
    differences = [
        parity.Difference(output.edition, k + 1, block.line, normalise(block.text), normalise(text))
        for k, (block, braille, text, want_cells) in enumerate(zip(expected, found, back, wanted, strict=True))
        if braille != want_cells
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
