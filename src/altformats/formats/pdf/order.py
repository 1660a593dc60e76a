"""Paint order: WeasyPrint paints every list bullet after the rest of the page.

The structure tree reads each label before its item, so a page with a list paints much of
its tagged content out of reading order (outloud's ORD-001). This pass moves each label's
marked content to just before the first marked content of its item, wrapped in q/Q with the
fill colour it had; a label is left where it is unless it is a plain text object drawn under
the same transformation at both places.
"""

from __future__ import annotations

import pikepdf
from pikepdf import ContentStreamInstruction, Operator

from altformats.formats.pdf.content import bdc_mcid

# What a movable label may contain: its text object and the state it sets for itself.
LABEL_OPERATORS = frozenset({"BDC", "EMC", "BT", "ET", "Tm", "Tf", "TJ", "Tj", "rg", "g", "k", "gs", "cs", "sc", "scn"})
FILL_OPERATORS = frozenset({"rg", "g", "k", "cs", "sc", "scn"})
TEXT_ONLY = frozenset({"BDC", "EMC", "BT", "ET", "Tm", "TJ", "Tj"})  # left out where the label was


def move_labels(pdf: pikepdf.Pdf, page: pikepdf.Page, moves: dict[int, int]) -> None:
    """Paint the marked content of each label MCID in `moves` just before its item's MCID."""
    if not moves:
        return
    ops = list(pikepdf.parse_content_stream(page))
    states = _states(ops)
    starts = {bdc_mcid(operands, op): i for i, (operands, op) in enumerate(ops) if bdc_mcid(operands, op) is not None}
    chunks: dict[int, tuple[int, int]] = {}  # label start index -> (end index, destination index)
    for label, target in moves.items():
        start, destination = starts.get(label), starts.get(target)
        if start is None or destination is None:
            continue
        end = _end(ops, start)
        movable = all(str(op) in LABEL_OPERATORS for _, op in ops[start : end + 1])
        if movable and states[start][0] == states[destination][0]:
            chunks[start] = (end, destination)
    if not chunks:
        return
    arriving: dict[int, list] = {}
    for start, (end, destination) in chunks.items():
        arriving.setdefault(destination, []).extend(_wrapped(ops[start : end + 1], states[start][1]))
    out: list = []
    i = 0
    while i < len(ops):
        out.extend(arriving.get(i, []))
        if i in chunks:
            end = chunks[i][0]
            # The state the label set stays set here, as it was for what follows.
            out.extend(ContentStreamInstruction(o, p) for o, p in ops[i : end + 1] if str(p) not in TEXT_ONLY)
            i = end + 1
            continue
        out.append(ContentStreamInstruction(*ops[i]))
        i += 1
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))


def _wrapped(chunk: list, fill: list) -> list:
    """The label's instructions inside q/Q, after the fill colour it was painted with."""
    own_fill = any(str(op) in FILL_OPERATORS for _, op in chunk)
    body = [ContentStreamInstruction(o, p) for o, p in (chunk if own_fill else fill + chunk)]
    return [ContentStreamInstruction([], Operator("q")), *body, ContentStreamInstruction([], Operator("Q"))]


def _states(ops: list) -> list[tuple[tuple, list]]:
    """(transformation so far, fill colour instructions in force) before each instruction."""
    stack: list[tuple[tuple, list]] = [((), [])]
    states = []
    for operands, op in ops:
        states.append(stack[-1])
        name = str(op)
        if name == "q":
            stack.append(stack[-1])
        elif name == "Q" and len(stack) > 1:
            stack.pop()
        elif name == "cm":
            stack[-1] = (stack[-1][0] + (tuple(str(v) for v in operands),), stack[-1][1])
        elif name in FILL_OPERATORS:
            fill = [] if name in ("rg", "g", "k", "cs") else list(stack[-1][1])
            stack[-1] = (stack[-1][0], fill + [(list(operands), op)])
    return states


def _end(ops: list, start: int) -> int:
    """The index of the EMC that closes the marked content opened at `start`."""
    depth = 0
    for i in range(start, len(ops)):
        name = str(ops[i][1])
        depth += name in ("BDC", "BMC")
        depth -= name == "EMC"
        if depth == 0:
            return i
    return len(ops) - 1
