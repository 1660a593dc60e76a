"""Where each page of a laid-out handout begins, counted in characters of the reading text.

A position is the number of reading-text characters (not whitespace, not soft hyphens) that come
before the page's first character, so it means the same in every edition that carries the same
words, whatever its markup: the EPUB puts its page-break markers at these positions. Counting
characters rather than words keeps a page that begins inside a word (an address broken across
lines) or in a language written without spaces exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from altformats.errors import AltformatsError
from altformats.text import counted

# Boxes that print no reading text: list bullets and numbers, and a link's address printed after it.
FURNITURE_CLASS = "print-url"


@dataclass(frozen=True)
class Pagination:
    """Each page's first position (page 1 starts at 0) and the characters of text counted in all."""

    starts: tuple[int, ...]
    characters: int


def pagination(document) -> Pagination:
    """The page starts of a WeasyPrint document (`HTML(...).render()`), from its boxes."""
    starts: list[int] = []
    seen_headers: set[int] = set()  # table heads already printed: a repeat on a later page is furniture
    position = 0
    for page in document.pages:
        starts.append(position)
        first: int | None = None
        page_headers: set[int] = set()
        for text in _page_text(page_box(page), seen_headers, page_headers):
            if first is None and counted(text):
                first = position
            position += counted(text)
        seen_headers |= page_headers
        if first is not None:
            starts[-1] = first
    return Pagination(tuple(starts), position)


# --- The one use of a WeasyPrint private API (pyproject pins weasyprint>=70,<71) --------------
# A laid-out page (weasyprint.document.Page) keeps its box tree only as `_page_box`; WeasyPrint
# has no public way to it. Raising our own error says what broke if an upgrade drops it.
def page_box(page: object) -> object:
    """The root box (a weasyprint PageBox) of a laid-out WeasyPrint page."""
    box = getattr(page, "_page_box", None)
    if box is None:
        raise AltformatsError(
            "WeasyPrint's laid-out page has no _page_box (altformats needs weasyprint>=70,<71 "
            "for the EPUB's print page list): install a WeasyPrint 70 release"
        )
    return box


def _page_text(box, seen_headers: set[int], page_headers: set[int]) -> Iterator[str]:
    """The reading text of a page's boxes in layout order, leaving out furniture."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):  # running head and folio
        return
    tag = box.element_tag or ""
    if tag.endswith("::marker"):
        return
    element = box.element
    if element is not None and FURNITURE_CLASS in (element.get("class") or "").split():
        return
    if isinstance(box, boxes.TableRowGroupBox) and box.is_header:
        key = id(element)
        if key in seen_headers:
            return
        page_headers.add(key)
    if isinstance(box, boxes.TextBox):
        yield box.text
        return
    for child in getattr(box, "children", ()):
        yield from _page_text(child, seen_headers, page_headers)
