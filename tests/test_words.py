"""The reader loses nothing: every word of each fixture's body reaches the model's reading blocks.

The source's words come from an extraction that shares no code with the reader: strip the front
matter, link targets and reference definitions, decode entities, then keep the runs of letters and
digits. Markdown's punctuation (markers, pipes, hashes) has no letters, so it drops out; emphasis
asterisks are removed, since they may sit inside a word. An image gives its alt text and caption
(alt "-", decorative, gives none); a ':::' line gives its title, or its kind's documented label
(README "Source format"), and '::: description' and a closing ':::' give nothing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from altformats import api
from altformats.document import reader
from altformats.document.model import normalise
from conftest import FIXTURES, SAMPLES, SEED

FORMATS: tuple[str, ...] = ()  # nothing here builds an edition
SOURCES = [SEED, *SAMPLES, *sorted(FIXTURES.glob("*.md")), *sorted((FIXTURES / "sheets").glob("*.md"))]
CALLOUT_LABELS = {"key-facts": "Key facts", "warning": "Warning", "note": "Note", "description": ""}
IMAGE = re.compile(r'!\[([^\]]*)\]\([^)\s]*(?:\s+"([^"]*)")?\)')
CONTAINER = re.compile(r"^:::[ \t]*([\w-]*)[ \t]*(.*)$", re.M)
WORD = re.compile(r"[^\W_]+")
LIST_MARKER = re.compile(r"^(?:[ \t]*(?:>[ \t]?|[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))+", re.M)


def source_words(text: str) -> list[str]:
    """The words of a source's body, extracted without the reader."""
    body = text.split("\n---\n", 1)[1]
    body = IMAGE.sub(lambda m: ("" if m.group(1) == "-" else m.group(1)) + " " + (m.group(2) or ""), body)
    body = CONTAINER.sub(lambda m: m.group(2) or CALLOUT_LABELS.get(m.group(1), m.group(1)), body)
    body = re.sub(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S+.*$", "", body, flags=re.M)  # link reference definitions
    body = re.sub(r"\]\([^)\s]*\)", "]", body)  # inline link targets
    body = LIST_MARKER.sub("", body)  # a numbered item's number is a marker, not a word
    body = body.replace("*", "")  # emphasis may sit inside a word (CJK text has no spaces to split at)
    return WORD.findall(html.unescape(body))


def model_words(path: Path) -> list[str]:
    doc = api.load(path)
    body = doc.reading_blocks()[len(doc.masthead) : len(doc.reading_blocks()) - len(doc.colophon)]
    return WORD.findall(" ".join(normalise(block.text) for block in body))


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_word_of_the_source_body_reaches_the_model(path):
    expected = source_words(path.read_text(encoding="utf-8"))
    assert len(expected) > 5
    assert model_words(path) == expected


def test_the_comparison_fails_when_markdown_it_drops_deep_content(tmp_path, monkeypatch):
    """With our nesting limit lifted, markdown-it's own cuts the deepest quote silently: the comparison sees it."""
    path = tmp_path / "deep.md"
    path.write_text("---\ntitle: T\ndate: 2007-04-16\n---\n\nBefore.\n\n" + "> " * 25 + "Lost words.\n")
    monkeypatch.setattr(reader, "NESTING_LIMIT", 1000)
    assert source_words(path.read_text()) == ["Before", "Lost", "words"]
    assert model_words(path) == ["Before"]


def test_the_comparison_fails_when_a_word_is_lost(monkeypatch):
    """A reader that dropped the words after each run's last abbreviation would be caught."""
    original = reader.BodyReader.words

    def drops_the_last_word(self, text, line):
        nodes = original(self, text, line)
        return nodes[:-1] if len(nodes) > 1 else nodes

    monkeypatch.setattr(reader.BodyReader, "words", drops_the_last_word)
    assert model_words(SEED) != source_words(SEED.read_text(encoding="utf-8"))


def test_the_extraction_drops_only_markup():
    text = "---\ntitle: T\n---\n\n## Head\n\n1. one *two*\n   - [three](http://x.org) &amp; four\n\n> | five | 6 |\n> |---|--:|\n"
    assert source_words(text) == ["Head", "one", "two", "three", "four", "five", "6"]
