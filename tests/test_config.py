"""The config file: found up the tree, validated all at once with file:line, overridden by the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from altformats import config
from altformats.cli import api_options, main, parser
from altformats.errors import AltformatsError
from conftest import SEED

FORMATS = ("html", "braille")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(AltformatsError) as caught:
        config.load(path)
    return [str(p) for p in caught.value.problems]


def test_every_problem_at_once_each_at_its_line_in_pyproject(tmp_path):
    path = _write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.altformats]\nout = "build"\nformats = ["html", "pfd"]\n'
        'jbos = 2\nbraille_grade = 3\ntemplates = "nowhere"\n\n[tool.altformats.voices]\nen = 5\n',
    )
    assert _problems(path) == [
        f"{path}:6: formats: unknown format 'pfd' (did you mean 'pdf'?); known formats: html, pdf, epub, braille, audio, narration",
        f"{path}:7: unknown key 'jbos' (did you mean 'jobs'?); known keys: {', '.join(config.OPTIONS)}",
        f"{path}:8: braille_grade: must be 1 or 2, got 3",
        f"{path}:9: templates: 'nowhere' is not a folder (relative to {tmp_path})",
        f"{path}:12: voices.en: the voice for 'en' must be a non-empty string, got 5",
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('out = "b"\njobs = 0\n', 2, "jobs: must be a whole number, 1 or more, got 0"),
        ("jobs = true\n", 1, "jobs: must be a whole number, 1 or more, got True"),
        ('\n\naudio_profile = "loud"\n', 3, "audio_profile: unknown audio profile 'loud'"),
        ("sources = []\n", 1, "sources: must be a string or a non-empty list of strings"),
        ('out = "b"\nout = "c"\n', 2, "TOML syntax: Cannot overwrite a value"),
        ('out = "b\n', 1, "TOML syntax: Illegal character"),
    ],
)
def test_one_problem_names_its_line(tmp_path, text, line, message):
    path = _write(tmp_path, "altformats.toml", text)
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:{line}: {message}"), problem


def test_key_lines_skip_multiline_strings_and_follow_dotted_keys():
    text = 'a = """\nout = 1\n"""\nout = "x"\n[tool.altformats]\nvoices.en = "y"\n'
    lines = config.key_lines(text)
    assert lines[("out",)] == 4 and lines[("tool", "altformats", "voices", "en")] == 6


def test_found_in_a_parent_folder_altformats_toml_first(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    _write(tmp_path, "pyproject.toml", '[tool.altformats]\nout = "from-pyproject"\n')
    assert config.find(deep) == tmp_path / "pyproject.toml"
    _write(tmp_path / "a", "pyproject.toml", '[project]\nname = "no table here"\n')  # not ours: skipped
    assert config.find(deep) == tmp_path / "pyproject.toml"
    _write(tmp_path, "altformats.toml", 'out = "from-toml"\n')
    assert config.load(start=deep).get("out") == str(tmp_path / "from-toml")  # relative to the file


def test_the_config_builds_and_the_command_line_overrides_it(tmp_path, monkeypatch, capsys):
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "sheet.md").write_bytes(SEED.read_bytes())
    _write(project, "altformats.toml", 'sources = "docs/*.md"\nout = "site"\nformats = "html"\n')
    monkeypatch.chdir(project / "docs")  # found from a sub-folder; paths are the file's
    assert main(["build", "-q"]) == 0
    assert (project / "site" / "sheet" / "sheet.html").is_file()
    assert main(["build", "-q", "--out", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "sheet" / "sheet.html").is_file()
    _write(project, "altformats.toml", 'sources = "nothing/*.md"\n')
    assert main(["build", "-q"]) == 1
    assert f"{project / 'altformats.toml'}:1: sources: " in capsys.readouterr().err


def test_braille_grade_reaches_the_format_and_the_check(tmp_path, monkeypatch):
    monkeypatch.delenv("ALTFORMATS_BRAILLE_GRADE", raising=False)
    built = {}
    for grade in (1, 2):
        project = tmp_path / f"grade{grade}"
        project.mkdir()
        _write(project, "altformats.toml", f'formats = ["braille"]\nbraille_grade = {grade}\nout = "b"\n')
        monkeypatch.chdir(project)
        assert main(["build", "-q", str(SEED)]) == 0
        assert main(["check", "-q", str(SEED), "--no-conformance"]) == 0
        built[grade] = (project / "b" / "missile-defense" / "missile-defense.brf").read_bytes()
        assert "ALTFORMATS_BRAILLE_GRADE" not in os.environ  # set for the run only
    assert len(built[1]) > len(built[2])  # uncontracted braille is longer


def test_a_variable_already_set_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ALTFORMATS_BRAILLE_GRADE", "2")
    settings = config.load(_write(tmp_path, "altformats.toml", 'braille_grade = 1\naudio_profile = "standard"\n'))
    with config.environment(settings):
        assert os.environ["ALTFORMATS_BRAILLE_GRADE"] == "2"
        assert os.environ["ALTFORMATS_AUDIO_PROFILE"] == "standard"
    assert "ALTFORMATS_AUDIO_PROFILE" not in os.environ


def test_jobs_come_from_the_file_unless_given(tmp_path):
    settings = config.load(_write(tmp_path, "altformats.toml", "jobs = 3\n"))
    args = parser().parse_args(["build"])
    assert api_options(args, settings) == {"jobs": 3, "force": False, "executor": "local", "scheduler": None}
    args = parser().parse_args(["build", "--jobs", "1", "--force"])
    assert api_options(args, settings) == {"jobs": 1, "force": True, "executor": "local", "scheduler": None}
