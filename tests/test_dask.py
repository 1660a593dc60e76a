"""Dask: the same jobs on a distributed cluster (two worker processes on loopback) write the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import distributed
import pytest

from altformats import api
from altformats.errors import AltformatsError
from conftest import SAMPLE, SEED

FORMATS = ("html", "braille", "pdf", "epub")
SOURCES = [SEED, SAMPLE["structures"], SAMPLE["fr-long"]]


def digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_a_dask_build_writes_the_bytes_of_a_local_build(tmp_path, monkeypatch, scheduler):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names = list(FORMATS)
    api.build(SOURCES, names, tmp_path / "local", jobs=1)
    written = api.build(SOURCES, names, tmp_path / "dask", executor="dask", scheduler=scheduler)
    assert len(written) == 3 * 8  # html, 3 braille files, 3 PDFs, the EPUB, each of 3 sheets
    assert digests(tmp_path / "dask") == digests(tmp_path / "local")
    assert api.build(SOURCES, names, tmp_path / "dask", executor="dask", scheduler=scheduler) == []  # cached


def test_dask_needs_a_scheduler_that_answers(tmp_path):
    with pytest.raises(AltformatsError, match="--scheduler"):
        api.build([SEED], ["html"], tmp_path / "out", executor="dask")
