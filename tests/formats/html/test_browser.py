"""The HTML page read through Debian's Chromium: rendered text, the accessibility tree, page facts.

Each corruption changes a copy of the seed's built page so that the parser still reads the source's
words, and shows that the browser's proofs see what a person would get instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from altformats import api, formats
from altformats.errors import MissingTool
from conftest import SAMPLES

HTML = formats.get("html")


def proofs_of(doc, folder: Path, check_run) -> dict[str, formats.Proof]:
    """Every proof of `doc`'s page in `folder`, by reader name."""
    output = HTML.outputs(doc, folder / doc.slug)[0]
    return {proof.reader: proof for proof in HTML.prove(doc, output, check_run)}


def corrupt(folder: Path, doc, old: str, new: str) -> None:
    """Replace the first `old` in the copy's page with `new`."""
    page = folder / doc.slug / f"{doc.slug}.html"
    text = page.read_text(encoding="utf-8")
    assert old in text, old
    page.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_seed_passes_every_reader(seed, built, check_run):
    proofs = proofs_of(seed, built, check_run)
    assert list(proofs) == ["parser", "browser", "a11y tree", "page facts"]
    assert all(proof.ok and not proof.skipped for proof in proofs.values()), proofs


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_every_sample_passes_every_reader(sample, samples_built, check_run):
    proofs = proofs_of(api.load(sample), samples_built, check_run)
    assert all(proof.ok for proof in proofs.values()), {k: [str(d) for d in p.differences] for k, p in proofs.items()}


STYLE = "</style>"
# (name, old, new, the proofs that must fail): each leaves the words the parser reads as they were.
CORRUPTIONS = [
    (
        "a word hidden with display:none",
        "The proposed placement",
        'The <span class="gone">proposed</span> placement',
        {"browser", "a11y tree"},
    ),
    ("generated content", STYLE, 'li::before { content: "NOT "; }\n' + STYLE, {"browser", "a11y tree"}),
    ("a list marker that says a word", STYLE, 'li::marker { content: "NOT "; }\n' + STYLE, {"browser", "a11y tree"}),
    # What the screen reader announces for the link is the label, not the words on the page.
    ("a link renamed for screen readers", "<a href=", '<a aria-label="a page of lies" href=', {"a11y tree"}),
    (
        "a script rewrites a list item",
        "</body>",
        # One word of the first item's text, so its abbreviations and links stay as they were.
        "<script>const t = [...document.querySelector('main li').childNodes].find((n) => n.nodeType === 3"
        " && n.data.includes('design')); t.data = t.data.replace('design', 'abandon');</script></body>",
        {"browser", "a11y tree"},
    ),
    ("lang changed", '<html lang="en"', '<html lang="fr"', {"page facts"}),
    ("an abbr title changed", 'title="United States"', 'title="United Nations"', {"page facts"}),
    ("a link href changed", 'href="http://www.state.gov"', 'href="http://www.example.org"', {"page facts"}),
    ("text added outside main", "</main>", "</main>\n<footer><p>Paid for by nobody.</p></footer>", {"page facts"}),
    (
        "a request to the network",
        "</head>",
        '<link rel="stylesheet" href="http://example.org/x.css"></head>',
        {"page facts"},
    ),
]


@pytest.mark.parametrize(("old", "new", "failing"), [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS])
def test_the_browser_catches_what_the_parser_misses(seed, scratch_build, check_run, old, new, failing):
    if "gone" in new:
        corrupt(scratch_build, seed, STYLE, ".gone { display: none; }\n" + STYLE)
    corrupt(scratch_build, seed, old, new)
    proofs = proofs_of(seed, scratch_build, check_run)
    assert proofs["parser"].ok, proofs["parser"].differences
    assert {name for name, proof in proofs.items() if not proof.ok} == failing


def test_a_hidden_word_is_named_in_the_difference(seed, scratch_build, check_run):
    corrupt(scratch_build, seed, STYLE, ".gone { visibility: hidden; }\n" + STYLE)
    corrupt(scratch_build, seed, "The proposed placement", 'The <span class="gone">proposed</span> placement')
    browser = proofs_of(seed, scratch_build, check_run)["browser"]
    assert [(d.block, d.found.split()[:3]) for d in browser.differences] == [(6, ["The", "placement", "of"])]


def test_declared_furniture_may_stand_outside_main(seed, scratch_build, check_run):
    corrupt(scratch_build, seed, "</main>", '</main>\n<footer data-furniture=""><p>Printed copy</p></footer>')
    assert proofs_of(seed, scratch_build, check_run)["page facts"].ok


def test_capitals_in_the_house_style_keep_the_words_but_not_other_words(seed, scratch_build, check_run):
    # A house style may set the masthead's kind line in capitals (ours uses small caps): allowed.
    corrupt(scratch_build, seed, "</style>", ".masthead .kind { text-transform: uppercase; }\n</style>")
    assert proofs_of(seed, scratch_build, check_run)["browser"].ok
    corrupt(scratch_build, seed, ">Fact Sheet<", ">Fact Sheets<")  # a changed word there is not
    browser = proofs_of(seed, scratch_build, check_run)["browser"]
    assert [d.found for d in browser.differences] == ["FACT SHEETS"]


def test_a_missing_browser_fails_loudly_with_its_install_line(seed, built, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(MissingTool, match="apt-get install chromium"):
        proofs_of(seed, built, formats.Check())


def test_links_ending_right_to_left_stay_words_apart_and_a_glued_one_does_not(tmp_path, check_run):
    """Chromium drops the space after a link whose text ends in a right-to-left run (a fuzzer finding);
    a screen reader still announces the two links apart, so the a11y reader keeps the DOM's space."""
    source = tmp_path / "bidi.md"
    source.write_text(
        "---\ntitle: T\ndate: 2007-04-16\n---\n\n[a שלום](https://example.org) [b](https://example.org)\n"
    )
    doc = api.load(source)
    api.build([source], ["html"], tmp_path / "out", jobs=1)
    assert proofs_of(doc, tmp_path / "out", check_run)["a11y tree"].ok
    corrupt(tmp_path / "out", doc, "</a> <a", "</a><a")  # the words glued together: the tree must say so
    found = proofs_of(doc, tmp_path / "out", check_run)["a11y tree"].differences
    assert [d.found for d in found] == ["a שלוםb"]
