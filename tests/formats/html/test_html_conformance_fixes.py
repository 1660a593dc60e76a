"""Issue 16, the HTML-and-EPUB findings: quieter abbreviations, no capitals forced into the
accessibility tree, and table regions named from their heading (checked in Chromium and axe)."""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from altformats import api, tools
from altformats.formats.html import checks
from conftest import SAMPLE, SAMPLES

FORMATS = ("html", "epub")
# Chromium's own accessibility tree (CDP), as a screen reader gets it: every node's role and name.
AX_TREE = """
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--no-sandbox"] });
const report = {};
try {
  for (const file of process.argv.slice(2)) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    report[file] = nodes.filter((n) => !n.ignored).map((n) => [n.role?.value ?? "", n.name?.value ?? ""]);
    await page.close();
  }
} finally { await browser.close(); }
process.stdout.write(JSON.stringify(report));
"""
TABLES = """
Before any section.

| One | Two |
| --- | --- |
| a | b |

## Costs

| Item | Cost |
| --- | --- |
| Tent | 10 |

| Item | Cost |
| --- | --- |
| Rope | 2 |

## Times

| Item | Cost |
| --- | --- |
| Walk | 3 |
"""


def _page(folder: Path, slug: str):
    return lxml.html.parse(str(folder / slug / f"{slug}.html")).getroot()


def _ax_trees(paths: list[Path], tmp: Path) -> dict[str, list[list[str]]]:
    script = tmp / "ax-tree.mjs"
    script.write_text(AX_TREE, encoding="utf-8")
    tools.npm_file("playwright-core", "package.json")
    env = {**os.environ, "CHROMIUM": tools.chromium(), "NODE_PATH": str(tools.node_modules())}
    # node resolves an ES module's imports from its own folder: link the project's node_modules beside it
    (tmp / "node_modules").symlink_to(tools.node_modules())
    node = tools.executable("node", "nodejs")
    return tools.run_json([node, str(script), *map(str, paths)], "Chromium accessibility tree", env=env)


@pytest.fixture(scope="module")
def trees(seed, built, tmp_path_factory) -> dict[str, list[list[str]]]:
    """The accessibility tree of the seed's HTML page and of its EPUB content document."""
    tmp = tmp_path_factory.mktemp("ax")
    with zipfile.ZipFile(built / seed.slug / f"{seed.slug}.epub") as book:
        book.extractall(tmp / "book")
    html, epub = built / seed.slug / f"{seed.slug}.html", tmp / "book" / "EPUB" / "content.xhtml"
    found = _ax_trees([html, epub], tmp)
    return {"html": found[str(html)], "epub": found[str(epub)]}


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    """A document with tables before any heading, two under one heading and one under another."""
    folder = tmp_path_factory.mktemp("tables")
    source = folder / "tables.md"
    source.write_text("---\ntitle: Camp kit\ndate: 2024-01-02\n---\n" + TABLES, encoding="utf-8")
    api.build([source], ["html"], folder / "out")
    return folder / "out"


# ---------------------------------------------------------------- abbreviations


def test_each_abbreviation_is_expanded_once_and_not_beside_its_written_expansion(seed, built):
    abbrs = _page(built, seed.slug).findall(".//abbr")
    titled = Counter(a.text for a in abbrs if a.get("title"))
    assert titled and max(titled.values()) == 1  # 29 titles in the seed before
    assert "MD" not in titled  # "missile defense (MD)": the expansion is already written beside it
    assert {"NATO", "U.S.", "NRC"} <= set(titled)
    first = {}
    for abbr in abbrs:
        first.setdefault(abbr.text, abbr)
    assert all(first[text].get("title") == seed.meta.abbreviations[text] for text in titled)


def test_the_epub_expands_each_abbreviation_once_too(seed, built):
    with zipfile.ZipFile(built / seed.slug / f"{seed.slug}.epub") as book:
        content = lxml.html.fromstring(book.read("EPUB/content.xhtml"))
    titled = Counter(a.text for a in content.iter("{http://www.w3.org/1999/xhtml}abbr", "abbr") if a.get("title"))
    assert titled and max(titled.values()) == 1 and "MD" not in titled


# ---------------------------------------------------------------- capitals


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_the_kind_line_keeps_its_case_in_the_accessibility_tree(trees, seed, edition):
    names = [name for _, name in trees[edition]]
    assert seed.meta.kind == "Fact Sheet"
    assert "Fact Sheet" in names, names[:20]
    assert not any("FACT SHEET" in name for name in names)


# ---------------------------------------------------------------- tables


def test_a_table_region_is_named_by_the_heading_above_it(samples_built):
    page = _page(samples_built, SAMPLE["structures"].stem)
    [region] = page.findall(".//*[@role='region']")
    [heading] = page.xpath("//*[@id=$ref]", ref=region.get("aria-labelledby"))
    assert heading.tag == "h2" and heading.text_content() == "Quantities"
    assert region.get("aria-label") is None


def test_regions_of_several_tables_have_distinct_names_and_axe_agrees(tables):
    page = _page(tables, "tables")
    regions = page.findall(".//*[@role='region']")
    names = []
    for region in regions:
        parts = [
            page.xpath("//*[@id=$ref]", ref=ref)[0].text_content() for ref in region.get("aria-labelledby").split()
        ]
        names.append(" ".join(" ".join(parts).split()))
    assert names[0].startswith("Camp kit") and names[1] == "Costs" and names[3] == "Times"
    assert names[2].startswith("Costs ") and len(set(names)) == 4
    assert checks.axe([tables / "tables" / "tables.html"]) == {tables / "tables" / "tables.html": []}


def test_every_sample_with_tables_names_its_regions_from_headings(samples_built):
    for source in SAMPLES:
        page = _page(samples_built, source.stem)
        for region in page.findall(".//*[@role='region']"):
            first = region.get("aria-labelledby", "").split()[:1]
            assert first and page.xpath("//*[@id=$ref]", ref=first[0])[0].tag in {f"h{n}" for n in range(1, 7)}
