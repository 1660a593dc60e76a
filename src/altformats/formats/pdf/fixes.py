"""The post-pass over WeasyPrint's PDF/UA-1 output: mend the tagging gaps it leaves, with pikepdf.

What WeasyPrint 70 gets wrong, and what is done here (the template does what it can first):
- right-to-left text is drawn in visual order, so it reads backwards: put in reading order
  (bidi.py);
- the space at every line wrap is dropped from the text (each line is its own span), so the
  tagged text reads "NuclearArms": the tagged text is lined up with the text of the HTML that
  was laid out, and an invisible space is drawn at the start of each line that lost one
  (``white-space: pre-wrap`` keeps the spaces too, but then WeasyPrint breaks lines too early);
- margin boxes (running head, "Page N of M") are marked content that belongs to no structure
  element, and the print-only link addresses (``<span class="print-url">``) are text a screen
  reader would read twice: both become /Artifact;
- a link is tagged once per line it runs over, its annotation's /Contents is its URL, it
  lacks the Print flag, and an <abbr> in it gets a second annotation: links.py makes it one
  /Link with one annotation per line, named with its whole text and flagged for print;
- a line that wraps at a space between two inline elements leaves an empty span: it goes;
- an ``<abbr>`` is a NonStruct with no expansion: it becomes a Span with /E;
- a list item of paragraphs (a loose list) has no /LBody: one is put round them;
- a list does not say how it is numbered: lists.py gives each /L its /ListNumbering;
- list labels are painted after everything else on the page: each is moved to just before
  its item (order.py), so the page paints in reading order;
- a table's header cells carry IDs but no /Scope: head-row cells get /Scope /Column;
- a block that runs onto the next page is tagged twice (once per page): the second part is
  merged into the first, so a paragraph stays one paragraph and a list one list;
- footnotes, their references and decorative images: sheets.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name

from altformats.document.model import Document
from altformats.formats.pdf.bidi import has_rtl, reorder_page
from altformats.formats.pdf.content import Texts, bdc_mcid, marked_text
from altformats.formats.pdf.links import merge_wrapped_links, name_links
from altformats.formats.pdf.lists import number_lists
from altformats.formats.pdf.order import move_labels
from altformats.formats.pdf.sheets import drop_decorative_figures, tag_notes
from altformats.formats.pdf.spaces import align, laid_out_text, space_before
from altformats.formats.pdf.tree import is_element, kids, walk

PAGINATION = Dictionary(Type=Name.Pagination)
# The HTML elements each structure type comes from, to tell a block cut by a page break (tagged
# again on the next page) from a new block that happens to start the page.
SOURCE_TAGS = {
    "/Part": {"main"},
    "/Art": {"article"},
    "/Sect": {"section"},
    "/Div": {"div"},
    "/NonStruct": {"header"},
    "/P": {"p"},
    "/H1": {"h1"},
    "/H2": {"h2"},
    "/H3": {"h3"},
    "/H4": {"h4"},
    "/H5": {"h5"},
    "/H6": {"h6"},
    "/L": {"ul", "ol", "dl"},
    "/LI": {"li", "dt", "dd"},  # WeasyPrint makes each <dt> and <dd> an item
    "/LBody": {"li", "dt", "dd"},
    "/BlockQuote": {"blockquote"},
    "/Table": {"table"},
    "/THead": {"thead"},
    "/TBody": {"tbody"},
    "/TR": {"tr"},
    "/TH": {"th"},
    "/TD": {"td"},
}

INLINE = frozenset({"/NonStruct", "/Span"})  # the inline elements WeasyPrint may leave empty


def fix(data: bytes, doc: Document, html: str) -> bytes:
    """The PDF `data`, laid out from `html`, with its tagging mended for `doc`; same input, same bytes."""
    with pikepdf.open(BytesIO(data)) as pdf:
        if has_rtl(html):
            for page in pdf.pages:
                reorder_page(pdf, page, 1 if doc.meta.direction == "rtl" else 0)
        # Each page's content is parsed once, here: the text is read from it, then it is rewritten.
        streams = {page.obj.objgen: pikepdf.parse_content_stream(page) for page in pdf.pages}
        texts, gaps, furniture = _mend_tree(pdf, html, streams)
        _mend_pages(pdf, streams, texts, gaps, furniture)
        top = pdf.Root.StructTreeRoot.K[0]
        name_links(pdf, top, texts)
        _fix_abbreviations(top, texts, doc.meta.abbreviations)
        _fix_table_headers(top)
        _wrap_list_bodies(pdf, top)
        number_lists(top, texts)
        out = BytesIO()
        pdf.save(
            out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
    return out.getvalue()


def _mend_tree(pdf: pikepdf.Pdf, html: str, streams: dict[tuple, list]) -> tuple[Texts, set, dict[tuple, set[int]]]:
    """Mend the structure tree; return the text of every marked content (read from the pages'
    parsed `streams`), the ones that lost a space at a wrap, and by page the MCIDs that are to
    become artifacts."""
    root = pdf.Root.StructTreeRoot
    top = root.K[0]
    furniture = _detach_furniture(top)
    _nest_sublists(pdf, top)
    _lift_link_annotations(root, top)
    _drop_hollow_elements(top)
    texts: Texts = {page.obj.objgen: marked_text(page, streams[page.obj.objgen]) for page in pdf.pages}
    source, starts = laid_out_text(html)
    offsets, gaps = align(reading_order(top), texts, source)
    if _detach_repeated_heads(top, offsets, starts):  # their text would throw the alignment off
        offsets, gaps = align(reading_order(top), texts, source)
    _merge_page_splits(top, offsets, starts)
    merge_wrapped_links(root, top, lambda link: _starts_element(link, offsets, starts, "a"))
    drop_decorative_figures(top)
    tag_notes(pdf, top, lambda elem, kind: _first_offset(elem, offsets) in starts.get(kind, ()))
    for key, mcids in _drop_empty_spans(top, texts).items():
        furniture.setdefault(key, set()).update(mcids)
    reachable = {elem.objgen for elem in walk(top)}
    for page in pdf.pages:  # content no element in the tree tags: margin boxes, repeated table heads
        orphans = {m for m, e in enumerate(_page_parents(root, page)) if is_element(e) and e.objgen not in reachable}
        furniture.setdefault(page.obj.objgen, set()).update(orphans)
    return texts, gaps, furniture


def _mend_pages(
    pdf: pikepdf.Pdf, streams: dict[tuple, list], texts: Texts, gaps: set, furniture: dict[tuple, set[int]]
) -> None:
    """Rewrite each page's content (parsed in `streams`): artifacts marked, lost spaces drawn, labels
    painted in order."""
    root = pdf.Root.StructTreeRoot
    moves = _label_moves(root.K[0])
    for page in pdf.pages:
        key = page.obj.objgen
        artifacts = furniture.get(key, set())
        spaced = {mcid for page_key, mcid in gaps if page_key == key}
        ops = _rewrite_content(streams[key], page.obj.Resources.Font, artifacts, spaced)
        ops = move_labels(ops, moves.get(key, {}))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        parents = _page_parents(root, page)
        for mcid in artifacts:
            parents[mcid] = None  # an artifact has no structure element
        for mcid in spaced:
            texts[key][mcid] = " " + texts[key][mcid]


def reading_order(elem: Dictionary) -> Iterator[tuple[tuple, int]]:
    """(page objgen, MCID) of the tagged content under `elem`, in order, list labels left out."""
    for kid in kids(elem):
        if isinstance(kid, int):
            yield elem.Pg.objgen, kid
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":  # content moved from another page
            yield kid.Pg.objgen, int(kid.MCID)
        elif is_element(kid) and kid.S != "/Lbl":
            yield from reading_order(kid)


def _page_parents(root: Dictionary, page: pikepdf.Page) -> Array:
    """The page's MCID -> structure element array in the parent tree (index = MCID)."""
    key = page.obj.get("/StructParents")
    nums = root.ParentTree.Nums
    found = (nums[i + 1] for i in range(0, len(nums), 2) if key is not None and int(nums[i]) == int(key))
    return next(found, Array())  # a page with no tagged content has no entry


