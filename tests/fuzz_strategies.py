"""Hypothesis strategies for tests/test_fuzz.py: sources drawn from the front-matter and Markdown grammars.

A clean body (`body(clean=True)`) uses only constructs the reader carries, and knows its own text:
it returns (lines, text), where text is every word a reader must keep, so the fuzz test can compare
without a second Markdown parser. A dirty body mixes in everything the reader must refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hypothesis import strategies as st

# Words in several scripts; letters only, so no word is Markdown syntax on its own.
SCRIPT_WORDS = [
    "alpha", "Beta", "Zürich", "naïve", "ÆSIR", "façade", "мир", "Правда", "λόγος", "Ελλάδα",
    "سلام", "كتاب", "שלום", "中文字", "日本語", "かなカナ", "한국어", "नमस्ते", "ภาษาไทย", "ሰላም",
    "Ǆemal", "ﬁnance", "Å", "2007", "١٢٣",
]  # fmt: skip
LETTERS = st.characters(categories=("Lu", "Ll", "Lo"), exclude_characters="\u2028\u2029")
WORD = st.one_of(st.sampled_from(SCRIPT_WORDS), st.text(LETTERS, min_size=1, max_size=8))
# Characters that trip readers: controls, C1 controls, separators, bidi marks, BOM, surrogate-ish edges.
ODD_CHARACTERS = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
    "\u200b", "\u200e", "\u202e", "\ufeff", "\ufffd", "\U0001f600", "\u0301", "\t", "\r",
]  # fmt: skip
ENTITIES_CARRIED = {"&amp;": "&", "&copy;": "©", "&eacute;": "é", "&#65;": "A", "&#x4E2D;": "中", "&nbsp;": " "}
ENTITIES_ODD = ["&#0;", "&#1;", "&#x85;", "&#x9F;", "&#xD800;", "&#1114112;", "&#xFFFD;", "&bogus;", "&#;", "&"]
URLS = ["https://example.org", "http://example.org/a?b=c&d=e", "mailto:someone@example.org", "https://例え.jp/パス"]
BAD_URLS = ["javascript:alert(1)", "ftp://example.org", "relative/path", "#anchor", "", "data:text/html,x"]


@dataclass
class Body:
    """Markdown lines and the words they carry (only tracked for a clean body)."""

    lines: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


@st.composite
def inline(draw: st.DrawFn, clean: bool) -> tuple[str, str]:
    """One run of inline Markdown and the text it stands for."""
    parts: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["word"] * 4 + ["em", "strong", "link", "autolink", "entity", "escape"]))
        words = " ".join(draw(st.lists(WORD, min_size=1, max_size=3)))
        if kind == "word":
            parts.append((words, words))
        elif kind == "em":
            parts.append((f"*{words}*", words))
        elif kind == "strong":
            parts.append((f"**{words}**", words))
        elif kind == "link":
            parts.append((f"[{words}]({draw(st.sampled_from(URLS)).replace(' ', '%20')})", words))
        elif kind == "autolink":
            url = draw(st.sampled_from(URLS[:3]))
            parts.append((f"<{url}>", url))
        elif kind == "entity":
            markup = draw(st.sampled_from(sorted(ENTITIES_CARRIED)))
            parts.append((markup, ENTITIES_CARRIED[markup]))
        else:
            parts.append(("\\*", "*"))
    if not "".join(p[1] for p in parts).strip():  # only &nbsp;: a block with no words, which the reader refuses
        word = draw(WORD)
        parts.append((word, word))
    if not clean:
        for _ in range(draw(st.integers(0, 3))):
            parts.insert(draw(st.integers(0, len(parts))), (draw(dirty_inline()), ""))
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def dirty_inline() -> st.SearchStrategy[str]:
    """Inline constructs the reader must refuse or carry as text; their words are not tracked."""
    return st.one_of(
        st.sampled_from(
            [
                "<b>bold</b>",
                "`code`",
                "![alt](https://example.org/i.png)",
                '[t](https://x.org "title")',
                "[^1]",
                "**",
                "*",
                "_under_",
                "__strong__",
                "<span>",
                "[ref]",
                "[]()",
                "[**](https://x.org)",
                "<x@y.z>",
                "  ",
                "\\",
                "~~strike~~",
                "www.example.org",
                "<!-- comment -->",
                "<?php ?>",
                "**[*a*](https://x.org)**",
            ]
        ),  # fmt: skip
        st.builds(lambda url: f"[link]({url})", st.sampled_from(BAD_URLS)),
        st.sampled_from(ENTITIES_ODD),
        st.sampled_from(ODD_CHARACTERS),
        st.text(max_size=12),
    )


@st.composite
def blocks(draw: st.DrawFn, clean: bool, depth: int = 0, heading: list[int] | None = None) -> Body:
    """A sequence of blocks; `heading` holds the last heading level, so a clean body never skips one."""
    heading = [1] if heading is None else heading
    body = Body()
    kinds = ["paragraph"] * 3 + ["heading", "list", "quote", "table"] + ([] if clean else ["dirty"] * 2)
    for _ in range(draw(st.integers(1, 4 if depth == 0 else 2))):
        kind = draw(st.sampled_from(kinds))
        if body.lines:
            body.lines.append("")
        if kind == "paragraph":
            for _ in range(draw(st.integers(1, 3))):
                markup, text = draw(inline(clean))
                body.lines.append(markup + draw(st.sampled_from(["", "", "  ", "\\"])))
                body.text.append(text)
            body.lines[-1] = body.lines[-1].rstrip(" \\")
        elif kind == "heading" and depth == 0:
            level = draw(st.integers(2, heading[0] + 1)) if clean else draw(st.integers(1, 7))
            heading[0] = max(level, 2)
            markup, text = draw(inline(clean))
            body.lines.append("#" * level + " " + markup)
            body.text.append(text)
        elif kind in ("list", "quote") and depth < (8 if clean else 10):
            inner = _nested(draw, kind, clean, depth)
            body.lines += inner.lines
            body.text += inner.text
        elif kind == "table":
            columns = draw(st.integers(1, 4))
            rows = draw(st.integers(1 if clean else 0, 3))
            for r in range(rows + 1):
                cells = [draw(inline(clean)) for _ in range(columns)]
                body.lines.append("| " + " | ".join(c[0].replace("|", "\\|") for c in cells) + " |")
                body.text += [c[1] for c in cells]
                if r == 0:
                    aligns = draw(
                        st.lists(st.sampled_from(["---", ":--", "--:", ":-:"]), min_size=columns, max_size=columns)
                    )
                    body.lines.append("|" + "|".join(aligns) + "|")
        elif kind == "dirty":
            body.lines += draw(dirty_block()).split("\n")
        else:
            markup, text = draw(inline(clean))
            body.lines.append(markup)
            body.text.append(text)
    return body


def _nested(draw: st.DrawFn, kind: str, clean: bool, depth: int) -> Body:
    """A list or a block quote around further blocks (a clean one stays within the nesting limit)."""
    body = Body()
    if kind == "quote":
        inner = draw(blocks(clean, depth + 1, [99]))
        body.lines = [("> " + line).rstrip() for line in inner.lines]
        body.text = inner.text
        return body
    ordered = draw(st.booleans())
    for n in range(draw(st.integers(1, 3))):
        marker = f"{n + 1}. " if ordered else "- "
        inner = draw(blocks(clean, depth + 1, [99]))
        body.lines.append(marker + inner.lines[0])
        body.lines += [(" " * len(marker) + line) if line else "" for line in inner.lines[1:]]
        body.text += inner.text
    return body


def dirty_block() -> st.SearchStrategy[str]:
    """Block constructs the reader must refuse, or carry as the text they are."""
    return st.sampled_from(
        ["<div>\nraw\n</div>", "```\ncode\n```", "    indented code", "***", "---", "# Level one", "###### Six",
         "####### seven", "[^1]: a footnote", "[ref]: https://example.org", "Term\n: definition", "- ", "1. ",
         "-\n  -\n    -", "> " * 12 + "deep", "- " * 12 + "deep", "| a |\n|---|", "<!-- comment -->",
         "Setext\n======", "Setext\n------", "&#1;", "\x01", "\x85 next line", "![img](https://x.org/i.png)",
         "\u2028", "#", "##", "- [ ] task", "<script>alert(1)</script>", "\\", "  \n  ", "\t\tx"]
    )  # fmt: skip


@st.composite
def body(draw: st.DrawFn, clean: bool) -> Body:
    """A whole body; a clean one may still fail only in ways a clean grammar cannot avoid (none expected)."""
    return draw(blocks(clean))


# -- front matter

PLAIN = st.text(
    st.characters(categories=("L", "N", "P", "Zs", "S"), exclude_characters="\u2028\u2029\x85"), min_size=1, max_size=30
)


def quoted(value: str) -> str:
    """A YAML double-quoted scalar for any text (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def scalar(text: st.SearchStrategy[str] = PLAIN) -> st.SearchStrategy[str]:
    """A scalar's YAML: plain (which YAML may misread), quoted, single-quoted or a block scalar."""
    return st.one_of(
        text,
        text.map(quoted),
        text.map(lambda t: "'" + t.replace("'", "''") + "'"),
        text.map(lambda t: "|\n  " + t),
        text.map(lambda t: ">-\n  " + t),
    )


VALUES = {
    "title": scalar(),
    "kind": scalar(),
    "publisher": scalar(),
    "office": scalar(),
    "place": scalar(),
    "summary": scalar(),
    "date": st.one_of(
        st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
        st.sampled_from(
            [
                "2005-02-30",
                "2005-13-01",
                "0999-12-31",
                "2100-01-01",
                "2007-04-16T10:00:00Z",
                "2007-04-16 10:00",
                "16/04/2007",
                "'2007-04-16'",
                '"2007-04-16"',
                "2007-4-16",
                "",
                "~",
                "[2007, 4, 16]",
                "{y: 2007}",
                "!!timestamp 2007-04-16",
                "20070416",
            ]
        ),
    ),  # fmt: skip
    "language": st.one_of(
        st.sampled_from(
            [
                "en",
                "en-GB",
                "en-US",
                "es",
                "es-419",
                "fr",
                "ar",
                "zh",
                "de",
                "de-DE-u-co-phonebk",
                "en-US-x-acme",
                "sr-Latn-RS",
                "'no'",
                "no",
                "yes",
                "xx",
                "tlh",
                "i-klingon",
                "en--US",
                "en-a-bb-a-cc",
                "x-private",
                "123",
                "EN",
                "pt-BR",
                "ru",
                "he",
                "hi",
                "ja",
            ]
        ),
        st.from_regex(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}", fullmatch=True),
    ),  # fmt: skip
    "abbreviations": st.one_of(
        st.dictionaries(st.sampled_from(["NATO", "U.S.", "MD", "Zürich", "中文", "a"]), PLAIN, max_size=3).map(
            lambda d: "\n" + "\n".join(f"  {quoted(k)}: {quoted(v)}" for k, v in d.items())
        ),
        st.sampled_from(["{}", "[]", "~", "text", "{NATO: [a, b]}", "{1: 2}", "{NATO: ''}", "{'': x}"]),
    ),
}
VALUES["pronunciations"] = VALUES["abbreviations"]
# Odd YAML: anchors, aliases, tags, merge keys, flow collections, document markers, directives.
ODD_LINES = [
    "title: &a Title", "summary: *a", "kind: !!str Kind", "office: !!binary aGVsbG8=", "place: !!python/object:os.system x",
    "<<: {title: T}", "? complex\n: key", "[a, b]: c", "title: [1, 2]", "title: {a: b}", "%YAML 1.2", "--- ",
    "...", "title: \"\\x01\"", "title: \"\\u0085\"", "title: \"\\0\"", "summary: \"\\ud800\"", "tags:\n  - a",
    "  indented: oops", "title:", "title: null", "title: true", "title: 1.10", "title: 0x1F", "title: .inf",
    "\tTab: x", "kind: |\n  line\n  \x01", "title: 'unterminated", "title: \"also", "date: 2007-04-16\ndate: 2008-01-01",
    "abbreviations:\n  A: x\n  A: y", "language: &l en\nsummary: *l", "a: &x [*x]",
]  # fmt: skip
HUGE = st.sampled_from(["summary: " + "word " * 14000, "summary: " + quoted("ü" * 33000), "title: " + "x" * 70000])


@st.composite
def front_matter(draw: st.DrawFn, clean: bool) -> list[str]:
    """Front-matter lines: known keys with drawn values; a dirty one adds unknown, duplicate and odd lines."""
    keys = ["title", "date"] + draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=4, unique=True))
    if clean:
        lines = ["title: " + quoted(draw(WORD)), "date: 2007-04-16"]
        lines += [f"{key}: {quoted(draw(WORD))}" for key in keys[2:] if key in ("kind", "office", "place", "summary")]
        for key in ("abbreviations", "pronunciations"):  # written forms the body may hold: text stays as written
            forms = draw(st.lists(st.sampled_from(SCRIPT_WORDS[:12]), max_size=3, unique=True))
            if forms:
                lines += [f"{key}:"] + [f"  {quoted(form)}: {quoted(form + ' said')}" for form in forms]
        return lines
    lines = [f"{key}: {draw(VALUES[key])}" for key in dict.fromkeys(keys)]
    for _ in range(draw(st.integers(0, 3))):
        extra = draw(
            st.one_of(
                st.sampled_from(ODD_LINES),
                st.builds(
                    lambda k, v: f"{k}: {v}", st.sampled_from(["titel", "Title", "author", "lang", "x"]), scalar()
                ),
                st.sampled_from(lines),  # a duplicate key
                st.builds(lambda c: f"summary: a{c}b", st.sampled_from(ODD_CHARACTERS)),
            )
        )
        lines.insert(draw(st.integers(0, len(lines))), extra)
    if draw(st.integers(0, 30)) == 0:
        lines.append(draw(HUGE))
    return draw(st.permutations(lines))


