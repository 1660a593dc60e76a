"""The fact-sheet constructs of a tagged PDF, read back with pikepdf and held to the model.

- each figure with alt text is a /Figure whose /Alt is that text, in reading order, and a
  decorative one is no /Figure (an artifact); the file embeds an image XObject for each image file;
- each footnote is a /Note with a unique /ID, in number order;
- each footnote reference is a /Reference holding the /Link to its note: the link's named
  destination is the /ID of the note it refers to.
The words themselves are the parser's (read.py); this reads only the tags. It reads the written
file only, through the shared structure-tree walk (tree.py).
"""

from __future__ import annotations

import pikepdf

from altformats.document.model import Document, FootnoteRef, normalise
from altformats.formats.pdf.tree import is_element, kids, walk
from altformats.parity import Difference


def sheet_differences(edition: str, doc: Document, pdf: pikepdf.Pdf) -> list[Difference]:
    """Every figure, note and note reference of the PDF whose tagging differs from `doc`'s."""
    root = pdf.Root.get("/StructTreeRoot")
    elements = [e for e in walk(root) if is_element(e)] if root is not None else []
    return [*figure_differences(edition, doc, pdf, elements), *note_differences(edition, doc, elements)]


def figure_differences(edition: str, doc: Document, pdf: pikepdf.Pdf, elements: list) -> list[Difference]:
    """The /Alt of each /Figure against the model's informative figures, and the images embedded."""
    want = [normalise(f.alt) for f in doc.figures() if not f.decorative]
    got = [normalise(str(e.get("/Alt", "(no /Alt)"))) for e in elements if e.S == "/Figure"]
    found: list[Difference] = []
    for k in range(max(len(want), len(got))):
        w, g = (side[k] if k < len(side) else "(no figure)" for side in (want, got))
        if w != g:
            found.append(Difference(edition, None, None, w, g, f"figure {k + 1}: /Alt"))
    files, images = {f.file for f in doc.figures()}, embedded_images(pdf)
    if len(images) < len(files):
        where = "embedded images"
        found.append(Difference(edition, None, None, f"{len(files)} image(s)", f"{len(images)} image(s)", where))
    return found


def embedded_images(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The image XObjects the file holds, less those that are another image's soft mask."""
    images = {o.objgen: o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
    masks = {o.SMask.objgen for o in images.values() if "/SMask" in o}
    return set(images) - masks


def note_differences(edition: str, doc: Document, elements: list) -> list[Difference]:
    """Each footnote a /Note with a unique /ID; each reference a /Reference whose /Link leads to its note's /ID."""
    notes = [e for e in elements if e.S == "/Note"]
    found: list[Difference] = []
    if len(notes) != len(doc.notes):
        found.append(Difference(edition, None, None, f"{len(doc.notes)} /Note", f"{len(notes)} /Note", "notes"))
    ids = [str(note.get("/ID", "")) for note in notes]
    for k, (note, key) in enumerate(zip(doc.notes, ids, strict=False)):
        if not key or ids.count(key) > 1:
            where = f"note {k + 1}: /ID"
            found.append(Difference(edition, note.line, note.line, "a unique /ID", key or "(missing)", where))
    want = [n for block in doc.reading_blocks() for n in _refs(block.inlines)]
    got = [_reference_target(e) for e in elements if e.S == "/Reference"]
    for k in range(max(len(want), len(got))):
        expected = ids[want[k].number - 1] if k < len(want) and want[k].number <= len(ids) else "(no reference)"
        target = got[k] if k < len(got) else "(missing)"
        if k >= len(want) or target != expected:
            line = want[k].line if k < len(want) else None
            where = f"note reference {k + 1}: the /Reference's link"
            found.append(Difference(edition, None, line, f"#{expected}", f"#{target}", where))
    return found


def _reference_target(reference: pikepdf.Dictionary) -> str:
    """The named destination of the link annotation inside a /Reference ("" if it holds none)."""
    for link in (k for k in kids(reference) if is_element(k) and k.S == "/Link"):
        for kid in kids(link):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                dest = kid.Obj.get("/Dest")
                if isinstance(dest, pikepdf.String):
                    return str(dest)
    return ""


def _refs(inlines: tuple) -> list[FootnoteRef]:
    """The footnote references among `inlines`, inside emphasis and links too, in order."""
    return [
        n
        for node in inlines
        for n in ([node] if isinstance(node, FootnoteRef) else _refs(getattr(node, "children", ())))
    ]
