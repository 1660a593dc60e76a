"""YAML front matter: split it from the body, parse it, validate every key at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date as Date
from typing import Any

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
}
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
# BCP 47, the common shapes: language[-script][-region][-variant...]
LANGUAGE_TAG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?(-[a-zA-Z\d]{5,8})*")

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        # The context mark is where the broken construct began, which is where the author must look.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(error, "problem", None) or str(error)
        context = getattr(error, "context", None)
        detail = f"{problem} ({context})" if context else problem
        return {}, {}, [Problem(path, line, f"front matter: invalid YAML: {detail}")]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return {}, {}, [Problem(path, first_line, "front matter: must be a mapping of 'key: value' lines")]
    lines = {str(key.value): first_line + key.start_mark.line for key, _ in node.value}
    return data, lines, []


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
        if default is None:
            problems.append(Problem(path, line, f"front matter: '{key}' is required"))
        else:
            values[key] = default
    return values, sorted(problems, key=lambda p: p.line or 0)


class Failure:
    """What a value check returns when the value is wrong."""

    def __init__(self, message: str):
        self.message = message


def _text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return Failure(f"must be text, got {_shown(value)}")
    text = " ".join(str(value).split())
    return text or Failure("must not be empty")


def _date(value: Any) -> Any:
    if isinstance(value, Date):
        return value
    if isinstance(value, str) and DATE_FORMAT.fullmatch(value):
        try:
            return Date.fromisoformat(value)
        except ValueError as error:
            return Failure(f"is not a real date: {value!r} ({error})")
    return Failure(f"must be YYYY-MM-DD, got {_shown(value)}")


def _language(value: Any) -> Any:
    if isinstance(value, bool):
        return Failure(
            f"must be a BCP 47 tag such as 'en' or 'es-MX', got {value}; quote it (YAML reads no/yes as booleans)"
        )
    if not isinstance(value, str) or not LANGUAGE_TAG.fullmatch(value):
        return Failure(f"must be a BCP 47 tag such as 'en' or 'es-MX', got {_shown(value)}")
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


def _shown(value: Any) -> str:
    return "nothing" if value is None else repr(value if not isinstance(value, Date) else value.isoformat())


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
}
