"""Issue 16's PDF and large-print findings, each read off the written files (Matterhorn, UKAAF)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest

from altformats import api
from altformats.document.model import inline_text, normalise
from altformats.formats.pdf import EDITIONS, edition_html
from altformats.formats.pdf import checks as pdf_checks
from altformats.formats.pdf.content import marked_text
from altformats.formats.pdf.tree import is_element, kids, walk
from conftest import SAMPLE, SEED

FORMATS = ("pdf",)
LARGE = next(e for e in EDITIONS if e.name == "pdf-large-print")
# The documents with links: a long address that wraps (edge cases, the seed in large print), a
# link round an abbreviation (structures, edge cases), a link that wraps at a space (fr-long).
LINKED = ["missile-defense", "edge-cases", "structures", "es-missile-defense", "fr-long", "hoja-informativa"]
EVERY = ["missile-defense", *sorted(SAMPLE)]
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
INCH = 72.0
# The large print's text area: the page less its top and bottom margins (CSS shorthand, inches).
TOP, _, BOTTOM = (float(v.removesuffix("in")) * INCH for v in LARGE.margin.split()[:3])


@pytest.fixture(scope="module")
def folder(built, samples_built) -> dict[str, Path]:
    """Each document's build folder by slug: the seed and every sample, in PDF."""
    return {"missile-defense": built / "missile-defense", **{slug: samples_built / slug for slug in SAMPLE}}


def _pdf(folder: dict[str, Path], slug: str, suffix: str = "") -> Path:
    return folder[slug] / f"{slug}{suffix}.pdf"


def _source(slug: str) -> Path:
    return SEED if slug == "missile-defense" else SAMPLE[slug]


