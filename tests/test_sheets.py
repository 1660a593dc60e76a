"""Real fact sheets' constructs in the reader and model: figures, footnotes, definition lists, call-outs,
in-page links, the colophon's front-matter keys; each bad use reported as path:line."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from altformats import api
from altformats.document.model import Callout, DefinitionList, Figure, FootnoteRef, Heading, normalise
from altformats.errors import AltformatsError
from conftest import FIXTURES

FORMATS: tuple[str, ...] = ()  # nothing here builds an edition
SHEET = FIXTURES / "sheets" / "heat-safety.md"
HEAD = "---\ntitle: T\ndate: 2024-06-03\n"


def write(tmp_path, body: str, front: str = "") -> object:
    """A source in tmp_path with the sheet's images beside it."""
    shutil.copytree(SHEET.parent / "images", tmp_path / "images", dirs_exist_ok=True)
    path = tmp_path / "t.md"
    path.write_text(HEAD + front + "---\n\n" + body, encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(AltformatsError) as caught:
        api.load(path)
    return [str(problem) for problem in caught.value.problems]


def test_the_sheet_reads_every_construct():
    doc = api.load(SHEET)
    kinds = {type(b) for b in doc.blocks}
    assert {Figure, Callout, DefinitionList, Heading} <= kinds
    figure, rule = doc.figures()
    assert figure.alt.startswith("A bar chart") and figure.media_type == "image/png"
    assert normalise(figure.description[0].children[0].text).startswith("The first bar")
    assert rule.decorative and not list(rule.reading_blocks())
    assert [n.number for n in doc.notes] == [1, 2]
    assert [c.callout for c in doc.blocks if isinstance(c, Callout)] == ["key-facts", "warning", "note"]
    assert [c.label for c in doc.blocks if isinstance(c, Callout)] == ["Key facts", "Call 911", "About this sheet"]
    assert [h.id for h in doc.blocks if isinstance(h, Heading)] == ["who-is-at-risk", "warning-signs", "words-to-know"]


def test_the_sheets_front_matter_keys():
    meta = api.load(SHEET).meta
    assert meta.contact == {"name": "CDC Media Relations", "phone": "+1 404 639 3286", "email": "media@cdc.gov"}
    assert (meta.reference, meta.revised, meta.revised_text) == ("CS-2024-0603", date(2024, 7, 15), "July 15, 2024")
    assert meta.source_url == "https://www.cdc.gov/extreme-heat/"
    assert meta.translations == {"es": "es-missile-defense"}


def test_a_footnote_reference_reads_as_its_mark(tmp_path):
    doc = api.load(write(tmp_path, "Claim.[^a] Again.[^a]\n\n[^a]: Source.\n"))
    refs = [n for n in doc.blocks[0].children if isinstance(n, FootnoteRef)]
    assert [r.number for r in refs] == [1, 1]
    assert [b.text for b in doc.reading_blocks()[-3:]] == ["Claim.[1] Again.[1]", "[1]", "Source."]


def test_headings_get_unique_ids(tmp_path):
    doc = api.load(write(tmp_path, "## Risks\n\nA.\n\n## Risks\n\nB.\n\n## Ça va, 2024!\n\nC.\n"))
    assert [b.id for b in doc.blocks if isinstance(b, Heading)] == ["risks", "risks-2", "ça-va-2024"]


BAD = [
    ("![](images/heat-deaths.png)\n", 6, "has no alt text"),
    ("![a chart](images/missing.png)\n", 6, "the image file 'images/missing.png' is not there"),
    ("![a chart](../secret.png)\n", 6, "must be a relative path"),
    ("![a chart](https://x.org/a.png)\n", 6, "must be a relative path"),
    ("![a chart](images/chart.gif)\n", 6, "is not PNG, JPEG or SVG"),
    ("![a chart](images/fake.png)\n", 6, "is not a PNG file"),
    ("Words ![a chart](images/heat-deaths.png) more.\n", 6, "an image must stand alone"),
    ("::: description\nLost.\n:::\n", 6, "must follow an image"),
    ("::: sidebar\nA box.\n:::\n", 6, "is no container this format knows"),
    ("::: warning\n:::\n", 6, "has nothing in it"),
    ("A claim.[^x]\n", 6, "the footnote reference [^x] has no definition"),
    ("A claim.\n\n[^x]: Lost.\n", 8, "the footnote [^x] is defined but never referenced"),
    ("## Risks\n\nSee [below](#benefits).\n", 8, "the in-page link '#benefits' names no heading"),
]


@pytest.mark.parametrize(("body", "line", "message"), BAD, ids=[m for _, _, m in BAD])
def test_a_bad_construct_is_reported_with_path_and_line(tmp_path, body, line, message):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "fake.png").write_bytes(b"GIF89a")
    found = problems(write(tmp_path, body))
    assert any(p.startswith(f"{tmp_path / 't.md'}:{line}: ") and message in p for p in found), found


FRONT = [
    ("contact:\n  name: A\n  fax: 1\n", "'contact' has an unknown field 'fax'"),
    ("contact:\n  email: nobody\n", "field 'email' must be an address"),
    ("contact: Jane\n", "'contact' must be a mapping"),
    ("revised: 15/07/2024\n", "'revised' must be YYYY-MM-DD"),
    ("source_url: ftp://x.org/a\n", "'source_url' must be an http or https address"),
    ("translations:\n  es: Not A Slug\n", "must be a slug"),
    ("translations:\n  '12': es-x\n", "must be a BCP 47 tag"),
    ("licence: ''\n", "'licence' must not be empty"),
]


@pytest.mark.parametrize(("front", "message"), FRONT, ids=[m for _, m in FRONT])
def test_a_bad_colophon_key_is_reported_with_its_line(tmp_path, front, message):
    found = problems(write(tmp_path, "Text.\n", front))
    assert any(p.startswith(f"{tmp_path / 't.md'}:4: ") and message in p for p in found), found
