"""Every braille page is proved: the title page's facts, the transcriber's notes, the code; and list items that open with a list."""

from __future__ import annotations

from pathlib import Path

import pytest

from altformats import api, formats
from altformats.formats.braille import BrailleFormat, codes, read, read_preliminary
from altformats.formats.braille import louis as liblouis
from conftest import REFUSED, SAMPLES

CODE = codes.CODES["en"][2]


def tamper_preliminary(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (print, as braille) on the transcriber's pages of a written BRF, and nowhere else."""
    pages = path.read_bytes().decode("ascii").split("\f")
    old_brf, new_brf = (liblouis.ascii_braille(codes.cells(CODE, text)) for text in (old, new))
    [k] = [k for k, page in enumerate(pages[:3]) if old_brf in page]
    pages[k] = pages[k].replace(old_brf, new_brf, 1)
    path.write_bytes("\f".join(pages).encode("ascii"))


def failing(doc, path: Path) -> dict[str, list[str]]:
    """The readings of an edition that fail, and their differences."""
    output = formats.Output("braille", path)
    proofs = BrailleFormat().prove(doc, output, formats.Check())
    return {p.reader: [str(d) for d in p.differences] for p in proofs if not p.ok}


def test_the_title_page_carries_the_facts_in_bana_order(seed, brf_seed):
    reading = read.read_all(brf_seed)
    expected = read_preliminary.expected_blocks(seed, CODE, reading.lines, reading.pages)
    assert [what for n, what, _, _ in expected if n == 0] == ["title", "kind", "publication", "transcription", "volume"]
    assert [len(section) for section in reading.sections] == [
        5,
        2,
        4,
    ]  # title page; symbols; notes (heading, text, code, formats)


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("Missile", "Mistle", "title"),  # a word of the title page
        ("April 16, 2007", "April 17, 2007", "publication"),
        ("Eurasian", "Asian", "publication"),
        ("Department of State", "Department of Defense", "publication"),
        ("Transcribed by altformats", "Transcribed by nobody", "transcription"),
        ("whole text", "whole test", "notes"),
        ("address follows", "address precedes", "notes"),
    ],
)
def test_a_changed_word_on_the_preliminary_pages_fails(scratch_build, seed, old, new, what):
    path = scratch_build / seed.slug / f"{seed.slug}.brf"
    tamper_preliminary(path, old, new)
    found = failing(seed, path)
    assert list(found) == ["transcriber's pages"]
    [difference] = found["transcriber's pages"]
    assert f"pages: {what}" in difference and new.split()[-1].rstrip(",") in difference


def test_a_dropped_or_added_preliminary_line_fails(scratch_build, seed):
    path = scratch_build / seed.slug / f"{seed.slug}.brf"
    place = liblouis.ascii_braille(codes.cells(CODE, "Washington, DC"))
    first, rest = path.read_bytes().decode("ascii").split("\f", 1)
    path.write_bytes((first.replace(place, "", 1) + "\f" + rest).encode("ascii"))
    assert "publication 'U.S. Department of State" in failing(seed, path)["transcriber's pages"][0]
    path.write_bytes((first.replace(place, place + "\r\n\r\n ,NOT", 1) + "\f" + rest).encode("ascii"))
    assert failing(seed, path)["transcriber's pages"]


@pytest.mark.parametrize(
    "sample", [s for s in SAMPLES if "braille" not in REFUSED.get(s.stem, ())], ids=lambda s: s.stem
)
def test_every_sample_passes_every_reading(samples_built, sample):
    doc = api.load(sample)
    for output in formats.get("braille").outputs(doc, samples_built / doc.slug):
        proofs = formats.get("braille").prove(doc, output, formats.Check())
        assert [(p.reader, p.differences) for p in proofs] == [
            ("cells", ()),
            ("back-translation", ()),
            ("transcriber's pages", ()),
            ("running heads", ()),
            *([("pef metadata", ()), ("pages as the brf", ())] if output.edition == "pef" else []),
        ]


NESTED = """---
title: Nested
date: 2007-04-16
---

1. 1. alpha
2. - - deep
   - beta
- ÆSIR, ÆA, λόγος and 中
"""


def test_items_that_open_with_a_list_and_spelled_out_letters_pass(tmp_path):
    source = tmp_path / "nested.md"
    source.write_text(NESTED, encoding="utf-8")
    api.build([source], ["braille"], tmp_path / "out")
    doc = api.load(source)
    brf = tmp_path / "out" / "nested" / "nested.brf"
    body = brf.read_bytes().decode("ascii").split("\f")[3].split("\r\n")
    assert "#A4" in [line.strip() for line in body]  # the outer number stands alone, before the nested items
    assert len(read.read_braille(brf)[1]) == len(doc.reading_blocks())
    assert all(r.ok for r in api.check([source], ["braille"], tmp_path / "out", conformance=False))


@pytest.fixture(scope="module")
def brf_seed(seed_outputs) -> Path:
    return seed_outputs["braille"][0].path
