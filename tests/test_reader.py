"""The reader: front matter and CommonMark into the model, and every bad input as path:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from altformats import api
from altformats.document.model import Abbr, Heading, List, Quote, Table, inline_text, normalise
from altformats.errors import AltformatsError
from conftest import FIXTURES, STRUCTURES

BAD = FIXTURES / "bad"
REFERENCE = FIXTURES / "reference" / "missile-defense.txt"


def reference_words() -> list[str]:
    """The original fact sheet's words: Markdown emphasis, bullets and autolink brackets are not words."""
    text = REFERENCE.read_text(encoding="utf-8").replace("**", "")
    text = re.sub(r"^- ", "", text, flags=re.M)
    return re.sub(r"<(https?://[^>]+)>", r"\1", text).split()


def words(blocks) -> list[str]:
    return [word for block in blocks for word in normalise(block.text).split()]


def test_seed_carries_exactly_the_reference_words(seed):
    expected = reference_words()
    assert len(expected) == 372
    body = seed.reading_blocks()[: -len(seed.colophon)]
    assert words(body) == expected
    assert [(b.role, b.text) for b in seed.reading_blocks()[-1:]] == [("publisher", "U.S. Department of State")]


def test_seed_masthead_in_reading_order(seed):
    head = [(b.role, b.text) for b in seed.reading_blocks()[:5]]
    assert head == [
        ("kind", "Fact Sheet"),
        ("office", "Bureau of European and Eurasian Affairs"),
        ("place", "Washington, DC"),
        ("date", "April 16, 2007"),
        ("title", "U.S. Missile Defense: Cooperation With NATO and Russia"),
    ]


def test_seed_declares_the_abbreviations_it_uses(seed):
    declared = set(seed.meta.abbreviations)
    assert {"U.S.", "MD", "NATO", "NRC", "USNATO", "ICBMs"} <= declared
    found = {node.text for node in _inlines(seed) if isinstance(node, Abbr)}
    assert found == declared
    assert "http://www.state.gov" in seed.meta.pronunciations


def test_every_node_keeps_its_source_line(seed):
    lines = Path(seed.path).read_text(encoding="utf-8").splitlines()
    for block in seed.reading_blocks()[5:]:
        assert normalise(block.text).split()[0] in lines[block.line - 1], block


def test_structures_fixture_reading_order():
    doc = api.load(STRUCTURES)
    texts = [normalise(b.text) for b in doc.reading_blocks()]
    assert texts[:5] == [
        "Briefing Note",
        "Office of Public Health",
        "Geneva",
        "5 March 2024",
        "Water Safety: What WHO Advises",
    ]
    assert texts[5].startswith("Boil water when advised, e.g. after a flood. Do not drink from unknown")
    assert texts[6:] == [
        "Before a flood",
        "Store water in clean containers.",
        "Keep a supply for:",
        "drinking, and",
        "cooking.",
        "Plan for three days.",
        "Containers",
        "Clean containers keep water safe.",
        "— a field officer in the north",
        "Quantities",
        "Person",
        "Litres a day",
        "Adult",
        "3",
        "Child",
        "1.5",
        "Pet",  # its empty cell is no block
        "Example Health Agency",  # the colophon: the publisher
    ]
    kinds = [type(b) for b in doc.blocks]
    assert kinds == [type(doc.blocks[0]), Heading, List, Heading, Quote, Heading, Table]
    ordered = doc.blocks[2]
    assert (ordered.ordered, ordered.start, ordered.items[1].blocks[1].ordered) == (True, 3, False)
    assert doc.blocks[6].body[0].cells[1].align == "right"


def test_abbreviations_are_recognised_only_as_whole_words():
    doc = api.load(STRUCTURES)
    first = doc.blocks[0].children
    assert [n.text for n in _walk(first) if isinstance(n, Abbr)] == ["e.g.", "WHO"]
    assert inline_text(first).count("WHO") == 1


