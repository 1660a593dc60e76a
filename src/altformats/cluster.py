"""Build jobs on a Dask cluster (`distributed`): workers render and return the files' bytes.

The client (the machine running `altformats build`) stages and moves the files into place as for
a local build. A worker renders in a temporary folder of its own, with the user's template files
and the build's environment variables sent along with the job, and refuses a job whose engines or
altformats code differ from the client's (its bytes would differ from a local build's).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from altformats import cache
from altformats.errors import AltformatsError, Problem
from altformats.jobs import Done, Job, render

INSTALL = "pip install 'altformats[dask]'"


def environment(names: tuple[str, ...]) -> dict:
    """What a worker must match to make the client's bytes: altformats' code and the formats' engines."""
    return {"code": cache.code_digest(), "engines": {n: cache.engines(n) for n in ("*", *names)}}


def template_files(job: Job) -> dict[str, bytes]:
    """The user's template files for the job's formats (relative path -> bytes), sent with the job."""
    if not job.templates:
        return {}
    root = Path(job.templates)
    found = {}
    for name in job.names:
        for path in sorted((root / name).rglob("*")) if (root / name).is_dir() else []:
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def remote_render(job: Job, expected: dict, templates: dict[str, bytes], env: dict[str, str]) -> Done:
    """On a worker: render `job` in a temporary folder and return its files' bytes."""
    mine = environment(job.names)
    if mine != expected:
        differs = _differences(expected, mine)
        host = os.uname().nodename
        message = (
            f"differs from the client in {', '.join(differs)}; install the same altformats and engines on every worker"
        )
        return Done(problems=[Problem(f"dask worker {host}", None, message)])
    with tempfile.TemporaryDirectory(prefix="altformats-job-") as folder, _environment(env):
        root = Path(folder)
        if templates:
            for relative, data in templates.items():
                (root / "templates" / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / "templates" / relative).write_bytes(data)
            job = replace(job, templates=str(root / "templates"))
        stage = root / "stage"
        stage.mkdir()
        done = render(job, stage, stage)
        if not done.problems:
            done.files = {name: (stage / name).read_bytes() for name in done.names}
    return done


def _differences(expected: dict, mine: dict) -> list[str]:
    """The names of what differs between the client's environment and this worker's."""
    differs = ["altformats code"] if expected["code"] != mine["code"] else []
    for name, wanted in expected["engines"].items():
        have = mine["engines"].get(name, {})
        differs += [
            f"{spec} ({have.get(spec)} here, {version} there)"
            for spec, version in wanted.items()
            if have.get(spec) != version
        ]
    return differs


@contextmanager
def _environment(env: dict[str, str]):
    """The client's build variables (SOURCE_DATE_EPOCH, ALTFORMATS_*) in place of the worker's, for one job."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(cache.ENV_PREFIXES)}
    for key in saved:
        del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith(cache.ENV_PREFIXES)]:
            del os.environ[key]
        os.environ.update(saved)


class Cluster:
    """Jobs submitted to a Dask scheduler; `width` is the cluster's worker threads."""

    def __init__(self, scheduler: str | None):
        if not scheduler:
            raise AltformatsError(
                Problem("--scheduler", None, "is required with --executor dask (e.g. tcp://HOST:8786)")
            )
        try:
            from distributed import Client
        except ImportError:
            raise AltformatsError(
                f"--executor dask needs the distributed package; install it with: {INSTALL}"
            ) from None
        try:
            self.client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise AltformatsError(Problem(f"--scheduler {scheduler}", None, f"cannot be reached: {error}")) from None
        self.executor = self.client.get_executor(pure=False)
        self.width = max(1, sum(self.client.nthreads().values()))
        self.env = {k: v for k, v in os.environ.items() if k.startswith(cache.ENV_PREFIXES) and v}

    def submit(self, job: Job, stage: Path, final: Path) -> Future:
        return self.executor.submit(remote_render, job, environment(job.names), template_files(job), self.env)

    def close(self) -> None:
        self.client.close()

    def abort(self) -> None:
        self.executor.shutdown(wait=False)
        self.client.close()
