"""The tagged PDF editions (PDF/UA-1): US Letter, A4 and large print, laid out by WeasyPrint.

The handout comes from templates/pdf/ (HTML + print CSS); each edition is one row of
EDITIONS, not a copy of code. WeasyPrint writes the tagged PDF; altformats.pdf_fixes then
mends the tagging gaps WeasyPrint leaves (see that module). The read-back is poppler's
``pdfinfo -struct-text``: the structure tree of the written file, artifacts and list labels
left out, one block per block-level structure element.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from altformats import templating, tools
from altformats.document.model import Document
from altformats.errors import AltformatsError, Problem
from altformats.formats.base import Build, Format, Output
from altformats.output import write_bytes
from altformats.text import flush_block

# "Page N of M" in the document's language (primary subtag) as the words before N, between N
# and M, and after M; English for a language not here.
PAGE_OF = {
    "en": ("Page ", " of ", ""),
    "es": ("Página ", " de ", ""),
    "fr": ("Page ", " sur ", ""),
    "de": ("Seite ", " von ", ""),
    "it": ("Pagina ", " di ", ""),
    "pt": ("Página ", " de ", ""),
    "nl": ("Pagina ", " van ", ""),
    "pl": ("Strona ", " z ", ""),
    "ru": ("Страница ", " из ", ""),
    "uk": ("Сторінка ", " з ", ""),
    "el": ("Σελίδα ", " από ", ""),
    "tr": ("Sayfa ", " / ", ""),
    "ar": ("صفحة ", " من ", ""),
    "fa": ("صفحه ", " از ", ""),
    "ur": ("صفحہ ", " از ", ""),
    "he": ("עמוד ", " מתוך ", ""),
    "zh": ("第 ", " 页，共 ", " 页"),
    "ja": ("", " / ", " ページ"),
    "ko": ("", " / ", " 페이지"),
    "vi": ("Trang ", " / ", ""),
    "th": ("หน้า ", " จาก ", ""),
}

# outloud (TAG-002) takes an artifact line of 8 or more words for hidden prose; a long address
# printed on a line of its own would look like that, so long addresses print as their host.
MAX_ADDRESS_WORDS = 7
ADDRESS_WORD = re.compile(r"[^\W_]+")

SANS = '"Liberation Sans", "DejaVu Sans", sans-serif'
SERIF = '"Liberation Serif", "DejaVu Serif", serif'


@dataclass(frozen=True)
class Edition:
    """One printed edition: its file name suffix and the layout settings print.css.j2 reads."""

    name: str  # the edition's name in reports
    suffix: str  # appended to the slug in the file name
    page_size: str
    margin: str
    body_font: str
    heading_font: str
    body_size: str
    furniture_size: str  # running head and page numbers
    line_height: str
    scale: tuple[str, str, str, str]  # h1, h2, h3, h4-h6
    text_align: str
    hyphens: str
    emphasis: str  # CSS for <em>: large print shows emphasis without italics
    strong: str

    def css(self, doc: Document) -> dict[str, Markup]:
        """The values print.css.j2 puts in the stylesheet, as CSS (already escaped for it)."""
        before, between, after = PAGE_OF.get(doc.meta.language.split("-")[0].lower(), PAGE_OF["en"])
        values = {name: getattr(self, name) for name in CSS_FIELDS}
        values.update(zip(("h1_size", "h2_size", "h3_size", "h4_size"), self.scale, strict=True))
        label = f"{css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(after)}"
        values["page_label"] = label
        rtl = doc.meta.direction == "rtl"  # the running head at the line's start, the folio at its end
        values["head_box"], values["folio_box"] = ("top-right", "bottom-left") if rtl else ("top-left", "bottom-right")
        return {name: Markup(value) for name, value in values.items()}


CSS_FIELDS = (
    "page_size",
    "margin",
    "body_font",
    "heading_font",
    "body_size",
    "furniture_size",
    "line_height",
    "text_align",
    "hyphens",
    "emphasis",
    "strong",
)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes and control characters escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


STANDARD = dict(
    margin="0.9in 0.85in 0.9in",
    body_font=SERIF,
    heading_font=SANS,
    body_size="11pt",
    furniture_size="8.5pt",
    line_height="1.45",
    scale=("20pt", "14pt", "12pt", "11pt"),
    text_align="start",
    hyphens="manual",
    emphasis="font-style: italic;",
    strong="font-weight: bold;",
)

# UKAAF minimum standard for large print: 18 pt sans serif or more, left aligned, no italics,
# headings larger still, page numbers as large as the text, generous leading, no hyphenation.
LARGE_PRINT = dict(
    STANDARD,
    margin="1.3in 0.75in 0.9in",  # room for a running head of two lines
    body_font=SANS,
    body_size="18pt",
    furniture_size="18pt",
    line_height="1.5",
    scale=("28pt", "24pt", "21pt", "19pt"),
    hyphens="none",
    emphasis="font-style: normal; font-weight: bold;",
    strong="font-style: normal; font-weight: bold; text-decoration: underline;",
)

EDITIONS: tuple[Edition, ...] = (
    Edition(name="pdf", suffix="", page_size="letter", **STANDARD),
    Edition(name="pdf-a4", suffix="-a4", page_size="A4", **STANDARD),
    Edition(name="pdf-large-print", suffix="-large-print", page_size="letter", **LARGE_PRINT),
)
LETTER = EDITIONS[0]  # the print edition the EPUB's page list follows

# Structure types whose text is a block of its own in the read-back; others run on inline.
BLOCK_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "LBody",
        "Table",
        "THead",
        "TBody",
        "TFoot",
        "TR",
        "TH",
        "TD",
        "Figure",
        "Formula",
        "Form",
        "Note",
    }
)
# Structure types that are not reading text: list bullets and numbers, and artifacts.
SILENT_TYPES = frozenset({"Lbl", "Artifact"})


class PdfFormat(Format):
    """Tagged PDF/UA-1 print editions from templates/pdf/, read back with poppler's pdfinfo."""

    name = "pdf"
    description = "Tagged PDF (PDF/UA-1): US Letter, A4 and large print"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output(e.name, out_dir / f"{doc.slug}{e.suffix}.pdf") for e in EDITIONS]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.pdf import fixes as pdf_fixes

        paths = []
        for edition, output in zip(EDITIONS, self.outputs(doc, out_dir), strict=True):
            html = edition_html(doc, edition, build.templates)
            raw = write_pdf(laid_out(html, build), doc.path, edition.name)
            write_bytes(output.path, pdf_fixes.fix(raw, doc, html))
            paths.append(output.path)
        return paths

    def read_back(self, path: Path) -> list[str]:
        return struct_text_blocks(path)

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.pdf import checks as pdf_checks

        return {output.path: pdf_checks.check(output.path) for output in outputs}


