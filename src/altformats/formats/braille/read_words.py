"""Back-translation, word for word: the closed list of liblouis's known ambiguities, and the word comparison.

Braille does not always come back as the print went in: two print letters may
share one sign, or a sign may also be a contraction. Each such case liblouis
is known to misread is one named `Ambiguity` below (docs/braille.md lists them,
tests/formats/braille/test_ambiguities.py shows each one and its undoing).
After undoing them, a block's words must equal the source's exactly; a word
that differs for any other reason is a difference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from altformats.formats.braille.codes import CODES, Code
from altformats.formats.braille.louis import can_write, to_braille, to_print

UEB = ("en-ueb-g1.ctb", "en-ueb-g2.ctb")
UEB2 = ("en-ueb-g2.ctb",)
EVERY = UEB + tuple(sorted({c.table for grades in CODES.values() for c in grades.values()} - set(UEB)))
WORDS = re.compile(r"[^\W\d_]+|\d+")  # the words compared: runs of letters or of digits
GREEK = "[\u0370-\u03ff]"

# UEB's alphabetic wordsigns: a letter standing alone means the word.
LETTER_OF = {
    w: w[0] for w in "but can do every from go have just knowledge like more not people quite rather so that".split()
}
LETTER_OF |= {w: w[0] for w in "us very will you".split()} | {"it": "x", "as": "z"}
# UEB's final groupsigns (dots 46 + a letter), which are also the Greek letters (dots 46 + the same letter).
GREEK_OF = {"ound": "δ", "ance": "ε", "sion": "ν", "less": "σ", "ount": "τ"}


@dataclass(frozen=True)
class Ambiguity:
    """One known way liblouis reads braille back otherwise than the print went in, and how it is undone.

    `side` says where the undoing applies: "back" rewrites the back-translation; "both" folds
    source and back-translation to one form (print characters the code writes alike);
    "cells" reads the cells matching `pattern` as `replacement` instead of asking liblouis;
    "braille" rewrites the cells before liblouis reads them (into signs it reads back right).
    """

    name: str
    tables: tuple[str, ...]  # the codes it occurs in; () for every code
    example: str  # print that shows it (the tests translate it forward and read it back)
    misread: str  # what liblouis gives back for `example`
    pattern: str  # a regex on the print (on the cells for side "cells")
    replacement: str | Callable[..., str]
    side: str = "back"
    bound: bool = False  # the replacement takes the code's table before the match


def _letter(match: re.Match[str]) -> str:
    word = match.group(1)
    letter = LETTER_OF[word.lower()]
    return letter.upper() if word[0].isupper() else letter


def _greek(match: re.Match[str]) -> str:
    sign = match.group(0)
    letter = GREEK_OF[sign.lower()]
    return letter.upper() if sign.isupper() else letter


def _eur(match: re.Match[str]) -> str:
    """A capital after a small letter, as fr-bfu-g2 reads its cells back: "eur" and the small letter."""
    letter, before = match.group(0), match.string[match.start() - 1]
    return f"eur{letter.lower()}" if letter.isupper() and before.islower() else letter


LIGATURES = "ÆæŒœĲĳӔӕΜμµ"  # and mu, which liblouis reads back small in a capitals word
OUND_OF = {greek: sign for sign, greek in GREEK_OF.items()} | {"ς": "less"}


def _case_unread(char: str) -> bool:
    """A letter whose word liblouis may read back in another case: a ligature, mu, a small letter with no one
    capital (ǰ, ẗ, ﬁ), or any letter beyond Latin-1 (Greek and Cyrillic inside a capitals word end it)."""
    return (
        char in LIGATURES or ord(char) > 0xFF or (char.islower() and (len(char.upper()) != 1 or char.upper() == char))
    )


def _groupsign(match: re.Match[str]) -> str:
    """A Greek letter after a Latin one, as the groupsign its cells also are, in the case liblouis reads it back."""
    greek, text = match.group(0), match.string
    letters = OUND_OF[greek.lower()]
    if greek.islower() and greek != "ς":
        return letters
    word = re.search(r"[^\W\d_]*$", text[: match.start()]).group() + re.match(r"[^\W\d_]*", text[match.end() :]).group()
    if word.isupper():  # liblouis gives final sigma no capital: it takes the case of the word around it
        return letters.upper()
    if greek == "Σ":  # with its own capital sign, Σ is the cells of ∑ (one-sign-for-two-letters)
        return greek
    return letters if greek == "ς" else letters.capitalize()


LOWER_WORDSIGNS = {
    "\u2826": "his",
    "\u2834": "was",
    "\u2836": "were",
    "\u2814": "in",
    "\u2806": "be",
    "\u2822": "enough",
}


def _lower_wordsign(capitals: str, sign: str) -> str:
    word = LOWER_WORDSIGNS[sign]
    return word.upper() if len(capitals) == 2 else word.capitalize() if capitals else word


@lru_cache(maxsize=8192)
def _one_sign(table: str, char: str) -> str:
    """The letter liblouis reads `char`'s cells back as, where `table` writes the two alike; else `char` itself."""
    if char.isascii() or not char.isalpha() or not can_write(table, char):
        return char
    braille = to_braille(table, char)
    back = to_print(table, braille)
    return back if len(back) == 1 and back != char and to_braille(table, back) == braille else char


