"""The HTML edition: one semantic, self-contained WCAG 2.2 AA page per document."""

from __future__ import annotations

from pathlib import Path

from altformats import templating
from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof
from altformats.output import write_bytes, write_text


def copy_images(doc: Document, out_dir: Path) -> list[Path]:
    """Copy each figure's image beside the page, under the name the page gives it (Figure.file_name)."""
    copies = []
    for figure in doc.figures():
        copy = out_dir / figure.file_name
        write_bytes(copy, Path(figure.file).read_bytes())
        copies.append(copy)
    return copies


class HtmlFormat(Format):
    """Semantic HTML5 from templates/html/, checked by axe-core and the Nu HTML checker."""

    name = "html"
    description = "HTML5 web page (WCAG 2.2 AA)"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output("html", out_dir / f"{doc.slug}.html")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        path = self.outputs(doc, out_dir)[0].path
        write_text(path, templating.render("html/page.html.j2", build.templates, doc=doc))
        return [path, *copy_images(doc, out_dir)]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.html.read import html_blocks

        return html_blocks(path.read_bytes())

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The parser's reading, then the browser's: rendered text, the accessibility tree, page facts."""
        from altformats.formats.html import read_browser

        reading = read_browser.browser(check).read(output.path)
        return [*super().prove(doc, output, check), *read_browser.proofs(doc, output.edition, [reading])]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.html import checks

        return checks.check([output.path for output in outputs])