def _links(path: Path) -> list[tuple[str, list[pikepdf.Dictionary]]]:
    """Each /Link structure element's visible text and its annotations, in document order."""
    with pikepdf.open(path) as pdf:
        texts = {page.obj.objgen: marked_text(page) for page in pdf.pages}

        def text(elem) -> str:
            parts = []
            for kid in kids(elem):
                if isinstance(kid, int):
                    parts.append(texts[elem.Pg.objgen].get(kid, ""))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    parts.append(texts[kid.Pg.objgen].get(int(kid.MCID), ""))
                elif is_element(kid):
                    parts.append(text(kid))
            return "".join(parts)

        found = []
        for link in (e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/Link"):
            owned = [k.Obj for k in kids(link) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            found.append((normalise(text(link)), [pikepdf.Dictionary(a) for a in owned]))
        return found


def _html_links(slug: str) -> list[str]:
    """The visible text of each <a> in the HTML the PDF is laid out from."""
    import lxml.html

    html = edition_html(api.load(_source(slug)), EDITIONS[0])
    return [normalise(a.text_content()) for a in lxml.html.document_fromstring(html).iter("a")]


# Matterhorn 16-001/16-002; ISO 32000-1 table 347: the numbering an L's labels follow.
@pytest.mark.parametrize("slug", EVERY)
def test_every_list_says_its_numbering(folder, slug):
    for edition in EDITIONS:
        with pikepdf.open(_pdf(folder, slug, edition.suffix)) as pdf:
            lists = [e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/L"]
            for element in lists:
                attributes = element.get("/A")
                assert isinstance(attributes, pikepdf.Dictionary), (slug, edition.name)
                assert attributes.O == "/List" and "/ListNumbering" in attributes


def test_ordered_lists_are_decimal_and_bullets_disc(folder):
    with pikepdf.open(_pdf(folder, "nested-lists")) as pdf:
        numbering = [str(e.A.ListNumbering) for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/L"]
    assert "/Decimal" in numbering and set(numbering) <= {"/Decimal", "/Disc", "/Circle", "/Square"}


def test_an_ordered_list_without_numbering_fails_our_check(folder, tmp_path):
    path = tmp_path / "broken.pdf"
    with pikepdf.open(_pdf(folder, "nested-lists")) as pdf:
        ordered = next(e for e in walk(pdf.Root.StructTreeRoot.K[0]) if e.S == "/L" and e.A.ListNumbering == "/Decimal")
        del ordered.A.ListNumbering
        pdf.save(path)
    assert any("ListNumbering" in problem for problem in pdf_checks.own_checks(path))


@pytest.mark.parametrize("slug", LINKED)
def test_a_link_is_one_element_named_with_its_whole_text(folder, slug):
    expected = _html_links(slug)
    for edition in EDITIONS:
        links = _links(_pdf(folder, slug, edition.suffix))
        assert [name for name, _ in links] == expected, edition.name
        for name, owned in links:
            assert owned and all(str(a.Contents) == name for a in owned), (edition.name, name)


def test_the_long_address_wraps_and_stays_one_link(folder):
    links = _links(_pdf(folder, "edge-cases", LARGE.suffix))
    address = next(annotations for name, annotations in links if name.startswith("https://www.example.org/"))
    assert len(address) >= 2  # one annotation per line it runs over, all under one Link


@pytest.mark.parametrize("slug", ["structures", "edge-cases"])
def test_a_link_round_an_abbreviation_is_one_tab_stop(folder, slug):
    for edition in EDITIONS:
        path = _pdf(folder, slug, edition.suffix)
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                rects = [_rect(a) for a in page.get("/Annots", []) if a.Subtype == "/Link"]
                nested = [(a, b) for i, a in enumerate(rects) for j, b in enumerate(rects) if i != j and _inside(a, b)]
                assert not nested, (path.name, nested)
        assert pdf_checks.own_checks(path) == []


def test_a_nested_link_annotation_fails_our_check(folder, tmp_path):
    path = tmp_path / "nested.pdf"
    with pikepdf.open(_pdf(folder, "structures")) as pdf:
        page = next(p for p in pdf.pages if "/Annots" in p)
        outer = next(a for a in page.Annots if a.Subtype == "/Link")
        inner = pdf.make_indirect(pikepdf.Dictionary(outer))
        inner.Rect = pikepdf.Array([float(v) + d for v, d in zip(_rect(outer), (1, 1, -1, -1), strict=True)])
        page.Annots.append(inner)
        pdf.save(path)
    assert any("inside another" in problem for problem in pdf_checks.own_checks(path))


def _rect(annotation) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(a: tuple, b: tuple, slack: float = 0.5) -> bool:
    return b[0] - slack <= a[0] and b[1] - slack <= a[1] and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def test_info_producer_agrees_with_the_xmp(folder):
    for slug in ("missile-defense", "edge-cases"):
        for edition in EDITIONS:
            with pikepdf.open(_pdf(folder, slug, edition.suffix)) as pdf:
                xmp = pdf.open_metadata(set_pikepdf_as_editor=False)
                assert str(pdf.docinfo.Producer) == xmp["pdf:Producer"]
                assert str(pdf.docinfo.Creator) == xmp["xmp:CreatorTool"]
                assert "WeasyPrint" in str(pdf.docinfo.Producer) and "pikepdf" not in str(pdf.docinfo.Producer)


def test_a_printed_address_in_right_to_left_text_is_isolated(folder):
    """As printed, the address reads left to right, brackets outside (before: ")/https://www.state.gov(")."""
    for edition in EDITIONS:
        path = _pdf(folder, "ar-missile-defense", edition.suffix)
        xml = _pdftotext(path, "-bbox")
        printed = [word for word in re.findall(r"<word [^>]*>([^<]*)</word>", xml) if "state.gov" in word]
        assert printed == ["(https://www.state.gov/)"], (edition.name, printed)
        assert "/https://" not in BIDI_CONTROLS.sub("", _pdftotext(path)), edition.name


def _pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _lines(path: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's laid-out lines as (top, bottom, text), from pdftotext -bbox-layout."""
    xml = re.sub(r' xmlns="[^"]+"', "", _pdftotext(path, "-bbox-layout"), count=1)
    pages = []
    for page in ElementTree.fromstring(xml).iter("page"):
        lines = [
            (float(line.get("yMin")), float(line.get("yMax")), " ".join(w.text or "" for w in line.iter("word")))
            for line in page.iter("line")
        ]
        pages.append(sorted(lines))
    return pages


@pytest.mark.parametrize("slug", ["missile-defense", "fr-long", "es-missile-defense"])
def test_large_print_running_head_is_one_line_not_in_capitals(folder, slug):
    from altformats.formats.pdf.editions import running_head

    doc = api.load(_source(slug))
    pages = _lines(_pdf(folder, slug, LARGE.suffix))
    head = running_head(doc.meta.title)
    assert doc.meta.title.startswith(head) or head.endswith("…")  # the title before its colon, or cut
    assert len(pages) > 1
    for number, lines in enumerate(pages[1:], start=2):
        above = [text for top, bottom, text in lines if bottom < TOP]  # in the top margin
        assert above == [head], (number, above)
        assert not head.isupper()


def test_running_head_is_short_and_mixed_case():
    from altformats.formats.pdf.editions import running_head

    title = "U.S. Missile Defense: Cooperation With NATO and Russia"
    assert running_head(title) == "U.S. Missile Defense"  # the title before its colon
    long = running_head("Coopération européenne et un document long pour les sauts de page sans deux-points")
    assert long.endswith("…") and len(long) <= 40 and not long.isupper()
    assert running_head("Short title") == "Short title"


def test_large_print_strong_is_bold_and_not_underlined_like_links():
    import weasyprint

    doc = api.load(SAMPLE["es-missile-defense"])
    styles = {"strong": [], "a": []}
    for page in weasyprint.HTML(string=edition_html(doc, LARGE)).render().pages:
        for box in _boxes(page._page_box):
            tag = getattr(box, "element_tag", None)
            if tag in styles and box.element is not None:
                styles[tag].append(box.style)
    assert styles["strong"] and styles["a"]
    assert all(
        s["font_weight"] >= 700 and "underline" not in (s["text_decoration_line"] or ()) for s in styles["strong"]
    )
    assert all("underline" in s["text_decoration_line"] for s in styles["a"])


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_large_print_pages_are_not_left_a_quarter_empty(folder):
    """Every page but a document's last is filled to within a fifth of its text area (before: a
    quarter to a third on most pages, 96% on one), bar a page before a table: a row stays whole."""
    worst = {}
    for slug in EVERY:
        pages = [_body(lines) for lines in _lines(_pdf(folder, slug, LARGE.suffix))]
        heads = _table_heads(api.load(_source(slug)))
        for page, following in zip(pages, pages[1:], strict=False):
            if following and any(following[0][2].startswith(head) for head in heads):
                continue  # the next page starts a table whose first row did not fit here
            area = 11 * INCH - BOTTOM - TOP
            share = (11 * INCH - BOTTOM - max((bottom for _, bottom, _ in page), default=TOP)) / area
            worst[slug] = max(worst.get(slug, 0.0), round(share, 2))
    assert max(worst.values()) <= 0.2, worst


def _body(lines: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The lines of a page inside its text area (not the running head or the page number)."""
    return [line for line in lines if line[0] > TOP - 5 and line[1] < 11 * INCH - BOTTOM + 2]


def _table_heads(doc) -> set[str]:
    """The first head cell of each table of `doc`: the line a page starting that table begins with."""
    tables = [block for block in doc.blocks if block.kind == "table" and block.head]
    return {normalise(inline_text(table.head[0].cells[0].children)) for table in tables}
