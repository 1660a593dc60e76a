"""The PDF writer: each edition's HTML from templates/pdf/, laid out by WeasyPrint, then mended by fixes.py."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from altformats import templating
from altformats.document.model import Document
from altformats.errors import AltformatsError, Problem
from altformats.formats.base import Build
from altformats.formats.pdf.editions import LETTER, Edition
from altformats.formats.pdf.pages import Pagination, pagination

# outloud (TAG-002) takes an artifact line of 8 or more words for hidden prose; a long address
# printed on a line of its own would look like that, so long addresses print as their host.
MAX_ADDRESS_WORDS = 7
ADDRESS_WORD = re.compile(r"[^\W_]+")


def print_address(target: str) -> str:
    """A link's address as printed after it: whole when short, else its host and "/…"."""
    shown = target.removeprefix("mailto:")
    if len(ADDRESS_WORD.findall(shown)) <= MAX_ADDRESS_WORDS:
        return shown
    host = urlsplit(shown).netloc
    return f"{host}/…" if host else shown


def image_uri(file: str) -> str:
    """The file: URI WeasyPrint reads a figure's image from (it embeds the image in the PDF)."""
    return Path(file).resolve().as_uri()


def edition_html(doc: Document, edition: Edition, templates: str | None = None) -> str:
    """The handout's HTML for one edition, as WeasyPrint lays it out."""
    context = {
        "doc": doc,
        "edition": edition,
        "css": edition.css(doc),
        "print_address": print_address,
        "image_uri": image_uri,
    }
    return templating.render("pdf/page.html.j2", templates, **context)


def edition_pdf(doc: Document, edition: Edition, build: Build) -> bytes:
    """One edition of `doc` as a tagged PDF: laid out, written, its tagging mended."""
    from altformats.formats.pdf import fixes  # pikepdf: only when a PDF is written

    html = edition_html(doc, edition, build.templates)
    # WeasyPrint reports every image without alt text; a decorative one has none on purpose (alt="",
    # made an artifact by the post-pass), so only those reports are expected.
    decorative = {_NO_ALT.format(image_uri(f.file)) for f in doc.figures() if f.decorative}
    return fixes.fix(write_pdf(laid_out(html, build), doc.path, edition.name, decorative), doc, html)


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
    with libraries_from_the_linker_cache():
        import weasyprint

    with logged_errors() as errors:
        document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
    return Layout(document, tuple(errors))


# find_library's first step (ctypes/util.py, _findSoname_ldconfig): the soname `ldconfig -p` lists.
LDCONFIG_ABI = {
    "x86_64": "libc6,x86-64",
    "ppc64": "libc6,64bit",
    "sparc64": "libc6,64bit",
    "s390x": "libc6,64bit",
    "ia64": "libc6,IA-64",
}


@contextmanager
def libraries_from_the_linker_cache() -> Iterator[None]:
    """While WeasyPrint first loads, ctypes.util.find_library answers from one reading of the linker cache.

    WeasyPrint 70 opens each of its libraries by trying names in turn ('libgobject-2.0-0',
    'gobject-2.0-0', 'gobject-2.0', then the soname, which dlopen finds itself), and cffi asks
    find_library about every name dlopen missed; find_library runs ldconfig, then gcc, for each
    (22 lookups, a seventh of a PDF build's time). Here a name is looked up as find_library's first
    step looks it up, in `ldconfig -p`'s listing, read once; a name not listed there is not found,
    where find_library would have gone on to ask gcc and ld (for libraries outside the cache).
    """
    import ctypes.util
    import os
    import sys

    from altformats import tools

    if "weasyprint" in sys.modules or not os.path.exists("/sbin/ldconfig"):
        yield
        return
    listing = tools.run(["/sbin/ldconfig", "-p"], capture_output=True, env={"LC_ALL": "C", "LANG": "C"}).stdout
    abi = LDCONFIG_ABI.get(os.uname().machine, "libc6") if sys.maxsize > 2**32 else "libc6"

    def find_library(name: str) -> str | None:
        found = re.search(rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), abi.encode()), listing)
        return os.fsdecode(found.group(1)) if found else None

    original, ctypes.util.find_library = ctypes.util.find_library, find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


_NO_ALT = 'Image "{}" has no required alt description'  # WeasyPrint 70's message (pdf/tags.py)


def write_pdf(layout: Layout, source: str, edition: str, expected: Collection[str] = ()) -> bytes:
    """The PDF/UA-1 file of a laid-out handout; any ERROR WeasyPrint logged, laying out or writing, fails the build.

    WeasyPrint writes no file identifier by default and takes its dates from the HTML's
    dcterms.created/modified (the source's date), so its output is the same on every run; the
    post-pass then saves with a file identifier computed from the content. `expected`: messages
    that are no error here (a decorative image's missing alt).
    """
    with logged_errors() as errors:
        data = layout.document.write_pdf(pdf_variant="pdf/ua-1")
    _raise_errors([m for m in (*layout.errors, *errors) if m not in expected], source, edition)
    return data


def letter_pages(doc: Document, build: Build) -> Pagination:
    """Where each page of the Letter edition begins in the reading text.

    The interface the EPUB's page list uses: laid out through `build`, so a build of both
    formats lays the Letter edition out once.
    """
    layout = laid_out(edition_html(doc, LETTER, build.templates), build)
    _raise_errors(layout.errors, doc.path, LETTER.name)
    return pagination(layout.document)


def _raise_errors(errors: Collection[str], source: str, edition: str) -> None:
    """Fail the build with every error WeasyPrint reported for one edition, if it reported any."""
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