def _merge_page_splits(elem: Dictionary, offsets: dict, starts: dict[str, set[int]]) -> None:
    """Merge each element WeasyPrint tagged again after a page break into the part before it.

    The second part is a continuation when no HTML element of its kind starts where its text
    starts: a paragraph cut mid-sentence, or a list whose next item starts the page.
    """
    merged: list = []
    for kid in kids(elem):
        last = merged[-1] if merged else None
        if is_element(kid) and is_element(last) and kid.S == last.S and _continues(kid, offsets, starts):
            for grandchild in kids(kid):
                if is_element(grandchild):
                    grandchild.P = last
            last.K = Array(kids(last) + kids(kid))
        else:
            merged.append(kid)
    elem.K = Array(merged)
    for kid in merged:
        if is_element(kid):
            _merge_page_splits(kid, offsets, starts)


def _detach_repeated_heads(top: Dictionary, offsets: dict, starts: dict[str, set[int]]) -> bool:
    """Take out the head rows WeasyPrint repeats at the top of each page a table runs onto (they
    become artifacts); True if there were any."""
    found = False
    for table in [e for e in walk(top) if e.S == "/Table" and _continues(e, offsets, starts)]:
        heads = [k for k in kids(table) if is_element(k) and k.S == "/THead"]
        table.K = Array([k for k in kids(table) if not (is_element(k) and k.S == "/THead")])
        found = found or bool(heads)
    return found


