"""The tagged PDF editions: structure tree text, tagging fixes, conformance, determinism."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import weasyprint

from altformats import api, formats
from altformats.document.model import normalise
from altformats.errors import AltformatsError
from altformats.formats.pdf import EDITIONS
from altformats.formats.pdf import checks as pdf_checks
from altformats.formats.pdf.pages import page_box
from altformats.formats.pdf.read import parse_struct_text
from altformats.formats.pdf.tree import walk
from conftest import SEED

FORMATS = ("pdf", "html")  # the HTML edition is the reference these tests compare with

PDF = formats.get("pdf")
# Samples (tests/fixtures/samples/, built once in samples_built): a long French document (page breaks
# inside blocks, loose and nested lists, a table that runs over pages), an Arabic one (right to left),
# a Chinese one (no spaces to wrap at) and one of edge cases (a link round an abbreviation, an address
# too long for a line, a hard break, lists short enough that their bullets are much of a page).
OTHERS = ["fr-long", "ar-missile-defense", "zh-missile-defense", "edge-cases"]


@pytest.fixture(scope="module")
def editions(seed_outputs) -> dict[str, Path]:
    """The seed's PDF files by edition name."""
    return {output.edition: output.path for output in seed_outputs["pdf"]}


@pytest.fixture(scope="module")
def findings(seed_outputs) -> dict[Path, list[str]]:
    """pdfua, outloud and our own checks, run once on every edition of the seed."""
    return PDF.conformance(seed_outputs["pdf"])


@pytest.fixture(scope="module")
def spanish(samples_built) -> Path:
    """The Spanish sample's build (nested lists, a quote, a table, links, an abbreviation)."""
    return samples_built / "es-missile-defense"


@pytest.fixture(scope="module")
def others(samples_built) -> Path:
    return samples_built


def test_three_editions_with_their_names(editions, seed):
    assert sorted(path.name for path in editions.values()) == [
        f"{seed.slug}-a4.pdf",
        f"{seed.slug}-large-print.pdf",
        f"{seed.slug}.pdf",
    ]
    sizes = {name: _page_size(path) for name, path in editions.items()}
    assert sizes == {"pdf": (612, 792), "pdf-a4": (595, 842), "pdf-large-print": (612, 792)}


def test_structure_tree_reads_as_the_seed_words(editions, seed):
    expected = [normalise(block.text) for block in seed.reading_blocks()]
    for path in editions.values():
        assert [normalise(text) for text in PDF.read_back(path)] == expected, path.name


def test_conformance_is_clean_on_every_edition(findings):
    assert findings and all(found == [] for found in findings.values()), findings


def test_large_print_is_18pt_sans_without_italics(editions):
    with pikepdf.open(editions["pdf-large-print"]) as pdf:
        fonts = {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
        sizes = {
            float(operands[1])
            for page in pdf.pages
            for operands, op in pikepdf.parse_content_stream(page)
            if str(op) == "Tf"
        }
    assert fonts and all("Sans" in name and "Italic" not in name and "Oblique" not in name for name in fonts), fonts
    assert min(sizes) >= 18 * 4 / 3 - 0.01  # WeasyPrint sets sizes in CSS px (1pt = 4/3 px)


def test_document_properties_and_outline(editions, seed):
    with pikepdf.open(editions["pdf"]) as pdf:
        assert str(pdf.docinfo.Title) == seed.meta.title
        assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20070416"
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root] + [k.title for item in outline.root for k in item.children]
    headings = [block.text for block in seed.reading_blocks() if block.role in ("title", "heading")]
    assert sorted(titles) == sorted(headings)


def test_links_and_abbreviations_are_described(editions, seed):
    with pikepdf.open(editions["pdf-a4"]) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
        expansions = {str(elem.E) for elem in walk(pdf.Root.StructTreeRoot.K[0]) if "/E" in elem and elem.S == "/Span"}
    assert links and all(str(a.Contents) == "http://www.state.gov" and int(a.F) & 4 for a in links)
    assert expansions == set(seed.meta.abbreviations.values())


