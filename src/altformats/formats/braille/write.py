"""The braille writer: a document's transcriber's pages and body pages, written as a BRF file and a Unicode proof.

write() returns the pages (a list of pages, each a list of rows of cells) that
every serialization of the edition writes: the BRF and proof copy here.
"""

from __future__ import annotations

import os
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
from altformats.formats.braille.codes import Code, cells, code_for, listed, page_number, running_head, symbols_used
from altformats.formats.braille.layout import Block, number_page, page_text, paginate
from altformats.formats.braille.spec import (
    BLANK_AFTER,
    TEXT_LINES,
    Authority,
    authority_for,
    heading_style,
    notes,
    print_copyright,
    transcriber,
    transcription_year,
    words_for,
)
from altformats.output import write_text

Styled = tuple[tuple[Inline, ...], dict]  # a reading block's inlines and the keyword arguments of its Block
SYMBOLS = "@symbols"  # the template's line where the special symbols page goes
NEW_PAGE = "@page"  # the template's line that starts a new page


def interpoint_default() -> bool:
    """Interpoint (double-sided) embossing when ALTFORMATS_BRAILLE_INTERPOINT is 1; single-sided by default."""
    return os.environ.get("ALTFORMATS_BRAILLE_INTERPOINT", "") in ("1", "yes", "true")


def write(
    doc: Document, grade: int | None, templates: str | None, brf: Path, proof: Path, interpoint: bool = False
) -> list[list[list[str]]]:
    """Write `doc` in the braille code of its language (and `grade`) as `brf` and its proof copy.

    Returns the pages in their sections (the transcriber's pages, then the body): the PEF carries them.
    """
    sections = edition_sections(doc, grade, templates, interpoint)
    pages = [page for section in sections for page in section]
    # BRF: CR LF ends every line (as embossers expect), a form feed starts every page after the first
    write_text(brf, liblouis.ascii_braille(page_text(pages, "\r\n")))
    write_text(proof, page_text(pages, "\n").replace(" ", liblouis.BLANK))
    return sections


def edition_sections(
    doc: Document, grade: int | None, templates: str | None, interpoint: bool
) -> list[list[list[str]]]:
    """Every page of the edition: the transcriber's pages (t1, t2, ...), then the body (1, 2, ...)."""
    try:
        code = code_for(doc.meta.language, grade)
    except AltformatsError as error:  # say which document asked for it
        raise AltformatsError([Problem(str(doc.path), None, p.message) for p in error.problems]) from None
    authority = authority_for(doc.meta.language)
    body = body_pages(doc, code, authority)
    heads = authority.running_head  # line 1 of every body page but the first is the running head, not text
    symbols = symbols_used(code, [line for n, page in enumerate(body) for line in page[1 if heads and n else 0 : -1]])
    count = 1
    for _ in range(4):  # the title page gives the number of the last t page, which its own length may change
        front = transcriber_pages(doc, code, authority, templates, symbols, count, len(body), interpoint)
        if len(front) == count:
            break
        count = len(front)
    return [front, body]


def body_pages(doc: Document, code: Code, authority: Authority) -> list[list[str]]:
    """The document's reading blocks laid out on pages numbered 1, 2, ..., with the closing line if any."""
    blocks = []
    for content, layout in styled_blocks(doc):
        if "number" in layout:  # a numbered item shows its print number, as braille
            number = layout.pop("number")
            layout = {**layout, "marker": cells(code, number)}
        elif layout.get("style") == "item":
            layout = {**layout, "marker": code.bullet}
        blocks.append(Block(cells(code, content), **layout))
    if authority.closing:
        blocks.append(Block(cells(code, words_for(doc.meta.language).closing), "centred", blank_before=True))
    head = running_head(code, doc.meta.title) if authority.running_head else ""
    return paginate(blocks, lambda n: page_number(code, n), head, authority.numbers_at_top)


def transcriber_pages(
    doc: Document,
    code: Code,
    authority: Authority,
    templates: str | None,
    symbols,
    last_t: int,
    last: int,
    interpoint: bool,
) -> list[list[str]]:
    """The title page (§2.3), special symbols page (§2.5) and transcriber's notes page (§2.6), numbered t1, t2, ..."""
    words = words_for(doc.meta.language)
    text = templating.render(
        "braille/note.txt.j2",
        templates,
        doc=doc,
        code=code.name,
        note=notes(doc.meta.language, authority),
        transcribed_by=words.transcribed_by.format(transcriber()),
        year=str(transcription_year(doc.meta.date.year)),
        volume=words.volume.format(t=last_t, n=last),
        authority=authority.name,
        copyright=print_copyright(doc.meta),
    )
    pages: list[list[str]] = []
    for section in _sections(text.splitlines()):
        section_blocks = _symbol_blocks(code, words, symbols) if section == [SYMBOLS] else _line_blocks(code, section)
        if not section_blocks:
            continue
        if interpoint and len(pages) % 2:  # interpoint: every section starts on a right-hand page
            pages.append([])
        pages.extend(page[:-1] for page in paginate(section_blocks, str))
    if interpoint and len(pages) % 2:  # and so does the body
        pages.append([])
    top = authority.numbers_at_top
    return [number_page(page[:TEXT_LINES], page_number(code, n, True), top) for n, page in enumerate(pages, start=1)]


