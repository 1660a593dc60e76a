"""The braille edition: embosser pages, the right code per language, and a check that catches one changed word."""

from __future__ import annotations

from pathlib import Path

import pytest

from altformats import api, formats
from altformats.document.model import normalise
from altformats.errors import AltformatsError, MissingTool
from altformats.formats.braille import BrailleFormat, codes, layout, read, read_words
from altformats.formats.braille import louis as liblouis
from altformats.formats.braille.layout import Block
from altformats.formats.braille.louis import BLANK
from altformats.formats.braille.read_words import found_words
from altformats.formats.html.read import html_blocks
from conftest import SAMPLE, SEED

FORMATS = ("braille", "html")  # the HTML edition is the reference these tests compare with

SPANISH = SAMPLE["es-missile-defense"]
ARABIC = SAMPLE["ar-missile-defense"]
DIGITS = [a for a in read_words.AMBIGUITIES if a.name == "digits-of-any-script"]


@pytest.fixture(scope="module")
def brf(seed_outputs) -> Path:
    return seed_outputs["braille"][0].path


@pytest.fixture(scope="module")
def spanish(samples_built) -> Path:
    """The Spanish sample's build."""
    return samples_built / SPANISH.stem


def pages_of(path: Path) -> list[list[str]]:
    return [page.split("\r\n")[:-1] for page in path.read_bytes().decode("ascii").split("\f")]


def test_brf_pages_are_40_by_25_with_crlf_and_form_feeds(brf):
    pages = pages_of(brf)
    assert len(pages) >= 2
    assert all(len(page) == 25 for page in pages)
    assert all(len(line) <= 40 for page in pages for line in page)
    front = [page for page in pages if page[-1].strip().startswith("T#")]
    assert [page[-1].strip() for page in front] == ["T#A", "T#B", "T#C"]  # title, special symbols, notes (§2.2)
    body = pages[len(front) :]
    assert [page[-1].strip() for page in body] == ["#A", "#B", "#C", "#D", "#E"][: len(body)]


def test_transcriber_note_names_title_date_publisher_and_code(brf, seed):
    note = " ".join(line.strip() for page in pages_of(brf)[:3] for line in page)
    for text in (seed.meta.title, seed.meta.date_text, seed.meta.publisher, codes.CODES["en"][2].name):
        assert liblouis.ascii_braille(codes.cells(codes.CODES["en"][2], text)) in note


def test_title_is_centred_and_lists_hang(brf, seed):
    body = [line for n, page in enumerate(pages_of(brf)[3:]) for line in page[1 if n else 0 : -1]]  # no heads
    title = liblouis.ascii_braille(codes.cells(codes.CODES["en"][2], seed.meta.title)).split()
    first = next(line for line in body if line.strip().startswith(title[0]) and line.startswith("   "))
    assert abs(len(first) - len(first.lstrip()) - (40 - len(first.rstrip()))) <= 1
    items = [k for k, line in enumerate(body) if line.startswith("_4 ")]
    assert len(items) == 8
    assert body[items[0] + 1].startswith("  ") and not body[items[0] + 1].startswith("   ")


def test_seed_is_ueb_grade_2_and_every_reading_passes(brf, seed):
    code, blocks = read.read_braille(brf)
    assert code.table == "en-ueb-g2.ctb"
    assert len(blocks) == len(seed.reading_blocks())
    proofs = BrailleFormat().prove(seed, formats.get("braille").outputs(seed, brf.parent)[0], formats.Check())
    assert [(p.reader, p.ok) for p in proofs] == [
        ("cells", True),
        ("back-translation", True),
        ("transcriber's pages", True),
        ("running heads", True),
    ]


@pytest.mark.parametrize("index", [0, 1])
def test_changing_one_braille_word_fails_the_check(scratch_build, seed, index):
    output = formats.get("braille").outputs(seed, scratch_build / seed.slug)[index]
    text = output.path.read_text(encoding="utf-8")
    # "Europe" (,EUROPE / its cells) becomes "Europa" in the first paragraph only
    old = "EUROPE" if index == 0 else liblouis.unicode_braille("EUROPE")
    new = "EUROPA" if index == 0 else liblouis.unicode_braille("EUROPA")
    assert old in text
    output.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    reports = api.check([SEED], ["braille"], scratch_build, conformance=False)
    [bad] = [r for r in reports if not r.ok and r.path == output.path]  # (the PEF, held to the BRF, fails too)
    assert "Europa" in bad.differences[0].found
    assert [p.reader for p in bad.proofs if not p.ok] == ["cells", "back-translation"]  # each reading sees it


