"""The HTML pages read as a person gets them: Debian's Chromium renders them, and its accessibility tree speaks them.

One long-lived Node.js child (browser.mjs, over the npm playwright-core) keeps one headless Chromium
for a whole check run (`Check.shared("chromium", ...)`); each page is one JSON line in and one out.
Three proofs come of a page (docs/html.md): "browser" (the rendered text per block, CSS applied and
scripts run), "a11y tree" (what a screen reader announces) and "page facts" (lang, title, abbr
expansions, link targets, nothing outside <main> but declared furniture).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
from dataclasses import dataclass
from pathlib import Path

from altformats import parity, tools
from altformats.document.model import Abbr, Document, Emphasis, Link, Strong, TextBlock, normalise
from altformats.errors import AltformatsError, MissingTool
from altformats.formats.base import Check, Proof

SCRIPT = Path(__file__).with_name("browser.mjs")
PAGE_TIMEOUT = 120.0  # seconds one page may take (a loaded machine; a page normally takes well under 1 s)
# Masthead lines that are labels in the house style: a template may set them in capitals
# (text-transform), so their case may differ from the source's, never their words.
CASE_FREE_ROLES = frozenset({"kind"})


@dataclass(frozen=True)
class PageReading:
    """What the browser found on one page: rendered and spoken blocks, text outside <main>, page facts."""

    rendered: list[str]
    spoken: list[str]
    outside: dict
    facts: dict


class Browser:
    """One headless Chromium behind a Node.js child, reading one page per request."""

    def __init__(self) -> None:
        node = tools.executable("node", "nodejs")
        tools.npm_file("playwright-core", "package.json")
        chromium = tools.chromium()
        if not Path(chromium).is_file():  # CHROMIUM may name a browser that is not there
            raise MissingTool(f"chromium ({chromium})", f"apt-get install chromium   (or: {tools.SETUP})")
        env = {**os.environ, "CHROMIUM": chromium, "NODE_PATH": str(tools.node_modules())}
        self.process = tools.popen(
            [node, str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self._pending = b""

    def read(self, path: Path) -> PageReading:
        """The browser's reading of the page at `path` (opened through file://)."""
        request = json.dumps({"file": str(Path(path).resolve())}) + "\n"
        try:
            self.process.stdin.write(request.encode())
            self.process.stdin.flush()
        except OSError as error:
            raise AltformatsError(f"{path}: the browser (Chromium via playwright-core) is gone: {error}") from None
        reply = json.loads(self._line(path))
        if "error" in reply:
            raise AltformatsError(f"{path}: the browser could not read the page: {reply['error'][:2000]}")
        return PageReading(reply["rendered"], reply["spoken"], reply["outside"], reply["facts"])

    def _line(self, path: Path) -> bytes:
        """The next reply line, waiting at most PAGE_TIMEOUT seconds."""
        out = self.process.stdout
        while b"\n" not in self._pending:
            ready, _, _ = select.select([out], [], [], PAGE_TIMEOUT)
            chunk = os.read(out.fileno(), 1 << 20) if ready else b""
            if not chunk:
                why = "timed out" if not ready else f"exited with {self.process.poll()}"
                raise AltformatsError(f"{path}: the browser {why} while reading the page")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line

    def close(self) -> None:
        """End the child and its Chromium."""
        try:
            self.process.stdin.close()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        tools.stop(self.process)


def browser(check: Check) -> Browser:
    """The run's one browser, started the first time a proof asks for it."""
    return check.shared("chromium", Browser, Browser.close)


def proofs(doc: Document, edition: str, readings: list[PageReading]) -> list[Proof]:
    """The "browser", "a11y tree" and "page facts" proofs of an edition's pages, read in order."""
    expected = doc.reading_blocks()
    rendered = [block for r in readings for block in r.rendered]
    spoken = [block for r in readings for block in r.spoken]
    return [
        Proof("browser", tuple(compare_blocks(edition, expected, rendered))),
        Proof("a11y tree", tuple(compare_blocks(edition, expected, spoken))),
        Proof("page facts", tuple(page_facts(doc, edition, readings))),
    ]


def compare_blocks(edition: str, expected: list[TextBlock], found: list[str]) -> list[parity.Difference]:
    """parity.compare, except that a case-free masthead label may differ in case, never in words."""
    relaxed = list(found)
    for k, block in enumerate(expected):
        if block.role in CASE_FREE_ROLES and k < len(relaxed) and _same_words(block.text, relaxed[k]):
            relaxed[k] = block.text
    return parity.compare(edition, expected, relaxed)


