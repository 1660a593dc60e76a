"""The reader's strictness and limits: hostile or careless sources end in `path:line` errors, never a crash."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from altformats import api
from altformats.document import frontmatter, reader
from altformats.document.language import written_date
from altformats.document.model import normalise
from altformats.errors import AltformatsError

FORMATS: tuple[str, ...] = ()  # nothing here builds an edition


def source(tmp_path: Path, front: str, body: str = "Body.", name: str = "doc.md") -> Path:
    path = tmp_path / name
    path.write_text(f"---\ntitle: A title\ndate: 2007-04-16\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(AltformatsError) as caught:
        api.load(path)
    return [str(p) for p in caught.value.problems]


def body_text(path: Path) -> str:
    doc = api.load(path)
    return " ".join(normalise(b.text) for b in doc.reading_blocks()[len(doc.masthead) :])


@pytest.mark.parametrize("day", ["2005-02-30", "2005-13-01", "2005-00-10", "2005-04-31"])
def test_an_impossible_date_is_an_error_not_a_crash(tmp_path, day):
    path = tmp_path / "doc.md"
    path.write_text(f"---\ntitle: T\ndate: {day}\n---\n\nBody.\n", encoding="utf-8")
    assert problems(path) == [f"{path}:3: front matter: 'date' is not a real date: '{day}' " + _reason(day)]


def _reason(day: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(day)
    except ValueError as error:
        return f"({error})"
    raise AssertionError(day)


@pytest.mark.parametrize(
    "value",
    ["2007-04-16T10:00:00Z", "2007-04-16 10:00", "2007-04-16t10:00:00+02:00", "'2007-04-16 10:00'"],
)
def test_a_date_with_a_time_or_zone_is_an_error(tmp_path, value):
    path = tmp_path / "doc.md"
    path.write_text(f"---\ntitle: T\ndate: {value}\n---\n\nBody.\n", encoding="utf-8")
    (message,) = problems(path)
    assert message.startswith(f"{path}:3: front matter: 'date' must be a day, YYYY-MM-DD, with no time or zone")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0999-12-31", False), ("1000-01-01", True), ("2099-12-31", True), ("2100-01-01", False), ("2107-01-01", False)],
)
def test_the_year_is_one_every_edition_can_carry(tmp_path, value, ok):
    path = tmp_path / "doc.md"
    path.write_text(f"---\ntitle: T\ndate: {value}\n---\n\nBody.\n", encoding="utf-8")
    if ok:
        assert api.load(path).meta.date.isoformat() == value
    else:
        assert "must be in the years 1000-2099" in problems(path)[0]


def test_a_date_of_other_digits_is_refused(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("---\ntitle: T\ndate: '٢٠٠٧-٠٤-١٦'\n---\n\nBody.\n", encoding="utf-8")
    assert "must be YYYY-MM-DD" in problems(path)[0]


def test_values_stay_as_typed(tmp_path):
    """Numbers are not resolved: a title "1.10" is not the number 1.1."""
    doc = api.load(source(tmp_path, "summary: 1.10\noffice: 0x1F\nplace: 1e3\n"))
    assert (doc.meta.summary, doc.meta.office, doc.meta.place) == ("1.10", "0x1F", "1e3")


def test_duplicate_keys_are_reported_with_both_lines(tmp_path):
    path = source(tmp_path, "pronunciations:\n  MD: em dee\n  MD: missile defense\nsummary: a\nsummary: b\n")
    assert problems(path) == [
        f"{path}:6: front matter: duplicate key 'MD' (also on line 5)",
        f"{path}:8: front matter: duplicate key 'summary' (also on line 7)",
    ]


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path):
    lines = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    path = tmp_path / "bomb.md"
    path.write_text("---\ntitle: T\ndate: 2007-04-16\nsummary:\n  " + "\n  ".join(lines) + "\n---\n\nBody.\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = problems(path)
    assert found[0] == f"{path}:5: front matter: YAML anchor '&a' is not allowed"
    assert f"{path}:6: front matter: YAML alias '*a' is not allowed" in found
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: no expansion happened


def test_a_merge_key_is_only_an_unknown_key(tmp_path):
    (message,) = problems(source(tmp_path, "<<: {summary: x}\n"))
    assert "unknown key '<<'" in message


def test_front_matter_past_its_limit_is_an_error_naming_the_limit(tmp_path):
    filler = "".join(f"# {'x' * 70}\n" for _ in range(frontmatter.FRONT_MATTER_LIMIT // 72 + 1))
    path = source(tmp_path, filler)
    (message,) = problems(path)
    assert message.startswith(f"{path}:1: front matter: ") and message.endswith("bytes; the limit is 64 KiB")


def test_a_source_past_its_limit_is_an_error_naming_the_limit(tmp_path):
    path = source(tmp_path, "", "word " * (reader.SOURCE_LIMIT // 5 + 1))
    assert problems(path) == [f"{path}: the source is larger than the limit of 2 MiB"]
    assert api.load(source(tmp_path, "", "word " * (reader.SOURCE_LIMIT // 6), "fits.md"))


@pytest.mark.parametrize(
    ("front", "key"),
    [
        ('title: "Caf\\x01"\n', "'title'"),
        ('summary: "a\\x7fb"\n', "'summary'"),
        ('office: "a\\x85b"\n', "'office'"),
        ('abbreviations:\n  "N\\x1bO": No\n', "'abbreviations' entry"),
        ('pronunciations:\n  NOx: "n\\x00o"\n', "'pronunciations' entry"),
    ],
)
def test_a_control_character_in_any_field_is_an_error_naming_the_key(tmp_path, front, key):
    path = tmp_path / "doc.md"
    text = f"---\n{'' if front.startswith('title') else 'title: T' + chr(10)}date: 2007-04-16\n{front}---\n\nBody.\n"
    path.write_text(text, encoding="utf-8")
    (message,) = problems(path)
    assert f"front matter: {key}" in message and "control character U+00" in message, message


def test_a_raw_control_character_in_the_front_matter_names_its_line(tmp_path):
    path = source(tmp_path, "summary: a\x01b\n")
    assert problems(path) == [f"{path}:4: front matter: the control character U+0001 is not allowed"]


def test_tabs_and_line_breaks_in_fields_are_whitespace(tmp_path):
    doc = api.load(source(tmp_path, 'summary: "one\\ttwo\\nthree"\n'))
    assert doc.meta.summary == "one two three"


@pytest.mark.parametrize(
    ("body", "what"), [("a\x01b", "U+0001"), ("a\x7fb", "U+007F"), ("a\x85b", "U+0085"), ("a\x0cb", "U+000C")]
)
def test_a_raw_control_character_in_the_body_names_its_line(tmp_path, body, what):
    path = source(tmp_path, "", f"First line.\n\n{body}")
    assert problems(path) == [f"{path}:8: the control character {what} is not allowed in the text"]


@pytest.mark.parametrize(
    ("entity", "what"),
    [
        ("&#0;", "U+0000"),
        ("&#x0C;", "the control character U+000C"),
        ("&#x85;", "the control character U+0085"),
        ("&#xD800;", "U+D800, which is not a character"),
        ("&#13;", "U+000D"),
    ],
)
def test_an_entity_for_a_control_character_or_none_is_refused(tmp_path, entity, what):
    path = source(tmp_path, "", f"Line one\nline two {entity} here.")
    (message,) = problems(path)
    assert message.startswith(f"{path}:7: the entity '{entity}' stands for ") and what in message, message


def test_entities_for_characters_are_carried(tmp_path):
    path = source(
        tmp_path,
        "abbreviations:\n  AT&T: American Telephone and Telegraph\n",
        "AT&amp;T &#x41;&#66; &copy; &#xFFFD; tab&#9;end \\*",
    )
    doc = api.load(path)
    assert body_text(path) == "AT&T AB © \ufffd tab end *"
    assert doc.blocks[0].children[0].text == "AT&T"  # the abbreviation is found across the entity


@pytest.mark.parametrize(
    "tag", ["en-x-acme", "en-US-x-foo", "de-DE-u-co-phonebk", "sr-Latn-RS", "es-419", "en-a-bbb-x-a-ccc", "sl-rozaj"]
)
def test_valid_language_tags_with_extensions_and_private_use_are_accepted(tmp_path, tag):
    doc = api.load(source(tmp_path, f"language: {tag}\n"))
    assert doc.meta.language == tag
    assert doc.meta.date_text == written_date(doc.meta.date, tag.split("-x-")[0].split("-u-")[0].split("-a-")[0])
    if tag.startswith("en"):
        assert doc.meta.date_text == "April 16, 2007"


@pytest.mark.parametrize(
    "tag", ["x-acme", "en-x", "en--US", "en-US-", "en-a-x-foo", "en-a-bb-a-cc", "e", "en-x-toolongtag", "i-klingon"]
)
def test_malformed_language_tags_are_refused(tmp_path, tag):
    (message,) = problems(source(tmp_path, f"language: '{tag}'\n"))
    assert "'language' must be a BCP 47 tag" in message, message


def test_nesting_up_to_the_limit_is_carried_and_past_it_refused(tmp_path):
    deepest = reader.NESTING_LIMIT
    ok = source(tmp_path, "", "> " * deepest + "Deep words.", "ok.md")
    assert body_text(ok) == "Deep words."
    lists = "".join(f"{'  ' * i}- level {i + 1}\n" for i in range(deepest))
    assert body_text(source(tmp_path, "", lists, "lists.md")).split()[-2:] == ["level", str(deepest)]
    mixed = source(tmp_path, "", "> - > - > - > - > Deep words.", "mixed.md")
    assert problems(mixed) == [f"{mixed}:6: a block quote nested 9 deep in lists and block quotes; the limit is 8"]


def test_a_quote_past_markdown_its_own_limit_is_refused_not_dropped(tmp_path):
    path = source(tmp_path, "", "Before.\n\n" + "> " * 60 + "Lost words?")
    assert problems(path) == [f"{path}:8: a block quote nested 9 deep in lists and block quotes; the limit is 8"]


def test_a_link_title_is_refused_also_through_a_reference(tmp_path):
    path = source(tmp_path, "", "See [the site][s].\n\n[s]: https://example.org 'Its title'")
    assert problems(path) == [
        f"{path}:6: link titles are not supported (no edition shows them to every reader): 'Its title'"
    ]


def test_a_footnote_and_a_definition_list_keep_every_word(tmp_path):
    """Both are constructs now (issue 15): the note is read after the body, its mark where it was."""
    path = source(tmp_path, "", "A claim.[^1]\n\n[^1]: The source of the claim.\n\nTerm\n: Its definition.")
    assert body_text(path) == "A claim.[1] Term Its definition. [1] The source of the claim."


HOSTILE = {
    "...md": "starts with '.'",
    "..md": "starts with '.'",
    ".md": "starts with '.'",
    ".hidden.md": "starts with '.'",
    " .md": "is empty",
    "a\\b.md": "holds a path separator",
    "tab\there.md": "holds a control character",
    "new\nline.md": "holds a control character",
    "esc\x1b.md": "holds a control character",
}


@pytest.mark.parametrize("name", HOSTILE, ids=[repr(n) for n in HOSTILE])
def test_a_file_name_that_gives_an_unsafe_slug_is_an_error(tmp_path, name):
    path = source(tmp_path, "", name=name)
    (message,) = problems(path)
    assert message.startswith(f"{path}: the file name gives the slug ") and HOSTILE[name] in message, message


def test_a_file_name_that_is_not_utf8_is_an_error_not_a_crash(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.md")
    with open(raw, "wb") as out:
        out.write(b"---\ntitle: T\ndate: 2007-04-16\n---\n\nBody.\n")
    path = Path(os.fsdecode(raw))
    (message,) = problems(path)
    assert message == f"{tmp_path}/caf\\xe9.md: the file name is not UTF-8; rename the file"
    message.encode("utf-8")  # printable as it stands


def test_safe_slugs_are_kept(tmp_path):
    for name, slug in {
        "fact-sheet.md": "fact-sheet",
        "hoja informativa.md": "hoja informativa",
        "a.b.md": "a.b",
        "数据.md": "数据",
    }.items():
        assert api.load(source(tmp_path, "", name=name)).slug == slug