def test_conformance_is_clean(seed_outputs):
    findings = formats.get("braille").conformance(seed_outputs["braille"])
    assert findings == {output.path: [] for output in seed_outputs["braille"]}


def test_conformance_catches_a_long_line_and_a_lost_page_number(scratch_build, seed):
    output = formats.get("braille").outputs(seed, scratch_build / seed.slug)[0]
    pages = output.path.read_bytes().decode("ascii").split("\f")
    lines = pages[1].split("\r\n")
    lines[3] = "A" * 41
    lines[24] = ""
    pages[1] = "\r\n".join(lines)
    output.path.write_bytes("\f".join(pages).encode("ascii"))
    [found] = formats.get("braille").conformance([output]).values()
    assert any("41 cells" in f for f in found) and any("page number" in f for f in found)


def test_rebuilds_are_byte_identical(built, seed, tmp_path):
    api.build([SEED], ["braille"], tmp_path)
    for output in formats.get("braille").outputs(seed, built / seed.slug):
        assert (tmp_path / seed.slug / output.path.name).read_bytes() == output.path.read_bytes()


def test_grade_1_reads_the_seed_back_exactly(seed, tmp_path):
    fmt = BrailleFormat(grade=1)
    fmt.render(seed, tmp_path, formats.Build())
    for output in fmt.outputs(seed, tmp_path)[:2]:  # the BRF and its proof copy (the PEF: test_pef.py)
        assert read.read_braille(output.path)[0].table == "en-ueb-g1.ctb"
        assert [normalise(t) for t in fmt.read_back(output.path)] == [normalise(b.text) for b in seed.reading_blocks()]
        assert fmt.compare(seed, output) == []


def test_spanish_gets_spanish_braille_with_the_words_of_its_html(spanish):
    doc = api.load(SPANISH)
    fmt = formats.get("braille")
    brf_path = spanish / f"{SPANISH.stem}.brf"
    assert read.read_braille(brf_path)[0].table == "es-g1.ctb"
    for output in fmt.outputs(doc, spanish):
        assert fmt.compare(doc, output) == []
        assert fmt.conformance([output]) == {output.path: []}
    html = html_blocks((spanish / f"{SPANISH.stem}.html").read_bytes())
    back = fmt.read_back(brf_path)
    # a table cell comes with its column heading (listed format), a link with its address: the HTML's words
    # are each block's, in order, with others among them
    assert len(back) == len(html)
    for text, reference in zip(back, html, strict=True):
        found = iter(found_words(text))
        assert all(word in found for word in found_words(normalise(reference)))  # a subsequence, in order
    assert all(r.ok for r in api.check([SPANISH], ["braille"], spanish.parent, conformance=False))


def test_arabic_gets_arabic_braille_and_reads_back_every_word(samples_built):
    doc = api.load(ARABIC)
    fmt = formats.get("braille")
    outputs = fmt.outputs(doc, samples_built / doc.slug)
    assert read.read_braille(outputs[0].path)[0].table == "ar-ar-g1.utb"
    expected = [b.text for b in doc.reading_blocks()]
    for output in outputs:
        assert fmt.compare(doc, output) == []
        assert fmt.conformance([output]) == {output.path: []}
        back = fmt.read_back(output.path)  # digits compared by value: liblouis gives "١٦" back for "16"
        assert [found_words(t) for t in back] == [found_words(read_words.rewrite(DIGITS, t)) for t in expected]


def test_french_long_document_is_clean_over_many_pages(samples_built):
    doc = api.load(SAMPLE["fr-long"])
    outputs = formats.get("braille").outputs(doc, samples_built / doc.slug)
    assert read.read_braille(outputs[0].path)[0].table == "fr-bfu-g2.ctb"
    assert formats.get("braille").conformance(outputs) == {output.path: [] for output in outputs}


