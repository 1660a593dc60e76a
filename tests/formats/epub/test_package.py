"""The whole EPUB is accounted for: OPF metadata, manifest, nav and NCX, read back and corrupted."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from altformats import api, formats
from altformats.formats.epub.read_package import expected_toc, package_proofs, read_package
from conftest import SAMPLES, SEED

OPF, NAV, NCX, CONTENT = "EPUB/content.opf", "EPUB/nav.xhtml", "EPUB/toc.ncx", "EPUB/content.xhtml"
EXTRA = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en" '
    b'xml:lang="en"><head><title>U.S. Missile Defense: Cooperation With NATO and Russia</title></head>'
    b"<body><main><p>Words no reader was told about.</p></main></body></html>"
)
UNUSED_ITEM = b'<item href="extra.xhtml" id="extra" media-type="application/xhtml+xml"/></manifest>'
LANDMARKS = '<nav epub:type="landmarks" hidden="hidden"><ol><li><a epub:type="bodymatter" href="{}">Start</a></li></ol></nav></body>'
NESTING = (
    b'<li><a href="content.xhtml#cooperation-with-russia">Cooperation with Russia</a></li>\n</ol></li>',
    b'</ol></li>\n<li><a href="content.xhtml#cooperation-with-russia">Cooperation with Russia</a></li>',
)


@pytest.fixture(scope="module")
def seed_epub(seed, built) -> Path:
    return built / seed.slug / f"{seed.slug}.epub"


def _proofs(doc, path: Path) -> dict[str, formats.Proof]:
    return {p.reader: p for p in package_proofs(doc, formats.Output("epub", path))}


def _repack(path: Path, changes: dict[str, Callable[[bytes], bytes]], added: dict[str, bytes] | None = None) -> None:
    """Rewrite the zip with `changes` applied to their entries and `added` entries appended."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            target.writestr(info, changes.get(info.filename, lambda d: d)(data))
        for name, data in (added or {}).items():
            target.writestr(name, data)


def _replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old in data, old  # the corruption must change something
        return data.replace(old, new, 1)

    return change


# ---------------------------------------------------------------- what is written passes


def test_seed_package_and_navigation_pass_and_the_seed_has_a_page_list(seed, seed_epub):
    proofs = _proofs(seed, seed_epub)
    assert {name: p.differences for name, p in proofs.items()} == {"package": (), "navigation": ()}
    with zipfile.ZipFile(seed_epub) as book:
        assert b'epub:type="page-list"' in book.read(NAV)  # so the page list is really compared


def test_every_sample_passes_every_epub_proof(samples_built, check_run):
    epub = formats.get("epub")
    for source in SAMPLES:
        doc = api.load(source)
        output = epub.outputs(doc, samples_built / doc.slug)[0]
        proofs = epub.prove(doc, output, check_run)
        assert {"parser", "package", "navigation"} <= {p.reader for p in proofs}
        assert [str(d) for p in proofs for d in p.differences] == [], source.name


def test_expected_toc_nests_the_headings_under_the_title(seed):
    assert [text for text, _ in expected_toc(seed)] == [
        "1: U.S. Missile Defense: Cooperation With NATO and Russia",
        "2: Cooperation with NATO",
        "2: Cooperation with Russia",
    ]


def test_check_names_the_package_readers(seed, built):
    [report] = api.check([SEED], ["epub"], built, conformance=False)
    assert report.ok and "package ok" in report.readers() and "navigation ok" in report.readers()


def test_a_landmarks_nav_that_resolves_is_accepted(seed, seed_epub, tmp_path):
    copy = tmp_path / "landmarks.epub"
    shutil.copy(seed_epub, copy)
    _repack(copy, {NAV: _replace(b"</body>", LANDMARKS.format("content.xhtml#heading-1").encode())})
    assert all(p.ok for p in _proofs(seed, copy).values())


def test_the_reader_sees_every_file_of_the_seed(seed_epub):
    book = read_package(seed_epub.read_bytes())
    assert book.content_documents() == [CONTENT, NAV]
    assert sorted(path for path, _, _ in book.manifest.values()) == [CONTENT, NAV, "EPUB/style.css", NCX]


# ---------------------------------------------------------------- each corruption fails its proof

