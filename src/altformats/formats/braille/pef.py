"""The PEF edition: the BRF's own pages as PEF 2008-1 XML (Portable Embosser Format), in volumes of sheets.

PEF carries braille as Unicode cells (U+2800-U+28FF), one <row> a line, one
<page> a page, grouped in <section>s (a section starts on a new sheet) and
<volume>s (a bound book). The pages are the ones the BRF is made of (write.py),
so the two files agree cell for cell; read_pef.py proves it. See docs/braille.md.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

from altformats.document.model import Document
from altformats.formats.braille.codes import Code, code_for
from altformats.formats.braille.louis import BLANK
from altformats.formats.braille.spec import PAGE_LINES, WIDTH
from altformats.output import write_bytes

PEF = "http://www.daisy.org/ns/2008/pef"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA_TYPE = "application/x-pef+xml"
VOLUME_SHEETS = 70  # at most this many sheets a volume: DAISY Pipeline's default

Page = list[str]  # the lines of one page, blank cells as spaces (layout.py's pages)


def write(
    doc: Document, grade: int | None, path: Path, sections: list[list[Page]], volume_sheets: int, duplex: bool = False
) -> None:
    """Write `doc`'s braille pages (the BRF's, in its sections: write.write returns them) as a PEF file at `path`.

    `duplex` (interpoint): the pages are laid out for both sides of the sheet, and the PEF says so.
    """
    code = code_for(doc.meta.language, grade)
    write_bytes(path, pef_bytes(doc, code, sections, volume_sheets, duplex))


def identifier(doc: Document, code: Code) -> str:
    """A stable identifier of this braille edition: a UUID from the document, its date and its code."""
    name = f"altformats:pef:{doc.slug}:{doc.meta.date.isoformat()}:{code.table}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def volumes(sections: list[list[Page]], max_sheets: int, duplex: bool = False) -> list[list[list[Page]]]:
    """Sections broken into volumes of at most `max_sheets` sheets, the volumes as even as the sheets allow.

    Each section starts on a new sheet; a volume break falls between sheets, so
    a section may go on in the next volume (as a new <section> there).
    """
    if max_sheets < 1:
        raise ValueError(f"a volume holds at least one sheet, not {max_sheets}")
    per_sheet = 2 if duplex else 1
    sheets = [[section[k : k + per_sheet] for k in range(0, len(section), per_sheet)] for section in sections]
    total = sum(len(section) for section in sheets)
    count = -(-total // max_sheets)  # as few volumes as the limit allows ...
    size = -(-total // count)  # ... of as even a size as they can be
    found: list[list[list[Page]]] = [[]]
    used = 0
    for section in sheets:
        pages: list[Page] = []
        for sheet in section:
            if used == size:
                if pages:
                    found[-1].append(pages)
                found.append([])
                pages, used = [], 0
            pages.extend(sheet)
            used += 1
        if pages:
            found[-1].append(pages)
    return found


def pef_bytes(
    doc: Document, code: Code, sections: list[list[Page]], volume_sheets: int = VOLUME_SHEETS, duplex: bool = False
) -> bytes:
    """The PEF document: head (Dublin Core metadata) and body (volumes, sections, pages, rows)."""
    root = etree.Element(f"{{{PEF}}}pef", nsmap={None: PEF}, version="2008-1")
    meta = etree.SubElement(etree.SubElement(root, f"{{{PEF}}}head"), f"{{{PEF}}}meta", nsmap={"dc": DC})
    for name, value in _metadata(doc, code):
        etree.SubElement(meta, f"{{{DC}}}{name}").text = value
    body = etree.SubElement(root, f"{{{PEF}}}body")
    for volume in volumes(sections, volume_sheets, duplex):
        attributes = {"cols": str(WIDTH), "rows": str(PAGE_LINES), "rowgap": "0", "duplex": str(duplex).lower()}
        element = etree.SubElement(body, f"{{{PEF}}}volume", attributes)
        for section in volume:
            _section(etree.SubElement(element, f"{{{PEF}}}section"), section)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _metadata(doc: Document, code: Code) -> list[tuple[str, str]]:
    """The Dublin Core elements of the head, in a fixed order (byte-identical rebuilds)."""
    found = [
        ("format", MEDIA_TYPE),
        ("identifier", identifier(doc, code)),
        ("title", doc.meta.title),
        ("language", doc.meta.language),
        ("date", doc.meta.date.isoformat()),
    ]
    if doc.meta.publisher:
        found.append(("publisher", doc.meta.publisher))
    return found


def _section(element: etree._Element, pages: list[Page]) -> None:
    for page in pages:
        page_element = etree.SubElement(element, f"{{{PEF}}}page")
        for line in page:
            # blank cells are the empty cell U+2800; trailing ones are dropped, as in the BRF
            etree.SubElement(page_element, f"{{{PEF}}}row").text = line.rstrip().replace(" ", BLANK) or None