AMBIGUITIES: tuple[Ambiguity, ...] = (
    Ambiguity(
        "letter-in-abbreviation",  # inside "U.S." a letter does not stand alone, yet it comes back as its word
        UEB2,
        "U.S. e.g.",
        "U.So. e.go.",
        rf"(?i)(?<=\b[a-z]\.)({'|'.join(LETTER_OF)})(?=\.)",
        _letter,
    ),
    Ambiguity("colon-as-cc", UEB2, "http://x.org", "httpcc//x.org", r"(?i)(?<=\w)cc(?=//)", ":"),  # "3" is also "cc"
    Ambiguity("mailto-colon-as-cc", UEB2, "mailto:a@b.org", "mailtocca@b.org", r"(?i)\b(mailto)cc", r"\1:"),
    Ambiguity(
        "greek-letter-as-groupsign",  # Greek δ ε ν σ τ are the cells of the final groupsigns ound ance sion less ount
        UEB2,
        "αδε γσ",
        "αoundance γless",
        rf"(?i)(?<={GREEK})({'|'.join(GREEK_OF)})",
        _greek,
    ),
    Ambiguity(  # two letters the code writes alike (Ǝ and Ə, Cyrillic Ё and Latin Ë, Σ and ∑): liblouis reads
        "one-sign-for-two-letters",  # the sign back as one of them, and both are compared as that one
        EVERY,
        "Ǝ ё Π",
        "Ə ë ∏",
        r"[^\x00-\x7f]",
        lambda table, match: _one_sign(table, match.group(0)),
        "both",
        bound=True,
    ),
    Ambiguity(  # liblouis pairs no capital with ӕ, reads a capitals word as ending at a ligature (Æ Œ Ĳ) and
        "case-around-ligature-unread",  # writes a letter with no capital (ǰ, ẗ, ﬁ) inside one as a capital: a word
        EVERY,  # holding one is compared small (the cells prove its case: they are the forward translation exactly)
        "ÆSIR and AŒB or AǰB",
        "ӕSIR and AO\\45/!eb or Aǰb",
        r"[^\W\d_]+",
        lambda m: m.group(0).lower() if any(_case_unread(c) for c in m.group(0)) else m.group(0),
        "both",
    ),
    Ambiguity("final-sigma", UEB, "λόγος", "λ (greek small letter omicron with tonos) γοσ", "ς", "σ", "both"),
    Ambiguity("micro-sign-for-mu", UEB, "μ", "µ", "µ", "μ", "both"),  # Greek mu and the micro sign: one sign
    Ambiguity("ae-as-cyrillic-ae", UEB, "æsir", "ӕsir", "[ӕӔ]", lambda m: "æ" if m.group(0) == "ӕ" else "Æ", "both"),
    Ambiguity(  # Greek δ ε ν σ τ after a Latin letter are the cells of its final groupsign: "bδ" is "bound"
        "greek-letter-after-a-letter",
        UEB2,
        "aΔ bσ",
        "aOund bless",
        rf"(?<=[^\W\d_])(?<!{GREEK})[ΔΕΝΣΤδενσςτ]",
        lambda m: _groupsign(m),
        "source",
    ),
    Ambiguity("capital-mu-read-small", UEB, "Μ", "µ", "Μ", "μ", "both"),  # ⠠⠨⠍ comes back the micro sign
    Ambiguity(  # a lower wordsign alone in parentheses or brackets (⠐⠣⠦⠐⠜) is read back as a quotation mark
        "lower-wordsign-in-brackets",
        UEB2,
        "(his) [was] (WERE)",
        '(") ["] (′)',
        "([\u2810\u2828]\u2823)(\u2820{0,2})([\u2826\u2834\u2836\u2814\u2806\u2822])(?=[\u2810\u2828]\u281c)",
        lambda m: {"\u2810": "(", "\u2828": "["}[m.group(1)[0]] + _lower_wordsign(m.group(2), m.group(3)),
        "cells",
    ),
    # a shortform or wordsign just before a closing parenthesis or bracket is read back as its letters: the
    # cells before the closing sign are read alone (in UEB these two cells are the closing sign and nothing else)
    Ambiguity("shortform-before-parenthesis", UEB2, "(see above)", "(see abv)", "\u2810\u281c", ")", "cells"),
    Ambiguity("shortform-before-bracket", UEB2, "[it]", "[x]", "\u2828\u281c", "]", "cells"),
    Ambiguity(  # UEB writes œ and ĳ as o, i + the ligature indicator ⠘⠖ + e, j; liblouis reads back only capitals,
        "small-ligature-unread",  # the e or j standing alone (the ligature ends the word) as its wordsign
        UEB[::-1],  # the example in grade 2, where "œi" also comes back as the shortform "either"
        "cœur ĳs œ œi",
        "co\\45/!eur i\\45/!js o\\45/!every o\\45/!either",
        # (a wordsign is read so before a letter with a modifier too: "ĳā" came back "i\\45/!justā")
        r"([oOiI])\\45/!(?:e(?:very(?![A-Za-z])|(ither)(?![A-Za-z]))?|j(?:ust(?![A-Za-z]))?)",
        # e + i after the ligature is read as the shortform "either" ("œi" came back "o\\45/!either")
        lambda m: {"o": "œ", "O": "Œ", "i": "ĳ", "I": "Ĳ"}[m.group(1)] + ("i" if m.group(2) else ""),
    ),
    Ambiguity(  # liblouis writes three or more words in capitals as a passage (⠠⠠⠠ … ⠠⠄) and reads back
        "capitals-passage",  # only its first letter as a capital: each word gets its own word indicator instead
        UEB,
        "Å A A",
        "Å a a",
        "\u2820\u2820\u2820(.*?)\u2820\u2804",
        lambda m: "\u2800".join("\u2820\u2820" + w if w else w for w in m.group(1).split("\u2800")),
        "braille",
    ),
    Ambiguity(  # a word in capitals that a shortform spells (CD, AB, FR) is written with the grade 1 indicator
        "grade-1-before-capitals-word",  # before the capitals word indicator, ⠰⠠⠠, and read back as "Cd": the
        UEB2,  # two indicators are read in the other order, which liblouis reads back in capitals
        "the CD team",
        "the Cd team",
        "(\u2830{1,2})\u2820\u2820(?!\u2820)",
        "\u2820\u2820\\1",
        "braille",
    ),
    Ambiguity("section-sign-for-ss", ("pt-pt-g1.utb", "pt-pt-g2.ctb"), "passo", "pa§o", "§", "ss"),
    Ambiguity("colon-as-3", ("es-g1.ctb",), "hora: 10", "hora3 10", "\u2812", ":", "cells"),  # lower cells are digits
    Ambiguity("question-mark-as-5", ("es-g1.ctb",), "¿Qué?", "5Qué5", "\u2822", "?", "cells"),
    Ambiguity(  # "eur" is dots 46, the capital sign too: a capital inside a word comes back as "eur"
        "capital-in-word-as-eur", ("fr-bfu-g2.ctb",), "iciDe", "icieurde", r"(?<=[^\W\d_])[^\W\d_]", _eur, "source"
    ),
    Ambiguity(  # a link's address, written after its words in parentheses, reads back in the code's own letters
        "address-in-the-codes-letters",  # (Arabic letters, French groupsigns): the cells prove it, not its words
        ("fr-bfu-g2.ctb", "ar-ar-g1.utb", "nl-NL-g0.utb", "pt-pt-g2.ctb"),
        "voir (https://www.who.int/a-b)",
        "voir (https://www.who.intaia-b)",
        r" ?\([^()\s]*[:@][^()\s]*\)",
        "",
        "both",
    ),
    Ambiguity(  # German Vollschrift marks no capitals (de-g1.ctb writes none): words are compared in small letters
        "no-capital-sign",
        ("de-g1.ctb",),
        "Fact Sheet",
        "fact sheet",
        r"[^\W\d_]+",
        lambda m: m.group(0).lower(),
        "both",
    ),
    Ambiguity(  # braille has one set of digit signs: Arabic braille's 16 comes back as ١٦
        "digits-of-any-script", (), "16", "١٦", r"(?![0-9])\d", lambda m: str(unicodedata.digit(m.group(0))), "both"
    ),
)


