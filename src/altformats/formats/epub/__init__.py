"""The EPUB 3 edition: one reflowable book with a nav document, an NCX and EPUB Accessibility 1.1 metadata.

write.py writes the book (pages.py its print page markers); read.py reads it back independently;
checks.py runs EPUBCheck and Ace by DAISY; spec.py holds what writer and reader both follow.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof
from altformats.output import write_bytes


class EpubFormat(Format):
    """EPUB 3 from templates/epub/, checked by EPUBCheck and Ace by DAISY."""

    name = "epub"
    description = "EPUB 3 e-book (EPUB Accessibility 1.1, WCAG 2.2 AA)"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output("epub", out_dir / f"{doc.slug}.epub")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        """Write the book; with a page list following the Letter PDF if "pdf" is in `build.formats`."""
        from altformats.formats.epub.write import build_epub

        path = self.outputs(doc, out_dir)[0].path
        data = build_epub(doc, build.templates, page_list=build if "pdf" in build.formats else None)
        write_bytes(path, data)  # an OSError is the build's to report, with the file's final path
        return [path]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.epub.read import epub_blocks

        return epub_blocks(path.read_bytes(), str(path))

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The parser's reading, the browser's of each spine XHTML document (docs/html.md), then the
        whole package: OPF and manifest, nav and NCX."""
        from altformats.formats.epub.read import spine_documents
        from altformats.formats.epub.read_package import package_proofs
        from altformats.formats.html import read_browser

        parsed = super().prove(doc, output, check)  # first: a broken package fails here, with its path
        with tempfile.TemporaryDirectory(prefix="epub-browser-") as folder, zipfile.ZipFile(output.path) as book:
            book.extractall(folder)  # zipfile keeps every entry inside `folder` (no "..", no absolute paths)
            readings = [read_browser.browser(check).read(Path(folder) / name) for name in spine_documents(book)]
        return [*parsed, *read_browser.proofs(doc, output.edition, readings), *package_proofs(doc, output)]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.epub import checks

        return checks.check([output.path for output in outputs])
