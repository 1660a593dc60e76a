"""The public API the CLI is a thin layer over: load, build, check."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from altformats import formats
from altformats.errors import AltformatsError, BuildFailed, Problem

if TYPE_CHECKING:  # at run time these are imported where used: a no-change rebuild never needs the model's reader
    import threading

    from altformats import jobs as _jobs
    from altformats.document.model import Document

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
    import difflib

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
    *,
    jobs: int | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[Path]:
    """Build every edition of every source into out/<slug>/; return the files written.

    The environment and every source with a job to run are validated before anything is written (a
    source whose every job is unchanged is not parsed: it built with these bytes). Each (document,
    format) is a job (altformats.jobs), run by `jobs` worker processes (default: one per core) or,
    with executor="dask", on the cluster at `scheduler`; a job whose inputs have not changed since
    its files were written is skipped (altformats.cache) unless `force`. Each document's outputs
    are staged and moved into place only when all its jobs succeed. A document that fails does not
    stop the others: BuildFailed then names it and lists the files written.
    """
    from altformats import jobs as _jobs

    if problems := environment_problems():
        raise AltformatsError(problems)
    paths = find_sources(sources)
    names = list(format_names or formats.names())
    if problem := unknown_formats(names):
        load_all(paths)  # the sources' problems first, as ever
        raise AltformatsError(problem)
    out = Path(out)
    step = _numbered(progress, len(paths) * len(_jobs.groups(names)))
    plan = _plan(paths, names, templates, out, force, step, executor=executor, scheduler=scheduler, jobs=jobs)
    if plan.pool is None:
        return []  # every job unchanged: no source was read, no pool started
    outcome = _jobs.run(plan.work, out, plan.pool, step)
    if outcome.finished:
        from altformats import cache as _cache

        for job, written_names in outcome.finished:
            if key := plan.keys.get(id(job)):
                _cache.record_outputs(key, out / job.doc.slug, written_names)
    written = [path for index in sorted(outcome.written) for path in outcome.written[index]]
    failed: list[Problem] = []
    for index in sorted(outcome.failed):
        if len(paths) > 1:
            failed.append(Problem(plan.shown[index], None, f"not built; {out / plan.slugs[index]} is as it was:"))
        failed.extend(outcome.failed[index])
    if failed:
        raise BuildFailed(failed, written)
    return written


class _Plan:
    """A build's jobs to run (index, document, jobs), each one's cache key, each source's shown path and slug."""

    def __init__(self) -> None:
        self.work: list[tuple[int, Document, list[_jobs.Job]]] = []
        self.keys: dict[int, str] = {}  # id(job) -> its cache key
        self.shown: list[str] = []
        self.slugs: list[str | None] = []
        self.pool: _jobs.Pool | None = None  # where the sources were read and the jobs will run


def _plan(
    paths: list[Path], names: list[str], templates: str | None, out: Path, force: bool, progress: Progress, **pool: Any
) -> _Plan:
    """What to build: every job except those whose outputs are in place with nothing in their key changed.

    A source whose every job is unchanged is not even parsed: its bytes are in each key, and a source
    that built with these bytes is known to be valid. The sources with a job to run are loaded (every
    problem reported at once) before the output folder is checked and anything is written.
    """
    from altformats import jobs as _jobs
    from altformats import output
    from altformats.document.slugs import shown_path

    plan, groups, fingerprints = _Plan(), _jobs.groups(names), {}
    sheets = [_cached(Path(path), groups, templates, out, force, fingerprints) for path in paths]
    plan.shown, plan.slugs = [shown_path(Path(path)) for path in paths], [slug for slug, _, _ in sheets]
    found = [slug for slug in plan.slugs if slug is not None]
    if len(set(found)) < len(found):
        load_all(paths)  # names the sources that share a slug (and any other problem)
    for slug, _, hits in sheets:
        for group in groups:
            if group in hits:
                progress(f"unchanged {slug}: {'+'.join(group)}")
    todo = [index for index, (_, _, hits) in enumerate(sheets) if len(hits) < len(groups)]
    if not todo:
        return plan
    plan.pool = _pool(**pool, count=len(todo) * len(groups), names=names)
    try:
        docs = dict(zip(todo, _load_each([paths[index] for index in todo], plan.pool), strict=True))
        output.check_out(out)
    except BaseException:
        plan.pool.abort()
        raise
    for index, doc in docs.items():
        _, keys, hits = sheets[index]
        run = [job for job in _jobs.plan(doc, names, templates) if job.names not in hits]
        plan.keys |= {id(job): keys[job.names] for job in run if job.names in keys}
        if run:
            plan.work.append((index, docs[index], run))
    return plan


