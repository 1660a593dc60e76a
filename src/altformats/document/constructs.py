"""The fact-sheet constructs beyond CommonMark: figures, footnotes, definition lists, call-outs, in-page links.

A mixin of the body reader (reader.BodyReader), so each construct's parsing and checks sit together
and the reader keeps CommonMark's own blocks. Every rule here is documented in README "Source format".
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from altformats.document.model import (
    CALLOUT_KINDS,
    Block,
    Callout,
    Definition,
    DefinitionList,
    Figure,
    Footnote,
    Inline,
    inline_text,
)

# ':::' containers: the call-out kinds, and 'description', the long description of the figure above it.
CONTAINERS = (*CALLOUT_KINDS, "description")
# An image's file type, by its name's ending: the media type, and how its first bytes begin.
IMAGE_TYPES = {
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".svg": ("image/svg+xml", b""),
}
DECORATIVE = "-"  # the alt text that marks an image as decorative: no words for any edition to carry
UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")


def use_plugins(parser: MarkdownIt) -> MarkdownIt:
    """Enable footnotes, definition lists and the ':::' containers on a CommonMark parser."""
    parser.use(footnote_plugin).use(deflist_plugin)
    for name in CONTAINERS:
        parser.use(container_plugin, name)
    return parser


def heading_id(text: str, taken: set[str]) -> str:
    """The id a heading's words give it: lower case, words joined by '-', '-2' and on for a repeat."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).lower())
    base = "-".join(words) or "section"
    found, count = base, 1
    while found in taken:
        count += 1
        found = f"{base}-{count}"
    taken.add(found)
    return found


