"""The post-pass over WeasyPrint's PDF/UA-1 output: mend the tagging gaps it leaves, with pikepdf.

What WeasyPrint 70 gets wrong, and what is done here (the template does what it can first):
- a line that wraps right after an inline element (``<abbr>U.S.</abbr> Government``) leaves an
  empty span where the space was, so the tagged text reads "U.S.Government": an invisible
  space is drawn into that span;
- margin boxes (running head, "Page N of M", publisher) are marked content that belongs to no
  structure element, and the print-only link addresses (``<span class="print-url">``) are text
  a screen reader would read twice: both become /Artifact;
- a link annotation's /Contents is its URL and it lacks the Print flag: /Contents becomes the
  link's visible text and the flag is set;
- an ``<abbr>`` is a NonStruct with no expansion: it becomes a Span with /E;
- a block container that runs onto the next page is tagged twice (once per page): the second
  is merged into the first, so a list stays one list.
"""

from __future__ import annotations

from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name

from altformats.model import Document, normalise
from altformats.pdf_content import font_map, marked_text

PAGINATION = Dictionary(Type=Name.Pagination)
# Containers that may be cut by a page break and are tagged again on the next page.
CONTAINERS = frozenset({"/Part", "/Art", "/Sect", "/Div", "/NonStruct", "/L", "/BlockQuote", "/Table", "/TBody"})


def fix(data: bytes, doc: Document) -> bytes:
    """The PDF `data` with its tagging mended for `doc`; same input, same bytes."""
    with pikepdf.open(BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        _merge_page_splits(root.K[0])
        furniture = _detach_furniture(root.K[0])
        reachable = {elem.objgen for elem in walk(root.K[0])}
        texts: dict[tuple, dict[int, str]] = {}
        for page in pdf.pages:
            parents = _page_parents(root, page)
            orphans = {m for m, elem in enumerate(parents) if _is_elem(elem) and elem.objgen not in reachable}
            artifacts = orphans | furniture.get(page.obj.objgen, set())
            page_texts = marked_text(page)
            blanks = {m for m, text in page_texts.items() if text == "" and m not in artifacts}
            _rewrite_content(pdf, page, artifacts, blanks)
            for mcid in artifacts:
                parents[mcid] = None
            texts[page.obj.objgen] = {m: (" " if m in blanks else t) for m, t in page_texts.items()}
        _fix_links(root.K[0], texts)
        _fix_abbreviations(root.K[0], texts, doc.meta.abbreviations)
        out = BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def walk(elem: Dictionary):
    """`elem` and every structure element under it, in document order."""
    yield elem
    for kid in kids(elem):
        if _is_elem(kid):
            yield from walk(kid)


def kids(elem: Dictionary) -> list:
    """The /K entries of a structure element as a list (K may be a single kid)."""
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def _is_elem(obj) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj


def _page_parents(root: Dictionary, page: pikepdf.Page) -> Array:
    """The page's MCID -> structure element array in the parent tree (index = MCID)."""
    key = int(page.obj.StructParents)
    nums = root.ParentTree.Nums
    return next(nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key)


def _merge_page_splits(elem: Dictionary) -> None:
    """Merge a container tagged again at the top of a page into its copy from the page before."""
    merged: list = []
    for kid in kids(elem):
        last = merged[-1] if merged else None
        if _is_elem(kid) and _is_elem(last) and kid.S == last.S and kid.S in CONTAINERS and _new_page(last, kid):
            for grandchild in kids(kid):
                if _is_elem(grandchild):
                    grandchild.P = last
            last.K = Array(kids(last) + kids(kid))
        else:
            merged.append(kid)
    elem.K = Array(merged)
    for kid in merged:
        if _is_elem(kid):
            _merge_page_splits(kid)


def _new_page(first: Dictionary, second: Dictionary) -> bool:
    """True when `second` starts on a later page than `first` (WeasyPrint's split)."""
    return "/Pg" in first and "/Pg" in second and first.Pg.objgen != second.Pg.objgen


def _detach_furniture(top: Dictionary) -> dict[tuple, set[int]]:
    """Take the print-only spans out of the tree; return their MCIDs by page."""
    found: dict[tuple, set[int]] = {}
    for elem in list(walk(top)):
        for kid in kids(elem):
            if _is_elem(kid) and kid.S == "/Span" and any(_is_elem(k) for k in kids(kid)):
                for inner in walk(kid):
                    page = inner.Pg.objgen
                    found.setdefault(page, set()).update(int(k) for k in kids(inner) if isinstance(k, int))
                elem.K = Array([k for k in kids(elem) if not (_is_elem(k) and k.objgen == kid.objgen)])
    return found


def _rewrite_content(pdf: pikepdf.Pdf, page: pikepdf.Page, artifacts: set[int], blanks: set[int]) -> None:
    """Mark `artifacts` as /Artifact and draw an invisible space into each of `blanks`."""
    ops = pikepdf.parse_content_stream(page)
    fonts = page.obj.Resources.Font
    out: list = []
    for index, (operands, op) in enumerate(ops):
        mcid = _bdc_mcid(operands, op)
        if mcid in artifacts:
            out.append(pikepdf.ContentStreamInstruction([Name.Artifact, PAGINATION], pikepdf.Operator("BDC")))
            continue
        out.append(pikepdf.ContentStreamInstruction(operands, op))
        if str(op) == "BT" and index and _bdc_mcid(*ops[index - 1]) in blanks:
            out.extend(_space(ops, index, fonts))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))