def _load_each(paths: list[Path], pool: _jobs.Pool) -> list[Document]:
    """Every source read and validated (by the pool's workers if it has them); every problem reported at once."""
    from altformats import jobs as _jobs

    loaded = pool.load(paths) if hasattr(pool, "load") else [_jobs.load(path) for path in paths]
    if problems := [problem for found in loaded if isinstance(found, list) for problem in found]:
        raise AltformatsError(problems)
    return loaded


def _cached(
    path: Path, groups: list[tuple[str, ...]], templates: str | None, out: Path, force: bool, fingerprints: dict
) -> tuple[str | None, dict[tuple[str, ...], str], set[tuple[str, ...]]]:
    """A source's slug, each of its jobs' cache key, and the jobs whose outputs are in place (none if `force`)."""
    from altformats import cache as _cache
    from altformats.document.slugs import shown_path, slug_of

    try:
        slug = slug_of(path)
    except AltformatsError:
        return None, {}, set()  # the reader reports it
    source = _read_source(Path(shown_path(path)))
    if source is None:
        return slug, {}, set()
    keys = {g: _cache.job_key(source, slug, g, templates, fingerprints) for g in groups if _cache.cacheable(g)}
    if force:
        return slug, keys, set()
    return slug, keys, {g for g, key in keys.items() if _cache.outputs_in_place(key, out / slug) is not None}


# The most of a source read to make its cache key: the reader's own limit (document.reader.SOURCE_LIMIT,
# asserted equal in tests/test_cache.py); a larger source is never in the cache, and the reader refuses it.
SOURCE_LIMIT = 2 * 1024 * 1024


def _read_source(path: Path) -> bytes | None:
    """A source file's bytes (its jobs' cache key), or None if it cannot be read or is too large to be built."""
    try:
        with path.open("rb") as handle:
            data = handle.read(SOURCE_LIMIT + 1)
    except OSError:
        return None
    if len(data) > SOURCE_LIMIT:
        return None
    from altformats import cache as _cache

    return _cache.with_assets(data, path.parent)


def _numbered(progress: Progress, total: int) -> Progress:
    """`progress`, called once per job (run or skipped) as "[k/total] message"."""
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        progress(f"[{done}/{total}] {message}")

    return step


def _source_bytes(doc: Document) -> bytes | None:
    """The source file's bytes (the cache's key), or None if it cannot be read again."""
    return _read_source(Path(doc.path))


def _pool(executor: str, scheduler: str | None, jobs: int | None, count: int, names: list[str]) -> _jobs.Pool:
    """Where the jobs run: a Dask cluster, forked workers, or this process (one job or one worker)."""
    from altformats import jobs as _jobs

    if executor == "dask":
        from altformats.cluster import Cluster

        return Cluster(scheduler)
    if executor != "local":
        raise AltformatsError(Problem("--executor", None, f"must be local or dask, got {executor!r}"))
    if jobs is not None and jobs < 1:
        raise AltformatsError(Problem("--jobs", None, f"must be 1 or more, got {jobs}"))
    workers = min(jobs or len(os.sched_getaffinity(0)), count)
    return _jobs.Processes(workers, names) if workers > 1 else _jobs.InProcess()


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
    cached: bool = False  # passed an earlier check, unchanged since: not read again

    @property
    def ok(self) -> bool:
        return not self.differences and not self.findings

    def readers(self) -> str:
        """What was read, e.g. "parser ok, browser ok, speech recognition skipped (English only)"."""
        return ", ".join(
            f"{p.reader} skipped ({p.skipped})" if p.skipped else f"{p.reader} {'ok' if p.ok else 'FAIL'}"
            for p in self.proofs
        ) + ("; unchanged since it passed" if self.cached else "")


