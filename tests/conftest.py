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
SAMPLE = {path.stem: path for path in SAMPLES}
STRUCTURES = SAMPLE["structures"]
# Formats that refuse a sample's language with a clear error (docs/braille.md): the sample is built
# in every other format, and tests/test_parity.py asserts the error.
REFUSED = {"zh-missile-defense": {"braille"}}


def formats_for(sample: Path) -> list[str]:
    """The registered formats that build `sample` (all but those that refuse its language)."""
    return [name for name in formats.names() if name not in REFUSED.get(sample.stem, set())]


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
    """The output folder with every sample built once in every registered format that takes its language."""
    out = tmp_path_factory.mktemp("samples")
    batches: dict[tuple[str, ...], list[Path]] = {}
    for sample in SAMPLES:
        batches.setdefault(tuple(formats_for(sample)), []).append(sample)
    for names, sources in batches.items():
        api.build(sources, names, out)
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
