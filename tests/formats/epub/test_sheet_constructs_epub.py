"""Figures, footnotes, definition lists, call-outs and the colophon in the EPUB: the package holds the
images, the metadata says what they are, and each corruption of the book fails a proof."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from altformats import api, formats
from altformats.formats.epub import checks
from conftest import FIXTURES

EPUB = formats.get("epub")
SHEET = FIXTURES / "sheets" / "heat-safety.md"
TEXT_ONLY = FIXTURES / "sheets" / "colophon.md"


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """The sheet (every construct) and the colophon-only sheet (no image), built as EPUBs."""
    out = tmp_path_factory.mktemp("sheet")
    api.build([SHEET, TEXT_ONLY], ["epub"], out)
    return api.load(SHEET), out


def book(out: Path, slug: str) -> Path:
    return out / slug / f"{slug}.epub"


def proofs(doc, folder: Path, check_run) -> dict[str, formats.Proof]:
    output = EPUB.outputs(doc, folder / doc.slug)[0]
    return {proof.reader: proof for proof in EPUB.prove(doc, output, check_run)}


def opf(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("EPUB/content.opf").decode()


def properties(text: str, name: str) -> list[str]:
    return re.findall(rf'<meta property="{re.escape(name)}">([^<]*)</meta>', text)


def test_the_sheet_passes_every_reader_epubcheck_and_ace(sheet, check_run):
    doc, out = sheet
    found = proofs(doc, out, check_run)
    assert all(p.ok and not p.skipped for p in found.values()), {
        k: [str(d) for d in p.differences] for k, p in found.items()
    }
    assert checks.check([book(out, doc.slug)]) == {book(out, doc.slug): []}


def test_the_images_are_in_the_package_and_the_notes_carry_epub_types(sheet):
    doc, out = sheet
    with zipfile.ZipFile(book(out, doc.slug)) as z:
        assert z.read("EPUB/images-heat-deaths.png") == (SHEET.parent / "images/heat-deaths.png").read_bytes()
        content = z.read("EPUB/content.xhtml").decode()
    assert 'href="images-heat-deaths.png" id="image-1" media-type="image/png"' in opf(book(out, doc.slug))
    for markup in ('epub:type="noteref"', 'epub:type="endnotes"', 'epub:type="endnote"', 'epub:type="backlink"'):
        assert markup in content, markup


def test_the_accessibility_metadata_follows_what_the_book_holds(sheet):
    _, out = sheet
    pictured, text_only = opf(book(out, "heat-safety")), opf(book(out, "colophon"))
    assert properties(pictured, "schema:accessMode") == ["textual", "visual"]
    assert properties(pictured, "schema:accessModeSufficient") == ["textual"]
    assert {"alternativeText", "longDescription"} <= set(properties(pictured, "schema:accessibilityFeature"))
    assert "has alternative text" in properties(pictured, "schema:accessibilitySummary")[0]
    assert properties(text_only, "schema:accessMode") == ["textual"]
    assert "alternativeText" not in properties(text_only, "schema:accessibilityFeature")
    assert "It has no images" in properties(text_only, "schema:accessibilitySummary")[0]


def rewrite(source: Path, target: Path, change) -> None:
    """Copy the book entry by entry; `change(name, data)` gives an entry's new bytes, or None to drop it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)


def replace(name: str, old: str, new: str):
    def change(entry: str, data: bytes) -> bytes:
        if entry != name:
            return data
        assert old.encode() in data, old
        return data.replace(old.encode(), new.encode(), 1)

    return change


CORRUPTIONS = [
    ("alt text changed", replace("EPUB/content.xhtml", 'alt="A bar chart', 'alt="A pie chart'), {"parser", "browser", "a11y tree"}),
    ("image dropped from the zip", lambda n, d: None if n == "EPUB/images-heat-deaths.png" else d, {"browser", "package"}),
    ("a note's mark changed", replace("EPUB/content.xhtml", 'epub:type="backlink">[2]', 'epub:type="backlink">[3]'),
     {"parser", "browser", "a11y tree"}),
    ("a call-out label changed", replace("EPUB/content.xhtml", ">Call 911</p>", ">Call</p>"), {"parser", "browser", "a11y tree"}),
    ("the colophon's reference changed", replace("EPUB/content.xhtml", "CS-2024-0603", "CS-2024-0604"),
     {"parser", "browser", "a11y tree"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "failing"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_corrupted_book_fails_the_proof(sheet, tmp_path, check_run, name, change, failing):
    doc, out = sheet
    rewrite(book(out, doc.slug), book(tmp_path, doc.slug), change)
    found = proofs(doc, tmp_path, check_run)
    assert {reader for reader, proof in found.items() if not proof.ok} >= failing
