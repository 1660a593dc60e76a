"""YAML front matter: split it from the body, parse it, validate every key at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from datetime import date as Date
from typing import Any
from urllib.parse import urlsplit

import yaml

from altformats.errors import Problem

# Every key the front matter may have, with its default; None means required.
KEYS: dict[str, Any] = {
    "title": None,
    "date": None,
    "kind": "Fact Sheet",
    "publisher": "",
    "office": "",
    "place": "",
    "language": "en",
    "summary": "",
    "abbreviations": {},
    "pronunciations": {},
    # The colophon (README "Source format"): read after the body by every edition.
    "contact": {},
    "reference": "",
    "revised": None,
    "licence": "",
    "source_url": "",
    "translations": {},
}
# Keys whose default None means "absent", not "required".
OPTIONAL = {"revised"}
CONTACT_FIELDS = ("name", "phone", "email")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Every edition can carry a date in these years: the EPUB's zip timestamps end in 2107, the PDF's
# dates need four digits. A date outside them is almost surely a typing slip.
YEARS = range(1000, 2100)
# Front matter is a dozen short lines; anything larger is a mistake or an attack.
FRONT_MATTER_LIMIT = 64 * 1024
# BCP 47 (RFC 5646): language[-extlang][-script][-region][-variant...][-extension...][-x-private...]
LANGUAGE_TAG = re.compile(
    r"(?P<base>[a-z]{2,3}(-[a-z]{3}){0,3}|[a-z]{4,8})(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?P<extensions>(-[0-9a-wyz](-[a-z0-9]{2,8})+)*)(-x(-[a-z0-9]{1,8})+)?",
    re.IGNORECASE,
)
# Control characters a field may hold: tab and newline, which the folding of whitespace turns into spaces.
ALLOWED_CONTROLS = "\t\n"


def _only_bool_and_null(resolvers: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
    kept = {
        first: [(tag, regexp) for tag, regexp in pairs if tag.endswith((":bool", ":null"))]
        for first, pairs in resolvers.items()
    }
    return {first: pairs for first, pairs in kept.items() if pairs}


class FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, resolving only booleans and null: every other plain value stays the text typed.

    Timestamps are not resolved (an impossible date crashed PyYAML's constructor; dates are checked
    here instead), nor numbers (`title: 1.10` would become 1.1), nor merge keys.
    """

    yaml_implicit_resolvers = _only_bool_and_null(yaml.SafeLoader.yaml_implicit_resolvers)


def split(text: str, path: str) -> tuple[str, str, int, list[Problem]]:
    """Split a source into (front matter, body, first body line) and any problems."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "", text, 1, [Problem(path, 1, "front matter: the file must start with a '---' line")]
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1, []
    return "", "", 1, [Problem(path, 1, "front matter: no closing '---' line for the front matter opened here")]


def parse(text: str, path: str, first_line: int = 2) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    """Parse the YAML of the front matter: (values, line of each key, problems)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > FRONT_MATTER_LIMIT:
        message = f"front matter: {size} bytes; the limit is {FRONT_MATTER_LIMIT // 1024} KiB"
        return {}, {}, [Problem(path, first_line - 1, message)]
    loader = FrontMatterLoader(text)
    try:
        problems = _refused_events(loader, path, first_line)
        if problems:
            return {}, {}, problems
        loader.dispose()
        loader = FrontMatterLoader(text)
        node = loader.get_single_node()
        problems = _duplicate_keys(node, path, first_line)
        if problems:
            return {}, {}, problems
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        return {}, {}, [_yaml_problem(error, text, path, first_line)]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return {}, {}, [Problem(path, first_line, "front matter: must be a mapping of 'key: value' lines")]
    lines = {str(key.value): first_line + key.start_mark.line for key, _ in node.value}
    return data, lines, []


def _yaml_problem(error: yaml.YAMLError, text: str, path: str, first_line: int) -> Problem:
    """The problem a YAML error describes, at the line where the author must look."""
    if isinstance(error, yaml.reader.ReaderError):
        # Raised for a character YAML refuses (a control character); it knows the position only.
        line = first_line + text.count("\n", 0, max(error.position, 0))
        character = error.character if isinstance(error.character, int) else ord(error.character)
        return Problem(path, line, f"front matter: {_control_name(chr(character))} is not allowed")
    # The context mark is where the broken construct began, which is where the author must look.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    line = first_line + mark.line if mark else first_line
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    detail = f"{problem} ({context})" if context else problem
    return Problem(path, line, f"front matter: invalid YAML: {detail}")


def _refused_events(loader: Any, path: str, first_line: int) -> list[Problem]:
    """Anchors, aliases and explicit tags, refused before anything is built from them.

    An alias repeats a value without copying its text, so a few lines of aliases can expand to
    gigabytes (the "billion laughs"); front matter never needs one. An explicit tag (`!!int x`)
    reaches constructors that crash on bad values; front matter never needs one either.
    """
    problems: list[Problem] = []
    while loader.check_event():
        event = loader.get_event()
        line = first_line + event.start_mark.line
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(path, line, f"front matter: YAML alias '*{event.anchor}' is not allowed"))
        elif getattr(event, "anchor", None) is not None:
            problems.append(Problem(path, line, f"front matter: YAML anchor '&{event.anchor}' is not allowed"))
        elif getattr(event, "tag", None) is not None and getattr(event, "implicit", None) in (False, (False, False)):
            problems.append(Problem(path, line, f"front matter: YAML tag '{_tag(event.tag)}' is not allowed"))
    return problems


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _duplicate_keys(node: Any, path: str, first_line: int) -> list[Problem]:
    """Every key that a mapping has twice (YAML would keep the last one silently)."""
    problems: list[Problem] = []
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                line = first_line + key.start_mark.line
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    message = f"front matter: duplicate key {key.value!r} (also on line {seen[key.value]})"
                    problems.append(Problem(path, line, message))
                elif isinstance(key, yaml.ScalarNode):
                    seen[key.value] = line
                pending.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
    return sorted(problems, key=lambda p: p.line or 0)


