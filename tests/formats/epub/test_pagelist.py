"""The EPUB's print page list: markers where each page of the Letter PDF begins, only when that PDF is built."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from altformats import api, formats
from altformats.document.model import normalise
from altformats.errors import AltformatsError
from altformats.formats.epub.read import epub_blocks
from conftest import FIXTURES, SEED

OPF = "EPUB/content.opf"
CONTENT = "EPUB/content.xhtml"
NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml"}
MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)" aria-label="(\d+)"/>')
# The Letter page's text area (points; pdftotext's default 72 dpi): margins 0.9in top and bottom,
# where the running head and the folio stand, left out.
LETTER_TEXT_AREA = ["-x", "0", "-y", "66", "-W", "612", "-H", "660"]
SAMPLE = 20  # characters of a page's start and end looked for around its marker
LONG = FIXTURES / "samples" / "fr-long.md"  # several Letter pages in French, a table across a break
CHINESE = FIXTURES / "zh-long.md"  # three pages in a language written without spaces


@pytest.fixture(scope="module")
def long_builds(tmp_path_factory) -> Path:
    """The long Chinese document built as PDF and EPUB (the seed has two pages only)."""
    out = tmp_path_factory.mktemp("long")
    api.build([CHINESE], ["pdf", "epub"], out)
    return out


@pytest.fixture(scope="module")
def long_build(samples_built) -> Path:
    return samples_built / "fr-long"


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> Path:
    """The seed's EPUB built without the PDF."""
    out = tmp_path_factory.mktemp("alone")
    [path] = api.build([SEED], ["epub"], out)
    return path


def _entry(epub: Path, name: str) -> bytes:
    with zipfile.ZipFile(epub) as book:
        return book.read(name)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _page_words(pdf: Path, page: int) -> list[str]:
    """The words pdftotext finds in a page's text area, list bullets and numbers left out."""
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), *LETTER_TEXT_AREA, str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)  # pdftotext marks right-to-left runs
    return [w for w in text.split() if not re.fullmatch(r"[•◦▪‣–\-]|\d+[.)]", w)]


def _words(markup: str) -> list[str]:
    """The words of XHTML markup: a block's tag parts words, an inline element's tag does not."""
    spaced = re.sub(r"</?(?:p|h\d|li|td|th|tr|br|div|ul|ol|table|blockquote)\b[^>]*>", " ", markup)
    return normalise(re.sub(r"<[^>]+>", "", spaced)).split()


def _check_markers_follow_pages(epub: Path, pdf: Path) -> None:
    content = _entry(epub, CONTENT).decode()
    markers = list(MARKER.finditer(content))
    pages = _pages(pdf)
    assert [(int(m[1]), int(m[2])) for m in markers] == [(n, n) for n in range(1, pages + 1)]
    for number in range(2, pages + 1):
        after = _words(content[markers[number - 1].end() :])
        before = _words(content[: markers[number - 1].start()])
        words = _without_repeated_head(_page_words(pdf, number), content[: markers[number - 1].start()])
        # compared as characters: a language written without spaces has no words to split
        first, last = "".join(words)[:SAMPLE], "".join(_page_words(pdf, number - 1))[-SAMPLE:]
        assert "".join(after).startswith(first), f"page {number} starts with {first}"
        assert "".join(before).endswith(last), f"page {number - 1} ends with {last}"


def _without_repeated_head(words: list[str], earlier: str) -> list[str]:
    """A page's words without a table head repeated from an earlier page (print furniture)."""
    for head in re.findall(r"<thead>.*?</thead>", earlier, re.S):
        head_words = _words(head)
        if words[: len(head_words)] == head_words:
            return words[len(head_words) :]
    return words


def _features(epub: Path) -> tuple[list[str], list[str]]:
    opf = etree.fromstring(_entry(epub, OPF))
    meta = lambda name: [m.text for m in opf.iterfind(f"opf:metadata/opf:meta[@property='{name}']", NS)]  # noqa: E731
    return meta("schema:accessibilityFeature"), meta("pageBreakSource")


def test_seed_page_list_has_one_entry_per_letter_page(seed, built):
    folder = built / seed.slug
    pages = _pages(folder / f"{seed.slug}.pdf")
    nav = etree.fromstring(_entry(folder / f"{seed.slug}.epub", "EPUB/nav.xhtml"))
    [page_list] = nav.xpath("//x:nav[@role='doc-pagelist']", namespaces=NS)
    assert page_list.get("{http://www.idpf.org/2007/ops}type") == "page-list"
    links = [(a.text, a.get("href")) for a in page_list.iterfind(".//x:a", NS)]
    assert links == [(str(n), f"content.xhtml#page-{n}") for n in range(1, pages + 1)]
    assert pages == 2


