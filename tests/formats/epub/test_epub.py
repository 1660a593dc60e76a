"""The EPUB edition: package, metadata, determinism, read-back, corruption and conformance (EPUBCheck, Ace)."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from altformats import api, formats
from altformats.document.model import normalise
from altformats.errors import AltformatsError
from altformats.formats.epub import checks
from altformats.formats.epub.read import epub_blocks, spine_documents
from altformats.formats.epub.write import CONFORMS_TO, build_epub
from altformats.formats.html.read import html_blocks
from conftest import SAMPLE, SEED

FORMATS = ("epub", "html")  # the HTML edition is the reference these tests compare with

OPF = "EPUB/content.opf"
CONTENT = "EPUB/content.xhtml"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SPANISH = SAMPLE["es-missile-defense"]
ARABIC = SAMPLE["ar-missile-defense"]  # right to left


@pytest.fixture(scope="module")
def seed_epub(seed, built) -> Path:
    return built / seed.slug / f"{seed.slug}.epub"


@pytest.fixture(scope="module")
def opf(seed_epub) -> etree._Element:
    with zipfile.ZipFile(seed_epub) as book:
        return etree.fromstring(book.read(OPF))


@pytest.fixture(scope="module")
def others(samples_built) -> Path:
    """The samples, the Spanish and Arabic ones among them, built once in every format."""
    return samples_built


@pytest.fixture(scope="module")
def spanish(others) -> Path:
    return others / SPANISH.stem


def _properties(opf, name: str) -> list[str]:
    return [m.text for m in opf.iterfind(f"opf:metadata/opf:meta[@property='{name}']", NS)]


def _rewrite(path: Path, name: str, change) -> None:
    """Replace one entry of a zip in place, keeping the others as they are."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            target.writestr(info, change(data) if info.filename == name else data)


# ---------------------------------------------------------------- package


def test_mimetype_comes_first_stored_and_entries_are_sorted_with_one_time(seed_epub):
    with zipfile.ZipFile(seed_epub) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    names = [info.filename for info in infos[1:]]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(2007, 4, 16, 0, 0, 0)}


def test_package_declares_language_title_publisher_date_and_a_stable_identifier(seed, opf):
    assert opf.get(XML_LANG) == "en"
    assert opf.findtext("opf:metadata/dc:language", namespaces=NS) == "en"
    assert opf.findtext("opf:metadata/dc:title", namespaces=NS) == seed.meta.title
    assert opf.findtext("opf:metadata/dc:publisher", namespaces=NS) == "U.S. Department of State"
    assert opf.findtext("opf:metadata/dc:date", namespaces=NS) == "2007-04-16"
    identifier = opf.findtext("opf:metadata/dc:identifier", namespaces=NS)
    assert identifier == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "altformats:missile-defense:2007-04-16"))
    assert _properties(opf, "dcterms:modified") == ["2007-04-16T00:00:00Z"]


