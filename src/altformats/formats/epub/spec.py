"""What the EPUB writer and reader both follow: the OCF container, the namespaces and the safe XML parser."""

from __future__ import annotations

from altformats.errors import AltformatsError
from altformats.text import primary_language

CONTAINER_PATH = "META-INF/container.xml"  # where OCF puts the pointer to the package document
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def package_path(container: bytes) -> str:
    """The package document's path, from META-INF/container.xml."""
    root = parse(container, CONTAINER_PATH)
    rootfile = root.find(f".//{{{CONTAINER_NS}}}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise AltformatsError(f"{CONTAINER_PATH}: names no package document")
    return rootfile.get("full-path")


def parse(data: bytes, where: str):
    """`data` parsed as XML with `xml_parser()`; malformed XML is an error naming `where`."""
    from lxml import etree

    try:
        return etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as error:
        raise AltformatsError(f"{where}: not well-formed XML: {error}") from None


def xml_parser():
    """lxml's strict XML parser, resolving no entities and fetching nothing."""
    from lxml import etree

    # No entities, no network: a content document is data, never instructions to fetch more.
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


# The nav's words in the book's language (docs/epub.md): the toc heading the package reader
# expects, and the landmarks' labels. A language not here gets English, marked xml:lang="en".
NAV_WORDS: dict[str, dict[str, str]] = {
    "en": {"contents": "Contents", "start": "Start", "landmarks": "Landmarks"},
    "es": {"contents": "Índice", "start": "Inicio", "landmarks": "Puntos de referencia"},
    "fr": {"contents": "Table des matières", "start": "Début", "landmarks": "Repères"},
    "ar": {"contents": "المحتويات", "start": "البداية", "landmarks": "معالم"},
    "zh": {"contents": "目录", "start": "正文", "landmarks": "导航标志"},
}
FALLBACK_LANGUAGE = "en"


def nav_words(language: str) -> tuple[str, dict[str, str]]:
    """The nav's words for a BCP 47 tag, and the language they are in (English if it has none)."""
    if primary_language(language) in NAV_WORDS:
        return language, NAV_WORDS[primary_language(language)]
    return FALLBACK_LANGUAGE, NAV_WORDS[FALLBACK_LANGUAGE]
