"""The whole EPUB, read independently: OPF metadata, manifest, nav and NCX against the source.

read.py proves the spine documents' `<main>` carries the model's words; this reader proves the
rest of the package does too. "package": the OPF's Dublin Core equals the front matter, the
package and every content document are in the source's language, every file in the zip is in
the manifest and every manifest item is used. "navigation": the nav's table of contents and the
NCX's navMap equal the headings (text, order, nesting, each target the heading itself), the page
list equals the page-break markers in the content, and every href/src resolves. It never imports
the writer: what it expects comes from the model and docs/epub.md.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import unquote, urldefrag

from altformats.document.model import Document, Heading, List, Quote, inline_text, normalise
from altformats.errors import AltformatsError
from altformats.formats.base import Output, Proof
from altformats.formats.epub.spec import CONTAINER_PATH, OPF_NS, XHTML_NS, XML_LANG, nav_words, package_path, parse
from altformats.parity import Difference

DC_NS = "http://purl.org/dc/elements/1.1/"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
OPS_NS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS_NS}}}type"
NS = {"opf": OPF_NS, "dc": DC_NS, "ncx": NCX_NS, "h": XHTML_NS}
HEADINGS = frozenset(f"{{{XHTML_NS}}}h{n}" for n in range(1, 7))
# Dublin Core elements the front matter gives (identifier: the book's own); any other is unaccounted text.
DUBLIN_CORE = ("identifier", "title", "language", "date", "publisher", "description", "creator")
PAGE_FEATURES = ("pageBreakMarkers", "pageNavigation")  # claimed exactly when the book has page markers


PackageDifference = Difference  # a difference named by `where` (parity.Difference)


@dataclass
class Package:
    """One EPUB opened: its zip entries, the OPF and its manifest, parsed documents on demand."""

    where: str
    files: dict[str, bytes]
    opf_path: str
    opf: object
    manifest: dict[str, tuple[str, str, str]]  # id -> (zip path, media type, properties)
    spine: list[str]  # manifest ids, in order
    _parsed: dict = field(default_factory=dict, repr=False)

    def document(self, path: str):
        """The parsed XML file at zip path `path` (None if the zip has none)."""
        if path not in self._parsed:
            data = self.files.get(path)
            self._parsed[path] = None if data is None else parse(data, f"{self.where}/{path}")
        return self._parsed[path]

    def with_property(self, prop: str) -> str | None:
        """The zip path of the manifest item with `prop` among its properties (the nav)."""
        return next((p for p, _, props in self.manifest.values() if prop in props.split()), None)

    def content_documents(self) -> list[str]:
        """Every XHTML document a reader opens: the spine's, then the nav."""
        paths = [self.manifest[ref][0] for ref in self.spine if ref in self.manifest]
        nav = self.with_property("nav")
        return paths + ([nav] if nav and nav not in paths else [])


