"""Shared fixtures: each sample is built once per session, in every registered format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from altformats import api, formats
from altformats.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
FIXTURES = Path(__file__).parent / "fixtures"
# Documents other than the seed, with other structures and languages: every format must carry their words too.
SAMPLES = sorted((FIXTURES / "samples").glob("*.md"))
STRUCTURES = FIXTURES / "samples" / "structures.md"


@pytest.fixture(scope="session")
def seed() -> Document:
    """The seed fact sheet, loaded."""
    return api.load(SEED)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder with the seed built once in every registered format."""
    out = tmp_path_factory.mktemp("build")
    api.build([SEED], formats.names(), out)
    return out


@pytest.fixture(scope="session")
def samples_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder with every sample built once in every registered format."""
    out = tmp_path_factory.mktemp("samples")
    api.build(SAMPLES, formats.names(), out)
    return out


@pytest.fixture(scope="session")
def seed_outputs(seed: Document, built: Path) -> dict[str, list[formats.Output]]:
    """Every format's outputs for the seed, by format name."""
    return {name: formats.get(name).outputs(seed, built / seed.slug) for name in formats.names()}


@pytest.fixture
def scratch_build(built: Path, tmp_path: Path) -> Path:
    """A private copy of the seed's build, for tests that corrupt an output."""
    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    return copy
