"""Build jobs: each (document, format) rendered by a pool of workers, each document staged and moved in whole.

A job renders one document in one format, except the EPUB, which joins the PDF's job when both are
built: its print page list follows the Letter edition, laid out once through `Build.shared`, and
two processes cannot share that layout. Jobs run in a pool of worker processes (forked, so they
start warm), on a Dask cluster (altformats.cluster), or in this process when there is only one job
or one worker. Workers render into the document's staging folder (a remote worker returns the
files' bytes, which are written there); the staging folder is moved into place when every job of
its document has succeeded, exactly as a one-process build does (altformats.output).
"""

from __future__ import annotations

import os
import shutil
import signal
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from altformats import formats
from altformats.document.model import Document
from altformats.errors import AltformatsError, Problem

if TYPE_CHECKING:  # a build with one job or one worker never starts a pool: it need not import one
    from concurrent.futures import Future

# A format rendered in the job of another when both are built (see the module docstring).
JOINS = {"epub": "pdf"}


@dataclass(frozen=True)
class Job:
    """One document in one format (or the PDF with the EPUB), with what its build shares."""

    doc: Document
    names: tuple[str, ...]  # the formats this job renders, in registry order
    built: frozenset[str]  # every format built for the document in this build (Build.formats)
    templates: str | None = None

    @property
    def label(self) -> str:
        return f"{self.doc.slug}: {'+'.join(self.names)}"


@dataclass
class Done:
    """What a job did: the names of the files it wrote, or the problems that stopped it."""

    names: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, bytes] | None = None  # a remote job's files, to be written into the staging folder


def groups(names: Iterable[str]) -> list[tuple[str, ...]]:
    """The formats of each job that builds `names` (registry order kept; the EPUB with the PDF if both)."""
    names = list(names)
    built = set(names)
    found: dict[str, list[str]] = {}
    for name in names:
        host = JOINS.get(name)
        found.setdefault(host if host in built else name, []).append(name)
    return [tuple(group) for group in found.values()]


def plan(doc: Document, names: Iterable[str], templates: str | None = None) -> list[Job]:
    """The jobs that build `doc` in `names` (see `groups`)."""
    names = list(names)
    built = frozenset(names)
    return [Job(doc, group, built, templates) for group in groups(names)]


def render(job: Job, stage: Path, final: Path) -> Done:
    """Render `job` into the staging folder `stage` (whose files go to `final`); problems are returned."""
    from altformats import output, tools

    scratch = output.scratch(stage) / "+".join(job.names)  # one per job: jobs of a document run at once
    scratch.mkdir(parents=True, exist_ok=True)
    context = formats.Build(job.templates, job.built, scratch)
    written: set[str] = set()
    name = job.names[0]
    before = tools.running_children()  # not this job's: a check run's browser in the same process
    try:
        for name in job.names:
            fmt = formats.get(name)
            paths = fmt.render(job.doc, stage, context) or []
            written |= {Path(p).name for p in paths} | {o.path.name for o in fmt.outputs(job.doc, stage)}
    except BaseException as error:
        # Children first: an encoder still writing into the staging folder would outlive its removal.
        tools.stop_children(untracked=isinstance(error, KeyboardInterrupt), keep=before)
        if isinstance(error, AltformatsError):
            return Done(problems=error.problems)  # as data: MissingTool and BuildFailed do not pickle
        if isinstance(error, OSError):
            where = _final_name(error.filename or final, stage, final)
            return Done(problems=output.cannot(f"write the {name} edition", where, error).problems)
        raise
    # The job's scratch files are removed here, in the worker: removing folders is slow on a busy
    # disk, and the build's own process, which moves every document into place, is the one to spare.
    shutil.rmtree(scratch, ignore_errors=True)
    return Done(sorted(n for n in written if (stage / n).is_file()))


def _final_name(path: str | Path, stage: Path, final: Path) -> Path:
    """Where a file being written in the staging folder will go (the path a user knows)."""
    path = Path(path)
    return final / path.relative_to(stage) if path.is_relative_to(stage) else path


class Pool(Protocol):
    """Where jobs run: this process, local worker processes, or a Dask cluster."""

    width: int  # how many jobs run at once

    def submit(self, job: Job, stage: Path, final: Path) -> Future | Ready: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


class Ready:
    """The result of a job already run in this process (a finished Future, without concurrent.futures)."""

    def __init__(self, value: Any):
        self.value = value

    def result(self) -> Any:
        return self.value


def load(path: Path) -> Document | list[Problem]:
    """Read and validate one source: its Document, or its problems (as data: they travel back from a worker)."""
    from altformats.document.reader import load as read

    try:
        return read(path)
    except AltformatsError as error:
        return error.problems