def read_package(data: bytes, where: str = "EPUB") -> Package:
    """The EPUB in `data` opened: container -> OPF -> manifest and spine."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            files = {info.filename: book.read(info) for info in book.infolist() if not info.is_dir()}
        opf_path = package_path(files[CONTAINER_PATH])
        opf = parse(files[opf_path], f"{where}/{opf_path}")
    except (zipfile.BadZipFile, KeyError) as error:
        raise AltformatsError(f"{where}: not a readable EPUB: {error}") from None
    base = posixpath.dirname(opf_path)
    manifest = {
        item.get("id"): (_join(base, item.get("href", "")), item.get("media-type", ""), item.get("properties", ""))
        for item in opf.iterfind("opf:manifest/opf:item", NS)
    }
    spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    return Package(where, files, opf_path, opf, manifest, spine)


def package_proofs(doc: Document, output: Output) -> list[Proof]:
    """The "package" and "navigation" proofs of one written EPUB."""
    book = read_package(output.path.read_bytes(), str(output.path))
    return [
        Proof(
            "package",
            tuple(metadata_differences(doc, book, output.edition) + manifest_differences(book, output.edition)),
        ),
        Proof("navigation", tuple(navigation_differences(doc, book, output.edition))),
    ]


# ---------------------------------------------------------------- package: metadata and manifest


def metadata_differences(doc: Document, book: Package, edition: str) -> list[Difference]:
    """dc:title, language, date, publisher, description, creator (the publisher, else the office);
    xml:lang and dir; no other Dublin Core."""
    meta, opf, at = doc.meta, book.opf, book.opf_path
    wanted = {
        "title": [meta.title],
        "language": [meta.language],
        "date": [meta.date.isoformat()],
        "publisher": [meta.publisher] if meta.publisher else [],
        "description": [meta.summary] if meta.summary else [],
        "creator": [meta.publisher or meta.office] if meta.publisher or meta.office else [],
    }
    found: list[Difference] = []
    for name, values in wanted.items():
        got = [normalise(e.text or "") for e in opf.iterfind(f"opf:metadata/dc:{name}", NS)]
        found += _unequal(edition, f"{at} dc:{name}", [normalise(v) for v in values], got)
    others = [e for e in opf.iterfind("opf:metadata/dc:*", NS) if _local(e.tag) not in DUBLIN_CORE]
    found += [_difference(edition, f"{at} dc:{_local(e.tag)}", "(nothing)", e.text or "") for e in others]
    found += _unequal(edition, f"{at} package xml:lang", [meta.language], [opf.get(XML_LANG, "(none)")])
    found += _unequal(edition, f"{at} package dir", [meta.direction], [opf.get("dir", "ltr")])
    return found + _content_differences(doc, book, edition)


def _content_differences(doc: Document, book: Package, edition: str) -> list[Difference]:
    """Each content document in the source's language, titled with its title, no text outside <main>."""
    found: list[Difference] = []
    for path in book.content_documents():
        root = book.document(path)
        if root is None:
            continue  # a missing file is the manifest's difference
        for attribute, name in ((XML_LANG, "xml:lang"), ("lang", "lang")):
            found += _unequal(edition, f"{path} html {name}", [doc.meta.language], [root.get(attribute, "")])
        title = normalise(root.findtext("h:head/h:title", "", NS))
        found += _unequal(edition, f"{path} <title>", [normalise(doc.meta.title)], [title])
        if path != book.with_property("nav"):
            stray = _text_outside(root.find("h:body", NS), {f"{{{XHTML_NS}}}main"})
            found += _unequal(edition, f"{path} text outside <main>", [], [stray] if stray else [])
    return found


def manifest_differences(book: Package, edition: str) -> list[Difference]:
    """Every file in the zip is in the manifest, every manifest file exists and is used (a spine
    itemref naming no item is the parser's error)."""
    listed = {path for path, _, _ in book.manifest.values()}
    own = {"mimetype", CONTAINER_PATH, book.opf_path}
    found = [
        _difference(edition, f"zip entry {name}", "(in the manifest)", "not in the manifest")
        for name in sorted(set(book.files) - listed - own)
    ]
    found += [
        _difference(edition, f"{book.opf_path} manifest item {item}", path, "(no such file)")
        for item, (path, _, _) in book.manifest.items()
        if path not in book.files
    ]
    used = _used(book)
    found += [
        _difference(edition, f"{book.opf_path} manifest item {item}", "(used)", f"{path}: unused")
        for item, (path, _, _) in book.manifest.items()
        if item not in used
    ]
    return found


def _used(book: Package) -> set[str]:
    """Manifest ids in use: the spine, the nav, the spine's NCX, and files a content document links or embeds."""
    used = set(book.spine) | {item for item, (_, _, props) in book.manifest.items() if "nav" in props.split()}
    used.add(_spine_toc(book))
    linked = set()
    for path in book.content_documents():
        root = book.document(path)
        for element in root.iter() if root is not None else ():
            ref = element.get("src") or (element.get("href") if "stylesheet" in element.get("rel", "") else None)
            if ref:
                linked.add(_join(posixpath.dirname(path), urldefrag(ref).url))
    return used | {item for item, (path, _, _) in book.manifest.items() if path in linked}