def check(
    sources: Sequence[str | Path] | None = None,
    format_names: Sequence[str] | None = None,
    out: str | Path = DEFAULTS["out"],
    conformance: bool = True,
    progress: Progress = _quiet,
    *,
    jobs: int | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[EditionReport]:
    """Read every built edition back, compare it with its source, and run the format's checkers.

    Each validator runs once over every file of its format (one JVM, one browser per run, not per
    file). An edition that passed before, unchanged (same bytes, source, code and checkers), is not
    read or validated again unless `force` (altformats.cache). The readers and validators run on
    this machine: `jobs`, `executor` and `scheduler` are accepted so that one configuration serves
    build and check, and are not used by check.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from altformats import parity, tools

    del jobs, executor, scheduler  # see the docstring
    reports: list[EditionReport] = []
    pending: dict[str, list[tuple[EditionReport, str | None]]] = {}
    chosen = chosen_formats(format_names)
    todo: list[tuple[Document, formats.Format, formats.Output, EditionReport]] = []
    for doc in load_all(sources):
        expected = doc.reading_blocks()
        for fmt in chosen:
            for output in fmt.outputs(doc, Path(out) / doc.slug):
                report = EditionReport(output.edition, output.path, len(expected), parity.word_count(expected))
                reports.append(report)
                if not output.path.exists():
                    report.findings.append(f"not built: run 'altformats build {doc.path} --format {fmt.name}'")
                    continue
                key = _check_key(doc, fmt.name, output, conformance)
                if not force and (readers := _cache_passed(key, output.path)) is not None:
                    report.proofs, report.cached = [formats.Proof(r, (), s) for r, s in readers], True
                    progress(f"{doc.slug}: {output.path.name} unchanged since it passed")
                    continue
                todo.append((doc, fmt, output, report))
                pending.setdefault(fmt.name, []).append((report, key))
    # The validators are other programs that read the files as written: they run while the
    # readers here read the same files back (one core reads, the validators take the other).
    run, stopping = formats.Check(), threading.Event()
    before = tools.running_children()  # a browser the caller started (serve, the tests) is not this check's
    with ThreadPoolExecutor(max_workers=1) as background:
        validating = background.submit(_validate, chosen, pending, progress, stopping) if conformance else None
        try:
            for doc, fmt, output, report in todo:
                progress(f"{doc.slug}: reading {output.path.name}")
                report.proofs = fmt.prove(doc, output, run)
                report.differences = [d for proof in report.proofs for d in proof.differences]
            if validating is not None:
                validating.result()
        except BaseException:  # an error or a signal: stop the validators rather than wait for them
            stopping.set()
            tools.stop_children(keep=before)
            raise
        finally:
            run.close()
    _remember_passes(pending)
    return reports


def _validate(chosen: list[formats.Format], pending: dict, progress: Progress, stopping: threading.Event) -> None:
    """Each format's validators, once over every file of that format still to be checked; none is
    started once `stopping` is set.

    The validators are other programs (JVMs, node, Chromium) that mostly wait on their own start: two
    formats' run at a time, as the machines have two cores. Findings keep the formats' order.
    """
    from concurrent.futures import ThreadPoolExecutor

    batches = [(fmt, batch) for fmt in chosen if (batch := pending.get(fmt.name))]

    def validate(item: tuple[formats.Format, list]) -> dict:
        fmt, batch = item
        if stopping.is_set():
            return {}
        progress(f"conformance checks for {fmt.name}: {len(batch)} files")
        return fmt.conformance([formats.Output(report.edition, report.path) for report, _ in batch])

    with ThreadPoolExecutor(max_workers=2) as pool:
        for (_, batch), found in zip(batches, pool.map(validate, batches), strict=True):
            for report, _ in batch:
                report.findings.extend(found.get(report.path, []))


def _check_key(doc: Document, name: str, output: formats.Output, conformance: bool) -> str | None:
    """The cache key of one edition's check, or None if that edition is never cached."""
    from altformats import cache as _cache

    source = _source_bytes(doc)
    if source is None or not _cache.cacheable([name]):
        return None
    return _cache.check_key(_cache.job_key(source, doc.slug, (name,), None), output.path, conformance)


def _cache_passed(key: str | None, path: Path) -> list[list[str]] | None:
    from altformats import cache as _cache

    return _cache.passed(key, path)


def _remember_passes(pending: dict) -> None:
    """Record every edition checked in this run that passed, so an unchanged one is not checked again."""
    from altformats import cache as _cache

    for batch in pending.values():
        for report, key in batch:
            if report.ok:
                _cache.record_pass(key, report.path, [[p.reader, p.skipped] for p in report.proofs])
