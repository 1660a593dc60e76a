"""Writing outputs atomically: a build stages every file, then renames them into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file and flush it to disk, so a rename after it is durable."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with write_bytes."""
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged(final_dir: Path) -> Iterator[Path]:
    """Yield a staging folder inside `final_dir`; on success move its files into `final_dir`.

    Each move is an atomic rename on the same file system, so a reader sees
    either the previous file or the new one. On any error (or Ctrl-C) the
    staging folder is removed, the previous outputs stay as they were, and
    folders this build created are removed again if they are left empty.
    """
    created = _missing_parents(final_dir)
    final_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=final_dir))
    try:
        yield stage
        for file in sorted(stage.iterdir()):
            os.replace(file, final_dir / file.name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        for folder in created:
            _remove_if_empty(folder)
        raise
    shutil.rmtree(stage, ignore_errors=True)


def _missing_parents(folder: Path) -> list[Path]:
    """`folder` and its ancestors that do not exist yet, innermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):
        folder.rmdir()
