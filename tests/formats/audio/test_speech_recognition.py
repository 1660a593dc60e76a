"""Speech recognition reads the narration back: the seed passes, a substituted or dropped sentence fails."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest
from mutagen.id3 import ID3

from altformats import formats
from altformats.errors import AltformatsError
from altformats.formats.audio import checks as sound
from altformats.formats.audio import ffmpeg, read, read_speech
from altformats.formats.audio import files as audio_files

AUDIO = formats.get("audio")
VICTIM, DONOR = "b14-paragraph-s2", "b14-paragraph-s3"  # 6.5 s and 9.7 s: the donor is sped up to fit


@pytest.fixture(scope="module")
def model(check_run):
    """The warm tiny.en model, shared with every other proof of the session."""
    return check_run.shared("whisper", read_speech.load)


@pytest.fixture(scope="module")
def seed_proofs(seed, seed_outputs, check_run, model):
    """The seed MP3's proofs, recognised once for the module."""
    [mp3] = [o for o in seed_outputs["audio"] if o.path.suffix == ".mp3"]
    return {proof.reader: proof for proof in AUDIO.prove(seed, mp3, check_run)}


@pytest.fixture(scope="module")
def cues(seed_outputs):
    [vtt] = [o.path for o in seed_outputs["audio"] if o.edition == "audio-sentences"]
    return read.read_cues(vtt)


def _span(cue) -> slice:
    return slice(2 * round(cue.start * 44_100), 2 * round(cue.end * 44_100))


