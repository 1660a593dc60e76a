"""liblouis from Debian: forward and back translation between print and Unicode braille, and ASCII braille (BRF).

Debian's python3-louis is a pure ctypes binding installed for Debian's own
Python; the project's .venv may run another Python (pyenv's, say), so the
binding is loaded from its file rather than from sys.path, which would drag
every other Debian package in with it.
"""

from __future__ import annotations

import importlib.util
import os
import unicodedata
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from altformats.errors import AltformatsError, MissingTool

BINDING_PATHS = (  # where Debian (and Ubuntu) put python3-louis
    Path("/usr/lib/python3/dist-packages/louis/__init__.py"),
    Path("/usr/lib/python3/site-packages/louis/__init__.py"),
)
INSTALL = "apt-get install python3-louis liblouis-data   (or: make setup)"

# Every table is paired with liblouis's Unicode display table, so that the
# braille comes out as Unicode braille patterns (U+2800-U+283F) whatever the
# table's own display default; the BRF's ASCII is then one fixed mapping.
DISPLAY = "unicode.dis"

# North American ASCII braille, the code BRF files and embossers use: the
# character for each 6-dot cell, indexed by its dots as bits (dot 1 = bit 0).
ASCII_BRAILLE = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
BLANK = "\u2800"
TO_ASCII = {chr(0x2800 + bits): char for bits, char in enumerate(ASCII_BRAILLE)}
FROM_ASCII = {char: cell for cell, char in TO_ASCII.items()}
LAYOUT = "\r\n\f"  # line and page ends, kept as they are


@lru_cache(maxsize=1)
def binding() -> ModuleType:
    """Debian's python3-louis module, loaded by path; MissingTool if it (or liblouis) is not installed."""
    path = os.environ.get("ALTFORMATS_LOUIS_BINDING")
    found = [Path(path)] if path else [p for p in BINDING_PATHS if p.is_file()]
    if not found:
        raise MissingTool("liblouis (the python3-louis binding)", INSTALL)
    spec = importlib.util.spec_from_file_location("louis", found[0])
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except OSError as error:  # the binding is there but liblouis.so.20 is not
        raise MissingTool(f"liblouis ({error})", INSTALL) from None
    return module


@lru_cache(maxsize=16)
def check_table(table: str) -> None:
    """Fail loudly unless liblouis can compile `table` (liblouis-data must be installed)."""
    try:
        binding().checkTable([DISPLAY, table])
    except RuntimeError:
        raise MissingTool(f"liblouis table {table}", INSTALL) from None


def to_braille(table: str, text: str, typeform: list[int] | None = None) -> str:
    """`text` (with liblouis typeforms per character, if any) in Unicode braille; an error for what `table` lacks."""
    check_table(table)
    # a copy: the binding writes into the typeform list it is given
    return _six_dot(table, text, binding().translateString([DISPLAY, table], text, typeform=_copy(typeform)))


def to_braille_before(table: str, text: str, typeform: list[int] | None, signs: dict[int, str]) -> str:
    """As `to_braille`, with `signs[k]` written before the cells of `text[k]` (an indicator liblouis omits)."""
    if not signs:
        return to_braille(table, text, typeform)
    check_table(table)
    cells, _, positions = binding().translate([DISPLAY, table], text, typeform=_copy(typeform))[:3]
    for k in sorted(signs, reverse=True):  # positions[k]: where the cells of text[k] begin
        cells = cells[: positions[k]] + signs[k] + cells[positions[k] :]
    return _six_dot(table, text, cells)


def _copy(typeform: list[int] | None) -> list[int] | None:
    return list(typeform) if typeform else None


def _six_dot(table: str, text: str, cells: str) -> str:
    """liblouis's output with blank cells for spaces; an error where it wrote something other than 6-dot braille."""
    cells = cells.replace(" ", BLANK)
    strange = sorted({c for c in cells if c not in TO_ASCII})
    if strange:
        raise AltformatsError(f"liblouis table {table} has no 6-dot braille for some of {text[:60]!r}: {strange}")
    return cells


def to_print(table: str, cells: str) -> str:
    """Back-translate Unicode braille `cells` to print through `table`."""
    check_table(table)
    return binding().backTranslateString([DISPLAY, table], cells)


@lru_cache(maxsize=4096)
def can_write(table: str, char: str) -> bool:
    """True if `table` has braille for `char` (liblouis writes an 8-dot "\\x...." escape where it has none)."""
    check_table(table)
    return all(c in TO_ASCII or c == " " for c in binding().translateString([DISPLAY, table], char))


def spelled_out(table: str, text: str) -> str:
    """`text` with every character `table` cannot write replaced by its Unicode name in parentheses."""
    return "".join(char if can_write(table, char) else f"({_name(char)})" for char in text)


def _name(char: str) -> str:
    return unicodedata.name(char, f"U+{ord(char):04X}").lower()


def ascii_braille(cells: str) -> str:
    """Unicode braille (and spaces) as North American ASCII braille, the characters of a BRF file."""
    return "".join(TO_ASCII.get(c, c) for c in cells)


def unicode_braille(text: str) -> str:
    """ASCII braille (either case) as Unicode braille; spaces, line and page ends stay; an error for anything else."""
    cells = []
    for char in text:
        cell = " " if char in LAYOUT else FROM_ASCII.get(char.upper())
        if cell is None:
            raise AltformatsError(f"{char!r} is not an ASCII braille character")
        cells.append(char if cell in (" ", BLANK) else cell)
    return "".join(cells)
