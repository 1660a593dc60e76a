"""The fact-sheet constructs' tags, mended after WeasyPrint: footnotes, their references, decorative images.

WeasyPrint 70 tags an <img> /Figure with its alt as /Alt and embeds the image, and a <figcaption>
/Caption; what it cannot know is done here (templates/pdf/inlines.html.j2 marks each construct):
- a note's reference (<a class="noteref">, a /Link to the note) is wrapped in a /Reference;
- a note (<div class="note">, a /Div) becomes a /Note with a unique /ID, as PDF/UA-1 asks
  (Matterhorn 19-003, 19-004); the notes come at the end of the document, as the model reads them;
- a decorative image (alt="", a /Figure without /Alt) leaves the tree, so its content becomes an
  /Artifact (fixes.py marks every mark no element holds).
"""

from __future__ import annotations

from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name

from altformats.formats.pdf.tree import is_element, kids, walk

Starts = Callable[[Dictionary, str], bool]  # True when an element's text starts where an HTML "tag.class" starts


def drop_decorative_figures(top: Dictionary) -> None:
    """Take each /Figure without /Alt (a decorative image) out of the tree: its mark becomes an artifact."""
    for elem in list(walk(top)):
        decorative = [k for k in kids(elem) if is_element(k) and k.S == "/Figure" and "/Alt" not in k]
        if decorative:
            gone = {figure.objgen for figure in decorative}
            elem.K = Array([k for k in kids(elem) if not (is_element(k) and k.objgen in gone)])


def tag_notes(pdf: pikepdf.Pdf, top: Dictionary, starts: Starts) -> None:
    """Wrap each note reference's /Link in a /Reference, and make each note's /Div a /Note with an /ID."""
    number = 0
    for elem in list(walk(top)):
        if elem.S == "/Div" and starts(elem, "div.note"):
            number += 1
            elem.S = Name.Note
            elem.ID = pikepdf.String(f"note-{number}")
        for link in [k for k in kids(elem) if is_element(k) and k.S == "/Link" and starts(k, "a.noteref")]:
            reference = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Reference, P=elem, K=Array([link])))
            if "/Pg" in link:
                reference.Pg = link.Pg
            link.P = reference
            elem.K = Array([reference if is_element(k) and k.objgen == link.objgen else k for k in kids(elem)])