def _sections(lines: list[str]) -> list[list[str]]:
    """The template's lines cut at each new-page line; the symbols line is a section of its own."""
    sections: list[list[str]] = [[]]
    for line in lines:
        if line.strip() in (NEW_PAGE, SYMBOLS):
            sections.append([])
            if line.strip() == SYMBOLS:
                sections[-1:] = [[SYMBOLS], []]
            continue
        sections[-1].append(line)
    return [s for s in sections if any(line.strip() for line in s)]


def _line_blocks(code: Code, lines: list[str]) -> list[Block]:
    """One block a line: "#" centres it; an empty line leaves a blank line; the first line is on line 1."""
    blocks: list[Block] = []
    blank = False
    for line in lines:
        text = normalise(line.removeprefix("#"))
        if not text:
            blank = bool(blocks)
            continue
        style = "centred" if line.startswith("#") else "paragraph"
        blocks.append(Block(cells(code, text), style, blank_before=blank))
        blank = False
    return blocks


def _symbol_blocks(code: Code, words, symbols: list[tuple[str, str]]) -> list[Block]:
    """The special symbols page: its heading, then each sign at cell 1 with its meaning (§2.5)."""
    if not symbols:
        return []
    rows = [Block(f"{sign}{liblouis.BLANK}{cells(code, words.meanings[key])}", "hanging") for sign, key in symbols]
    rows[0] = Block(rows[0].cells, "hanging", blank_before=True)
    return [Block(cells(code, words.symbols), "centred"), *rows]


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
        style = heading_style(block.level)
        return [(block.children, {"style": style, "blank_before": True, "blank_after": BLANK_AFTER[style]})]
    if isinstance(block, Paragraph):
        return [(block.children, {"style": "paragraph"})]
    if isinstance(block, (Figure, Callout, DefinitionList)):
        return _set_apart(_sheet_blocks(block, level))
    if isinstance(block, Table):
        return _set_apart(
            [(inlines, {"style": "entry", "level": 1 if first else 2}) for inlines, first in listed(block)]
        )
    inner: list[Styled] = []
    if isinstance(block, Quote):  # set apart, it is laid out afresh: a list in it starts at level 1
        for child in block.blocks:
            inner.extend(_styled(child, 1))
        return _set_apart(inner)
    assert isinstance(block, List)
    for n, item in enumerate(block.items, start=block.start):
        marker = {"number": f"{n}."} if block.ordered and level == 1 else {}
        children = _item_blocks(item, level)
        if item.blocks and not isinstance(item.blocks[0], Paragraph):
            # the item opens with a list, a table or a quote: its marker stands alone on a line, before them
            # (a table's entries or a quote's paragraphs keep their own layout, which the marker would change)
            children = [((), {"style": "item", "level": level}), *children]
        for k, child in enumerate(children):
            inner.append(child if k else (child[0], {**child[1], "style": "item", **marker}))
    if level > 1:
        return inner
    return _set_apart(_with_depths(inner))


def _with_depths(blocks: list[Styled]) -> list[Styled]:
    """A list's blocks with the depth they run over at: every item and continuation of one run of the list
    runs over two cells right of the run's deepest item (§8). A group set apart inside an item (a table, a
    quote) keeps its own layout and ends the run: the list goes on after it as a new run, as it is read."""
    found: list[Styled] = []
    run: list[Styled] = []
    for content, layout in blocks:
        if layout.get("apart"):
            found.extend(_run_depth(run))
            run = []
            found.append((content, layout))
        else:
            run.append((content, layout))
    return found + _run_depth(run)


def _run_depth(run: list[Styled]) -> list[Styled]:
    depth = max((layout["level"] for _, layout in run if layout.get("style") == "item"), default=1)
    return [(content, {**layout, "depth": depth}) for content, layout in run]


def _item_blocks(item, level: int) -> list[Styled]:
    """A list item's blocks: its first paragraph hangs, further ones are continuations, nested lists go deeper.

    A paragraph after a block set apart inside the item (a table, a quote) would open a run of lines at
    a continuation's cell, where a cell-5 heading opens one: such paragraphs are set apart together
    and laid out as paragraphs are outside a list, so they read back as what they are.
    """
    found: list[Styled] = []
    loose: list[Styled] = []
    for child in item.blocks:
        if isinstance(child, Paragraph) and (loose or (found and found[-1][1].get("apart"))):
            loose.append((child.children, {"style": "paragraph"}))
            continue
        found.extend(_set_apart(loose))
        loose = []
        if isinstance(child, List):
            found.extend(_styled(child, level + 1))
        elif isinstance(child, Paragraph):
            found.append((child.children, {"style": "continuation", "level": level}))
        else:
            found.extend(_styled(child, level))
    return found + _set_apart(loose)


def _set_apart(blocks: list[Styled]) -> list[Styled]:
    """A blank line before the first block and after the last (lists, quotes, tables); each block is marked
    as one of a group set apart, which keeps its own layout inside a list."""
    blocks = [(content, {**layout, "apart": True}) for content, layout in blocks]
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
            found += [s for definition in item.definitions for child in definition for s in _styled(child, 1)]
        children = []
    return found + [s for child in children for s in _styled(child, 1)]  # set apart: laid out afresh
