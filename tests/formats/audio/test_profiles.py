"""Delivery profiles (podcast, acx, broadcast) measured on the decoded files; chapter frame order; the audiobook flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, TXXX
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from altformats import api, tools
from altformats.cli import main
from altformats.formats.audio import checks, ffmpeg, options, read, spec
from conftest import STRUCTURES

FORMATS = ("audio",)
SLUG = STRUCTURES.stem


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """structures.md built once per profile: podcast by default, broadcast by the variable, acx by the CLI flag."""
    out = tmp_path_factory.mktemp("profiles")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(options.PROFILE_VARIABLE, raising=False)
        api.build([STRUCTURES], ["audio"], out / "podcast")
        patch.setenv(options.PROFILE_VARIABLE, "broadcast")
        api.build([STRUCTURES], ["audio"], out / "broadcast")
        patch.delenv(options.PROFILE_VARIABLE)
        assert (
            main(["build", "-q", "-f", "audio", "--audio-profile", "acx", "-o", str(out / "acx"), str(STRUCTURES)]) == 0
        )
    return {name: out / name / SLUG for name in ("podcast", "broadcast", "acx")}


def copy(folder: Path, tmp_path: Path) -> Path:
    """A private copy of one build, to tamper with."""
    return Path(shutil.copytree(folder, tmp_path / folder.name))


EXTENSIONS = ("mp3", "m4b", "vtt", "sentences.vtt")


def findings(folder: Path) -> dict[str, list[str]]:
    """The audio conformance check's findings on a build, by file name."""
    return {p.name: f for p, f in checks.check([folder / f"{SLUG}.{ext}" for ext in EXTENSIONS]).items()}


def decoded(path: Path) -> np.ndarray:
    return np.frombuffer(ffmpeg.decode(path), dtype="<i2").astype(np.float64) / 32768.0


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples * samples)))


def test_standard_is_an_alias_of_podcast_the_default():
    assert options.resolve(environ={}).profile == "podcast"
    assert options.resolve("standard", environ={}).profile == "podcast"
    assert options.resolve(environ={options.PROFILE_VARIABLE: "acx"}).profile == "acx"


@pytest.mark.parametrize("name", ["podcast", "broadcast", "acx"])
def test_each_profile_records_itself_and_its_check_is_clean(builds, name):
    mp3, m4b = (builds[name] / f"{SLUG}.{ext}" for ext in ("mp3", "m4b"))
    assert str(ID3(mp3)[f"TXXX:{spec.PROFILE_TAG}"]) == name
    assert MP4(m4b).tags[f"----:com.apple.iTunes:{spec.PROFILE_TAG}"][0] == name.encode()
    info = MP3(mp3).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44_100, 1, spec.DELIVERIES[name].kbps * 1000)
    assert findings(builds[name]) == {f"{SLUG}.{ext}": [] for ext in EXTENSIONS}


def test_podcast_and_broadcast_loudness_by_ebur128(builds):
    lufs, peak = checks.ebur128(builds["podcast"] / f"{SLUG}.mp3")
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0
    lufs, peak = checks.ebur128(builds["broadcast"] / f"{SLUG}.mp3")
    assert -23.5 <= lufs <= -22.5 and peak <= -1.0


def test_acx_rms_peak_and_room_tone_on_the_decoded_mp3(builds):
    mp3 = builds["acx"] / f"{SLUG}.mp3"
    rms, peak = checks.astats(mp3)
    assert -22.0 <= rms <= -18.0 and peak <= -3.5
    samples, cues = decoded(mp3), read.read_cues(spec.sentences_path(mp3))
    assert level_db(samples) == pytest.approx(rms, abs=0.1)  # numpy agrees with astats
    head = samples[: round((cues[0].start - 0.05) * spec.RATE)]
    tail = samples[round((cues[-1].end + 0.05) * spec.RATE) :]
    assert 0.5 <= cues[0].start <= 1.0 and 1.0 <= len(samples) / spec.RATE - cues[-1].end <= 5.0
    for tone in (head, tail):
        assert -70.0 <= level_db(tone) <= -60.0  # about -65 dB
        assert np.count_nonzero(tone) > 0.9 * tone.size  # noise, not digital silence


def _retag(folder: Path, name: str) -> None:
    tags = ID3(folder / f"{SLUG}.mp3")
    tags.add(TXXX(encoding=3, desc=spec.PROFILE_TAG, text=[name]))
    tags.save(v2_version=4)


