"""External tools (Java, Node.js, Chromium and the npm packages) found, or a MissingTool that says how to install them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from altformats.errors import AltformatsError, MissingTool

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETUP = "make setup"  # the project's own installer (scripts/setup.sh)


def executable(name: str, package: str) -> str:
    """The path of a program on PATH, or MissingTool naming the Debian package."""
    found = shutil.which(name)
    if not found:
        raise MissingTool(name, f"apt-get install {package}   (or: {SETUP})")
    return found


def chromium() -> str:
    """Debian's Chromium (never a downloaded browser)."""
    return os.environ.get("CHROMIUM") or executable("chromium", "chromium")


def node_modules() -> Path:
    """The project's npm packages (package.json at the project root)."""
    return Path(os.environ.get("ALTFORMATS_NODE_MODULES", PROJECT_ROOT / "node_modules"))


def npm_file(package: str, relative: str) -> Path:
    """A file inside an installed npm package, or MissingTool."""
    path = node_modules() / package / relative
    if not path.exists():
        raise MissingTool(f"npm package {package}", f"npm ci --prefix {PROJECT_ROOT}   (or: {SETUP})")
    return path


def run_json(command: list[str], what: str, stream: str = "stdout", env: dict[str, str] | None = None) -> object:
    """Run a checker that reports JSON on `stream`; fail loudly if it does not."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise AltformatsError(f"{what} could not run: {error}") from None
    text = getattr(done, stream)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout).strip()[-2000:]
        raise AltformatsError(f"{what} failed (exit {done.returncode}) without a report:\n{tail}") from None
