"""The EPUB's spine XHTML read through Debian's Chromium, with the same readers as the HTML page.

Each corruption rewrites one entry of a copy of the seed's book so that the parser still reads the
source's words, and shows that the browser's proofs see what a reader would get instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from altformats import api, formats
from conftest import SAMPLES, formats_for

EPUB = formats.get("epub")
FORMATS = ("epub",)


def proofs_of(doc, folder: Path, check_run) -> dict[str, formats.Proof]:
    """Every proof of `doc`'s book in `folder`, by reader name."""
    output = EPUB.outputs(doc, folder / doc.slug)[0]
    return {proof.reader: proof for proof in EPUB.prove(doc, output, check_run)}


def corrupt(book: Path, entry: str, old: str, new: str) -> None:
    """Replace the first `old` in one entry of the book, keeping every other entry as it was."""
    with zipfile.ZipFile(book) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(book, "w") as target:
        for info, data in entries:
            if info.filename == entry:
                assert old.encode() in data, old
                data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(info, data)


def test_the_seed_passes_every_reader(seed, built, check_run):
    proofs = proofs_of(seed, built, check_run)
    assert {"parser", "browser", "a11y tree", "page facts"} <= set(proofs)
    assert all(proof.ok and not proof.skipped for proof in proofs.values()), proofs


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "epub" in formats_for(s)], ids=lambda path: path.stem)
def test_every_sample_passes_every_reader(sample, samples_built, check_run):
    proofs = proofs_of(api.load(sample), samples_built, check_run)
    assert all(proof.ok for proof in proofs.values()), {k: [str(d) for d in p.differences] for k, p in proofs.items()}


CONTENT, STYLE = "EPUB/content.xhtml", "EPUB/style.css"
CORRUPTIONS = [
    ("generated content", STYLE, "li {", 'li::before { content: "NOT "; }\nli {', {"browser", "a11y tree"}),
    (
        "a word hidden",
        CONTENT,
        "The proposed",
        'The <span style="display: none">proposed</span>',
        {"browser", "a11y tree"},
    ),
    ("lang changed", CONTENT, ' lang="en"', ' lang="de"', {"page facts", "package"}),  # the package reader too
    ("an abbr title changed", CONTENT, 'title="United States"', 'title="United Nations"', {"page facts"}),
    ("text outside main", CONTENT, "</main>", "</main><p>Not from the source.</p>", {"page facts", "package"}),
]


@pytest.mark.parametrize(
    ("entry", "old", "new", "failing"), [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS]
)
def test_the_browser_catches_what_the_parser_misses(seed, scratch_build, check_run, entry, old, new, failing):
    corrupt(scratch_build / seed.slug / f"{seed.slug}.epub", entry, old, new)
    proofs = proofs_of(seed, scratch_build, check_run)
    assert proofs["parser"].ok, proofs["parser"].differences
    assert {name for name, proof in proofs.items() if not proof.ok} == failing
