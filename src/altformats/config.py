"""The project's config file: altformats.toml, or [tool.altformats] in pyproject.toml, validated all at once.

Precedence, highest first: the command line, the environment (ALTFORMATS_*), this file, the defaults.
Paths in the file are relative to the file's folder. tomllib gives no line numbers, so each key's line
is found by scanning the text (`key_lines`): every problem reads "file:line: what is wrong".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from altformats.errors import AltformatsError, Problem

if TYPE_CHECKING:  # imported when a config file is read: a build without one never pays for them
    import tomllib

NAME = "altformats.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "altformats")
LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _text(value: Any, _: Path) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _texts(value: Any, base: Path) -> str | None:
    if isinstance(value, str):
        return _text(value, base)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a string or a non-empty list of strings"


def _folder(value: Any, base: Path) -> str | None:
    if problem := _text(value, base):
        return problem
    return None if (base / value).is_dir() else f"{value!r} is not a folder (relative to {base})"


def _formats(value: Any, base: Path) -> str | None:
    if problem := _texts(value, base):
        return problem
    from altformats import api

    return api.unknown_formats(names_of(value))


def _jobs(value: Any, _: Path) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else f"must be a whole number, 1 or more, got {value!r}"


def _profile(value: Any, _: Path) -> str | None:
    from altformats.formats.audio.files import PROFILES

    return None if value in PROFILES else f"unknown audio profile {value!r}; known: {', '.join(PROFILES)}"


def _grade(value: Any, _: Path) -> str | None:
    return None if value in (1, 2) and not isinstance(value, bool) else f"must be 1 or 2, got {value!r}"


def _voices(value: Any, _: Path) -> str | tuple[str, str] | None:
    """A problem with one language's voice comes with that language, so it is reported at its own line."""
    if not isinstance(value, dict):
        return 'must be a table of language = "espeak-ng voice", e.g. voices = { en = "gmw/en-US" }'
    for language, voice in value.items():
        if not LANGUAGE.fullmatch(language):
            return language, f"{language!r} is not a BCP 47 language tag"
        if not isinstance(voice, str) or not voice.strip():
            return language, f"the voice for {language!r} must be a non-empty string, got {voice!r}"
    return None


@dataclass(frozen=True)
class Option:
    """One key of the config file: its check (a message, or None), its default, what it is for."""

    check: Callable[[Any, Path], str | tuple[str, str] | None]  # a message, or (sub-key, message)
    default: Any
    help: str
    path: bool = False  # a path (or paths) relative to the config file's folder
    variable: str | None = None  # the environment variable the formats read it from


# Options are data: every key, its check, default and meaning. The README's table follows this one.
OPTIONS: dict[str, Option] = {
    "sources": Option(_texts, "source/*.md", "source files or glob patterns", path=True),
    "out": Option(_text, "build", "the output folder", path=True),
    "formats": Option(_formats, None, "the formats to build and check (default: all)"),
    "templates": Option(_folder, None, "your templates folder, searched before the defaults", path=True),
    "jobs": Option(_jobs, None, "worker processes (default: the number of cores)"),
    "audio_profile": Option(_profile, None, "the audio encoder profile", variable="ALTFORMATS_AUDIO_PROFILE"),
    "braille_grade": Option(_grade, None, "1 (uncontracted) or 2 (contracted)", variable="ALTFORMATS_BRAILLE_GRADE"),
    "voices": Option(_voices, None, "an espeak-ng voice per language", variable="ALTFORMATS_AUDIO_VOICES"),
    "checkers": Option(
        _folder, None, "the node_modules holding the npm checkers", path=True, variable="ALTFORMATS_NODE_MODULES"
    ),
}


def names_of(value: str | list[str]) -> list[str]:
    """Format names from a list or a comma-separated string."""
    items = [value] if isinstance(value, str) else value
    return [name.strip() for item in items for name in item.split(",") if name.strip()]


@dataclass
class Config:
    """The validated values of one config file (or none: `path` None, every value its default)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # each key's line in the file

    def get(self, key: str) -> Any:
        """The file's value for `key` (paths made absolute), else its default."""
        if key not in self.values:
            return OPTIONS[key].default
        value = self.values[key]
        if OPTIONS[key].path and self.path:
            base = self.path.parent
            return [str(base / v) for v in value] if isinstance(value, list) else str(base / value)
        return value

    def problem(self, key: str, message: str) -> Problem:
        """A problem with `key`'s value, at the key's line in the file."""
        return Problem(str(self.path), self.lines.get(key), f"{key}: {message}")

    def given(self, key: str) -> bool:
        """Whether the file sets `key`."""
        return key in self.values


