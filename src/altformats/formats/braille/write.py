"""The braille writer: a document's preliminary and body pages, written as a BRF file and a Unicode-braille proof."""

from __future__ import annotations

from pathlib import Path

from altformats import templating
from altformats.document.model import (
    Callout,
    DefinitionList,
    Document,
    Figure,
    Heading,
    Inline,
    List,
    Paragraph,
    Quote,
    Table,
    Text,
    normalise,
)
from altformats.errors import AltformatsError, Problem
from altformats.formats.braille import louis as liblouis
from altformats.formats.braille.codes import Code, cells, code_for
from altformats.formats.braille.layout import Block, page_text, paginate
from altformats.formats.braille.spec import PRELIMINARY, note_for
from altformats.output import write_text

Styled = tuple[tuple[Inline, ...], dict]  # a reading block's inlines and the keyword arguments of its Block


def write(doc: Document, grade: int | None, templates: str | None, brf: Path, proof: Path) -> None:
    """Write `doc` in the braille code of its language (and `grade`) as `brf` and its Unicode proof copy `proof`."""
    try:
        code = code_for(doc.meta.language, grade)
    except AltformatsError as error:  # say which document asked for it
        raise AltformatsError([Problem(str(doc.path), None, p.message) for p in error.problems]) from None
    pages = preliminary_pages(doc, code, templates) + body_pages(doc, code)
    # BRF: CR LF ends every line (as embossers expect), a form feed starts every page after the first
    write_text(brf, liblouis.ascii_braille(page_text(pages, "\r\n")))
    write_text(proof, page_text(pages, "\n").replace(" ", liblouis.BLANK))


def body_pages(doc: Document, code: Code) -> list[list[str]]:
    """The document's reading blocks laid out on pages numbered 1, 2, ..."""
    blocks = []
    for content, layout in styled_blocks(doc):
        if "number" in layout:  # a numbered item shows its print number, as braille
            number = layout.pop("number")
            layout = {**layout, "marker": cells(code, number)}
        blocks.append(Block(cells(code, content), **layout))
    return paginate(blocks, lambda n: liblouis.to_braille(code.table, str(n)))


def preliminary_pages(doc: Document, code: Code, templates: str | None) -> list[list[str]]:
    """The title page and transcriber's note (templates/braille/note.txt.j2), then the code's name, on p1, p2, ...

    A centred line is set apart by blank lines, as a heading in the body is, so that
    the reader can tell each line of the title page from the next.
    """
    note = templating.render(
        "braille/note.txt.j2", templates, doc=doc, code=code.name, note=note_for(doc.meta.language)
    )
    blocks: list[Block] = []
    blank = False
    for line in [*note.splitlines(), code.name]:
        text = normalise(line.removeprefix("#"))
        if not text:  # an empty line in the template is a blank line on the page
            blank = bool(blocks)
            continue
        centred = line.startswith("#")
        style = "centred" if centred else "paragraph"
        blocks.append(Block(cells(code, text), style, blank_before=blank or centred, blank_after=centred))
        blank = False
    return paginate(blocks, lambda n: PRELIMINARY + liblouis.to_braille(code.table, str(n)))


def styled_blocks(doc: Document) -> list[Styled]:
    """Every reading block's inlines (in the order of doc.reading_blocks()) with its layout."""
    headed = [(m.children, {"style": "centred", "blank_before": True, "blank_after": True}) for m in doc.masthead]
    for block in doc.blocks:
        headed.extend(_styled(block, level=1))
    for note in doc.notes:  # after the body, each opening with its mark (README "Proving the words")
        mark: list[Styled] = [((Text(note.mark, note.line),), {"style": "paragraph"})]
        headed.extend(_set_apart(mark + [s for child in note.blocks for s in _styled(child, level=1)]))
    headed.extend(_set_apart([(line.children, {"style": "paragraph"}) for line in doc.colophon]))
    return headed


def _styled(block, level: int) -> list[Styled]:
    """One model block's reading blocks with their layout; lists nest by `level`."""
    if isinstance(block, Heading):
        style = "centred" if block.level == 2 else "cell5"
        return [(block.children, {"style": style, "blank_before": True, "blank_after": True})]
    if isinstance(block, Paragraph):
        return [(block.children, {"style": "paragraph"})]
    if isinstance(block, (Figure, Callout, DefinitionList)):
        return _set_apart(_sheet_blocks(block, level))
    if isinstance(block, Table):
        return _set_apart([(cell.children, {"style": "hanging"}) for cell in block.text_cells()])
    inner: list[Styled] = []
    if isinstance(block, Quote):
        for child in block.blocks:
            inner.extend(_styled(child, level))
        return _set_apart(inner)
    assert isinstance(block, List)
    for n, item in enumerate(block.items, start=block.start):
        marker = {"number": f"{n}."} if block.ordered and level == 1 else {}
        children = _item_blocks(item, level)
        if item.blocks and isinstance(item.blocks[0], List):
            # the item opens with a list: its own marker stands alone on a line, before the nested items
            children = [((), {"style": "item", "level": level}), *children]
        for k, child in enumerate(children):
            inner.append(child if k else (child[0], {**child[1], "style": "item", **marker}))
    return _set_apart(inner) if level == 1 else inner


def _item_blocks(item, level: int) -> list[Styled]:
    """A list item's blocks: paragraphs hang at the item's level, nested lists go one deeper."""
    found: list[Styled] = []
    for child in item.blocks:
        if isinstance(child, List):
            found.extend(_styled(child, level + 1))
        elif isinstance(child, Paragraph):
            found.append((child.children, {"style": "hanging", "level": level}))
        else:
            found.extend(_styled(child, level))
    return found


def _set_apart(blocks: list[Styled]) -> list[Styled]:
    """A blank line before the first block and after the last (lists, quotes, tables)."""
    if blocks:
        blocks[0] = (blocks[0][0], {**blocks[0][1], "blank_before": True})
        blocks[-1] = (blocks[-1][0], {**blocks[-1][1], "blank_after": True})
    return blocks


def _sheet_blocks(block: Figure | Callout | DefinitionList, level: int) -> list[Styled]:
    """A figure (its alt, caption, description), a call-out (its label, then its blocks) or a glossary."""
    found: list[Styled] = []
    if isinstance(block, Figure):
        found += [((Text(block.alt, block.line),), {"style": "paragraph"})] if block.alt else []
        found += [(block.caption, {"style": "paragraph"})] if block.caption else []
        children = list(block.description)
    elif isinstance(block, Callout):
        found.append(((Text(block.label, block.line),), {"style": "cell5", "blank_after": True}))
        children = list(block.blocks)
    else:
        for item in block.items:
            found.append((item.term, {"style": "paragraph"}))
            found += [s for definition in item.definitions for child in definition for s in _styled(child, level)]
        children = []
    return found + [s for child in children for s in _styled(child, level)]
