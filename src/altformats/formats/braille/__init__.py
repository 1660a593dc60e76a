"""The braille edition: a BRF file for embossers and braille displays, and a Unicode-braille proof copy.

Translation is liblouis's (Debian's tables, louis.py) in the code of codes.py;
the page layout is our own (spec.py, laid out by layout.py), so that every
block's braille is known exactly and the written file can be read back block
by block (read.py). See docs/braille.md.
"""

from __future__ import annotations

from pathlib import Path

from altformats import parity
from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof


class BrailleFormat(Format):
    """BRF (ASCII braille, 40x25) and a Unicode-braille proof copy, through liblouis."""

    name = "braille"
    description = "Braille: BRF for embossers (UEB grade 2 for English) and a Unicode proof copy"

    def __init__(self, grade: int | None = None, interpoint: bool | None = None):
        self.grade = grade
        self.interpoint = interpoint  # None: ALTFORMATS_BRAILLE_INTERPOINT decides (single-sided unless it is 1)

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output("braille", out_dir / f"{doc.slug}.brf"), Output("brl-proof", out_dir / f"{doc.slug}.brl.txt")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.braille.write import interpoint_default, write

        brf, proof = (o.path for o in self.outputs(doc, out_dir))
        interpoint = interpoint_default() if self.interpoint is None else self.interpoint
        write(doc, self.grade, build.templates, brf, proof, interpoint)
        return [brf, proof]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.braille.read import back_translate, read_braille

        code, blocks = read_braille(path)
        return [back_translate(code, cells) for cells in blocks]

    def compare(self, doc: Document, output: Output) -> list[parity.Difference]:
        from altformats.formats.braille.read import compare_braille

        return compare_braille(doc, output)

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """Four readings: each block's cells, its back-translated words, the transcriber's pages, the running heads."""
        from altformats.formats.braille.read import prove_braille

        return [Proof(reader, tuple(found)) for reader, found in prove_braille(doc, output)]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.braille import checks

        return checks.check([output.path for output in outputs])
