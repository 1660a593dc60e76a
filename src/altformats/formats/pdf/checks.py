"""PDF conformance: the pdfua and outloud checkers, and the project's own tagging checks.

Our own checks read the written file with pikepdf: every mark on every page is inside the
structure tree or an /Artifact; every font is embedded with a /ToUnicode map; no heading is
empty; every link annotation has a description and the Print flag, and none lies inside
another (two tab stops for one link); every list says its numbering (/ListNumbering), and a
list numbered on the page says a numbering scheme, not /None.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from altformats.formats.pdf.content import PAINT_OPERATORS, marked_text
from altformats.formats.pdf.tree import is_element, kids, walk

BULLET_NUMBERING = {"/None", "/Disc", "/Circle", "/Square"}  # ISO 32000-1 table 347: the unordered values

# pdfua 0.1.3's UA-14-001 (empty headings) crashes on every heading whose /K is an array
# (getattr on a pikepdf.Array raises ValueError, not AttributeError), so it never runs on a
# WeasyPrint PDF; own_checks() below checks empty headings instead.
KNOWN_PDFUA_SKIPS = {"UA-14-001"}


def check(path: Path) -> list[str]:
    """Every finding of pdfua, outloud and our own checks on one PDF (empty: clean)."""
    return pdfua_findings(path) + outloud_findings(path) + own_checks(path)


def pdfua_findings(path: Path) -> list[str]:
    """pdfua's findings at any severity, and the rules it could not run."""
    import pdfua

    report = pdfua.validate(str(path))
    found = [f"pdfua {f.severity.name.lower()}: {f.rule_id}: {f.message}" for f in report.findings]
    for outcome in report.outcomes:
        if outcome.skipped_reason and outcome.rule_id not in KNOWN_PDFUA_SKIPS:
            found.append(f"pdfua: {outcome.rule_id} did not run: {outcome.skipped_reason}")
    return found


def outloud_findings(path: Path) -> list[str]:
    """outloud's errors, warnings and notes, and the rules that crashed."""
    import outloud

    result = outloud.check(str(path))
    if result.error:
        return [f"outloud could not check the file: {result.error}"]
    found = [f"outloud {f.severity}: {f.rule}: {f.message}" for f in result.findings]
    found += [f"outloud: {run.rule} crashed: {run.reason}" for run in result.runs if run.status == "crashed"]
    return found


def own_checks(path: Path) -> list[str]:
    """The project's checks: marking, fonts, headings and link annotations."""
    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return ["tagging: the PDF has no structure tree"]
        tagged = _tagged_content(root)
        found = []
        for number, page in enumerate(pdf.pages, start=1):
            found += [f"page {number}: {problem}" for problem in _unmarked(page, tagged)]
        found += _font_problems(pdf) + _heading_problems(root) + _link_problems(pdf)
        return found + _nested_link_problems(pdf) + _list_problems(pdf, root)


def _tagged_content(root: pikepdf.Dictionary) -> set[tuple]:
    """(page objgen, MCID) of every marked-content id a structure element in the tree owns."""
    owned: set[tuple] = set()
    for top in kids(root):
        for elem in walk(top):
            for kid in kids(elem):
                if isinstance(kid, int) and "/Pg" in elem:
                    owned.add((elem.Pg.objgen, kid))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    owned.add((kid.get("/Pg", elem.get("/Pg")).objgen, int(kid.MCID)))
    return owned


def _unmarked(page: pikepdf.Page, tagged: set[tuple]) -> list[str]:
    """Marks on the page outside both the structure tree and any artifact."""
    problems: list[str] = []
    stack: list[str] = []  # "artifact", "tagged", "orphan" or "other" for each open marked section
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name in ("BDC", "BMC"):
            stack.append(_kind(operands, name, page, tagged))
        elif name == "EMC" and stack:
            stack.pop()
        elif name in PAINT_OPERATORS and not ({"artifact", "tagged"} & set(stack)):
            where = "in marked content that is not in the structure tree" if "orphan" in stack else "unmarked"
            problems.append(f"tagging: '{name}' {where} (neither tagged nor an artifact)")
    return sorted(set(problems))


