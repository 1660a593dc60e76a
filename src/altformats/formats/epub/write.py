"""The EPUB writer: templates -> XHTML content and nav documents -> ebooklib's package -> a reproducible zip."""

from __future__ import annotations

import io
import os
import posixpath
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from altformats import templating
from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Build
from altformats.formats.epub.spec import (
    CONTAINER_PATH,
    FALLBACK_LANGUAGE,
    XHTML_NS,
    XML_LANG,
    nav_words,
    package_path,
    xml_parser,
)
from altformats.text import primary_language

CONTENT, NAV, STYLE, NCX = "content.xhtml", "nav.xhtml", "style.css", "toc.ncx"
BODY_ID = "start"  # the id of the content's <main>, the bodymatter landmark
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# No a11y:certifiedBy: it names a party that evaluated the book, and reading systems following
# the Accessibility Metadata Display Guide show it as a certification. A program's checks are not
# an evaluation (docs/epub.md, docs/conformance.md), so the tool names no certifier.
ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry

# Only what is true of every book this format writes: headings for structure, a nav table of
# contents, one logical reading order, ARIA roles on the landmarks and page breaks, and a light
# stylesheet that leaves fonts, sizes and colours to the reader. The access modes follow what the
# book holds (image_accessibility); the page claims (PAGE_LIST_FEATURES) only a book with a page list.
ACCESSIBILITY: tuple[tuple[str, str], ...] = (
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityFeature", "ARIA"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", CONFORMS_TO),
)
PAGE_LIST_FEATURES = ("pageBreakMarkers", "pageNavigation")
# A book with informative images (figures with alt text): they are seen (accessMode visual), and
# their alt text is enough to read it by (accessModeSufficient textual: the reader refuses an
# image without alt). Said in English, whatever the book's language.
IMAGES_BODY = (
    "This publication is text with images, in one reading order, with a heading for every section and a "
    "table of contents. Every image that carries information has alternative text{long}, so the "
    "publication can be read as text alone. It has no audio, video or mathematics, and no hazards. The "
    "reading system may change its fonts, sizes and colours. It is made to meet WCAG 2.2 Level AA."
)
# The accessibility summary, in the book's language: what the book is, what it lacks, where its
# page numbers come from. {file} is the Letter PDF's file name. A language not here gets English.
SUMMARIES: dict[str, dict[str, str]] = {
    "en": {
        "body": "This publication is text only, in one reading order, with a heading for every section and a "
        "table of contents. It has no images, audio, video or mathematics, and no hazards. The reading "
        "system may change its fonts, sizes and colours. It is made to meet WCAG 2.2 Level AA.",
        "pages": "Its page numbers follow the US Letter print edition ({file}).",
        "no pages": "It has no print page numbers.",
    },
    "es": {
        "body": "Esta publicación es solo texto, en un único orden de lectura, con un encabezado para cada "
        "sección y un índice. No tiene imágenes, audio, vídeo ni fórmulas matemáticas, ni riesgos. El "
        "sistema de lectura puede cambiar sus fuentes, tamaños y colores. Está hecha para cumplir las "
        "WCAG 2.2, nivel AA.",
        "pages": "Sus números de página siguen la edición impresa en tamaño carta de EE. UU. ({file}).",
        "no pages": "No tiene números de página impresos.",
    },
    "fr": {
        "body": "Cette publication ne contient que du texte, dans un seul ordre de lecture, avec un titre pour "
        "chaque section et une table des matières. Elle ne contient ni images, ni son, ni vidéo, ni "
        "formules mathématiques, et ne présente aucun danger. Le système de lecture peut en changer les "
        "polices, les tailles et les couleurs. Elle est conçue pour satisfaire aux WCAG 2.2, niveau AA.",
        "pages": "Ses numéros de page suivent l’édition imprimée au format US Letter ({file}).",
        "no pages": "Elle n’a pas de numéros de page imprimés.",
    },
    "ar": {
        "body": "هذا المنشور نص فقط، بترتيب قراءة واحد، مع عنوان لكل قسم وجدول محتويات. لا يحتوي على صور "
        "أو صوت أو فيديو أو معادلات رياضية، ولا ينطوي على أي مخاطر. يمكن لنظام القراءة تغيير خطوطه "
        "وأحجامه وألوانه. وقد أُعدّ ليستوفي المستوى AA من WCAG 2.2.",
        "pages": "تتبع أرقام صفحاته الطبعة المطبوعة بمقاس US Letter ‏({file}).",
        "no pages": "لا يحتوي على أرقام صفحات مطبوعة.",
    },
    "zh": {
        "body": "本出版物仅含文字，按单一阅读顺序排列，每节都有标题，并附目录。其中没有图像、音频、视频或数学公式，"
        "也没有任何危险内容。阅读系统可以更改其字体、字号和颜色。本出版物按 WCAG 2.2 AA 级标准制作。",
        "pages": "其页码与美国信纸尺寸印刷版（{file}）一致。",
        "no pages": "没有印刷版页码。",
    },
}


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
    words_language, words = nav_words(doc.meta.language)
    nav_page = templating.render(
        "epub/nav.xhtml.j2",
        templates,
        doc=doc,
        toc=toc,
        pages=pages,
        content=CONTENT,
        words=words,
        words_language=words_language,
        start=f"{CONTENT}#{BODY_ID}",
    )
    nav = xhtml(nav_page, "epub/nav.xhtml.j2")
    css = templating.render("epub/style.css", templates).encode("utf-8")
    book = _book(doc, content, nav, css, toc, pages)
    when = modified_time(doc)
    raw = io.BytesIO()
    _write_with_ebooklib(raw, book, when)
    return reproducible_zip(raw.getvalue(), when, doc.meta.language, creator(doc))