def print_address(target: str) -> str:
    """A link's address as printed after it: whole when short, else its host and "/…"."""
    shown = target.removeprefix("mailto:")
    if len(ADDRESS_WORD.findall(shown)) <= MAX_ADDRESS_WORDS:
        return shown
    host = urlsplit(shown).netloc
    return f"{host}/…" if host else shown


def edition_html(doc: Document, edition: Edition, templates: str | None = None) -> str:
    """The handout's HTML for one edition, as WeasyPrint lays it out."""
    context = {"doc": doc, "edition": edition, "css": edition.css(doc), "print_address": print_address}
    return templating.render("pdf/page.html.j2", templates, **context)


@dataclass(frozen=True)
class Layout:
    """WeasyPrint's laid-out document for one HTML handout, with the errors it logged doing it."""

    document: object  # weasyprint.document.Document
    errors: tuple[str, ...]


def laid_out(html: str, build: Build) -> Layout:
    """`html` laid out (PDF/UA-1) once per build: the PDF and the EPUB's page list share the Letter layout."""
    return build.shared(("pdf-layout", html), lambda: lay_out(html))


def lay_out(html: str) -> Layout:
    """Lay out `html` as PDF/UA-1 with WeasyPrint, keeping the errors it logs."""
    import weasyprint

    with logged_errors() as errors:
        document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
    return Layout(document, tuple(errors))


