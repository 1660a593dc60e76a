"""The spoken script: each reading block split into sentences, with what the voice says for each.

The written text of an utterance is exactly a sentence of its block (joining a
block's sentences with `spec.join` gives the block's normalised text back);
pronunciations change only the spoken text, never the written one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from altformats.document.model import Document, normalise
from altformats.formats.audio import spec
from altformats.text import primary_language

# Abbreviations that end in a full stop but rarely end a sentence, per language;
# the document's own `abbreviations` keys are added to these.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "Mr. Mrs. Ms. Dr. St. Jr. Sr. Gov. Gen. Sen. Rep. Prof. No. Nos. vs. e.g. i.e. approx. Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.".split()
    ),
    "es": frozenset("Sr. Sra. Srta. Dr. Dra. Lic. Ud. Uds. núm. pág. p. ej. etc. EE. UU. art. aprox.".split()),
}
# How the voice reads the pieces of an address, per language (English if none).
ADDRESS_WORDS: dict[str, dict[str, str]] = {
    "en": {".": "dot", "/": "slash", "@": "at", "-": "dash"},
    "es": {".": "punto", "/": "barra", "@": "arroba", "-": "guion"},
}
# Common Latin abbreviations spoken in full unless the document says otherwise.
DEFAULT_PRONUNCIATIONS: dict[str, dict[str, str]] = {
    "en": {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus"},
    "es": {"p. ej.": "por ejemplo", "etc.": "etcétera", "EE. UU.": "Estados Unidos"},
}

# What the voice says for a block that is only a symbol (a table cell holding "—"): espeak-ng
# is silent on dashes and ellipses, and every caption must be heard.
SYMBOL_WORDS: dict[str, dict[str, str]] = {
    "en": {"—": "dash", "–": "dash", "-": "dash", "…": "ellipsis", ".": "dot", "/": "slash"},
    "es": {"—": "raya", "–": "guion", "-": "guion", "…": "puntos suspensivos", ".": "punto", "/": "barra"},
}

SENTENCE_END = re.compile(r"[.!?…؟]+[\"'”’»)\]]*$")
# Chinese and Japanese end a sentence with a full-width stop and no space: the next sentence
# starts right after it, and joining the two back needs no space (see spec.join).
FULL_WIDTH_PIECE = re.compile(r".*?[。！？]+[」』）〕”’]*|.+")
INITIALS = re.compile(r"^(?:\w\.){2,}$|^\w\.$")  # U.S., U.K., A. (a person's initial)
# A footnote's mark, "[2]", is said as "note 2" before the punctuation it follows, so the voice makes
# no pause inside the sentence; the note itself is read after the body, as every edition places it.
NOTE_MARK = re.compile(r"([.,;:!?]*)\[([0-9]+)\]")
NOTE_WORDS = {"en": "note", "es": "nota", "fr": "note"}
# A figure is announced before its alt text: its first sentence is said after this word.
FIGURE_WORDS = {"en": "Figure", "es": "Figura", "fr": "Figure"}
ADDRESS = re.compile(r"\b(?:https?://|mailto:)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bwww\.\S+")
TRAILING_PUNCTUATION = ".,;:!?)]}\"'”’»"


@dataclass(frozen=True)
class Utterance:
    """One sentence as written and as spoken, with the block (1-based) and section it belongs to."""

    block: int
    sentence: int  # 1-based within its block
    role: str
    section: int  # 0 for the masthead and the text before the first heading
    written: str
    spoken: str

    @property
    def cue_id(self) -> str:
        """The WebVTT cue identifier: block, role and sentence, so a reader can regroup blocks."""
        return spec.cue_id(self.block, self.role, self.sentence)


def script(doc: Document) -> list[Utterance]:
    """The whole spoken script of a document, one utterance per sentence, in reading order."""
    language = primary_language(doc.meta.language)
    known = abbreviations(language, doc.meta.abbreviations)
    say = pronouncer(language, doc.meta.pronunciations)
    utterances: list[Utterance] = []
    section = 0
    for number, block in enumerate(doc.reading_blocks(), start=1):
        if block.role == "heading":
            section += 1
        for index, sentence in enumerate(sentences(block.text, known), start=1):
            spoken = spoken_marks(say(sentence), language)
            if block.role == "callout-label":  # announced: "Key facts:", a pause, then the call-out
                spoken = f"{spoken}:"
            if block.role == "figure" and index == 1:
                spoken = f"{FIGURE_WORDS.get(language, FIGURE_WORDS['en'])}: {spoken}"
            utterances.append(Utterance(number, index, block.role, section, sentence, spoken))
    return utterances


def spoken_marks(spoken: str, language: str) -> str:
    """Footnote marks as words: "risk.[2]" is said "risk note 2."."""
    word = NOTE_WORDS.get(language, NOTE_WORDS["en"])
    return NOTE_MARK.sub(lambda m: f" {word} {m.group(2)}{m.group(1)}", spoken)


def abbreviations(language: str, declared: dict[str, str]) -> frozenset[str]:
    """Words after which a full stop does not end a sentence: built-in ones and the document's."""
    # A key may be several words ("EE. UU."): the splitter looks at one word at a time.
    return ABBREVIATIONS.get(language, frozenset()) | {
        part for key in declared for part in key.split() if part.endswith(".")
    }


