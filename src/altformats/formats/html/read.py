"""The HTML edition's independent reader: the text blocks of a page's <main>, parsed with lxml."""

from __future__ import annotations

from altformats.text import flush_block

# Elements whose text forms a block of its own; everything else is inline.
BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
SILENT_TAGS = frozenset("script style template head title".split())


def html_blocks(data: bytes) -> list[str]:
    """The text blocks of an HTML page's <main> (the whole body if it has none), in order.

    Read with lxml's HTML parser, independently of the templates: every block
    element ends a block, inline elements run on, <br> is a space, and hidden
    elements (hidden, aria-hidden) are not text.
    """
    import lxml.html

    return element_blocks(lxml.html.document_fromstring(data))


def element_blocks(root) -> list[str]:
    """The text blocks of a parsed page (lxml, plain tag names): its <main>, else its <body>.

    Shared with the EPUB reader, which parses XHTML with lxml's XML parser.
    """
    main = root.find(".//main")
    blocks: list[str] = []
    buffer: list[str] = []
    _collect(main if main is not None else root.find("body"), blocks, buffer)
    flush_block(blocks, buffer)
    return blocks


def _collect(element, blocks: list[str], buffer: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in SILENT_TAGS or element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        flush_block(blocks, buffer)
    if tag == "br":
        buffer.append(" ")
    if tag == "img" and (element.get("alt") or "").strip():  # an image's words are its alt text, a block of its own
        flush_block(blocks, buffer)
        buffer.append(element.get("alt"))
        flush_block(blocks, buffer)
    if tag and element.text:
        buffer.append(element.text)
    for child in element:
        _collect(child, blocks, buffer)
        if child.tail:
            buffer.append(child.tail)
    if is_block:
        flush_block(blocks, buffer)
