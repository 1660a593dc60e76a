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
    """`elem` and every structure element under it, in document order.

    An element's kids are read when the walk moves on from it, as a recursive walk reads them: a
    caller may change an element's /K when it is yielded. A stack, not nested generators, which
    cost a step per level for every element yielded (the post-pass walks the tree a dozen times).
    """
    stack = [elem]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(kid for kid in reversed(kids(node)) if is_element(kid))
