"""Parity over the registry: every edition of the seed carries the source's words, block by block."""

from __future__ import annotations

import pytest

from altformats import api, formats, parity
from altformats.document.model import TextBlock, normalise
from altformats.errors import AltformatsError
from conftest import REFUSED, SAMPLES, SEED

ALL = formats.names()


@pytest.mark.parametrize("name", ALL)
def test_every_edition_reads_back_as_the_source(name, seed, seed_outputs, check_run):
    outputs = seed_outputs[name]
    assert outputs, f"{name} declares no outputs"
    expected = seed.reading_blocks()
    for output in outputs:
        assert output.path.exists(), f"{output.path} was not built"
        fmt = formats.get(name)
        proofs = fmt.prove(seed, output, check_run)
        assert proofs  # the parser first, or the format's own first reading (braille: its cells)
        assert [(p.reader, list(p.differences), p.skipped) for p in proofs] == [(p.reader, [], "") for p in proofs]
        if type(fmt).compare is formats.Format.compare:  # formats with their own rule: see their docs
            found = fmt.read_back(output.path)
            assert [normalise(t) for t in found] == [normalise(b.text) for b in expected]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
@pytest.mark.parametrize("name", ALL)
def test_other_documents_carry_the_same_words_in_every_edition(name, sample, samples_built, tmp_path, check_run):
    doc = api.load(sample)
    if name in REFUSED.get(sample.stem, ()):  # refused, never written wrong: the error names what is supported
        language = doc.meta.language
        with pytest.raises(AltformatsError, match=rf"no {name} for language '{language}': .*; {name} is made for "):
            api.build([sample], [name], tmp_path)
        assert not (tmp_path / doc.slug).exists()
        return
    expected = [normalise(b.text) for b in doc.reading_blocks()]
    html = [normalise(t) for t in formats.get("html").read_back(samples_built / doc.slug / f"{doc.slug}.html")]
    assert html == expected
    fmt = formats.get(name)
    for output in fmt.outputs(doc, samples_built / doc.slug):
        proofs = fmt.prove(doc, output, check_run)  # a reader may skip a language it cannot read
        assert [(p.reader, list(p.differences)) for p in proofs] == [(p.reader, []) for p in proofs]


@pytest.mark.parametrize("name", ALL)
def test_check_passes_on_the_fresh_build(name, built):
    reports = api.check([SEED], [name], built, conformance=False)
    assert reports and all(r.ok for r in reports), [str(d) for r in reports for d in r.differences + r.findings]


def test_compare_reports_edition_block_line_expected_and_found():
    expected = [TextBlock("title", "One two three", 4), TextBlock("paragraph", "Four five", 9)]
    [difference] = parity.compare("html", expected, ["One two three", "Four six"])
    assert (difference.edition, difference.block, difference.line) == ("html", 2, 9)
    assert (difference.expected, difference.found) == ("Four five", "Four six")
    assert "html: block 2 (source line 9)" in str(difference)


def test_compare_reports_missing_and_extra_blocks():
    expected = [TextBlock("a", "alpha", 1), TextBlock("b", "beta", 2)]
    missing = parity.compare("x", expected, ["alpha"])
    assert [(d.block, d.found) for d in missing] == [(2, "(missing)")]
    extra = parity.compare("x", expected, ["alpha", "beta", "page 1"])
    assert [(d.block, d.found) for d in extra] == [(None, "page 1")]


def test_normalise_folds_whitespace_and_composes_unicode():
    assert normalise("  e\u0301te\u0301\n\t x ") == "\u00e9t\u00e9 x"
