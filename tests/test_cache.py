"""The build cache: unchanged jobs are skipped without importing the engines; any change rebuilds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from altformats import api, cache
from altformats.document import reader
from altformats.errors import AltformatsError
from conftest import ROOT, SEED

FORMATS = ("html", "braille")
ENGINES = ("weasyprint", "pyttsx3", "ebooklib", "louis", "numpy")
# What reading a source needs (and rendering HTML): an unchanged source is not parsed, so none is imported.
READERS = ("markdown_it", "yaml", "babel", "jinja2", "importlib.metadata")


def build(sources, out: Path, **options) -> list[Path]:
    return api.build(sources, list(FORMATS), out, jobs=1, **options)


def test_a_no_change_rebuild_writes_nothing_and_imports_no_engine_nor_reader(tmp_path):
    out, env = (
        tmp_path / "out",
        {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT / "src")},
    )
    script = (
        "import sys, json; from altformats import api;"
        f"w = api.build([{str(SEED)!r}], ['html', 'braille', 'pdf', 'epub', 'audio'], {str(out)!r});"
        f"print(json.dumps([len(w), [m for m in {ENGINES + READERS!r} if m in sys.modules]]))"
    )
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert json.loads(first.stdout)[0] > 5 and {"markdown_it", "yaml"} <= set(json.loads(first.stdout)[1])
    assert json.loads(again.stdout) == [0, []]


def test_only_the_changed_source_is_read_and_its_problems_are_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out, good, bad = tmp_path / "out", tmp_path / "good.md", tmp_path / "bad.md"
    good.write_bytes(SEED.read_bytes())
    bad.write_bytes(SEED.read_bytes())
    assert len(build([good, bad], out)) == 8  # html, and the braille BRF, proof copy and PEF, of each
    bad.write_text(SEED.read_text(encoding="utf-8").replace("date: ", "date: 16/04/", 1), encoding="utf-8")
    with pytest.raises(AltformatsError, match=r"bad\.md:\d+: front matter: 'date'"):
        build([good, bad], out)
    bad.write_bytes(SEED.read_bytes().replace(b"Iran", b"Iraq"))
    assert {p.parent.name for p in build([good, bad], out)} == {"bad"}


def test_the_key_reads_no_more_than_the_reader_accepts():
    assert api.SOURCE_LIMIT == reader.SOURCE_LIMIT


def test_package_versions_are_found_as_importlib_metadata_finds_them():
    specs = {spec for row in (*cache.ENGINES.values(), cache.CHECKERS) for spec in row if spec.startswith("pkg:")}
    for name in sorted(spec[4:] for spec in specs | {"pkg:Jinja2", "pkg:markdown_it_py", "pkg:no-such-package"}):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = "not installed"
        assert cache.package_version(name) == expected, name


def test_changes_rebuild_and_force_rebuilds_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out, source = tmp_path / "out", tmp_path / SEED.name
    source.write_bytes(SEED.read_bytes())
    assert len(build([source], out)) == 4
    assert build([source], out) == []
    assert len(build([source], out, force=True)) == 4
    source.write_text(SEED.read_text(encoding="utf-8").replace("Iran", "Iraq"), encoding="utf-8")
    assert len(build([source], out)) == 4  # the source's bytes changed
    html = out / SEED.stem / f"{SEED.stem}.html"
    html.write_text("tampered")
    assert [p.name for p in build([source], out)] == [html.name]  # only the job whose output changed
    assert b"Iraq" in html.read_bytes()
    monkeypatch.setenv("ALTFORMATS_BRAILLE_GRADE", "1")
    assert {".brf", ".txt"} <= {p.suffix for p in build([source], out)}  # the build variables are in every key


def test_a_user_template_change_rebuilds_that_format(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates, out = tmp_path / "templates", tmp_path / "out"
    (templates / "html").mkdir(parents=True)
    (templates / "html" / "style.css").write_text((ROOT / "templates" / "html" / "style.css").read_text())
    build([SEED], out, templates=str(templates))
    (templates / "html" / "style.css").write_text("main { color: black }\n")
    assert [p.suffix for p in build([SEED], out, templates=str(templates))] == [".html"]


def test_corrupted_cache_entries_are_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    build([SEED], out)
    entries = sorted(cache.folder().rglob("*.json"))
    assert entries
    for number, entry in enumerate(entries):
        entry.write_bytes([b"", b"\x80garbage", b"[1, 2]", b'{"files": {"../x": 3}}'][number % 4])
    assert len(build([SEED], out)) == 4  # rebuilt, no crash
    assert build([SEED], out) == []  # and remembered again


def test_check_skips_an_unchanged_edition_that_passed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    build([SEED], out)
    first = api.check([SEED], ["braille"], out, conformance=False)
    assert all(r.ok and not r.cached for r in first)
    again = api.check([SEED], ["braille"], out, conformance=False)
    assert all(r.ok and r.cached for r in again)
    assert all(not r.cached for r in api.check([SEED], ["braille"], out, conformance=False, force=True))
    brf = out / SEED.stem / f"{SEED.stem}.brf"
    brf.write_bytes(brf.read_bytes()[:-400])  # its last words cut off: read again, and it fails
    corrupted = {r.edition: r for r in api.check([SEED], ["braille"], out, conformance=False)}
    assert not corrupted["braille"].cached and not corrupted["braille"].ok


def test_an_edited_image_rebuilds_the_sheet_that_shows_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sheets = Path(__file__).parent / "fixtures" / "sheets"
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "heat-safety.md").write_bytes((sheets / "heat-safety.md").read_bytes())
    shutil.copytree(sheets / "images", folder / "images")
    image = folder / "images" / "heat-deaths.png"
    out = tmp_path / "out"
    assert api.build([folder / "heat-safety.md"], ["html"], out, jobs=1)
    assert api.build([folder / "heat-safety.md"], ["html"], out, jobs=1) == []  # nothing changed: skipped
    image.write_bytes(image.read_bytes() + b"\0")  # a changed image, the source untouched
    rebuilt = api.build([folder / "heat-safety.md"], ["html"], out, jobs=1)
    assert "images-heat-deaths.png" in [p.name for p in rebuilt]  # the job ran again
    assert (out / "heat-safety" / "images-heat-deaths.png").read_bytes() == image.read_bytes()
