"""The narrated EPUB 3: the reading text with a sentence span each, one Media Overlay, and the MP3 inside.

Written straight from templates/narration/ into a reproducible zip (mimetype first and stored,
the rest sorted, one fixed time), so every byte comes from the source and the narration.
"""

from __future__ import annotations

import io
import zipfile

from altformats import templating
from altformats.document.model import Document
from altformats.formats.audio import Narration
from altformats.formats.narration import content
from altformats.formats.narration.spec import ACTIVE_CLASS, EPUB_FILES, EPUB_ROOT, smil_clock
from altformats.text import primary_language

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# What every narrated book is: full text and full audio, each sufficient alone, in sync.
ACCESSIBILITY: tuple[tuple[str, str], ...] = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "auditory"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessModeSufficient", "auditory"),
    ("schema:accessibilityFeature", "synchronizedAudioText"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", CONFORMS_TO),
    ("a11y:certifiedBy", "altformats (automated checks: EPUBCheck and Ace by DAISY)"),
)
SUMMARY = (
    "This publication conforms to {conforms}. Its full text is narrated by a synthetic voice "
    "(espeak-ng), every sentence highlighted as it is read (EPUB Media Overlays); text and audio "
    "each carry the whole work. It has headings, a table of contents and one reading order, and no hazards."
)
CONTENTS = {"en": "Contents", "es": "Índice", "fr": "Table des matières", "ar": "المحتويات", "zh": "目录",
            "de": "Inhalt"}  # fmt: skip
CONTAINER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    f'<rootfiles><rootfile full-path="{EPUB_ROOT}/{EPUB_FILES["opf"]}" media-type="application/oebps-package+xml"/>'
    "</rootfiles>\n</container>\n"
)


def narrated_epub(doc: Document, told: Narration, templates: str | None) -> bytes:
    """The whole narrated EPUB, byte-identical for the same source and narration."""
    from altformats.formats.epub.write import modified_time

    blocks = content.blocks(doc, told)
    when = modified_time(doc)
    shared = {"doc": doc, "blocks": blocks, "content": EPUB_FILES["content"], "audio": EPUB_FILES["audio"]}
    contents = CONTENTS.get(primary_language(doc.meta.language), CONTENTS["en"])
    package = {
        "identifier": content.identifier(doc, "narrated"),
        "modified": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "total": smil_clock(content.clip_total(blocks)),
        "voice": told.voice,
        "active_class": ACTIVE_CLASS,
        "accessibility": ACCESSIBILITY,
        "summary": SUMMARY.format(conforms=CONFORMS_TO),
        "files": EPUB_FILES,
    }
    entries = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": CONTAINER.encode("utf-8"),
        _inside("opf"): _render("package.opf.j2", templates, **shared, **package),
        _inside("content"): _render("content.xhtml.j2", templates, **shared),
        _inside("nav"): _render("nav.xhtml.j2", templates, **shared, contents=contents),
        _inside("smil"): _render("content.smil.j2", templates, **shared),
        _inside("css"): _render("style.css", templates),
        _inside("audio"): told.mp3,
    }
    return reproducible_zip(entries, when.timetuple()[:6])


def _inside(key: str) -> str:
    return f"{EPUB_ROOT}/{EPUB_FILES[key]}"


def _render(name: str, templates: str | None, **context) -> bytes:
    return templating.render(f"narration/{name}", templates, **context).encode("utf-8")


def reproducible_zip(entries: dict[str, bytes], stamp: tuple, first: str = "mimetype") -> bytes:
    """A zip of `entries`: `first` stored and first (if present), the rest sorted and deflated (MP3s stored)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = [first] if first in entries else []
        for name in names + sorted(n for n in entries if n != first):
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            # An MP3 does not deflate; storing it lets a player seek in it without inflating.
            stored = name == "mimetype" or name.endswith(".mp3")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system builds it
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=9)
    return out.getvalue()