def sentences(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Split a block into sentences at whitespace after ., ! or ?, but not after an abbreviation.

    A full stop ends a sentence only when the next word starts with a capital,
    a digit or an opening quote; "U.S." and other initials and `known`
    abbreviations never end one (so "the U.S. Government" stays whole). In
    scripts without capitals (Arabic, Chinese) any letter after the stop will do,
    and a full-width stop (。！？) ends a sentence even with no space after it.
    """
    words = normalise(text).split(" ")
    found: list[str] = []
    current: list[str] = []
    for word, following in zip(words, [*words[1:], ""], strict=True):
        *closed, word = FULL_WIDTH_PIECE.findall(word) or [word]
        for piece in closed:  # a full-width stop inside a run of text ends a sentence there
            found.append(" ".join([*current, piece]))
            current = []
        current.append(word)
        if following and _ends_sentence(word, following, known):
            found.append(" ".join(current))
            current = []
    if current and current != [""]:
        found.append(" ".join(current))
    return found


def _ends_sentence(word: str, following: str, known: frozenset[str]) -> bool:
    if not SENTENCE_END.search(word):
        return False
    bare = word.rstrip("\"'”’»)]")
    if bare.endswith((".", "…")) and (bare in known or INITIALS.match(bare)):
        return False
    opener = following.lstrip("\"'“‘«([¿¡")
    caseless = opener[:1].isalpha() and not opener[0].isupper() and not opener[0].islower()  # Arabic, Chinese
    return bool(opener) and (opener[0].isupper() or opener[0].isdigit() or caseless or following[0] in '¿¡"“‘«')


def pronouncer(language: str, declared: dict[str, str]):
    """A function from written to spoken text: the document's pronunciations, then built-in defaults."""
    table = {**DEFAULT_PRONUNCIATIONS.get(language, {}), **declared}
    keys = sorted(table, key=len, reverse=True)  # longest first, so "USNATO" wins over "NATO"
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(key)}(?!\w)" for key in keys)) if keys else None
    words = ADDRESS_WORDS.get(language, ADDRESS_WORDS["en"])

    symbols = SYMBOL_WORDS.get(language, SYMBOL_WORDS["en"])

    def say(written: str) -> str:
        spoken = pattern.sub(lambda m: table[m.group(0)], written) if pattern else written
        spoken = " ".join(ADDRESS.sub(lambda m: spoken_address(m.group(0), words), spoken).split())
        return spoken if any(ch.isalnum() for ch in spoken) else spoken_symbols(spoken, symbols)

    return say


def spoken_symbols(text: str, symbols: dict[str, str]) -> str:
    """Words for text made only of symbols: the language's word, else the character's Unicode name."""
    return " ".join(symbols.get(ch) or unicodedata.name(ch, "symbol").lower() for ch in text if not ch.isspace())


def spoken_address(address: str, words: dict[str, str]) -> str:
    """A web or mail address as a listener hears it: "state dot gov", not letter by letter."""
    trail = len(address) - len(address.rstrip(TRAILING_PUNCTUATION))
    core, tail = address[: len(address) - trail], address[len(address) - trail :]
    core = re.sub(r"^(?:https?://|mailto:)", "", core)
    core = re.sub(r"^www\.", "", core).rstrip("/")
    spoken = re.sub(r"[./@-]", lambda m: f" {words[m.group(0)]} ", core)
    return " ".join(spoken.split()) + tail
