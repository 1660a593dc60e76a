"""The narration's reader holds each edition's shown title to the model's: a player's shelf, a browser's tab."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from altformats import formats

FORMATS = ("narration",)
NOTHING = b"Nothing At All"


def _rezip(path: Path, name: str, pattern: bytes) -> None:
    """Put NOTHING in place of the title `pattern` matches (group 1) in one member of the zip."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            if info.filename == name:
                data, count = re.subn(pattern, lambda m: m.group(0).replace(m.group(1), NOTHING), data, count=1)
                assert count, pattern  # the corruption must change something
            target.writestr(info, data)


def _parser(seed, scratch_build: Path, edition: str, check_run) -> formats.Proof:
    output = next(o for o in formats.get("narration").outputs(seed, scratch_build / seed.slug) if o.edition == edition)
    return next(p for p in formats.get("narration").prove(seed, output, check_run) if p.reader == "parser")


@pytest.mark.parametrize(
    ("edition", "member", "pattern", "where"),
    [
        ("narration-epub", "EPUB/package.opf", rb"<dc:title>([^<]+)</dc:title>", "package dc:title"),
        ("narration-daisy202", "ncc.html", rb'name="dc:title" content="([^"]+)"', "ncc.html dc:title"),
        ("narration-daisy202", "ncc.html", rb"<title>([^<]+)</title>", "ncc.html <title>"),
    ],
)
def test_a_changed_title_in_a_zip_fails_the_parser(seed, scratch_build, check_run, edition, member, pattern, where):
    assert not _parser(seed, scratch_build, edition, check_run).differences  # the untampered edition passes
    _rezip(next((scratch_build / seed.slug).glob(f"*{'.epub' if 'epub' in edition else '.zip'}")), member, pattern)
    found = [d.found for d in _parser(seed, scratch_build, edition, check_run).differences]
    assert found == [f"{where}: 'Nothing At All'"]


def test_a_changed_page_title_fails_the_parser(seed, scratch_build, check_run):
    page = scratch_build / seed.slug / f"{seed.slug}-read-along.html"
    page.write_bytes(re.sub(rb"<title>[^<]+</title>", b"<title>" + NOTHING + b"</title>", page.read_bytes(), count=1))
    found = [d.found for d in _parser(seed, scratch_build, "narration-read-along", check_run).differences]
    assert found == ["<title>: 'Nothing At All'"]