def test_a_file_checked_against_another_profile_fails(builds, tmp_path):
    acx = copy(builds["acx"], tmp_path / "a")
    _retag(acx, "podcast")
    mp3 = " | ".join(findings(acx)[f"{SLUG}.mp3"])
    assert "192 kbps, the podcast profile's is 64" in mp3 and "the podcast profile's is -16.0 ± 1.0" in mp3
    podcast = copy(builds["podcast"], tmp_path / "p")
    _retag(podcast, "acx")
    mp3 = " | ".join(findings(podcast)[f"{SLUG}.mp3"])
    assert "64 kbps, the acx profile's is 192" in mp3 and "sample peak" in mp3 and "room tone at the head" in mp3
    assert "digital silence" in mp3
    broadcast = copy(builds["broadcast"], tmp_path / "b")
    _retag(broadcast, "podcast")
    assert any("integrated loudness -23" in f for f in findings(broadcast)[f"{SLUG}.mp3"])
    _retag(broadcast, "loud")
    assert any("no known delivery profile" in f for f in findings(broadcast)[f"{SLUG}.mp3"])


def test_acx_room_tone_silenced_or_too_loud_fails(builds, tmp_path):
    folder = copy(builds["acx"], tmp_path)
    mp3 = folder / f"{SLUG}.mp3"
    tail = read.read_cues(spec.sentences_path(mp3))[-1].end + 0.05
    louder = f"volume=enable='lt(t,0.7)':volume=0,volume=enable='gt(t,{tail:.2f})':volume=30dB"
    command = [ffmpeg.program(), "-v", "error", "-y", "-i", str(mp3), "-af", louder, "-c:a", "libmp3lame"]
    command += ["-b:a", "192k", "-id3v2_version", "4", str(folder / "x.mp3")]
    assert tools.run(command).returncode == 0
    (folder / "x.mp3").replace(mp3)
    found = " | ".join(findings(folder)[f"{SLUG}.mp3"])
    assert "the head is digital silence" in found and "noise floor at the tail" in found


def raw_frame_ids(path: Path) -> list[str]:
    """The IDs of an ID3v2.4 tag's frames in the order they are stored, read from the bytes."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 4

    def syncsafe(b: bytes) -> int:
        return sum(byte << (7 * (3 - i)) for i, byte in enumerate(b))

    end, at, ids = 10 + syncsafe(data[6:10]), 10, []
    while at + 10 <= end and data[at : at + 4] != b"\0\0\0\0":
        frame, size = data[at : at + 4].decode(), syncsafe(data[at + 4 : at + 8])
        ids.append(frame if frame != "CHAP" else "CHAP:" + data[at + 10 : data.index(b"\0", at + 10)].decode())
        at += 10 + size
    return ids


def test_mp3_chapter_frames_are_stored_in_order(builds, tmp_path):
    mp3 = builds["podcast"] / f"{SLUG}.mp3"
    chapters = [key for key in ID3(mp3) if key.startswith(("CHAP", "CTOC"))]
    assert chapters == ["CTOC:toc", "CHAP:ch1", "CHAP:ch2", "CHAP:ch3", "CHAP:ch4"]
    raw = [frame for frame in raw_frame_ids(mp3) if frame.startswith(("CHAP", "CTOC"))]
    assert raw == ["CTOC", "CHAP:ch1", "CHAP:ch2", "CHAP:ch3", "CHAP:ch4"]
    [first] = [c for c in ID3(mp3).getall("CHAP") if c.element_id == "ch1"]
    assert first.start_time == 0 and str(first.sub_frames["TIT2"]) == "Water Safety: What WHO Advises"
    # mutagen's own writer sorts frames by size: the check sees chapters out of order.
    folder = copy(builds["podcast"], tmp_path)
    ID3(folder / f"{SLUG}.mp3").save(v2_version=4)
    assert [f for f in raw_frame_ids(folder / f"{SLUG}.mp3") if f.startswith("CHAP")][0] != "CHAP:ch1"
    assert any("CHAP frames stored as" in f for f in findings(folder)[f"{SLUG}.mp3"])


def test_the_m4b_is_an_audiobook(builds, tmp_path):
    m4b = builds["podcast"] / f"{SLUG}.m4b"
    assert MP4(m4b).tags["stik"] == [2]
    assert ffmpeg.probe(m4b)["format"]["tags"]["media_type"] == "2"
    folder = copy(builds["podcast"], tmp_path)
    audio = MP4(folder / f"{SLUG}.m4b")
    del audio.tags["stik"]
    audio.save()
    assert any("not marked as an audiobook" in f for f in findings(folder)[f"{SLUG}.m4b"])