def validate(data: dict[str, Any], lines: dict[str, int], path: str, line: int) -> tuple[dict[str, Any], list[Problem]]:
    """Check every key and value; return the settled values (defaults filled in) and all problems."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = lines.get(str(key), line)
        if key not in KEYS:
            hint = difflib.get_close_matches(str(key), KEYS, n=1)
            also = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(KEYS)}"
            problems.append(Problem(path, where, f"front matter: unknown key '{key}'{also}"))
            continue
        checked = CHECKS[key](value)
        if isinstance(checked, Failure):
            problems.append(Problem(path, where, f"front matter: '{key}' {checked.message}"))
        else:
            values[key] = checked
    for key, default in KEYS.items():
        if key in data:
            continue
        if default is None and key not in OPTIONAL:
            problems.append(Problem(path, line, f"front matter: '{key}' is required"))
        else:
            values[key] = default
    return values, sorted(problems, key=lambda p: p.line or 0)


class Failure:
    """What a value check returns when the value is wrong."""

    def __init__(self, message: str):
        self.message = message


def _text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str):
        return Failure(f"must be text, got {_shown(value)}")
    control = first_control(value)
    if control:
        return Failure(f"contains {_control_name(control)}, which no edition can carry")
    text = " ".join(value.split())
    return text or Failure("must not be empty")


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return Failure(f"must be YYYY-MM-DD, got {_shown(value)}")
    if DATE_FORMAT.match(value) and not DATE_FORMAT.fullmatch(value):
        return Failure(f"must be a day, YYYY-MM-DD, with no time or zone; got {value!r}")
    if not DATE_FORMAT.fullmatch(value):
        return Failure(f"must be YYYY-MM-DD, got {value!r}")
    try:
        day = Date.fromisoformat(value)
    except ValueError as error:
        return Failure(f"is not a real date: {value!r} ({error})")
    if day.year not in YEARS:
        return Failure(
            f"must be in the years {YEARS.start}-{YEARS.stop - 1} (every edition can carry those), got {value!r}"
        )
    return day


def _language(value: Any) -> Any:
    if isinstance(value, bool):
        return Failure(
            f"must be a BCP 47 tag such as 'en' or 'es-MX', got {value}; quote it (YAML reads no/yes as booleans)"
        )
    if not isinstance(value, str) or not LANGUAGE_TAG.fullmatch(value):
        return Failure(f"must be a BCP 47 tag such as 'en' or 'es-MX', got {_shown(value)}")
    singletons = [part.lower() for part in value.lower().split("-x-")[0].split("-") if len(part) == 1]
    if len(singletons) != len(set(singletons)):
        return Failure(f"must be a BCP 47 tag, got {value!r}: an extension or 'x' appears twice")
    return value


def _mapping(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return Failure(f"must be a mapping of 'written form: text' lines, got {_shown(value)}")
    result: dict[str, str] = {}
    for key, text in value.items():
        checked_key, checked_text = _text(key), _text(text)
        for checked in (checked_key, checked_text):
            if isinstance(checked, Failure):
                return Failure(f"entry {key!r}: {checked.message}")
        result[checked_key] = checked_text
    return result


def _contact(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return Failure(f"must be a mapping with {', '.join(CONTACT_FIELDS)}, got {_shown(value)}")
    result: dict[str, str] = {}
    for key, text in value.items():
        if key not in CONTACT_FIELDS:
            return Failure(f"has an unknown field {key!r}; its fields are {', '.join(CONTACT_FIELDS)}")
        checked = _text(text)
        if isinstance(checked, Failure):
            return Failure(f"field {key!r} {checked.message}")
        if key == "email" and not EMAIL.fullmatch(checked):
            return Failure(f"field 'email' must be an address such as press@example.org, got {checked!r}")
        result[key] = checked
    return {key: result[key] for key in CONTACT_FIELDS if key in result}


def _url(value: Any) -> Any:
    checked = _text(value)
    if isinstance(checked, Failure):
        return checked
    parts = urlsplit(checked)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in checked:
        return Failure(f"must be an http or https address, got {checked!r}")
    return checked


def _translations(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return Failure(f"must be a mapping of 'language: slug' lines, got {_shown(value)}")
    result: dict[str, str] = {}
    for tag, slug in value.items():
        language = _language(tag)
        if isinstance(language, Failure):
            return Failure(f"entry {tag!r}: the key {language.message}")
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            return Failure(
                f"entry {tag!r}: must be a slug (the source's file name, such as 'es-fact-sheet'), got {_shown(slug)}"
            )
        result[language] = slug
    return result


def first_control(text: str) -> str:
    """The first control character in `text` other than tab and newline, or ""."""
    for character in text:
        if character not in ALLOWED_CONTROLS and unicodedata.category(character) in ("Cc", "Cs"):
            return character
    return ""


def _control_name(character: str) -> str:
    name = unicodedata.name(character, "") or "control character"
    return f"the {name.lower()} U+{ord(character):04X}"


def _shown(value: Any) -> str:
    return "nothing" if value is None else repr(value)


CHECKS: dict[str, Callable[[Any], Any]] = {
    "title": _text,
    "date": _date,
    "kind": _text,
    "publisher": _text,
    "office": _text,
    "place": _text,
    "language": _language,
    "summary": _text,
    "abbreviations": _mapping,
    "pronunciations": _mapping,
    "contact": _contact,
    "reference": _text,
    "revised": _date,
    "licence": _text,
    "source_url": _url,
    "translations": _translations,
}