class Constructs:
    """The parts of the body reader for the constructs this module names."""

    path: str
    base: Path | None  # the source's folder, where its images are
    body_lines: list[str]
    heading_ids: set[str]
    anchors: list[tuple[str, int]]  # in-page link targets ('#id') and their lines, checked once all is read
    notes: list[Footnote]
    offset: int

    # -- given by the reader
    def fail(self, line: int, message: str) -> None: ...
    def line(self, token: Token) -> int: ...
    def blocks(self, tokens: list[Token], i: int, close: str | None) -> tuple[list[Block], int]: ...
    def inlines(self, token: Token, line: int) -> tuple[Inline, ...]: ...
    def words(self, text: str, line: int) -> list[Inline]: ...

    # -- figures

    def figure(self, image: Token, line: int) -> Figure | None:
        """A paragraph that is one image: a figure, its file beside the source and its alt text checked."""
        src = str(image.attrGet("src") or "")
        alt = " ".join("".join(child.content for child in image.children or []).split())
        title = str(image.attrGet("title") or "")
        file, media_type = self.image_file(src, line)
        if not alt:
            self.fail(
                line,
                f"the image {src!r} has no alt text: write what it shows in ![...], or ![{DECORATIVE}] if it is decorative",
            )
        if file is None or not alt:
            return None
        caption = tuple(self.words(" ".join(title.split()), line)) if title.strip() else ()
        return Figure(src, str(file), media_type, "" if alt == DECORATIVE else alt, caption, (), line)

    def image_file(self, src: str, line: int) -> tuple[Path | None, str]:
        """The image's file and media type, or None after saying what is wrong with it."""
        relative = PurePosixPath(src)
        kind = IMAGE_TYPES.get(relative.suffix.lower())
        if ":" in src or relative.is_absolute() or ".." in relative.parts or not src:
            self.fail(
                line, f"the image {src!r} must be a relative path to a file beside the source, such as images/chart.png"
            )
            return None, ""
        if kind is None:
            self.fail(line, f"the image {src!r} is not PNG, JPEG or SVG (its name must end .png, .jpg, .jpeg or .svg)")
            return None, ""
        file = (self.base or Path(".")) / relative
        try:
            head = file.read_bytes()[:1024]
        except OSError:
            self.fail(line, f"the image file {src!r} is not there (it is looked for beside the source, at {file})")
            return None, ""
        media_type, magic = kind
        looks_right = head.startswith(magic) if magic else b"<svg" in head
        if not looks_right:
            self.fail(line, f"the image file {src!r} is not a {media_type.split('/')[1].split('+')[0].upper()} file")
            return None, ""
        return file, media_type

    def describe(self, blocks: list[Block], description: list[Block], line: int) -> None:
        """Attach a '::: description' to the figure just before it, its long description."""
        figure = blocks[-1] if blocks else None
        if not isinstance(figure, Figure):
            self.fail(line, "a '::: description' must follow an image: it is that image's long description")
        elif figure.description:
            self.fail(line, "the image above already has a '::: description'")
        else:
            blocks[-1] = Figure(*(getattr(figure, f) for f in ("src", "file", "media_type", "alt", "caption")),
                                tuple(description), figure.line)  # fmt: skip

    # -- call-outs

    def callout(self, tokens: list[Token], i: int, line: int) -> tuple[Callout, int]:
        """A '::: key-facts', '::: warning' or '::: note' container; words after the kind are its label."""
        opener = tokens[i]
        name = opener.type.removeprefix("container_").removesuffix("_open")
        blocks, i = self.blocks(tokens, i + 1, f"container_{name}_close")
        if not blocks:
            self.fail(line, f"the '::: {name}' has nothing in it")
        title = " ".join(opener.info.strip().split()[1:])
        return Callout(name, title or CALLOUT_KINDS[name], tuple(blocks), line), i

    def description(self, tokens: list[Token], i: int, into: list[Block]) -> int:
        """A '::: description': the long description of the figure just read, attached to it."""
        line = self.line(tokens[i])
        description, i = self.blocks(tokens, i + 1, "container_description_close")
        if not description:
            self.fail(line, "the '::: description' has nothing in it")
        self.describe(into, description, line)
        return i

    # -- definition lists

    def definition_list(self, tokens: list[Token], i: int, line: int) -> tuple[DefinitionList, int]:
        items: list[Definition] = []
        i += 1
        while tokens[i].type != "dl_close":
            term_line = self.line(tokens[i])
            term = self.inlines(tokens[i + 1], term_line)
            if not inline_text(term).strip():
                self.fail(term_line, "a definition list term has no words")
            i += 3
            definitions: list[tuple[Block, ...]] = []
            while tokens[i].type == "dd_open":
                blocks, i = self.blocks(tokens, i + 1, "dd_close")
                definitions.append(tuple(blocks))
            items.append(Definition(term, tuple(definitions), term_line))
        return DefinitionList(tuple(items), line), i + 1

    # -- footnotes

    def footnotes(self, tokens: list[Token], i: int) -> int:
        """Read the footnote block markdown-it puts at the end; each note joins self.notes."""
        i += 1
        while tokens[i].type == "footnote_open":
            number = int(tokens[i].meta["id"]) + 1
            label = str(tokens[i].meta["label"])
            end = i
            while tokens[end].type != "footnote_close":
                end += 1
            inner = [t for t in tokens[i + 1 : end] if t.type != "footnote_anchor"] + [Token("end", "", 0)]
            blocks, _ = self.blocks(inner, 0, "end")
            line = self.definition_line(label)
            if not blocks:
                self.fail(line, f"the footnote [^{label}] has no words")
            self.notes.append(Footnote(number, tuple(blocks), line))
            i = end + 1
        return i + 1

    def definition_line(self, label: str) -> int:
        """The source line of a footnote's definition ('[^label]: ...'); markdown-it does not keep it."""
        marker = f"[^{label}]:"
        number = next((n for n, text in enumerate(self.body_lines) if text.lstrip().startswith(marker)), 0)
        return self.offset + number

    def unused_footnotes(self, env: dict[str, Any]) -> None:
        """A footnote defined but never referenced would vanish from every edition: say so."""
        for key, note in env.get("footnotes", {}).get("refs", {}).items():
            if note == -1:
                label = key.removeprefix(":")
                self.fail(self.definition_line(label), f"the footnote [^{label}] is defined but never referenced")

    def undefined_footnotes(self, text: str, line: int) -> None:
        """A '[^x]' left as text is a reference to a note nobody wrote."""
        for match in UNDEFINED_NOTE.finditer(text):
            self.fail(
                line, f"the footnote reference [^{match.group(1)}] has no definition ('[^{match.group(1)}]: ...')"
            )

    # -- in-page links

    def in_page_links(self) -> None:
        """Every '#id' link names a heading's id."""
        for target, line in self.anchors:
            if target[1:] not in self.heading_ids:
                known = ", ".join(sorted(self.heading_ids)) or "none"
                self.fail(line, f"the in-page link {target!r} names no heading (the headings' ids: {known})")