# ---------------------------------------------------------------- navigation: nav and NCX


def navigation_differences(doc: Document, book: Package, edition: str) -> list[Difference]:
    """The nav's toc, page list and landmarks and the NCX against the headings and the page markers."""
    nav_path = book.with_property("nav")
    nav = book.document(nav_path) if nav_path else None
    if nav is None:
        return [_difference(edition, f"{book.opf_path} nav", "(a nav document)", "(none)")]
    headings = expected_toc(doc)
    found = _nav_toc(doc, book, nav_path, nav, headings, edition)
    found += _page_list(book, nav_path, nav, edition)
    found += _nav_links_resolve(book, nav_path, nav, edition)
    found += _unaccounted_nav_text(nav_path, nav, edition)
    return found + ncx_differences(doc, book, headings, edition)


def expected_toc(doc: Document) -> list[tuple[str, int]]:
    """The table of contents the model asks for: "depth: text" per heading (title first), with source lines."""
    title = next((m for m in doc.masthead if m.role == "title"), None)
    levels = [(1, inline_text(title.children), title.line)] if title else []
    levels += [(h.level, inline_text(h.children), h.line) for h in _headings(doc.blocks)]
    entries, stack = [], []
    for level, text, line in levels:
        while stack and stack[-1] >= level:
            stack.pop()  # a heading nests under the nearest heading above it of a lower level
        stack.append(level)
        entries.append((f"{len(stack)}: {normalise(text)}", line))
    return entries


def _headings(blocks) -> list[Heading]:
    """Every heading of the body, in reading order, inside quotes and list items too."""
    found: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block)
        elif isinstance(block, Quote):
            found += _headings(block.blocks)
        elif isinstance(block, List):
            found += [h for item in block.items for h in _headings(item.blocks)]
    return found


def _nav_toc(doc, book: Package, nav_path: str, nav, headings, edition: str) -> list[Difference]:
    """The toc nav's heading is "Contents" in the book's language (spec.NAV_WORDS); its entries
    equal the headings and point at them."""
    tocs = [n for n in nav.iter(f"{{{XHTML_NS}}}nav") if "toc" in n.get(EPUB_TYPE, "").split()]
    if len(tocs) != 1:
        return [_difference(edition, f"{nav_path} toc nav", "1", str(len(tocs)))]
    heading = next((e for e in tocs[0] if e.tag in HEADINGS), None)
    label = normalise("".join(heading.itertext())) if heading is not None else "(none)"
    found = _unequal(edition, f"{nav_path} toc heading", [nav_words(doc.meta.language)[1]["contents"]], [label])
    entries = list(_nav_entries(tocs[0].find("h:ol", NS), 1))
    where = f"{nav_path} toc entry"
    found += _sequence(edition, where, headings, [text for text, _ in entries])
    return found + _targets(book, nav_path, where, entries, headings, edition)


def _nav_entries(ol, depth: int):
    """("depth: label", href) for each entry of a nav list, in order, descending into sub-lists."""
    for li in ol.iterfind("h:li", NS) if ol is not None else ():
        link = next((e for e in li if _local(e.tag) in ("a", "span")), None)
        label = normalise("".join(link.itertext())) if link is not None else ""
        yield f"{depth}: {label}", link.get("href", "") if link is not None else ""
        yield from _nav_entries(li.find("h:ol", NS), depth + 1)


def _targets(book: Package, base: str, where: str, entries, headings, edition: str) -> list[Difference]:
    """Each entry's target is the heading the model has at its place (a changed label is the labels' difference)."""
    found = []
    for number, ((_, href), (text, line)) in enumerate(zip(entries, headings, strict=False), start=1):
        target = _resolve(book, base, href)
        wanted = text.split(": ", 1)[1]
        got = normalise("".join(target.itertext())) if target is not None and target.tag in HEADINGS else None
        if got != wanted:
            found.append(_difference(edition, f"{where} {number} target {href}", wanted, got or "(no heading)", line))
    return found


