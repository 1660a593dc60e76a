"""The audio edition: files, tags, chapters, loudness, determinism, the sound check and its failures."""

from __future__ import annotations

import re
import subprocess

import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3, BitrateMode

from altformats import api, formats
from altformats.document.model import normalise
from altformats.formats.audio import checks as sound
from altformats.formats.audio import ffmpeg, read, spec
from altformats.formats.audio import files as audio_files
from altformats.formats.html.read import html_blocks
from conftest import ROOT, SAMPLE, SEED

FORMATS = ("audio", "html")  # the HTML edition is the reference these tests compare with

AUDIO = formats.get("audio")
SPANISH = SAMPLE["hoja-informativa"]  # pronunciations, "EE. UU." and "Dr." inside sentences, a question
# Other scripts and voices, with the ISO 639-2 code and the espeak-ng voice they get.
VOICES = {
    "ar-missile-defense": ("ara", "sem/ar"),
    "zh-missile-defense": ("zho", "sit/cmn"),
    "fr-long": ("fra", "roa/fr"),
}


@pytest.fixture(scope="module")
def files(seed, built):
    """The seed's four audio files, by edition: mp3, m4b, vtt (the captions) and sentences (the sentence cues)."""
    return {output.edition.removeprefix("audio-"): output.path for output in AUDIO.outputs(seed, built / seed.slug)}


@pytest.fixture(scope="module")
def findings(seed, built):
    """The audio conformance check, run once on the seed's files."""
    return AUDIO.conformance(AUDIO.outputs(seed, built / seed.slug))


@pytest.fixture(scope="module")
def cues(files):
    """The sentence cues, which the sound checks and the chapters follow."""
    return read.read_cues(files["sentences"])


@pytest.fixture(scope="module")
def captions(files):
    """The display captions."""
    return read.read_cues(files["vtt"])


@pytest.fixture(scope="module")
def spanish(samples_built):
    """The Spanish sample's build."""
    return samples_built / SPANISH.stem


def test_conformance_is_clean(findings):
    assert {path.name: found for path, found in findings.items() if found} == {}


def test_mp3_is_44k_mono_constant_64kbps_with_id3v24(files, seed):
    audio = MP3(str(files["mp3"]))
    assert (audio.info.sample_rate, audio.info.channels, audio.info.bitrate) == (44_100, 1, 64_000)
    assert audio.info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    tags = audio.tags
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == seed.meta.title
    assert str(tags["TPE1"]) == seed.meta.publisher
    assert str(tags["TDRC"]) == "2007-04-16"
    assert str(tags["TLAN"]) == "eng"
    assert "gmw/en-us" in str(tags["TXXX:narrator"])


def test_uslt_holds_the_written_transcript_word_for_word(files, seed):
    [lyrics] = ID3(str(files["mp3"])).getall("USLT")
    blocks = [normalise(b) for b in lyrics.text.split("\n\n")]
    assert blocks == [normalise(b.text) for b in seed.reading_blocks()]
    assert "U.S." in lyrics.text and "U S " not in lyrics.text  # pronunciations never reach the written text


def test_chapters_one_per_section_with_an_ordered_top_level_toc(files, seed, cues):
    tags = ID3(str(files["mp3"]))
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    headings = [c for c in cues if c.is_heading]
    assert len(chaps) == 1 + len(headings) >= 2
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == [seed.meta.title] + [c.text for c in headings]
    assert [c.start_time for c in chaps[1:]] == [round(c.start * 1000) for c in headings]
    [toc] = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert list(toc.child_element_ids) == [c.element_id for c in chaps]


def test_m4b_has_the_same_chapters_for_ffprobe(files):
    def chapters(path):
        report = ffmpeg.probe(path)
        return [(c["tags"]["title"], round(float(c["start_time"]), 2)) for c in report["chapters"]]

    assert chapters(files["m4b"]) == sorted(chapters(files["mp3"]), key=lambda c: c[1])
    assert ffmpeg.probe(files["m4b"])["streams"][0]["codec_name"] == "aac"


def test_loudness_on_the_decoded_mp3(files):
    lufs, peak = sound.ebur128(files["mp3"])
    assert -17.0 <= lufs <= -15.0
    assert peak <= -1.0


