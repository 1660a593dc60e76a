"""`altformats serve`: build, serve OUT on 127.0.0.1 with an index of every edition, rebuild a document when it changes.

The HTTP server (stdlib, one thread per request) serves only regular files inside OUT, never a
hidden path (a staging or scratch folder) and never a path that leads out of it. The build and
its watcher run in the main thread, so Ctrl-C and SIGTERM unwind a rebuild as they do a build,
and the children a build starts are waited for by the thread that started them (tools.popen).
The index page polls the build's version and reloads when a rebuild has finished.
"""

from __future__ import annotations

import os
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from altformats import api, templating
from altformats.errors import AltformatsError

HOST = "127.0.0.1"
VERSION_PATH = "/__altformats__/version"  # what the index polls; not a file, so never in OUT
# How each kind of file appears on the index, by its name's ending (longest first).
KINDS = {".brl.txt": "text", ".html": "page", ".pdf": "link", ".epub": "download", ".mp3": "audio"}


@dataclass
class Entry:
    """One document on the index: its editions, the last error building it, its last check."""

    source: Path
    slug: str = ""
    title: str = ""
    editions: list[dict] = field(default_factory=list)
    error: str = ""
    report: list[dict] = field(default_factory=list)


@dataclass
class Site:
    """What is being served: the options of the build, and the index's state (read by the HTTP threads)."""

    chosen: dict
    options: dict
    progress: Callable
    version: int = 0
    entries: dict[Path, Entry] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def out(self) -> Path:
        return Path(self.chosen["out"]).resolve()

    def sources(self) -> list[Path]:
        """The sources now (the default glob may match new files since the last look)."""
        return [path.resolve() for path in api.find_sources(self.chosen["sources"])]

    def rebuild(self, sources: Iterable[Path]) -> None:
        """Build and check each source on its own; its error, not an exception, goes on the index."""
        for source in sources:
            entry = Entry(source)
            try:
                with self.progress() as progress:
                    api.build(
                        [source], self.chosen["formats"], self.out, self.chosen["templates"], progress, **self.options
                    )
                reports = api.check([source], self.chosen["formats"], self.out, False)
                entry.report = [_report(r) for r in reports]
            except AltformatsError as error:
                entry.error = str(error)
                print(f"altformats: error:\n{error}", file=sys.stderr, flush=True)
            _describe(entry, self.chosen["formats"], self.out)
            with self.lock:
                self.entries[source] = entry
                self.version += 1

    def index(self) -> str:
        """The index page: every document, every edition built, the last check."""
        with self.lock:
            entries = sorted(self.entries.values(), key=lambda e: e.slug or e.source.name)
            version = self.version
        return templating.render(
            "serve/index.html.j2", self.chosen["templates"], entries=entries, version=version, version_path=VERSION_PATH
        )


def _report(report: api.EditionReport) -> dict:
    problems = [*map(str, report.differences), *report.findings]
    return {"edition": report.edition, "ok": report.ok, "readers": report.readers(), "problems": problems}


def _describe(entry: Entry, names: list[str] | None, out: Path) -> None:
    """Fill in the document's slug, title and built editions (from the source, which may not load)."""
    try:
        doc = api.load(entry.source)
    except AltformatsError:
        entry.slug = entry.source.stem
        return
    entry.slug, entry.title = doc.slug, doc.meta.title
    for fmt in api.chosen_formats(names):
        for output in fmt.outputs(doc, out / doc.slug):
            if output.path.is_file():
                url = "/" + urllib.parse.quote(output.path.relative_to(out).as_posix())
                kind = next((k for end, k in KINDS.items() if output.path.name.endswith(end)), "download")
                entry.editions.append({"edition": output.edition, "url": url, "kind": kind, "name": output.path.name})
    captions = {e["name"]: e["url"] for e in entry.editions if e["name"].endswith(".vtt")}
    for edition in entry.editions:
        edition["captions"] = captions.get(edition["name"].removesuffix(".mp3") + ".vtt", "")
        edition["language"] = doc.meta.language


class Handler(SimpleHTTPRequestHandler):
    """Files inside OUT only; the index at /; the build's version for the index to poll."""

    site: Site  # set on the class made for each server

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/", "/index.html"):
            return self._send(self.site.index().encode("utf-8"), "text/html; charset=utf-8")
        if path == VERSION_PATH:
            return self._send(str(self.site.version).encode(), "text/plain")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt edition is fetched afresh on reload
        super().end_headers()

    def translate_path(self, path: str) -> str:
        """The file a URL names inside OUT, or "" for anything outside it or hidden."""
        return str(inside(self.site.out, urllib.parse.unquote(urllib.parse.urlsplit(path).path)) or "")

    def send_head(self):
        path = self.translate_path(self.path)
        if not path or not os.path.isfile(path):  # no directory listings either
            self.send_error(404, "not found")
            return None
        return super().send_head()

    def log_message(self, format: str, *args) -> None:
        pass  # the build's own lines are what matters on the terminal


def inside(root: Path, url_path: str) -> Path | None:
    """`url_path` as a file under `root` after resolving '..' and symlinks, or None if it leaves root or is hidden."""
    root = root.resolve()
    candidate = (root / url_path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        return None
    if any(part.startswith(".") for part in candidate.relative_to(root).parts):
        return None
    return candidate


def start(site: Site, port: int) -> ThreadingHTTPServer:
    """The HTTP server for `site`, serving in a daemon thread."""
    handler = type("SiteHandler", (Handler,), {"site": site})
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise AltformatsError(f"--port {port}: cannot listen on {HOST}:{port}: {error.strerror}") from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="altformats-serve", daemon=True).start()
    return server


def serve(chosen: dict, port: int, reporter: Callable, options: dict, quiet: bool = False) -> int:
    """Build everything, serve OUT, and rebuild each source that changes until interrupted."""
    site = Site(chosen, options, lambda: reporter(quiet))
    site.rebuild(site.sources())
    server = start(site, port)
    print(f"serving http://{HOST}:{server.server_address[1]}/", flush=True)
    try:
        watch(site)
    finally:
        server.shutdown()
        server.server_close()
    return 0


def watch(site: Site) -> None:
    """Rebuild each source that changes (or all of them when a template changes), forever."""
    import watchfiles

    templates = site.chosen["templates"]
    folders = {str(path.parent) for path in site.sources()} | ({str(Path(templates).resolve())} if templates else set())
    for changes in watchfiles.watch(*sorted(folders), debounce=400, step=50):
        changed = {Path(path).resolve() for _, path in changes}
        known = site.sources() if site.chosen["sources"] is None else list(site.entries)
        if templates and any(p.is_relative_to(Path(templates).resolve()) for p in changed):
            site.rebuild(known)
        else:
            site.rebuild([source for source in known if source in changed and source.is_file()])
