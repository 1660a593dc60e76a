"""`altformats new SLUG`: a starter source with every front-matter key, which builds and checks clean."""

from __future__ import annotations

import pytest

from altformats.cli import main
from altformats.document.frontmatter import KEYS

FORMATS = ("html",)


def test_the_starter_names_every_key_and_builds_and_checks_clean(tmp_path, capsys):
    assert main(["new", "water-safety", "--out-dir", str(tmp_path / "src")]) == 0
    path = tmp_path / "src" / "water-safety.md"
    assert capsys.readouterr().out == f"wrote {path}\n"
    lines = path.read_text(encoding="utf-8").splitlines()
    for key in KEYS:  # each key set or shown commented out, each with its explanation
        (line,) = [line for line in lines if line.lstrip("# ").startswith(f"{key}:")]
        assert "  # " in line, line
    out = str(tmp_path / "out")
    assert main(["build", "-q", str(path), "-f", "html", "-o", out]) == 0
    assert main(["check", "-q", str(path), "-f", "html", "-o", out]) == 0  # with axe and the Nu checker
    assert "ok   html" in capsys.readouterr().out


def test_never_overwrites(tmp_path, capsys):
    path = tmp_path / "x.md"
    path.write_text("mine\n", encoding="utf-8")
    assert main(["new", "x", "--out-dir", str(tmp_path)]) == 1
    assert f"{path}: already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("slug", ["../escape", "a/b", ".hidden", "", " padded", "tab\there"])
def test_refuses_an_unsafe_slug(tmp_path, slug, capsys):
    assert main(["new", slug, "--out-dir", str(tmp_path / "src")]) == 1
    assert "slug" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.md"))
