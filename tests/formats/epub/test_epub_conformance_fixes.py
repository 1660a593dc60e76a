"""Issue 16, the EPUB findings: honest evaluation metadata, a summary in the book's language, nav
landmarks and a "Contents" heading, the page and ARIA features, and an NCX that tells the truth."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from altformats import api, formats
from altformats.formats.epub.read_package import package_proofs
from conftest import SAMPLE, SAMPLES, SEED

OPF, NAV, NCX, CONTENT = "EPUB/content.opf", "EPUB/nav.xhtml", "EPUB/toc.ncx", "EPUB/content.xhtml"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Written here, not imported from epub/spec.py, so a wrong table there fails these tests.
CONTENTS = {"en": "Contents", "es": "Índice", "fr": "Table des matières", "ar": "المحتويات", "zh": "目录"}
BY_LANGUAGE = {"en": "missile-defense", "es": "es-missile-defense", "fr": "fr-long", "ar": "ar-missile-defense"}
BY_LANGUAGE["zh"] = "zh-missile-defense"


def _entry(epub: Path, name: str):
    with zipfile.ZipFile(epub) as book:
        return etree.fromstring(book.read(name))


def _book(folder: Path, slug: str) -> Path:
    return folder / slug / f"{slug}.epub"


@pytest.fixture(scope="module")
def books(built, samples_built) -> dict[str, Path]:
    """One EPUB per sample language (built with the PDF, so each has a page list)."""
    return {lang: _book(built if slug == SEED.stem else samples_built, slug) for lang, slug in BY_LANGUAGE.items()}


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    """A book in a language the summary table lacks, built alone (no page list)."""
    folder = tmp_path_factory.mktemp("de")
    source = folder / "de-blatt.md"
    text = SAMPLE["structures"].read_text(encoding="utf-8")
    assert "language: en-GB\n" in text
    source.write_text(text.replace("language: en-GB\n", "language: de\n"), encoding="utf-8")
    api.build([source], ["epub"], folder / "out")
    return _book(folder / "out", "de-blatt")


def _meta(opf, prop: str) -> list:
    return opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)


def _texts(opf, prop: str) -> list[str]:
    return [m.text for m in _meta(opf, prop)]


# ---------------------------------------------------------------- evaluation metadata


def test_the_tool_does_not_certify_the_book(books):
    for lang, epub in books.items():
        opf = _entry(epub, OPF)
        assert _texts(opf, "a11y:certifiedBy") == [], lang
        assert not any("altformats" in (m.text or "") for m in opf.iter(f"{{{NS['opf']}}}meta")), lang


# ---------------------------------------------------------------- the accessibility summary


def test_summary_is_in_the_books_language_and_says_what_it_lacks(books):
    summaries = {}
    for lang, epub in books.items():
        [summary] = _meta(_entry(epub, OPF), "schema:accessibilitySummary")
        assert summary.get(XML_LANG) is None, lang  # in the package's own language, which is the book's
        assert _entry(epub, OPF).get(XML_LANG) == lang
        summaries[lang] = summary.text
    english = summaries["en"]
    for phrase in ("text only", "no images", "US Letter print edition", "WCAG 2.2"):
        assert phrase in english
    assert "structuralNavigation" not in english  # not the feature list again
    assert "imágenes" in summaries["es"] and "images" in summaries["fr"] and "صور" in summaries["ar"]
    assert "图像" in summaries["zh"]
    assert len(set(summaries.values())) == len(summaries)


def test_a_language_without_a_translation_gets_english_marked_as_english(german):
    opf = _entry(german, OPF)
    [summary] = _meta(opf, "schema:accessibilitySummary")
    assert opf.get(XML_LANG) == "de" and summary.get(XML_LANG) == "en"
    assert "text only" in summary.text and "no print page numbers" in summary.text


# ---------------------------------------------------------------- the nav


def test_nav_heading_is_contents_in_the_books_language(books):
    for lang, epub in books.items():
        nav = _entry(epub, NAV)
        [toc] = [n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc"]
        heading = toc.find("x:h1", NS)
        assert "".join(heading.itertext()) == CONTENTS[lang], lang
        assert toc.get("aria-labelledby") == heading.get("id")


def test_nav_has_landmarks_for_the_contents_and_the_start(books):
    for lang, epub in books.items():
        nav = _entry(epub, NAV)
        [landmarks] = [n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "landmarks"]
        targets = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
        assert set(targets) == {"toc", "bodymatter"}, lang
        toc_id = targets["toc"].split("#")[1]
        assert nav.xpath(f"//x:nav[@id='{toc_id}']/@*[local-name()='type']", namespaces=NS) == ["toc"]
        path, fragment = targets["bodymatter"].split("#")
        assert path == "content.xhtml"
        assert _entry(epub, CONTENT).xpath(f"local-name(//*[@id='{fragment}'])") == "main"


def test_the_package_reader_wants_contents_not_the_title(seed, books, tmp_path):
    copy = tmp_path / "title-heading.epub"
    shutil.copy(books["en"], copy)
    with zipfile.ZipFile(copy) as book:
        entries = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(copy, "w") as book:
        for info, data in entries:
            if info.filename == NAV:
                assert b'"toc-title">Contents<' in data
                data = data.replace(b'"toc-title">Contents<', f'"toc-title">{seed.meta.title}<'.encode())
            book.writestr(info, data)
    [navigation] = [p for p in package_proofs(seed, formats.Output("epub", copy)) if p.reader == "navigation"]
    assert any("toc heading" in str(d) and "Contents" in str(d) for d in navigation.differences)


# ---------------------------------------------------------------- the features


def test_page_break_markers_and_aria_are_declared(books, german):
    for lang, epub in books.items():
        features = _texts(_entry(epub, OPF), "schema:accessibilityFeature")
        assert {"pageBreakMarkers", "pageNavigation", "ARIA"} <= set(features), lang
        assert "printPageNumbers" not in features
    features = _texts(_entry(german, OPF), "schema:accessibilityFeature")
    assert "ARIA" in features and "pageBreakMarkers" not in features and "pageNavigation" not in features


# ---------------------------------------------------------------- the NCX and the creator


def _depth(parent) -> int:
    points = parent.findall("ncx:navPoint", NS)
    return 1 + max(map(_depth, points)) if points else 0


def test_ncx_depth_is_the_depth_of_its_nav_map(books, samples_built):
    epubs = [*books.values(), *(_book(samples_built, s.stem) for s in SAMPLES)]
    for epub in epubs:
        ncx = _entry(epub, NCX)
        [depth] = ncx.xpath("ncx:head/ncx:meta[@name='dtb:depth']/@content", namespaces=NS)
        assert int(depth) == _depth(ncx.find("ncx:navMap", NS)) >= 1, epub.name
    assert _depth(_entry(books["en"], NCX).find("ncx:navMap", NS)) == 2


def test_the_creator_is_the_publisher_in_the_opf_and_the_ncx(seed, books):
    opf, ncx = _entry(books["en"], OPF), _entry(books["en"], NCX)
    assert opf.findtext("opf:metadata/dc:creator", namespaces=NS) == seed.meta.publisher
    assert ncx.findtext("ncx:docAuthor/ncx:text", namespaces=NS) == seed.meta.publisher
