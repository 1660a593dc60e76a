"""What every format provides: its editions, a renderer, an independent reader and its checkers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from altformats.model import Document

if TYPE_CHECKING:
    from altformats.parity import Difference


@dataclass(frozen=True)
class Output:
    """One file an edition writes: `edition` names it in reports (e.g. "pdf-a4")."""

    edition: str
    path: Path


class Format:
    """Base class of a format module. Subclasses set `name` and implement the four methods.

    A format whose read-back cannot give the text back exactly (contracted
    braille) may override `compare`, with its own documented rule.
    """

    name: str = ""
    description: str = ""

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        """The files `render` writes for `doc` into `out_dir`, whose text `read_back` checks."""
        raise NotImplementedError

    def render(
        self, doc: Document, out_dir: Path, templates: str | None = None, *, building: Collection[str] = ()
    ) -> list[Path]:
        """Write every edition of `doc` into `out_dir`; return the paths written.

        `building` names every format built for `doc` in the same build, so an edition can
        refer to another only when that one is written too (the EPUB's print page list).
        """
        raise NotImplementedError

    def read_back(self, path: Path) -> list[str]:
        """Read a written file with an independent reader; return its blocks of text in order."""
        raise NotImplementedError

    def compare(self, doc: Document, output: Output) -> list[Difference]:
        """Where `output` does not carry `doc`'s reading text (default: read_back compared exactly)."""
        from altformats import parity

        return parity.compare(output.edition, doc.reading_blocks(), self.read_back(output.path))

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        """Run this format's conformance checkers; findings per file (an empty list is clean)."""
        return {output.path: [] for output in outputs}
