"""The synchronized editions: timed by the audio's exact samples, read back from the written files, validated, played."""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from altformats import api, formats, tools
from altformats.formats.audio import narration
from altformats.formats.narration import EDITIONS, read
from altformats.formats.narration.read_daisy import rules
from altformats.formats.narration.spec import RATE
from conftest import SAMPLE, SEED

FORMATS = ("narration",)
SCRIPT = Path(__file__).with_name("read_along.mjs")
SPANISH = SAMPLE["es-missile-defense"]


@pytest.fixture(scope="module")
def told(seed):
    """The seed narrated once more, outside any build (its samples are what every edition must carry)."""
    return narration(seed, formats.Build())


@pytest.fixture(scope="module")
def files(seed, built) -> dict[str, Path]:
    return {o.edition: o.path for o in formats.get("narration").outputs(seed, built / seed.slug)}


@pytest.fixture(scope="module")
def spanish(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("es")
    api.build([SPANISH], ["narration"], out)
    return out


def _proofs(doc, path: Path, edition: str, check_run) -> dict[str, formats.Proof]:
    return {p.reader: p for p in formats.get("narration").prove(doc, formats.Output(edition, path), check_run)}


def _repack(path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            target.writestr(info, change(data) if info.filename == name else data)


def _sub(pattern: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        changed, count = re.subn(pattern, new, data, count=1)
        assert count, pattern  # the corruption must change something
        return changed

    return change


# ---------------------------------------------------------------- the interface and what is written


def test_the_interface_keeps_sentence_times_and_the_captions_cut_them_at_word_samples(told):
    """The synchronized editions are timed by whole sentences (the audio's <slug>.sentences.vtt); the display
    captions the audio writes from the same narration cut each sentence without moving its ends."""
    from altformats.formats.audio.spec import CAPTION_LINE, CAPTION_LINES, CAPTION_SECONDS, caption_id

    for sentence in told.sentences:
        prefix = caption_id(sentence.block, sentence.role, sentence.sentence, 0)[:-1]
        pieces = [c for c in told.captions if c.identifier.startswith(prefix)]
        assert pieces and (pieces[0].start, pieces[-1].end) == (sentence.start, sentence.end)
        assert all(a.end == b.start for a, b in zip(pieces, pieces[1:], strict=False))
        for piece in pieces:
            assert len(piece.lines) <= CAPTION_LINES and max(map(len, piece.lines)) <= CAPTION_LINE
            assert piece.end - piece.start <= CAPTION_SECONDS * RATE


def test_narration_is_made_once_per_build_and_carries_exact_samples(seed, told):
    build = formats.Build()
    first = narration(seed, build)
    assert narration(seed, build) is first  # a second format asking gets the same narration
    assert first.mp3 == told.mp3 and first.sentences == told.sentences  # and the same samples, every time
    assert [s.block for s in told.sentences] == sorted(s.block for s in told.sentences)
    assert all(0 < s.start < s.end <= told.length for s in told.sentences)


def test_clips_are_the_narrations_sample_counts(seed, told, files):
    clips = read.epub_reading(files["narration-epub"].read_bytes()).clips
    starts = [s.start for s in told.sentences]
    assert [c.begin for c in clips] == starts  # exact: to the sample
    assert [c.end for c in clips] == starts[1:] + [told.length]  # each clip runs to the next sentence
    daisy = read.daisy_reading(files["narration-daisy202"].read_bytes()).clips
    page = read.page_reading(files["narration-read-along"]).clips
    assert [(c.begin, c.end) for c in daisy] == [(c.begin, c.end) for c in clips] == [(c.begin, c.end) for c in page]


def test_every_edition_carries_the_same_mp3(told, files):
    assert files["narration-read-along-mp3"].read_bytes() == told.mp3
    for edition, name in (("narration-epub", "EPUB/narration.mp3"), ("narration-daisy202", "narration.mp3")):
        with zipfile.ZipFile(files[edition]) as book:
            assert book.read(name) == told.mp3


def test_epub_declares_overlays_and_accessibility(files):
    with zipfile.ZipFile(files["narration-epub"]) as book:
        opf = book.read("EPUB/package.opf").decode()
        assert book.infolist()[0].filename == "mimetype"
    for needed in ('media-overlay="overlay"', 'property="media:active-class"', 'refines="#overlay"',
                   ">auditory<", ">synchronizedAudioText<"):  # fmt: skip
        assert needed in opf, needed
    assert opf.count('property="schema:accessModeSufficient"') == 2


def test_seed_and_spanish_pass_check_with_every_validator(seed, built, spanish):
    for out, source in ((built, SEED), (spanish, SPANISH)):
        reports = api.check([source], ["narration"], out)
        assert [r.edition for r in reports] == list(EDITIONS)
        for report in reports:
            assert report.ok, (report.edition, report.differences, report.findings)
            # Spanish is not heard (the recogniser is English only); every other reading runs
            skipped = {p.reader for p in report.proofs if p.skipped}
            assert all(p.ok for p in report.proofs), report.readers()
            assert skipped == (set() if source == SEED else {"speech recognition"}), report.readers()


def test_proofs_name_their_readers(seed, files, check_run):
    for edition in ("narration-epub", "narration-read-along", "narration-daisy202"):
        proofs = _proofs(seed, files[edition], edition, check_run)
        assert set(proofs) == {"parser", "clips", "speech recognition"} and all(p.ok for p in proofs.values()), proofs


# ---------------------------------------------------------------- corruptions are caught


@pytest.mark.parametrize(
    ("edition", "entry", "pattern", "new", "reader"),
    [
        ("narration-epub", "EPUB/content.xhtml", rb"(<span id=\"b1-s1\">)\w+", rb"\1Leaflet", "parser"),
        ("narration-epub", "EPUB/content.smil", rb'clipEnd="[\d.]+s"', b'clipEnd="999.0s"', "clips"),
        ("narration-epub", "EPUB/content.smil", rb'(b2-s1"/>\s*<audio src="narration.mp3" clipBegin=")[\d.]+s',
         rb"\g<1>0.2s", "clips"),
        ("narration-epub", "EPUB/content.smil", rb"content.xhtml#b3-s1", b"content.xhtml#b3-s9", "parser"),
        ("narration-daisy202", "content.html", rb"(<span id=\"b5-s1\">)\w+", rb"\1Leaflet", "parser"),
        ("narration-daisy202", "s0002.smil", rb'clip-end="npt=[\d.]+s"', b'clip-end="npt=999.0s"', "clips"),
        ("narration-daisy202", "content.html", rb'<span id="b2-s1">', b"<span>", "parser"),
    ],
)  # fmt: skip
def test_a_corrupted_zip_fails_its_proof(seed, scratch_build, check_run, edition, entry, pattern, new, reader):
    path = scratch_build / seed.slug / f"{seed.slug}{EDITIONS[edition]}"
    _repack(path, entry, _sub(pattern, new))
    proofs = _proofs(seed, path, edition, check_run)
    assert not proofs[reader].ok, proofs
    reports = {r.edition: r for r in api.check([SEED], ["narration"], scratch_build, conformance=False)}
    assert not reports[edition].ok and reports["narration-read-along"].ok  # only the corrupted edition fails


@pytest.mark.parametrize(
    ("pattern", "new", "reader"),
    [
        (rb'(id="b1-s1" class="sentence" data-begin="[\d.]+" data-end="[\d.]+">)\w+', rb"\1Leaflet", "parser"),
        (rb'(id="b2-s1" class="sentence" data-begin=")[\d.]+', rb"\g<1>0.1", "clips"),  # overlaps b1-s1
        (rb'(id="b17-s1" class="sentence" data-begin="[\d.]+" data-end=")[\d.]+', rb"\g<1>400.0", "clips"),
    ],
)
def test_a_corrupted_page_fails_its_proof(seed, scratch_build, check_run, pattern, new, reader):
    page = scratch_build / seed.slug / f"{seed.slug}-read-along.html"
    page.write_bytes(_sub(pattern, new)(page.read_bytes()))
    assert not _proofs(seed, page, "narration-read-along", check_run)[reader].ok


def test_daisy_rules_pass_and_catch_breaches(files, tmp_path):
    book = tmp_path / "book.zip"
    book.write_bytes(files["narration-daisy202"].read_bytes())
    assert rules(book.read_bytes()) == []
    _repack(book, "ncc.html", _sub(rb'<meta name="ncc:narrator"[^>]*/>\n', b""))
    _repack(book, "ncc.html", _sub(rb'(name="ncc:totalTime" content=")[\d:.]+', rb"\g<1>00:00:01.000"))
    _repack(book, "ncc.html", _sub(rb' class="title"', b""))
    _repack(book, "s0001.smil", _sub(rb'<meta name="ncc:timeInThisSmil"[^>]*/>', b""))
    found = "\n".join(rules(book.read_bytes()))
    for rule in ("rule meta", "rule times", "rule title"):
        assert rule in found, found
    assert "ncc:narrator appears 0 times" in found and "s0001.smil: ncc:timeInThisSmil ''" in found


# ---------------------------------------------------------------- the read-along page in Chromium


def test_read_along_highlights_the_cues_sentence_in_chromium(files, told):
    node = tools.executable("node", "nodejs")
    env = {**os.environ, "CHROMIUM": tools.chromium(), "NODE_PATH": str(tools.node_modules())}
    picked = [told.sentences[k] for k in (0, 5, len(told.sentences) // 2, len(told.sentences) - 1)]
    middles = [(s.start + s.end) / 2 / RATE for s in picked]
    times = [*middles, told.sentences[0].start / RATE / 2]  # the last: in the lead, before any sentence
    done = tools.run([node, str(SCRIPT), str(files["narration-read-along"]), *map(str, times)],
                     capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    expected = [[f"b{s.block}-s{s.sentence}"] for s in picked] + [[]]
    assert [at["ids"] for at in report["at"]] == expected
    assert all(at["inView"] and at["current"] == "true" for at in report["at"][:-1])
    second = told.sentences[1]
    assert report["keyboard"]["focused"] == "next"
    assert report["keyboard"]["ids"] == [f"b{second.block}-s{second.sentence}"]  # Enter on "Next sentence"
    assert report["played"]["ids"] and report["played"]["time"] > 1.0  # playing, the highlight follows
    assert abs(report["duration"] - told.length / RATE) < 0.001
