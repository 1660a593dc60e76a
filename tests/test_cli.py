"""The command line: exit codes, messages without tracebacks, nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import altformats
from altformats import formats, tools
from altformats.cli import main
from altformats.errors import MissingTool
from conftest import FIXTURES, ROOT, SEED


def test_build_writes_the_slug_path_and_check_passes(tmp_path, capsys):
    assert main(["build", str(SEED), "--format", "html", "--out", str(tmp_path)]) == 0
    html = tmp_path / "missile-defense" / "missile-defense.html"
    assert f"wrote {html}" in capsys.readouterr().out
    assert main(["check", str(SEED), "--format", "html", "--out", str(tmp_path), "--no-conformance"]) == 0
    line, readers = capsys.readouterr().out.splitlines()[:2]
    assert line.startswith("ok") and "18 blocks, 376 words" in line  # the publisher, in the colophon, is the 18th
    assert readers.split(": ", 1)[1].startswith("parser ok"), readers  # each reader that read it, named


def test_check_fails_with_one_line_per_edition_and_the_difference(scratch_build, capsys):
    html = scratch_build / "missile-defense" / "missile-defense.html"
    html.write_text(html.read_text(encoding="utf-8").replace("Iran", "Iraq"), encoding="utf-8")
    status = main(["check", str(SEED), "-f", "html", "-o", str(scratch_build), "--no-conformance"])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("FAIL html")
    assert "html: block 10 (source line 35)" in out and "Iran" in out and "Iraq" in out
    assert "read by: parser FAIL" in out


def test_check_says_what_to_run_when_nothing_is_built(tmp_path, capsys):
    assert main(["check", str(SEED), "-f", "html", "-o", str(tmp_path), "--no-conformance"]) == 1
    assert "not built: run 'altformats build" in capsys.readouterr().out


def test_bad_input_exits_non_zero_without_traceback_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    done = _run("build", str(FIXTURES / "bad" / "bad-date.md"), "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.startswith("altformats: error: ") and "bad-date.md:3:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_one_bad_source_stops_the_whole_build_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(SEED), str(FIXTURES / "bad" / "second-h1.md"), "--out", str(out)]) == 1
    assert not out.exists()


def test_failed_build_leaves_previous_outputs_intact(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(SEED), "-f", "html", "-o", str(out)]) == 0
    html = out / "missile-defense" / "missile-defense.html"
    before = html.read_bytes()
    broken = tmp_path / "templates" / "html"
    broken.mkdir(parents=True)
    (broken / "page.html.j2").write_text("<html>\n<p>{{ doc.meta.no_such_field }}</p>\n", encoding="utf-8")
    assert main(["build", str(SEED), "-f", "html", "-o", str(out), "--templates", str(tmp_path / "templates")]) == 1
    err = capsys.readouterr().err
    assert f"{broken / 'page.html.j2'}:2: template error:" in err and "no_such_field" in err
    assert html.read_bytes() == before
    assert sorted(p.name for p in (out / "missile-defense").iterdir()) == ["missile-defense.html"]


def test_template_syntax_error_names_file_and_line(tmp_path, capsys):
    user = tmp_path / "templates" / "html"
    user.mkdir(parents=True)
    (user / "page.html.j2").write_text("<html>\n\n{% if %}\n", encoding="utf-8")
    assert main(["build", str(SEED), "-f", "html", "-o", str(tmp_path / "o"), "--templates", str(user.parent)]) == 1
    assert f"{user / 'page.html.j2'}:3: template error:" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_user_templates_come_first(tmp_path):
    user = tmp_path / "templates" / "html"
    user.mkdir(parents=True)
    (user / "style.css").write_text("body { color: CanvasText; } /* house style */", encoding="utf-8")
    assert main(["build", str(SEED), "-f", "html", "-o", str(tmp_path / "o"), "--templates", str(user.parent)]) == 0
    assert "/* house style */" in (tmp_path / "o" / "missile-defense" / "missile-defense.html").read_text()


def test_unknown_format_is_a_usage_error_with_did_you_mean(tmp_path, capsys):
    assert main(["build", str(SEED), "--format", "html,brialle", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: altformats build")
    assert "unknown format 'brialle' (did you mean 'braille'?)" in err
    assert f"known formats: {', '.join(formats.names())}" in err
    assert not (tmp_path / "o").exists()


def test_unknown_format_without_a_close_name_still_lists_the_known_ones(capsys):
    assert main(["check", str(SEED), "-f", "docx"]) == 2
    assert f"unknown format 'docx'; known formats: {', '.join(formats.names())}" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "status"), [([], 2), (["build", "--no-such-option"], 2), (["--help"], 0)])
def test_usage_exit_statuses(argv, status, capsys):
    assert main(argv) == status


def test_exit_status_of_python_dash_m_for_usage_errors():
    done = _run("build", "--format", "htlm")
    assert done.returncode == 2 and "did you mean 'html'?" in done.stderr and "Traceback" not in done.stderr


def test_formats_lists_the_registry(capsys):
    assert main(["formats"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == formats.names()


def test_python_dash_m_and_default_sources(tmp_path):
    done = _run("build", "--format", "html", "--out", str(tmp_path), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    built = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")}
    assert built == {f"{p.stem}/{p.stem}.html" for p in (ROOT / "source").glob("*.md")}


def test_no_sources_is_a_clear_error(tmp_path):
    done = _run("build", cwd=tmp_path)
    assert done.returncode == 1 and "no sources: source/*.md matches nothing" in done.stderr


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "altformats", *args], capture_output=True, text=True, cwd=cwd)


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"altformats {altformats.__version__}"


def test_off_a_terminal_one_plain_line_per_finished_job_and_quiet_silences_it(tmp_path, capsys):
    out = str(tmp_path / "o")
    assert main(["build", str(SEED), "-f", "html,braille", "-o", out]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert sorted(lines) == ["[1/2] built missile-defense: braille", "[2/2] built missile-defense: html"] or sorted(
        lines
    ) == ["[1/2] built missile-defense: html", "[2/2] built missile-defense: braille"]
    assert main(["build", str(SEED), "-f", "html,braille", "-o", out]) == 0  # nothing changed: nothing built
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] unchanged missile-defense: html",
        "[2/2] unchanged missile-defense: braille",
    ]
    assert main(["build", str(SEED), "-f", "html", "-o", out, "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_scheduler_needs_the_dask_executor(capsys):
    assert main(["build", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err


def test_checkers_lookup_order(tmp_path, monkeypatch):
    monkeypatch.delenv("ALTFORMATS_NODE_MODULES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert tools.node_modules() == ROOT / "node_modules"  # in a checkout, its own
    monkeypatch.setattr(tools, "PROJECT_ROOT", tmp_path / "site-packages")  # as an installed wheel sees it
    assert tools.node_modules() == tmp_path / "data" / "altformats" / "node_modules"
    with pytest.raises(MissingTool, match=r"npm package axe-core .* install it with: altformats install-checkers$"):
        tools.npm_file("axe-core", "axe.min.js")
    monkeypatch.setenv("ALTFORMATS_NODE_MODULES", str(tmp_path / "mine"))
    assert tools.node_modules() == tmp_path / "mine"
    assert tools.checker_install_line().startswith(f"altformats install-checkers --into {tmp_path}")
    monkeypatch.undo()
    assert (tools.checker_manifest() / "package-lock.json").is_file()  # what install-checkers installs from


def test_check_outside_a_checkout_finds_the_checkers_through_the_config(scratch_build, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ALTFORMATS_NODE_MODULES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(tools, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.chdir(tmp_path)
    argv = ["check", "-q", str(SEED), "-f", "html", "-o", str(scratch_build)]
    assert main(argv) == 1
    assert "install it with: altformats install-checkers" in capsys.readouterr().err
    (tmp_path / "altformats.toml").write_text(f'checkers = "{ROOT / "node_modules"}"\n', encoding="utf-8")
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("ok   html")
    assert "ALTFORMATS_NODE_MODULES" not in os.environ


def test_the_wheel_ships_the_checkers_manifest():
    import tomllib

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    shipped = wheel["wheel"]["force-include"]
    assert shipped["package.json"] == "altformats/checkers/package.json"
    assert shipped["package-lock.json"] == "altformats/checkers/package-lock.json"
