"""Faults of the environment: bad --out, full disks, broken caches, signals, kill -9, stale staging.

Each build leaves the previous outputs as they were or replaces them whole, never writes outside
--out/<slug>/, leaves no staging folder behind, and its child processes die with it. These tests
run as root (they mount a tiny tmpfs and use chattr +i, which bites root too).
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import suppress
from pathlib import Path

import jinja2
import pytest

from altformats import api, output, templating, tools
from altformats.cli import main
from altformats.errors import AltformatsError
from conftest import FIXTURES, SEED

FORMATS = ("html", "braille")
SLUG = SEED.stem


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), staging folders included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(f"*/{output.STAGING_PREFIX}*"))


def changed_seed(tmp_path: Path) -> Path:
    """A copy of the seed, same slug, other words: its outputs differ from the seed's."""
    source = tmp_path / "changed" / SEED.name
    source.parent.mkdir()
    source.write_text(SEED.read_text(encoding="utf-8").replace("Iran", "Iraq"), encoding="utf-8")
    return source


def previous_build(tmp_path: Path, out: Path, names: str = "html,braille") -> dict[str, bytes]:
    """Build the changed seed into `out`; return its files, which a failed build must leave as they are."""
    assert main(["build", str(changed_seed(tmp_path)), "-f", names, "-o", str(out)]) == 0
    return files(out)


def cli(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "altformats", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, waiting to be reaped, has stopped running)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


