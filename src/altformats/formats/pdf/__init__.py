"""The tagged PDF editions (PDF/UA-1): US Letter, A4 and large print, laid out by WeasyPrint.

The handout comes from templates/pdf/ (HTML + print CSS); each edition is one row of
`editions.EDITIONS`. `write.py` lays it out with WeasyPrint and `fixes.py` mends the tagging
gaps WeasyPrint leaves (see that module). The read-back (`read.py`) is poppler's
``pdfinfo -struct-text``: the structure tree of the written file, artifacts and list labels
left out, one block per block-level structure element; the page order (`read_layout.py`,
poppler's ``pdftotext -bbox-layout``) is the text the pages show, in reading order, which must
be the model's text in order, or declared furniture; `checks.py` runs the conformance checkers.

The interface another format may use (the EPUB's print page list does):
- `LETTER`: the US Letter edition (an `editions.Edition`; `LETTER.suffix` names its file);
- `letter_pages(doc, build) -> pages.Pagination`: where each page of the Letter edition begins
  in the reading text, laid out through `build.shared(...)`, so a build of both formats lays
  the Letter edition out once.
"""

from __future__ import annotations

from pathlib import Path

from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof
from altformats.formats.pdf.editions import EDITIONS, LETTER, PAGE_OF, Edition, running_head
from altformats.formats.pdf.write import edition_html, edition_pdf, letter_pages, print_address
from altformats.output import write_bytes
from altformats.text import primary_language

__all__ = ["EDITIONS", "LETTER", "Edition", "PdfFormat", "edition_html", "letter_pages", "print_address"]


class PdfFormat(Format):
    """Tagged PDF/UA-1 print editions from templates/pdf/, read back with poppler's pdfinfo."""

    name = "pdf"
    description = "Tagged PDF (PDF/UA-1): US Letter, A4 and large print"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output(e.name, out_dir / f"{doc.slug}{e.suffix}.pdf") for e in EDITIONS]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        outputs = self.outputs(doc, out_dir)
        for edition, output in zip(EDITIONS, outputs, strict=True):
            write_bytes(output.path, edition_pdf(doc, edition, build))
        return [output.path for output in outputs]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.pdf.read import struct_text_blocks  # the readers: only when checking

        return struct_text_blocks(path)

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The structure tree ("parser"), the printed pages in reading order ("page order") and the
        document facts (language, title, links, what the tags say the page does not show), each against `doc`."""
        from altformats.formats.pdf.read_facts import fact_differences
        from altformats.formats.pdf.read_layout import Furniture, page_order_differences

        # The furniture is what the edition declares it prints, computed from the source.
        folio = PAGE_OF.get(primary_language(doc.meta.language), PAGE_OF["en"])
        furniture = Furniture.of(doc, folio, print_address, running_head(doc.meta.title))
        return [
            Proof("parser", tuple(self.compare(doc, output))),
            Proof("page order", tuple(page_order_differences(output.edition, doc, output.path, furniture))),
            Proof("document facts", tuple(fact_differences(output.edition, doc, output.path))),
        ]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.pdf.checks import check  # pikepdf, pdfua, outloud: only when checking

        return {output.path: check(output.path) for output in outputs}
