"""Tamper operators of the narration format: its narrated EPUB, read-along page and DAISY 2.02 book.

Each changes what a listener hears or a reader sees highlighted: a sentence's words, which span a
clip points at, when a clip plays, the book's title, the sound itself. Imported by test_mutations
for its side effect: registering the operators (operators.operator).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import markup
import sound
from lxml import etree, html
from markup import XHTML, NotApplicable, first
from operators import Files, operator

EPUB, PAGE, PAGE_MP3, DAISY = "narration-epub", "narration-read-along", "narration-read-along-mp3", "narration-daisy202"
SMIL3 = {"s": "http://www.w3.org/ns/SMIL"}
DC = "http://purl.org/dc/elements/1.1/"


def _narration(name: str, reader: str, edition: str, apply: Callable[[Files], None]) -> None:
    operator("narration", name, reader, (edition,))(apply)


def _in_zip(edition: str, suffix: str, change: Callable[[etree._Element], None]) -> Callable[[Files], None]:
    """Edit one XML member (by its name's ending) of the edition's zip (EPUB or DAISY)."""
    return lambda files: markup.edit_member(files[edition], suffix, change)


def _page(change: Callable[[html.HtmlElement], None]) -> Callable[[Files], None]:
    return lambda files: markup.edit_html(files[PAGE], change)


def _long_sentence(root) -> etree._Element:
    """The first sentence span with a long word of its own (the page's spans carry no namespace)."""
    for span in root.iter(XHTML + "span", "span"):
        if span.get("id", "").startswith("b") and markup.WORD.search(span.text or ""):
            return span
    raise NotApplicable("no sentence span with a long word")


def _clip_past_the_end(root) -> None:
    """The last clip ends ten seconds after the audio does: a highlight held over silence that is not there."""
    audio = root.xpath("//s:audio", namespaces=SMIL3)[-1]
    audio.set("clipEnd", f"{float(audio.get('clipEnd').removesuffix('s')) + 10:.6f}s")


def _overlap(root) -> None:
    """A clip begins a second before the previous one ends: the listener hears the end of the sentence before."""
    audios = root.xpath("//audio")
    if len(audios) < 2:
        raise NotApplicable("a SMIL file with one clip")
    end = float(audios[0].get("clip-end").removeprefix("npt=").removesuffix("s"))
    audios[1].set("clip-begin", f"npt={end - 1:.6f}s")


def _missing_target(root) -> None:
    texts = root.xpath("//s:text", namespaces=SMIL3)
    if not texts:
        raise NotApplicable("no SMIL text")
    text = texts[min(5, len(texts) - 1)]
    text.set("src", text.get("src").partition("#")[0] + "#b99-s1")


def _two_sentences(root) -> tuple[etree._Element, etree._Element]:
    """The first two sentence spans of the first block that has two (b6's in the seed)."""
    spans = {span.get("id"): span for span in root.iter(XHTML + "span", "span") if span.get("id")}
    for ident, span in spans.items():
        block, _, sentence = ident.partition("-s")
        if sentence == "1" and f"{block}-s2" in spans:
            return span, spans[f"{block}-s2"]
    raise NotApplicable("no block of two sentences")


def _drop_span(root) -> None:
    """Remove a sentence span and its words (the space after it kept), the player's other spans untouched."""
    span = _two_sentences(root)[1]
    parent = span.getparent()
    previous = span.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (span.tail or "")
    else:
        parent.text = (parent.text or "") + (span.tail or "")
    parent.remove(span)


def _swap_spans(root) -> None:
    """Swap two sentence spans' contents (text and children), their ids and the SMIL untouched."""
    a, b = _two_sentences(root)
    kids = list(a), list(b)
    a.text, b.text = b.text, a.text
    a[:], b[:] = kids[1], kids[0]  # lxml moves each child with its tail


def _ncc_heading(root) -> None:
    anchor = first(root, "//h:h1[@class='title']/h:a")
    anchor.text = markup.reverse_word(anchor.text)[0]


def _ncc_dc_title(root) -> None:
    """The title a DAISY player shows on its bookshelf and announces on opening the book."""
    first(root, "//h:meta[@name='dc:title']").set("content", "Nothing At All")
    first(root, "//h:head/h:title").text = "Nothing At All"


def _page_spans(files: Files) -> list[tuple[float, float]]:
    """The sentences' clips (begin, end), as the read-along page times them."""
    root = html.fromstring(files[PAGE].read_bytes())
    return [(float(s.get("data-begin")), float(s.get("data-end"))) for s in root.xpath("//span[@data-begin]")]


def _long_pair(files: Files) -> tuple[sound.Span, sound.Span]:
    spans = _page_spans(files)
    for a, b in zip(spans, spans[1:], strict=False):
        if a[1] - a[0] >= 4 and b[1] - b[0] >= 4:
            return a, b
    raise NotApplicable("no two consecutive sentences of 4 s")


def _zip_sound(edition: str, member: str, change: Callable[[Path, Files], None]) -> Callable[[Files], None]:
    """Apply a sound change to the MP3 inside the edition's zip."""

    def apply(files: Files) -> None:
        def rewrite(members: dict[str, bytes]) -> None:
            with tempfile.TemporaryDirectory() as folder:
                mp3 = Path(folder) / "narration.mp3"
                mp3.write_bytes(members[member])
                change(mp3, files)
                members[member] = mp3.read_bytes()

        markup.rewrite_zip(files[edition], rewrite)

    return apply


_narration(
    "change a word in an EPUB span", "parser", EPUB,
    _in_zip(EPUB, "content.xhtml", lambda r: markup.change_word(_long_sentence(r))),
)  # fmt: skip
_narration(
    "change a word in a DAISY span", "parser", DAISY,
    _in_zip(DAISY, "content.html", lambda r: markup.change_word(_long_sentence(r))),
)  # fmt: skip
_narration(
    "change a word on the read-along page", "parser", PAGE, _page(lambda r: markup.change_word(_long_sentence(r)))
)
_narration("an EPUB clip past the end of the audio", "clips", EPUB, _in_zip(EPUB, "content.smil", _clip_past_the_end))
_narration("two overlapping DAISY clips", "clips", DAISY, _in_zip(DAISY, "s0002.smil", _overlap))
_narration("an EPUB SMIL text src names a missing id", "parser", EPUB, _in_zip(EPUB, "content.smil", _missing_target))
_narration("drop a span from the read-along page", "parser", PAGE, _page(_drop_span))
_narration("swap two DAISY spans' text", "parser", DAISY, _in_zip(DAISY, "content.html", _swap_spans))
_narration("change the ncc's title heading", "parser", DAISY, _in_zip(DAISY, "ncc.html", _ncc_heading))
_narration("change the ncc's dc:title and <title>", "parser", DAISY, _in_zip(DAISY, "ncc.html", _ncc_dc_title))
_narration(
    "change the EPUB's dc:title", "parser", EPUB,
    _in_zip(EPUB, ".opf", lambda r: setattr(first(r, "//dc:title", dc=DC), "text", "Nothing At All")),
)  # fmt: skip
_narration(
    "cut a sentence from the read-along MP3", "speech recognition", PAGE_MP3,
    lambda files: sound.cut(files[PAGE_MP3], _long_pair(files)[0]),
)  # fmt: skip
_narration(
    "cut a sentence from the EPUB's MP3", "clips", EPUB,
    _zip_sound(EPUB, "EPUB/narration.mp3", lambda mp3, files: sound.cut(mp3, _long_pair(files)[0])),
)  # fmt: skip
_narration(
    "swap two sentences in the DAISY's MP3", "speech recognition", DAISY,
    _zip_sound(DAISY, "narration.mp3", lambda mp3, files: sound.swap(mp3, *_long_pair(files))),
)  # fmt: skip
