"""The HTML edition: semantics, conformance (axe-core, Nu checker), parity and its failure."""

from __future__ import annotations

import lxml.html
import pytest

from altformats import api, formats
from altformats.document.model import normalise
from altformats.errors import MissingTool
from altformats.formats.html import checks
from altformats.formats.html.read import html_blocks
from conftest import SAMPLES, SEED, STRUCTURES

HTML = formats.get("html")


@pytest.fixture(scope="module")
def page(seed, built):
    path = built / seed.slug / f"{seed.slug}.html"
    return path, lxml.html.parse(str(path)).getroot()


@pytest.fixture(scope="module")
def structures(samples_built):
    return samples_built / "structures" / "structures.html"


@pytest.fixture(scope="module")
def findings(page, samples_built):
    """axe-core (light and dark scheme) and the Nu checker, run once on the seed and every sample."""
    pages = [page[0], *sorted(samples_built.glob("*/*.html"))]
    assert len(pages) == 1 + len(SAMPLES)
    return HTML.conformance([formats.Output("html", path) for path in pages])


def test_output_path_follows_the_slug_rule(page, built):
    assert page[0] == built / "missile-defense" / "missile-defense.html"


def test_page_declares_language_title_and_landmarks(page, seed):
    _, root = page
    assert root.get("lang") == "en"
    assert root.findtext("head/title") == seed.meta.title
    assert len(root.findall(".//main")) == 1
    assert root.find(".//main//h1").text_content() == seed.meta.title
    assert root.find(".//time").get("datetime") == "2007-04-16"
    assert root.find(".//meta[@name='viewport']") is not None


def test_abbreviations_carry_their_expansion(page, seed):
    abbrs = page[1].findall(".//abbr")
    assert abbrs
    for abbr in abbrs:  # the expansion once, at first use (docs/conformance.md), never a different one
        assert abbr.get("title") in (None, seed.meta.abbreviations[abbr.text])
    assert any(a.get("title") for a in abbrs)


def test_lists_are_lists_not_bullet_characters(page):
    items = page[1].findall(".//main//ul/li")
    assert len(items) == 8
    assert not any(li.text_content().lstrip().startswith(("-", "•")) for li in items)


def test_css_covers_phone_print_and_dark_scheme(page):
    css = page[1].findtext("head/style")
    for needle in ("prefers-color-scheme: dark", "@media print", "max-width: 42rem", "rem"):
        assert needle in css
    assert "px;" not in css.replace("1px solid", "")  # sizes in relative units, so 200% zoom reflows


def test_axe_core_reports_no_violations(findings):
    assert {str(p): [f for f in found if f.startswith("axe")] for p, found in findings.items()} == {
        str(p): [] for p in findings
    }


def test_nu_checker_reports_no_errors_or_warnings(findings):
    assert {str(p): [f for f in found if f.startswith("vnu")] for p, found in findings.items()} == {
        str(p): [] for p in findings
    }


def test_checkers_do_find_problems(tmp_path, page):
    broken = tmp_path / "broken.html"
    text = page[0].read_text(encoding="utf-8").replace(' lang="en"', "").replace("<main>", "<main><img src=x>")
    broken.write_text(text, encoding="utf-8")
    found = HTML.conformance([formats.Output("html", broken)])[broken]
    assert any("axe: html-has-lang" in f for f in found), found
    assert any("axe: image-alt" in f for f in found), found
    assert any(f.startswith("vnu error") and "alt" in f for f in found), found


def test_structures_read_back_equals_the_model(structures):
    doc = api.load(STRUCTURES)
    found = [normalise(t) for t in html_blocks(structures.read_bytes())]
    assert found == [normalise(b.text) for b in doc.reading_blocks()]
    root = lxml.html.parse(str(structures)).getroot()
    assert root.find(".//ol").get("start") == "3"
    assert root.find(".//th").get("scope") == "col"
    assert root.find(".//a[@href='mailto:help@example.org']") is not None


def test_reader_ignores_chrome_and_hidden_text():
    data = (
        b"<html><body><nav>Menu</nav><main><h1>T</h1><p>a <b>b</b><br>c</p>"
        b"<p hidden>secret</p><span aria-hidden='true'>x</span><ul><li>one<ul><li>two</li></ul></li></ul>"
        b"</main><footer>Foot</footer></body></html>"
    )
    assert html_blocks(data) == ["T", "a b c", "one", "two"]


def test_changing_one_word_fails_the_check(scratch_build):
    path = scratch_build / "missile-defense" / "missile-defense.html"
    text = path.read_text(encoding="utf-8")
    assert text.count("complementary to any future") == 1
    path.write_text(text.replace("complementary to any future", "supplementary to any future"), encoding="utf-8")
    [report] = api.check([SEED], ["html"], scratch_build, conformance=False)
    assert not report.ok
    proofs = {p.reader: p for p in report.proofs}
    assert {r for r, p in proofs.items() if not p.ok} == {"parser", "browser", "a11y tree"}  # every reading sees it
    [difference] = proofs["parser"].differences
    assert difference.line == 33  # the list item's line in source/missile-defense.md
    assert "complementary" in difference.expected and "supplementary" in difference.found


def test_dropping_a_block_fails_the_check(scratch_build):
    path = scratch_build / "missile-defense" / "missile-defense.html"
    root = lxml.html.parse(str(path)).getroot()
    heading = root.find(".//h2")
    heading.getparent().remove(heading)
    path.write_bytes(lxml.html.tostring(root, doctype="<!DOCTYPE html>"))
    [report] = api.check([SEED], ["html"], scratch_build, conformance=False)
    proofs = {p.reader: p for p in report.proofs}
    assert [d.expected for d in proofs["parser"].differences] == ["Cooperation with NATO"]
    assert not proofs["browser"].ok and not proofs["a11y tree"].ok


def test_rebuild_is_byte_identical(built, tmp_path, seed):
    api.build([SEED], ["html"], tmp_path)
    name = f"{seed.slug}/{seed.slug}.html"
    assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


def test_missing_node_or_java_fails_loudly_with_the_install_line(page, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingTool, match="apt-get install nodejs"):
        HTML.conformance([formats.Output("html", page[0])])
    with pytest.raises(MissingTool, match="apt-get install default-jre-headless"):
        checks.vnu([page[0]])


def test_missing_npm_checkers_fail_loudly_with_the_install_line(page, monkeypatch, tmp_path):
    monkeypatch.setenv("ALTFORMATS_NODE_MODULES", str(tmp_path))
    with pytest.raises(MissingTool, match="altformats install-checkers"):
        HTML.conformance([formats.Output("html", page[0])])