def applying(code: Code, side: str) -> list[Ambiguity]:
    """The ambiguities of `code` undone on `side` ("back", "both", "cells", "braille" or "source")."""
    found = [a for a in AMBIGUITIES if a.side == side and (not a.tables or code.table in a.tables)]
    return [replace(a, replacement=partial(a.replacement, code.table)) if a.bound else a for a in found]


def rewrite(ambiguities: list[Ambiguity], text: str) -> str:
    """`text` with each ambiguity's pattern replaced, until none applies (they may chain: γoundance)."""
    for ambiguity in ambiguities:
        while (fixed := re.sub(ambiguity.pattern, ambiguity.replacement, text)) != text:
            text = fixed
    return text


def back_translate(code: Code, braille: str) -> str:
    """A block of braille back in print, with the code's known ambiguities undone."""
    if code.emphasis:  # indicators are not words, and liblouis cannot read them back
        braille = re.sub(code.emphasis, "", braille)
    for ambiguity in applying(code, "braille"):
        braille = re.sub(ambiguity.pattern, ambiguity.replacement, braille)
    text = _read_cells(code, braille, applying(code, "cells"))
    return rewrite(applying(code, "both"), rewrite(applying(code, "back"), text))


def _read_cells(code: Code, braille: str, ambiguities: list[Ambiguity]) -> str:
    """liblouis's print for `braille`, except the cells an ambiguity reads itself (split there)."""
    if not ambiguities:
        return to_print(code.table, braille) if braille else ""
    first, *rest = ambiguities
    parts, start = [], 0
    for match in re.finditer(first.pattern, braille):
        parts.append(_read_cells(code, braille[start : match.start()], rest))
        parts.append(first.replacement(match) if callable(first.replacement) else first.replacement)
        start = match.end()
    parts.append(_read_cells(code, braille[start:], rest))
    return "".join(parts)


def source_words(code: Code, text: str) -> list[str]:
    """The words back-translation must give for a block's print `text` (as the forward translation spelled it)."""
    return WORDS.findall(rewrite(applying(code, "both"), rewrite(applying(code, "source"), text)))


def found_words(text: str) -> list[str]:
    """The words of a back-translated block."""
    return WORDS.findall(text)
