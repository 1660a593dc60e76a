"""Fuzzing: sources from the grammars and random bytes either build with parity or fail cleanly with path:line.

Profiles (HYPOTHESIS_PROFILE): "ci", the default, a bounded and derandomised run for `make test`;
"long", thousands of random examples, for `make fuzz`. No example database is kept.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pkgutil
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings

import altformats
from altformats import api, cli
from altformats.errors import AltformatsError
from fuzz_strategies import FILE_NAMES, clean_source, sources

FORMATS: tuple[str, ...] = ()  # each example builds its own source, not the seed
BUILD_FORMATS = "html,braille"
COMMON = {"deadline": None, "database": None, "print_blob": True, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=200, derandomize=True, **COMMON)
settings.register_profile("long", max_examples=5000, derandomize=False, **COMMON)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
READER = settings(PROFILE, max_examples=PROFILE.max_examples * 2)  # the reader alone is fast
WORD = re.compile(r"[^\W_]+")


def project_modules() -> set[str]:
    """Every altformats module's name (not `__main__`, which runs the CLI when imported)."""
    found = {m.name for m in pkgutil.walk_packages(altformats.__path__, "altformats.")}
    return found - {"altformats.__main__"}


def import_every_module() -> None:
    """Load all of altformats now, so that a run alone and a whole-suite run draw the same examples.

    Hypothesis mixes into its draws the literals of every project module loaded at that moment
    (hypothesis.internal.constants_ast). Which modules a run has loaded depends on the tests before
    it, so without this the derandomised profile drew other examples in a whole-suite run.
    """
    for name in sorted(project_modules()):
        importlib.import_module(name)


import_every_module()


def shown(path: Path) -> str:
    """The source's path as the errors show it (a byte that is not UTF-8 as an escape)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def tree(root: Path) -> set[str]:
    """Every file and folder under root, as paths relative to it (symlinks not followed)."""
    found = set()
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI in-process: (status, stdout, stderr); an exception other than SystemExit escapes, as a failure."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def assert_clean_error(stderr: str, source: Path, lines: int) -> None:
    """Every problem names the source, with a line inside it where it gives one."""
    assert stderr.startswith("altformats: error:"), stderr
    header, _, rest = stderr.partition("altformats: error:")[2].partition("\n")
    problems = [header.strip()] if header.strip() else rest.rstrip("\n").split("\n")
    assert "Traceback" not in stderr, stderr
    where = re.compile(re.escape(shown(source)) + r"(?::(\d+))?: \S")
    for problem in problems:
        match = where.match(problem)
        assert match, f"a problem that does not name the source {shown(source)!r}: {problem!r}"
        if match.group(1):
            assert 1 <= int(match.group(1)) <= lines, (
                f"line {match.group(1)} is not in a {lines}-line source: {problem!r}"
            )


def line_count(raw: bytes) -> int:
    """The source's lines as the reader counts them (CR LF and a lone CR end a line too)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def build_and_check(raw: bytes, name: str) -> None:
    """The property: exit 0 with parity, or exit 1 with clean errors and nothing written; never beyond out/<slug>/."""
    with tempfile.TemporaryDirectory(prefix="altformats-fuzz-") as temp:
        root = Path(temp)
        source = root / "src" / name
        source.parent.mkdir()
        source.write_bytes(raw)
        out = root / "out"
        before = tree(root)
        status, stdout, stderr = run(["build", str(source), "--format", BUILD_FORMATS, "--out", str(out), "--quiet"])
        after = tree(root)
        if status != 0:
            assert status == 1, (status, stderr)
            assert_clean_error(stderr, source, line_count(raw))
            assert after == before, f"a failed build wrote {sorted(after - before)}"
            return
        slug = os.path.relpath(out / source.stem, root)
        new = after - before
        assert new <= {"out", slug} | {p for p in new if p.startswith(slug + os.sep)}, f"written outside: {sorted(new)}"
        assert not any(".staging-" in p for p in new), f"staging left behind: {sorted(new)}"
        wrote = {os.path.relpath(line.removeprefix("wrote "), root) for line in stdout.splitlines()}
        assert wrote == {p for p in new if (root / p).is_file()}, (stdout, sorted(new))
        status, stdout, stderr = run(
            ["check", str(source), "--format", BUILD_FORMATS, "--out", str(out), "--no-conformance", "--quiet"]
        )
        assert (status, stderr) == (0, ""), f"built, but the check fails:\n{stdout}{stderr}"
        assert tree(root) == after, "check wrote files"


@settings(PROFILE)
@given(raw=sources(), name=FILE_NAMES)
def test_a_build_succeeds_with_parity_or_fails_cleanly(raw, name):
    build_and_check(raw, name)


@READER
@given(raw=sources())
def test_the_reader_returns_a_document_or_problems_naming_the_source(raw):
    with tempfile.TemporaryDirectory(prefix="altformats-fuzz-") as temp:
        path = Path(temp) / "doc.md"
        path.write_bytes(raw)
        try:
            doc = api.load(path)
        except AltformatsError as error:
            assert error.problems
            assert all(problem.path == str(path) for problem in error.problems), error.problems
            return
        assert doc.blocks and doc.slug == "doc"


def words(text: str) -> str:
    """The letters and digits of a text, in order (word boundaries differ between Markdown and the model)."""
    return "".join(WORD.findall(" ".join(unicodedata.normalize("NFC", text).split())))


@READER
@given(pair=clean_source())
def test_every_word_of_a_clean_body_reaches_the_reading_blocks(pair):
    raw, expected = pair
    with tempfile.TemporaryDirectory(prefix="altformats-fuzz-") as temp:
        path = Path(temp) / "doc.md"
        path.write_bytes(raw)
        doc = api.load(path)  # a clean source is always carried: an error here is a finding too
        body = doc.reading_blocks()[len(doc.masthead) :]
        assert words(" ".join(block.text for block in body)) == words(expected)


def test_the_profiles_are_bounded_and_reproducible():
    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.database is None and ci.deadline is None
    assert ci.max_examples <= 200 and settings.get_profile("long").max_examples >= 1000


def test_a_plain_source_builds_and_a_bad_one_fails_cleanly():
    build_and_check(b"---\ntitle: T\ndate: 2007-04-16\n---\n\nSome words.\n", "doc.md")
    build_and_check(b"---\ntitle: T\ndate: 2005-02-30\n---\n\nSome words.\n", "doc.md")


def test_regression_a_greek_word_in_an_english_source():
    build_and_check("---\ntitle: T\ndate: 2007-04-16\n---\n\nλόγος\n".encode(), "doc.md")


def test_regression_an_item_that_opens_with_a_nested_list():
    build_and_check(b"---\ntitle: T\ndate: 2007-04-16\n---\n\n1. 1. alpha\n", "doc.md")


def test_regression_a_paragraph_of_only_a_no_break_space():
    build_and_check(b"---\ntitle: T\ndate: 2007-04-16\n---\n\n&nbsp;\n", "doc.md")


def test_every_module_is_loaded_so_the_examples_do_not_depend_on_the_tests_before():
    assert project_modules() <= set(sys.modules)
