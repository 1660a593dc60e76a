"""The EPUB writer: templates -> XHTML content and nav documents -> ebooklib's package -> a reproducible zip."""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from altformats import templating
from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Build
from altformats.formats.epub.spec import CONTAINER_PATH, XHTML_NS, XML_LANG, package_path, xml_parser

CONTENT, NAV, STYLE = "content.xhtml", "nav.xhtml", "style.css"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
CERTIFIER = "altformats (automated checks: EPUBCheck and Ace by DAISY)"
ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry

# Only what is true of every book this format writes: text only, headings for
# structure, a nav table of contents, one logical reading order, and a light
# stylesheet that leaves fonts, sizes and colours to the reader. The page list
# claims (PAGE_LIST_FEATURES) are added only when the book has one.
ACCESSIBILITY: tuple[tuple[str, str], ...] = (
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", CONFORMS_TO),
    ("a11y:certifiedBy", CERTIFIER),
)
PAGE_LIST_FEATURES = ("printPageNumbers", "pageNavigation")
SUMMARY = (
    "This publication conforms to {conforms}. It is text only, in one logical reading order, "
    "with headings for every section and a table of contents; its reading system may change fonts, "
    "sizes and colours. It has no hazards. {pages}"
)
NO_PAGES = "It has no page list."
PAGES = "Its page list and page break markers follow the US Letter print edition, {file}."


@dataclass
class TocEntry:
    """One heading in the table of contents, with the headings below it."""

    text: str
    href: str
    level: int
    children: list[TocEntry] = field(default_factory=list)


def build_epub(doc: Document, templates: str | None = None, page_list: Build | None = None) -> bytes:
    """The whole EPUB file for `doc`, byte-identical for the same source.

    With `page_list` (the build it is part of), the book gets page-break markers and a page
    list following the Letter PDF edition's pages (laid out through that build, so a build of
    both formats lays it out once) and says so in its metadata.
    """
    content, toc, pages = content_document(doc, templates, page_list)
    nav_page = templating.render("epub/nav.xhtml.j2", templates, doc=doc, toc=toc, pages=pages, content=CONTENT)
    nav = xhtml(nav_page, "epub/nav.xhtml.j2")
    css = templating.render("epub/style.css", templates).encode("utf-8")
    book = _book(doc, content, nav, css, toc, pages)
    when = modified_time(doc)
    raw = io.BytesIO()
    _write_with_ebooklib(raw, book, when)
    return reproducible_zip(raw.getvalue(), when, doc.meta.language)


def content_document(
    doc: Document, templates: str | None = None, page_list: Build | None = None
) -> tuple[bytes, list[TocEntry], list[int]]:
    """The XHTML content document, its table of contents (every heading, given an id) and the
    print pages marked in it (none without `page_list`)."""
    template = "epub/content.xhtml.j2"
    root = _html_tree(templating.render(template, templates, doc=doc))
    toc = _number_headings(root)
    pages = _mark_print_pages(doc, root, page_list) if page_list else []
    return _serialise(root, template), toc, pages


def _mark_print_pages(doc: Document, root, build: Build) -> list[int]:
    """Mark where each page of the Letter PDF edition begins; return the page numbers."""
    from altformats.formats.epub.pages import mark_pages
    from altformats.formats.pdf import letter_pages

    pagination = letter_pages(doc, build)
    return mark_pages(root.find("body"), pagination.starts, pagination.characters, doc.path)


def page_break_source(doc: Document) -> str:
    """The print edition the page list follows, named for pageBreakSource (it has no ISBN)."""
    by = f", {doc.meta.publisher}" if doc.meta.publisher else ""
    return f"{doc.meta.title}{by}, {doc.meta.date.isoformat()}: US Letter print edition ({letter_file(doc)})"


def letter_file(doc: Document) -> str:
    """The file name of the Letter PDF edition the page list follows."""
    from altformats.formats.pdf import LETTER

    return f"{doc.slug}{LETTER.suffix}.pdf"


def xhtml(markup: str, template: str) -> bytes:
    """Template output in HTML syntax (as the shared HTML macros write it) as well-formed XHTML."""
    return _serialise(_html_tree(markup), template)


def _html_tree(markup: str):
    """Template output parsed as HTML (lxml), comments dropped."""
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    return lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)


