"""Figures, footnotes, definition lists, call-outs, in-page links and the colophon in the HTML page.

The CDC sheet (tests/fixtures/sheets/heat-safety.md) holds every construct; it is built once, each
corruption changes a copy of its page, and the proofs named must fail (the others may pass).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from altformats import api, formats
from conftest import SHEET

HTML = formats.get("html")


def proofs(doc, folder: Path, check_run) -> dict[str, formats.Proof]:
    output = HTML.outputs(doc, folder / doc.slug)[0]
    return {proof.reader: proof for proof in HTML.prove(doc, output, check_run)}


def test_the_sheet_passes_every_reader_and_the_page_holds_each_construct(sheet, check_run):
    doc, out = sheet
    found = proofs(doc, out, check_run)
    assert all(p.ok and not p.skipped for p in found.values()), {
        k: [str(d) for d in p.differences] for k, p in found.items()
    }
    page = (out / doc.slug / f"{doc.slug}.html").read_text(encoding="utf-8")
    for markup in (
        '<img src="images-heat-deaths.png" alt="A bar chart: heat-related deaths',
        'aria-describedby="figure-1-description"',
        '<img src="images-rule.png" alt="">',  # decorative
        "<figcaption>Heat-related deaths by summer",
        'role="note" aria-labelledby="callout-1"',
        'role="doc-noteref"',
        'role="doc-endnotes"',
        '<a href="#ref-1" role="doc-backlink">[1]</a>',
        "<dt>Heat index</dt>",
        '<h2 id="who-is-at-risk">',
        '<a href="#who-is-at-risk">',
        '<footer class="colophon">',
        '<a href="mailto:media@cdc.gov" class="bare">media@cdc.gov</a>',
    ):
        assert markup in page, markup
    assert (out / doc.slug / "images-heat-deaths.png").read_bytes() == (
        SHEET.parent / "images/heat-deaths.png"
    ).read_bytes()


# (name, old, new, proofs that must fail)
CORRUPTIONS = [
    ("alt text changed", 'alt="A bar chart', 'alt="A pie chart', {"parser", "browser", "a11y tree"}),
    ("alt text emptied", 'alt="A bar chart: heat-related deaths rose in each of the last three summers."', 'alt=""',
     {"parser", "browser", "a11y tree"}),
    ("caption dropped", "<figcaption>Heat-related deaths by summer, three recent years</figcaption>", "",
     {"parser", "browser", "a11y tree"}),
    ("long description dropped", "The first bar is the lowest", "", {"parser", "browser", "a11y tree"}),
    ("call-out label changed", ">Key facts</p>", ">Facts</p>", {"parser", "browser", "a11y tree"}),
    ("a footnote reference's mark lost", 'class="noteref">[1]</a>', 'class="noteref"></a>', {"parser", "browser", "a11y tree"}),
    ("a note's text changed", "Based on national", "Based on no", {"parser", "browser", "a11y tree"}),
    ("a term changed", "<dt>Heat index</dt>", "<dt>Heat</dt>", {"parser", "browser", "a11y tree"}),
    ("an in-page link retargeted", 'href="#who-is-at-risk"', 'href="#elsewhere"', {"page facts"}),
    ("the publisher dropped", "<p class=\"publisher\">U.S. Centers for Disease Control and Prevention</p>", "",
     {"parser", "browser", "a11y tree"}),
    ("the contact's address retargeted", 'href="mailto:media@cdc.gov"', 'href="mailto:x@example.org"', {"page facts"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "old", "new", "failing"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_corrupted_construct_fails_the_proof(sheet, tmp_path, check_run, name, old, new, failing):
    doc, out = sheet
    shutil.copytree(out / doc.slug, tmp_path / doc.slug)
    page = tmp_path / doc.slug / f"{doc.slug}.html"
    text = page.read_text(encoding="utf-8")
    assert old in text, old
    page.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = proofs(doc, tmp_path, check_run)
    assert {reader for reader, proof in found.items() if not proof.ok} >= failing


def test_a_missing_image_file_fails_the_browser(sheet, tmp_path, check_run):
    """The parser reads the alt attribute; the browser sees no image drawn, so no words."""
    doc, out = sheet
    shutil.copytree(out / doc.slug, tmp_path / doc.slug)
    (tmp_path / doc.slug / "images-heat-deaths.png").unlink()
    found = proofs(doc, tmp_path, check_run)
    assert found["parser"].ok and not found["browser"].ok


def test_a_house_template_showing_the_publisher_passes(tmp_path, check_run):
    """A house style may show any model field: the publisher, set as an <address>, is still the colophon's."""
    house = tmp_path / "house" / "html"
    house.mkdir(parents=True)
    page = (Path(HTML_TEMPLATES) / "page.html.j2").read_text(encoding="utf-8")
    page = page.replace("{{ html.colophon(doc.colophon) }}", (
        '<footer class="house">{% for line in doc.colophon %}{% if line.role == "publisher" %}'
        '<address>{{ html.inlines(line.children) }}</address>{% else %}<p>{{ html.inlines(line.children) }}</p>'
        "{% endif %}{% endfor %}</footer>"))  # fmt: skip
    (house / "page.html.j2").write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    api.build([SHEET], ["html"], out, templates=str(tmp_path / "house"))
    doc = api.load(SHEET)
    written = (out / doc.slug / f"{doc.slug}.html").read_text(encoding="utf-8")
    assert "<address>U.S. Centers for Disease Control and Prevention</address>" in written
    found = proofs(doc, out, check_run)
    assert all(p.ok for p in found.values()), {k: [str(d) for d in p.differences] for k, p in found.items()}


HTML_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "html"
