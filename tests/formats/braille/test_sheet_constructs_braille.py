"""Figures, footnotes, definition lists, call-outs and the colophon in braille: each is a block the
readers prove, and a corrupted one fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from altformats import formats
from altformats.formats.braille import codes
from altformats.formats.braille.louis import BLANK

BRAILLE = formats.get("braille")


def proofs(doc, folder: Path, check_run) -> dict[str, list]:
    """Each edition's failing readers."""
    return {
        output.edition: [p.reader for p in BRAILLE.prove(doc, output, check_run) if not p.ok]
        for output in BRAILLE.outputs(doc, folder / doc.slug)
    }


def in_braille(text: str) -> str:
    return codes.cells(codes.code_for("en"), text).replace(" ", BLANK)


def test_every_construct_is_proved(sheet, check_run):
    doc, out = sheet
    assert proofs(doc, out, check_run) == {"braille": [], "brl-proof": [], "pef": []}  # the PEF too (main)
    proof = (out / doc.slug / f"{doc.slug}.brl.txt").read_text(encoding="utf-8")
    for text in ("Key facts", "Call 911", "Heat index", "[1]"):
        assert in_braille(text) in proof, text


@pytest.mark.parametrize(
    ("name", "text"),
    [("a call-out label", "Call 911"), ("a definition's term", "Heat index"), ("a footnote's mark", "[2]")],
)
def test_a_dropped_construct_fails_the_proof(sheet, tmp_path, check_run, name, text):
    doc, out = sheet
    shutil.copytree(out / doc.slug, tmp_path / doc.slug)
    proof = tmp_path / doc.slug / f"{doc.slug}.brl.txt"
    written = proof.read_text(encoding="utf-8")
    assert in_braille(text) in written, name
    proof.write_text(written.replace(in_braille(text), BLANK * len(in_braille(text)), 1), encoding="utf-8")
    assert proofs(doc, tmp_path, check_run)["brl-proof"]