def test_package_carries_true_accessibility_metadata(opf):
    assert _properties(opf, "schema:accessMode") == ["textual"]
    assert _properties(opf, "schema:accessModeSufficient") == ["textual"]
    features = _properties(opf, "schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    # the page list claims (built with the PDF here) are tested in test_pagelist.py
    assert _properties(opf, "schema:accessibilityHazard") == ["none"]
    [summary] = _properties(opf, "schema:accessibilitySummary")
    assert "WCAG 2.2" in summary
    assert _properties(opf, "dcterms:conformsTo") == [CONFORMS_TO]
    assert _properties(opf, "a11y:certifiedBy") == []  # no evaluation by a person: no certifier claimed


def test_nav_and_ncx_list_the_headings_in_reading_order(seed_epub):
    with zipfile.ZipFile(seed_epub) as book:
        nav = book.read("EPUB/nav.xhtml").decode()
        ncx = book.read("EPUB/toc.ncx").decode()
    labels = ["Missile Defense", "Cooperation with NATO", "Cooperation with Russia"]
    for text in (nav, ncx):
        positions = [text.index(label) for label in labels]
        assert positions == sorted(positions)
    assert 'epub:type="toc"' in nav and "content.xhtml#cooperation-with-nato" in ncx  # a heading's id is its words


# ---------------------------------------------------------------- determinism and errors


def test_two_builds_are_byte_identical(seed, tmp_path):
    first, again = ([*api.build([SEED], ["epub"], tmp_path / name)] for name in ("one", "two"))
    assert again == [tmp_path / "two" / seed.slug / f"{seed.slug}.epub"]
    assert first[0].read_bytes() == again[0].read_bytes()


def test_source_date_epoch_sets_the_modified_date(seed, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = build_epub(seed)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert b"2023-11-14T22:13:20Z" in book.read(OPF)
        assert book.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)
    assert data == build_epub(seed)


def test_write_errors_are_raised_with_the_file_the_build_names(seed, tmp_path):
    with pytest.raises(FileNotFoundError):  # the build turns it into "<final path>: could not write ..."
        formats.get("epub").render(seed, tmp_path / "no" / "such" / "folder", formats.Build())
    # tests/test_faults.py fills a disk during the EPUB build and reads that message


# ---------------------------------------------------------------- read-back


def test_read_back_follows_the_spine_and_skips_the_nav(seed_epub):
    with zipfile.ZipFile(seed_epub) as book:
        assert spine_documents(book) == [CONTENT]


def test_a_linear_nav_in_the_spine_is_read_and_a_non_linear_one_is_not(seed, seed_epub, tmp_path):
    expected = [normalise(b.text) for b in seed.reading_blocks()]
    for linear, extra in (('linear="no"', False), ("", True)):
        copy = tmp_path / f"copy{int(extra)}.epub"
        copy.write_bytes(seed_epub.read_bytes())
        _rewrite(copy, OPF, lambda d, a=linear: d.replace(b"</spine>", f'<itemref idref="nav" {a}/></spine>'.encode()))
        found = [normalise(t) for t in epub_blocks(copy.read_bytes())]
        assert (found != expected) is extra and found[: len(expected)] == expected


def test_malformed_xhtml_in_the_book_is_an_error(seed_epub, tmp_path):
    copy = tmp_path / "broken.epub"
    copy.write_bytes(seed_epub.read_bytes())
    _rewrite(copy, CONTENT, lambda data: data.replace(b"</main>", b"", 1))
    with pytest.raises(AltformatsError, match="not well-formed"):
        formats.get("epub").read_back(copy)


def test_check_fails_when_one_word_inside_the_epub_changes(seed, scratch_build):
    path = scratch_build / seed.slug / f"{seed.slug}.epub"
    _rewrite(path, CONTENT, lambda data: data.replace(b"ballistic", b"balistic", 1))
    [report] = api.check([SEED], ["epub"], scratch_build, conformance=False)
    assert not report.ok
    assert any("ballistic" in d.expected and "balistic" in d.found for d in report.differences)


# ---------------------------------------------------------------- another language


def test_spanish_epub_carries_the_same_words_as_its_html(spanish):
    epub = epub_blocks((spanish / f"{SPANISH.stem}.epub").read_bytes())
    html = html_blocks((spanish / f"{SPANISH.stem}.html").read_bytes())
    assert [normalise(t) for t in epub] == [normalise(t) for t in html]
    doc = api.load(SPANISH)
    assert [normalise(t) for t in epub] == [normalise(b.text) for b in doc.reading_blocks()]
    with zipfile.ZipFile(spanish / f"{SPANISH.stem}.epub") as book:
        opf = etree.fromstring(book.read(OPF))
        content = book.read(CONTENT).decode()
    assert opf.get(XML_LANG) == "es" and opf.findtext("opf:metadata/dc:language", namespaces=NS) == "es"
    assert re.search(r'<html [^>]*xml:lang="es"', content)
    assert "<h3 " in content and "<em>no solo</em>" in content and 'href="https://www.state.gov/"' in content


def test_arabic_epub_reads_right_to_left_and_carries_its_words(others):
    path = others / ARABIC.stem / f"{ARABIC.stem}.epub"
    expected = [normalise(b.text) for b in api.load(ARABIC).reading_blocks()]
    assert [normalise(t) for t in epub_blocks(path.read_bytes())] == expected
    with zipfile.ZipFile(path) as book:
        opf = etree.fromstring(book.read(OPF))
        content = book.read(CONTENT).decode()
    assert (opf.get("dir"), opf.get(XML_LANG)) == ("rtl", "ar")
    assert opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    assert re.search(r'<html [^>]*dir="rtl"', content)


# ---------------------------------------------------------------- conformance (each checker once per book)


@pytest.fixture(scope="module")
def books(seed_epub, others) -> list[Path]:
    return [seed_epub, *(others / s.stem / f"{s.stem}.epub" for s in (SPANISH, ARABIC))]


@pytest.fixture(scope="module")
def epubcheck_findings(books) -> dict[Path, list[str]]:
    return checks.epubcheck(books)


@pytest.fixture(scope="module")
def ace_findings(books) -> dict[Path, list[str]]:
    return checks.ace(books)


def test_epubcheck_reports_no_error_and_no_warning(epubcheck_findings, books):
    assert epubcheck_findings == {book: [] for book in books}


def test_ace_reports_no_violation(ace_findings, books):
    assert ace_findings == {book: [] for book in books}


def test_ace_finds_what_ebooklib_leaves_out(seed_epub, tmp_path):
    """Ace is not silently passing everything: without the metadata and xml:lang it fails."""
    copy = tmp_path / "bare.epub"
    copy.write_bytes(seed_epub.read_bytes())
    bare = re.compile(rb'<meta property="schema:[^<]*</meta>| xml:lang="en"')
    _rewrite(copy, OPF, lambda data: bare.sub(b"", data))
    [found] = checks.ace([copy]).values()
    rules = {line.split()[1] for line in found}
    assert {"epub-lang", "metadata-accessmode", "metadata-accessibilityhazard"} <= rules


def test_books_checked_together_are_each_reported_as_alone(seed_epub, books, tmp_path):
    """EPUBCheck and Ace check many books in one JVM and one browser: a broken book's findings stay
    its own, and the clean books checked after it in the same run report nothing."""
    broken = tmp_path / "broken.epub"
    broken.write_bytes(seed_epub.read_bytes())
    bare = re.compile(rb'<meta property="(?:schema:|dcterms:modified)[^<]*</meta>| xml:lang="en"')
    _rewrite(broken, OPF, lambda data: bare.sub(b"", data))
    found = checks.check([broken, *books])
    assert {book: found[book] for book in books} == {book: [] for book in books}
    assert any(line.startswith("epubcheck ERROR") and "dcterms:modified" in line for line in found[broken])
    assert {"epub-lang", "metadata-accessmode"} <= {line.split()[1] for line in found[broken] if line.startswith("ace")}
    alone = checks.check([broken])[broken]  # the jar's own command line, for one book
    assert sorted(alone) == sorted(found[broken])