def find(start: Path | None = None) -> Path | None:
    """The config file for `start` (default: the current folder): the nearest folder up with one."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / NAME).is_file():
            return candidate / NAME
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # a broken pyproject.toml of some other project is not ours to report
    return isinstance(data.get("tool"), dict) and "altformats" in data["tool"]


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """Read and validate a config file (default: the one `find` finds); every problem at once."""
    path = path or find(start)
    if path is None:
        return Config()
    import tomllib

    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise AltformatsError(Problem(shown, None, f"cannot read the config file: {error.strerror}")) from None
    except UnicodeDecodeError:
        raise AltformatsError(Problem(shown, None, "the config file is not UTF-8")) from None
    except tomllib.TOMLDecodeError as error:
        raise AltformatsError(_syntax_problem(shown, error)) from None
    prefix = PYPROJECT_TABLE if path.name == PYPROJECT else ()
    table = data
    for part in prefix:
        table = table.get(part, {})
    lines = key_lines(text)
    problems = validate(table, prefix, lines, shown, path.parent)
    if problems:
        raise AltformatsError(problems)
    found = {key: line for key in table if (line := _line(lines, (*prefix, key)))}
    return Config(path.resolve(), dict(table), found)


def _syntax_problem(shown: str, error: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's message ends "(at line N, column M)": move the line to the front."""
    found = re.search(r"\(at line (\d+), column \d+\)$", str(error))
    message = str(error)[: found.start()].strip() if found else str(error)
    return Problem(shown, int(found.group(1)) if found else None, f"TOML syntax: {message}")


def validate(
    table: Any, prefix: tuple[str, ...], lines: Mapping[tuple[str, ...], int], shown: str, base: Path
) -> list[Problem]:
    """Every problem of the altformats table: unknown keys (with "did you mean") and bad values."""
    if not isinstance(table, dict):
        return [Problem(shown, _line(lines, prefix), f"[{'.'.join(prefix)}] must be a table")]
    problems = []
    for key, value in table.items():
        line = _line(lines, (*prefix, key))
        option = OPTIONS.get(key)
        if option is None:
            import difflib

            close = difflib.get_close_matches(key, OPTIONS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(shown, line, f"unknown key {key!r}{hint}; known keys: {', '.join(OPTIONS)}"))
        elif found := option.check(value, base):
            sub, message = found if isinstance(found, tuple) else ("", found)
            where = _line(lines, (*prefix, key, sub)) if sub else line
            problems.append(Problem(shown, where, f"{key}{'.' + sub if sub else ''}: {message}"))
    return problems


def _line(lines: Mapping[tuple[str, ...], int], key: tuple[str, ...]) -> int | None:
    """The line of `key`, or of its nearest enclosing table (an inline table's keys share its line)."""
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


HEADER = re.compile(r"\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(#.*)?$")
ASSIGNMENT = re.compile(
    r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", key))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The first line of every table header and key assignment, by dotted path (multi-line strings aside)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string:  # inside a multi-line string: no keys here
            if line.count(open_string) % 2:
                open_string = None
            continue
        if header := HEADER.match(line):
            table = _dotted(header.group(1))
            lines.setdefault(table, number)
        elif assignment := ASSIGNMENT.match(line):
            lines.setdefault((*table, *_dotted(assignment.group(1))), number)
            rest = line[assignment.end() :]
            open_string = next((q for q in ('"""', "'''") if rest.count(q) % 2), None)
    return lines


@contextmanager
def environment(config: Config) -> Iterator[None]:
    """The file's values for the formats' environment variables, for the run; a variable already set wins."""
    values = {
        option.variable: _as_variable(config.get(key))
        for key, option in OPTIONS.items()
        if option.variable and config.given(key)
    }
    added = [name for name in values if not os.environ.get(name)]
    for name in added:
        os.environ[name] = str(values[name])
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _as_variable(value: Any) -> str:
    """A value as its variable holds it; a table of voices as "en=gmw/en-US,fr=roa/fr"."""
    if isinstance(value, dict):
        return ",".join(f"{language}={voice}" for language, voice in sorted(value.items()))
    return str(value)