# --- --out ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_out_that_cannot_be_a_folder_is_a_clean_error(tmp_path, where):
    plain = tmp_path / "plain.txt"
    plain.write_text("not a folder")
    out = plain if where == "a file" else plain / "out"
    done = subprocess.run([sys.executable, "-m", "altformats", "build", str(SEED), "-f", "html", "-o", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith(f"altformats: error: --out {out}: ") and "Traceback" not in done.stderr
    assert plain.read_text() == "not a folder"


def test_out_in_proc_is_a_clean_error(capsys):
    assert main(["build", str(SEED), "-f", "html", "-o", "/proc/altformats-out"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("altformats: error: /proc/altformats-out") and "could not make the folder" in err


@pytest.fixture
def immutable(tmp_path):
    """Make folders immutable (chattr +i: even root cannot write in them); undone afterwards."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def read_only_out(tmp_path, immutable):
    out = tmp_path / "out"
    out.mkdir()
    return immutable(out)


def test_read_only_out_folder_is_refused_before_building(read_only_out, capsys):
    assert main(["build", str(SEED), "-f", "html", "-o", str(read_only_out)]) == 1
    assert f"--out {read_only_out}: is not a writable folder" in capsys.readouterr().err


def test_read_only_slug_folder_keeps_the_previous_outputs(tmp_path, immutable, capsys):
    out = tmp_path / "out"
    before = previous_build(tmp_path, out)
    immutable(out / SLUG)
    assert main(["build", str(SEED), "-f", "html,braille", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / SLUG}: could not make a staging folder: Operation not permitted" in err
    assert files(out) == before


# --- disk full and failed writes --------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 32 MiB tmpfs (room for a previous build of every format, and the audio's scratch PCM), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path) -> None:
    """Fill `disk` to the last byte."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.mark.parametrize("names", ["html", "braille", "pdf", "epub", "audio"])
def test_disk_full_is_a_clean_error_and_keeps_the_previous_outputs(tmp_path, tiny_disk, capsys, names):
    """The audio's speech worker writes its WAVs inside espeak's callback, where a failed write hung it."""
    out = tiny_disk / "out"
    before = previous_build(tmp_path, out, names)
    fill(tiny_disk)
    capsys.readouterr()
    running = set(tools._direct_children())  # the session's own (a check run's browser, a pool's tracker)
    assert main(["build", str(SEED), "-f", names, "-o", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"altformats: error: {out / SLUG / SLUG}") and "No space left on device" in err
    assert f"could not write the {names} edition" in err
    assert files(out) == before
    assert set(tools._direct_children()) <= running  # the speech worker and the encoders are gone


def test_a_failed_move_puts_back_the_files_already_moved(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    before = previous_build(tmp_path, out)
    real, moves = os.replace, []

    def failing_second_move(src, dst):
        moves.append(dst)
        if len(moves) == 2:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing_second_move)
    assert main(["build", str(SEED), "-f", "html,braille", "-o", str(out)]) == 1
    monkeypatch.undo()
    assert f"{moves[1]}: could not move into place: Input/output error" in capsys.readouterr().err
    assert files(out) == before  # the first file moved was put back


def test_a_failed_write_names_the_file_it_was_writing(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    before = previous_build(tmp_path, out)

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["build", str(SEED), "-f", "html", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / SLUG / SLUG}.html: could not write the html edition: No space left on device" in err
    assert files(out) == before


# --- the template cache -----------------------------------------------------------------------


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A fresh XDG_CACHE_HOME, and Jinja environments made afresh before and after."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    templating.environment.cache_clear()
    yield home
    templating.environment.cache_clear()


def html_of(tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    templating.environment.cache_clear()
    assert main(["build", str(SEED), "-f", "html", "-o", str(out)]) == 0
    return (out / SLUG / f"{SLUG}.html").read_bytes()


@pytest.mark.parametrize("garbage", [b"garbage", jinja2.bccache.bc_magic + b"\x80\x04garbage", b""])
def test_corrupted_template_cache_is_rebuilt(tmp_path, cache_home, garbage):
    expected = html_of(tmp_path, "first")
    cached = sorted((cache_home / "altformats" / "jinja").glob("*.cache"))
    assert cached
    for path in cached:
        path.write_bytes(garbage)
    assert html_of(tmp_path, "second") == expected
    assert all(path.read_bytes() != garbage for path in cached)  # compiled afresh and written again


def test_read_only_template_cache_is_skipped(tmp_path, cache_home, immutable):
    folder = cache_home / "altformats" / "jinja"
    folder.mkdir(parents=True)
    immutable(folder)
    assert html_of(tmp_path, "out") == html_of(tmp_path, "again")
    assert not any(folder.iterdir())


def test_template_cache_that_is_a_file_is_skipped(tmp_path, cache_home):
    cache_home.write_text("not a folder")
    assert b"<main" in html_of(tmp_path, "out")


# --- the environment --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", " 12", "4102444801", "١٢"])
def test_bad_source_date_epoch_is_an_error_naming_the_variable(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert main(["build", str(SEED), "-f", "html", "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("altformats: error: SOURCE_DATE_EPOCH: must be a whole number")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "1176681600", "4102444800", ""])
def test_good_source_date_epoch_passes(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert tools.environment_problems() == []


def test_a_bad_braille_grade_is_an_error_naming_the_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ALTFORMATS_BRAILLE_GRADE", "3")
    assert main(["build", str(SEED), "-f", "braille", "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("altformats: error: ALTFORMATS_BRAILLE_GRADE: must be one of 1, 2")
    assert not (tmp_path / "out").exists()


# --- several documents ------------------------------------------------------------------------


def test_a_failed_document_is_named_and_the_written_ones_reported(tmp_path, capsys):
    out = tmp_path / "out"
    chinese = FIXTURES / "samples" / "zh-missile-defense.md"  # braille refuses Chinese
    assert main(["build", str(chinese), str(SEED), "-f", "braille", "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"wrote {out / SLUG / SLUG}.{ext}" for ext in ("brf", "brl.txt", "pef")]
    assert f"{chinese}: not built; {out / chinese.stem} is as it was:" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [SLUG]  # nothing of the failed one, no staging


# --- never outside --out ----------------------------------------------------------------------


def test_a_symlinked_slug_folder_leading_outside_out_is_refused(tmp_path, capsys):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / SLUG).symlink_to(outside)
    assert main(["build", str(SEED), "-f", "html", "-o", str(out)]) == 1
    assert f"{out / SLUG}: leads to {outside}, outside --out {out}" in capsys.readouterr().err
    assert not any(outside.iterdir())


# --- stale staging ----------------------------------------------------------------------------


def _reaped_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_stale_staging_is_removed_and_a_running_build_left_alone(tmp_path):
    out = tmp_path / "out"
    folder = out / SLUG
    folder.mkdir(parents=True)
    dead = folder / f"{output.STAGING_PREFIX}{_reaped_pid()}-dead"
    running = folder / f"{output.STAGING_PREFIX}1-running"  # pid 1 is alive, and its lock is held
    starting = folder / f"{output.STAGING_PREFIX}1-starting"  # alive, unlocked, but just made
    old = folder / f"{output.STAGING_PREFIX}1-old"  # alive (a reused pid), unlocked and old
    for stage in (dead, running, starting, old):
        (stage / output.SCRATCH).mkdir(parents=True)
        (stage / f"{SLUG}.html").write_text("half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    lock = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        assert main(["build", str(SEED), "-f", "html", "-o", str(out)]) == 0
    finally:
        os.close(lock)
    assert staging_folders(out) == [running, starting]


# --- signals, kill -9 and child processes -----------------------------------------------------

# A build whose one format writes a file, keeps temporary work in build.scratch, and waits on three
# children: one through tools.popen, one started with subprocess directly, one through tools.run.
HARNESS = textwrap.dedent(
    """
    import subprocess, sys
    from pathlib import Path
    from altformats import formats, tools
    from altformats.cli import main
    from altformats.formats.base import Format, Output

    class Slow(Format):
        name = "slow"

        def outputs(self, doc, out_dir):
            return [Output("slow", out_dir / f"{doc.slug}.slow")]

        def render(self, doc, out_dir, build):
            (out_dir / f"{doc.slug}.slow").write_text("new")
            (build.scratch / "work").write_text("temporary")
            if sys.argv[1] == "bug":
                raise RuntimeError("a genuine bug")
            tracked, untracked = tools.popen(["sleep", "300"]), subprocess.Popen(["sleep", "300"])
            Path(sys.argv[1] + ".part").write_text(f"{tracked.pid} {untracked.pid}")
            Path(sys.argv[1] + ".part").rename(sys.argv[1])
            tools.run(["sleep", "300"])
            return []

    formats.REGISTRY["slow"] = "__main__:Slow"
    sys.exit(main(["build", *sys.argv[2:], "--format", "slow"]))
    """
)


@pytest.fixture
def slow_build(tmp_path):
    """Start the harness build of the seed; yield (process, out, previous files, child pids)."""
    script = tmp_path / "harness.py"
    script.write_text(HARNESS)
    out = tmp_path / "out"
    (out / SLUG).mkdir(parents=True)
    (out / SLUG / f"{SLUG}.slow").write_text("old")
    pids, before = tmp_path / "pids", files(out)
    process = subprocess.Popen([sys.executable, str(script), str(pids), str(SEED), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while not pids.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids.exists(), process.communicate()
    children = [int(pid) for pid in pids.read_text().split()]
    yield process, out, before, children
    for pid in children:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    with suppress(subprocess.TimeoutExpired):  # a child that outlived the build still holds its pipes
        process.communicate(timeout=10)


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_cleans_up_as_an_error_does(slow_build, sig, status):
    process, out, before, children = slow_build
    time.sleep(0.3)  # into tools.run
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert process.returncode == status
    assert err == f"altformats: interrupted by {sig.name}; the previous outputs are as they were\n"
    assert all(gone(pid) for pid in children)  # tracked and untracked alike
    assert files(out) == before and not staging_folders(out)


def test_children_die_with_a_killed_build(slow_build):
    process, out, before, (tracked, _untracked) = slow_build
    process.kill()
    process.wait()
    assert gone(tracked)  # PR_SET_PDEATHSIG; an untracked child outlives kill -9 (see tools.py)
    assert files(out)[f"{SLUG}/{SLUG}.slow"] == b"old"


def test_a_genuine_bug_still_shows_its_traceback(tmp_path):
    script = tmp_path / "harness.py"
    script.write_text(HARNESS)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(script), "bug", str(SEED), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: a genuine bug" in done.stderr
    assert not out.exists()  # even so, nothing half-written is left


def test_tools_run_stops_a_child_that_times_out():
    before = set(tools._children)  # the session's own: a check run's browser
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        tools.run(["sh", "-c", "sleep 300 & sleep 300"], timeout=0.5)
    assert time.monotonic() - started < 5
    assert tools._children == before
    assert all(child.poll() is None for child in before)  # and only the timed-out child was stopped


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_full_build_leaves_the_previous_outputs_and_the_next_build_cleans_up(tmp_path, sig):
    out = tmp_path / "out"
    names = "html,braille,pdf"
    before = previous_build(tmp_path, out, names)
    assert main(["build", str(SEED), "-f", names, "-o", str(tmp_path / "whole"), "--quiet"]) == 0
    whole = files(tmp_path / "whole")  # what the build makes: a kill after its last rename leaves exactly this
    interrupted = 0
    for delay in (0.3, 0.6, 1.0, 2.0):
        # --force: real work to kill; a cache hit can finish before the first signal
        process = cli("build", str(SEED), "-f", names, "-o", str(out), "--force")
        time.sleep(delay)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        if process.returncode == 0:  # the build won the race: its outputs are whole, and new
            before = files(out)
            continue
        interrupted += 1
        # SIGTERM before the CLI's handler is in place (while Python imports it) kills with the default
        # action, -15: nothing is staged yet, and the checks below still hold
        assert process.returncode in ((-9,) if sig == signal.SIGKILL else (143, -15)), err
        assert {k: v for k, v in files(out).items() if output.STAGING_PREFIX not in k} in (before, whole)
        if sig == signal.SIGTERM:
            assert not staging_folders(out) and "Traceback" not in err
    assert interrupted
    done = cli("build", str(SEED), "-f", names, "-o", str(out))
    stdout, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert not staging_folders(out)
    assert sorted(files(out)) == sorted(before)


def _writing_into(folder: Path) -> list[str]:
    """The command lines of running processes that name `folder` (an encoder writing into a staging folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(str(folder).encode() in word for word in words) and alive(int(cmdline.parent.name)):
            found.append(b" ".join(words).decode(errors="replace"))
    return found


def test_kill_9_during_the_audio_build_leaves_no_encoder_running_and_no_debris(tmp_path):
    """The narration is synthesised by a worker and encoded by two ffmpeg children: none outlives the build."""
    out = tmp_path / "out"
    temporary = {
        *Path(tempfile.gettempdir()).glob("altformats-audio-*"),
        *Path(tempfile.gettempdir()).glob("altformats-speech-*"),
    }
    before = previous_build(tmp_path, out, "audio")
    # killed once its staging folder is there (synthesis under way), once an encoder writes into it
    for moment in (lambda: staging_folders(out), lambda: _writing_into(out)):
        process = cli("build", str(SEED), "-f", "audio", "-o", str(out), "--force")
        deadline = time.monotonic() + 60
        while not moment() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, "the build ended before the moment it was to be killed"
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert process.returncode == -9
        deadline = time.monotonic() + 5
        while _writing_into(out) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _writing_into(out) == [], "a child of the killed build still runs"
        assert {k: v for k, v in files(out).items() if output.STAGING_PREFIX not in k} == before
    done = cli("build", str(SEED), "-f", "audio", "-o", str(out), "--force")
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert not staging_folders(out)
    left = {
        *Path(tempfile.gettempdir()).glob("altformats-audio-*"),
        *Path(tempfile.gettempdir()).glob("altformats-speech-*"),
    }
    assert left == temporary, "temporary folders left in /tmp"


def test_errors_cross_a_process_boundary_with_their_problems():
    import pickle

    from altformats.errors import AltformatsError, BuildFailed, MissingTool, Problem

    problems = [Problem("a.md", 3, "bad"), Problem("", None, "whole run")]
    for error in (AltformatsError(problems), MissingTool("java", "apt-get install x"), BuildFailed(problems, ["f"])):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and again.problems == error.problems and str(again) == str(error)
    assert str(AltformatsError("no sources")) == "no sources"  # no "altformats:" path before a run-wide message


def test_a_failed_build_stops_its_own_children_not_a_check_runs(tmp_path):
    """A browser a check run started in the same process (serve, the tests) outlives a build that fails."""
    bystander = tools.popen(["sleep", "60"])
    try:
        with pytest.raises(AltformatsError):
            api.build([FIXTURES / "samples" / "zh-missile-defense.md"], ["braille"], tmp_path / "out")
        assert bystander.poll() is None, "the failed build stopped a child that was not its own"
    finally:
        tools.stop(bystander)


def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (children, theirs...), with its command line."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rpartition(")")[2].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    lines = {}
    for child in found:
        with suppress(OSError):
            lines[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return lines


def test_a_signal_during_check_stops_the_validators_running_beside_the_readers(tmp_path):
    """check runs the validators (JVMs, node) while it reads the editions back: a SIGTERM then
    ends it with the signal's status, no traceback, and not one of their processes left."""
    out = tmp_path / "out"
    api.build([SEED], ["html", "epub"], out)
    process = cli("check", str(SEED), "-f", "html,epub", "-o", str(out))
    deadline, running = time.monotonic() + 60, {}
    while process.poll() is None and time.monotonic() < deadline:
        running = _descendants(process.pid)
        if any("java" in line for line in running.values()):
            break
        time.sleep(0.05)
    assert any("java" in line for line in running.values()), process.communicate()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143 and "Traceback" not in err, err
    assert all(gone(pid) for pid in running), {pid: line for pid, line in running.items() if alive(pid)}


FORK_BESIDE_NUMPY = """
import threading
import altformats
import numpy
from altformats import tools

done = threading.Event()
def multiply():
    a = numpy.ones((300, 300))
    while not done.is_set():
        a.dot(a)
worker = threading.Thread(target=multiply)
worker.start()
for _ in range(300):
    tools.run(["true"])
done.set()
worker.join()
"""


def test_children_start_while_numpy_multiplies_in_another_thread():
    """tools.popen forks (for its preexec function) while a reader's numpy call may be running in
    another thread: with OpenBLAS's worker threads that deadlocked (a ten-sheet check hung)."""
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}  # as a user's
    command = [sys.executable, "-c", FORK_BESIDE_NUMPY]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr


def test_a_failed_check_stops_its_own_children_not_a_check_runs(tmp_path, monkeypatch):
    """A browser started before a check in the same process (serve, the tests) outlives a check that
    fails while its validators run (here: the npm checkers are not found)."""
    out = tmp_path / "out"
    api.build([SEED], ["html"], out)
    monkeypatch.delenv("ALTFORMATS_NODE_MODULES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(tools, "PROJECT_ROOT", tmp_path / "site-packages")  # as an installed wheel sees it
    bystander = tools.popen(["sleep", "60"])
    try:
        with pytest.raises(AltformatsError, match="altformats install-checkers"):
            api.check([SEED], ["html"], out)
        assert bystander.poll() is None, "the failed check stopped a child that was not its own"
    finally:
        tools.stop(bystander)