def _serialise(root, template: str) -> bytes:
    """XML serialisation of an HTML tree, re-parsed strictly so a broken template fails here."""
    from lxml import etree

    data = etree.tostring(root, method="xml", encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")
    try:
        parsed = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as error:
        raise AltformatsError(f"{template}: does not give well-formed XHTML: {error}") from None
    if parsed.tag != f"{{{XHTML_NS}}}html":
        raise AltformatsError(f'{template}: the root must be <html xmlns="{XHTML_NS}">, got {parsed.tag}')
    return data


def _number_headings(root) -> list[TocEntry]:
    """Give every heading an id (the shared macros write none) and nest them into a table of contents."""
    top: list[TocEntry] = []
    stack: list[TocEntry] = []
    for number, heading in enumerate(root.iter("h1", "h2", "h3", "h4", "h5", "h6"), start=1):
        if not heading.get("id"):
            heading.set("id", f"heading-{number}")
        text = " ".join(heading.text_content().split())
        entry = TocEntry(text, f"{CONTENT}#{heading.get('id')}", int(heading.tag[1]))
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else top).append(entry)
        stack.append(entry)
    return top


def identifier(doc: Document) -> str:
    """A stable identifier: the same document (slug and date) always gets the same UUID."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"altformats:{doc.slug}:{doc.meta.date.isoformat()}"))


def modified_time(doc: Document) -> datetime:
    """dcterms:modified and every zip entry's time: SOURCE_DATE_EPOCH if set, else the source's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
        except ValueError:
            raise AltformatsError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None
    return datetime(doc.meta.date.year, doc.meta.date.month, doc.meta.date.day)


def _book(doc: Document, content: bytes, nav: bytes, css: bytes, toc: list[TocEntry], pages: list[int]):
    """The ebooklib book: metadata, manifest, spine (the content only) and NCX."""
    from ebooklib import epub

    book = epub.EpubBook()
    _describe(book, doc, bool(pages))
    page = epub.EpubItem(uid="content", file_name=CONTENT, media_type="application/xhtml+xml", content=content)
    navigation = epub.EpubItem(uid="nav", file_name=NAV, media_type="application/xhtml+xml", content=nav)
    navigation.properties = ["nav"]  # ebooklib writes an item's properties into the manifest
    for item in (page, navigation, epub.EpubItem(uid="style", file_name=STYLE, media_type="text/css", content=css)):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.toc = _ncx_toc(toc)
    book.spine = [page]
    return book


def _describe(book, doc: Document, page_list: bool) -> None:
    """The package metadata: Dublin Core from the front matter, then the accessibility metadata."""
    meta = doc.meta
    book.set_identifier(identifier(doc))
    book.set_title(meta.title)
    book.set_language(meta.language)
    book.set_direction(meta.direction)
    book.add_metadata("DC", "date", meta.date.isoformat())
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.summary:
        book.add_metadata("DC", "description", meta.summary)
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})
    pages = NO_PAGES
    if page_list:
        for feature in PAGE_LIST_FEATURES:
            book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
        book.add_metadata(None, "meta", page_break_source(doc), {"property": "pageBreakSource"})
        pages = PAGES.format(file=letter_file(doc))
    summary = SUMMARY.format(conforms=CONFORMS_TO, pages=pages)
    book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary", XML_LANG: "en"})


def _ncx_toc(entries: list[TocEntry], prefix: str = "toc") -> list:
    """The same table of contents in ebooklib's shape, for the NCX that older readers use."""
    from ebooklib import epub

    toc: list = []
    for number, entry in enumerate(entries, start=1):
        uid = f"{prefix}-{number}"
        if entry.children:
            toc.append((epub.Section(entry.text, entry.href), _ncx_toc(entry.children, uid)))
        else:
            toc.append(epub.Link(entry.href, entry.text, uid))
    return toc


def _write_with_ebooklib(target: io.BytesIO, book, when: datetime) -> None:
    """Let ebooklib write the package, with a fixed dcterms:modified and its errors raised."""
    from ebooklib import epub

    options = {
        "raise_exceptions": True,
        "mtime": when,
        "package_direction": True,
        "epub2_guide": False,
        "epub3_landmark": False,
        "epub3_pages": False,  # the page list is ours (nav.xhtml.j2), following the print edition
    }
    try:
        epub.write_epub(target, book, options)
    except (OSError, ValueError, epub.EpubException) as error:
        raise AltformatsError(f"ebooklib could not write the EPUB: {error}") from None


def reproducible_zip(data: bytes, when: datetime, language: str) -> bytes:
    """Re-pack ebooklib's zip: mimetype first and stored, the rest sorted, one fixed time and mode."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    opf = package_path(entries[CONTAINER_PATH])
    entries[opf] = _with_package_language(entries[opf], language)
    stamp = max(when, ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ["mimetype", *sorted(n for n in entries if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system builds it
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=9)
    return out.getvalue()


def _with_package_language(opf: bytes, language: str) -> bytes:
    """Add xml:lang to <package> (ebooklib writes none; Ace asks for it)."""
    from lxml import etree

    root = etree.fromstring(opf, parser=xml_parser())
    root.set(XML_LANG, language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
