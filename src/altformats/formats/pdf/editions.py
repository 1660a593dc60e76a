"""The PDF editions as data: one row per edition (page, type, emphasis) and the CSS print.css.j2 reads."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from altformats.document.model import Document
from altformats.text import primary_language

# "Page N of M" in the document's language (primary subtag) as the words before N, between N
# and M, and after M; English for a language not here.
PAGE_OF = {
    "en": ("Page ", " of ", ""),
    "es": ("Página ", " de ", ""),
    "fr": ("Page ", " sur ", ""),
    "de": ("Seite ", " von ", ""),
    "it": ("Pagina ", " di ", ""),
    "pt": ("Página ", " de ", ""),
    "nl": ("Pagina ", " van ", ""),
    "pl": ("Strona ", " z ", ""),
    "ru": ("Страница ", " из ", ""),
    "uk": ("Сторінка ", " з ", ""),
    "el": ("Σελίδα ", " από ", ""),
    "tr": ("Sayfa ", " / ", ""),
    "ar": ("صفحة ", " من ", ""),
    "fa": ("صفحه ", " از ", ""),
    "ur": ("صفحہ ", " از ", ""),
    "he": ("עמוד ", " מתוך ", ""),
    "zh": ("第 ", " 页，共 ", " 页"),
    "ja": ("", " / ", " ページ"),
    "ko": ("", " / ", " 페이지"),
    "vi": ("Trang ", " / ", ""),
    "th": ("หน้า ", " จาก ", ""),
}

SANS = '"Liberation Sans", "DejaVu Sans", sans-serif'
SERIF = '"Liberation Serif", "DejaVu Serif", serif'


@dataclass(frozen=True)
class Edition:
    """One printed edition: its file name suffix and the layout settings print.css.j2 reads."""

    name: str  # the edition's name in reports
    suffix: str  # appended to the slug in the file name
    page_size: str
    margin: str
    body_font: str
    heading_font: str
    body_size: str
    furniture_size: str  # running head and page numbers
    line_height: str
    scale: tuple[str, str, str, str]  # h1, h2, h3, h4-h6
    text_align: str
    hyphens: str
    emphasis: str  # CSS for <em>: large print shows emphasis without italics
    strong: str

    def css(self, doc: Document) -> dict[str, Markup]:
        """The values print.css.j2 puts in the stylesheet, as CSS (already escaped for it)."""
        before, between, after = PAGE_OF.get(primary_language(doc.meta.language), PAGE_OF["en"])
        values = {name: getattr(self, name) for name in CSS_FIELDS}
        values.update(zip(("h1_size", "h2_size", "h3_size", "h4_size"), self.scale, strict=True))
        label = f"{css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(after)}"
        values["page_label"] = label
        values["running_head"] = css_string(running_head(doc.meta.title))
        rtl = doc.meta.direction == "rtl"  # the running head at the line's start, the folio at its end
        values["head_box"], values["folio_box"] = ("top-right", "bottom-left") if rtl else ("top-left", "bottom-right")
        return {name: Markup(value) for name, value in values.items()}


# The Edition fields print.css.j2 takes as they are (the heading scale it takes one size at a time).
CSS_FIELDS = (
    "page_size",
    "margin",
    "body_font",
    "heading_font",
    "body_size",
    "furniture_size",
    "line_height",
    "text_align",
    "hyphens",
    "emphasis",
    "strong",
)


# The running head's length: what the top margin of the large print holds on one line at 18 pt,
# and fewer words than outloud's TAG-002 takes for prose hidden in an artifact (8 or more).
HEAD_CHARS = 40
HEAD_WORDS = 7
TITLE_COLONS = (":", "：")


def running_head(title: str) -> str:
    """The short title the running head shows: the title before its colon, cut at a word with "…" if still long."""
    short = title
    for colon in TITLE_COLONS:
        short = short.split(colon)[0].strip() or short
    words = short.split()
    if len(short) <= HEAD_CHARS and len(words) <= HEAD_WORDS:
        return short
    kept: list[str] = []
    for word in words[:HEAD_WORDS]:
        if len(" ".join([*kept, word])) >= HEAD_CHARS:
            break
        kept.append(word)
    cut = " ".join(kept) if kept else short[: HEAD_CHARS - 1]  # one long word, or a script without spaces
    return cut.rstrip(",;–—-") + "…"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes and control characters escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


STANDARD = dict(
    margin="0.9in 0.85in 0.9in",
    body_font=SERIF,
    heading_font=SANS,
    body_size="11pt",
    furniture_size="8.5pt",
    line_height="1.45",
    scale=("20pt", "14pt", "12pt", "11pt"),
    text_align="start",
    hyphens="manual",
    emphasis="font-style: italic;",
    strong="font-weight: bold;",
)

# UKAAF minimum standard for large print: 18 pt sans serif or more, left aligned, no italics,
# headings larger still, page numbers as large as the text, generous leading, no hyphenation.
LARGE_PRINT = dict(
    STANDARD,
    margin="1.1in 0.75in 0.9in",  # room for a running head of one line
    body_font=SANS,
    body_size="18pt",
    furniture_size="18pt",
    line_height="1.5",
    scale=("28pt", "24pt", "21pt", "19pt"),
    hyphens="none",
    emphasis="font-style: normal; font-weight: bold;",
    # Strong emphasis is bold too, never underlined: underlining is what marks the links.
    strong="font-style: normal; font-weight: bold;",
)

EDITIONS: tuple[Edition, ...] = (
    Edition(name="pdf", suffix="", page_size="letter", **STANDARD),
    Edition(name="pdf-a4", suffix="-a4", page_size="A4", **STANDARD),
    Edition(name="pdf-large-print", suffix="-large-print", page_size="letter", **LARGE_PRINT),
)
LETTER = EDITIONS[0]  # the print edition the EPUB's page list follows