def content_document(
    doc: Document, templates: str | None = None, page_list: Build | None = None
) -> tuple[bytes, list[TocEntry], list[int]]:
    """The XHTML content document, its table of contents (every heading, given an id) and the
    print pages marked in it (none without `page_list`)."""
    template = "epub/content.xhtml.j2"
    root = _html_tree(templating.render(template, templates, doc=doc))
    toc = _number_headings(root)
    _epub_types(root)
    pages = _mark_print_pages(doc, root, page_list) if page_list else []
    return _serialise(root, template), toc, pages


# The structural semantics EPUB reading systems know, beside the ARIA roles the shared macros write:
# a note's reference pops its note up, and the notes can be skipped. A call-out keeps role="note"
# alone: the vocabulary's nearest, "tip", asks for role="doc-tip" (Ace), which a warning is not.
EPUB_TYPES = {"doc-noteref": "noteref", "doc-endnotes": "endnotes", "doc-backlink": "backlink"}


def _epub_types(root) -> None:
    """Give each note reference, the notes, each note and its back link its epub:type."""
    for element in root.iter():
        kind = EPUB_TYPES.get(element.get("role", ""))
        if kind:
            element.set("epub:type", kind)
    for note in root.iterfind(".//*[@role='doc-endnotes']/ol/li"):
        note.set("epub:type", "endnote")


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
    """The ebooklib book: metadata, manifest, spine (the content; the nav non-linear) and NCX."""
    from ebooklib import epub

    book = epub.EpubBook()
    _describe(book, doc, bool(pages))
    page = epub.EpubItem(uid="content", file_name=CONTENT, media_type="application/xhtml+xml", content=content)
    navigation = epub.EpubItem(uid="nav", file_name=NAV, media_type="application/xhtml+xml", content=nav)
    navigation.properties = ["nav"]  # ebooklib writes an item's properties into the manifest
    for item in (page, navigation, epub.EpubItem(uid="style", file_name=STYLE, media_type="text/css", content=css)):
        book.add_item(item)
    for number, (name, figure) in enumerate(sorted({f.file_name: f for f in doc.figures()}.items()), start=1):
        image = epub.EpubItem(uid=f"image-{number}", file_name=name, media_type=figure.media_type)
        image.content = Path(figure.file).read_bytes()
        book.add_item(image)
    book.add_item(epub.EpubNcx())
    book.toc = _ncx_toc(toc)
    # The nav is in the spine, non-linear: EPUBCheck (RSC-011) lets the toc landmark point only at
    # a spine item, and a non-linear item is not in the reading order.
    book.spine = [page, (navigation, "no")]
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
    if creator(doc):
        book.add_metadata("DC", "creator", creator(doc))
    for prop, value in (*image_accessibility(doc), *ACCESSIBILITY):
        book.add_metadata(None, "meta", value, {"property": prop})
    if page_list:
        for feature in PAGE_LIST_FEATURES:
            book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
        book.add_metadata(None, "meta", page_break_source(doc), {"property": "pageBreakSource"})
    text, language = accessibility_summary(doc, page_list)
    # In the book's language the summary inherits the package's xml:lang; English stands marked.
    marked = {} if language == meta.language else {XML_LANG: language}
    book.add_metadata(None, "meta", text, {"property": "schema:accessibilitySummary", **marked})


