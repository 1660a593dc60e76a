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
from dataclasses import dataclass

from altformats.formats.braille.codes import Code
from altformats.formats.braille.louis import to_print

UEB = ("en-ueb-g1.ctb", "en-ueb-g2.ctb")
UEB2 = ("en-ueb-g2.ctb",)
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
    replacement: str | Callable[[re.Match[str]], str]
    side: str = "back"


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
    Ambiguity("final-sigma", UEB, "λόγος", "λ (greek small letter omicron with tonos) γοσ", "ς", "σ", "both"),
    Ambiguity("micro-sign-for-mu", UEB, "μ", "µ", "µ", "μ", "both"),  # Greek mu and the micro sign: one sign
    Ambiguity("ae-as-cyrillic-ae", UEB, "æsir", "ӕsir", "[ӕӔ]", lambda m: "æ" if m.group(0) == "ӕ" else "Æ", "both"),
    # liblouis pairs no capital with ӕ: the case of an æ is not read back, so words hold it small (the cells prove it)
    Ambiguity("ae-case-unread", UEB, "ÆSIR", "ӕSIR", "Æ", "æ", "both"),
    # a shortform or wordsign just before a closing parenthesis or bracket is read back as its letters: the
    # cells before the closing sign are read alone (in UEB these two cells are the closing sign and nothing else)
    Ambiguity("shortform-before-parenthesis", UEB2, "(see above)", "(see abv)", "\u2810\u281c", ")", "cells"),
    Ambiguity("shortform-before-bracket", UEB2, "[it]", "[x]", "\u2828\u281c", "]", "cells"),
    Ambiguity(  # UEB writes œ and ĳ as o, i + the ligature indicator ⠘⠖ + e, j; liblouis reads back only capitals,
        "small-ligature-unread",  # the e or j standing alone (the ligature ends the word) as its wordsign
        UEB,
        "cœur ĳs œ",
        "co\\45/!eur i\\45/!js o\\45/!e",
        r"([oOiI])\\45/!(?:e(?:very(?![^\W\d_]))?|j(?:ust(?![^\W\d_]))?)",
        lambda m: {"o": "œ", "O": "Œ", "i": "ĳ", "I": "Ĳ"}[m.group(1)],
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
    Ambiguity(  # a letter before a dot-4 modifier (macron ⠈⠤, breve ⠈⠬) is read back as standing alone, so as
        "letter-before-dot-4-modifier",  # its wordsign: "Bū" came back "Butū"; a grade 1 indicator keeps it a letter
        UEB2,
        "Bū Lā",
        "Butū Likeā",
        "(^|\u2800)(\u2820{0,2})([⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵])(?=\u2820{0,2}\u2808[\u2824\u282c])",
        # before a letter's capital sign; after a capitals word indicator, which liblouis would otherwise end there
        lambda m: m.group(1) + (m.group(2) + "\u2830" if len(m.group(2)) == 2 else "\u2830" + m.group(2)) + m.group(3),
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
    return [a for a in AMBIGUITIES if a.side == side and (not a.tables or code.table in a.tables)]


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
    return rewrite(applying(code, "back"), rewrite(applying(code, "both"), text))


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
