"""Tampering with (X)HTML and EPUB packages: parse, change, write back, in place.

Each helper raises NotApplicable when the file lacks what it would change, so an operator never
passes as "caught" by leaving a file as it was or by breaking it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree, html

XHTML = "{http://www.w3.org/1999/xhtml}"
WORD = re.compile(r"[^\W\d_]{5,}")  # a word of five letters or more, in any script


class NotApplicable(Exception):
    """The file has nothing this operator can change (e.g. no link): the operator is not run."""


def edit_html(path: Path, change: Callable[[html.HtmlElement], None]) -> None:
    """Parse an HTML page, let `change` edit its tree, write it back."""
    root = html.fromstring(path.read_bytes())
    change(root)
    path.write_bytes(html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8"))


def edit_xml(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    """Parse an XML document (XHTML, OPF, NCX), let `change` edit it, serialise it again."""
    tree = etree.fromstring(data)
    change(tree)
    # The original doctype back (XHTML 5's, or DAISY's XHTML 1.0 and SMIL 1.0 public ones).
    declared = tree.getroottree().docinfo.doctype
    doctype = declared.encode() + b"\n" if declared else b""
    body = etree.tostring(tree, encoding="utf-8")
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + doctype + body


def first(root: etree._Element, xpath: str, **names: str) -> etree._Element:
    """The first element matching `xpath`, or NotApplicable."""
    found = root.xpath(xpath, namespaces={"h": XHTML[1:-1], **names})
    if not found:
        raise NotApplicable(f"nothing matches {xpath}")
    return found[0]


def reverse_word(text: str) -> tuple[str, str]:
    """`text` with its first long word spelt backwards, and that word (NotApplicable if none)."""
    match = WORD.search(text or "")
    if not match:
        raise NotApplicable("no word of five letters")
    word = match.group()
    return text[: match.start()] + word[::-1] + text[match.end() :], word


def change_word(element: etree._Element) -> None:
    """Spell the first long word in `element`'s own text or its children's tails backwards."""
    if element.text and WORD.search(element.text):
        element.text = reverse_word(element.text)[0]
        return
    for child in element:
        if child.tail and WORD.search(child.tail):
            child.tail = reverse_word(child.tail)[0]
            return
    raise NotApplicable(f"<{element.tag}> has no long word of its own")


def hide_word(element: etree._Element, tag: str = "span") -> None:
    """Wrap the first long word of `element`'s own text (or a child's tail) in a span hidden by CSS."""
    slots = [(element, "text")] + [(child, "tail") for child in element]
    for owner, attr in slots:
        text = getattr(owner, attr) or ""
        if match := WORD.search(text):
            span = etree.Element(tag, {"class": "mut-hidden"})
            span.text, span.tail = match.group(), text[match.end() :]
            setattr(owner, attr, text[: match.start()])
            if attr == "text":
                owner.insert(0, span)
            else:
                owner.addnext(span)
            return
    raise NotApplicable(f"<{element.tag}> has no long word of its own")


def swap_first_items(root: etree._Element, li: str) -> None:
    """Swap the first two items of the first list that has two."""
    for parent in root.iter():
        items = [child for child in parent if child.tag == li]
        if len(items) >= 2:
            a, b = items[0], items[1]
            parent.remove(b)  # lxml moves an element with its tail, so the layout between items stays
            a.addprevious(b)
            return
    raise NotApplicable("no list of two items")


def rewrite_zip(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Rewrite an EPUB or DAISY zip: `change` edits member name -> bytes; an EPUB's mimetype stays first, stored."""
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    change(members)
    with zipfile.ZipFile(path, "w") as new:
        if "mimetype" in members:
            new.writestr(zipfile.ZipInfo("mimetype", (2007, 4, 16, 0, 0, 0)), members.pop("mimetype"))
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (2007, 4, 16, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, data)


def member(members: dict[str, bytes], suffix: str) -> str:
    """The one member name ending in `suffix` (content.xhtml, nav.xhtml, .opf, .ncx, .css, ncc.html)."""
    names = [name for name in members if name.endswith(suffix)]
    if len(names) != 1:
        raise NotApplicable(f"{len(names)} members end in {suffix}")
    return names[0]


def edit_member(path: Path, suffix: str, change: Callable[[etree._Element], None]) -> None:
    """Edit one XML member of an EPUB (found by its name's ending) with `change`."""

    def apply(members: dict[str, bytes]) -> None:
        name = member(members, suffix)
        members[name] = edit_xml(members[name], change)

    rewrite_zip(path, apply)


def append_css(path: Path, css: str) -> None:
    """Add rules at the end of the EPUB's one stylesheet."""

    def apply(members: dict[str, bytes]) -> None:
        name = member(members, ".css")
        members[name] += b"\n" + css.encode()

    rewrite_zip(path, apply)
