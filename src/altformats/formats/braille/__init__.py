"""The braille edition: a BRF file for embossers and braille displays, a Unicode-braille proof copy, and a PEF.

Translation is liblouis's (Debian's tables, louis.py) in the code of codes.py;
the page layout is our own (spec.py, laid out by layout.py), so that every
block's braille is known exactly and the written file can be read back block
by block (read.py). The PEF (pef.py) carries the same pages, read back by
read_pef.py. See docs/braille.md.
"""

from __future__ import annotations

from pathlib import Path

from altformats import parity
from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof


class BrailleFormat(Format):
    """BRF (ASCII braille, 40x25), a Unicode-braille proof copy and a PEF 2008-1 of the same pages, through liblouis."""

    name = "braille"
    description = "Braille: BRF for embossers (UEB grade 2 for English) and a Unicode proof copy"

    def __init__(self, grade: int | None = None, interpoint: bool | None = None, volume_sheets: int | None = None):
        from altformats.formats.braille.pef import VOLUME_SHEETS

        self.grade = grade
        self.interpoint = interpoint  # None: ALTFORMATS_BRAILLE_INTERPOINT decides (single-sided unless it is 1)
        # the PEF's volumes hold at most this many sheets each
        self.volume_sheets = VOLUME_SHEETS if volume_sheets is None else volume_sheets

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [
            Output("braille", out_dir / f"{doc.slug}.brf"),
            Output("brl-proof", out_dir / f"{doc.slug}.brl.txt"),
            Output("pef", out_dir / f"{doc.slug}.pef"),
        ]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.braille import pef
        from altformats.formats.braille.write import interpoint_default, write

        brf, proof, embosser = (o.path for o in self.outputs(doc, out_dir))
        interpoint = interpoint_default() if self.interpoint is None else self.interpoint
        sections = write(doc, self.grade, build.templates, brf, proof, interpoint)
        pef.write(doc, self.grade, embosser, sections, self.volume_sheets, interpoint)
        return [brf, proof, embosser]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.braille.read import back_translate, read_braille
        from altformats.formats.braille.read_pef import read_blocks

        code, blocks = read_blocks(path) if path.suffix == ".pef" else read_braille(path)
        return [back_translate(code, cells) for cells in blocks]

    def compare(self, doc: Document, output: Output) -> list[parity.Difference]:
        return [d for proof in self.prove(doc, output, Check()) for d in proof.differences]

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """Four readings: each block's cells, its back-translated words, the transcriber's pages, the running heads.

        A PEF has two more: its metadata, and its pages against the BRF's.
        """
        from altformats.formats.braille.read import prove_braille
        from altformats.formats.braille.read_pef import prove_pef

        readings = prove_pef(doc, output) if output.path.suffix == ".pef" else prove_braille(doc, output)
        return [Proof(reader, tuple(found)) for reader, found in readings]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.braille import checks, read_pef

        pef = [output.path for output in outputs if output.path.suffix == ".pef"]
        found = checks.check([output.path for output in outputs if output.path.suffix != ".pef"])
        found.update(read_pef.conformance(pef))
        return {output.path: found[output.path] for output in outputs}
