"""The slug of a source file: the name of its output folder, safe inside --out on every system."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from altformats.errors import AltformatsError, Problem


def shown_path(path: Path) -> str:
    """The path as messages show it: a byte that is not UTF-8 is written as an escape, never an error."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def slug_of(path: Path) -> str:
    """The slug of a source: its file name without extension, which names its output folder.

    Raise AltformatsError unless it is safe as one folder's name inside --out on every system.
    """
    slug = path.stem
    shown = shown_path(path)
    try:
        slug.encode("utf-8")
    except UnicodeEncodeError:
        raise AltformatsError(Problem(shown, None, "the file name is not UTF-8; rename the file")) from None
    problem = _slug_problem(slug)
    if problem:
        raise AltformatsError(
            Problem(shown, None, f"the file name gives the slug {slug!r}, which {problem}; rename the file")
        )
    return slug


def _slug_problem(slug: str) -> str:
    if not slug.strip():
        return "is empty"
    if slug.startswith("."):
        return "starts with '.' (it would name a hidden folder, or '.' or '..')"
    if any(separator in slug for separator in ("/", "\\", "\0")):
        return "holds a path separator"
    if any(unicodedata.category(character) in ("Cc", "Cs") for character in slug):
        return "holds a control character"
    return ""