def test_seed_markers_stand_where_letter_pages_begin(seed, built):
    folder = built / seed.slug
    _check_markers_follow_pages(folder / f"{seed.slug}.epub", folder / f"{seed.slug}.pdf")


def test_long_french_document_markers_stand_where_its_pages_begin(long_build):
    assert _pages(long_build / "fr-long.pdf") >= 3
    _check_markers_follow_pages(long_build / "fr-long.epub", long_build / "fr-long.pdf")
    expected = [normalise(b.text) for b in api.load(LONG).reading_blocks()]
    assert [normalise(t) for t in epub_blocks((long_build / "fr-long.epub").read_bytes())] == expected


def test_chinese_markers_stand_where_its_pages_begin(long_builds):
    folder = long_builds / "zh-long"
    assert _pages(folder / "zh-long.pdf") == 3
    _check_markers_follow_pages(folder / "zh-long.epub", folder / "zh-long.pdf")


def test_samples_have_a_page_list_matching_their_letter_pdf(samples_built):
    for folder in sorted(p for p in samples_built.iterdir() if p.is_dir()):
        _check_markers_follow_pages(folder / f"{folder.name}.epub", folder / f"{folder.name}.pdf")


def test_page_list_is_declared_with_its_source(seed, built):
    features, source = _features(built / seed.slug / f"{seed.slug}.epub")
    assert {"pageBreakMarkers", "pageNavigation"} <= set(features)
    assert source == [
        "U.S. Missile Defense: Cooperation With NATO and Russia, U.S. Department of State, 2007-04-16: "
        "US Letter print edition (missile-defense.pdf)"
    ]


def test_epub_built_alone_has_no_page_list_and_no_page_claims(seed, alone):
    features, source = _features(alone)
    assert "pageBreakMarkers" not in features and "pageNavigation" not in features and source == []
    assert b"pagebreak" not in _entry(alone, CONTENT) and b"page-list" not in _entry(alone, "EPUB/nav.xhtml")
    expected = [normalise(b.text) for b in seed.reading_blocks()]
    assert [normalise(t) for t in epub_blocks(alone.read_bytes())] == expected


def test_epub_with_page_list_rebuilds_byte_identical(seed, built, tmp_path):
    [path] = formats.get("epub").render(seed, tmp_path, formats.Build(formats=frozenset({"pdf", "epub"})))
    assert path.read_bytes() == (built / seed.slug / f"{seed.slug}.epub").read_bytes()


# ---------------------------------------------------------------- placing markers (no layout)


def _marked(markup: str, starts: tuple[int, ...]) -> str:
    import lxml.html

    from altformats.formats.epub.pages import mark_pages
    from altformats.text import counted

    root = lxml.html.document_fromstring(markup)
    body = root.find("body")
    mark_pages(body, starts, counted(body.text_content()), "test")
    return re.sub(
        r'<span epub:type="pagebreak"[^>]*id="page-(\d+)"[^>]*/?>(</span>)?',
        r"[\1]",
        etree.tostring(body, method="xml").decode(),
    )


def test_markers_go_before_blocks_inside_items_and_never_inside_links():
    page = "<body><article><p>One two</p><ul><li>three</li><li>four <a href='x'>five six</a></li></ul></article></body>"
    assert _marked(page, (0, 6, 11, 17)) == (
        '<body><article>[1]<p>One two</p>[2]<ul><li>three</li><li>[3]four [4]<a href="x">five six</a></li></ul>'
        "</article></body>"
    )


def test_a_page_starting_inside_a_word_is_marked_inside_it():
    assert (
        _marked("<body><main><p>abc defgh</p></main></body>", (0, 5))
        == "<body><main>[1]<p>abc de[2]fgh</p></main></body>"
    )


def test_text_that_does_not_match_the_print_edition_is_an_error():
    import lxml.html

    from altformats.formats.epub.pages import mark_pages

    body = lxml.html.document_fromstring("<body><p>abc</p></body>").find("body")
    with pytest.raises(AltformatsError, match="print edition has 4 characters of text, the EPUB 3"):
        mark_pages(body, (0,), 4, "test")