def _page_list(book: Package, nav_path: str, nav, edition: str) -> list[Difference]:
    """The page-list nav lists every page-break marker of the content, in order, by its label;
    the package claims page navigation exactly when there are markers."""
    markers = [
        f"{_marker_label(e)} -> {path}#{e.get('id', '')}"
        for path in book.content_documents()
        if path != nav_path and book.document(path) is not None
        for e in book.document(path).iter()
        if _is_pagebreak(e)
    ]
    lists = [n for n in nav.iter(f"{{{XHTML_NS}}}nav") if "page-list" in n.get(EPUB_TYPE, "").split()]
    links = [a for n in lists for a in n.iter(f"{{{XHTML_NS}}}a")]
    listed = [f"{normalise(''.join(a.itertext()))} -> {_join_href(nav_path, a.get('href', ''))}" for a in links]
    found = _sequence(edition, f"{nav_path} page list entry", [(m, None) for m in markers], listed)
    claims = [e.text for e in book.opf.iterfind("opf:metadata/opf:meta[@property='schema:accessibilityFeature']", NS)]
    want = list(PAGE_FEATURES) if markers else []
    got = [c for c in claims if c in PAGE_FEATURES]
    return found + _unequal(edition, f"{book.opf_path} page navigation claims", want, got)


def _is_pagebreak(element) -> bool:
    return isinstance(element.tag, str) and (
        "pagebreak" in element.get(EPUB_TYPE, "").split() or element.get("role") == "doc-pagebreak"
    )


def _marker_label(element) -> str:
    return normalise(element.get("aria-label") or element.get("title") or "".join(element.itertext()))


def _nav_links_resolve(book: Package, nav_path: str, nav, edition: str) -> list[Difference]:
    """Every link in the nav (toc, page list, landmarks) points at an element in the package."""
    return [
        _difference(edition, f"{nav_path} link {a.get('href')}", "(an element in the package)", "(nothing)")
        for a in nav.iter(f"{{{XHTML_NS}}}a")
        if _resolve(book, nav_path, a.get("href", "")) is None
    ]


def _unaccounted_nav_text(nav_path: str, nav, edition: str) -> list[Difference]:
    """The nav's only text: its navs' headings and link labels (compared above, or landmarks' own)."""
    body = nav.find("h:body", NS)
    stray = _text_outside(body, {f"{{{XHTML_NS}}}a", *HEADINGS}) if body is not None else ""
    return _unequal(edition, f"{nav_path} text outside nav entries", [], [stray] if stray else [])


def ncx_differences(doc: Document, book: Package, headings, edition: str) -> list[Difference]:
    """The NCX's uid is the OPF's identifier, its title the title, its navPoints the headings."""
    path = book.manifest.get(_spine_toc(book), ("", "", ""))[0]
    ncx = book.document(path) if path else None
    if ncx is None:
        return []  # an NCX is optional in EPUB 3; an unused or missing one is the manifest's difference
    uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS)
    found = _unequal(
        edition, f"{path} dtb:uid", [_identifier(book)], [uid.get("content", "") if uid is not None else ""]
    )
    title = normalise(ncx.findtext("ncx:docTitle/ncx:text", "", NS))
    found += _unequal(edition, f"{path} docTitle", [normalise(doc.meta.title)], [title])
    authors = [normalise(t.text or "") for t in ncx.iterfind("ncx:docAuthor/ncx:text", NS)]
    creator = doc.meta.publisher or doc.meta.office
    found += _unequal(edition, f"{path} docAuthor", [normalise(creator)] if creator else [], authors)
    entries = list(_ncx_entries(ncx.find("ncx:navMap", NS), 1))
    found += _sequence(edition, f"{path} navPoint", headings, [text for text, _ in entries])
    found += _targets(book, path, f"{path} navPoint", entries, headings, edition)
    extra = [normalise(t.text or "") for t in ncx.iter(f"{{{NCX_NS}}}text") if not _ncx_accounted(t)]
    return found + _unequal(edition, f"{path} other text", [], [t for t in extra if t])