def test_duration_is_a_normal_speaking_rate(files, seed):
    seconds = MP3(str(files["mp3"])).info.length
    words = sum(len(b.text.split()) for b in seed.reading_blocks())
    assert 120 <= words / seconds * 60 <= 200  # words a minute, pauses included


def test_sentence_cues_are_one_per_sentence_with_block_ids(cues):
    ids = [c.identifier for c in cues]
    assert ids[:3] == ["b1-kind-s1", "b2-office-s1", "b3-place-s1"]
    assert "b6-paragraph-s2" in ids  # the opening paragraph is two sentences, not split after "U.S."
    texts = [c.text for c in cues]
    assert (
        "The U.S. Government has informed both NATO and Russia of our plans, as well as offered opportunities for cooperation."
        in texts
    )


def test_two_builds_are_byte_identical(files, seed, tmp_path):
    api.build([SEED], ["audio"], tmp_path)
    for ext, path in files.items():
        assert (tmp_path / seed.slug / path.name).read_bytes() == path.read_bytes(), ext
    # No tool versions anywhere: ffmpeg's bit-exact mode names itself without a number, and no TSSE frame.
    for path in (files["mp3"], files["m4b"]):
        data = path.read_bytes()
        assert not re.search(rb"Lav[fc]\d", data) and b"TSSE" not in data and b"\xa9too" not in data


@pytest.mark.parametrize("edition", ["vtt", "sentences.vtt"])
def test_a_changed_caption_is_a_parity_difference(scratch_build, seed, edition):
    vtt = scratch_build / seed.slug / f"{seed.slug}.{edition}"
    vtt.write_text(vtt.read_text(encoding="utf-8").replace("Russian ICBMs", "Russian missiles"), encoding="utf-8")
    reports = api.check([SEED], ["audio"], scratch_build, conformance=False)
    [bad] = [r for r in reports if not r.ok]
    assert bad.edition == ("audio-vtt" if edition == "vtt" else "audio-sentences")
    assert "ICBMs" in str(bad.differences[0])


def test_captions_meet_the_display_limits(captions, cues):
    """At most 2 lines of 42 characters and 7 s a cue; the seed's longest sentence (12.5 s) is cut into several."""
    lines = [read.caption_lines(c) for c in captions]
    assert max(len(line) for cue in lines for line in cue) <= spec.CAPTION_LINE
    assert max(map(len, lines)) <= spec.CAPTION_LINES
    assert max(c.end - c.start for c in captions) <= spec.CAPTION_SECONDS
    assert max(c.end - c.start for c in cues) > spec.CAPTION_SECONDS  # so the limit is doing work (12.5 s)
    assert len(captions) > len(cues)


def test_captions_are_cut_at_phrase_boundaries_inside_their_sentences(captions, cues):
    """Each sentence's captions follow one another from its cue's start to its end, cut after a comma where
    one falls in reach, never after an abbreviation's full stop."""
    assert [c.identifier for c in captions[:2]] == ["b1-kind-s1-c1", "b2-office-s1-c1"]
    spans = {c.identifier: (c.start, c.end) for c in cues}
    pieces = [c for c in captions if c.identifier.startswith("b6-paragraph-s2-")]
    assert [read.caption_lines(c)[-1][-1] for c in pieces[:-1]] == [","]  # "... of our plans," | "as well as ..."
    assert (pieces[0].start, pieces[-1].end) == spans["b6-paragraph-s2"]
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:], strict=False))
    assert not any(read.caption_lines(c)[-1].endswith("U.S.") for c in captions if not c.identifier.endswith("-c1"))


def test_caption_pieces_join_back_into_the_blocks(files, seed):
    assert [normalise(t) for t in AUDIO.read_back(files["vtt"])] == [normalise(b.text) for b in seed.reading_blocks()]


def _caption_problems(scratch_build, seed, change) -> list[str]:
    vtt = scratch_build / seed.slug / f"{seed.slug}.vtt"
    vtt.write_text(change(vtt.read_text(encoding="utf-8")), encoding="utf-8")
    reports = api.check([SEED], ["audio"], scratch_build, conformance=False)
    return [str(d) for r in reports if r.edition == "audio-vtt" for d in r.differences]


