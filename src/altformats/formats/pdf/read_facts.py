"""The PDF's document facts, read back with pikepdf and held to the model: the "document facts" proof.

What a reader of the file is told besides the tagged words, and what the tags say the page does
not show:
- the catalog's /Lang is the source's language; the Info /Title and the XMP dc:title are its title;
- each link annotation's /URI is the source link's target, in order, and its /Contents the link's
  words (one link wrapped over two lines is two annotations with the same URI and words); an
  in-page link's and a note reference's named destination is its "#id", and must be in the file;
- the figures, notes and note references are tagged as the model has them (read_sheet.py);
- every tagged glyph is painted where a sighted reader sees it (read_paint.py: not in text render
  mode 3 or 7, not transparent, not too small, not outside the page or its clip, not in the colour
  of what is under it), and every glyph that shows is tagged or an artifact;
- an /ActualText (on a structure element or a marked-content sequence) is what assistive
  technology reads instead of the glyphs: it must be the text those glyphs show.
It reads the written file only, through the page painter (read_paint.py, on the shared
content-stream decoding) and the shared structure-tree walk (tree.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf

from altformats.document.model import Document, FootnoteRef, Link, normalise
from altformats.formats.pdf.read_paint import Glyph, Painter
from altformats.formats.pdf.read_sheet import sheet_differences
from altformats.formats.pdf.tree import is_element, kids, walk
from altformats.parity import Difference

FactDifference = Difference  # a difference named by `where` (parity.Difference)


def fact_differences(edition: str, doc: Document, path: Path) -> list[Difference]:
    """Every document fact of the PDF at `path` that differs from `doc`."""
    with pikepdf.open(path) as pdf:
        return [
            *metadata_differences(edition, doc, pdf),
            *link_differences(edition, doc, pdf),
            *sheet_differences(edition, doc, pdf),
            *painted_differences(edition, pdf),
        ]


# --- metadata -----------------------------------------------------------------------------------


def metadata_differences(edition: str, doc: Document, pdf: pikepdf.Pdf) -> list[Difference]:
    """/Lang, the Info /Title and the XMP dc:title against the front matter."""
    info_title = str(pdf.docinfo.get("/Title", ""))  # before the XMP is opened: closing it syncs the Info
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp_title = str(xmp.get("dc:title") or "")
    facts = [
        ("the catalog's /Lang", doc.meta.language, str(pdf.Root.get("/Lang", "")), str.lower),
        ("the Info dictionary's /Title", doc.meta.title, info_title, normalise),
        ("the XMP dc:title", doc.meta.title, xmp_title, normalise),
    ]
    return [
        FactDifference(edition, None, None, want, got or "(missing)", where)
        for where, want, got, fold in facts
        if fold(want) != fold(got)
    ]


# --- links --------------------------------------------------------------------------------------


def source_links(doc: Document) -> list[tuple[str, str]]:
    """(target, words) of every link of the model, in reading order."""
    return [pair for block in doc.reading_blocks() for pair in _links(block.inlines)]


def _links(inlines: tuple) -> Iterator[tuple[str, str]]:
    from altformats.document.model import inline_text

    for node in inlines:
        if isinstance(node, Link):
            yield node.target, normalise(inline_text(node.children))
        elif isinstance(node, FootnoteRef):  # its mark links to its note, at the end of the document
            yield f"#note-{node.number}", node.text
        elif hasattr(node, "children"):
            yield from _links(node.children)


def file_links(pdf: pikepdf.Pdf) -> list[tuple[str, str, int]]:
    """(URI, Contents, page) of each link, in page and annotation order; a wrapped link counted once."""
    found: list[tuple[str, str, int]] = []
    for number, page in enumerate(pdf.pages, 1):
        for annot in page.get("/Annots") or []:
            if annot.get("/Subtype") != "/Link":
                continue
            link = (link_target(pdf, annot), normalise(str(annot.get("/Contents", ""))), number)
            if not found or found[-1][:2] != link[:2]:
                found.append(link)
    return found


def link_target(pdf: pikepdf.Pdf, annot: pikepdf.Dictionary) -> str:
    """A link annotation's target: its action's /URI, or "#name" for a named destination in the file
    (an in-page link), marked when the file declares no such destination."""
    action = annot.get("/A")
    if action is not None and "/URI" in action:
        return str(action.URI)
    dest = annot.get("/Dest", action.get("/D") if action is not None else None)
    if isinstance(dest, pikepdf.String):
        return f"#{dest}" if str(dest) in named_destinations(pdf) else f"#{dest} (no such destination)"
    return ""


def named_destinations(pdf: pikepdf.Pdf) -> set[str]:
    """The names of the file's named destinations (the catalog's /Names /Dests tree)."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return set()
    return set(pikepdf.NameTree(names.Dests).keys())