def _starts_element(elem: Dictionary, offsets: dict, starts: dict[str, set[int]], tag: str) -> bool:
    """True when `elem`'s text starts where an HTML element `tag` starts (or cannot be placed)."""
    first = _first_offset(elem, offsets)
    return first is None or first in starts.get(tag, ())


def _first_offset(elem: Dictionary, offsets: dict) -> int | None:
    """Where `elem`'s text starts in the laid-out HTML's text, or None if it has none placed."""
    return next((offsets[item] for item in reading_order(elem) if item in offsets), None)


def _continues(elem: Dictionary, offsets: dict, starts: dict[str, set[int]]) -> bool:
    """True when `elem`'s text starts where no source element of its kind starts."""
    tags = SOURCE_TAGS.get(str(elem.S))
    first = next((offsets[item] for item in reading_order(elem) if item in offsets), None)
    if not tags or first is None or any(isinstance(kid, int) for kid in kids(elem)):
        return False  # (content right under it would keep pointing at it from the parent tree)
    return not any(first in starts.get(tag, ()) for tag in tags)


def _label_moves(top: Dictionary) -> dict[tuple, dict[int, int]]:
    """For each page, the MCIDs of list labels and the first MCID of their item's body."""
    moves: dict[tuple, dict[int, int]] = {}
    for item in (e for e in walk(top) if e.S == "/LI"):
        labels = [k for k in kids(item) if is_element(k) and k.S == "/Lbl"]
        body = next((m for k in kids(item) if is_element(k) and k.S != "/Lbl" for m in reading_order(k)), None)
        for page, mcid in (m for label in labels for m in reading_order(label)):
            if body is not None and body[0] == page:
                moves.setdefault(page, {})[mcid] = body[1]
    return moves


