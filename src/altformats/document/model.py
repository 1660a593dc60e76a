"""The document model: a closed set of frozen nodes between the source and every format.

Every node keeps the source line it came from. Every block knows its reading
text, the one definition of "the text" that the parity check compares each
format's read-back with (see :func:`normalise`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date as Date

# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    """Plain words."""

    text: str
    line: int
    kind = "text"


@dataclass(frozen=True)
class LineBreak:
    """A hard line break; read as a space."""

    line: int
    kind = "linebreak"


@dataclass(frozen=True)
class Emphasis:
    """Emphasised words (Markdown ``*x*``)."""

    children: tuple[Inline, ...]
    line: int
    kind = "emphasis"


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised words (Markdown ``**x**``)."""

    children: tuple[Inline, ...]
    line: int
    kind = "strong"


@dataclass(frozen=True)
class Link:
    """A hyperlink (http, https or mailto); its words are its children."""

    target: str
    children: tuple[Inline, ...]
    line: int
    kind = "link"

    @property
    def shows_target(self) -> bool:
        """True when the visible words are the address itself (an autolink)."""
        return inline_text(self.children) in (self.target, self.target.removeprefix("mailto:"))


@dataclass(frozen=True)
class Abbr:
    """An abbreviation declared in the front matter, with its expansion."""

    text: str
    expansion: str
    line: int
    kind = "abbr"


@dataclass(frozen=True)
class FootnoteRef:
    """A reference to a footnote: its mark, "[1]", is read where it stands (README "Proving the words")."""

    number: int
    line: int
    kind = "noteref"

    @property
    def text(self) -> str:
        """The mark every edition prints or says: the note's number in brackets."""
        return f"[{self.number}]"


Inline = Text | LineBreak | Emphasis | Strong | Link | Abbr | FootnoteRef


