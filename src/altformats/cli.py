"""The command line: a thin layer over altformats.api (build, check, formats)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from altformats import api, formats
from altformats.errors import AltformatsError, BuildFailed, Interrupted

EXIT = {"ok": 0, "error": 1, "usage": 2}  # and 128 + the signal's number when interrupted: 130, 143


def parser() -> argparse.ArgumentParser:
    """The argument parser; format choices come from the registry."""
    top = argparse.ArgumentParser(prog="altformats", description="One structured source, every accessible format.")
    sub = top.add_subparsers(dest="command", required=True)
    known = ", ".join(formats.names())
    for name, help_text in (
        ("build", "build editions into OUT/<slug>/"),
        ("check", "read built editions back and prove them"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.set_defaults(usage_error=cmd.error)  # prints this command's usage and exits 2
        cmd.add_argument("sources", nargs="*", metavar="SOURCE", help="source files (default: source/*.md)")
        cmd.add_argument(
            "--format",
            "-f",
            action="append",
            dest="formats",
            metavar="NAME",
            help=f"a format to use, repeatable or comma-separated (default: all: {known})",
        )
        cmd.add_argument(
            "--out",
            "-o",
            default=api.DEFAULTS["out"],
            metavar="DIR",
            help=f"output folder (default: {api.DEFAULTS['out']})",
        )
    sub.choices["build"].add_argument(
        "--templates", metavar="DIR", help="your own templates folder, searched before the project's templates/"
    )
    sub.choices["check"].add_argument(
        "--no-conformance", action="store_true", help="only compare the words; skip axe, Nu and the other validators"
    )
    sub.add_parser("formats", help="list the registered formats")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 error or finding, 2 usage, 130/143 interrupted)."""
    top = parser()
    try:
        args = top.parse_args(argv)
        names = [n.strip() for value in getattr(args, "formats", None) or [] for n in value.split(",") if n.strip()]
        if problem := api.unknown_formats(names):
            args.usage_error(problem)
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
    if args.command == "build":
        with progress_reporter() as progress:
            written = api.build(args.sources, names or None, args.out, args.templates, progress)
        for path in written:
            print(f"wrote {path}")
        return EXIT["ok"]
    with progress_reporter() as progress:
        reports = api.check(args.sources, names or None, args.out, not args.no_conformance, progress)
    return print_reports(reports)


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


@contextmanager
def progress_reporter() -> Iterator[Callable[[str], None]]:
    """A rich spinner on a terminal; silence otherwise (rich is not even imported then)."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.status import Status

    with Status("starting", console=Console(stderr=True)) as status:
        yield lambda message: status.update(message)