def test_chinese_is_refused_with_the_reason_and_the_languages_braille_is_made_for():
    with pytest.raises(
        AltformatsError, match=r"no braille for language 'zh-CN': .*syllables.*; braille is made for ar, de"
    ):
        codes.code_for("zh-CN")


@pytest.mark.parametrize("language", sorted(codes.CODES))
def test_every_listed_table_compiles_and_writes_six_dot_braille(language):
    for code in codes.CODES[language].values():
        assert set(liblouis.to_braille(code.table, code.name)) <= set(liblouis.TO_ASCII)


def test_language_choice(monkeypatch):
    monkeypatch.setenv("ALTFORMATS_BRAILLE_GRADE", "2")
    assert codes.code_for("es").table == "es-g1.ctb"  # a preference: Spanish has no grade 2 here
    monkeypatch.setenv("ALTFORMATS_BRAILLE_GRADE", "1")
    assert codes.code_for("en").table == "en-ueb-g1.ctb"
    monkeypatch.delenv("ALTFORMATS_BRAILLE_GRADE")
    assert codes.code_for("en-GB").table == "en-ueb-g2.ctb"
    assert codes.code_for("es-MX").table == "es-g1.ctb"
    with pytest.raises(AltformatsError, match="no grade 2 braille for 'es'"):
        codes.code_for("es", grade=2)
    with pytest.raises(AltformatsError, match="no braille table for language 'xx'"):
        codes.code_for("xx")


def test_layout_reads_back_block_by_block_over_pages():
    long_word = "\u2801" * 90  # longer than two lines: divided with the continuation indicator
    short = ["\u2803\u2807"] * 30
    words = BLANK.join(short)
    one, year = "\u283c\u2801\u2832", "\u283c\u2803\u281a\u281a\u2801\u2832"  # "1." and "2001."
    blocks = [
        Block(words, "centred", blank_before=True, blank_after=True),
        Block(words, "paragraph"),
        Block(long_word, "paragraph"),
        Block(words, "item", blank_before=True, depth=2),
        Block(words, "item", level=2, depth=2),
        Block(words, "continuation", level=1, depth=2),  # a further paragraph of the first item, after its sub-item
        Block(words, "item", blank_after=True, depth=2),
        Block(words, "cell5", blank_before=True),  # no blank line after a cell-5 heading (§4.5)
        *[Block(words, "paragraph") for _ in range(10)],
        Block(words, "cell7", blank_before=True),
        Block(words, "paragraph"),
        # numbered items; a runover line that starts with a number is no item
        Block(BLANK.join([*short[:12], year, *short]), "paragraph"),
        Block(BLANK.join([*short[:11], year, *short]), "item", marker=one, blank_before=True),
        Block(words, "continuation"),
        Block(words, "item", marker="\u283c\u2803\u2832", blank_after=True),
        Block(words, "entry", blank_before=True),  # a listed table: a row's first cell, then its others
        Block(words, "entry", level=2),
        Block(words, "entry", level=2, blank_after=True),
    ]
    pages = layout.paginate(blocks, lambda n: "\u283c" + "\u2801" * n, head="\u2803\u2807")
    assert all(len(page) == 25 and all(len(line) <= 40 for line in page) for page in pages)
    assert all(page[0].strip() == "\u2803\u2807" for page in pages[1:])  # the running head, from page 2
    _, body = read.read_pages(layout.page_text(pages, "\r\n"))
    lines = [line for n, page in enumerate(body) for line in page[1 if n else 0 :]]
    assert sum(line.lstrip().startswith(year + " ") for line in lines) == 2
    assert read.read_blocks(lines, codes.BULLET) == [b.cells for b in blocks]


def test_a_missing_liblouis_fails_loudly(monkeypatch):
    monkeypatch.setenv("ALTFORMATS_LOUIS_BINDING", "/nonexistent/louis/__init__.py")
    liblouis.binding.cache_clear()
    try:
        with pytest.raises(MissingTool, match="python3-louis"):
            liblouis.binding()
    finally:
        monkeypatch.delenv("ALTFORMATS_LOUIS_BINDING")
        liblouis.binding.cache_clear()


