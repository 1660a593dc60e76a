"""Writing outputs atomically: a build stages every file, then renames them into place.

A staging folder is `OUT/<slug>/.staging-<pid>-<random>/`, locked (flock) for as long as its build
runs. The formats write their files into it and may keep temporary work in its `.scratch/`
folder (made when a format first asks for it, formats.Build.scratch); nothing of a build lives anywhere else. A folder left by a build that died (kill -9, power
loss) is unlocked, and the next build of that document removes it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from altformats.errors import AltformatsError, Problem

STAGING_PREFIX = ".staging-"
SCRATCH = ".scratch"  # temporary work of the formats, inside the staging folder; never moved into place
PREVIOUS = ".previous-"  # hard links (.previous-NAME) to the files a build replaces, so a failed move can be undone
STALE_AFTER = 10.0  # seconds; an unlocked staging folder this old belongs to no running build


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file and flush it to disk, so a rename after it is durable; an OSError names the file."""
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        error.filename = error.filename or str(path)  # a full disk's ENOSPC names no file of its own
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with write_bytes."""
    write_bytes(path, text.encode("utf-8"))


def cannot(action: str, path: Path | str, error: OSError) -> AltformatsError:
    """The error for an OSError while writing `path`: the file and the system's reason."""
    return AltformatsError(Problem(str(path), None, f"could not {action}: {error.strerror or error}"))


def check_out(out: Path) -> None:
    """An error unless `out` is a writable folder, or a folder could be made there."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file, not a folder" if existing == out else f"cannot be made: {existing} is a file"
        raise AltformatsError(Problem(f"--out {out}", None, what))
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == out else f": {existing} is not writable"
        raise AltformatsError(Problem(f"--out {out}", None, f"is not a writable folder{where}"))


def scratch(stage: Path) -> Path:
    """The folder inside `stage` where formats keep temporary work."""
    return stage / SCRATCH


def staged_files(stage: Path) -> list[Path]:
    """The outputs written into `stage`, in name order (not its scratch folder or backups: an output's
    name never starts with a dot, since a slug does not)."""
    return sorted(path for path in stage.iterdir() if not path.name.startswith("."))


@contextmanager
def staged(final_dir: Path, out: Path | None = None) -> Iterator[Path]:
    """Yield a staging folder inside `final_dir`; on success move its files into `final_dir`.

    Each move is an atomic rename on the same file system, and a move that fails undoes the ones
    before it, so a reader sees the previous outputs or the new ones, never a mix. On any error
    (or Ctrl-C, or SIGTERM) the staging folder is removed, the previous outputs stay as they
    were, and folders this build created are removed again if they are left empty. `final_dir`
    must lead into `out` (a symlink out of it is refused).
    """
    created = _missing_parents(final_dir)
    try:
        final_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot("make the folder", error.filename or final_dir, error) from None
    try:
        _refuse_escape(final_dir, out)
        remove_stale(final_dir)
        stage, lock = _make_stage(final_dir)
    except BaseException:
        _remove_empty(created)
        raise
    try:
        yield stage
        _move_into_place(stage, final_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_empty(created)
        raise
    finally:
        os.close(lock)
    shutil.rmtree(stage, ignore_errors=True)


def _make_stage(final_dir: Path) -> tuple[Path, int]:
    """A new staging folder in `final_dir`, locked; the lock is a file descriptor to close when done."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=final_dir))
        lock = os.open(stage, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError as error:
        raise cannot("make a staging folder", final_dir, error) from None
    return stage, lock


def _refuse_escape(final_dir: Path, out: Path | None) -> None:
    """An error if `final_dir` resolves outside `out` (a symlinked slug folder, say)."""
    if out is None:
        return
    root, target = out.resolve(), final_dir.resolve()
    if target == root or not target.is_relative_to(root):
        raise AltformatsError(
            Problem(str(final_dir), None, f"leads to {target}, outside --out {out}; remove the link and build again")
        )


def remove_stale(final_dir: Path) -> list[Path]:
    """Remove the staging folders in `final_dir` that no running build holds; return them."""
    removed = []
    for folder in sorted(final_dir.glob(f"{STAGING_PREFIX}*")):
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _abandoned(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except BlockingIOError:
            pass  # a running build holds it
        finally:
            os.close(fd)
    return removed


def _abandoned(folder: Path) -> bool:
    """An unlocked staging folder whose build is gone, or older than the moment between mkdir and lock."""
    pid = folder.name.removeprefix(STAGING_PREFIX).partition("-")[0]
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    with suppress(OSError):
        return time.time() - folder.stat().st_mtime > STALE_AFTER
    return False


def _move_into_place(stage: Path, final_dir: Path) -> None:
    """Rename every staged file into `final_dir`; if one rename fails, put the previous files back."""
    files = staged_files(stage)
    backup = {file.name: stage / f"{PREVIOUS}{file.name}" for file in files}  # beside them: no folder to make
    existed = {file.name for file in files if os.path.lexists(final_dir / file.name)}
    for name in existed:
        with suppress(OSError):  # no hard links here: that file cannot be put back, and is left new
            os.link(final_dir / name, backup[name], follow_symlinks=False)
    moved: list[str] = []
    try:
        for file in files:
            os.replace(file, final_dir / file.name)
            moved.append(file.name)
    except BaseException as error:
        for name in reversed(moved):
            with suppress(OSError):
                if os.path.lexists(backup[name]):
                    os.replace(backup[name], final_dir / name)
                elif name not in existed:
                    os.unlink(final_dir / name)
        if isinstance(error, OSError):
            raise cannot("move into place", final_dir / files[len(moved)].name, error) from None
        raise


def _missing_parents(folder: Path) -> list[Path]:
    """`folder` and its ancestors that do not exist yet, innermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove each folder (innermost first) that is empty."""
    for folder in folders:
        with suppress(OSError):
            folder.rmdir()
