"""External tools found (or a MissingTool saying how to install them), run as children that die with the build.

Every child started through `popen` or `run` gets its own process group (so its own children, such as
the Chromium a Node.js script starts, can be stopped with it) and asks the kernel for SIGKILL when
altformats dies (PR_SET_PDEATHSIG), so even kill -9 of a build leaves no encoder writing on. A
child must be waited for by the thread that started it: the kernel ties the signal to that thread.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from altformats.errors import AltformatsError, MissingTool, Problem

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


CHECKERS = ("axe-core", "playwright-core", "vnu-jar", "@daisy/ace-cli")  # package.json's dependencies
INSTALL_CHECKERS = "altformats install-checkers"


def user_node_modules() -> Path:
    """Where `altformats install-checkers` puts the npm checkers: $XDG_DATA_HOME/altformats/node_modules."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "altformats" / "node_modules"


def in_checkout() -> bool:
    """Whether altformats runs from a source checkout (its package.json beside pyproject.toml)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "package.json").is_file()


def node_modules() -> Path:
    """The npm checkers' folder: ALTFORMATS_NODE_MODULES (which the config's `checkers` sets when unset),
    else the checkout's node_modules when it has them, else the user data folder install-checkers fills."""
    if configured := os.environ.get("ALTFORMATS_NODE_MODULES"):
        return Path(configured)
    checkout = PROJECT_ROOT / "node_modules"
    if in_checkout() and checkout.is_dir():
        return checkout
    return user_node_modules()


def checker_install_line() -> str:
    """The command that installs the npm checkers where `node_modules` looks."""
    if os.environ.get("ALTFORMATS_NODE_MODULES"):
        return f"{INSTALL_CHECKERS} --into {node_modules().parent}   (or point ALTFORMATS_NODE_MODULES elsewhere)"
    if in_checkout():
        return f"npm ci --prefix {PROJECT_ROOT}   (or: {SETUP})"
    return INSTALL_CHECKERS


def npm_file(package: str, relative: str) -> Path:
    """A file inside an installed npm package, or MissingTool saying where it looked and what to run."""
    path = node_modules() / package / relative
    if not path.exists():
        raise MissingTool(f"npm package {package} (looked in {node_modules()})", checker_install_line())
    return path


def checker_manifest() -> Path:
    """The folder holding the package.json and package-lock.json of the checkers (in the wheel, or the checkout)."""
    shipped = Path(__file__).parent / "checkers"
    return shipped if (shipped / "package-lock.json").is_file() else PROJECT_ROOT


def install_checkers(into: Path | None = None) -> Path:
    """Install the npm checkers once, with `npm ci` from the shipped lock file; return their node_modules.

    Only this explicit command downloads them: a build or a check never does.
    """
    prefix = into or user_node_modules().parent
    npm = executable("npm", "npm")
    prefix.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(checker_manifest() / name, prefix / name)
    done = run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(prefix)], timeout=1800)
    if done.returncode != 0:
        raise AltformatsError(f"npm ci --prefix {prefix} failed (exit {done.returncode}); see npm's messages above")
    return prefix / "node_modules"