def _ncx_accounted(text) -> bool:
    """True for the NCX texts compared above: the docTitle, the docAuthor and each navPoint's label."""
    parent = text.getparent()
    if _local(parent.tag) in ("docTitle", "docAuthor"):
        return True
    return _local(parent.tag) == "navLabel" and _local(parent.getparent().tag) == "navPoint"


def _ncx_entries(parent, depth: int):
    """("depth: label", src) for each navPoint, in order, descending into nested ones."""
    for point in parent.iterfind("ncx:navPoint", NS) if parent is not None else ():
        label = normalise(point.findtext("ncx:navLabel/ncx:text", "", NS))
        content = point.find("ncx:content", NS)
        yield f"{depth}: {label}", content.get("src", "") if content is not None else ""
        yield from _ncx_entries(point, depth + 1)


def _spine_toc(book: Package) -> str:
    """The manifest id of the NCX the spine names ("" if none)."""
    spine = book.opf.find("opf:spine", NS)
    return (spine.get("toc") or "") if spine is not None else ""


def _identifier(book: Package) -> str:
    """The package's unique identifier: the dc:identifier the package element names."""
    wanted = book.opf.get("unique-identifier", "")
    for element in book.opf.iterfind("opf:metadata/dc:identifier", NS):
        if element.get("id") == wanted:
            return (element.text or "").strip()
    return "(no unique identifier)"


# ---------------------------------------------------------------- shared helpers


def _resolve(book: Package, base: str, href: str):
    """The element `href` (relative to zip path `base`) points at: a document, or an id in it; None if none."""
    path, fragment = urldefrag(href)
    if not path and not fragment:
        return None
    root = book.document(_join(posixpath.dirname(base), path) if path else base)
    if root is None or not fragment:
        return root
    return next((e for e in root.iter() if isinstance(e.tag, str) and e.get("id") == unquote(fragment)), None)


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href)))


def _join_href(base: str, href: str) -> str:
    """`href` as a zip path with its fragment, for comparing page-list targets with markers."""
    path, fragment = urldefrag(href)
    return f"{_join(posixpath.dirname(base), path) if path else base}#{fragment}"


def _text_outside(root, owners: set[str]) -> str:
    """The text of `root` not inside an element whose tag is in `owners` (normalised)."""
    parts: list[str] = []

    def walk(element) -> None:
        if element.tag not in owners:
            parts.append(element.text or "")
            for child in element:
                if isinstance(child.tag, str):
                    walk(child)
                parts.append(child.tail or "")

    if root is not None:
        walk(root)
    return normalise(" ".join(parts))


def _local(tag: str) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def _difference(edition: str, where: str, expected: str, found: str, line: int | None = None) -> PackageDifference:
    return PackageDifference(edition, None, line, expected, found, where=where)


def _unequal(edition: str, where: str, expected: list[str], found: list[str]) -> list[Difference]:
    """One difference if the two lists of values differ (a field written twice is a difference too)."""
    if expected == found:
        return []
    return [_difference(edition, where, " | ".join(expected) or "(nothing)", " | ".join(found) or "(nothing)")]


def _sequence(edition: str, where: str, expected: list[tuple[str, int | None]], found: list[str]) -> list[Difference]:
    """Entry-by-entry differences between expected (text, source line) entries and found texts."""
    want = [text for text, _ in expected]
    differences: list[Difference] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(a=want, b=found, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for k in range(max(a2 - a1, b2 - b1)):
            i, j = a1 + k, b1 + k
            exp, line = expected[i] if i < a2 else ("(nothing)", None)
            got = found[j] if j < b2 else "(missing)"
            differences.append(_difference(edition, f"{where} {(i if i < a2 else j) + 1}", exp, got, line))
    return differences