def test_a_symbol_the_code_lacks_is_spelled_out_not_lost():
    code = codes.CODES["es"][1]
    text = read.back_translate(code, codes.cells(code, "Hola • mundo 😀"))
    assert text == "Hola (bullet) mundo (grinning face)"


def test_a_file_naming_no_code_is_a_difference_not_a_crash(scratch_build, seed):
    output = formats.get("braille").outputs(seed, scratch_build / seed.slug)[0]
    output.path.write_bytes(output.path.read_bytes().replace(b"3TRACT$", b"XTRACT$"))
    [difference] = formats.get("braille").compare(seed, output)
    assert "no known braille code" in difference.found


def test_ueb_shows_emphasis_and_reads_back_the_words_only():
    from altformats.document.model import Emphasis, Strong, Text

    code = codes.CODES["en"][2]
    inlines = (Text("a ", 1), Emphasis((Text("quiet", 1),), 1), Text(" and ", 1), Strong((Text("bold", 1),), 1))
    braille_cells = codes.cells(code, inlines)
    assert "\u2828\u2802" in braille_cells and "\u2818\u2802" in braille_cells  # italic and bold word indicators
    assert braille_cells != codes.cells(code, "a quiet and bold")
    assert read.back_translate(code, braille_cells) == "a quiet and bold"


def _braille_of(source: Path, front: str, body: str):
    """A small source written out and built in braille beside it: (its document, the format, the BRF)."""
    source.write_text(f"---\n{front}\ndate: 2020-01-02\n---\n\n{body}\n", encoding="utf-8")
    doc = api.load(source)
    fmt = BrailleFormat()
    fmt.render(doc, source.parent, formats.Build())
    return doc, fmt, fmt.outputs(doc, source.parent)[0]


@pytest.mark.parametrize(
    "body",
    [
        "1. | Name | Value |\n   |---|---|\n   | range | about 5,500 kilometres of open sea |\n- after",
        "- > a quoted paragraph that runs on over more than one line of forty cells\n  >\n  > and a second one\n- after",
        "- words of an item\n\n  > - a quoted list whose item runs on over more than one line of forty cells\n"
        "  >   1. and has a nested item\n- the next item runs on over more than one line of forty cells too",
        "- an item with a table\n\n  | Name | Value |\n  |---|---|\n  | range | 5,500 kilometres |\n\n"
        "  and a paragraph after it that runs on over more than one line of forty cells\n- next",
        "- - 1. > a quote three levels down\n       >\n       > 1. > a list in it, its item opening with a quote\n"
        "       >    >\n       >    > that runs on over more than one line of forty cells\n       >\n"
        "       >    and a paragraph after the quote in the item\n       > 2. the second item of the quoted list\n",
    ],
    ids=["table", "quote", "list-in-quote", "paragraph-after-table", "deep-quotes"],
)
def test_an_item_that_opens_with_a_table_or_quote_reads_back_block_by_block(body, tmp_path):
    """The item's marker stands alone, so the table's entries or the quote's paragraphs keep their layout
    (a fuzzer finding: a table's second entry was read as the first's runover); a list in a quote in an
    item runs over by its own depth, and the list after it by the depth of its own items (another); a
    paragraph after a table in an item is set apart as a paragraph (a cell-5 heading opens a run as a
    continuation would)."""
    doc, fmt, brf = _braille_of(tmp_path / "item.md", "title: Items", body)
    assert fmt.compare(doc, brf) == []


def test_a_title_page_too_long_for_one_page_reads_back_as_one_section(tmp_path):
    """Its last group runs onto the next page, whose centred first line is not a section's heading
    (a fuzzer finding: the volume line's second half was read as a section of its own)."""
    office = " ".join(["the Office of Public Affairs and International Communication"] * 10)
    doc, fmt, brf = _braille_of(tmp_path / "long-title-page.md", f"title: A Title\noffice: {office}", "Words.")
    front, _ = read.read_pages(read.unicode_braille(brf.path.read_text(encoding="utf-8")))
    assert len(front) >= 3 and front[1][0].strip()  # the title page runs on, with a line 1 of text
    assert fmt.compare(doc, brf) == []