def link_differences(edition: str, doc: Document, pdf: pikepdf.Pdf) -> list[Difference]:
    """Each source link against the PDF's link at the same place: /URI and /Contents."""
    want, got = _collapsed(source_links(doc)), file_links(pdf)
    found: list[Difference] = []
    for k in range(max(len(want), len(got))):
        w = want[k] if k < len(want) else ("(no link)", "")
        uri, contents, page = got[k] if k < len(got) else ("(missing)", "(missing)", 0)
        where = f"link {k + 1}" + (f" (page {page})" if page else "")
        if uri != w[0]:
            found.append(FactDifference(edition, None, None, w[0], uri, f"{where}: /URI"))
        if k < len(want) and contents != w[1]:
            found.append(FactDifference(edition, None, None, w[1], contents, f"{where}: /Contents"))
    return found


def _collapsed(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive equal links as one, as the file's wrapped links are read."""
    return [link for k, link in enumerate(links) if k == 0 or links[k - 1] != link]


# --- the tags against the paint -----------------------------------------------------------------


def painted_differences(edition: str, pdf: pikepdf.Pdf) -> list[Difference]:
    """Tagged text the page does not show, and /ActualText that is not the text its glyphs show."""
    tagged = tagged_content(pdf)
    shown: dict[tuple[tuple, int], list[Glyph]] = {}  # (page objgen, MCID) -> its glyphs
    found: list[Difference] = []
    for number, page in enumerate(pdf.pages, 1):
        x1, y1, x2, y2 = (float(v) for v in page.obj.get("/CropBox", page.MediaBox))
        painter = Painter(page, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))).run()
        for glyph in painter.glyphs:
            shown.setdefault((page.obj.objgen, glyph.mcid), []).append(glyph)
        found += _hidden_differences(edition, number, painter.glyphs, tagged.get(page.obj.objgen, {}))
        found += _untagged_differences(edition, number, painter.glyphs, tagged.get(page.obj.objgen, {}))
        for mcid, text, first, end in painter.actual:
            where = f"page {number}, marked content {mcid}: /ActualText"
            found += _actual_difference(edition, where, text, painter.glyphs[first:end])
    for elem in walk(pdf.Root.StructTreeRoot):
        if is_element(elem) and "/ActualText" in elem:
            glyphs = [g for e in walk(elem) for key in _marked(e) for g in shown.get(key, [])]
            where = f"{_page_of(pdf, elem)}{str(elem.S)[1:]} /ActualText"
            found += _actual_difference(edition, where, str(elem.ActualText), glyphs)
    return found


def _page_of(pdf: pikepdf.Pdf, elem: pikepdf.Dictionary) -> str:
    page = elem.get("/Pg")
    numbers = {p.obj.objgen: n for n, p in enumerate(pdf.pages, 1)}
    return f"page {numbers[page.objgen]}, " if page is not None and page.objgen in numbers else ""


def _hidden_differences(edition: str, number: int, glyphs: list[Glyph], tagged: dict[int, str]) -> list[Difference]:
    """One difference per tagged marked-content sequence with words that do not show."""
    found: list[Difference] = []
    for mcid, kind in tagged.items():
        mine = [g for g in glyphs if g.mcid == mcid]
        hidden = [g for g in mine if g.hidden and g.text.strip()]
        if hidden:
            words = normalise("".join(g.text if g.hidden else " " for g in mine))
            where = f"page {number}, {kind} (MCID {mcid}): {words!r} is tagged but not shown ({hidden[0].hidden})"
            shown = normalise("".join(g.text if not g.hidden else " " for g in mine))
            found.append(FactDifference(edition, None, None, normalise("".join(g.text for g in mine)), shown, where))
    return found


def _untagged_differences(edition: str, number: int, glyphs: list[Glyph], tagged: dict[int, str]) -> list[Difference]:
    """Words painted on the page that are neither tagged nor an artifact: no reader of the tags hears them."""
    words = normalise("".join(g.text if not (g.hidden or g.artifact or g.mcid in tagged) else " " for g in glyphs))
    where = f"page {number}: text painted but neither tagged nor an artifact"
    return [FactDifference(edition, None, None, "(nothing)", words, where)] if words else []


def _actual_difference(edition: str, where: str, actual: str, glyphs: list[Glyph]) -> list[Difference]:
    shown = normalise("".join(g.text for g in glyphs if not g.hidden))
    return [] if normalise(actual) == shown else [FactDifference(edition, None, None, shown, normalise(actual), where)]


def tagged_content(pdf: pikepdf.Pdf) -> dict[tuple, dict[int, str]]:
    """Page objgen -> MCID -> the structure type that holds it, for every MCID the structure tree refers to."""
    found: dict[tuple, dict[int, str]] = {}
    for elem in walk(pdf.Root.StructTreeRoot):
        for page, mcid in _marked(elem):
            found.setdefault(page, {})[mcid] = str(elem.get("/S", "/?"))[1:]
    return found


def _marked(elem: pikepdf.Dictionary) -> Iterator[tuple[tuple, int]]:
    """(page objgen, MCID) of the elem's own marked-content kids (integers or MCR dictionaries)."""
    for kid in kids(elem):
        if isinstance(kid, int) and "/Pg" in elem:
            yield elem.Pg.objgen, int(kid)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            page = kid.get("/Pg", elem.get("/Pg"))
            if page is not None:
                yield page.objgen, int(kid.MCID)
