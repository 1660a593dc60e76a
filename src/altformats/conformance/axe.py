"""axe-core (WCAG 2.0-2.2 A/AA and best practice) in headless Chromium, light and dark scheme."""

from __future__ import annotations

import os
from pathlib import Path

from altformats import tools

SCRIPT = Path(__file__).with_name("axe.mjs")


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Violations per page, one line each ("axe: rule (impact, scheme): help at selector")."""
    node = tools.executable("node", "nodejs")
    tools.npm_file("axe-core", "axe.min.js")
    tools.npm_file("playwright-core", "package.json")
    env = {**os.environ, "CHROMIUM": tools.chromium(), "NODE_PATH": str(tools.node_modules())}
    report = tools.run_json([node, str(SCRIPT), *map(str, paths)], "axe-core", env=env)
    return {path: [_line(v) for v in report.get(str(path), [])] for path in paths}  # type: ignore[union-attr]


def _line(violation: dict) -> str:
    where = ", ".join(violation["nodes"][:3])
    return (
        f"axe: {violation['id']} ({violation['impact']}, {violation['scheme']} scheme): {violation['help']} at {where}"
    )
