"""The tags-and-chapters proof: the MP3's and M4B's title, one chapter per heading, at its cue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutagen.id3 import CHAP, CTOC, ID3, TIT2

from altformats import formats, tools
from altformats.document.model import Document
from altformats.formats.audio.ffmpeg import probe, program
from altformats.formats.audio.read_tags import TOLERANCE


def tags(doc: Document, path: Path, check_run: formats.Check) -> list[str]:
    """The tags-and-chapters proof's differences for the audio file at `path`."""
    edition = f"audio-{path.suffix[1:]}"
    proofs = formats.get("audio").prove(doc, formats.Output(edition, path), check_run)
    return [str(d) for proof in proofs if proof.reader == "tags and chapters" for d in proof.differences]


@pytest.fixture
def folder(scratch_build: Path, seed: Document) -> Path:
    return scratch_build / seed.slug


def headings(doc: Document) -> list[str]:
    return [block.text for block in doc.reading_blocks() if block.role == "heading"]


def test_the_seed_passes_and_the_captions_have_no_tags_proof(built: Path, seed: Document, check_run):
    for output in formats.get("audio").outputs(seed, built / seed.slug):
        proofs = {p.reader: p for p in formats.get("audio").prove(seed, output, check_run)}
        if output.edition == "audio-vtt":
            assert set(proofs) == {"parser", "caption limits"}
        elif output.edition == "audio-sentences":
            assert set(proofs) == {"parser"}
        else:
            assert proofs["tags and chapters"].ok, [str(d) for d in proofs["tags and chapters"].differences]


def test_the_mp3_title_frame(folder: Path, seed: Document, check_run):
    mp3 = folder / f"{seed.slug}.mp3"
    id3 = ID3(mp3)
    id3.setall("TIT2", [TIT2(encoding=3, text=["U.S. Missile Defense"])])
    id3.save(mp3)
    assert tags(seed, mp3, check_run) == [
        f"audio-mp3: the TIT2 frame (source line 2): expected {seed.meta.title!r}, found 'U.S. Missile Defense'"
    ]


def _chapters(id3: ID3) -> list[CHAP]:
    return [id3[f"CHAP:{i}"] for i in id3.getall("CTOC")[0].child_element_ids]


def test_an_mp3_chapter_moved_or_retitled_fails_and_a_few_ms_do_not(folder: Path, seed: Document, check_run):
    mp3 = folder / f"{seed.slug}.mp3"
    id3 = ID3(mp3)
    second = _chapters(id3)[1]
    start = second.start_time
    second.start_time = start + round(TOLERANCE * 1000 / 2)  # within the tolerance
    id3.save(mp3)
    assert tags(seed, mp3, check_run) == []
    second.start_time = start + 1000
    second.sub_frames["TIT2"] = TIT2(encoding=3, text=["Cooperation"])
    id3.save(mp3)
    heading, at = headings(seed)[0], start / 1000
    assert tags(seed, mp3, check_run) == [
        f"audio-mp3: chapter 2 (source line 31): expected '{heading} at {at:.3f}s', found 'Cooperation at {at + 1:.3f}s'"
    ]


def test_mp3_chapters_out_of_order_or_dropped_fail(folder: Path, seed: Document, check_run):
    mp3 = folder / f"{seed.slug}.mp3"
    id3 = ID3(mp3)
    toc = id3.getall("CTOC")[0]
    ids = list(toc.child_element_ids)
    id3.setall("CTOC", [CTOC(element_id="toc", flags=toc.flags, child_element_ids=[ids[0], ids[2], ids[1]],
                             sub_frames=list(toc.sub_frames.values()))])  # fmt: skip
    id3.save(mp3)
    found = tags(seed, mp3, check_run)
    assert [line.split(":")[1] for line in found] == [" chapter 2 (source line 31)", " chapter 3 (source line 39)"]
    id3.delall("CTOC")
    id3.delall("CHAP")
    id3.save(mp3)
    found = tags(seed, mp3, check_run)
    assert len(found) == 1 + len(headings(seed)) and all(line.endswith("found '(missing)'") for line in found)


def _m4b_without_chapters(m4b: Path) -> None:
    out = m4b.with_name("dropped.m4b")
    command = [program(), "-v", "error", "-nostdin", "-y", "-i", str(m4b), "-map", "0:a", "-map_metadata", "0"]
    done = tools.run([*command, "-map_chapters", "-1", "-c", "copy", str(out)], capture_output=True)
    assert done.returncode == 0, done.stderr
    shutil.move(out, m4b)


def test_m4b_chapters_dropped_or_title_changed_fail(folder: Path, seed: Document, check_run):
    from mutagen.mp4 import MP4

    m4b = folder / f"{seed.slug}.m4b"
    _m4b_without_chapters(m4b)
    assert probe(m4b).get("chapters", []) == []
    found = tags(seed, m4b, check_run)
    assert len(found) == 1 + len(headings(seed)) and all(line.endswith("found '(missing)'") for line in found)
    audio = MP4(m4b)
    audio.tags["\xa9nam"] = ["Missile Defense"]
    audio.save()
    assert f"audio-m4b: the title tag (source line 2): expected {seed.meta.title!r}, found 'Missile Defense'" in tags(
        seed, m4b, check_run
    )
