"""Jobs: a build's bytes are the same whatever the number of worker processes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from altformats import api, jobs
from altformats.errors import AltformatsError, BuildFailed
from conftest import SAMPLE, SEED

FORMATS = ("html", "braille", "pdf", "epub")
SOURCES = [SEED, SAMPLE["structures"], SAMPLE["es-missile-defense"]]


def digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_one_worker_and_two_write_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one = api.build(SOURCES, ["html", "braille", "pdf", "epub"], tmp_path / "one", jobs=1, force=True)
    two = api.build(SOURCES, ["html", "braille", "pdf", "epub"], tmp_path / "two", jobs=2, force=True)
    assert [p.relative_to(tmp_path / "one") for p in one] == [p.relative_to(tmp_path / "two") for p in two]
    assert (
        digests(tmp_path / "one") == digests(tmp_path / "two") and len(digests(tmp_path / "one")) == 3 * 8
    )  # html, brf, brl.txt, pef, 3 pdf, epub


def test_the_epub_joins_the_pdf_job_only_when_both_are_built(seed):
    assert [job.names for job in jobs.plan(seed, ["html", "pdf", "epub", "braille"])] == [
        ("html",),
        ("pdf", "epub"),
        ("braille",),
    ]
    assert [job.names for job in jobs.plan(seed, ["epub", "html"])] == [("epub",), ("html",)]


def test_progress_is_called_once_per_job(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    seen: list[str] = []
    api.build([SEED, SAMPLE["structures"]], ["html", "braille"], tmp_path / "out", progress=seen.append, jobs=2)
    assert sorted(s.partition("] ")[0] for s in seen) == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert {s.partition("] ")[2] for s in seen} == {
        f"built {slug}: {name}" for slug in ("missile-defense", "structures") for name in ("html", "braille")
    }


def test_a_failing_job_leaves_its_document_as_it_was_and_builds_the_others(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    chinese = SAMPLE["zh-missile-defense"]  # braille refuses Chinese, html builds: nothing of it is written
    with pytest.raises(BuildFailed) as failed:
        api.build([chinese, SEED], ["html", "braille"], tmp_path / "out", jobs=2)
    assert f"{chinese}: not built" in str(failed.value)
    assert [p.name for p in failed.value.written] == [
        "missile-defense.brf",
        "missile-defense.brl.txt",
        "missile-defense.html",
        "missile-defense.pef",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["missile-defense"]


def test_sources_read_by_the_workers_report_every_problem_and_write_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bad = [tmp_path / "one.md", tmp_path / "two.md"]
    for path in bad:
        path.write_text(SEED.read_text(encoding="utf-8").replace("date: ", "date: 16/04/", 1), encoding="utf-8")
    with pytest.raises(AltformatsError) as failed:
        api.build([SEED, *bad], ["html", "braille"], tmp_path / "out", jobs=2)
    assert [p.path for p in failed.value.problems] == [str(path) for path in bad]
    assert not (tmp_path / "out").exists()