def run_checker(
    command: list[str], what: str, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a checker, its output captured as text; an error naming `what` if it cannot be started or times out."""
    try:
        return run(command, capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise AltformatsError(f"{what} could not run: {error}") from None


def checker_failed(what: str, done: subprocess.CompletedProcess, how: str) -> AltformatsError:
    """The error for a checker that ran but gave no usable report, with the end of what it printed."""
    tail = (done.stderr or done.stdout).strip()[-2000:]
    return AltformatsError(f"{what} failed (exit {done.returncode}) {how}:\n{tail}")


def run_json(command: list[str], what: str, stream: str = "stdout", env: dict[str, str] | None = None) -> object:
    """Run a checker that reports JSON on `stream`; fail loudly if it does not."""
    done = run_checker(command, what, env=env)
    try:
        return json.loads(getattr(done, stream))
    except json.JSONDecodeError:
        raise checker_failed(what, done, "without a report") from None


# Environment variables the build reads, each with a check that gives what is wrong with a value, or None.
LATEST_EPOCH = 4102444800  # 2100-01-01T00:00:00Z


def _epoch(value: str) -> str | None:
    if re.fullmatch(r"[0-9]+", value) and int(value) <= LATEST_EPOCH:
        return None
    return f"must be a whole number of seconds from 0 to {LATEST_EPOCH} (2100-01-01), got {value!r}"


def _one_of(*allowed: str) -> Callable[[str], str | None]:
    return lambda value: None if value in allowed else f"must be one of {', '.join(allowed)}, got {value!r}"


# The audio format checks its own variables (ALTFORMATS_AUDIO_PROFILE, ALTFORMATS_AUDIO_RATE) when it renders.
ENVIRONMENT: dict[str, Callable[[str], str | None]] = {
    "SOURCE_DATE_EPOCH": _epoch,
    "ALTFORMATS_BRAILLE_GRADE": _one_of("1", "2"),
}


def environment_problems() -> list[Problem]:
    """What is wrong with the environment variables the build reads (an empty value counts as unset)."""
    problems = []
    for name, problem_with in ENVIRONMENT.items():
        value = os.environ.get(name)
        if value and (message := problem_with(value)):
            problems.append(Problem(name, None, message))
    return problems


PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_GRACE = 2.0  # seconds a child has to exit after SIGTERM before SIGKILL
_children: set[subprocess.Popen] = set()


def _die_with(parent: int) -> Callable[[], None]:
    """A preexec function: SIGKILL this child when `parent` dies, even if it died a moment ago."""
    libc = ctypes.CDLL(None, use_errno=True)

    def setup() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return setup


def popen(command: list[str], **options) -> subprocess.Popen:
    """subprocess.Popen for a child that dies with the build (see the module docstring)."""
    process = subprocess.Popen(command, process_group=0, preexec_fn=_die_with(os.getpid()), **options)
    _children.add(process)
    return process


def run(
    command: list[str], *, input=None, timeout: float | None = None, capture_output: bool = False, **options
) -> subprocess.CompletedProcess:
    """subprocess.run (never check=True) for a child that dies with the build; on timeout or interrupt it is stopped."""
    if capture_output:
        options.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if input is not None:
        options["stdin"] = subprocess.PIPE
    process = popen(command, **options)
    out, err = communicate(process, input, timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def communicate(process: subprocess.Popen, input=None, timeout: float | None = None) -> tuple:
    """Wait for a child started with `popen` and forget it; on timeout or interrupt it is stopped."""
    try:
        return process.communicate(input, timeout=timeout)
    except BaseException:
        stop(process)
        raise
    finally:
        _children.discard(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a child and its process group: SIGTERM, then SIGKILL after STOP_GRACE seconds."""
    _children.discard(process)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
            process.wait(STOP_GRACE)
        except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
            continue
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream:
            stream.close()


def stop_children(untracked: bool = False, keep: frozenset = frozenset()) -> None:
    """Stop every child started through `popen` but those in `keep`; with `untracked`, every other
    child of this process too.

    `keep` holds children that do not belong to the failing work (a check run's browser, started
    before a build in the same process). Untracked children are the ones a module started with
    subprocess directly; they are found in /proc, and only they, not their own children, are reached.
    """
    for process in list(_children):
        if process not in keep:
            stop(process)
    if untracked:
        _stop_untracked()


def _stop_untracked() -> None:
    pids = _direct_children()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
        pids = _wait_for(pids)
        if not pids:
            return


def _direct_children() -> list[int]:
    """The process ids of this process's children, from /proc (Linux)."""
    pids: list[int] = []
    for task in Path("/proc/self/task").glob("*/children"):
        try:
            pids.extend(int(pid) for pid in task.read_text().split())
        except OSError:
            continue
    return pids


def _wait_for(pids: list[int]) -> list[int]:
    """Reap what exits within STOP_GRACE seconds; return the ids still running."""
    deadline = time.monotonic() + STOP_GRACE
    running = list(pids)
    while running and time.monotonic() < deadline:
        for pid in list(running):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                running.remove(pid)
        time.sleep(0.02)
    return running


def running_children() -> frozenset:
    """The children started through `popen` that are running now (to keep them out of a later stop)."""
    return frozenset(_children)
