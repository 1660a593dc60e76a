"""The PEF edition: valid PEF 2008-1 carrying the BRF's own pages, proved by the braille rules, in volumes of sheets."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from lxml import etree

from altformats import api, formats
from altformats.formats.braille import BrailleFormat, pef, read_pef
from altformats.formats.braille.louis import BLANK, unicode_braille
from conftest import REFUSED, SAMPLES, SEED

READERS = ["cells", "back-translation", "transcriber's pages", "running heads", "pef metadata", "pages as the brf"]
BRAILLE_SAMPLES = [s for s in SAMPLES if "braille" not in REFUSED.get(s.stem, ())]


def pef_output(folder: Path, doc) -> formats.Output:
    [output] = [o for o in formats.get("braille").outputs(doc, folder) if o.edition == "pef"]
    return output


def failing(doc, output: formats.Output) -> dict[str, list[str]]:
    """The readings of an edition that fail, and their differences."""
    proofs = formats.get("braille").prove(doc, output, formats.Check())
    return {p.reader: [str(d) for d in p.differences] for p in proofs if not p.ok}


def schema_errors(path: Path) -> list[str]:
    """The PEF 2008-1 schema's errors on a file, through lxml's RelaxNG (empty: valid)."""
    schema = read_pef.schema()
    return [] if schema.validate(etree.parse(str(path))) else [str(e) for e in schema.error_log]


def brf_pages(path: Path) -> list[list[str]]:
    """A BRF's pages as Unicode braille rows, trailing blank cells dropped."""
    text = unicode_braille(path.read_bytes().decode("ascii"))
    return [[line.rstrip().replace(" ", BLANK) for line in page.split("\r\n")[:-1]] for page in text.split("\f")]


def test_the_schema_is_kept_with_its_licence():
    folder = read_pef.SCHEMA.parent
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "82c2e15a5bd0560925fef258c52624640b535887" in (folder / "README.md").read_text(encoding="utf-8")
    assert etree.parse(str(read_pef.SCHEMA)).getroot().get("ns") == pef.PEF


def test_the_seed_writes_valid_pef_whose_every_reading_passes(seed, built, check_run):
    output = pef_output(built / seed.slug, seed)
    assert schema_errors(output.path) == []
    assert formats.get("braille").conformance([output]) == {output.path: []}
    proofs = formats.get("braille").prove(seed, output, check_run)
    assert [(p.reader, p.differences) for p in proofs] == [(reader, ()) for reader in READERS]


def test_the_pef_carries_the_brf_pages_and_the_metadata(seed, built):
    output = pef_output(built / seed.slug, seed)
    document = read_pef.read_pef(output.path)
    assert document.pages() == brf_pages(output.path.with_suffix(".brf"))
    assert all(set(row) <= {chr(c) for c in range(0x2800, 0x2900)} for page in document.pages() for row in page)
    [volume] = document.volumes
    assert (volume.cols, volume.rows, volume.duplex, len(volume.sections)) == (40, 25, False, 2)
    name = "altformats:pef:missile-defense:2007-04-16:en-ueb-g2.ctb"
    assert document.meta == {
        "format": ("application/x-pef+xml",),
        "identifier": ("urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)),),
        "title": (seed.meta.title,),
        "language": (seed.meta.language,),
        "date": ("2007-04-16",),
        "publisher": (seed.meta.publisher,),
    }


@pytest.mark.parametrize("sample", BRAILLE_SAMPLES, ids=lambda s: s.stem)
def test_every_sample_writes_valid_pef_whose_every_reading_passes(samples_built, sample, check_run):
    doc = api.load(sample)
    output = pef_output(samples_built / doc.slug, doc)
    assert schema_errors(output.path) == []
    proofs = formats.get("braille").prove(doc, output, check_run)
    assert [(p.reader, p.differences) for p in proofs] == [(reader, ()) for reader in READERS]


def test_a_changed_cell_fails_the_proof(scratch_build, seed):
    output = pef_output(scratch_build / seed.slug, seed)
    text = output.path.read_text(encoding="utf-8")
    old, new = unicode_braille(",EUROPE"), unicode_braille(",EUROPA")  # in the first paragraph only
    assert old in text
    output.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert schema_errors(output.path) == []  # still valid PEF: only the proof sees it
    found = failing(seed, output)
    assert list(found) == ["cells", "back-translation", "pages as the brf"]
    assert "Europa" in found["cells"][0]
    assert any(new in difference for difference in found["pages as the brf"])


def test_a_brf_that_differs_from_the_pef_fails_the_pef(scratch_build, seed):
    output = pef_output(scratch_build / seed.slug, seed)
    brf = output.path.with_suffix(".brf")
    data = brf.read_bytes()
    brf.write_bytes(data.replace(b",EUROPE", b",EUROPA", 1))
    assert list(failing(seed, output)) == ["pages as the brf"]
    brf.unlink()
    assert failing(seed, output) == {
        "pages as the brf": ["pef: extra text: expected 'the BRF missile-defense.brf beside it', found '(missing)'"]
    }


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("<dc:date>2007-04-16</dc:date>", "<dc:date>2007-04-17</dc:date>", "dc:date"),
        ("<dc:language>en</dc:language>", "<dc:language>fr</dc:language>", "dc:language"),
        ("U.S. Missile Defense: Cooperation", "U.S. Missile Defense: Competition", "dc:title"),
        ("<dc:identifier>urn:uuid:6", "<dc:identifier>urn:uuid:7", "dc:identifier"),
    ],
)
def test_changed_metadata_fails_the_metadata_reading(scratch_build, seed, old, new, what):
    output = pef_output(scratch_build / seed.slug, seed)
    text = output.path.read_text(encoding="utf-8")
    assert old in text
    output.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = failing(seed, output)
    assert list(found) == ["pef metadata"]
    [difference] = found["pef metadata"]
    assert what in difference