def merged_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring Text nodes (markdown-it splits text at soft breaks and specials)."""
    merged: list[Inline] = []
    for node in nodes:
        if merged and isinstance(node, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text, merged[-1].line)
        else:
            merged.append(node)
    return tuple(merged)


def inline_text(inlines: tuple[Inline, ...]) -> str:
    """The written words of a run of inlines, exactly as they read."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Abbr, FootnoteRef)):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        else:
            parts.append(inline_text(node.children))
    return "".join(parts)


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A section heading, level 2 to 6 (level 1 is the document's title); `id` is its in-page link target."""

    level: int
    children: tuple[Inline, ...]
    line: int
    id: str = ""
    kind = "heading"

    def reading_blocks(self) -> Iterator[TextBlock]:
        yield TextBlock("heading", inline_text(self.children), self.line, self.children)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    children: tuple[Inline, ...]
    line: int
    kind = "paragraph"

    def reading_blocks(self) -> Iterator[TextBlock]:
        yield TextBlock("paragraph", inline_text(self.children), self.line, self.children)


@dataclass(frozen=True)
class ListItem:
    """One item of a list; holds blocks (paragraphs, nested lists, ...)."""

    blocks: tuple[Block, ...]
    line: int
    kind = "item"

    def reading_blocks(self) -> Iterator[TextBlock]:
        for block in self.blocks:
            yield from block.reading_blocks()


@dataclass(frozen=True)
class List:
    """A bulleted or numbered list. Markers are furniture, not text."""

    ordered: bool
    start: int
    tight: bool
    items: tuple[ListItem, ...]
    line: int
    kind = "list"

    def reading_blocks(self) -> Iterator[TextBlock]:
        for item in self.items:
            yield from item.reading_blocks()


@dataclass(frozen=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]
    line: int
    kind = "quote"

    def reading_blocks(self) -> Iterator[TextBlock]:
        for block in self.blocks:
            yield from block.reading_blocks()


@dataclass(frozen=True)
class Cell:
    """One table cell."""

    children: tuple[Inline, ...]
    header: bool
    align: str  # "", "left", "center" or "right"
    line: int
    kind = "cell"


@dataclass(frozen=True)
class Row:
    """One table row."""

    cells: tuple[Cell, ...]
    line: int
    kind = "row"


@dataclass(frozen=True)
class Table:
    """A GFM table; each cell is a block of text, read row by row."""

    head: tuple[Row, ...]
    body: tuple[Row, ...]
    line: int
    kind = "table"

    def reading_blocks(self) -> Iterator[TextBlock]:
        for cell in self.text_cells():
            yield TextBlock("cell", inline_text(cell.children), cell.line, cell.children)

    def text_cells(self) -> Iterator[Cell]:
        """The cells that hold words, row by row (an empty cell has none for any edition to carry)."""
        for row in self.head + self.body:
            yield from (cell for cell in row.cells if inline_text(cell.children).strip())


@dataclass(frozen=True)
class Figure:
    """An image with its alt text, caption and long description; a decorative one has no words."""

    src: str  # as written in the source, relative to it: images/x.png
    file: str  # the image file on disk, which the editions copy or embed
    media_type: str  # image/png, image/jpeg or image/svg+xml
    alt: str  # "" only when decorative
    caption: tuple[Inline, ...]
    description: tuple[Block, ...]
    line: int
    kind = "figure"

    @property
    def file_name(self) -> str:
        """The name of the copy beside the editions' pages: its source path, '/' written '-' (images-x.png)."""
        return self.src.replace("/", "-")

    @property
    def decorative(self) -> bool:
        """True when the image carries no information (its alt was written "-")."""
        return not self.alt

    def reading_blocks(self) -> Iterator[TextBlock]:
        if self.alt:
            yield TextBlock("figure", self.alt, self.line, (Text(self.alt, self.line),))
        if self.caption:
            yield TextBlock("caption", inline_text(self.caption), self.line, self.caption)
        for block in self.description:
            yield from block.reading_blocks()


@dataclass(frozen=True)
class Definition:
    """One term of a definition list with its definitions (each a run of blocks)."""

    term: tuple[Inline, ...]
    definitions: tuple[tuple[Block, ...], ...]
    line: int
    kind = "definition"


@dataclass(frozen=True)
class DefinitionList:
    """A definition list (glossary): each term, then its definitions."""

    items: tuple[Definition, ...]
    line: int
    kind = "deflist"

    def reading_blocks(self) -> Iterator[TextBlock]:
        for item in self.items:
            yield TextBlock("term", inline_text(item.term), item.line, item.term)
            for definition in item.definitions:
                for block in definition:
                    yield from block.reading_blocks()


CALLOUT_KINDS = {"key-facts": "Key facts", "warning": "Warning", "note": "Note"}


@dataclass(frozen=True)
class Callout:
    """A boxed call-out (key facts, warning, note): its label is read first, then its blocks."""

    callout: str  # one of CALLOUT_KINDS
    label: str  # the words that announce it: the title written after ':::' kind, or the kind's name
    blocks: tuple[Block, ...]
    line: int
    kind = "callout"

    def reading_blocks(self) -> Iterator[TextBlock]:
        yield TextBlock("callout-label", self.label, self.line, (Text(self.label, self.line),))
        for block in self.blocks:
            yield from block.reading_blocks()


@dataclass(frozen=True)
class Footnote:
    """A footnote's text, numbered in order of first reference; read at the end of the body, "[1]" first."""

    number: int
    blocks: tuple[Block, ...]
    line: int
    kind = "footnote"

    @property
    def mark(self) -> str:
        """The mark that opens the note, the same as its references'."""
        return f"[{self.number}]"

    def reading_blocks(self) -> Iterator[TextBlock]:
        yield TextBlock("footnote-mark", self.mark, self.line, (Text(self.mark, self.line),))
        for block in self.blocks:
            yield from block.reading_blocks()


Block = Heading | Paragraph | List | Quote | Table | Figure | DefinitionList | Callout


# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class TextBlock:
    """One block of reading text: what every edition must carry, in order."""

    role: str
    text: str
    line: int
    inlines: tuple[Inline, ...] = field(default=(), compare=False)  # the words as the model has them


@dataclass(frozen=True)
class MastheadLine:
    """One line of the masthead (kind, office, place, date or title) or of the colophon, as inlines."""

    role: str
    children: tuple[Inline, ...]
    line: int
    kind = "masthead"


@dataclass(frozen=True)
class Meta:
    """The validated front matter."""

    title: str
    date: Date
    date_text: str  # the date written out in the document's language
    kind: str = "Fact Sheet"
    publisher: str = ""
    office: str = ""
    place: str = ""
    language: str = "en"
    direction: str = "ltr"  # "rtl" for right-to-left scripts
    summary: str = ""
    abbreviations: dict[str, str] = field(default_factory=dict)
    pronunciations: dict[str, str] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)  # name, phone, email: each optional
    reference: str = ""
    revised: Date | None = None
    revised_text: str = ""  # the revision date written out in the document's language
    licence: str = ""
    source_url: str = ""
    translations: dict[str, str] = field(default_factory=dict)  # language tag -> slug


@dataclass(frozen=True)
class Document:
    """A whole source document: where it came from, its metadata and its blocks."""

    path: str
    slug: str
    meta: Meta
    masthead: tuple[MastheadLine, ...]  # reading order: kind, office, place, date, title
    blocks: tuple[Block, ...]
    notes: tuple[Footnote, ...] = ()  # in number order
    colophon: tuple[MastheadLine, ...] = ()  # reading order: see colophon.ROLES

    def reading_blocks(self) -> list[TextBlock]:
        """Every block of reading text, in reading order: masthead, body, footnotes, colophon."""
        blocks = [TextBlock(m.role, inline_text(m.children), m.line, m.children) for m in self.masthead]
        for block in (*self.blocks, *self.notes):
            blocks.extend(block.reading_blocks())
        blocks.extend(TextBlock(c.role, inline_text(c.children), c.line, c.children) for c in self.colophon)
        return blocks

    def figures(self) -> list[Figure]:
        """Every figure, in reading order (those inside call-outs and notes too)."""
        found: list[Figure] = []
        pending: list[Block] = [*self.blocks, *(b for note in self.notes for b in note.blocks)]
        while pending:
            block = pending.pop(0)
            if isinstance(block, Figure):
                found.append(block)
            elif isinstance(block, (Quote, Callout)):
                pending[:0] = block.blocks
            elif isinstance(block, List):
                pending[:0] = [b for item in block.items for b in item.blocks]
            elif isinstance(block, DefinitionList):
                pending[:0] = [b for item in block.items for d in item.definitions for b in d]
        return found


def normalise(text: str) -> str:
    """The one normalisation before comparing texts: Unicode NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", text).split())
