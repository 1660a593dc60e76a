"""The public API the CLI is a thin layer over: load, build, check."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from altformats import formats
from altformats.document.model import Document
from altformats.errors import AltformatsError, BuildFailed, Problem

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


def unknown_formats(names: Sequence[str]) -> str | None:
    """What is wrong with `names` as format names ("did you mean" included), or None."""
    unknown = [name for name in names if name not in formats.REGISTRY]
    if not unknown:
        return None
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, formats.names(), n=1)
        hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    return f"unknown format {', '.join(hints)}; known formats: {', '.join(formats.names())}"


def chosen_formats(names: Sequence[str] | None) -> list[formats.Format]:
    """The named formats (default: every registered one), or an error naming the known ones."""
    names = list(names or formats.names())
    if problem := unknown_formats(names):
        raise AltformatsError(problem)
    return [formats.get(name) for name in names]


def environment_problems() -> list[Problem]:
    """What is wrong with the environment variables a build reads (SOURCE_DATE_EPOCH, ...)."""
    from altformats import tools

    return tools.environment_problems()


def build(
    sources: Sequence[str | Path] | None = None,
    format_names: Sequence[str] | None = None,
    out: str | Path = DEFAULTS["out"],
    templates: str | None = None,
    progress: Progress = _quiet,
) -> list[Path]:
    """Build every edition of every source into out/<slug>/; return the files written.

    The environment and every source are validated before anything is written; each document's
    outputs are staged and moved into place only when all its formats succeed. A document that
    fails does not stop the others: BuildFailed then names it and lists the files written.
    """
    from altformats import output

    if problems := environment_problems():
        raise AltformatsError(problems)
    docs = load_all(sources)
    chosen = chosen_formats(format_names)
    out = Path(out)
    output.check_out(out)
    written: list[Path] = []
    failed: list[Problem] = []
    for d, doc in enumerate(docs):

        def step(f: int, message: str, first: int = d * len(chosen)) -> None:
            progress(f"[{first + f + 1}/{len(docs) * len(chosen)}] {message}")

        try:
            written.extend(_build_document(doc, chosen, out, templates, step))
        except AltformatsError as error:
            if len(docs) > 1:
                failed.append(Problem(doc.path, None, f"not built; {out / doc.slug} is as it was:"))
            failed.extend(error.problems)
    if failed:
        raise BuildFailed(failed, written)
    return written


def _build_document(
    doc: Document, chosen: list[formats.Format], out: Path, templates: str | None, progress: Callable[[int, str], None]
) -> list[Path]:
    """Build one document's editions into out/<slug>/, all or nothing; return the files written."""
    from altformats import output, tools

    final = out / doc.slug
    with output.staged(final, out) as stage:
        context = formats.Build(templates, frozenset(fmt.name for fmt in chosen), output.scratch(stage))
        try:
            for f, fmt in enumerate(chosen):
                progress(f, f"building {doc.slug}: {fmt.name}")
                fmt.render(doc, stage, context)
        except BaseException as error:
            # Children first: an encoder still writing into the staging folder would outlive its removal.
            tools.stop_children(untracked=isinstance(error, KeyboardInterrupt))
            if isinstance(error, OSError):
                where = str(error.filename or final)
                raise output.cannot(f"write the {fmt.name} edition", _final_name(where, stage, final), error) from None
            raise
        names = [path.name for path in output.staged_files(stage)]
    return [final / name for name in names]


def _final_name(path: str | Path, stage: Path, final: Path) -> Path:
    """Where a file being written in the staging folder will go (the path a user knows)."""
    path = Path(path)
    return final / path.relative_to(stage) if path.is_relative_to(stage) else path


@dataclass
class EditionReport:
    """What `check` found for one edition: parity differences and conformance findings."""

    edition: str
    path: Path
    blocks: int = 0
    words: int = 0
    differences: list = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    proofs: list[formats.Proof] = field(default_factory=list)  # each reader that read the edition

    @property
    def ok(self) -> bool:
        return not self.differences and not self.findings

    def readers(self) -> str:
        """What was read, e.g. "parser ok, browser ok, speech recognition skipped (English only)"."""
        return ", ".join(
            f"{p.reader} skipped ({p.skipped})" if p.skipped else f"{p.reader} {'ok' if p.ok else 'FAIL'}"
            for p in self.proofs
        )


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
    run = formats.Check()
    try:
        for doc in load_all(sources):
            expected = doc.reading_blocks()
            for fmt in chosen_formats(format_names):
                outputs = fmt.outputs(doc, Path(out) / doc.slug)
                built = [o for o in outputs if o.path.exists()]
                for output in outputs:
                    progress(f"{doc.slug}: reading {output.path.name}")
                    report = EditionReport(output.edition, output.path, len(expected), parity.word_count(expected))
                    if output in built:
                        report.proofs = fmt.prove(doc, output, run)
                        report.differences = [d for proof in report.proofs for d in proof.differences]
                    else:
                        report.findings.append(f"not built: run 'altformats build {doc.path} --format {fmt.name}'")
                    reports.append(report)
                if conformance and built:
                    progress(f"{doc.slug}: conformance checks for {fmt.name}")
                    found = fmt.conformance(built)
                    for report in reports[-len(outputs) :]:
                        report.findings.extend(found.get(report.path, []))
    finally:
        run.close()
    return reports