def _bdc_mcid(operands, op) -> int | None:
    if str(op) == "BDC" and len(operands) > 1 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def _space(ops: list, index: int, fonts: Dictionary) -> list:
    """Instructions that show one space, at the position and in the font of the next text run."""
    after = ops[index + 1 :]
    tm = next((operands for operands, op in after if str(op) == "Tm"), None)
    tf = next((operands for operands, op in after if str(op) == "Tf"), None)
    candidates = ([str(tf[0])] if tf else []) + sorted(str(name) for name in fonts)
    for name in candidates:
        code = font_map(fonts[name]).code_for(" ")
        if code is not None and tm is not None:
            size = tf[1] if tf else 10
            return [
                pikepdf.ContentStreamInstruction([Name(name), size], pikepdf.Operator("Tf")),
                pikepdf.ContentStreamInstruction(list(tm), pikepdf.Operator("Tm")),
                pikepdf.ContentStreamInstruction([pikepdf.String(code)], pikepdf.Operator("Tj")),
            ]
    return []  # no font with a space: the parity check will report the joined words


def _text(elem: Dictionary, texts: dict[tuple, dict[int, str]]) -> str:
    """The text of a structure element's marked content (its own and its descendants')."""
    parts = []
    for kid in kids(elem):
        if isinstance(kid, int):
            parts.append(texts.get(elem.Pg.objgen, {}).get(int(kid), ""))
        elif _is_elem(kid):
            parts.append(_text(kid, texts))
    return "".join(parts)


def _fix_links(top: Dictionary, texts: dict[tuple, dict[int, str]]) -> None:
    """Give each link annotation its visible text as /Contents, and the Print flag."""
    for elem in walk(top):
        siblings = [k for k in kids(elem) if _is_elem(k)]
        groups: list[list[Dictionary]] = []
        for kid in siblings:
            if kid.S != "/Link":
                groups.append([])
            elif groups and groups[-1] and _uri(groups[-1][-1]) == _uri(kid):
                groups[-1].append(kid)  # one link wrapped over two lines: two elements
            else:
                groups.append([kid])
        for group in filter(None, groups):
            words = normalise("".join(_text(link, texts) for link in group))
            for annotation in (a for link in group for a in _annotations(link)):
                annotation.Contents = pikepdf.String(words)
                annotation.F = int(annotation.get("/F", 0)) | 4


def _annotations(link: Dictionary) -> list[Dictionary]:
    return [k.Obj for k in kids(link) if isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"]


def _uri(link: Dictionary) -> str | None:
    for annotation in _annotations(link):
        action = annotation.get("/A")
        if action is not None and "/URI" in action:
            return str(action.URI)
    return None


def _fix_abbreviations(top: Dictionary, texts: dict[tuple, dict[int, str]], expansions: dict[str, str]) -> None:
    """Turn each abbreviation's NonStruct into a Span carrying its expansion in /E."""
    for elem in walk(top):
        if elem.S != "/NonStruct" or not all(_is_text_span(k) for k in kids(elem)) or not kids(elem):
            continue
        expansion = expansions.get(_text(elem, texts))
        if expansion:
            elem.S = Name.Span
            elem.E = pikepdf.String(expansion)


def _is_text_span(kid) -> bool:
    return _is_elem(kid) and kid.S == "/Span" and all(isinstance(k, int) for k in kids(kid))
