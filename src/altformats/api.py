"""The public API the CLI is a thin layer over: load, build, check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from altformats import formats
from altformats.document.model import Document
from altformats.errors import AltformatsError, Problem

DEFAULTS = {
    "sources": "source/*.md",
    "out": "build",
}

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def find_sources(sources: Sequence[str | Path] | None = None) -> list[Path]:
    """The given source files, or every source/*.md; an error if there are none."""
    if sources:
        return [Path(s) for s in sources]
    folder, _, pattern = DEFAULTS["sources"].partition("/")
    found = sorted(Path(folder).glob(pattern))
    if not found:
        raise AltformatsError(
            f"no sources: {DEFAULTS['sources']} matches nothing (run from the project folder or name the files)"
        )
    return found


def load(path: str | Path) -> Document:
    """Read and validate one source file."""
    from altformats.document.reader import load as read

    return read(path)


def load_all(sources: Sequence[str | Path] | None = None) -> list[Document]:
    """Load every source, reporting the problems of all of them at once."""
    problems: list[Problem] = []
    docs: list[Document] = []
    for path in find_sources(sources):
        try:
            docs.append(load(path))
        except AltformatsError as error:
            problems.extend(error.problems)
    slugs: dict[str, str] = {}
    for doc in docs:
        if doc.slug in slugs:
            problems.append(Problem(doc.path, None, f"slug '{doc.slug}' is also the slug of {slugs[doc.slug]}"))
        slugs[doc.slug] = doc.path
    if problems:
        raise AltformatsError(problems)
    return docs


def chosen_formats(names: Sequence[str] | None) -> list[formats.Format]:
    """The named formats (default: every registered one), or an error naming the known ones."""
    names = list(names or formats.names())
    unknown = [name for name in names if name not in formats.REGISTRY]
    if unknown:
        raise AltformatsError(f"unknown format {', '.join(unknown)}; known formats: {', '.join(formats.names())}")
    return [formats.get(name) for name in names]


def build(
    sources: Sequence[str | Path] | None = None,
    format_names: Sequence[str] | None = None,
    out: str | Path = DEFAULTS["out"],
    templates: str | None = None,
    progress: Progress = _quiet,
) -> list[Path]:
    """Build every edition of every source into out/<slug>/; return the files written.

    Every source is validated before anything is written; each document's
    outputs are staged and moved into place only when all its formats succeed.
    """
    from altformats.output import staged

    docs = load_all(sources)
    chosen = chosen_formats(format_names)
    together = frozenset(fmt.name for fmt in chosen)
    written: list[Path] = []
    steps = len(docs) * len(chosen)
    for d, doc in enumerate(docs):
        final = Path(out) / doc.slug
        with staged(final) as stage:
            context = formats.Build(templates, together)
            for f, fmt in enumerate(chosen):
                progress(f"[{d * len(chosen) + f + 1}/{steps}] building {doc.slug}: {fmt.name}")
                fmt.render(doc, stage, context)
            names = sorted(path.name for path in stage.iterdir())
        written.extend(final / name for name in names)
    return written


@dataclass
class EditionReport:
    """What `check` found for one edition: parity differences and conformance findings."""

    edition: str
    path: Path
    blocks: int = 0
    words: int = 0
    differences: list = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences and not self.findings


def check(
    sources: Sequence[str | Path] | None = None,
    format_names: Sequence[str] | None = None,
    out: str | Path = DEFAULTS["out"],
    conformance: bool = True,
    progress: Progress = _quiet,
) -> list[EditionReport]:
    """Read every built edition back, compare it with its source, and run the format's checkers."""
    from altformats import parity

    reports: list[EditionReport] = []
    for doc in load_all(sources):
        expected = doc.reading_blocks()
        for fmt in chosen_formats(format_names):
            outputs = fmt.outputs(doc, Path(out) / doc.slug)
            built = [o for o in outputs if o.path.exists()]
            for output in outputs:
                progress(f"{doc.slug}: reading {output.path.name}")
                report = EditionReport(output.edition, output.path, len(expected), parity.word_count(expected))
                if output in built:
                    report.differences = fmt.compare(doc, output)
                else:
                    report.findings.append(f"not built: run 'altformats build {doc.path} --format {fmt.name}'")
                reports.append(report)
            if conformance and built:
                progress(f"{doc.slug}: conformance checks for {fmt.name}")
                found = fmt.conformance(built)
                for report in reports[-len(outputs) :]:
                    report.findings.extend(found.get(report.path, []))
    return reports
