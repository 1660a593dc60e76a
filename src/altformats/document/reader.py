"""Read a source file (YAML front matter + CommonMark body) into a validated Document."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from altformats.document import colophon, frontmatter
from altformats.document import language as languages
from altformats.document.constructs import Constructs, heading_id, use_plugins
from altformats.document.model import (
    Abbr,
    Block,
    Cell,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    Inline,
    LineBreak,
    Link,
    List,
    ListItem,
    MastheadLine,
    Meta,
    Paragraph,
    Quote,
    Row,
    Strong,
    Table,
    Text,
    inline_text,
    merged_text,
)
from altformats.document.slugs import shown_path, slug_of
from altformats.errors import AltformatsError, Problem

LINK_SCHEMES = ("http", "https", "mailto")
_NAMES = {"em_open": "emphasis", "strong_open": "strong emphasis", "link_open": "a link"}
# Constructs CommonMark knows that no edition can carry: token type -> what to tell the author.
UNSUPPORTED = {
    "html_block": "raw HTML is not allowed (it cannot be carried into audio or braille)",
    "html_inline": "raw HTML is not allowed (it cannot be carried into audio or braille)",
    "fence": "code blocks are not supported",
    "code_block": "code blocks (indented by four spaces) are not supported",
    "code_inline": "inline code (`...`) is not supported",
    "hr": "thematic breaks (---, ***) are not supported",
    "image": "an image must stand alone in its paragraph (it is a figure), not among other words",
}


# The largest source read: a fact sheet is a few KiB; this leaves room for long reports, not for floods.
SOURCE_LIMIT = 2 * 1024 * 1024
# How deeply lists and block quotes may sit inside one another. markdown-it silently drops whatever
# lies past its own nesting limit (20 levels, and a list takes two); ours is met first, as an error.
NESTING_LIMIT = 8
MARKDOWN = {"html": True, "maxNesting": 20}
assert MARKDOWN["maxNesting"] > 2 * NESTING_LIMIT + 2, "the reader's nesting limit must be met before markdown-it's"


def load(path: str | Path) -> Document:
    """Read and validate one source file; raise AltformatsError listing every problem."""
    path = Path(path)
    shown = shown_path(path)
    slug = slug_of(path)
    try:
        with path.open("rb") as source:
            raw = source.read(SOURCE_LIMIT + 1)
    except OSError as error:
        raise AltformatsError(Problem(shown, None, f"cannot read the source: {error.strerror}")) from None
    if len(raw) > SOURCE_LIMIT:
        raise AltformatsError(Problem(shown, None, f"the source is larger than the limit of {_size(SOURCE_LIMIT)}"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise AltformatsError(Problem(shown, line, "the source is not UTF-8 text")) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return parse(text, shown, slug, path.parent)


def parse(text: str, path: str, slug: str, base: Path | None = None) -> Document:
    """Parse a source's text into a Document; images are looked for under `base` (default: the path's folder)."""
    if len(text) > SOURCE_LIMIT:
        raise AltformatsError(Problem(path, None, f"the source is larger than the limit of {_size(SOURCE_LIMIT)}"))
    yaml_text, body, body_line, problems = frontmatter.split(text, path)
    if problems:
        raise AltformatsError(problems)
    data, lines, problems = frontmatter.parse(yaml_text, path)
    if problems:
        raise AltformatsError(problems)
    values, problems = frontmatter.validate(data, lines, path, 1)
    if problems:
        raise AltformatsError(problems)
    try:
        date_text = languages.written_date(values["date"], values["language"])
        direction = languages.direction(values["language"])
    except ValueError as error:
        raise AltformatsError(Problem(path, lines.get("language", 1), f"front matter: 'language' {error}")) from None
    revised_text = languages.written_date(values["revised"], values["language"]) if values["revised"] else ""
    meta = Meta(date_text=date_text, direction=direction, revised_text=revised_text, **values)
    reader = BodyReader(path, body_line, meta.abbreviations, Path(path).parent if base is None else base)
    masthead = tuple(reader.masthead(meta, lines))
    blocks = reader.read(body)
    notes = tuple(reader.notes)
    back = tuple(colophon.lines(meta, lines, reader.words))
    return Document(path=path, slug=slug, meta=meta, masthead=masthead, blocks=blocks, notes=notes, colophon=back)


@cache
def markdown_parser() -> MarkdownIt:
    """The one markdown-it parser of this process: building its rule chains costs more than parsing a fact
    sheet, and a catalogue parses many (parse keeps its state per call, in its `env` and token stream)."""
    parser = use_plugins(MarkdownIt("commonmark", MARKDOWN).enable("table"))
    parser.validateLink = lambda url: True  # parse every link, so link_target can refuse it by name
    parser.core.ruler.disable("text_join")  # keep entities apart, so special() can check each one
    return parser


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


class BodyReader(Constructs):
    """Turns markdown-it's token stream into model blocks, collecting every problem."""

    def __init__(self, path: str, first_line: int, abbreviations: dict[str, str], base: Path | None = None):
        self.path = path
        self.base = base
        self.body_lines: list[str] = []
        self.heading_ids: set[str] = set()
        self.anchors: list[tuple[str, int]] = []
        self.notes: list = []
        self.offset = first_line
        self.abbreviations = abbreviations
        self.abbr_pattern = _abbreviation_pattern(abbreviations)
        self.problems: list[Problem] = []
        self.level = 1  # the level of the last heading; the title is level 1
        self.depth = 0  # how many lists and block quotes hold the block being read

    def read(self, body: str) -> tuple[Block, ...]:
        """Parse the body; raise AltformatsError if anything in it is wrong or it is empty."""
        self.controls(body)
        self.body_lines = body.split("\n")
        env: dict[str, Any] = {}
        tokens = markdown_parser().parse(body, env)
        blocks, _ = self.blocks(tokens, 0, None)
        self.unused_footnotes(env)
        self.in_page_links()
        if not blocks and not self.problems:
            self.fail(self.offset, "the body is empty: write at least one paragraph after the front matter")
        if self.problems:
            raise AltformatsError(sorted(self.problems, key=lambda p: p.line or 0))
        return tuple(blocks)

    def masthead(self, meta: Meta, lines: dict[str, int]) -> Iterator[MastheadLine]:
        """The masthead lines in reading order, abbreviations recognised as in the body."""
        for role in ("kind", "office", "place", "date", "title"):
            text = meta.date_text if role == "date" else getattr(meta, role)
            if text:
                line = lines.get(role, 1)
                yield MastheadLine(role, merged_text(self.words(text, line)), line)

    def controls(self, body: str) -> None:
        """Refuse control characters typed into the body: no edition can carry them."""
        for number, text in enumerate(body.split("\n")):
            control = frontmatter.first_control(text.replace("\t", " "))
            if control:
                self.fail(
                    self.offset + number, f"the control character U+{ord(control):04X} is not allowed in the text"
                )

    def fail(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def line(self, token: Token) -> int:
        return self.offset + (token.map[0] if token.map else 0)

    # -- blocks

    def blocks(self, tokens: list[Token], i: int, close: str | None) -> tuple[list[Block], int]:
        """Read blocks from tokens[i] until the closing token type; return them and the next index."""
        blocks: list[Block] = []
        while i < len(tokens) and tokens[i].type != close:
            if tokens[i].type == "footnote_block_open":
                i = self.footnotes(tokens, i)
                continue
            if tokens[i].type == "container_description_open":
                i = self.description(tokens, i, blocks)
                continue
            block, i = self.block(tokens, i)
            if block is not None:
                blocks.append(block)
        return blocks, i + 1

    def block(self, tokens: list[Token], i: int) -> tuple[Block | None, int]:
        token = tokens[i]
        line = self.line(token)
        kind = token.type
        if kind == "heading_open":
            return self.heading(token, tokens[i + 1], line), i + 3
        if kind == "paragraph_open":
            return self.paragraph(tokens[i + 1], line), i + 3
        if kind == "dl_open":
            return self.definition_list(tokens, i, line)
        if kind.startswith("container_") and kind.endswith("_open"):
            return self.callout(tokens, i, line)
        if kind in ("bullet_list_open", "ordered_list_open", "blockquote_open") and self.depth >= NESTING_LIMIT:
            name = "a block quote" if kind == "blockquote_open" else "a list"
            self.fail(
                line, f"{name} nested {self.depth + 1} deep in lists and block quotes; the limit is {NESTING_LIMIT}"
            )
            return None, _skip(tokens, i)
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.depth += 1
            try:
                return self.list(tokens, i, line)
            finally:
                self.depth -= 1
        if kind == "blockquote_open":
            self.depth += 1
            blocks, i = self.blocks(tokens, i + 1, "blockquote_close")
            self.depth -= 1
            return Quote(tuple(blocks), line), i
        if kind == "table_open":
            return self.table(tokens, i, line)
        snippet = token.content.strip().splitlines()[0] if token.content.strip() else ""
        message = UNSUPPORTED.get(kind, f"unsupported Markdown construct '{kind}'")
        self.fail(line, f"{message}: {snippet!r}" if snippet and kind == "html_block" else message)
        return None, _skip(tokens, i)

    def heading(self, token: Token, inline: Token, line: int) -> Heading | None:
        level = int(token.tag[1])
        if level == 1:
            self.fail(
                line, "a level-1 heading ('#') in the body: the title (front matter 'title') is the only one; use '##'"
            )
        elif level > self.level + 1:
            self.fail(line, f"heading level {level} ('{'#' * level}') skips level {self.level + 1}")
        self.level = max(level, 2)
        children = self.inlines(inline, line)
        if not inline_text(children).strip():
            self.fail(line, "empty heading")
        return Heading(level, children, line, heading_id(inline_text(children), self.heading_ids))

    def paragraph(self, inline: Token, line: int) -> Block | None:
        images = [child for child in inline.children or [] if child.type == "image"]
        others = [c for c in inline.children or [] if c.type != "image" and (c.type != "text" or c.content.strip())]
        if len(images) == 1 and not others:
            return self.figure(images[0], line)
        if inline.content.lstrip().startswith(":::"):
            kinds = ", ".join(f"'::: {name}'" for name in ("key-facts", "warning", "note", "description"))
            self.fail(line, f"{inline.content.strip().splitlines()[0]!r} is no container this format knows: {kinds}")
        children = self.inlines(inline, line)
        if not inline_text(children).strip():  # "&nbsp;" alone: no words for any edition to carry
            self.fail(
                line,
                "a paragraph with no words (only spaces such as &nbsp;): remove it; spacing is the templates' work",
            )
        return Paragraph(children, line)

    def list(self, tokens: list[Token], i: int, line: int) -> tuple[List, int]:
        opener = tokens[i]
        close = opener.type.replace("_open", "_close")
        items: list[ListItem] = []
        tight = True
        i += 1
        while tokens[i].type != close:
            item_line = self.line(tokens[i])
            tight = tight and not any(t.type == "paragraph_open" and not t.hidden for t in tokens[i + 1 : i + 2])
            known = len(self.problems)
            blocks, i = self.blocks(tokens, i + 1, "list_item_close")
            if not blocks and len(self.problems) == known:  # an item whose blocks were refused is not empty
                self.fail(item_line, "empty list item")
            items.append(ListItem(tuple(blocks), item_line))
        start = int(opener.attrGet("start") or 1)
        return List(opener.type.startswith("ordered"), start, tight, tuple(items), line), i + 1

    def table(self, tokens: list[Token], i: int, line: int) -> tuple[Table, int]:
        head: list[Row] = []
        body: list[Row] = []
        rows = head
        i += 1
        while tokens[i].type != "table_close":
            token = tokens[i]
            if token.type == "tbody_open":
                rows = body
            elif token.type == "tr_open":
                row_line = self.line(token)
                cells, i = self.cells(tokens, i + 1, row_line)
                rows.append(Row(tuple(cells), row_line))
                continue
            i += 1
        return Table(tuple(head), tuple(body), line), i + 1

    def cells(self, tokens: list[Token], i: int, line: int) -> tuple[list[Cell], int]:
        cells: list[Cell] = []
        while tokens[i].type != "tr_close":
            opener = tokens[i]
            style = str(opener.attrGet("style") or "")
            align = style.removeprefix("text-align:") if style else ""
            children = self.inlines(tokens[i + 1], line)
            cells.append(Cell(children, opener.type == "th_open", align, line))
            i += 3
        return cells, i + 1

    # -- inlines

    def inlines(self, token: Token, line: int) -> tuple[Inline, ...]:
        """Convert an inline token's children, tracking the line through soft breaks."""
        stack: list[tuple[str, Any, list[Inline], int]] = [("root", None, [], line)]
        pending: list[str] = []  # text and decoded entities, joined before abbreviations are sought
        for child in token.children or []:
            kind = child.type
            current = stack[-1][2]
            if kind in ("text", "text_special"):
                if kind == "text":
                    self.undefined_footnotes(child.content, line)
                pending.append(self.special(child, line) if kind == "text_special" else child.content)
                continue
            if pending:
                current.extend(self.words("".join(pending), line))
                pending.clear()
            if kind in ("softbreak", "hardbreak"):
                current.append(Text(" ", line) if kind == "softbreak" else LineBreak(line))
                line += 1
            elif kind in ("em_open", "strong_open"):
                stack.append((kind, None, [], line))
            elif kind == "footnote_ref":
                current.append(FootnoteRef(int(child.meta["id"]) + 1, line))
            elif kind == "link_open":
                stack.append((kind, self.link_target(child, line), [], line))
            elif kind in ("em_close", "strong_close", "link_close"):
                opened, target, children, start = stack.pop()
                if not inline_text(tuple(children)).strip():
                    self.fail(start, f"{_NAMES[opened]} has no words")
                stack[-1][2].append(_container(opened, target, merged_text(children), start))
            else:
                self.fail(line, UNSUPPORTED.get(kind, f"unsupported inline Markdown '{kind}'") + f": {child.content!r}")
        if pending:
            stack[-1][2].extend(self.words("".join(pending), line))
        return merged_text(stack[0][2])

    def special(self, token: Token, line: int) -> str:
        """The text of an escape or entity; an entity for a control character, or for none, is refused."""
        text = token.content
        replaced = text == "\ufffd" and _entity_code(token.markup) != 0xFFFD  # markdown-it's stand-in
        if token.info == "entity" and (replaced or frontmatter.first_control(text)):
            code = ord(text) if not replaced else _entity_code(token.markup) or 0
            control = code < 0x110000 and unicodedata.category(chr(code)) == "Cc"
            what = f"the control character U+{code:04X}" if control else f"U+{code:04X}, which is not a character"
            self.fail(line, f"the entity {token.markup!r} stands for {what}, which no edition can carry")
        return text

    def link_target(self, token: Token, line: int) -> str:
        title = token.attrGet("title")
        if title:
            self.fail(line, f"link titles are not supported (no edition shows them to every reader): {title!r}")
        target = str(token.attrGet("href") or "")
        scheme = urlsplit(target).scheme.lower()
        if target.startswith("#") and len(target) > 1:
            self.anchors.append((target, line))  # checked once every heading's id is known
        elif scheme not in LINK_SCHEMES:
            self.fail(
                line, f"link target {target!r} is not allowed: use an http, https or mailto address, or #heading-id"
            )
        return target

    def words(self, text: str, line: int) -> list[Inline]:
        """Split text into Text and Abbr nodes wherever a declared abbreviation occurs."""
        if self.abbr_pattern is None:
            return [Text(text, line)]
        nodes: list[Inline] = []
        last = 0
        for match in self.abbr_pattern.finditer(text):
            if match.start() > last:
                nodes.append(Text(text[last : match.start()], line))
            nodes.append(Abbr(match.group(), self.abbreviations[match.group()], line))
            last = match.end()
        if last < len(text):
            nodes.append(Text(text[last:], line))
        return nodes


def _entity_code(markup: str) -> int | None:
    """The code point a numeric character reference names ("&#65;", "&#x41;"); None for a named one."""
    if not markup.startswith("&#"):
        return None
    digits = markup[2:-1]
    return int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)


def _abbreviation_pattern(abbreviations: dict[str, str]) -> re.Pattern[str] | None:
    if not abbreviations:
        return None
    longest_first = sorted(abbreviations, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)")


def _container(kind: str, target: Any, children: tuple[Inline, ...], line: int) -> Inline:
    if kind == "em_open":
        return Emphasis(children, line)
    if kind == "strong_open":
        return Strong(children, line)
    return Link(target, children, line)


def _skip(tokens: list[Token], i: int) -> int:
    """The index after the block that starts at tokens[i] (nesting counted)."""
    depth = 0
    while True:
        depth += tokens[i].nesting
        i += 1
        if depth <= 0:
            return i