def _merged(text: str, first: str) -> str:
    """The captions with cue `first` and the next one made one cue: its start, the next one's end, both texts."""
    cues = text.split("\n\n")
    n = next(k for k, cue in enumerate(cues) if cue.startswith(first + "\n"))
    (ident, times, *one), (_, later, *two) = cues[n].split("\n"), cues[n + 1].split("\n")
    merged = "\n".join([ident, f"{times.split(' --> ')[0]} --> {later.split(' --> ')[1]}", *one, *two])
    return "\n\n".join([*cues[:n], merged, *cues[n + 2 :]])


def test_a_cue_too_long_to_read_fails_the_check(scratch_build, seed):
    """Two captions merged into one: the words are all there, but it is 4 lines and over 7 s."""
    problems = _caption_problems(scratch_build, seed, lambda t: _merged(t, "b14-paragraph-s3-c1"))
    assert any("4 lines" in p for p in problems) and any("s on screen" in p for p in problems), problems


def test_a_line_too_wide_fails_the_check(scratch_build, seed):
    wide = "The U.S. Government has informed both NATO and Russia of our plans,"
    problems = _caption_problems(scratch_build, seed, lambda t: t.replace(wide.replace(" both", "\nboth"), wide))
    assert any(f"a line of {len(wide)} characters" in p for p in problems), problems


def test_a_caption_moved_off_its_sentence_fails_the_check(scratch_build, seed, captions):
    cue = next(c for c in captions if c.identifier == "b6-paragraph-s2-c2")
    stamp = audio_files.timestamp(round(cue.start * spec.RATE))
    later = audio_files.timestamp(round((cue.start + 0.5) * spec.RATE))
    problems = _caption_problems(scratch_build, seed, lambda t: t.replace(f"{stamp} -->", f"{later} -->"))
    assert any("b6-paragraph-s2-c2" in p and "start at" in p for p in problems), problems