def test_two_builds_are_byte_identical(built, editions, tmp_path):
    api.build([SEED], ["pdf"], tmp_path)
    for path in editions.values():
        assert (tmp_path / path.parent.name / path.name).read_bytes() == path.read_bytes(), path.name


def test_breaking_the_tagged_text_of_a_block_fails_the_check(scratch_build, seed):
    path = scratch_build / seed.slug / f"{seed.slug}-a4.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        paragraph = next(e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/P" and len(e.K) > 3)
        del paragraph.K[2]  # one run of words leaves the tree
        pdf.save(path)
    reports = api.check([SEED], ["pdf"], scratch_build, conformance=False)
    broken = [r for r in reports if r.path == path]
    assert broken and broken[0].differences and all(r.ok for r in reports if r.path != path)


def test_unmarking_an_artifact_fails_our_check(scratch_build, seed):
    path = scratch_build / seed.slug / f"{seed.slug}.pdf"
    assert pdf_checks.own_checks(path) == []
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        ops = pikepdf.parse_content_stream(page)
        unmarked = [
            pikepdf.ContentStreamInstruction([pikepdf.Name.Span], pikepdf.Operator("BMC"))
            if str(op) == "BDC" and operands[0] == pikepdf.Name.Artifact
            else pikepdf.ContentStreamInstruction(operands, op)
            for operands, op in ops
        ]
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(unmarked))
        pdf.save(path)
    assert any("neither tagged nor an artifact" in problem for problem in pdf_checks.own_checks(path))


def test_spanish_pdf_carries_the_words_of_its_html(spanish):
    html = [normalise(text) for text in formats.get("html").read_back(spanish / "es-missile-defense.html")]
    for edition in EDITIONS:
        path = spanish / f"es-missile-defense{edition.suffix}.pdf"
        assert [normalise(text) for text in PDF.read_back(path)] == html, path.name
    with pikepdf.open(spanish / "es-missile-defense.pdf") as pdf:
        assert str(pdf.Root.Lang) == "es"


def test_spanish_pdf_conformance_is_clean(spanish):
    assert pdf_checks.check(spanish / "es-missile-defense-large-print.pdf") == []


@pytest.mark.parametrize("slug", OTHERS)
def test_other_documents_carry_the_words_of_their_html(others, slug):
    html = [normalise(text) for text in formats.get("html").read_back(others / slug / f"{slug}.html")]
    for edition in EDITIONS:
        path = others / slug / f"{slug}{edition.suffix}.pdf"
        assert [normalise(text) for text in PDF.read_back(path)] == html, path.name
        assert pdf_checks.check(path) == [], path.name


