"""Each named liblouis back-translation ambiguity: liblouis really misreads its example, and the reader undoes it."""

from __future__ import annotations

import pytest

from altformats.formats.braille import codes, read_words
from altformats.formats.braille.louis import to_print
from altformats.formats.braille.read_words import AMBIGUITIES, WORDS, back_translate, found_words, source_words

TABLES = {code.table: code for grades in codes.CODES.values() for code in grades.values()}
EVERY_CODE = "ar-ar-g1.utb"  # an ambiguity of every code is shown where it occurs: Arabic braille's digits


def code_of(ambiguity: read_words.Ambiguity) -> codes.Code:
    return TABLES[ambiguity.tables[0] if ambiguity.tables else EVERY_CODE]


@pytest.mark.parametrize("ambiguity", AMBIGUITIES, ids=lambda a: a.name)
def test_liblouis_misreads_the_example_and_the_reader_undoes_it(ambiguity):
    code = code_of(ambiguity)
    print_text = codes.typed_text(code, ambiguity.example)[0]  # as the forward translation spells it
    braille = codes.cells(code, ambiguity.example)
    raw = to_print(code.table, braille)
    assert raw == ambiguity.misread  # the ambiguity is real: liblouis gives this back
    assert WORDS.findall(raw) != WORDS.findall(print_text)  # and, left alone, a word would differ
    assert found_words(back_translate(code, braille)) == source_words(code, print_text)


def test_the_list_is_closed_and_named_once():
    names = [a.name for a in AMBIGUITIES]
    assert len(names) == len(set(names)) and all(
        a.side in ("back", "both", "cells", "braille", "source") for a in AMBIGUITIES
    )
    assert all(table in TABLES for a in AMBIGUITIES for table in a.tables)


@pytest.mark.parametrize(
    ("table", "source", "changed"),
    [
        ("en-ueb-g2.ctb", "The U.S. plans", "The U.K. plans"),  # a wordsign letter undone only as itself
        ("en-ueb-g2.ctb", "αδε", "αδν"),
        ("en-ueb-g1.ctb", "ÆSIR", "ÆSIS"),
        ("es-g1.ctb", "hora: 3:30", "hora: 3:31"),
        ("fr-bfu-g2.ctb", "iciDe", "iciDa"),
        ("en-ueb-g1.ctb", "ё", "е"),  # one sign for two letters folds only letters of one sign
        ("en-ueb-g2.ctb", "aδ", "aε"),
        ("en-ueb-g1.ctb", "AǰB", "AǰC"),  # a word compared small still compares its letters
    ],
)
def test_a_word_that_differs_otherwise_is_still_a_difference(table, source, changed):
    code = TABLES[table]
    assert found_words(back_translate(code, codes.cells(code, changed))) != source_words(code, source)


def test_spelled_out_letters_are_expected_as_spelled():
    code = TABLES["en-ueb-g2.ctb"]
    for text in ("λόγος", "中", "ÆA", "ÆSIR Zürich"):
        expected = source_words(code, codes.typed_text(code, text)[0])
        assert found_words(back_translate(code, codes.cells(code, text))) == expected
    assert "ideograph" in source_words(code, codes.typed_text(code, "中")[0])


def test_a_word_liblouis_writes_as_another_word_is_written_in_letters():
    """UEB's table would write "ou" alone as ⠳ ("out"), "BLS" as the shortform blind + s, "Bū" with a b that
    alone is "but": the writer spells each in letters (after ⠰⠰ where they are still a shortform's)."""
    code = TABLES["en-ueb-g2.ctb"]
    assert to_print(code.table, codes.cells(code, "Paris ou Londres")) == "Paris ou Londres"
    assert "\u2833" in codes.cells(code, "you out of our house")  # the groupsign stays where it is a word's part
    assert codes.cells(code, "BLS") == "\u2830\u2830\u2820\u2820\u2803\u2807\u280e"
    assert codes.cells(code, "blinds") == "\u2803\u2807\u280e"  # the shortform where it is right
    for text in ("the ACS and BLS team", "CDs", "Bū", "(his)", "\u0223"):
        spelled = codes.typed_text(code, text)[0]
        assert found_words(back_translate(code, codes.cells(code, text))) == source_words(code, spelled), text
    assert codes.typed_text(code, "\u0223")[0] == "(latin small letter ou)"
