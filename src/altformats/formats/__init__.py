"""The format registry: every output format by name. Adding a format is one line here."""

from __future__ import annotations

from importlib import import_module

from altformats.formats.base import Build, Check, Format, Output, Proof

# name -> "module:Class"; modules are imported only when their format is used,
# so a quick HTML build never pays for a PDF or audio stack.
REGISTRY: dict[str, str] = {
    "html": "altformats.formats.html:HtmlFormat",
    "pdf": "altformats.formats.pdf:PdfFormat",
    "epub": "altformats.formats.epub:EpubFormat",
    "braille": "altformats.formats.braille:BrailleFormat",
    "audio": "altformats.formats.audio:AudioFormat",
    "narration": "altformats.formats.narration:NarrationFormat",
}


def names() -> list[str]:
    """Every registered format's name, in registry order."""
    return list(REGISTRY)


def get(name: str) -> Format:
    """A new instance of the format registered as `name` (KeyError if none).

    Not cached: a format reads its options (environment, arguments) when it is made.
    """
    module, _, cls = REGISTRY[name].partition(":")
    return getattr(import_module(module), cls)()


__all__ = ["REGISTRY", "Build", "Check", "Format", "Output", "Proof", "get", "names"]
