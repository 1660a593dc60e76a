"""The independent PEF reader: a .pef file's pages, proved by the braille rules, its metadata, and its BRF's pages.

The PEF is parsed with lxml alone (no writer module): its rows become the
text of a Unicode proof copy, which read.py proves exactly as it proves the
.brl.txt (cells, back-translation, preliminary pages). Two more readings are
the PEF's own: its Dublin Core metadata against the source, and its pages
against the BRF beside it, row by row. `conformance` validates the file with
the PEF 2008-1 RELAX NG schema kept in schema/ and the spec's two Schematron rules.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Output
from altformats.formats.braille.codes import Code
from altformats.formats.braille.louis import BLANK, unicode_braille
from altformats.formats.braille.read import named_code, prove_braille, read_braille, read_pages
from altformats.parity import Difference

PEF = "http://www.daisy.org/ns/2008/pef"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"pef": PEF, "dc": DC}
SCHEMA = Path(__file__).parent / "schema" / "pef-2008-1.rng"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class Volume:
    """One <volume>: its geometry and its sections, each a tuple of pages of rows (Unicode braille)."""

    cols: int
    rows: int
    duplex: bool
    sections: tuple[tuple[tuple[str, ...], ...], ...]


@dataclass(frozen=True)
class Pef:
    """What a PEF file says: its Dublin Core metadata (name -> values) and its volumes."""

    meta: dict[str, tuple[str, ...]]
    volumes: tuple[Volume, ...]

    def pages(self) -> list[list[str]]:
        """Every page in order, across sections and volumes, each a list of rows."""
        return [list(page) for volume in self.volumes for section in volume.sections for page in section]


def read_pef(path: Path) -> Pef:
    """Parse a PEF file (lxml, no entities, no network); an AltformatsError if it is not PEF."""
    try:
        root = etree.parse(str(path), PARSER).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise AltformatsError(f"{path}: not XML: {error}") from None
    if root.tag != f"{{{PEF}}}pef":
        raise AltformatsError(f"{path}: the root is {root.tag}, not PEF's <pef>")
    meta: dict[str, list[str]] = {}
    for element in root.iterfind("pef:head/pef:meta/dc:*", NS):
        meta.setdefault(etree.QName(element).localname, []).append(element.text or "")
    return Pef(
        {k: tuple(v) for k, v in meta.items()}, tuple(_volume(v) for v in root.iterfind("pef:body/pef:volume", NS))
    )


def _volume(element: etree._Element) -> Volume:
    sections = tuple(
        tuple(
            tuple(row.text or "" for row in page.iterfind("pef:row", NS)) for page in section.iterfind("pef:page", NS)
        )
        for section in element.iterfind("pef:section", NS)
    )
    number = element.get
    return Volume(int(number("cols", "0")), int(number("rows", "0")), number("duplex") == "true", sections)


def proof_text(pages: list[list[str]]) -> str:
    """Pages as the .brl.txt proof copy has them: LF line ends, a form feed between pages."""
    return "\f".join("".join(row + "\n" for row in page) for page in pages)


@contextmanager
def proof_copy(path: Path) -> Iterator[Path]:
    """A temporary .brl.txt holding the PEF's pages, so read.py reads them exactly as it reads the proof copy."""
    text = proof_text(read_pef(path).pages())
    with tempfile.TemporaryDirectory(prefix="pef-") as folder:
        copy = Path(folder) / (path.stem + ".brl.txt")
        copy.write_text(text, encoding="utf-8")
        yield copy


def read_blocks(path: Path) -> tuple[Code, list[str]]:
    """The code a PEF's preliminary pages name, and its body blocks as Unicode braille."""
    with proof_copy(path) as copy:
        return read_braille(copy)


# ---------------------------------------------------------------- proving


def prove_pef(doc: Document, output: Output) -> list[tuple[str, list[Difference]]]:
    """Each reading of a PEF: the braille rules (as for the BRF), its metadata, and its pages against the BRF's."""
    try:
        pef = read_pef(output.path)
    except AltformatsError as error:
        return [("cells", [Difference(output.edition, None, None, "a PEF 2008-1 file", str(error))])]
    with proof_copy(output.path) as copy:
        readings = prove_braille(doc, Output(output.edition, copy))
    return [
        *readings,
        ("pef metadata", metadata_differences(doc, pef, output)),
        ("pages as the brf", brf_differences(pef, output.path.with_suffix(".brf"), output.edition)),
    ]