class InProcess:
    """Jobs run here, one after another: one job, one worker, or a test's monkeypatched build."""

    width = 1

    def submit(self, job: Job, stage: Path, final: Path) -> Ready:
        return Ready(render(job, stage, final))  # a bug or Ctrl-C propagates from here, as before

    def load(self, paths: list[Path]) -> list[Document | list[Problem]]:
        """Each source read (`load`), in order."""
        return [load(path) for path in paths]

    def close(self) -> None:
        pass

    abort = close


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_start(parent: int) -> None:
    """In each worker: die with the build (SIGKILL when it dies), and let the build handle Ctrl-C."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops the workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Processes:
    """A pool of forked worker processes; they die with the build (PR_SET_PDEATHSIG), their children with them."""

    def __init__(self, workers: int, names: Iterable[str] = ()):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Import the reader and the formats' modules once, here, before forking: each worker would
        # otherwise import them itself, which on a busy machine costs about as much as the jobs.
        import altformats.document.reader  # noqa: F401

        for name in names:
            formats.get(name)
        self.width = workers
        context = multiprocessing.get_context("fork")  # warm workers: the build's imports, no re-import
        self.executor = ProcessPoolExecutor(workers, context, initializer=_worker_start, initargs=(os.getpid(),))

    def submit(self, job: Job, stage: Path, final: Path) -> Future:
        return self.executor.submit(render, job, stage, final)

    def load(self, paths: list[Path]) -> list[Document | list[Problem]]:
        """Each source read (`load`) by the workers, in order: parsing a catalogue is as much work as rendering it."""
        return list(self.executor.map(load, paths))

    def close(self) -> None:
        self.executor.shutdown(wait=True)

    def abort(self) -> None:
        """Kill the workers now (their tracked children die with them), then let the pool go."""
        for process in list(getattr(self.executor, "_processes", {}).values()):  # no public way to reach them
            with suppress(OSError):
                process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass
class Staged:
    """One document being built: its jobs, its staging folder, and what its jobs returned."""

    index: int
    doc: Document
    jobs: list[Job]
    final: Path
    staging: AbstractContextManager[Path]
    stage: Path
    done: list[tuple[Job, Done]] = field(default_factory=list)


@dataclass
class Outcome:
    """What a run of jobs wrote and what failed."""

    written: dict[int, list[Path]] = field(default_factory=dict)  # per document index
    failed: dict[int, list[Problem]] = field(default_factory=dict)
    finished: list[tuple[Job, list[str]]] = field(default_factory=list)  # each successful job's files


def run(work: list[tuple[int, Document, list[Job]]], out: Path, pool: Pool, progress: Callable[[str], None]) -> Outcome:
    """Run every job in `pool`; move each document's files into place once all its jobs have succeeded."""
    outcome = Outcome()
    queue, active = deque(work), {}
    open_docs: list[Staged] = []
    try:
        while queue or active:
            # A window: a thousand documents are not a thousand folders at once, yet the workers
            # always have jobs queued while this process moves a finished document into place.
            while queue and len(active) < 4 * pool.width:
                index, doc, jobs = queue.popleft()
                if entry := _open(index, doc, jobs, out, outcome):
                    open_docs.append(entry)
                    active |= {pool.submit(job, entry.stage, entry.final): (entry, job) for job in jobs}
            for future in _finished(active):
                entry, job = active.pop(future)
                entry.done.append((job, future.result()))
                progress(f"built {job.label}")
                if len(entry.done) == len(entry.jobs):
                    open_docs.remove(entry)
                    _close(entry, outcome)
    except BaseException as error:
        pool.abort()
        for entry in open_docs:
            with suppress(BaseException):
                entry.staging.__exit__(type(error), error, error.__traceback__)
        raise
    pool.close()
    return outcome


def _finished(active: dict) -> list:
    """The jobs done: at once those run in this process, else the first of the pool's to finish."""
    if ready := [future for future in active if isinstance(future, Ready)]:
        return ready
    from concurrent.futures import FIRST_COMPLETED, wait

    return list(wait(list(active), return_when=FIRST_COMPLETED)[0])


def _open(index: int, doc: Document, jobs: list[Job], out: Path, outcome: Outcome) -> Staged | None:
    """Make the document's staging folder; on a problem, record it and return None."""
    from altformats import output

    final = out / doc.slug
    staging = output.staged(final, out)
    try:
        stage = staging.__enter__()
    except AltformatsError as error:
        outcome.failed[index] = error.problems
        return None
    return Staged(index, doc, jobs, final, staging, stage)


def _close(entry: Staged, outcome: Outcome) -> None:
    """Move the document's files into place if every job succeeded; else drop its staging folder."""
    from altformats import output

    problems = [p for _, done in entry.done for p in done.problems]
    try:
        if problems:
            raise AltformatsError(problems)
        for _, done in entry.done:
            _write_remote(done, entry.stage, entry.final)
        names = [path.name for path in output.staged_files(entry.stage)]
    except BaseException as error:
        with suppress(AltformatsError):
            entry.staging.__exit__(type(error), error, error.__traceback__)
        if not isinstance(error, AltformatsError):
            raise
        outcome.failed[entry.index] = error.problems
        return
    try:
        entry.staging.__exit__(None, None, None)
    except AltformatsError as error:
        outcome.failed[entry.index] = error.problems
        return
    outcome.written[entry.index] = [entry.final / name for name in names]
    outcome.finished.extend((job, done.names) for job, done in entry.done)


def _write_remote(done: Done, stage: Path, final: Path) -> None:
    """Write a remote job's files into the staging folder, as a local worker would have."""
    from altformats import output

    for name, data in (done.files or {}).items():
        if Path(name).name != name or name.startswith("."):
            raise AltformatsError(Problem(str(final), None, f"a worker returned a file named {name!r}"))
        try:
            output.write_bytes(stage / name, data)
        except OSError as error:
            raise output.cannot("write the file a worker made", final / name, error) from None
