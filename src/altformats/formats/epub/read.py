"""The EPUB's independent reader: container -> package document -> spine -> each XHTML document's blocks."""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote

from altformats.errors import AltformatsError
from altformats.formats.epub.spec import CONTAINER_PATH, OPF_NS, package_path, parse


def epub_blocks(data: bytes, where: str = "EPUB") -> list[str]:
    """The text blocks of an EPUB, read independently: container -> OPF -> spine -> each XHTML document."""
    from altformats.formats.html.read import element_blocks

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            blocks: list[str] = []
            for name in spine_documents(book):
                blocks.extend(element_blocks(_without_namespaces(parse(book.read(name), f"{where}/{name}"))))
            return blocks
    except (zipfile.BadZipFile, KeyError) as error:
        raise AltformatsError(f"{where}: not a readable EPUB: {error}") from None


def spine_documents(book: zipfile.ZipFile) -> list[str]:
    """Zip paths of the spine's linear content documents, in reading order."""
    opf_path = package_path(book.read(CONTAINER_PATH))
    opf = parse(book.read(opf_path), opf_path)
    ns = {"opf": OPF_NS}
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind("opf:manifest/opf:item", ns)}
    base = posixpath.dirname(opf_path)
    return [
        posixpath.normpath(posixpath.join(base, unquote(hrefs[ref.get("idref")])))
        for ref in opf.iterfind("opf:spine/opf:itemref", ns)
        if ref.get("linear", "yes") != "no"
    ]


def _without_namespaces(root):
    """The XHTML tree with plain tag names, as the HTML reader walks it."""
    from lxml import etree

    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root
