"""The synchronized editions' conformance checkers: EPUBCheck and Ace, axe and the Nu checker, the DAISY 2.02 rules."""

from __future__ import annotations

from pathlib import Path

from altformats.formats.base import merged_findings


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Each file's findings by its kind: the EPUB's, the page's, the DAISY book's (the MP3 has none of its own)."""
    from altformats.formats.epub.checks import ace, epubcheck
    from altformats.formats.html.checks import axe, vnu

    findings: dict[Path, list[str]] = {path: [] for path in paths}
    by_kind = {".epub": (epubcheck, ace), ".html": (axe, vnu), ".zip": (daisy,)}
    for suffix, checkers in by_kind.items():
        chosen = [path for path in paths if path.suffix == suffix]
        if chosen:
            findings.update(merged_findings(chosen, *checkers))
    return findings


def daisy(paths: list[Path]) -> dict[Path, list[str]]:
    """Every DAISY 2.02 rule the book breaks (read_daisy.RULES), one line each."""
    from altformats.formats.narration.read_daisy import rules

    return {path: [f"daisy202: {line}" for line in rules(path.read_bytes())] for path in paths}