def write_pdf(layout: Layout, source: str, edition: str) -> bytes:
    """Lay out `html` as PDF/UA-1 with WeasyPrint; any ERROR it logs fails the build.

    WeasyPrint writes no file identifier by default and takes its dates from the HTML's
    dcterms.created/modified (the source's date), so its output is the same on every run; the
    post-pass then saves with a file identifier computed from the content.
    """
    with logged_errors() as errors:
        data = layout.document.write_pdf(pdf_variant="pdf/ua-1")
    _raise_errors([*layout.errors, *errors], source, edition)
    return data


def letter_pages(doc: Document, build: Build):
    """Where each page of the Letter edition begins in the reading text (pages.Pagination).

    The interface the EPUB's page list uses: laid out through `build`, so a build of both
    formats lays the Letter edition out once.
    """
    from altformats.formats.pdf import pages as pdf_pages

    layout = laid_out(edition_html(doc, LETTER, build.templates), build)
    _raise_errors(layout.errors, doc.path, LETTER.name)
    return pdf_pages.pagination(layout.document)


def _raise_errors(errors: Collection[str], source: str, edition: str) -> None:
    if errors:
        found = "\n".join(f"  {message}" for message in errors)
        raise AltformatsError(Problem(source, None, f"{edition} edition: WeasyPrint reported errors:\n{found}"))


@contextmanager
def logged_errors() -> Iterator[list[str]]:
    """Collect WeasyPrint's ERROR log records while the block runs, and its warnings that a
    glyph is missing from every font (the page would print a box: install a font for it)."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno >= logging.ERROR or ".notdef glyph" in message:
                messages.append(message)

    handler = Collector(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def struct_text_blocks(path: Path) -> list[str]:
    """The text blocks of a tagged PDF's structure tree, in order, read by poppler's pdfinfo."""
    pdfinfo = tools.executable("pdfinfo", "poppler-utils")
    done = subprocess.run(
        [pdfinfo, "-enc", "UTF-8", "-struct-text", str(path)], capture_output=True, check=False, timeout=120
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise AltformatsError(f"{path}: pdfinfo could not read the structure tree: {message}")
    return parse_struct_text(done.stdout.decode("utf-8"))


def parse_struct_text(report: str) -> list[str]:
    """Blocks of text from `pdfinfo -struct-text` output (an indented tree, text in quotes)."""
    blocks: list[str] = []
    buffer: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, structure type) of the open elements
    for indent, kind, text in _struct_lines(report):
        while stack and stack[-1][0] >= indent:
            _, closed = stack.pop()
            if closed in BLOCK_TYPES:
                flush_block(blocks, buffer)
        if kind == "text":
            if not any(open_type in SILENT_TYPES for _, open_type in stack):
                buffer.append(text)
        elif kind == "element":
            if text in BLOCK_TYPES:
                flush_block(blocks, buffer)
            stack.append((indent, text))
    flush_block(blocks, buffer)
    return blocks


def _struct_lines(report: str) -> Iterator[tuple[int, str, str]]:
    """(indent, kind, value) for each entry of the report: kind is text, element, object or attribute."""
    lines = iter(report.splitlines())
    for line in lines:
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if body.startswith('"'):
            text = body[1:]
            while not (text.endswith('"') and text) and (more := next(lines, None)) is not None:
                text += "\n" + more  # a text with a newline in it runs onto the next lines
            yield indent, "text", text.removesuffix('"')
        elif body.startswith("Object "):
            yield indent, "object", body  # an annotation (a link's OBJR): not text
        elif body.startswith("/"):
            yield indent, "attribute", body  # an element's attribute (/Headers, /Scope): not text
        elif body:
            yield indent, "element", body.split(" ", 1)[0].removesuffix(":")
