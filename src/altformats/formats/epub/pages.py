"""The EPUB's print page markers: an empty pagebreak span where each Letter page begins.

The positions come from the PDF package's ``letter_pages(doc, build)`` (altformats.formats.pdf):
characters of reading text before each Letter page's first character. Here they are found
again in the content document's text and marked with
``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>``, which adds
no text. A page that begins with a block gets its marker just before that block (or inside it,
first, where no span may stand before it: a list item, a table cell); a page that begins inside
a paragraph gets it before the first character of the page; never inside a link, abbreviation
or heading, whose accessible name it would join, but just before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from altformats.errors import AltformatsError
from altformats.text import counted

# Parents whose content model has no room for a span between their children.
CLOSED = frozenset("ul ol dl table thead tbody tfoot tr colgroup".split())
# Elements whose accessible name comes from their content: a labelled marker inside would join it.
NAMED = frozenset("a abbr h1 h2 h3 h4 h5 h6".split())
# A marker never goes directly into these.
OUTSIDE = frozenset({"html", "body"})


def marker(page: int):
    """The empty page-break element of page `page`."""
    import lxml.html

    span = lxml.html.Element("span")
    span.set("epub:type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", f"page-{page}")
    span.set("aria-label", str(page))
    return span


def mark_pages(body, starts: Sequence[int], characters: int, where: str) -> list[int]:
    """Insert a marker in `body` (lxml) for every page start; return the page numbers marked.

    `characters` is the print edition's count of reading text; if the content's differs,
    the positions cannot be trusted and that is an error, not a wrong page list.
    """
    slots = list(_slots(body))
    found = sum(counted(_text(owner, kind)) for owner, kind in slots)
    if found != characters:
        raise AltformatsError(
            f"{where}: page list: the print edition has {characters} characters of text, the EPUB {found}"
        )
    targets = list(_locate(slots, starts))
    for page, (owner, kind, index) in reversed(list(enumerate(targets, start=1))):
        _insert(owner, kind, index, marker(page))
    return list(range(1, len(targets) + 1))


def _slots(element) -> Iterator[tuple[object, str]]:
    """Every place text can be, in reading order: (element, "text") then children and their tails."""
    yield element, "text"
    for child in element:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield child, "tail"


def _text(owner, kind: str) -> str:
    return (owner.text if kind == "text" else owner.tail) or ""


def _locate(slots: list[tuple[object, str]], starts: Sequence[int]) -> Iterator[tuple[object, str, int]]:
    """For each start, in order: the slot and string index of the character it counts to."""
    position = 0
    pending = list(starts)
    last = slots[-1]
    for owner, kind in slots:
        text = _text(owner, kind)
        for index, char in enumerate(text):
            if char.isspace() or char == "\u00ad":
                continue
            while pending and pending[0] <= position:
                pending.pop(0)
                yield owner, kind, index
            position += 1
    for _ in pending:  # a page with no text of its own: mark the end
        yield last[0], last[1], len(_text(*last))


def _insert(owner, kind: str, index: int, span) -> None:
    """Put `span` at `index` of the slot, moved out of named elements and up to the block it starts."""
    text = _text(owner, kind)
    context = owner if kind == "text" else owner.getparent()
    named = [e for e in [context, *context.iterancestors()] if e.tag in NAMED]
    if named:
        _before(_climb(named[-1]), span)
    elif kind == "text" and not text[:index].strip():
        anchor = _climb(owner)
        if anchor is owner and _parent_tag(owner) in CLOSED:
            _split(owner, "text", len(text) - len(text.lstrip()), span)
        else:
            _before(anchor, span)
    else:
        _split(owner, kind, index, span)


def _climb(element):
    """The outermost element that starts where `element` starts and may have a span before it."""
    best = element
    while _first_in_parent(element) and element.getparent().tag not in OUTSIDE:
        element = element.getparent()
        if _parent_tag(element) not in CLOSED | OUTSIDE:
            best = element
    return best


def _first_in_parent(element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.index(element) == 0 and not (parent.text or "").strip()


def _parent_tag(element) -> str:
    parent = element.getparent()
    return parent.tag if parent is not None else ""


def _before(element, span) -> None:
    """Insert `span` just before `element`, keeping the text before it where it was."""
    previous = element.getprevious()
    if previous is not None:
        previous.addnext(span)  # the previous element's tail stays before the marker
    else:
        element.getparent().insert(0, span)


def _split(owner, kind: str, index: int, span) -> None:
    """Cut the slot's text at `index` and put `span` between the halves."""
    text = _text(owner, kind)
    if kind == "text":
        owner.text = text[:index]
        span.tail = text[index:]
        owner.insert(0, span)
    else:
        owner.tail = text[:index]
        span.tail = text[index:]
        owner.addnext(span)