CORRUPTIONS = {
    # name: (entry, old, new, failing proof, words in the difference)
    "nav toc label": (NAV, b"with NATO</a>", b"with OTAN</a>", "navigation", "OTAN"),
    "ncx label": (NCX, b"<text>Cooperation with Russia", b"<text>Cooperation with Prussia", "navigation", "Prussia"),
    "dc:title": (OPF, b"<dc:title>U.S. Missile", b"<dc:title>U.K. Missile", "package", "U.K."),
    "dc:language": (OPF, b"<dc:language>en<", b"<dc:language>fr<", "package", "dc:language"),
    "dc:date": (OPF, b"<dc:date>2007-04-16<", b"<dc:date>2007-04-17<", "package", "2007-04-17"),
    "dc:publisher": (OPF, b"Department of State</dc", b"Department of Stat</dc", "package", "Stat"),
    "dc:description": (OPF, b"</dc:description>", b" Not.</dc:description>", "package", "Not."),
    "a second dc:title": (OPF, b"<dc:language>", b"<dc:title>Another</dc:title><dc:language>", "package", "Another"),
    "an extra dc element": (OPF, b"<dc:language>", b"<dc:subject>Spin</dc:subject><dc:language>", "package", "Spin"),
    "package xml:lang": (OPF, b'xml:lang="en">', b'xml:lang="de">', "package", "xml:lang"),
    "content xml:lang": (CONTENT, b'xml:lang="en"', b'xml:lang="fr"', "package", "xml:lang"),
    "content title": (CONTENT, b"<title>U.S.", b"<title>U.K.", "package", "U.K."),
    "text outside main": (CONTENT, b"</main>", b"</main><p>Unread words</p>", "package", "Unread words"),
    "nav href pointing nowhere": (NAV, b"#cooperation-with-nato", b"#heading-9", "navigation", "heading-9"),
    "nav target another heading": (
        NAV,
        b"#cooperation-with-nato",
        b"#cooperation-with-russia",
        "navigation",
        "Cooperation with NATO",
    ),
    "ncx src pointing nowhere": (NCX, b"#cooperation-with-russia", b"#nowhere", "navigation", "nowhere"),
    "nav toc heading": (NAV, b'"toc-title">Contents<', b'"toc-title">Contenido<', "navigation", "Contenido"),
    # the second subsection moved out of the title's list: nesting changes, no label does
    "nav nesting": (NAV, *NESTING, "navigation", "2: Cooperation with Russia"),
    "nav extra text": (NAV, b"</nav>", b"<p>Read me</p></nav>", "navigation", "Read me"),
    "page list label": (NAV, b'#page-2">2<', b'#page-2">3<', "navigation", "3 -> EPUB/content.xhtml#page-2"),
    "page list target": (NAV, b'#page-2">2<', b'#page-1">2<', "navigation", "page-1"),
    "page list entry dropped": (NAV, b'<li><a href="content.xhtml#page-2">2</a></li>', b"", "navigation", "(missing)"),
    "page marker dropped": (CONTENT, b'id="page-2"', b'id="page-x"', "navigation", "page-2"),
    "page claim dropped": (OPF, b">pageNavigation<", b">readingOrder<", "navigation", "page navigation claims"),
    "ncx uid": (NCX, b'content="urn:uuid:1497', b'content="urn:uuid:0497', "navigation", "dtb:uid"),
    "ncx docTitle": (NCX, b"<docTitle>\n    <text>U.S.", b"<docTitle>\n    <text>U.K.", "navigation", "docTitle"),
    "landmark pointing nowhere": (
        NAV,
        b"</body>",
        LANDMARKS.format("content.xhtml#gone").encode(),
        "navigation",
        "gone",
    ),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_a_corrupted_entry_fails_its_proof(name, seed, seed_epub, tmp_path):
    entry, old, new, proof, words = CORRUPTIONS[name]
    copy = tmp_path / "corrupt.epub"
    shutil.copy(seed_epub, copy)
    _repack(copy, {entry: _replace(old, new)})
    proofs = _proofs(seed, copy)
    assert not proofs[proof].ok, name
    assert any(words in str(d) for d in proofs[proof].differences), [str(d) for d in proofs[proof].differences]


def test_an_unreferenced_xhtml_file_in_the_zip_fails(seed, seed_epub, tmp_path):
    copy = tmp_path / "extra.epub"
    shutil.copy(seed_epub, copy)
    _repack(copy, {}, {"EPUB/extra.xhtml": EXTRA})
    [difference] = _proofs(seed, copy)["package"].differences
    assert "EPUB/extra.xhtml" in str(difference) and "not in the manifest" in str(difference)


def test_an_unused_manifest_item_fails(seed, seed_epub, tmp_path):
    copy = tmp_path / "unused.epub"
    shutil.copy(seed_epub, copy)
    _repack(copy, {OPF: _replace(b"</manifest>", UNUSED_ITEM)}, {"EPUB/extra.xhtml": EXTRA})
    [difference] = _proofs(seed, copy)["package"].differences
    assert "manifest item extra" in str(difference) and "unused" in str(difference)


def test_a_manifest_item_with_no_file_fails(seed, seed_epub, tmp_path):
    copy = tmp_path / "missing.epub"
    shutil.copy(seed_epub, copy)
    _repack(copy, {OPF: _replace(b'href="style.css"', b'href="gone.css"')})
    found = [str(d) for d in _proofs(seed, copy)["package"].differences]
    assert any("gone.css" in d and "no such file" in d for d in found)
    assert any("EPUB/style.css" in d and "not in the manifest" in d for d in found)


def test_check_fails_on_a_changed_title_in_the_opf(seed, scratch_build):
    path = scratch_build / seed.slug / f"{seed.slug}.epub"
    _repack(path, {OPF: _replace(b"<dc:title>U.S. Missile", b"<dc:title>U.K. Missile")})
    [report] = api.check([SEED], ["epub"], scratch_build, conformance=False)
    assert not report.ok and "package FAIL" in report.readers() and "parser ok" in report.readers()
    assert re.search(r"content\.opf dc:title: expected 'U\.S\. .*', found 'U\.K\. ", str(report.differences[0]))
