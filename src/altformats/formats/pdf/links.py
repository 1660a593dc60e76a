"""Links after WeasyPrint: one /Link element per link, one annotation per line it covers, each named.

WeasyPrint tags every line box of a link as a /Link of its own, so a link that wraps became
two links named "http://" and "www.state.gov" (and Letter and large print had different
numbers of links); the parts are merged into the first, the one whose text starts where an
``<a>`` starts in the HTML. An element inside a link (an ``<abbr>``) gets a second annotation
over the same words, a second tab stop for one link: an annotation inside another of the
same link goes. Each annotation left is named (/Contents) with the link's whole visible text
and gets the Print flag (PDF/UA-1 7.18.5, Matterhorn 28-004).
"""

from __future__ import annotations

from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name

from altformats.document.model import normalise
from altformats.formats.pdf.content import Texts
from altformats.formats.pdf.tree import is_element, kids, walk

PRINT_FLAG = 4


def merge_wrapped_links(root: Dictionary, top: Dictionary, starts_link: Callable[[Dictionary], bool]) -> None:
    """Merge each /Link that continues the one before it (same address, no ``<a>`` starts its text) into it."""
    for elem in list(walk(top)):
        merged: list = []
        for kid in kids(elem):
            last = merged[-1] if merged else None
            if _is_link(kid) and _is_link(last) and uri(kid) == uri(last) and not starts_link(kid):
                _absorb(root, last, kid)
            else:
                merged.append(kid)
        if "/K" in elem:
            elem.K = Array(merged)


def name_links(pdf: pikepdf.Pdf, top: Dictionary, texts: Texts) -> None:
    """Drop annotations nested in another of their link; name the rest with the link's text, and flag them for print."""
    root = pdf.Root.StructTreeRoot
    for link in [e for e in walk(top) if e.S == "/Link"]:
        _drop_nested(pdf, root, link)
        words = normalise(_text(link, texts))
        for annotation in annotations(link):
            annotation.Contents = pikepdf.String(words)
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG


def annotations(link: Dictionary) -> list[Dictionary]:
    """The annotations a /Link element owns (its object references)."""
    return [k.Obj for k in kids(link) if _is_objr(k)]


def uri(link: Dictionary) -> str | None:
    """The address a /Link element's annotations go to."""
    for annotation in annotations(link):
        action = annotation.get("/A")
        if action is not None and "/URI" in action:
            return str(action.URI)
    return None


def repoint(root: Dictionary, old: Dictionary, new: Dictionary) -> None:
    """Make every parent-tree entry that names `old` name `new` (content and annotations moved into it)."""
    nums = root.ParentTree.Nums
    for index in range(1, len(nums), 2):
        value = nums[index]
        if isinstance(value, Array):
            for position, parent in enumerate(value):
                if isinstance(parent, Dictionary) and parent.objgen == old.objgen:
                    value[position] = new
        elif isinstance(value, Dictionary) and value.objgen == old.objgen:
            nums[index] = new


def as_references(kid, page: Dictionary, into: Dictionary):
    """`kid` moved from an element on `page` into `into`: an MCID on another page becomes a marked-content reference."""
    if isinstance(kid, int) and page.objgen != into.Pg.objgen:
        return Dictionary(Type=Name.MCR, Pg=page, MCID=kid)
    if _is_objr(kid) and "/Pg" not in kid:
        kid.Pg = page
    if is_element(kid):
        kid.P = into
    return kid


def _absorb(root: Dictionary, link: Dictionary, part: Dictionary) -> None:
    """Move the kids of `part` (a later line of the same link) to the end of `link`."""
    link.K = Array([*kids(link), *(as_references(k, part.Pg, link) for k in kids(part))])
    repoint(root, part, link)


def _drop_nested(pdf: pikepdf.Pdf, root: Dictionary, link: Dictionary) -> None:
    """Take out each annotation of `link` that lies inside another of its annotations on the same page."""
    owned = [k for k in kids(link) if _is_objr(k)]
    nested = {
        inner.Obj.objgen
        for inner in owned
        for outer in owned
        if inner.Obj.objgen != outer.Obj.objgen
        and inner.get("/Pg", link.Pg).objgen == outer.get("/Pg", link.Pg).objgen
        and _inside(_rect(inner.Obj), _rect(outer.Obj))
        and not (_rect(inner.Obj) == _rect(outer.Obj) and inner.Obj.objgen < outer.Obj.objgen)  # twins: keep one
    }
    if not nested:
        return
    link.K = Array([k for k in kids(link) if not (_is_objr(k) and k.Obj.objgen in nested)])
    gone: set[int] = set()  # their parent-tree keys
    for page in pdf.pages:
        if "/Annots" in page.obj:
            dropped = [a for a in page.obj.Annots if a.objgen in nested]
            gone.update(int(a.get("/StructParent", -1)) for a in dropped)
            page.obj.Annots = Array([a for a in page.obj.Annots if a.objgen not in nested])
    nums = root.ParentTree.Nums
    kept = [(nums[i], nums[i + 1]) for i in range(0, len(nums), 2) if int(nums[i]) not in gone]
    root.ParentTree.Nums = Array([item for pair in kept for item in pair])


def _rect(annotation: Dictionary) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner: tuple, outer: tuple, slack: float = 0.5) -> bool:
    """True if the rectangle `inner` lies within `outer` (to `slack` points: WeasyPrint rounds)."""
    return all(outer[i] - slack <= inner[i] for i in (0, 1)) and all(inner[i] <= outer[i] + slack for i in (2, 3))


def _text(elem: Dictionary, texts: Texts) -> str:
    """The text of an element's marked content, its MCIDs and marked-content references alike."""
    parts = []
    for kid in kids(elem):
        if isinstance(kid, int):
            parts.append(texts.get(elem.Pg.objgen, {}).get(kid, ""))
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
            parts.append(texts.get(kid.Pg.objgen, {}).get(int(kid.MCID), ""))
        elif is_element(kid):
            parts.append(_text(kid, texts))
    return "".join(parts)


def _is_link(kid) -> bool:
    return is_element(kid) and kid.S == "/Link"


def _is_objr(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR"
