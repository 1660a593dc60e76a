"""Each BANA Braille Formats 2016 rule the edition follows, shown on a braille excerpt (Unicode braille in this file).

One small fact sheet (DOC) is built once; each test compares some of its lines, as
(line number, blank cells before, cells), with the excerpt a transcriber would
write, and the corruption tests see the proof fail. docs/braille.md's checklist names these tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from altformats import api, formats
from altformats.document.model import Emphasis, Meta, Strong, Text
from altformats.formats.braille import BrailleFormat, checks, codes, layout, read, read_words
from altformats.formats.braille.layout import Block
from altformats.formats.braille.louis import BLANK, ascii_braille, to_print

DOC = """---
title: Water Safety
date: 2024-03-05
kind: Fact Sheet
publisher: Health Office
language: {language}
---

Boil *water* first.

## Storing

### Containers

#### Lids

Keep lids on.

- one
  - one a

  more about one
- two

| Person | Litres |
|---|---|
| Adult | 3 |

See [the guide](https://x.org/g).
"""
Excerpt = list[tuple[int, int, str]]  # (line number, blank cells before the text, its cells)


def build(tmp: Path, language: str = "en", fmt: BrailleFormat | None = None) -> tuple[object, formats.Output]:
    """Build DOC in `language` (braille only) and return the document and its BRF output."""
    source = tmp / f"doc-{language}.md"
    source.write_text(DOC.format(language=language), encoding="utf-8")
    doc = api.load(source)
    fmt = fmt or BrailleFormat()
    (tmp / doc.slug).mkdir(parents=True, exist_ok=True)
    fmt.render(doc, tmp / doc.slug, formats.Build())
    return doc, fmt.outputs(doc, tmp / doc.slug)[0]


def pages(output: formats.Output) -> list[Excerpt]:
    """The written pages (read from the proof copy), each as its non-blank lines."""
    text = output.path.with_suffix(".brl.txt").read_text(encoding="utf-8")
    found = []
    for page in text.split("\f"):
        rows = [line.rstrip(BLANK) for line in page.split("\n")[:-1]]
        found.append([(n, len(r) - len(r.lstrip(BLANK)), r.lstrip(BLANK)) for n, r in enumerate(rows, 1) if r])
    return found


def failing(doc, output: formats.Output) -> dict[str, list[str]]:
    proofs = BrailleFormat().prove(doc, output, formats.Check())
    return {p.reader: [str(d) for d in p.differences] for p in proofs if not p.ok}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[object, formats.Output]:
    return build(tmp_path_factory.mktemp("bana"))


NUMBER_T1 = (25, 37, "⠞⠼⠁")
TITLE_PAGE = [  # §2.3: title; kind; print publisher and date; transcriber and year; volume and page ranges
    (1, 13, "⠠⠺⠁⠞⠻⠀⠠⠎⠁⠋⠑⠞⠽"),
    (3, 14, "⠠⠋⠁⠉⠞⠀⠠⠩⠑⠑⠞"),
    (5, 14, "⠠⠓⠂⠇⠹⠀⠠⠷⠋⠊⠉⠑"),
    (6, 13, "⠠⠍⠜⠡⠀⠼⠑⠂⠀⠼⠃⠚⠃⠙"),
    (8, 8, "⠠⠞⠗⠁⠝⠎⠉⠗⠊⠃⠫⠀⠃⠽⠀⠁⠇⠞⠿⠍⠁⠞⠎"),
    (9, 17, "⠼⠃⠚⠃⠙"),
    (11, 3, "⠠⠔⠀⠼⠁⠀⠧⠕⠇⠥⠍⠑⠂⠀⠃⠗⠇⠀⠏⠁⠛⠑⠎⠀⠞⠼⠁⠤⠞⠼⠉⠀⠯"),
    (12, 17, "⠼⠁⠤⠼⠃"),
    NUMBER_T1,
]


def test_title_page_has_the_bana_elements_on_t1(built):
    assert pages(built[1])[0] == TITLE_PAGE


@dataclass(frozen=True)
class LicensedMeta(Meta):
    """The front matter with issue 15's `licence` (main's reader has no such key yet): the model the layout reads."""

    licence: str = ""


def test_title_page_gives_the_print_copyright_line_where_the_source_states_one(built, tmp_path):
    doc, _ = built
    licensed = replace(doc, meta=LicensedMeta(**{**vars(doc.meta), "licence": "© 2024 Health Office"}))
    fmt = BrailleFormat()
    (tmp_path / doc.slug).mkdir()
    fmt.render(licensed, tmp_path / doc.slug, formats.Build())
    output = fmt.outputs(licensed, tmp_path / doc.slug)[0]
    # §2.3: the copyright line as print gives it (UEB © is ⠘⠉), a group of its own after the publisher and date
    assert pages(output)[0][:6] == [*TITLE_PAGE[:4], (8, 9, "⠘⠉⠀⠼⠃⠚⠃⠙⠀⠠⠓⠂⠇⠹⠀⠠⠷⠋⠊⠉⠑"), (10, 8, TITLE_PAGE[4][2])]
    assert failing(licensed, output) == {}
    assert "transcriber's pages" in failing(doc, output)  # a copyright line the source does not state
    assert pages(built[1])[0] == TITLE_PAGE  # none where it states none: nothing is made up from the publisher


def test_special_symbols_page_lists_the_signs_the_body_uses(built, tmp_path):
    assert pages(built[1])[1] == [  # §2.5: heading on line 1, each sign at cell 1 with its meaning
        (1, 11, "⠠⠎⠏⠑⠉⠊⠁⠇⠀⠠⠎⠽⠍⠃⠕⠇⠎"),
        (3, 0, "⠸⠲⠀⠃⠥⠇⠇⠑⠞"),
        (4, 0, "⠨⠂⠀⠊⠞⠁⠇⠊⠉⠀⠔⠙⠊⠉⠁⠞⠕⠗⠎"),
        (25, 37, "⠞⠼⠃"),
    ]
    source = tmp_path / "plain.md"
    source.write_text("---\ntitle: Plain\ndate: 2024-03-05\n---\n\nNo signs here.\n", encoding="utf-8")
    api.build([source], ["braille"], tmp_path)
    numbers = [p[-1][2] for p in pages(formats.Output("braille", tmp_path / "plain" / "plain.brf"))]
    assert numbers == ["⠞⠼⠁", "⠞⠼⠃", "⠼⠁"]  # no special symbols: title page and notes only


def test_transcriber_notes_have_a_page_of_their_own_numbered_t(built):
    notes = pages(built[1])[2]
    assert notes[0] == (1, 10, "⠠⠞⠗⠁⠝⠎⠉⠗⠊⠃⠻⠄⠎⠀⠠⠝⠕⠞⠑⠎")  # §2.6: the heading on line 1
    assert notes[-2] == (14, 2, "⠠⠠⠃⠁⠝⠁⠀⠠⠃⠗⠇⠀⠠⠿⠍⠁⠞⠎⠀⠼⠃⠚⠁⠋")  # the formats followed
    assert notes[-1] == (25, 37, "⠞⠼⠉")


BODY_1 = [  # the masthead, then: centred heading (blank before and after), cell-5 and cell-7 (blank before only)
    (9, 17, "⠠⠌⠕⠗⠬"),
    (11, 4, "⠠⠒⠞⠁⠔⠻⠎"),
    (13, 6, "⠠⠇⠊⠙⠎"),
    (14, 2, "⠠⠅⠑⠑⠏⠀⠇⠊⠙⠎⠀⠕⠝⠲"),
    # a list nested two deep: items at cells 1 and 3, every runover at cell 5, a further paragraph at cell 7
    (16, 0, "⠸⠲⠀⠐⠕"),
    (17, 2, "⠸⠲⠀⠐⠕⠀⠁"),
    (18, 6, "⠍⠀⠁⠃⠀⠐⠕"),
    (19, 0, "⠸⠲⠀⠞⠺⠕"),
    # a listed table: the headings, then each row: its first cell at cell 1, others at cell 3, with their heading
    (21, 0, "⠠⠏⠻⠎⠕⠝"),
    (22, 2, "⠠⠇⠊⠞⠗⠑⠎"),
    (23, 0, "⠠⠏⠻⠎⠕⠝⠒⠀⠠⠁⠙⠥⠇⠞"),
    (24, 2, "⠠⠇⠊⠞⠗⠑⠎⠒⠀⠼⠉"),
    (25, 38, "⠼⠁"),
]


def test_headings_lists_and_listed_tables(built):
    assert pages(built[1])[3][4:] == BODY_1


def test_running_head_link_address_and_closing_line(built):
    assert pages(built[1])[4] == [
        (1, 13, "⠠⠺⠁⠞⠻⠀⠠⠎⠁⠋⠑⠞⠽"),  # §1.8: the running head on line 1 from the second page
        (3, 2, "⠠⠎⠑⠑⠀⠮⠀⠛⠥⠊⠙⠑⠀⠐⠣⠓⠞⠞⠏⠎⠒⠸⠌⠸⠌⠭⠲⠕⠗⠛⠸⠌⠛⠐⠜⠲"),  # the address after the words
        (5, 2, "⠠⠓⠂⠇⠹⠀⠠⠷⠋⠊⠉⠑"),  # the colophon's publisher, set apart after the body (issue 15)
        (7, 16, "⠠⠠⠮⠀⠠⠠⠢⠙"),  # THE END
        (25, 38, "⠼⠃"),
    ]


def test_every_reading_passes_and_corruptions_of_the_new_pages_fail(built):
    doc, output = built
    assert failing(doc, output) == {}
    original = output.path.read_bytes()
    for old, new, reader in [
        (b",WAT] ,SAFETY\r\n", b",WAT] ,SAFE\r\n", "running heads"),  # the running head (and title page)
        (b",,! ,,5D", b",,! ,,5DS", "running heads"),  # the closing line
        (b"_4 BULLET", b"_4 BULLETS", "transcriber's pages"),  # the special symbols page
        (b"T#A-T#C", b"T#A-T#D", "transcriber's pages"),  # the page range
    ]:
        assert old in original
        output.path.write_bytes(original.replace(old, new, 1) if b"SAFETY" not in old else _head(original, new))
        assert reader in failing(doc, output), (old, new)
    output.path.write_bytes(original)


def _head(data: bytes, new: bytes) -> bytes:
    """The BRF with the running head of its last page replaced by `new` (its line 1)."""
    text = data.decode("ascii").split("\f")
    lines = text[-1].split("\r\n")
    lines[0] = " " * 13 + new.decode("ascii").strip()
    text[-1] = "\r\n".join(lines)
    return "\f".join(text).encode("ascii")


def test_a_heading_is_never_the_last_text_on_a_page():
    words = BLANK.join(["⠃⠇"] * 9)  # one line
    blocks = [Block(words, "paragraph") for _ in range(20)]
    blocks += [Block("⠓⠙", "centred", blank_before=True, blank_after=True), Block("⠓⠑", "cell5", blank_before=True)]
    blocks += [Block(words, "paragraph") for _ in range(3)]
    first, second = layout.paginate(blocks, lambda n: "⠼" + "⠁" * n)[:2]
    assert [line for line in first[:-1] if line.strip()][-1].strip() == words.replace(BLANK, " ")
    assert [line.strip() for line in second[:4]] == ["⠓⠙", "", "⠓⠑", words.replace(BLANK, " ")]


def test_interpoint_starts_each_section_and_the_body_on_a_right_hand_page(tmp_path):
    doc, output = build(tmp_path, fmt=BrailleFormat(interpoint=True))
    numbers = [page[-1][2] for page in pages(output)]
    # title page, its blank back, special symbols, its back, notes, its back; then the body from page 1
    assert numbers == ["⠞⠼⠁", "⠞⠼⠃", "⠞⠼⠉", "⠞⠼⠙", "⠞⠼⠑", "⠞⠼⠋", "⠼⠁", "⠼⠃"]
    assert [len(page) for page in pages(output)][1::2][:3] == [1, 1, 1]  # the backs carry only their number
    assert failing(doc, output) == {}


def test_ukaaf_for_en_gb_has_no_running_head_and_no_closing_line(tmp_path):
    doc, output = build(tmp_path, "en-GB")
    body = pages(output)[3:]
    assert body[1][1] == (3, 2, "⠠⠎⠑⠑⠀⠮⠀⠛⠥⠊⠙⠑⠀⠐⠣⠓⠞⠞⠏⠎⠒⠸⠌⠸⠌⠭⠲⠕⠗⠛⠸⠌⠛⠐⠜⠲")
    assert "⠠⠠⠮⠀⠠⠠⠢⠙" not in {cells for _, _, cells in body[-1]}
    assert read.read_all(output.path).authority.key == "ukaaf"
    assert failing(doc, output) == {}


UKAAF_T1 = [(1, 37, "⠞⠼⠁"), (2, 13, "⠠⠺⠁⠞⠻⠀⠠⠎⠁⠋⠑⠞⠽")]  # the number at the right of line 1, the title under it
UKAAF_BODY_1 = [(1, 38, "⠼⠁"), (2, 14, "⠠⠋⠁⠉⠞⠀⠠⠩⠑⠑⠞")]  # and line 25 is a line of text
UKAAF_BODY_1_FOOT = (25, 2, "⠠⠇⠊⠞⠗⠑⠎⠒⠀⠼⠉")


def test_ukaaf_puts_the_page_number_at_the_top_right_and_the_readers_read_it_there(tmp_path):
    doc, output = build(tmp_path, "en-GB")
    found = pages(output)
    assert found[0][:2] == UKAAF_T1 and found[3][:2] == UKAAF_BODY_1 and found[3][-1] == UKAAF_BODY_1_FOOT
    assert [page[0][:2] for page in found] == [(1, 37)] * 3 + [(1, 38)] * 2  # every page, t pages too
    reading = read.read_all(output.path)
    assert "at the top of each page" in read.back_translate(reading.code, reading.sections[-1][1])  # the notes say so
    assert failing(doc, output) == {}  # the BRF's reader
    pef = [o for o in BrailleFormat().outputs(doc, output.path.parent) if o.edition == "pef"][0]
    assert failing(doc, pef) == {}  # the PEF's reader: pages as the BRF, numbers on row 1
    assert checks.check_file(output.path) == [] and checks.check_file(output.path.with_suffix(".brl.txt")) == []
    # a UKAAF file numbered at the foot, as BANA's are, is a difference
    text = output.path.read_bytes().decode("ascii").split("\f")
    moved = ["\r\n".join(page.split("\r\n")[1:-1] + [page.split("\r\n")[0], ""]) for page in text]
    output.path.write_bytes("\f".join(moved).encode("ascii"))
    assert "running heads" in failing(doc, output)


def test_the_year_of_transcription_follows_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch.setenv("ALTFORMATS_BRAILLE_TRANSCRIBER", "Braille Unit")
    doc, output = build(tmp_path)
    title = pages(output)[0]
    assert (9, 17, "⠼⠃⠚⠃⠋") in title and any("⠠⠃⠗⠇⠀⠠⠥⠝⠊⠞" in cells for _, _, cells in title)
    assert failing(doc, output) == {}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert "transcriber's pages" in failing(doc, output)  # the reader expects the source's year again


@pytest.mark.parametrize("language", sorted(codes.CODES))
def test_every_code_has_its_own_signs(language):
    for code in codes.CODES[language].values():  # the bullet and the t of page numbers, by back-translation
        assert to_print(code.table, code.bullet) == ("-" if code.bullet == codes.HYPHEN else "•")
        assert to_print(code.numbers or code.table, codes.page_number(code, 1, True)) in ("t1", "ت١")


@pytest.mark.parametrize("language", sorted(set(codes.CODES) - {"ar"}))  # Arabic: the Arabic sample (Latin words here)
def test_every_code_has_its_own_words_and_passes(tmp_path, language):
    # DOC's words are English: Portuguese contracted braille would contract them as Portuguese, so grade 1 there
    doc, output = build(tmp_path, language, BrailleFormat(grade=1 if language == "pt" else None))
    code = read.read_all(output.path).code
    numbers = [page[-1][2] for page in pages(output)]
    assert numbers[0] == codes.page_number(code, 1, True) and numbers[-1] == codes.page_number(code, 2)
    assert failing(doc, output) == {}  # the notes back-translate word for word, the closing line is the language's


def test_spanish_emphasis_is_enclosed_in_dots_35(tmp_path):
    doc, output = build(tmp_path, "es")
    body = [cells for page in pages(output)[3:] for _, _, cells in page]
    assert any("⠔⠺⠁⠞⠑⠗⠔" in cells for cells in body)  # CBE: a change of type between dots 35
    code = codes.CODES["es"][1]
    assert read.back_translate(code, "⠔⠺⠁⠞⠑⠗⠔") == "water"


EMPHASIS = {  # "Boil *water* first." (body page 1, line 7, cell 3): each code's indicator, from its liblouis table
    "fr": "⠨⠃⠾⠇⠀⠸⠺⠁⠞⠦⠀⠋⠊⠗⠎⠞⠲",  # fr-bfu: dots 456 before the word
    "de": "⠃⠕⠊⠇⠀⠸⠺⠁⠞⠑⠗⠀⠋⠊⠗⠾⠄",  # de-g0-core: dots 456 before the word
    "nl": "⠨⠃⠕⠊⠇⠀⠸⠺⠁⠞⠑⠗⠀⠋⠊⠗⠎⠞⠲",  # nl-NL-g0: dots 456 before the word
    "pt": "⠨⠃⠕⠊⠇⠀⠔⠺⠁⠞⠑⠗⠔⠀⠋⠊⠗⠎⠞⠄",  # pt-pt-g1: dots 35 before and after
}


@pytest.mark.parametrize("language", sorted(EMPHASIS))
def test_each_codes_emphasis_is_its_tables_and_reads_back(tmp_path, language):
    doc, output = build(tmp_path, language, BrailleFormat(grade=1 if language == "pt" else None))
    assert (7, 2, EMPHASIS[language]) in pages(output)[3]
    code = read.read_all(output.path).code
    assert [w.lower() for w in read_words.found_words(read.back_translate(code, EMPHASIS[language]))] == [
        "boil",
        "water",
        "first",
    ]  # the indicator is not read as a word
    sign = "⠔" if language == "pt" else "⠸"
    assert any(cells.startswith(sign + BLANK) for _, _, cells in pages(output)[1])  # listed on the symbols page
    assert failing(doc, output) == {}
    original = output.path.read_bytes()
    line = EMPHASIS[language]
    output.path.write_bytes(original.replace(*(ascii_braille(c).encode() for c in (line, line.replace(sign, "", 1)))))
    assert "cells" in failing(doc, output)  # a dropped indicator is a difference
    output.path.write_bytes(original)


ARABIC = "---\ntitle: الماء\nkind: نشرة\ndate: 2024-03-05\nlanguage: ar\n---\n\nاغل *الماء أولا* ثم **اشرب**.\n"


def test_arabic_emphasis_marks_each_word_with_the_tables_dots_456(tmp_path):
    source = tmp_path / "ma.md"
    source.write_text(ARABIC, encoding="utf-8")
    api.build([source], ["braille"], tmp_path)
    output = formats.Output("braille", tmp_path / "ma" / "ma.brf")
    # ar-ar-g1: dots 456 before a word and 456-456 after it, for italic and bold alike (its italic, dots 46, is إ)
    assert (7, 2, "⠁⠣⠇⠀⠸⠁⠇⠍⠁⠄⠸⠸⠀⠸⠌⠺⠧⠸⠸⠀⠹⠍⠀⠸⠁⠩⠗⠃⠲⠸⠸") in pages(output)[3]
    assert pages(output)[1][1] == (3, 0, "⠸⠀⠞⠣⠊⠊⠗⠀⠁⠇⠭⠾")  # the symbols page: ⠸ "تغيير الخط"
    assert read.back_translate(codes.CODES["ar"][1], "⠸⠁⠇⠍⠁⠄⠸⠸⠀⠸⠌⠺⠧⠸⠸") == "الماء أولا"
    assert failing(api.load(source), output) == {}


PASSAGES = {  # per code: a word, a passage, a bracketed word, and signs that begin with the indicator's cells
    "fr": ("Voir", "l'eau très chaude ici", "(eau)", "— | œuvre"),
    "de": ("Sieh", "das Wasser sehr heiß hier", "(Wasser)", "— a_b |"),
    "nl": ("Zie", "het water heel heet hier", "(water)", "— a_b 1_2"),
    "pt": ("Veja", "a sopa muito quente aqui", "(sopa)", "— |"),
    "ar": ("انظر", "الماء ساخن جدا هنا", "(الماء)", "# / • |"),
}


@pytest.mark.parametrize("language", sorted(PASSAGES))
def test_emphasis_in_passages_words_and_numbers_reads_back_word_for_word(language):
    word, passage, bracketed, signs = PASSAGES[language]
    tricky = [  # a passage; part of a word (marked whole where the code's indicators need it); brackets; numbers
        (Text(f"{word} ", 1), Emphasis((Text(passage, 1),), 1), Text(f" {word}", 1)),
        (Text(word.lower(), 1), Strong((Text(word.lower(), 1),), 1), Text(" ", 1), Emphasis((Text(bracketed, 1),), 1)),
        (Strong((Text(f"1234 {word}", 1),), 1), Text(f" {signs}", 1)),
    ]
    for code in codes.CODES[language].values():
        plain = replace(code, emphasis="")  # the same code, emphasis not shown
        for inlines in tricky:
            expected = read_words.source_words(code, codes.typed_text(code, inlines)[0])
            for shown in (plain, code):
                braille = codes.cells(shown, inlines)
                found = read_words.found_words(read.back_translate(shown, braille))
                assert found == expected, (code.table, braille)
            assert codes.cells(code, inlines) != codes.cells(plain, inlines)  # the emphasis is shown
