"""The numbering of each list, as a /ListNumbering attribute: WeasyPrint writes none.

PDF/UA-1 (Matterhorn 16-001, 16-002) asks an ordered list to say how it is numbered, so that
assistive technology can announce "list of 3 items, numbered"; ISO 32000-1 table 347 names
the values. The value is read off the labels as printed ("1." Decimal, "•" Disc, "◦"
Circle, "▪" Square, roman numerals and letters), so it says what the page shows.
"""

from __future__ import annotations

import re

from pikepdf import Dictionary, Name

from altformats.formats.pdf.content import Texts
from altformats.formats.pdf.tree import is_element, kids, walk

BULLETS = {"•": "Disc", "◦": "Circle", "▪": "Square", "■": "Square", "–": "None", "-": "None"}
ROMAN = re.compile(r"^[ivxlcdm]+$")


def number_lists(top: Dictionary, texts: Texts) -> None:
    """Give each /L an /A << /O /List /ListNumbering ... >> from the labels of its items."""
    for element in (e for e in walk(top) if e.S == "/L"):
        labels = [_label(item, texts) for item in kids(element) if is_element(item) and item.S == "/LI"]
        attributes = element.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = element.A = Dictionary()
        attributes.O = Name.List
        attributes.ListNumbering = Name("/" + numbering([label for label in labels if label]))


def numbering(labels: list[str]) -> str:
    """The ListNumbering value (without its slash) that a list's printed labels follow."""
    marks = [label.strip().rstrip(".)").lstrip("(") for label in labels]
    if not marks:
        return "None"
    if all(mark.isdigit() for mark in marks):
        return "Decimal"
    if len(set(marks)) == 1 and marks[0] in BULLETS:
        return BULLETS[marks[0]]
    for case, name in ((str.lower, "Lower"), (str.upper, "Upper")):
        if all(mark == case(mark) and ROMAN.match(mark.lower()) for mark in marks) and marks[0].lower() == "i":
            return f"{name}Roman"
        if all(mark == case(mark) and len(mark) == 1 and mark.isalpha() for mark in marks):
            return f"{name}Alpha"
    return "None"  # labels that follow no scheme the attribute can name


def _label(item: Dictionary, texts: Texts) -> str:
    """The printed text of a list item's /Lbl, if it has one."""
    for label in (k for k in kids(item) if is_element(k) and k.S == "/Lbl"):
        return "".join(
            texts.get(e.Pg.objgen, {}).get(k, "") for e in walk(label) for k in kids(e) if isinstance(k, int)
        )
    return ""
