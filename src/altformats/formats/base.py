"""What every format provides: its editions, a renderer, an independent reader and its checkers."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from altformats.document.model import Document

if TYPE_CHECKING:
    from altformats.parity import Difference


@dataclass(frozen=True)
class Output:
    """One file an edition writes: `edition` names it in reports (e.g. "pdf-a4")."""

    edition: str
    path: Path


T = TypeVar("T")


@dataclass
class Build:
    """What the formats of one document's build share: the templates, the formats built, shared work.

    A new Build is made for each document of a build and dropped when it is written, so nothing
    one format computes for another (the Letter layout the EPUB's page list follows) outlives it.
    """

    templates: str | None = None  # a user's template folder, searched before the project's
    formats: frozenset[str] = frozenset()  # every format built for this document in this build
    # Where `scratch` is, inside the build's staging folder; None outside a build.
    scratch_folder: Path | None = None
    _made: dict = field(default_factory=dict, repr=False)

    @property
    def scratch(self) -> Path | None:
        """A folder for temporary work, inside the build's staging folder, so it goes when the build
        goes, even after kill -9 (the next build removes it); None outside a build: use the system's.
        E.g. tempfile.TemporaryDirectory(prefix="audio-", dir=build.scratch).

        Made when first asked for: most formats never need one, and on a busy disk every folder
        made and removed costs milliseconds per document of a catalogue.
        """
        if self.scratch_folder is not None:
            self.scratch_folder.mkdir(parents=True, exist_ok=True)
        return self.scratch_folder

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value for `key`, made by `make()` the first time a format asks for it in this build."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]


@dataclass
class Check:
    """What the proofs of one `check` run share: warm engines (one browser, one recogniser).

    `shared(key, make, close)` makes a value once per run; `close()` (called when the run ends,
    however it ends) closes every value made, last made first.
    """

    _made: dict = field(default_factory=dict, repr=False)
    _closers: list = field(default_factory=list, repr=False)

    def shared(self, key: Hashable, make: Callable[[], T], close: Callable[[T], None] | None = None) -> T:
        """The value for `key`, made by `make()` the first time a proof asks for it in this run."""
        if key not in self._made:
            self._made[key] = make()
            if close is not None:
                self._closers.append(lambda value=self._made[key]: close(value))
        return self._made[key]

    def close(self) -> None:
        """Close what the run made (a browser, a recogniser)."""
        while self._closers:
            self._closers.pop()()
        self._made.clear()


@dataclass(frozen=True)
class Proof:
    """One independent reading of an edition: the reader's name and what it found.

    `skipped` says why this reader did not read this edition (e.g. speech recognition for a
    language it has no model for); a skipped proof is reported as such, never as passed.
    """

    reader: str  # e.g. "parser", "browser", "a11y tree", "page order", "speech recognition"
    differences: tuple = ()
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences


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

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        """Write every edition of `doc` into `out_dir`; return the paths written.

        `build.formats` names every format built for `doc` in the same build, so an edition can
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

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """Every independent reading of `output` compared with `doc` (default: `compare`, as "parser").

        A format with more readers (the browser, page order, speech recognition) returns one
        Proof each; `check` keeps warm engines for the whole run.
        """
        return [Proof("parser", tuple(self.compare(doc, output)))]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        """Run this format's conformance checkers; findings per file (an empty list is clean)."""
        return {output.path: [] for output in outputs}


Checker = Callable[[list[Path]], dict[Path, list[str]]]


def merged_findings(paths: list[Path], *checkers: Checker) -> dict[Path, list[str]]:
    """Every checker's findings per path, in checker order (a format with several checkers)."""
    findings: dict[Path, list[str]] = {path: [] for path in paths}
    for checker in checkers:
        for path, found in checker(paths).items():
            findings[path].extend(found)
    return findings
