"""The command line: a thin layer over altformats.api (build, check), serve, new, install-checkers."""

from __future__ import annotations

import argparse
import glob
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from altformats import api, config, formats, tools
from altformats.errors import AltformatsError, BuildFailed, Interrupted
from altformats.formats.audio import spec

EXIT = {"ok": 0, "error": 1, "usage": 2}  # and 128 + the signal's number when interrupted: 130, 143
# The options the other API keywords take, with the value that means "not asked for".
API_OPTIONS = {"jobs": None, "force": False, "executor": "local", "scheduler": None}
# --audio-profile sets the variable the audio format reads when it renders, as the config file's audio_profile does.
AUDIO_PROFILE_VARIABLE = "ALTFORMATS_AUDIO_PROFILE"
AUDIO_PROFILES = [*spec.DELIVERIES, *spec.ALIASES]


def version() -> str:
    """The installed altformats version (the package's own when it is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("altformats")
    except PackageNotFoundError:
        from altformats import __version__

        return __version__


class _Version(argparse._VersionAction):
    """--version, looked up only when asked for: reading the installed metadata costs every other command."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        self.version = f"altformats {version()}"
        super().__call__(parser, *args)


def parser() -> argparse.ArgumentParser:
    """The argument parser; format choices come from the registry."""
    top = argparse.ArgumentParser(prog="altformats", description="One structured source, every accessible format.")
    top.add_argument("--version", action=_Version)
    sub = top.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("build", "build editions into OUT/<slug>/"),
        ("check", "read built editions back and prove them"),
        ("serve", "build, serve OUT on 127.0.0.1 with an index of every edition, rebuild on change"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.set_defaults(usage_error=cmd.error)  # prints this command's usage and exits 2
        _common_options(cmd)
    for name in ("build", "serve"):
        sub.choices[name].add_argument(
            "--templates", metavar="DIR", help="your own templates folder, searched before the project's templates/"
        )
        sub.choices[name].add_argument(
            "--audio-profile",
            choices=AUDIO_PROFILES,
            metavar="NAME",
            help=f"the audio delivery profile: {', '.join(AUDIO_PROFILES)} (default podcast; standard is podcast)",
        )
    sub.choices["check"].add_argument(
        "--no-conformance", action="store_true", help="only compare the words; skip axe, Nu and the other validators"
    )
    sub.choices["serve"].add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    new = sub.add_parser("new", help="write a starter source, every front-matter key explained")
    new.add_argument("slug", metavar="SLUG", help="the new document's slug (its file name without .md)")
    new.add_argument("--out-dir", default="source", metavar="DIR", help="where to write SLUG.md (default: source)")
    sub.add_parser("formats", help="list the registered formats")
    install = sub.add_parser("install-checkers", help="install the npm checkers once, for `check` (needs npm)")
    install.add_argument("--into", metavar="DIR", help="the folder to install into (default: the user data folder)")
    return top


def _common_options(cmd: argparse.ArgumentParser) -> None:
    """The options build, check and serve share; None means "not given" so the config file can fill it."""
    known = ", ".join(formats.names())
    cmd.add_argument("sources", nargs="*", metavar="SOURCE", help="source files (default: source/*.md)")
    cmd.add_argument(
        "--format",
        "-f",
        action="append",
        dest="formats",
        metavar="NAME",
        help=f"a format to use, repeatable or comma-separated (default: all: {known})",
    )
    cmd.add_argument("--out", "-o", metavar="DIR", help=f"output folder (default: {api.DEFAULTS['out']})")
    cmd.add_argument("--config", metavar="FILE", help="the config file (default: altformats.toml or pyproject.toml)")
    cmd.add_argument("--jobs", "-j", type=_positive, metavar="N", help="worker processes (default: the cores)")
    cmd.add_argument("--force", action="store_true", help="redo every job, cached or not")
    cmd.add_argument("--executor", choices=("local", "dask"), default="local", help="where jobs run (default local)")
    cmd.add_argument("--scheduler", metavar="URL", help="the Dask scheduler, e.g. tcp://HOST:8786")
    cmd.add_argument("--quiet", "-q", action="store_true", help="no progress bar or progress lines")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, got {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 error or finding, 2 usage, 130/143 interrupted)."""
    top = parser()
    try:
        args = top.parse_args(argv)
        names = config.names_of(getattr(args, "formats", None) or [])
        if problem := api.unknown_formats(names):
            args.usage_error(problem)
        if getattr(args, "scheduler", None) and args.executor != "dask":
            args.usage_error("--scheduler needs --executor dask")
    except SystemExit as done:  # argparse's own exit: --help (0) or a usage error (2)
        return done.code if isinstance(done.code, int) else EXIT["usage"]
    with interruptible():
        try:
            return run(args, names)
        except BuildFailed as error:
            for path in error.written:
                print(f"wrote {path}")
            return print_error(error)
        except AltformatsError as error:
            return print_error(error)
        except KeyboardInterrupt as interrupt:
            signum = interrupt.signum if isinstance(interrupt, Interrupted) else signal.SIGINT
            name = signal.Signals(signum).name
            print(f"altformats: interrupted by {name}; the previous outputs are as they were", file=sys.stderr)
            return 128 + signum


def run(args: argparse.Namespace, names: list[str]) -> int:
    """Run the parsed command."""
    if args.command == "formats":
        for name in formats.names():
            print(f"{name}\t{formats.get(name).description}")
        return EXIT["ok"]
    if args.command == "new":
        print(f"wrote {new_source(args.slug, Path(args.out_dir))}")
        return EXIT["ok"]
    if args.command == "install-checkers":
        print(f"installed the npm checkers in {tools.install_checkers(Path(args.into) if args.into else None)}")
        return EXIT["ok"]
    settings = config.load(Path(args.config) if args.config else None)
    with config.environment(settings), variable(AUDIO_PROFILE_VARIABLE, getattr(args, "audio_profile", None)):
        return _run_with(args, resolve(args, names, settings), settings)


@contextmanager
def variable(name: str, value: str | None) -> Iterator[None]:
    """`name` set to `value` for the run (the command line wins over the environment and the config file)."""
    if value is None:
        yield
        return
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _run_with(args: argparse.Namespace, chosen: dict, settings: config.Config) -> int:
    if args.command == "serve":
        from altformats import serve

        return serve.serve(chosen, args.port, progress_reporter, api_options(args, settings), args.quiet)
    with progress_reporter(args.quiet) as progress:
        if args.command == "build":
            options = api_options(args, settings)
            written = api.build(
                chosen["sources"], chosen["formats"], chosen["out"], chosen["templates"], progress, **options
            )
        else:
            options = api_options(args, settings)
            conformance = not args.no_conformance
            reports = api.check(chosen["sources"], chosen["formats"], chosen["out"], conformance, progress, **options)
    if args.command == "build":
        for path in written:
            print(f"wrote {path}")
        return EXIT["ok"]
    return print_reports(reports)


def resolve(args: argparse.Namespace, names: list[str], settings: config.Config) -> dict:
    """sources, formats, out and templates: the command line's, else the config file's, else the defaults."""
    return {
        "sources": args.sources or config_sources(settings),
        "formats": names or (config.names_of(settings.get("formats")) if settings.given("formats") else None),
        "out": args.out or settings.get("out"),
        "templates": getattr(args, "templates", None) or settings.get("templates"),
    }


def config_sources(settings: config.Config) -> list[str] | None:
    """The files the config's `sources` patterns match; a pattern that matches nothing is an error at its line."""
    if not settings.given("sources"):
        return None
    patterns = settings.get("sources")
    found: list[str] = []
    for pattern in [patterns] if isinstance(patterns, str) else patterns:
        matches = sorted(glob.glob(pattern)) or ([pattern] if Path(pattern).is_file() else [])
        if not matches:
            raise AltformatsError(settings.problem("sources", f"{pattern!r} matches no file"))
        found.extend(matches)
    return found


def api_options(args: argparse.Namespace, settings: config.Config) -> dict:
    """--jobs, --force, --executor, --scheduler as keywords for api.build and api.check (config's jobs if unset)."""
    wanted = {name: getattr(args, name, default) for name, default in API_OPTIONS.items()}
    if wanted["jobs"] is None:
        wanted["jobs"] = settings.get("jobs")
    return wanted


STARTER = """---
# {slug}.md: a starter fact sheet. Every front-matter key is below; `altformats build` makes every edition.
title: "{title}"                  # required; the only level-1 heading of every edition
date: {today}                     # required, YYYY-MM-DD: the date of issue, written out in each edition
kind: Fact Sheet                  # read first, before office, place and date
# publisher: U.S. Department of State  # optional: the colophon's first line; the PDF's and EPUB's publisher
# office: Bureau of Public Affairs    # optional: read after kind
# place: Washington, DC               # optional
language: en                      # BCP 47; quote "no" (YAML would read it as false)
# summary: One or two sentences.    # optional: the description in HTML, PDF and EPUB metadata
# abbreviations:                  # written form -> expansion; marked wherever the form occurs
#   NATO: North Atlantic Treaty Organization
# pronunciations:                 # written form -> what a voice says (audio only; the words stay as written)
#   ICBMs: I C B Ems
# contact:                        # optional, the colophon's "Contact:" line: name, phone, email, each optional
#   email: press@example.org
# reference: FS-2024-001          # optional: the colophon's "Reference:" line
# revised: 2024-07-15             # optional, YYYY-MM-DD: the colophon's "Revised:" line, written out
# licence: Public domain          # optional: the colophon's licence or copyright line, as written
# source_url: https://example.org/sheet  # optional, http or https: the colophon's "Original:" line
# translations:                   # optional: BCP 47 tag -> the slug of this sheet in that language
#   es: hoja-informativa
---

## About this fact sheet

Write the body in CommonMark: paragraphs, level-2 to level-6 headings, lists, quotes, tables and links.
"""


def new_source(slug: str, folder: Path) -> Path:
    """Write folder/SLUG.md from STARTER; never over an existing file, never with an unsafe slug."""
    from datetime import date

    from altformats.document.slugs import slug_of

    if any(separator in slug for separator in ("/", "\\")) or slug != slug.strip():
        raise AltformatsError(f"slug {slug!r}: a slug is one file name, without a path separator or outer spaces")
    path = folder / f"{slug}.md"
    slug_of(path)  # the rule every build applies to a source's name
    title = slug.replace("-", " ").replace("_", " ").strip().capitalize() or slug
    text = STARTER.format(slug=slug, title=title.replace('"', "'"), today=date.today().isoformat())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise AltformatsError(f"{path}: already exists; altformats new never overwrites a source") from None
    except OSError as error:
        raise AltformatsError(f"{path}: cannot write: {error.strerror}") from None
    return path


def print_error(error: AltformatsError) -> int:
    """The error's problems on stderr, without a traceback."""
    many = len(error.problems) > 1
    print(f"altformats: error:\n{error}" if many else f"altformats: error: {error}", file=sys.stderr)
    return EXIT["error"]


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGINT raise Interrupted (once), so a build unwinds and cleans up as on an error.

    A second signal while cleaning up is ignored: the cleanup (stopping children, removing the
    staging folder) is short, and cutting it off would leave the debris it is there to remove.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, _frame: object) -> None:
        nonlocal raised
        if not raised:
            raised = True
            raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def print_reports(reports: list[api.EditionReport]) -> int:
    """One line per edition, then its differences and findings; 1 if any edition failed."""
    for report in reports:
        mark = "ok  " if report.ok else "FAIL"
        summary = f"{report.blocks} blocks, {report.words} words"
        problems = len(report.differences) + len(report.findings)
        print(f"{mark} {report.edition:<16} {report.path}  ({summary}; {problems} problem(s))")
        if report.proofs:
            print(f"       read by: {report.readers()}")
        for line in [*map(str, report.differences), *report.findings]:
            print(f"       {line}")
    return 0 if reports and all(r.ok for r in reports) else 1


JOB = re.compile(r"\[(\d+)/(\d+)\]\s*")  # "[3/10] built x: pdf": jobs done so far, and the total


@contextmanager
def progress_reporter(quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on a terminal; elsewhere one plain line on stderr per finished job; --quiet: nothing.

    The API reports each job when it has finished ("[k/N] built slug: format", or "unchanged").
    """
    if quiet:
        yield lambda _: None
    elif sys.stderr.isatty():
        with _bar() as update:
            yield update
    else:
        yield lambda message: print(message, file=sys.stderr, flush=True)


@contextmanager
def _bar() -> Iterator[Callable[[str], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

    columns = (
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(message: str) -> None:
            job = JOB.match(message)
            if job:
                bar.update(task, total=int(job.group(2)), completed=int(job.group(1)))
            bar.update(task, description=JOB.sub("", message, count=1))

        yield update