def expected_metadata(doc: Document, code: Code | None) -> dict[str, tuple[str, ...]]:
    """The Dublin Core a PEF of `doc` in `code` must carry (the identifier only once the code is known)."""
    found = {
        "format": ("application/x-pef+xml",),
        "title": (doc.meta.title,),
        "language": (doc.meta.language,),
        "date": (doc.meta.date.isoformat(),),
    }
    if code is not None:  # derived here, independently of the writer: the same rule, written twice
        name = f"altformats:pef:{doc.slug}:{doc.meta.date.isoformat()}:{code.table}"
        found["identifier"] = ("urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)),)
    if doc.meta.publisher:
        found["publisher"] = (doc.meta.publisher,)
    return found


def metadata_differences(doc: Document, pef: Pef, output: Output) -> list[Difference]:
    """Each expected dc: element that is missing or different, and each one not expected."""
    try:
        code = named_code(output.path, read_pages(proof_text(pef.pages()).replace(BLANK, " "))[0])
    except AltformatsError:
        code = None  # the cells reading reports the missing code
    expected = expected_metadata(doc, code)
    names = sorted(set(expected) | (set(pef.meta) - ({"identifier"} if code is None else set())))
    return [
        Difference(output.edition, None, None, f"dc:{name} {expected.get(name, ())!r}", repr(pef.meta.get(name, ())))
        for name in names
        if expected.get(name, ()) != pef.meta.get(name, ())
    ]


def brf_differences(pef: Pef, brf: Path, edition: str) -> list[Difference]:
    """Every page and row where the PEF and the BRF beside it differ (the two must carry the same pages)."""
    if not brf.exists():
        return [Difference(edition, None, None, f"the BRF {brf.name} beside it", "(missing)")]
    try:
        text = unicode_braille(brf.read_bytes().decode("ascii"))
    except (UnicodeDecodeError, AltformatsError) as error:
        return [Difference(edition, None, None, f"the BRF {brf.name} beside it, in ASCII braille", str(error))]
    theirs = [page.split("\r\n")[:-1] for page in text.split("\f")]
    ours = [[row.replace(BLANK, " ") for row in page] for page in pef.pages()]
    differences = []
    for n in range(max(len(theirs), len(ours))):
        brf_page, pef_page = (pages[n] if n < len(pages) else [] for pages in (theirs, ours))
        if len(brf_page) != len(pef_page):
            differences.append(
                Difference(edition, None, None, f"page {n + 1}: {len(brf_page)} lines", f"{len(pef_page)} rows")
            )
            continue
        differences.extend(
            Difference(edition, None, None, f"page {n + 1} line {m}: {a.strip()!r}", b.strip())
            for m, (a, b) in enumerate(zip(brf_page, pef_page, strict=True), start=1)
            if a.rstrip() != b.rstrip()
        )
    return differences


# ---------------------------------------------------------------- conformance


@lru_cache(maxsize=1)
def schema() -> etree.RelaxNG:
    """The PEF 2008-1 RELAX NG schema (schema/pef-2008-1.rng, LGPL-2.1+, see schema/README.md)."""
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def conformance(paths: list[Path]) -> dict[Path, list[str]]:
    """Findings per PEF file: the schema's errors, then PEF rules 1 and 2 (rows fit the page, cells fit the row)."""
    return {path: check_file(path) for path in paths}


def check_file(path: Path) -> list[str]:
    """Every schema error and rule breach of one PEF file, as "pef: line N: what"."""
    try:
        tree = etree.parse(str(path), PARSER)
    except (OSError, etree.XMLSyntaxError) as error:
        return [f"pef: not well-formed XML: {error}"]
    validator = schema()
    findings = [] if validator.validate(tree) else [f"pef: line {e.line}: {e.message}" for e in validator.error_log]
    for page in tree.getroot().iter(f"{{{PEF}}}page"):
        findings.extend(_rule_findings(page))
    return findings


def _inherited(element: etree._Element, name: str) -> int:
    """An attribute's value on the element or its nearest ancestor that has it (PEF's inheritance), 0 if none."""
    found = element.xpath(f"ancestor-or-self::pef:*[@{name}][1]/@{name}", namespaces=NS)
    return int(found[0]) if found and found[0].isdigit() else 0


def _rule_findings(page: etree._Element) -> list[str]:
    """PEF rule 1 (the rows and their gaps fit the page height) and rule 2 (no row longer than cols)."""
    rows = page.findall("pef:row", NS)
    height = -(-sum(_inherited(row, "rowgap") for row in rows) // 4) + len(rows)
    found = []
    if height > _inherited(page, "rows"):
        found.append(
            f"pef: line {page.sourceline}: PEF rule 1: {height} rows high, the page has {_inherited(page, 'rows')}"
        )
    found.extend(
        f"pef: line {row.sourceline}: PEF rule 2: {len(row.text or '')} cells on a row of {_inherited(row, 'cols')}"
        for row in rows
        if len(row.text or "") > _inherited(row, "cols")
    )
    return found
