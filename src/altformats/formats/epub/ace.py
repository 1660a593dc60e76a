"""Ace by DAISY (npm @daisy/ace-cli): EPUB accessibility checks, axe-core in Debian's Chromium via puppeteer."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError

ACE = ("@daisy/ace-cli", "bin/ace.js")


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Violations per EPUB, one line each ("ace: rule (impact): title at document")."""
    node = tools.executable("node", "nodejs")
    script = tools.npm_file(*ACE)
    # Debian's Chromium, never a downloaded one. Ace's puppeteer runner already
    # launches it with --no-sandbox, which Chromium needs when run as root.
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": tools.chromium()}
    return {path: _check_one(node, script, path, env) for path in paths}


def _check_one(node: str, script: Path, path: Path, env: dict[str, str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="altformats-ace-") as out:
        # -E: exit 2 when the EPUB fails; the report says why.
        command = [node, str(script), "--exiterror2", "--silent", "--force", "--outdir", out, str(path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AltformatsError(f"Ace by DAISY could not run: {error}") from None
        report_path = Path(out) / "report.json"
        if done.returncode not in (0, 2) or not report_path.exists():
            tail = (done.stderr or done.stdout).strip()[-2000:]
            raise AltformatsError(f"Ace by DAISY failed on {path} (exit {done.returncode}) without a report:\n{tail}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    findings = [_line(document, assertion) for document, assertion in _failures(report)]
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


def _line(document: str, assertion: dict) -> str:
    test = assertion.get("earl:test", {})
    pointer = assertion.get("earl:result", {}).get("earl:pointer", {}).get("css", [])
    where = f"{document} {' '.join(pointer)}".strip()
    advice = test.get("help", {}).get("dct:description") or test.get("dct:description", "")
    return f"ace: {test.get('dct:title', '?')} ({test.get('earl:impact', '?')}): {advice} at {where}"
