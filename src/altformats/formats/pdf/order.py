"""Paint order: WeasyPrint paints every list bullet after the rest of the page.

The structure tree reads each label before its item, so a page with a list paints much of
its tagged content out of reading order (outloud's ORD-001). This pass moves each label's
marked content to just before the first marked content of its item, wrapped in q/Q with the
fill colour it had; a label is left where it is unless it is a plain text object drawn under
the same transformation at both places.
"""

from __future__ import annotations

from pikepdf import ContentStreamInstruction, Operator

from altformats.formats.pdf.content import bdc_mcid

# What a movable label may contain: its text object and the state it sets for itself.
LABEL_OPERATORS = frozenset({"BDC", "EMC", "BT", "ET", "Tm", "Tf", "TJ", "Tj", "rg", "g", "k", "gs", "cs", "sc", "scn"})
FILL_OPERATORS = frozenset({"rg", "g", "k", "cs", "sc", "scn"})
TEXT_ONLY = frozenset({"BDC", "EMC", "BT", "ET", "Tm", "TJ", "Tj"})  # left out where the label was


def move_labels(ops: list, moves: dict[int, int]) -> list:
    """A page's instructions `ops` with the marked content of each label MCID in `moves` painted
    just before its item's MCID (the other instructions are kept as they are)."""
    if not moves:
        return ops
    names = [str(instruction.operator) for instruction in ops]  # read once: each read converts
    states = _states(ops, names)
    starts = {}
    for i, name in enumerate(names):
        if name == "BDC" and (mcid := bdc_mcid(ops[i].operands, name)) is not None:
            starts[mcid] = i
    chunks: dict[int, tuple[int, int]] = {}  # label start index -> (end index, destination index)
    for label, target in moves.items():
        start, destination = starts.get(label), starts.get(target)
        if start is None or destination is None:
            continue
        end = _end(names, start)
        movable = all(name in LABEL_OPERATORS for name in names[start : end + 1])
        if movable and states[start][0] == states[destination][0]:
            chunks[start] = (end, destination)
    if not chunks:
        return ops
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
            out.extend(ops[j] for j in range(i, end + 1) if names[j] not in TEXT_ONLY)
            i = end + 1
            continue
        out.append(ops[i])
        i += 1
    return out


def _wrapped(chunk: list, fill: list) -> list:
    """The label's instructions inside q/Q, after the fill colour it was painted with."""
    own_fill = any(str(op) in FILL_OPERATORS for _, op in chunk)
    body = [ContentStreamInstruction(o, p) for o, p in (chunk if own_fill else fill + chunk)]
    return [ContentStreamInstruction([], Operator("q")), *body, ContentStreamInstruction([], Operator("Q"))]


def _states(ops: list, names: list[str]) -> list[tuple[tuple, list]]:
    """(transformation so far, fill colour instructions in force) before each instruction (`names`: their operators)."""
    stack: list[tuple[tuple, list]] = [((), [])]
    states = []
    for instruction, name in zip(ops, names, strict=True):
        states.append(stack[-1])
        if name == "q":
            stack.append(stack[-1])
        elif name == "Q" and len(stack) > 1:
            stack.pop()
        elif name == "cm":
            stack[-1] = (stack[-1][0] + (tuple(str(v) for v in instruction.operands),), stack[-1][1])
        elif name in FILL_OPERATORS:
            fill = [] if name in ("rg", "g", "k", "cs") else list(stack[-1][1])
            stack[-1] = (stack[-1][0], fill + [(list(instruction.operands), instruction.operator)])
    return states


def _end(names: list[str], start: int) -> int:
    """The index of the EMC that closes the marked content opened at `start` (`names`: the operators)."""
    depth = 0
    for i in range(start, len(names)):
        depth += names[i] in ("BDC", "BMC")
        depth -= names[i] == "EMC"
        if depth == 0:
            return i
    return len(names) - 1