def _stretched(pcm: bytes, length: int) -> bytes:
    """16-bit PCM time-stretched by ffmpeg's atempo to `length` bytes (the pitch kept)."""
    tempo = len(pcm) / length
    command = [ffmpeg.program(), "-v", "error", "-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "-"]
    command += ["-filter:a", f"atempo={tempo:.6f}", "-f", "s16le", "-"]
    out = subprocess.run(command, input=pcm, capture_output=True, check=True).stdout
    return (out + bytes(length))[:length]


def _rewrite(path, pcm: bytes) -> None:
    """Encode new 44.1 kHz PCM into `path` as the writer does, keeping its tags, chapters and transcript."""
    original = path.with_name("original" + path.suffix)
    shutil.copy(path, original)
    command = [ffmpeg.program(), "-v", "error", "-y", "-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "-"]
    if path.suffix == ".mp3":
        command += ["-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0", str(path)]
    else:
        command += ["-i", str(original), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        command += ["-c:a", "aac", "-b:a", "64k", "-f", "ipod", str(path)]
    subprocess.run(command, input=pcm, check=True)
    if path.suffix == ".mp3":
        ordered = audio_files.ordered_id3()  # the original's frames, stored in the writer's order
        for frame in ID3(str(original)).values():
            ordered.add(frame)
        ordered.save(str(path), v2_version=4)
    else:  # ffmpeg keeps the chapters but not every tag (the profile, the audiobook flag): copy them
        from mutagen.mp4 import MP4

        new = MP4(str(path))
        new.tags.update(MP4(str(original)).tags)
        new.save()
    original.unlink()


def _heard(model, path, cues, identifiers) -> dict[str, read_speech.Heard]:
    """What the recogniser hears in the named cues only (the rest of the file is not recognised)."""
    wanted = {i for i, cue in enumerate(cues) if cue.identifier in identifiers}
    return {h.cue.identifier: h for h in read_speech.recognise(model, read_speech.decode(path), cues, wanted)}


def test_the_seed_mp3_is_heard_as_written(seed_proofs):
    speech = seed_proofs["speech recognition"]
    assert not speech.skipped
    assert speech.differences == ()
    assert seed_proofs["parser"].ok


def test_the_seed_is_heard_closely_in_every_long_cue(model, seed_outputs, cues):
    [mp3] = [o.path for o in seed_outputs["audio"] if o.path.suffix == ".mp3"]
    heard = _heard(model, mp3, cues, {VICTIM, DONOR})
    assert all(h.wer < 0.35 for h in heard.values()), {k: h.wer for k, h in heard.items()}


def test_a_sentence_replaced_by_the_next_one_stretched_fails_speech_but_not_sound(scratch_build, seed, model, cues):
    folder = scratch_build / seed.slug
    victim, donor = (next(c for c in cues if c.identifier == name) for name in (VICTIM, DONOR))
    for ext in ("mp3", "m4b"):
        path = folder / f"{seed.slug}.{ext}"
        pcm = ffmpeg.decode(path)
        one, two = _span(victim), _span(donor)
        _rewrite(path, pcm[: one.start] + _stretched(pcm[two], one.stop - one.start) + pcm[one.stop :])
    paths = [folder / f"{seed.slug}.{ext}" for ext in ("mp3", "m4b")]
    findings = sound.check([*paths, folder / f"{seed.slug}.vtt", folder / f"{seed.slug}.sentences.vtt"])
    # A re-encode drifts in loudness on its own; everything else the sound check looks at passes.
    assert all("loudness" in f or "true peak" in f for p in paths for f in findings[p]), findings
    for path in paths:
        heard = _heard(model, path, cues, {VICTIM, DONOR})
        assert heard[VICTIM].failed and heard[VICTIM].wer >= 0.9, (path.suffix, heard[VICTIM])
        assert not heard[DONOR].failed, (path.suffix, heard[DONOR])


def test_a_dropped_sentence_fails_speech_recognition(scratch_build, seed, model, cues):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    pcm = ffmpeg.decode(mp3)
    one = _span(next(c for c in cues if c.identifier == VICTIM))
    _rewrite(mp3, pcm[: one.start] + bytes(one.stop - one.start) + pcm[one.stop :])
    heard = _heard(model, mp3, cues, {VICTIM, DONOR})
    assert heard[VICTIM].failed and heard[VICTIM].wer == 1.0
    assert not heard[DONOR].failed


def test_the_proof_names_the_cue_its_block_and_line(seed, model, scratch_build, cues):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    pcm = ffmpeg.decode(mp3)
    one = _span(next(c for c in cues if c.identifier == VICTIM))
    _rewrite(mp3, pcm[: one.start] + bytes(one.stop - one.start) + pcm[one.stop :])
    # Only the victim's block is listened to: its sentence cues are all the reader is given.
    vtt = mp3.with_name(f"{seed.slug}.sentences.vtt")
    kept = [c for c in cues if c.identifier == VICTIM]
    vtt.write_text(
        "WEBVTT\n\n" + "".join(f"{c.identifier}\n{_stamp(c.start)} --> {_stamp(c.end)}\n{c.text}\n\n" for c in kept)
    )
    [difference] = read_speech.compare(model, seed, "audio-mp3", mp3)
    assert difference.block == 14 and difference.line == seed.reading_blocks()[13].line
    assert difference.expected == kept[0].text and "(silence)" in difference.found


def _stamp(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"


def test_other_languages_are_skipped_with_the_reason(seed, seed_outputs, check_run):
    spanish = dataclasses.replace(seed, meta=dataclasses.replace(seed.meta, language="es"))
    for output in seed_outputs["audio"]:
        proofs = {p.reader: p for p in AUDIO.prove(spanish, output, check_run)}
        if output.edition == "audio-vtt":
            assert set(proofs) == {"parser", "caption limits"}
        elif output.edition == "audio-sentences":
            assert set(proofs) == {"parser"}
        else:
            assert proofs["speech recognition"].skipped == "English only: tiny.en"
            assert not proofs["speech recognition"].differences


def test_a_model_that_is_not_the_pinned_one_is_refused(monkeypatch):
    monkeypatch.setattr(read_speech, "MODEL_SHA256", "0" * 64)
    with pytest.raises(AltformatsError, match="sha256 1a5afae0.*expected 0{64}; reinstall with: pip install"):
        read_speech.model_folder()


def test_words_are_compared_without_case_punctuation_or_digit_forms():
    assert read_speech.words("The U.S. spent $1,000 in 2007 on 3.5% of long-range (MD) sites.") == (
        "the us spent one thousand in two thousand seven on three point five percent of long range md sites".split()
    )
    assert read_speech.words("the U S spent one thousand") == read_speech.words("The U.S. spent 1000")
    assert read_speech.written_words("See https://www.example.org/x now") == ["see", "*", "now"]


def test_a_heard_word_cannot_stand_for_a_written_one_in_another_cue():
    one, two = (
        read.CaptionCue("b1-paragraph-s1", 0.0, 2.0, "alpha beta gamma delta"),
        read.CaptionCue("b1-paragraph-s2", 5.0, 7.0, "alpha beta gamma delta"),
    )
    late = [(word, 5.5 + k * 0.3) for k, word in enumerate("alpha beta gamma delta".split())]
    first, second = read_speech.align([one, two], late)
    assert (first.errors, second.errors) == (4, 0)


def test_an_intact_m4b_has_the_sound_of_its_mp3_at_every_cue(seed_outputs, cues):
    """So `check` hears the seed's narration once: the M4B's cues are taken from the MP3's."""
    paths = {o.path.suffix: o.path for o in seed_outputs["audio"]}
    mp3, m4b = (read_speech.band_energies(read_speech.decode(paths[s])) for s in (".mp3", ".m4b"))
    assert all(read_speech.same_sound(m4b, mp3, cue) for cue in cues)


def test_a_sentence_replaced_in_the_m4b_alone_is_heard_there(scratch_build, seed, seed_proofs, model, cues):
    """The MP3 is intact and heard first; the M4B's replaced sentence does not sound like the MP3's, so
    the M4B is recognised where it differs (here: every cue, since a second encoding changes them all)."""
    folder = scratch_build / seed.slug
    m4b, mp3 = folder / f"{seed.slug}.m4b", folder / f"{seed.slug}.mp3"
    victim, donor = (next(c for c in cues if c.identifier == name) for name in (VICTIM, DONOR))
    pcm = ffmpeg.decode(m4b)
    one, two = _span(victim), _span(donor)
    _rewrite(m4b, pcm[: one.start] + _stretched(pcm[two], one.stop - one.start) + pcm[one.stop :])
    earlier: list = []
    assert read_speech.compare(model, seed, "audio-mp3", mp3, cues, earlier) == []  # heard by seed_proofs
    ours = read_speech.band_energies(read_speech.decode(m4b))
    assert not read_speech.same_sound(ours, earlier[0][0], victim)
    found = read_speech.compare(model, seed, "audio-m4b", m4b, cues, earlier)
    assert [d.expected for d in found] == [victim.text]


def test_a_cue_is_heard_alike_whichever_of_its_neighbours_were_heard_elsewhere(samples_built, model):
    """The cues left to recognise (the rest taken from another edition) are heard in the windows of
    a full recognition: edge-cases' long address, which sends tiny.en into a loop, once opened a
    window of its own and swallowed the five cues after it ("Level two" heard as silence)."""
    mp3 = samples_built / "edge-cases" / "edge-cases.mp3"
    cues = read.read_cues(read_speech.sentences_path(mp3))
    samples = read_speech.decode(mp3)
    whole = read_speech.recognise(model, samples, cues)
    assert not [h.cue.text for h in whole if h.failed]
    address = next(i for i, cue in enumerate(cues) if "://" in cue.text)
    for only in (set(range(address, len(cues))), {address, address + 1}, set(range(1, len(cues), 2))):
        assert read_speech.recognise(model, samples, cues, only) == [whole[i] for i in sorted(only)]