def test_dates_are_written_in_the_documents_language(tmp_path):
    source = tmp_path / "hoja.md"
    source.write_text("---\ntitle: Hoja\ndate: 2007-04-16\nlanguage: es\n---\n\nTexto.\n", encoding="utf-8")
    doc = api.load(source)
    assert doc.meta.date_text == "16 de abril de 2007"
    assert doc.meta.direction == "ltr"


# Each bad input: (file, line, words the message must contain).
BAD_CASES = [
    ("bad-date.md", 3, "'date' must be YYYY-MM-DD, got '16/04/2007'"),
    ("blank-paragraph.md", 8, "a paragraph with no words (only spaces such as &nbsp;)"),
    ("missing-title.md", 1, "'title' is required"),
    ("broken-yaml.md", 4, "invalid YAML"),
    ("raw-html.md", 8, "raw HTML is not allowed"),
    ("inline-html.md", 7, "raw HTML is not allowed"),
    ("second-h1.md", 8, "level-1 heading"),
    ("skipped-level.md", 10, "skips level 3"),
    ("empty-body.md", 5, "the body is empty"),
    ("unknown-key.md", 4, "did you mean 'language'?"),
    ("no-front-matter.md", 1, "must start with a '---' line"),
    ("unclosed-front-matter.md", 1, "no closing '---'"),
    ("bad-link.md", 6, "link target 'file:///etc/passwd' is not allowed"),
    ("code-block.md", 8, "code blocks are not supported"),
    ("image.md", 6, "the image file 'chart.png' is not there"),
    ("unknown-language.md", 4, "'qq' is not a language"),
    ("empty-link.md", 6, "a link has no words"),
    ("not-utf8.md", 2, "not UTF-8"),
    ("impossible-date.md", 3, "'date' is not a real date: '2005-02-30'"),
    ("date-with-time.md", 3, "with no time or zone; got '2007-04-16T10:00:00Z'"),
    ("date-out-of-range.md", 3, "must be in the years 1000-2099"),
    ("duplicate-key.md", 4, "duplicate key 'title' (also on line 2)"),
    ("duplicate-abbreviation.md", 6, "duplicate key 'NATO' (also on line 5)"),
    ("yaml-alias.md", 2, "YAML anchor '&a' is not allowed"),
    ("yaml-tag.md", 4, "YAML tag '!!int' is not allowed"),
    ("control-character.md", 4, "'publisher' contains the control character U+0001"),
    ("control-entity.md", 7, "the entity '&#1;' stands for the control character U+0001"),
    ("link-title.md", 6, "link titles are not supported"),
    ("deep-quote.md", 8, "a block quote nested 9 deep in lists and block quotes; the limit is 8"),
    ("deep-list.md", 16, "a list nested 9 deep in lists and block quotes; the limit is 8"),
    ("footnote-definition.md", 8, "the footnote [^1] is defined but never referenced"),
]


@pytest.mark.parametrize(("name", "line", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_reported_with_path_and_line(name, line, message):
    path = BAD / name
    with pytest.raises(AltformatsError) as caught:
        api.load(path)
    first = str(caught.value.problems[0])
    assert first.startswith(f"{path}:{line}: "), first
    assert message in first


def test_every_front_matter_problem_is_reported_at_once():
    with pytest.raises(AltformatsError) as caught:
        api.load(BAD / "many-problems.md")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 4, messages
    for fragment in (
        "'title' is required",
        "'date' must be YYYY-MM-DD",
        "'publisher' must be text",
        "quote it (YAML reads no/yes as booleans)",
    ):
        assert any(fragment in m for m in messages), fragment


def test_bad_inputs_cover_every_file_in_the_bad_folder():
    covered = {c[0] for c in BAD_CASES} | {"many-problems.md"}
    assert covered == {p.name for p in BAD.glob("*.md")}


def _inlines(doc):
    for line in doc.masthead:
        yield from _walk(line.children)
    for block in doc.blocks:
        yield from _walk_block(block)


def _walk_block(block):
    if hasattr(block, "children"):
        yield from _walk(block.children)
    for child in getattr(block, "blocks", ()) + getattr(block, "items", ()):
        yield from _walk_block(child)


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(getattr(node, "children", ()))
