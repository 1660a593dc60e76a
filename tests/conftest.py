"""Shared fixtures: each document is built once per session, in only the formats the tests ask for.

A test module says which formats it needs with a module-level ``FORMATS`` tuple; a module under
``tests/formats/<name>/`` needs ``<name>`` unless it says more; any other module needs every
registered format. So ``pytest tests/formats/html`` builds HTML and nothing else.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from altformats import api, formats
from altformats.document.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
FIXTURES = Path(__file__).parent / "fixtures"
# Documents other than the seed, with other structures and languages: every format must carry their words too.
SAMPLES = sorted((FIXTURES / "samples").glob("*.md"))
SAMPLE = {path.stem: path for path in SAMPLES}
STRUCTURES = SAMPLE["structures"]
# The fact sheet with every construct (figures, notes, glossary, call-outs, in-page links, colophon).
SHEET = FIXTURES / "sheets" / "heat-safety.md"
# Formats that refuse a sample's language with a clear error (docs/braille.md): the sample is built
# in every other format, and tests/test_parity.py asserts the error.
REFUSED = {"zh-missile-defense": {"braille"}}
# Formats whose editions depend on another built in the same build: the EPUB's page list follows
# the Letter PDF, and is made only when both are built together (docs/epub.md).
BUILT_WITH = {"epub": ("pdf",)}


def pytest_configure(config: pytest.Config) -> None:
    """The session's caches (Jinja, builds) live in a folder of its own, never the user's ~/.cache."""
    cache = Path(tempfile.mkdtemp(prefix="altformats-test-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(cache)
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))


def formats_for(sample: Path, names: list[str] | None = None) -> list[str]:
    """The formats among `names` (default: every registered one) that build `sample`."""
    return [name for name in names or formats.names() if name not in REFUSED.get(sample.stem, set())]


class Builds:
    """One output folder in which each (document, format) is built at most once per session."""

    def __init__(self, out: Path):
        self.out = out
        self.done: set[tuple[Path, str]] = set()

    def ensure(self, sources: list[Path], names: list[str]) -> Path:
        """Build whatever of `sources` in `names` is not built yet; return the folder."""
        for source in sources:
            missing = {name for name in formats_for(source, names) if (source, name) not in self.done}
            missing |= {other for name in missing for other in BUILT_WITH.get(name, ())}
            if missing:
                ordered = [name for name in formats.names() if name in missing]
                api.build([source], ordered, self.out)
                self.done |= {(source, name) for name in ordered}
        return self.out


def needed_formats(request: pytest.FixtureRequest) -> list[str]:
    """The formats the requesting test module needs (see the module docstring)."""
    declared = getattr(request.module, "FORMATS", None)
    parts = Path(request.node.path).relative_to(Path(__file__).parent).parts
    own = [parts[1]] if len(parts) > 2 and parts[0] == "formats" else []
    if declared is None and not own:
        return formats.names()
    return [name for name in formats.names() if name in {*own, *(declared or ())}]


@pytest.fixture(scope="session")
def check_run():
    """One check run for the whole session: its warm engines (one browser) serve every proof."""
    run = formats.Check()
    yield run
    run.close()


@pytest.fixture(scope="session")
def seed() -> Document:
    """The seed fact sheet, loaded."""
    return api.load(SEED)


@pytest.fixture(scope="session")
def seed_builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def built(seed_builds: Builds, request: pytest.FixtureRequest) -> Path:
    """The output folder with the seed built in the formats this module needs."""
    return seed_builds.ensure([SEED], needed_formats(request))


@pytest.fixture(scope="module")
def samples_built(sample_builds: Builds, request: pytest.FixtureRequest) -> Path:
    """The output folder with every sample built in the formats this module needs that take its language."""
    return sample_builds.ensure(SAMPLES, needed_formats(request))


@pytest.fixture(scope="session")
def sheet_builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    # A folder of its own: tests that go over every folder of the samples' build must not meet it.
    return Builds(tmp_path_factory.mktemp("sheet"))


@pytest.fixture(scope="module")
def sheet(sheet_builds: Builds, request: pytest.FixtureRequest) -> tuple[Document, Path]:
    """The fact sheet with every construct, loaded, and the folder it is built in (in this module's formats)."""
    return api.load(SHEET), sheet_builds.ensure([SHEET], needed_formats(request))


@pytest.fixture(scope="module")
def seed_outputs(seed: Document, built: Path, request: pytest.FixtureRequest) -> dict[str, list[formats.Output]]:
    """The seed's outputs in each format this module needs, by format name."""
    return {name: formats.get(name).outputs(seed, built / seed.slug) for name in needed_formats(request)}


@pytest.fixture
def scratch_build(built: Path, seed: Document, tmp_path: Path) -> Path:
    """A private copy of the seed's build, for tests that corrupt an output."""
    copy = tmp_path / "build"
    shutil.copytree(built / seed.slug, copy / seed.slug)
    return copy
