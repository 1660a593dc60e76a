"""The mutation score of the proof: every tamper operator, applied to a copy of a built edition,
must make the proof (the readers, without conformance checkers) report a difference.

Each operator's tampered editions are proved exactly as `altformats check --no-conformance` proves
them (`Format.prove`), through the session's one Check run so one browser and one recogniser serve
every operator. The score is printed per format and overall; a format below 100% fails, naming
each operator its proof missed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import narrated  # noqa: F401  (registers the narration operators)
import operators
import pytest
from markup import NotApplicable

from altformats import api, formats
from altformats.document.model import Document
from altformats.formats.audio import read_speech
from conftest import SAMPLE, SAMPLES, SHEET, formats_for

FORMATS = ("html", "pdf", "epub", "braille", "audio", "narration")
# Samples the HTML operators also run on in `make test` (cheap: HTML alone is built for them): right to
# left, and long French. `make mutations` (ALTFORMATS_MUTATIONS=all) runs every operator on every sample
# and sheet, in every format that builds it.
HTML_SAMPLES = ("ar-missile-defense", "fr-long")
EVERY_SAMPLE = os.environ.get("ALTFORMATS_MUTATIONS") == "all"
# Operators proved by this reader cannot be caught in a language it does not understand (docs/audio.md).
RECOGNISER = "speech recognition"


@dataclass(frozen=True)
class Outcome:
    """What the proof did with one operator on one document."""

    op: operators.Operator
    document: str
    caught: bool | None  # None: the operator did not apply to this document
    detail: str

    def line(self) -> str:
        mark = {True: "caught", False: "MISSED", None: "n/a"}[self.caught]
        return f"  {mark:7} {self.op.format:8} {self.document:20} {self.op.name} [{self.op.reader}] {self.detail}"


def tamper(op: operators.Operator, doc: Document, built: Path, scratch: Path, run: formats.Check) -> Outcome:
    """Apply `op` to a private copy of `doc`'s editions in `op.format`; prove each edition it changed."""
    fmt = formats.get(op.format)
    folder = scratch / op.format / op.name.replace("/", "_").replace(" ", "_") / doc.slug
    folder.mkdir(parents=True)
    outputs = fmt.outputs(doc, folder)
    for output in outputs:
        shutil.copy(built / doc.slug / output.path.name, output.path)
    before = {o.edition: o.path.read_bytes() for o in outputs}
    if op.reader == RECOGNISER and not read_speech.understands(doc.meta.language):
        return Outcome(op, doc.slug, None, f"({read_speech.ENGLISH_ONLY})")
    try:
        op.apply({o.edition: o.path for o in outputs})
    except NotApplicable as reason:
        return Outcome(op, doc.slug, None, str(reason))
    readers = []
    for output in (o for o in outputs if o.edition in op.editions):
        assert output.path.read_bytes() != before[output.edition], f"{op.name} left {output.path.name} as it was"
        proofs = fmt.prove(doc, output, run)
        readers.append(any(proof.differences for proof in proofs))
    failed = ", ".join(p.reader for p in proofs if p.differences) or "every reader ok"
    return Outcome(op, doc.slug, all(readers), f"({failed})")


@pytest.fixture(scope="module")
def outcomes(built: Path, sample_builds, seed: Document, check_run, tmp_path_factory) -> dict[str, list[Outcome]]:
    """Every operator's outcome on the seed (and the HTML ones on the samples), by format."""
    scratch = tmp_path_factory.mktemp("mutations")
    found: dict[str, list[Outcome]] = {}
    for fmt in FORMATS:
        found[fmt] = [tamper(op, seed, built, scratch / "seed", check_run) for op in operators.by_format(fmt)]
    if EVERY_SAMPLE:
        for path in [*SAMPLES, SHEET]:
            names = formats_for(path, list(FORMATS))
            folder = sample_builds.ensure([path], names)
            doc = api.load(path)
            for fmt in names:
                found[fmt] += [
                    tamper(op, doc, folder, scratch / path.stem, check_run) for op in operators.by_format(fmt)
                ]
        return found
    samples = sample_builds.ensure([SAMPLE[name] for name in HTML_SAMPLES], ["html"])
    for name in HTML_SAMPLES:
        doc = api.load(SAMPLE[name])
        found["html"] += [tamper(op, doc, samples, scratch / name, check_run) for op in operators.by_format("html")]
    return found


def score(found: list[Outcome]) -> tuple[int, int]:
    ran = [o for o in found if o.caught is not None]
    return sum(o.caught for o in ran), len(ran)


def test_every_format_has_eight_operators():
    for fmt in FORMATS:
        assert len(operators.by_format(fmt)) >= 8, fmt


def test_untampered_copies_pass_the_proof(built: Path, seed: Document, tmp_path: Path):
    """The baseline: without a tamper the proof passes, so a caught operator was caught for its tamper."""
    shutil.copytree(built / seed.slug, tmp_path / seed.slug)
    reports = api.check([seed.path], list(FORMATS), tmp_path, conformance=False)
    assert [(r.edition, r.differences) for r in reports if r.differences] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_mutation_score(fmt: str, outcomes: dict[str, list[Outcome]], capsys):
    """The proof of `fmt` catches every operator that applies; the score and each outcome are printed."""
    caught, ran = score(outcomes[fmt])
    with capsys.disabled():
        print(f"\nmutation score {fmt}: {caught}/{ran} ({100 * caught / ran:.0f}%)")
        print("\n".join(o.line() for o in outcomes[fmt]))
        if fmt == FORMATS[-1]:
            total = [score(outcomes[f]) for f in FORMATS]
            c, r = sum(t[0] for t in total), sum(t[1] for t in total)
            print(f"mutation score overall: {c}/{r} ({100 * c / r:.0f}%)")
    missed = [f"{o.document}: {o.op.name} [{o.op.reader}]" for o in outcomes[fmt] if o.caught is False]
    assert not missed, f"the {fmt} proof missed {len(missed)} of {ran}: " + "; ".join(missed)