@st.composite
def grammar_source(draw: st.DrawFn) -> bytes:
    """A source from the grammars, sometimes dirty, sometimes with its frame (delimiters, BOM, CR LF) bent."""
    clean_front, clean_body = draw(st.booleans()), draw(st.booleans())
    head = draw(front_matter(clean_front))
    text = "\n".join(["---", *head, "---", "", *draw(body(clean_body)).lines, ""])
    bend = draw(st.sampled_from(["none"] * 6 + ["bom", "crlf", "cr", "no-close", "dots", "no-open", "empty-body"]))
    if bend == "bom":
        text = "\ufeff" + text
    elif bend in ("crlf", "cr"):
        text = text.replace("\n", "\r\n" if bend == "crlf" else "\r")
    elif bend == "no-close":
        text = text.replace("\n---\n", "\n", 1)
    elif bend == "dots":
        text = text.replace("\n---\n", "\n...\n", 1)
    elif bend == "no-open":
        text = text.removeprefix("---\n")
    elif bend == "empty-body":
        text = text.split("\n---\n", 1)[0] + "\n---\n"
    return text.encode("utf-8", "surrogatepass")


@st.composite
def clean_source(draw: st.DrawFn) -> tuple[bytes, str]:
    """A source every part of which the reader carries, and the body text it must keep."""
    drawn = draw(body(clean=True))
    text = "\n".join(["---", *draw(front_matter(clean=True)), "---", "", *drawn.lines, ""])
    return text.encode("utf-8"), " ".join(drawn.text)


def random_source() -> st.SearchStrategy[bytes]:
    """Random bytes, random text, and random text after a valid front matter."""
    return st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(max_size=400).map(
            lambda t: ("---\ntitle: T\ndate: 2007-04-16\n---\n\n" + t).encode("utf-8", "surrogatepass")
        ),
    )


def sources() -> st.SearchStrategy[bytes]:
    """Every kind of source the fuzz tests feed the reader and the build."""
    return st.one_of(grammar_source(), clean_source().map(lambda pair: pair[0]), random_source())


# File names: mostly plain, some hostile (hidden, dots only, separators escaped by the file system, non-UTF-8).
FILE_NAMES = st.one_of(
    st.just("doc.md"),
    st.sampled_from(["...md", "..md", ".md", ".hidden.md", "a.b.md", "résumé sheet.md", "中文.md", "-rf.md",
                     "a\\b.md", "x\x01y.md", "\udcff.md", "CON.md", " .md", "a\u202eb.md", "doc.MD", "doc"]),
)  # fmt: skip