def test_blocks_cut_by_page_breaks_stay_one_element(others):
    with pikepdf.open(others / "fr-long" / "fr-long-large-print.pdf") as pdf:
        paragraphs = [e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/P"]
        pages_of = [{kid.Pg.objgen for kid in e.K if isinstance(kid, pikepdf.Dictionary)} for e in paragraphs]
        heads = [e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/THead"]
    assert any(len(pages) > 1 for pages in pages_of)  # one /P with spans on two pages
    assert len(heads) == 2  # two tables; the long one's head row, repeated on each page, is tagged once


def test_weasyprint_errors_fail_the_build(tmp_path):
    templates = tmp_path / "templates"
    (templates / "pdf").mkdir(parents=True)
    (templates / "pdf" / "page.html.j2").write_text('<html lang="en"><body><img src="x.png"></body></html>')
    with pytest.raises(AltformatsError, match="WeasyPrint reported errors"):
        api.build([SEED], ["pdf"], tmp_path / "out", templates=str(templates))
    assert not (tmp_path / "out").exists()


def test_a_glyph_no_font_has_fails_the_build(tmp_path):
    source = tmp_path / "glyph.md"
    source.write_text('---\ntitle: "Glyphs"\ndate: 2007-04-16\nlanguage: en\n---\n\nNo font has \U000f0000.\n')
    with pytest.raises(AltformatsError, match="notdef"):
        api.build([source], ["pdf"], tmp_path / "out")


def test_struct_text_parser_skips_labels_attributes_and_annotations():
    report = "\n".join(
        [
            "Document",
            "  L (block)",
            "    LI (block)",
            "      Lbl (block)",
            '        "• "',
            "      LBody (block)",
            '        "One "',
            "        Link (inline)",
            "          Object 7 0",
            '          "two"',
            "  Table (block)",
            "    TR",
            "      TD:",
            "         /Headers [(1-0-0)]",
            '        "cell"',
            "      TH <1-0-1>",
            '        "head"',
        ]
    )
    assert parse_struct_text(report) == ["One two", "cell", "head"]


def _page_size(path: Path) -> tuple[int, int]:
    with pikepdf.open(path) as pdf:
        return tuple(round(float(v)) for v in pdf.pages[0].mediabox[2:])


def test_nested_lists_sit_inside_their_item_and_numbering_keeps_its_start(samples_built):
    path = samples_built / "nested-lists" / "nested-lists.pdf"
    report = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    tree = [
        line.strip().rstrip(":") for line in report.splitlines() if line.strip().split(" ")[0] in {"L", "LI", "LBody"}
    ]
    assert tree[:4] == ["L (block)", "LI (block)", "LBody (block)", "L (block)"]  # "one a" list inside item "one"
    printed = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "5." in printed.split() and "6." in printed.split()


def test_page_box_adapter_reaches_weasyprint_s_box_tree():
    """The one private WeasyPrint API the page list needs: fails here first if an upgrade drops it."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    page = weasyprint.HTML(string="<p>Hello</p>").render().pages[0]
    box = page_box(page)
    assert isinstance(box, boxes.PageBox)
    assert box is page._page_box
    with pytest.raises(AltformatsError, match="_page_box"):
        page_box(object())


def test_weasyprint_loads_its_libraries_as_find_library_would_find_them():
    """While WeasyPrint loads, find_library answers from one reading of the linker cache: the same
    answers as ctypes' own for every name WeasyPrint 70 tries, and ctypes' own again afterwards."""
    import ctypes.util

    from altformats.formats.pdf.write import libraries_from_the_linker_cache

    ffi = (Path(weasyprint.__file__).parent / "text" / "ffi.py").read_text()
    tried = [name for call in re.findall(r"_dlopen\(\s*ffi,([^)]*)\)", ffi) for name in re.findall(r"'([^']+)'", call)]
    names = [name for name in tried if not name.endswith((".dll", ".dylib"))]
    assert {"libgobject-2.0-0", "pango-1.0", "harfbuzz-subset", "libpangoft2-1.0.so.0"} <= set(names)
    original = ctypes.util.find_library
    expected = {name: original(name) for name in names}
    sys.modules.pop("weasyprint", None)  # as in a build, where WeasyPrint is not loaded yet
    try:
        with libraries_from_the_linker_cache():
            assert ctypes.util.find_library is not original
            assert {name: ctypes.util.find_library(name) for name in names} == expected
    finally:
        sys.modules["weasyprint"] = weasyprint
    assert ctypes.util.find_library is original
    assert expected["gobject-2.0"] and expected["harfbuzz"]  # found by name, as WeasyPrint loads them


def test_the_walk_is_in_document_order_and_follows_kids_changed_as_it_goes():
    """tree.walk (a stack, not nested generators) reads an element's kids after yielding it, as a
    recursive walk does: the post-pass passes rewrite /K while they walk."""
    pdf = pikepdf.new()

    def element(tag: str, *kids) -> pikepdf.Dictionary:
        return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name(tag), K=pikepdf.Array(list(kids))))

    later = element("/Span", 3)
    top = element("/Part", element("/H1", 0), element("/L", element("/LI", element("/Lbl", 1)), 2), element("/P"))
    assert [str(e.S) for e in walk(top)] == ["/Part", "/H1", "/L", "/LI", "/Lbl", "/P"]
    seen = []
    for elem in walk(top):
        seen.append(str(elem.S))
        if elem.S == "/P":
            elem.K = pikepdf.Array([later])  # given kids when it is reached
        if elem.S == "/L":
            elem.K = pikepdf.Array([4])  # its item is gone before the walk goes into it
    assert seen == ["/Part", "/H1", "/L", "/P", "/Span"]
