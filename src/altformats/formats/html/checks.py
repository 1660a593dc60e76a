"""The HTML edition's conformance checkers: axe-core in headless Chromium, and the Nu HTML Checker."""

from __future__ import annotations

import os
from pathlib import Path

from altformats import tools
from altformats.formats.base import merged_findings

AXE_SCRIPT = Path(__file__).with_name("axe.mjs")


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Every finding of both checkers, per page: axe-core's, then the Nu checker's."""
    return merged_findings(paths, axe, vnu)


def axe(paths: list[Path]) -> dict[Path, list[str]]:
    """axe-core (WCAG 2.0-2.2 A/AA and best practice), light and dark scheme: one line per violation."""
    node = tools.executable("node", "nodejs")
    tools.npm_file("axe-core", "axe.min.js")
    tools.npm_file("playwright-core", "package.json")
    env = {**os.environ, "CHROMIUM": tools.chromium(), "NODE_PATH": str(tools.node_modules())}
    report = tools.run_json([node, str(AXE_SCRIPT), *map(str, paths)], "axe-core", env=env)
    return {path: [_axe_line(v) for v in report.get(str(path), [])] for path in paths}  # type: ignore[union-attr]


def _axe_line(violation: dict) -> str:
    where = ", ".join(violation["nodes"][:3])
    return (
        f"axe: {violation['id']} ({violation['impact']}, {violation['scheme']} scheme): {violation['help']} at {where}"
    )


def vnu(paths: list[Path]) -> dict[Path, list[str]]:
    """The Nu HTML Checker (vnu.jar from the npm package vnu-jar): one line per error or warning."""
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