def test_the_schema_and_the_rules_catch_what_is_not_pef(scratch_build, seed):
    output = pef_output(scratch_build / seed.slug, seed)
    text = output.path.read_text(encoding="utf-8")
    row = "<row>" + BLANK * 41 + "</row>"  # 41 cells: PEF rule 2
    broken = text.replace("<dc:format>application/x-pef+xml</dc:format>", "", 1).replace("<row/>", row, 1)
    output.path.write_text(broken.replace("<row/>", "<row>ABC</row>", 1), encoding="utf-8")  # not braille
    [findings] = formats.get("braille").conformance([output]).values()
    assert any("format" in f for f in findings), findings
    assert any("41 cells on a row of 40" in f for f in findings), findings
    assert schema_errors(output.path)
    output.path.write_text(text.replace("</page>", "<row/></page>", 1), encoding="utf-8")  # 26 rows
    assert formats.get("braille").conformance([output])[output.path] == [
        f"pef: line {text[: text.index('<page>')].count(chr(10)) + 1}: PEF rule 1: 26 rows high, the page has 25"
    ]
    output.path.write_text("not xml", encoding="utf-8")
    assert "a PEF 2008-1 file" in failing(seed, output)["cells"][0]


def test_volumes_break_at_the_sheet_count(seed, tmp_path, check_run):
    fmt = BrailleFormat(volume_sheets=2)
    fmt.render(seed, tmp_path, formats.Build())
    output = pef_output(tmp_path, seed)
    document = read_pef.read_pef(output.path)
    sheets = [sum(len(section) for section in volume.sections) for volume in document.volumes]
    assert len(sheets) > 1 and max(sheets) <= 2 and sum(sheets) == len(brf_pages(output.path.with_suffix(".brf")))
    assert document.pages() == brf_pages(output.path.with_suffix(".brf"))
    assert schema_errors(output.path) == []
    assert all(p.ok for p in fmt.prove(seed, output, check_run))


def test_volume_breaking_keeps_volumes_even_and_sections_on_new_sheets():
    page = ["x"]
    assert [[len(s) for s in v] for v in pef.volumes([[page] * 2, [page] * 5], 70)] == [[2, 5]]
    # 7 sheets, at most 4 a volume: two volumes of 4 and 3, the body split between them
    assert [[len(s) for s in v] for v in pef.volumes([[page] * 2, [page] * 5], 4)] == [[2, 2], [3]]
    # duplex: two pages a sheet, and a section of 3 pages takes 2 sheets (its last back is blank)
    assert [[len(s) for s in v] for v in pef.volumes([[page] * 3, [page] * 4], 2, duplex=True)] == [[3], [4]]
    with pytest.raises(ValueError, match="at least one sheet"):
        pef.volumes([[page]], 0)


def test_rebuilds_are_byte_identical(built, seed, tmp_path):
    """A fresh render (no build cache) writes the same bytes as the session's build."""
    BrailleFormat().render(api.load(SEED), tmp_path, formats.Build())
    output = pef_output(built / seed.slug, seed)
    assert (tmp_path / output.path.name).read_bytes() == output.path.read_bytes()


def test_read_back_gives_the_words_of_the_brf(seed, built):
    fmt = formats.get("braille")
    brf, _, embosser = fmt.outputs(seed, built / seed.slug)
    assert fmt.read_back(embosser.path) == fmt.read_back(brf.path)
    assert len(fmt.read_back(embosser.path)) == len(seed.reading_blocks())