def image_accessibility(doc: Document) -> list[tuple[str, str]]:
    """The access modes, and the image features, that the book's figures make true."""
    informative = [figure for figure in doc.figures() if not figure.decorative]
    found = [("schema:accessMode", "textual")]
    if informative:
        found.append(("schema:accessMode", "visual"))
    found.append(("schema:accessModeSufficient", "textual"))  # every informative image has alt text
    if informative:
        found.append(("schema:accessibilityFeature", "alternativeText"))
    if any(figure.description for figure in informative):
        found.append(("schema:accessibilityFeature", "longDescription"))
    return found


def creator(doc: Document) -> str | None:
    """dc:creator and the NCX's docAuthor: the publisher, or else the office (none if neither is given)."""
    return doc.meta.publisher or doc.meta.office or None


def accessibility_summary(doc: Document, page_list: bool) -> tuple[str, str]:
    """What the book is and lacks, for a reader deciding whether it suits them, and its language."""
    primary = primary_language(doc.meta.language)
    figures = [figure for figure in doc.figures() if not figure.decorative]
    # Only the English summary says what images hold: a book with images is summed up in English.
    own = primary in SUMMARIES and not (figures and primary != FALLBACK_LANGUAGE)
    language = doc.meta.language if own else FALLBACK_LANGUAGE
    words = SUMMARIES[primary if own else FALLBACK_LANGUAGE]
    pages = words["pages"].format(file=letter_file(doc)) if page_list else words["no pages"]
    long = " and a longer description where it needs one" if any(f.description for f in figures) else ""
    body = IMAGES_BODY.format(long=long) if figures else words["body"]
    return f"{body} {pages}", language


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


def reproducible_zip(data: bytes, when: datetime, language: str, author: str | None = None) -> bytes:
    """Re-pack ebooklib's zip: mimetype first and stored, the rest sorted, one fixed time and mode."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    opf = package_path(entries[CONTAINER_PATH])
    entries[opf] = _with_package_language(entries[opf], language)
    ncx = posixpath.join(posixpath.dirname(opf), NCX)
    entries[ncx] = _truthful_ncx(entries[ncx], author)
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


def _truthful_ncx(data: bytes, author: str | None) -> bytes:
    """Fix what ebooklib writes into the NCX: dtb:depth is 0 whatever the navMap; no docAuthor."""
    from lxml import etree

    root = etree.fromstring(data, parser=xml_parser())
    ns = root.nsmap[None]
    depth = root.find(f"{{{ns}}}head/{{{ns}}}meta[@name='dtb:depth']")
    if depth is not None:
        depth.set("content", str(_nav_depth(root.find(f"{{{ns}}}navMap"), ns)))
    title = root.find(f"{{{ns}}}docTitle")
    if author and title is not None:
        doc_author = etree.Element(f"{{{ns}}}docAuthor")
        etree.SubElement(doc_author, f"{{{ns}}}text").text = author
        doc_author.tail = title.tail
        title.addnext(doc_author)  # the NCX DTD puts docAuthor right after docTitle
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True, pretty_print=True)


def _nav_depth(parent, ns: str) -> int:
    """How many levels of navPoint nest under `parent`."""
    points = parent.findall(f"{{{ns}}}navPoint") if parent is not None else []
    return 1 + max(_nav_depth(point, ns) for point in points) if points else 0