def _rewrite_mp3(path, pcm: bytes) -> None:
    """Encode new PCM (44.1 kHz) into `path` and give it the original's ID3 tag back."""
    tags = ID3(str(path))
    command = [ffmpeg.program(), "-v", "error", "-y", "-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "-"]
    subprocess.run(
        [*command, "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0", str(path)], input=pcm, check=True
    )
    ordered = audio_files.ordered_id3()  # the frames in the order the writer stores them (CHAP by time)
    for frame in tags.values():
        ordered.add(frame)
    ordered.save(str(path), v2_version=4)


def _sound_problems(scratch_build, seed) -> list[str]:
    """What `altformats check` finds wrong with the MP3's sound (a re-encode's own loudness drift aside)."""
    outputs = AUDIO.outputs(seed, scratch_build / seed.slug)
    mp3 = next(o for o in outputs if o.edition == "audio-mp3")
    assert AUDIO.compare(seed, mp3) == []  # the transcript is intact: the parser cannot catch this
    found = AUDIO.conformance(outputs)[mp3.path]  # the sound checks (speech recognition: test_speech_recognition.py)
    return [f for f in found if "loudness" not in f and "true peak" not in f]


def _span(cue) -> slice:
    return slice(2 * round(cue.start * 44_100), 2 * round(cue.end * 44_100))


def test_a_faithful_re_encode_passes_the_sound_check(scratch_build, seed):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    _rewrite_mp3(mp3, ffmpeg.decode(mp3))
    assert _sound_problems(scratch_build, seed) == []


def test_a_sentence_cut_out_of_the_mp3_fails_the_check(scratch_build, seed, cues):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    pcm = ffmpeg.decode(mp3)
    victim = next(c for c in cues if c.identifier == "b14-paragraph-s2")
    _rewrite_mp3(mp3, pcm[: _span(victim).start] + pcm[_span(victim).stop :])
    assert _sound_problems(scratch_build, seed)


def test_two_sentences_swapped_in_the_mp3_fail_the_check(scratch_build, seed, cues):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    pcm = ffmpeg.decode(mp3)
    one, two = (_span(c) for c in cues if c.identifier in ("b14-paragraph-s1", "b14-paragraph-s3"))
    swapped = pcm[: one.start] + pcm[two] + pcm[one.stop : two.start] + pcm[one] + pcm[two.stop :]
    assert len(swapped) == len(pcm)
    _rewrite_mp3(mp3, swapped)
    assert _sound_problems(scratch_build, seed)


def test_two_sentences_of_the_same_length_swapped_fail_the_check(scratch_build, seed, cues):
    # "Washington, DC" and "Cooperation with Russia" last within 50 ms of each other: the
    # timing checks cannot tell them apart, the MP3/M4B agreement check can.
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    pcm = bytearray(ffmpeg.decode(mp3))
    one, two = (_span(c) for c in cues if c.identifier in ("b3-place-s1", "b13-heading-s1"))
    n = min(one.stop - one.start, two.stop - two.start)
    pcm[one.start : one.start + n], pcm[two.start : two.start + n] = (
        pcm[two.start : two.start + n],
        pcm[one.start : one.start + n],
    )
    _rewrite_mp3(mp3, bytes(pcm))
    problems = _sound_problems(scratch_build, seed)
    assert problems and all("sound different in cue b3-place-s1" in p or "b13-heading-s1" in p for p in problems)


def test_a_truncated_last_sentence_fails_the_check(scratch_build, seed, cues):
    mp3 = scratch_build / seed.slug / f"{seed.slug}.mp3"
    data, tag = mp3.read_bytes(), ID3(str(mp3)).size  # the tag comes first; CBR frames follow evenly
    last = cues[-1]
    keep = (last.start + last.end) / 2 / MP3(str(mp3)).info.length  # cut in the middle of the last sentence
    mp3.write_bytes(data[: tag + int((len(data) - tag) * keep)])
    assert _sound_problems(scratch_build, seed)


def test_spanish_document_gets_a_spanish_voice_and_its_words(spanish):
    slug = SPANISH.stem
    tags = ID3(str(spanish / f"{slug}.mp3"))
    assert str(tags["TXXX:narrator"]) == "espeak-ng roa/es"
    assert str(tags["TLAN"]) == "spa"
    written = [normalise(t) for t in html_blocks((spanish / f"{slug}.html").read_bytes())]
    assert [normalise(t) for t in AUDIO.read_back(spanish / f"{slug}.vtt")] == written
    assert [normalise(t) for t in AUDIO.read_back(spanish / f"{slug}.sentences.vtt")] == written
    assert [normalise(t) for t in AUDIO.read_back(spanish / f"{slug}.mp3")] == written
    assert [normalise(t) for t in AUDIO.read_back(spanish / f"{slug}.m4b")] == written


def test_spanish_edition_passes_conformance(spanish, samples_built):
    doc = api.load(SPANISH)
    assert {p.name: f for p, f in AUDIO.conformance(AUDIO.outputs(doc, spanish)).items() if f} == {}


@pytest.mark.parametrize("slug", sorted(VOICES))
def test_other_scripts_get_their_voice_and_pass_the_sound_check(samples_built, slug):
    """Arabic, Chinese (no spaces: the speaking rate is counted in characters) and French."""
    doc = api.load(SAMPLE[slug])
    outputs = AUDIO.outputs(doc, samples_built / slug)
    tags = ID3(str(outputs[0].path))
    assert (str(tags["TLAN"]), str(tags["TXXX:narrator"])) == (VOICES[slug][0], f"espeak-ng {VOICES[slug][1]}")
    assert {o.path.name: f for o, f in zip(outputs, AUDIO.conformance(outputs).values(), strict=True) if f} == {}


def test_speaking_rate_is_counted_in_letters_or_syllables_by_script():
    assert sound.speaking_units("导弹防御：与北约的合作") == ("syllabic", 10)
    assert sound.speaking_units("Pneumonoultramicroscopicsilicovolcanoconiosis end.") == ("alphabetic", 48)
    assert sound.speaking_units("2007年4月16日") == ("alphabetic", 10)  # mostly digits


def test_missing_ffmpeg_fails_with_the_install_line(monkeypatch, files):
    from altformats.errors import MissingTool

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingTool, match="apt-get install ffmpeg"):
        ffmpeg.program()
    with pytest.raises(MissingTool, match="apt-get install ffmpeg"):
        ffmpeg.probe(files["mp3"])