def _lift_link_annotations(root: Dictionary, top: Dictionary) -> None:
    """Move link annotations that WeasyPrint hung on an element inside a link (an <abbr> in an
    <a>) up to the link, so every link annotation belongs to a /Link element."""
    parent_tree = root.ParentTree.Nums
    entries = {int(parent_tree[i]): i + 1 for i in range(0, len(parent_tree), 2)}
    for link in [e for e in walk(top) if e.S == "/Link"]:
        for inner in list(walk(link))[1:]:
            moved = [k for k in kids(inner) if isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"]
            if not moved:
                continue
            inner.K = Array([k for k in kids(inner) if not (isinstance(k, Dictionary) and k.get("/Type") == "/OBJR")])
            link.K = Array(kids(link) + moved)
            for reference in moved:
                index = entries.get(int(reference.Obj.get("/StructParent", -1)))
                if index is not None:
                    parent_tree[index] = link


def _drop_hollow_elements(elem: Dictionary) -> None:
    """Take out inline elements with nothing in them (WeasyPrint tags a <br> as two empty
    NonStructs); an empty table cell stays, as the table's shape needs it."""
    for kid in kids(elem):
        if is_element(kid):
            _drop_hollow_elements(kid)
    if "/K" in elem:
        elem.K = Array([k for k in kids(elem) if not (is_element(k) and k.S in INLINE and not kids(k))])


def _detach_furniture(top: Dictionary) -> dict[tuple, set[int]]:
    """Take the print-only spans out of the tree; return their MCIDs by page."""
    found: dict[tuple, set[int]] = {}
    for elem in list(walk(top)):
        for kid in kids(elem):
            if is_element(kid) and kid.S == "/Span" and any(is_element(k) for k in kids(kid)):
                for inner in walk(kid):
                    page = inner.Pg.objgen
                    found.setdefault(page, set()).update(int(k) for k in kids(inner) if isinstance(k, int))
                elem.K = Array([k for k in kids(elem) if not (is_element(k) and k.objgen == kid.objgen)])
    return found


def _drop_empty_spans(top: Dictionary, texts: Texts) -> dict[tuple, set[int]]:
    """Take out the spans that show nothing (a space dropped at a wrap); return their MCIDs by page."""
    empty: dict[tuple, set[int]] = {}
    for elem in list(walk(top)):
        hollow = [k for k in kids(elem) if _is_text_span(k) and not _text(k, texts)]
        for span in hollow:
            empty.setdefault(span.Pg.objgen, set()).update(int(k) for k in kids(span))
        if hollow:
            gone = {span.objgen for span in hollow}
            elem.K = Array([k for k in kids(elem) if not (is_element(k) and k.objgen in gone)])
    return empty


def _rewrite_content(ops: list, fonts: Dictionary, artifacts: set[int], spaced: set[int]) -> list:
    """A page's instructions `ops` with `artifacts` marked as /Artifact and an invisible space drawn
    before the text of `spaced` (in one of the page's `fonts`); the other instructions are kept as they are."""
    out: list = []
    pending = False  # inside a marked content that needs a space, before its first text object
    for index, instruction in enumerate(ops):
        op = str(instruction.operator)
        mcid = bdc_mcid(instruction.operands, op) if op == "BDC" else None
        if mcid in artifacts:
            out.append(pikepdf.ContentStreamInstruction([Name.Artifact, PAGINATION], pikepdf.Operator("BDC")))
            continue
        out.append(instruction)
        if mcid is not None:
            pending = mcid in spaced
        elif op == "BT" and pending:
            out.extend(space_before(ops, index, fonts))
            pending = False
        elif op == "EMC":
            pending = False
    return out


def _text(elem: Dictionary, texts: Texts) -> str:
    """The text of a structure element's marked content (its own and its descendants')."""
    parts = []
    for kid in kids(elem):
        if isinstance(kid, int):
            parts.append(texts.get(elem.Pg.objgen, {}).get(int(kid), ""))
        elif is_element(kid):
            parts.append(_text(kid, texts))
    return "".join(parts)


def _fix_abbreviations(top: Dictionary, texts: Texts, expansions: dict[str, str]) -> None:
    """Turn each abbreviation's NonStruct into a Span carrying its expansion in /E."""
    for elem in walk(top):
        if elem.S != "/NonStruct" or not all(_is_text_span(k) for k in kids(elem)) or not kids(elem):
            continue
        expansion = expansions.get(_text(elem, texts).strip())
        if expansion:
            elem.S = Name.Span
            elem.E = pikepdf.String(expansion)


def _is_text_span(kid) -> bool:
    return is_element(kid) and kid.S == "/Span" and all(isinstance(k, int) for k in kids(kid))


def _fix_table_headers(top: Dictionary) -> None:
    """Give every header cell a /Scope: /Column in the head row, /Row elsewhere."""
    for section in walk(top):
        for row in (k for k in kids(section) if is_element(k) and k.S == "/TR"):
            for cell in (k for k in kids(row) if is_element(k) and k.S == "/TH"):
                attributes = cell.get("/A")
                if not isinstance(attributes, Dictionary):
                    attributes = cell.A = Dictionary(O=Name.Table)
                attributes.Scope = Name.Column if section.S == "/THead" else Name.Row


def _nest_sublists(pdf: pikepdf.Pdf, top: Dictionary) -> None:
    """Move each list that WeasyPrint tags as a kid of the outer list into the item that holds it.

    The item is the last one drawn before the nested list; inside it, the nested
    list goes where its content is drawn (after the item's first paragraph, say).
    """
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

    def drawn_at(kid, parent: Dictionary) -> tuple[float, float]:
        first = (parent.Pg.objgen, kid) if isinstance(kid, int) else next(reading_order(kid), None)
        return (pages[first[0]], first[1]) if first else (float("inf"), float("inf"))

    for outer in [e for e in walk(top) if e.S == "/L"]:
        items = [k for k in kids(outer) if not (is_element(k) and k.S == "/L")]
        for nested in [k for k in kids(outer) if is_element(k) and k.S == "/L"]:
            before = [
                i for i in items if is_element(i) and i.S == "/LI" and drawn_at(i, outer) < drawn_at(nested, outer)
            ]
            if not before:
                items.append(nested)
                continue
            host = next((k for k in kids(before[-1]) if is_element(k) and k.S == "/LBody"), before[-1])
            host.K = Array(sorted([*kids(host), nested], key=lambda kid, h=host: drawn_at(kid, h)))
            nested.P = host
        outer.K = Array(items)


def _wrap_list_bodies(pdf: pikepdf.Pdf, top: Dictionary) -> None:
    """Put an /LBody round the content of each list item that has none (a loose list's items)."""
    for item in [e for e in walk(top) if e.S == "/LI"]:
        label = [k for k in kids(item) if is_element(k) and k.S == "/Lbl"]
        body = [k for k in kids(item) if not (is_element(k) and k.S == "/Lbl")]
        if not body or any(not is_element(k) or k.S == "/LBody" for k in body):
            continue
        wrapper = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LBody, P=item, K=Array(body)))
        if "/Pg" in item:
            wrapper.Pg = item.Pg
        for kid in body:
            kid.P = wrapper
        item.K = Array(label + [wrapper])
