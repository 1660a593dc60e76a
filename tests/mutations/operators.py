"""Tamper operators, grouped by format: each changes a private copy of a built edition the way a
careless template or an attacker would, so that what a person perceives differs from the source.

An operator gets every file of its format (edition name -> path), changes those it names in
`editions`, and is caught when the proof of each of them reports a difference. `reader` names the
proof expected to catch it (issue 10); `NotApplicable` means the document has nothing to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markup
import pikepdf
import sound
from brf import Brf
from lxml import etree
from markup import XHTML, NotApplicable, first
from pdfpage import Page

Files = dict[str, Path]


@dataclass(frozen=True)
class Operator:
    """One way to tamper with an edition: its format, name, the editions it changes, who should catch it."""

    format: str
    name: str
    editions: tuple[str, ...]
    reader: str
    apply: Callable[[Files], None]


OPERATORS: list[Operator] = []


def operator(fmt: str, name: str, reader: str, editions: tuple[str, ...] | None = None):
    """Register the decorated function as an operator of `fmt`."""

    def register(apply: Callable[[Files], None]) -> Callable[[Files], None]:
        OPERATORS.append(Operator(fmt, name, editions or (fmt,), reader, apply))
        return apply

    return register


def by_format(fmt: str) -> list[Operator]:
    """The operators of one format, in the order they are defined."""
    return [op for op in OPERATORS if op.format == fmt]


# --- html ---------------------------------------------------------------------------------------


def _html(name: str, reader: str, change: Callable) -> None:
    operator("html", name, reader)(lambda files: markup.edit_html(files["html"], change))


def _style(root, css: str) -> None:
    style = etree.SubElement(first(root, "//head"), "style")
    style.text = css


def _script(root, js: str) -> None:
    script = etree.SubElement(first(root, "//body"), "script")
    script.text = js


def _other_lang(root) -> None:
    root.set("lang", "fr" if root.get("lang", "").startswith("de") else "de")


_html("change a word", "parser", lambda r: markup.change_word(first(r, "//main//li | //main//p[not(@class)]")))
_html("drop a block", "parser", lambda r: (li := first(r, "//main//li[2]")).getparent().remove(li))
_html("swap two list items", "parser", lambda r: markup.swap_first_items(first(r, "//main"), "li"))
_html(
    "hide a word with CSS display:none",
    "browser",
    lambda r: (markup.hide_word(first(r, "//main//li")), _style(r, ".mut-hidden{display:none}")),
)
_html("add words with CSS li::before", "browser", lambda r: _style(r, 'main li::before{content:"NOT "}'))
_html(
    "a script rewrites a list item",
    "browser",
    lambda r: _script(r, "const li=document.querySelectorAll('main li');li[0].textContent=li[1].textContent;"),
)
_html("change lang", "browser", _other_lang)
_html("change an abbr title", "browser", lambda r: first(r, "//main//abbr[@title]").set("title", "Nothing At All"))
_html("change a link href", "browser", lambda r: first(r, "//main//a[@href]").set("href", "https://example.com/"))
_html(
    "add text outside <main>",
    "browser",
    lambda r: first(r, "//main").addnext(etree.fromstring("<p>This fact sheet is withdrawn.</p>")),
)
_html("change <title>", "browser", lambda r: setattr(first(r, "//head/title"), "text", "Nothing At All"))


# --- epub ---------------------------------------------------------------------------------------

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
NCX = {"ncx": "http://www.daisy.org/z3986/2005/ncx/"}


def _epub(name: str, reader: str, apply: Callable[[Path], None]) -> None:
    operator("epub", name, reader)(lambda files: apply(files["epub"]))


def _content(change: Callable) -> Callable[[Path], None]:
    return lambda path: markup.edit_member(path, "content.xhtml", change)


def _set_text(xpath: str, names: dict, text: Callable[[str], str]) -> Callable:
    def change(root) -> None:
        element = first(root, xpath, **names)
        element.text = text(element.text or "")

    return change


def _add_unreferenced(path: Path) -> None:
    def apply(members: dict[str, bytes]) -> None:
        opf = markup.member(members, ".opf")
        folder = opf.rpartition("/")[0]
        members[f"{folder}/extra.xhtml"] = (
            b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            b"<head><title>Extra</title></head><body><p>This fact sheet is withdrawn.</p></body></html>"
        )
        members[opf] = members[opf].replace(
            b"</manifest>", b'<item href="extra.xhtml" id="extra" media-type="application/xhtml+xml"/></manifest>'
        )

    markup.rewrite_zip(path, apply)


def _drop_spine_item(root) -> None:
    ref = first(root, "//opf:spine/opf:itemref", **OPF)
    ref.getparent().remove(ref)


_epub("change a word in content.xhtml", "parser", _content(lambda r: markup.change_word(first(r, "//h:main//h:li"))))
_epub("swap two list items", "parser", _content(lambda r: markup.swap_first_items(r, XHTML + "li")))
_epub(
    "change a word in nav.xhtml",
    "whole package",
    lambda p: markup.edit_member(
        p, "nav.xhtml", _set_text("//h:nav//h:li//h:li/h:a", {}, lambda t: markup.reverse_word(t)[0])
    ),
)
_epub(
    "change a label in toc.ncx",
    "whole package",
    lambda p: markup.edit_member(
        p, ".ncx", _set_text("//ncx:navPoint//ncx:navPoint//ncx:text", NCX, lambda t: markup.reverse_word(t)[0])
    ),
)
_epub(
    "change dc:title",
    "whole package",
    lambda p: markup.edit_member(p, ".opf", _set_text("//dc:title", OPF, lambda t: "Nothing At All")),
)
_epub(
    "change dc:language",
    "whole package",
    lambda p: markup.edit_member(
        p, ".opf", _set_text("//dc:language", OPF, lambda t: "fr" if t.startswith("de") else "de")
    ),
)
_epub("add an unreferenced content file", "whole package", _add_unreferenced)
_epub("remove a spine item", "parser", lambda p: markup.edit_member(p, ".opf", _drop_spine_item))
_epub(
    "hide a word with CSS display:none",
    "browser",
    lambda p: (
        markup.edit_member(p, "content.xhtml", lambda r: markup.hide_word(first(r, "//h:main//h:li"), XHTML + "span")),
        markup.append_css(p, ".mut-hidden{display:none}"),
    ),
)
_epub("add words with CSS li::before", "browser", lambda p: markup.append_css(p, 'li::before{content:"NOT "}'))


# --- pdf ----------------------------------------------------------------------------------------


def _pdf(name: str, reader: str, change: Callable[[pikepdf.Pdf], None]) -> None:
    def apply(files: Files) -> None:
        with pikepdf.open(files["pdf"], allow_overwriting_input=True) as pdf:
            change(pdf)
            pdf.save(files["pdf"])

    operator("pdf", name, reader)(apply)


def _page_word(pdf: pikepdf.Pdf, hide: bool = False) -> None:
    """Spell a word backwards on the page (hide=False), or make it invisible (text render mode 3)."""
    page = Page(pdf, 0)
    run, match = page.word_run()
    before, word, after = (
        run.glyphs[: match.start()],
        run.glyphs[match.start() : match.end()],
        run.glyphs[match.end() :],
    )
    if not hide:
        page.set_glyphs(run, before + word[::-1] + after)
    else:
        show = [([pikepdf.String(b"".join(part))], "Tj") for part in (before, word, after)]
        ops = [show[0], ([3], "Tr"), show[1], ([0], "Tr"), show[2]]
        page.ops[run.index : run.index + 1] = [pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in ops]
    page.save()


def _items(pdf: pikepdf.Pdf) -> tuple[Page, list[tuple[float, float]]]:
    for number in range(len(pdf.pages)):
        page = Page(pdf, number)
        if len(page.items()) >= 2:
            return page, page.items()
    raise NotApplicable("no page with three list items")


def _swap_items(pdf: pikepdf.Pdf) -> None:
    """Swap two list items on the page (their Tm), the content order and the tree untouched."""
    page, items = _items(pdf)
    (a_top, b_top), (_, b_end) = items[0], items[1]
    a_runs, b_runs = page.runs_between(a_top, b_top), page.runs_between(b_top, b_end)
    a_last, b_last = max(r.y for r in a_runs), max(r.y for r in b_runs)
    page.shift(a_runs, b_last - a_last)
    page.shift(b_runs, a_top - b_top)
    page.save()


def _drop_item(pdf: pikepdf.Pdf) -> None:
    page, items = _items(pdf)
    for run in page.runs_between(*items[0]):
        page.set_glyphs(run, [])
    page.save()


def _add_untagged(pdf: pikepdf.Pdf) -> None:
    """Show a copy of the page's first long line again in its top margin, outside any marked content.

    The stream's end is in the page's outer space (WeasyPrint's flipped one, y down from the top), so
    y = 40 is inside the page, above the text: visible, and tagged nowhere.
    """
    page = Page(pdf, len(pdf.pages) - 1)
    run, _ = page.word_run()
    size = next(op[0][1] for op in reversed(page.ops[: run.index]) if str(op[1]) == "Tf")
    page.append([([], "BT"), ([pikepdf.Name(run.font), size], "Tf"), ([1, 0, 0, -1, 72, 40], "Tm")])
    page.append([([pikepdf.String(b"".join(run.glyphs))], "Tj"), ([], "ET")])
    page.save()


def _link(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            if annot.get("/Subtype") == "/Link" and "/A" in annot:
                return annot
    raise NotApplicable("no link")


def _actual_text(pdf: pikepdf.Pdf) -> None:
    """Give a tagged span /ActualText: what assistive technology reads instead of the page's glyphs."""
    for element in _struct_elements(pdf.Root.StructTreeRoot):
        kids, parent = element.get("/K"), element.get("/P")
        marked = isinstance(kids, pikepdf.Array) and all(isinstance(kid, int) for kid in kids)
        if element.get("/S") == "/Span" and marked and parent.get("/S") == "/LBody":
            element.ActualText = pikepdf.String("Nothing At All")
            return
    raise NotApplicable("no span")


def _struct_elements(node):
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _struct_elements(kid)


def _title(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = "Nothing At All"
    pdf.docinfo.Title = "Nothing At All"


_pdf("change a word on the page", "parser", _page_word)
_pdf("drop a list item's text", "parser", _drop_item)
_pdf("swap two list items on the page, tree untouched", "page order", _swap_items)
_pdf("add untagged visible text", "page order", _add_untagged)
_pdf("hide a word (text render mode 3)", "page order", lambda pdf: _page_word(pdf, hide=True))
_pdf("a span's /ActualText says other words", "parser", _actual_text)
_pdf("change /Lang", "parser", lambda pdf: setattr(pdf.Root, "Lang", pikepdf.String("de")))
_pdf("change a link /URI", "parser", lambda pdf: setattr(_link(pdf).A, "URI", pikepdf.String("https://example.com/")))
_pdf("change a link /Contents", "parser", lambda pdf: setattr(_link(pdf), "Contents", pikepdf.String("Nothing")))
_pdf("change the title (Info and XMP)", "parser", _title)

# --- braille ------------------------------------------------------------------------------------

BRAILLE = ("braille", "brl-proof")


def _braille(name: str, reader: str, change: Callable[[Brf], None]) -> None:
    def apply(files: Files) -> None:
        pages = Brf(files["braille"], files["brl-proof"])
        change(pages)
        pages.save()

    operator("braille", name, reader, BRAILLE)(apply)


def _drop_block(pages: Brf) -> None:
    page, ranges = pages.items()
    first_line, end = ranges[0]
    lines = pages.pages[page]
    lines[first_line:end] = [""] * (end - first_line)  # blank lines keep the page's 25


def _swap_blocks(pages: Brf) -> None:
    page, ranges = pages.items()
    (a, b), (_, c) = ranges[:2]
    lines = pages.pages[page]
    lines[a:c] = lines[b:c] + lines[a:b]


def _add_line(pages: Brf) -> None:
    page, ranges = pages.items()
    a = ranges[0][0]
    lines = pages.pages[page]
    blank = lines.index("", a)  # the first blank line after the item: words where there were none
    lines[blank] = lines[a]


def _code_name(pages: Brf) -> None:
    notes = pages.page_with("CODE3")
    lines = pages.pages[notes]
    n = pages.line_with(notes, "CODE3")
    for m in range(n + 1, len(lines)):
        if "#B" in lines[m]:
            lines[m] = lines[m].replace("#B", "#A", 1)  # "grade 2" becomes "grade 1"
            return
    raise NotApplicable("no grade number after the code's name")


def _page_number(pages: Brf) -> None:
    first = pages.first_body_page()
    n = pages.page_number(first)
    line = pages.pages[first][n]
    if not line.endswith("#A"):
        raise NotApplicable(f"first body page is numbered {line.strip()!r}")
    pages.pages[first][n] = line[:-2] + "#C"


_braille("change a body word", "parser", lambda p: p.reverse_word(p.first_body_page(), 2))
_braille("change a title-page word", "every braille page", lambda p: p.reverse_word(0))
_braille(
    "change a transcriber's-note word",
    "every braille page",
    lambda p: p.reverse_word(p.page_with("NOTES"), p.line_with(p.page_with("NOTES"), "NOTES") + 1),
)
_braille("drop a block", "parser", _drop_block)
_braille("swap two blocks", "parser", _swap_blocks)
_braille("add a line of words", "parser", _add_line)
_braille("change the code name (grade)", "every braille page", _code_name)
_braille("change a page number", "every braille page", _page_number)


# --- audio --------------------------------------------------------------------------------------


def _audio(name: str, reader: str, edition: str, change: Callable[[Path, Path], None]) -> None:
    """An operator on one audio edition; `change` gets it and the sentence cues (the sound's spans)."""
    operator("audio", name, reader, (edition,))(lambda files: change(files[edition], files["audio-sentences"]))


def _caption_word(vtt: Path, _: Path) -> None:
    lines = vtt.read_text(encoding="utf-8").split("\n")
    n = next((n for n, line in enumerate(lines) if "-->" in line and markup.WORD.search(lines[n + 1])), None)
    if n is None:
        raise NotApplicable("no caption with a long word")
    lines[n + 1] = markup.reverse_word(lines[n + 1])[0]
    vtt.write_text("\n".join(lines), encoding="utf-8")


def _vtt_cues(vtt: Path) -> list[list[str]]:
    return [cue.split("\n") for cue in vtt.read_text(encoding="utf-8").split("\n\n")]


def _write_cues(vtt: Path, cues: list[list[str]]) -> None:
    vtt.write_text("\n\n".join("\n".join(cue) for cue in cues), encoding="utf-8")


def _merge_captions(vtt: Path, _: Path) -> None:
    """Two captions of one sentence made one cue (every word kept): too many lines, too long on screen."""
    cues = _vtt_cues(vtt)
    n = next((n for n, cue in enumerate(cues[:-1]) if cue[0].endswith("-c1") and cues[n + 1][0].endswith("-c2")), None)
    if n is None:
        raise NotApplicable("no sentence cut into captions")
    (ident, times, *one), (_, later, *two) = cues[n], cues[n + 1]
    cues[n : n + 2] = [[ident, f"{times.split(' --> ')[0]} --> {later.split(' --> ')[1]}", *one, *two]]
    _write_cues(vtt, cues)


def _shift_caption(vtt: Path, _: Path) -> None:
    """A sentence's second caption starts half a second late: shown while the words before it are spoken."""
    cues = _vtt_cues(vtt)
    n = next((n for n, cue in enumerate(cues) if cue[0].endswith("-c2")), None)
    if n is None:
        raise NotApplicable("no sentence cut into captions")
    start, end = cues[n][1].split(" --> ")
    h, m, s = start.split(":")
    moved = int(h) * 3600 + int(m) * 60 + float(s) + 0.5
    cues[n][1] = f"{int(moved // 3600):02d}:{int(moved % 3600 // 60):02d}:{moved % 60:06.3f} --> {end}"
    _write_cues(vtt, cues)


def _transcript(mp3: Path, _: Path) -> None:
    from mutagen.id3 import ID3

    tags = ID3(mp3)
    frame = tags.getall("USLT")[0]
    frame.text = markup.reverse_word(frame.text)[0]
    tags.save(mp3)


def _title_tag(mp3: Path, _: Path) -> None:
    from mutagen.id3 import ID3, TIT2

    tags = ID3(mp3)
    tags.setall("TIT2", [TIT2(encoding=3, text=["Nothing At All"])])
    tags.save(mp3)


def _chapter_title(m4b: Path, _: Path) -> None:
    titles = sound.chapter_titles(m4b)
    if len(titles) < 2:
        raise NotApplicable("fewer than two chapters")
    sound.set_chapters(m4b, [titles[0], markup.reverse_word(titles[1])[0], *titles[2:]])


_audio("change a caption word", "parser", "audio-vtt", _caption_word)
_audio("change a sentence cue's word", "parser", "audio-sentences", _caption_word)
_audio("merge two captions into one too long", "caption limits", "audio-vtt", _merge_captions)
_audio("start a caption late", "caption limits", "audio-vtt", _shift_caption)
_audio("change the transcript (USLT)", "parser", "audio-mp3", _transcript)
_audio("change the title tag (TIT2)", "parser", "audio-mp3", _title_tag)
_audio(
    "cut a sentence from the MP3", "speech recognition", "audio-mp3", lambda a, v: sound.cut(a, sound.long_pair(v)[0])
)
_audio(
    "swap two sentences in the MP3", "speech recognition", "audio-mp3", lambda a, v: sound.swap(a, *sound.long_pair(v))
)
_audio(
    "say the next sentence, stretched, in the MP3",
    "speech recognition",
    "audio-mp3",
    lambda a, v: sound.substitute(a, *sound.long_pair(v)),
)
_audio(
    "say the next sentence, stretched, in the M4B",
    "speech recognition",
    "audio-m4b",
    lambda a, v: sound.substitute(a, *sound.long_pair(v)),
)
_audio("change a chapter title", "parser", "audio-m4b", _chapter_title)
_audio("drop the M4B's chapters", "parser", "audio-m4b", lambda a, v: sound.set_chapters(a, None))