def test_a_decoded_peak_over_the_limit_is_trimmed_and_encoded_again(monkeypatch, tmp_path):
    from altformats.formats.audio import mastering

    real, calls = mastering.measure, []
    # The first decoded peak reads 0.2 dB over the limit: a trim small enough for any document's
    # loudness to stay within the build's allowance, so one more encode must settle it.
    over = spec.TRUE_PEAK_LIMIT + 0.2

    def measure_with_a_first_overshoot(pcm):
        lufs, peak = real(pcm)
        calls.append((lufs, peak))
        return (lufs, over) if len(calls) == 1 else (lufs, peak)

    monkeypatch.setattr(mastering, "measure", measure_with_a_first_overshoot)
    api.build([SPANISH], ["audio"], tmp_path)
    assert len(calls) == 2
    (first_lufs, first_peak), (second_lufs, second_peak) = calls
    trim = -1.3 - over  # down to 0.3 dB under the limit
    assert second_lufs == pytest.approx(first_lufs + trim, abs=0.1) and second_peak < first_peak
    lufs, peak = sound.ebur128(tmp_path / SPANISH.stem / f"{SPANISH.stem}.mp3")
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0


def test_a_heading_of_two_sentences_is_one_chapter_titled_with_both(tmp_path):
    source = tmp_path / "two.md"
    source.write_text(
        '---\ntitle: "Two"\ndate: 2024-01-02\nlanguage: en\n---\n\nOpening words.\n\n## Why? Because.\n\nSome text here.\n',
        encoding="utf-8",
    )
    api.build([source], ["audio"], tmp_path / "out")
    mp3 = tmp_path / "out" / "two" / "two.mp3"
    assert [c["tags"]["title"] for c in ffmpeg.probe(mp3)["chapters"]] == ["Two", "Why? Because."]
    assert all(r.ok for r in api.check([source], ["audio"], tmp_path / "out")), "the check agrees"


def test_a_user_captions_template_changes_the_vtt(tmp_path):
    source = tmp_path / "short.md"
    source.write_text('---\ntitle: "Short"\ndate: 2024-01-02\nlanguage: en\n---\n\nA few words.\n', encoding="utf-8")
    default = (ROOT / "templates" / "audio" / "captions.vtt.j2").read_text(encoding="utf-8")
    (tmp_path / "mine" / "audio").mkdir(parents=True)
    (tmp_path / "mine" / "audio" / "captions.vtt.j2").write_text(
        default.replace("WEBVTT\n", "WEBVTT\n\nNOTE house style\n", 1), encoding="utf-8"
    )
    api.build([source], ["audio"], tmp_path / "plain")
    api.build([source], ["audio"], tmp_path / "styled", templates=str(tmp_path / "mine"))
    plain, styled = (
        (tmp_path / out / "short" / "short.vtt").read_text(encoding="utf-8") for out in ("plain", "styled")
    )
    assert styled == plain.replace("WEBVTT\n", "WEBVTT\n\nNOTE house style\n", 1) != plain
    assert all(r.ok for r in api.check([source], ["audio"], tmp_path / "styled")), "the captions still read back"


def test_markup_characters_in_a_heading_are_its_words_for_the_chapter_and_the_check(tmp_path):
    """The VTT escapes & and <; the reader undoes that once, so "R&D <2024>" is one chapter's title."""
    source = tmp_path / "amp.md"
    source.write_text(
        '---\ntitle: "Amp"\ndate: 2024-01-02\n---\n\nOpening words.\n\n## R&D &lt;2024&gt; &amp;lt;\n\nSome text here.\n',
        encoding="utf-8",
    )
    api.build([source], ["audio"], tmp_path / "out")
    vtt = tmp_path / "out" / "amp" / "amp.vtt"
    assert "R&amp;D &lt;2024&gt; &amp;lt;" in vtt.read_text(encoding="utf-8")
    assert "R&D <2024> &lt;" in [cue.text for cue in read.read_cues(vtt)]
    reports = api.check([source], ["audio"], tmp_path / "out")
    assert all(r.ok for r in reports), [str(f) for r in reports for f in r.differences + r.findings]