def _same_words(a: str, b: str) -> bool:
    return normalise(a).casefold().split() == normalise(b).casefold().split()


def page_facts(doc: Document, edition: str, readings: list[PageReading]) -> list[parity.Difference]:
    """lang, title, abbr expansions and link targets as the source has them; no text outside <main>."""
    found: list[parity.Difference] = []
    meta = doc.meta

    def fact(what: str, expected: str, got: object) -> None:
        found.append(parity.Difference(f"{edition} {what}", None, None, expected, str(got)))

    for reading in readings:
        facts = reading.facts
        for attribute in ("lang", "xmlLang"):
            if (attribute == "lang" or facts[attribute] is not None) and facts[attribute] != meta.language:
                fact(attribute.replace("xmlLang", "xml:lang"), meta.language, facts[attribute])
        if normalise(meta.title) not in normalise(facts["title"] or ""):
            fact("title", meta.title, facts["title"])
        for url in facts["blocked"]:
            fact("network request", "(none: the page is self-contained)", url)
        for text in _outside(reading):
            fact("text outside <main>", "(only declared furniture)", text)
    want_abbrs, want_links = _inline_facts(doc)
    got_abbrs = [(normalise(t), e) for r in readings for t, e in r.facts["abbrs"]]
    got_links = [href for r in readings for _, href in r.facts["links"]]
    found += _sequence(edition, "abbr", [t for t, _ in want_abbrs], [t for t, _ in got_abbrs])
    found += _expansions(edition, dict(want_abbrs), got_abbrs, doc)
    found += _sequence(edition, "link", want_links, got_links)
    return found


def _expansions(
    edition: str, expansion: dict[str, str], got: list[tuple[str, str | None]], doc: Document
) -> list[parity.Difference]:
    """An abbreviation's expansion, wherever the page gives one (title), is the front matter's; and each
    abbreviation is expanded somewhere: in a title, or in the words themselves ("missile defense (MD)").

    Announcing the expansion at every use makes a screen reader say it twice beside its own words, so
    the page may give it once (docs/html.md); what it may not do is give a wrong one, or none.
    """
    found = []
    text = normalise(" ".join(block.text for block in doc.reading_blocks())).casefold()
    for k, (abbr, title) in enumerate(got, start=1):
        if title and abbr in expansion and title != expansion[abbr]:
            found.append(parity.Difference(f"{edition} abbr {k}", None, None, f"{abbr} = {expansion[abbr]}", title))
    given = {abbr for abbr, title in got if title}
    for abbr, meaning in expansion.items():
        if abbr not in given and normalise(meaning).casefold() not in text:
            found.append(
                parity.Difference(f"{edition} abbr {abbr}", None, None, f"{abbr} = {meaning}", "never expanded")
            )
    return found


def _outside(reading: PageReading) -> list[str]:
    """Rendered or spoken text outside <main> that no [data-furniture] element declares."""
    furniture = normalise(" ".join(reading.outside["furniture"]))
    texts = reading.outside["rendered"] + reading.outside["spoken"]
    return list(dict.fromkeys(t for t in texts if normalise(t) not in furniture))


def _inline_facts(doc: Document) -> tuple[list[tuple[str, str]], list[str]]:
    """Every abbreviation (text, expansion) and link target of the reading text, in order."""
    abbrs: list[tuple[str, str]] = []
    links: list[str] = []

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, Abbr):
                abbrs.append((normalise(node.text), node.expansion))
            elif isinstance(node, Link):
                links.append(node.target)
            if isinstance(node, (Link, Emphasis, Strong)):
                walk(node.children)

    for block in doc.reading_blocks():
        walk(block.inlines)
    return abbrs, links


def _sequence(edition: str, what: str, expected: list[str], found: list[str]) -> list[parity.Difference]:
    """Each expected item against the found one at its place (missing and extra ones too)."""
    differences = []
    for k in range(max(len(expected), len(found))):
        want = expected[k] if k < len(expected) else "(nothing)"
        got = found[k] if k < len(found) else "(missing)"
        if want != got:
            differences.append(parity.Difference(f"{edition} {what} {k + 1}", None, None, want, got))
    return differences
