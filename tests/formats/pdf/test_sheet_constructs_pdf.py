"""Figures, footnotes, definition lists, call-outs, in-page links and the colophon in the tagged PDF:
the tags PDF/UA asks for (Figure with /Alt, Note with /ID, Reference), the images embedded, every
edition clean under pdfua and outloud, and each corruption of the tags failing a proof."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pikepdf
import pytest
from pikepdf import Array, Name

from altformats import formats
from altformats.formats.pdf.checks import check
from altformats.formats.pdf.tree import is_element, kids, walk

PDF = formats.get("pdf")


@pytest.fixture(scope="module")
def editions(sheet) -> tuple:
    """The sheet and its three PDF editions (Letter first)."""
    doc, out = sheet
    return doc, PDF.outputs(doc, out / doc.slug)


def proofs(doc, output: formats.Output, check_run) -> dict[str, formats.Proof]:
    return {proof.reader: proof for proof in PDF.prove(doc, output, check_run)}


def elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    return [e for e in walk(pdf.Root.StructTreeRoot.K[0]) if is_element(e) and str(e.S) == kind]


def test_every_edition_passes_every_reader_and_the_checkers(editions, check_run):
    doc, outputs = editions
    for output in outputs:
        found = proofs(doc, output, check_run)
        assert all(p.ok and not p.skipped for p in found.values()), {
            k: [str(d) for d in p.differences] for k, p in found.items()
        }
        assert check(output.path) == [], output.path.name  # pdfua, outloud and our own checks


def test_the_tags_are_what_pdf_ua_asks_for(editions):
    _, outputs = editions
    with pikepdf.open(outputs[0].path) as pdf:
        (figure,) = elements(pdf, "/Figure")  # the decorative rule is an artifact, not a figure
        assert str(figure.Alt).startswith("A bar chart") and "/BBox" in figure.A
        assert [str(note.ID) for note in elements(pdf, "/Note")] == ["note-1", "note-2"]
        references = elements(pdf, "/Reference")
        assert len(references) == 2 and all(kids(r)[0].S == "/Link" for r in references)
        assert len(elements(pdf, "/Caption")) == 1
        images = {o.objgen for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
        assert len(images) == 2  # both images embedded, the decorative one too
        stream = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
        assert stream.count(b"/Artifact") > 0


# ---------------------------------------------------------------- each corruption fails its proof


def drop(kind: str, nth: int = 0) -> Callable[[pikepdf.Pdf], None]:
    """Take the nth element of a structure type out of the tree (its marks stay on the page)."""

    def change(pdf: pikepdf.Pdf) -> None:
        target = elements(pdf, kind)[nth]
        parent = target.P
        parent.K = Array([k for k in kids(parent) if not (is_element(k) and k.objgen == target.objgen)])

    return change


def set_on(kind: str, key: str, value, nth: int = 0) -> Callable[[pikepdf.Pdf], None]:
    """Set (or, with None, delete) an entry of the nth element of a structure type."""

    def change(pdf: pikepdf.Pdf) -> None:
        target = elements(pdf, kind)[nth]
        if value is None:
            del target[key]
        else:
            target[key] = value

    return change


def unwrap_reference(pdf: pikepdf.Pdf) -> None:
    """Put a note reference's /Link back where its /Reference was."""
    reference = elements(pdf, "/Reference")[0]
    link, parent = kids(reference)[0], reference.P
    link.P = parent
    parent.K = Array([link if is_element(k) and k.objgen == reference.objgen else k for k in kids(parent)])


def retarget_reference(pdf: pikepdf.Pdf) -> None:
    """The first note reference leads to the second note."""
    link = kids(elements(pdf, "/Reference")[0])[0]
    annotation = next(k.Obj for k in kids(link) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR")
    annotation.Dest = pikepdf.String("note-2")


def retarget_in_page_link(pdf: pikepdf.Pdf) -> None:
    """The first in-page link leads to a destination the file does not have."""
    annotation = next(a for a in pdf.pages[0].Annots if str(a.get("/Dest", "")) == "who-is-at-risk")
    annotation.Dest = pikepdf.String("who-is-safe")


def remove_figure_image(pdf: pikepdf.Pdf) -> None:
    """The figure's image neither drawn nor in the file."""
    page = pdf.pages[0]
    name = next(k for k, v in page.Resources.XObject.items() if v.get("/Width") == 24)
    ops = [(o, op) for o, op in pikepdf.parse_content_stream(page) if not (str(op) == "Do" and o[0] == Name(name))]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    del page.Resources.XObject[name]


CORRUPTIONS = [
    ("figure /Alt changed", set_on("/Figure", "/Alt", pikepdf.String("A pie chart.")), {"parser", "document facts"}),
    ("figure /Alt removed", set_on("/Figure", "/Alt", None), {"parser", "document facts"}),
    ("figure's image removed", remove_figure_image, {"document facts"}),
    ("a caption dropped", drop("/Caption"), {"parser"}),
    ("a note dropped", drop("/Note", 1), {"parser", "document facts"}),
    ("a note retagged /Div", set_on("/Note", "/S", Name.Div), {"document facts"}),
    ("a note's /ID removed", set_on("/Note", "/ID", None, 1), {"document facts"}),
    ("a note reference not a /Reference", unwrap_reference, {"document facts"}),
    ("a note reference leads to another note", retarget_reference, {"document facts"}),
    ("an in-page link leads nowhere", retarget_in_page_link, {"document facts"}),
    ("a call-out dropped", drop("/Sect", 0), {"parser"}),
    ("the glossary dropped", drop("/L", 1), {"parser"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "failing"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_corrupted_pdf_fails_the_proof(editions, tmp_path, check_run, name, change, failing):
    doc, outputs = editions
    copy = tmp_path / outputs[0].path.name
    shutil.copy(outputs[0].path, copy)
    with pikepdf.open(copy, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(copy)
    found = proofs(doc, formats.Output(outputs[0].edition, copy), check_run)
    assert {reader for reader, proof in found.items() if not proof.ok} >= failing


def test_a_figure_without_alt_fails_pdf_ua(editions, tmp_path):
    _, outputs = editions
    copy = tmp_path / "no-alt.pdf"
    shutil.copy(outputs[0].path, copy)
    with pikepdf.open(copy, allow_overwriting_input=True) as pdf:
        set_on("/Figure", "/Alt", None)(pdf)
        pdf.save(copy)
    assert check(copy)  # the conformance checkers see it too
