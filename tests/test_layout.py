"""The layout holds: each format a package, its readers and checkers independent of its writers, a sound registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from altformats import formats, templating

PACKAGE = Path(formats.__file__).parent
FORMAT_PACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
# The modules of a format package that are neither writer nor reader: what both sides follow (as a
# file format's specification is), or a binding to the engine both sides read through. Every other
# module of a format package but its __init__ (the Format, which ties writer and reader together)
# is a writer module.
SHARED = {
    "html": set(),
    "pdf": {"content", "tree"},  # content-stream decoding; the structure-tree walk
    "epub": {"spec"},  # the container, package paths and the safe XML parser
    "braille": {"spec", "codes", "louis"},  # page geometry; codes and their forward translation; liblouis
    "audio": {"spec", "ffmpeg"},  # the cue grammar and the sound targets; ffprobe and ffmpeg's decoder
    "narration": {"spec"},  # sentence ids, clock values, the files inside each edition
}
INDEPENDENT = {"read", "checks"}  # and read_*.py (more readers) and SHARED: none may import a writer module


def _independent(package: str, module: str) -> bool:
    return module in INDEPENDENT | SHARED[package] or module.startswith("read_")


def _imports(path: Path) -> set[str]:
    """Every module `path` imports from (absolute names; `from a import b` also counts a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _writer_module(name: str) -> bool:
    """True if `name` is a format's writer module, or a format package's __init__ (its Format)."""
    parts = name.split(".")
    if parts[:2] != ["altformats", "formats"] or len(parts) < 3 or parts[2] not in FORMAT_PACKAGES:
        return False
    if len(parts) == 3:
        return True  # the package itself: the Format, which imports its writers
    return not _independent(parts[2], parts[3])


def test_every_format_is_a_package_with_a_reader_and_its_checkers():
    assert sorted(formats.names()) == FORMAT_PACKAGES
    for name in FORMAT_PACKAGES:
        assert (PACKAGE / name / "read.py").exists(), f"formats/{name}/read.py: the independent reader"
        assert (PACKAGE / name / "checks.py").exists(), f"formats/{name}/checks.py: its conformance checkers"
    assert set(SHARED) == set(FORMAT_PACKAGES)


def test_no_format_helper_is_left_at_the_package_root():
    spine = {
        "__init__",
        "__main__",
        "api",
        "cache",
        "cli",
        "cluster",
        "config",
        "errors",
        "jobs",
        "output",
        "templating",
        "parity",
        "serve",
        "tools",
        "text",
    }
    root = {p.stem for p in PACKAGE.parent.glob("*.py")}
    assert root <= spine, root - spine
    assert {p.name for p in PACKAGE.parent.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "document",
        "formats",
    }


@pytest.mark.parametrize("name", FORMAT_PACKAGES)
def test_readers_and_checkers_import_no_writer(name):
    modules = [p for p in (PACKAGE / name).glob("*.py") if _independent(name, p.stem)]
    leaks = {
        f"formats/{name}/{module.name}: {imported}"
        for module in modules
        for imported in _imports(module)
        if _writer_module(imported)
    }
    assert not leaks, sorted(leaks)


def test_the_import_rule_sees_a_writer_import():
    """The rule itself can fail: a reader that imports its writer, or another format's, is caught."""
    assert _writer_module("altformats.formats.pdf.fixes")
    assert _writer_module("altformats.formats.pdf")
    assert _writer_module("altformats.formats.html.render") is True
    assert not _writer_module("altformats.formats.html.read")
    assert not _writer_module("altformats.formats.html.read_browser")
    assert not _writer_module("altformats.formats.base")
    assert not _writer_module("altformats.text")


@pytest.mark.parametrize("name", formats.names())
def test_registry_entry_names_its_format_and_its_templates_exist(name):
    fmt = formats.get(name)
    assert isinstance(fmt, formats.Format)
    assert fmt.name == name
    assert fmt.description
    assert (templating.CHECKOUT_TEMPLATES / name).is_dir(), f"templates/{name}/ is missing"
    assert formats.get(name) is not fmt, "format instances are made afresh, never cached"
