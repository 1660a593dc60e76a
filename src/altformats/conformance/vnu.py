"""The Nu HTML Checker (vnu.jar from the npm package vnu-jar), run with Java."""

from __future__ import annotations

from pathlib import Path

from altformats import tools


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Errors and warnings per page, one line each ("vnu: line N: message")."""
    java = tools.executable("java", "default-jre-headless")
    jar = tools.npm_file("vnu-jar", "build/dist/vnu.jar")
    command = [java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, paths)]
    report = tools.run_json(command, "Nu HTML checker", stream="stderr")
    findings: dict[Path, list[str]] = {path: [] for path in paths}
    by_url = {path.resolve().as_uri(): path for path in paths}
    for message in report.get("messages", []):  # type: ignore[union-attr]
        if message.get("type") == "info" and message.get("subType") != "warning":
            continue
        path = by_url.get(message.get("url", ""), paths[0])
        kind = "warning" if message.get("subType") == "warning" else message.get("type", "error")
        findings[path].append(f"vnu {kind}: line {message.get('lastLine', '?')}: {message.get('message', '')}")
    return findings
