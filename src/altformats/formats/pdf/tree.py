"""Walking a tagged PDF's structure tree with pikepdf: the one walk the post-pass and the checks share."""

from __future__ import annotations

from collections.abc import Iterator

from pikepdf import Array, Dictionary


def kids(elem: Dictionary) -> list:
    """The /K entries of a structure element as a list (K may be a single kid, or absent)."""
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def is_element(obj: object) -> bool:
    """True if `obj` is a structure element (a dictionary with a structure type /S)."""
    return isinstance(obj, Dictionary) and "/S" in obj


def walk(elem: Dictionary) -> Iterator[Dictionary]:
    """`elem` and every structure element under it, in document order."""
    yield elem
    for kid in kids(elem):
        if is_element(kid):
            yield from walk(kid)
