"""The EPUB 3 edition: one reflowable book with a nav document, an NCX and EPUB Accessibility 1.1 metadata."""

from __future__ import annotations

import io
import os
import posixpath
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from altformats import templating
from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Build, Format, Output
from altformats.output import write_bytes

CONTENT, NAV, STYLE = "content.xhtml", "nav.xhtml", "style.css"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF_NS = "http://www.idpf.org/2007/opf"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
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


class EpubFormat(Format):
    """EPUB 3 from templates/epub/, checked by EPUBCheck and Ace by DAISY."""

    name = "epub"
    description = "EPUB 3 e-book (EPUB Accessibility 1.1, WCAG 2.2 AA)"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output("epub", out_dir / f"{doc.slug}.epub")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        """Write the book; with a page list following the Letter PDF if "pdf" is in `build.formats`."""
        path = self.outputs(doc, out_dir)[0].path
        data = build_epub(doc, build.templates, page_list=build if "pdf" in build.formats else None)
        try:
            write_bytes(path, data)
        except OSError as error:
            raise AltformatsError(f"{path}: could not write the EPUB: {error}") from None
        return [path]

    def read_back(self, path: Path) -> list[str]:
        return epub_blocks(path.read_bytes(), str(path))

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.epub import ace, epubcheck

        paths = [output.path for output in outputs]
        findings: dict[Path, list[str]] = {path: [] for path in paths}
        for checker in (epubcheck.check, ace.check):
            for path, found in checker(paths).items():
                findings[path].extend(found)
        return findings


# ---------------------------------------------------------------- writing


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
    import lxml.html

    template = "epub/content.xhtml.j2"
    markup = templating.render(template, templates, doc=doc)
    root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=_html_parser())
    toc = _number_headings(root)
    pages = _mark_print_pages(doc, root, page_list) if page_list else []
    return _serialise(root, template), toc, pages


def _mark_print_pages(doc: Document, root, build: Build) -> list[int]:
    """Mark where each page of the Letter PDF edition begins; return the page numbers."""
    from altformats.formats import pdf
    from altformats.formats.epub import pages as epub_pages

    pagination = pdf.letter_pages(doc, build)
    return epub_pages.mark_pages(root.find("body"), pagination.starts, pagination.characters, doc.path)


def page_break_source(doc: Document) -> str:
    """The print edition the page list follows, named for pageBreakSource (it has no ISBN)."""
    by = f", {doc.meta.publisher}" if doc.meta.publisher else ""
    return f"{doc.meta.title}{by}, {doc.meta.date.isoformat()}: US Letter print edition ({letter_file(doc)})"


def letter_file(doc: Document) -> str:
    """The file name of the Letter PDF edition the page list follows."""
    from altformats.formats import pdf

    return f"{doc.slug}{pdf.LETTER.suffix}.pdf"


def xhtml(markup: str, template: str) -> bytes:
    """Template output in HTML syntax (as the shared HTML macros write it) as well-formed XHTML."""
    import lxml.html

    return _serialise(lxml.html.document_fromstring(markup.encode("utf-8"), parser=_html_parser()), template)


def _html_parser():
    import lxml.html

    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def _serialise(root, template: str) -> bytes:
    """XML serialisation of an HTML tree, re-parsed strictly so a broken template fails here."""
    from lxml import etree

    data = etree.tostring(root, method="xml", encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")
    try:
        parsed = etree.fromstring(data, parser=_xml_parser())
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
    opf = _package_path(entries[CONTAINER_PATH])
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

    root = etree.fromstring(opf, parser=_xml_parser())
    root.set(XML_LANG, language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


# ---------------------------------------------------------------- reading

CONTAINER_PATH = "META-INF/container.xml"


def epub_blocks(data: bytes, where: str = "EPUB") -> list[str]:
    """The text blocks of an EPUB, read independently: container -> OPF -> spine -> each XHTML document."""
    from altformats.formats.html.read import element_blocks

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            blocks: list[str] = []
            for name in spine_documents(book):
                blocks.extend(element_blocks(_without_namespaces(_parse(book.read(name), f"{where}/{name}"))))
            return blocks
    except (zipfile.BadZipFile, KeyError) as error:
        raise AltformatsError(f"{where}: not a readable EPUB: {error}") from None


def spine_documents(book: zipfile.ZipFile) -> list[str]:
    """Zip paths of the spine's linear content documents, in reading order."""
    opf_path = _package_path(book.read(CONTAINER_PATH))
    opf = _parse(book.read(opf_path), opf_path)
    ns = {"opf": OPF_NS}
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind("opf:manifest/opf:item", ns)}
    base = posixpath.dirname(opf_path)
    return [
        posixpath.normpath(posixpath.join(base, unquote(hrefs[ref.get("idref")])))
        for ref in opf.iterfind("opf:spine/opf:itemref", ns)
        if ref.get("linear", "yes") != "no"
    ]


def _package_path(container: bytes) -> str:
    """The package document's path, from META-INF/container.xml."""
    root = _parse(container, CONTAINER_PATH)
    rootfile = root.find(f".//{{{CONTAINER_NS}}}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise AltformatsError(f"{CONTAINER_PATH}: names no package document")
    return rootfile.get("full-path")


def _parse(data: bytes, where: str):
    from lxml import etree

    try:
        return etree.fromstring(data, parser=_xml_parser())
    except etree.XMLSyntaxError as error:
        raise AltformatsError(f"{where}: not well-formed XML: {error}") from None


def _xml_parser():
    from lxml import etree

    # No entities, no network: a content document is data, never instructions to fetch more.
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def _without_namespaces(root):
    """The XHTML tree with plain tag names, as the HTML reader walks it."""
    from lxml import etree

    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root
