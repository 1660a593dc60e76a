"""The Jinja environment: the user's templates first, then the project's; errors keep file and line."""

from __future__ import annotations

import os
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from altformats.errors import AltformatsError, Problem

if TYPE_CHECKING:  # Jinja is imported on the first render, not by the cache looking up templates' digests
    import jinja2

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"  # in an installed wheel
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"  # in a source checkout


def default_templates() -> Path:
    """The project's own templates folder (one sub-folder per format)."""
    return PACKAGE_TEMPLATES if PACKAGE_TEMPLATES.is_dir() else CHECKOUT_TEMPLATES


def cache_dir() -> Path:
    """Where compiled templates are kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "altformats" / "jinja"


@lru_cache(maxsize=1)
def _forgiving_cache() -> type[jinja2.BytecodeCache]:
    """Jinja's file cache, which a read-only, full or corrupted cache folder only makes slower.

    A .cache file that cannot be read or unpickled is compiled afresh (and overwritten when the
    folder is writable); a cache that cannot be written is skipped. The class is made on first use,
    so that importing this module does not import Jinja.
    """
    import jinja2

    class ForgivingCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # garbage of any kind: unpickling raises whatever the bytes make it raise
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with suppress(OSError):
                super().dump_bytecode(bucket)

    return ForgivingCache


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The compiled-template cache, or None where no cache folder can be made (it only costs speed)."""
    try:
        cache = cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return _forgiving_cache()(str(cache)) if cache.is_dir() else None


@lru_cache(maxsize=8)
def environment(user_dir: str | None = None) -> jinja2.Environment:
    """A strict, autoescaping environment that looks in `user_dir` before the defaults."""
    import jinja2

    from altformats.document.model import inline_text

    search = [str(Path(user_dir))] if user_dir else []
    search.append(str(default_templates()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters["reading"] = inline_text  # the written words of a run of inlines
    return env


def render(name: str, user_dir: str | None = None, **context: Any) -> str:
    """Render template `name` (e.g. "html/page.html.j2"); template errors name file and line."""
    import jinja2

    env = environment(user_dir)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise AltformatsError(
            Problem(error.filename or name, error.lineno, f"template error: {error.message}")
        ) from None
    except jinja2.TemplateNotFound as error:
        raise AltformatsError(Problem(name, None, f"template not found: {error.name}")) from None
    except jinja2.UndefinedError as error:
        path, line = _template_frame(error)
        raise AltformatsError(Problem(path or name, line, f"template error: {error.message}")) from None


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost traceback frame that is a template file (Jinja rewrites frames to point there)."""
    import traceback

    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return None, None