def _kind(operands: list, name: str, page: pikepdf.Page, tagged: set[tuple]) -> str:
    """What a marked section is: "artifact", "tagged", "orphan" (its MCID is not in the tree) or "other"."""
    if operands and operands[0] == pikepdf.Name.Artifact:
        return "artifact"
    properties = operands[1] if name == "BDC" and len(operands) > 1 else None
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return "tagged" if (page.obj.objgen, int(properties.MCID)) in tagged else "orphan"
    return "other"


def _font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Fonts without an embedded font program or without a /ToUnicode map."""
    problems = []
    for page in pdf.pages:
        for name, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"fonts: {font.get('/BaseFont', name)} is not embedded")
            if "/ToUnicode" not in font:
                problems.append(f"fonts: {font.get('/BaseFont', name)} has no /ToUnicode map")
    return sorted(set(problems))


def _heading_problems(root: pikepdf.Dictionary) -> list[str]:
    """Headings that mark no content."""
    empty = [
        str(elem.S)
        for top in kids(root)
        for elem in walk(top)
        if str(elem.S) in ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6") and not _tagged_content_of(elem)
    ]
    return [f"headings: an empty {role[1:]}" for role in empty]


def _tagged_content_of(elem: pikepdf.Dictionary) -> bool:
    """True if `elem` or an element under it marks content (an MCID or a marked-content reference)."""
    return any(
        isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR")
        for e in walk(elem)
        for kid in kids(e)
    )


def _link_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Link annotations without a description (/Contents) or the Print flag."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            if not str(annotation.get("/Contents", "")).strip():
                problems.append(f"page {number}: links: a link annotation has no /Contents")
            if not int(annotation.get("/F", 0)) & 4:
                problems.append(f"page {number}: links: a link annotation lacks the Print flag")
    return problems


def _nested_link_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Link annotations that lie inside another on the same page: one link, two tab stops."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        rects = [_rect(a) for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        for i, inner in enumerate(rects):
            if any(i != j and _inside(inner, outer) for j, outer in enumerate(rects)):
                problems.append(f"page {number}: links: a link annotation lies inside another (two tab stops)")
    return problems


def _rect(annotation: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner: tuple, outer: tuple, slack: float = 0.5) -> bool:
    return all(outer[i] - slack <= inner[i] for i in (0, 1)) and all(inner[i] <= outer[i] + slack for i in (2, 3))


def _list_problems(pdf: pikepdf.Pdf, root: pikepdf.Dictionary) -> list[str]:
    """Lists without /ListNumbering (Matterhorn 16-001/16-002), or numbered on the page yet said unordered."""
    texts = {page.obj.objgen: marked_text(page) for page in pdf.pages}
    problems = []
    for element in (e for top in kids(root) for e in walk(top) if e.S == "/L"):
        attributes = element.get("/A")
        numbering = str(attributes.get("/ListNumbering", "")) if isinstance(attributes, pikepdf.Dictionary) else ""
        labels = [_label_text(item, texts) for item in kids(element) if is_element(item) and item.S == "/LI"]
        if not numbering:
            problems.append("lists: a list has no /ListNumbering attribute")
        elif numbering in BULLET_NUMBERING and labels and all(label[:1].isdigit() for label in labels):
            problems.append(f"lists: a list numbered {labels[0]!r} on the page says /ListNumbering {numbering}")
    return problems


def _label_text(item: pikepdf.Dictionary, texts: dict) -> str:
    """The printed text of a list item's label, stripped."""
    labels = [k for k in kids(item) if is_element(k) and k.S == "/Lbl"]
    marked = [(e.Pg.objgen, k) for label in labels for e in walk(label) for k in kids(e) if isinstance(k, int)]
    return "".join(texts[page].get(mcid, "") for page, mcid in marked).strip()
