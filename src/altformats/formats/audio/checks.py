"""Conformance of the audio edition: the sound itself, checked against the captions.

Independent readers only: ffprobe reads streams, tags and chapters, ffmpeg
decodes the audio and measures loudness (ebur128), webvtt-py reads the cues,
mutagen reads the ID3 frames. Every cue's span of the decoded MP3 and M4B must
hold speech from start to end at a plausible rate, the pauses between cues
must be silent, and the total length must match the cues, so a sentence cut
out, swapped with another of a different length, or truncated is caught. The
two files, encoded from one narration, must also sound alike cue by cue, which
catches a swap of two sentences of the same length in either of them. Each file
records the delivery profile it was made for (spec.PROFILE_TAG), and the decoded
MP3 is held to that profile's targets (ebur128, or astats for ACX's RMS, peak and
room tone); the M4B must be marked as an audiobook.
"""

from __future__ import annotations

import re
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError
from altformats.formats.audio.ffmpeg import decode, probe, program
from altformats.formats.audio.read import CaptionCue, read_cues
from altformats.formats.audio.spec import (
    PROFILE_TAG,
    RATE,
    SENTENCES_SUFFIX,
    Delivery,
    delivery,
    join,
    parse_caption_id,
    parse_cue_id,
    sentences_path,
)  # fmt: skip
from altformats.text import syllabic_characters

FRAME = 0.010  # seconds per loudness frame
SILENCE_DB = -50.0  # a frame quieter than this (RMS, dBFS) is silence; the editions' pauses are digital zero
EDGE = 0.060  # seconds of slack at each end of a cue (the encoder smears transients)
MAX_INNER_SILENCE = 0.40  # seconds: the longest pause espeak-ng makes inside a sentence (measured ~0.3)
# A plausible speaking rate for a cue (headings, dates and table cells included), in characters
# (letters and digits) a second. Words a second means nothing in Chinese, written without spaces,
# and little for one long word; so the unit is the character, with a band per kind of script: in
# Han, kana and Hangul (text.SYLLABIC) a character is a syllable, elsewhere a letter (measured: 2.5-4.1 and 2.1-21.1).
CHARACTERS_PER_SECOND = {"syllabic": (1.0, 8.0), "alphabetic": (1.5, 30.0)}
ROOM_TONE_MIN = -80.0  # dB RMS: a head or tail quieter than this is digital silence, not room tone
BITRATE_TOLERANCE = 0.03  # of the profile's bitrate (the next MP3 bitrates are 25% apart)
AUDIOBOOK = "2"  # the MPEG-4 stik (media type) of an audiobook, as ffprobe lists it (media_type)
DURATION_TOLERANCE = 0.10  # seconds between the decoded length and the cues plus the closing pause
MIN_AGREEMENT = 0.9  # envelope correlation of the MP3 and the M4B within a cue (measured >= 0.997 when intact)
FLOOR_DB = -60.0  # levels below this count as silence when comparing envelopes
MAX_FINDINGS = 6  # per file, so one broken file does not bury the report
EXPECTED = {".mp3": ("mp3", RATE, 1), ".m4b": ("aac", RATE, 1)}  # codec, sample rate, channels


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Findings for each audio file (an empty list is clean); the sentence cues beside them give the cues."""
    findings: dict[Path, list[str]] = {path: [] for path in paths}
    levels: dict[Path, object] = {}
    for path in paths:
        try:
            if path.suffix == ".vtt":
                findings[path] += caption_findings(read_cues(path), not path.name.endswith(SENTENCES_SUFFIX))
            else:
                cues = read_cues(sentences_path(path))
                levels[path] = frame_levels(decode(path))
                findings[path] += media_findings(path, cues, levels[path])
        except AltformatsError as error:
            findings[path].append(str(error))
    mp3, m4b = (next((p for p in levels if p.suffix == ext), None) for ext in (".mp3", ".m4b"))
    # Files of different lengths already fail the timing checks; comparing them would only add noise.
    if mp3 and m4b and abs(len(levels[mp3]) - len(levels[m4b])) <= 2:
        disagreements = agreement_findings(levels[mp3], levels[m4b], read_cues(sentences_path(mp3)))
        findings[mp3] += disagreements
        findings[m4b] += disagreements
    return {path: _capped(found) for path, found in findings.items()}


def _capped(found: list[str]) -> list[str]:
    extra = len(found) - MAX_FINDINGS
    return found[:MAX_FINDINGS] + ([f"... and {extra} more"] if extra > 0 else [])


def caption_findings(cues: list[CaptionCue], display: bool = False) -> list[str]:
    """Cues present, identified uniquely, non-empty, in order and not overlapping (`display`: the captions,
    whose ids name the piece of the sentence; otherwise the sentence cues). The caption limits and the
    captions' agreement with the sentence cues are a proof ("caption limits", read.caption_differences)."""
    found = [] if cues else ["vtt: no cues"]
    ids = [cue.identifier for cue in cues]
    grammar, parse = ("-c<part>", parse_caption_id) if display else ("", parse_cue_id)
    if len(set(ids)) != len(ids) or None in map(parse, ids):
        found.append(f"vtt: cue identifiers must be unique b<block>-<role>-s<sentence>{grammar}")
    for before, cue in zip([None, *cues], cues, strict=False):
        if not cue.text.strip():
            found.append(f"vtt: cue {cue.identifier} has no text")
        if cue.end <= cue.start or (before and cue.start < before.end):
            found.append(f"vtt: cue {cue.identifier} at {cue.start:.3f}s is out of order or overlaps")
    return found


def media_findings(path: Path, cues: list[CaptionCue], levels) -> list[str]:
    """Stream format, chapters, ID3 frames (MP3), the sound against the cues, and loudness (MP3)."""
    report, kind = probe(path), path.suffix[1:]
    profile, found = recorded_profile(kind, report)
    found += stream_findings(path, report) + chapter_findings(kind, report, cues)
    if path.suffix == ".mp3":
        found += id3_findings(path, profile) + delivery_findings(path, profile, cues)
    elif report["format"].get("tags", {}).get("media_type") != AUDIOBOOK:
        found.append(f"m4b: not marked as an audiobook (stik/media_type {AUDIOBOOK})")
    return found + sound_findings(kind, levels, cues, profile.tail)


def recorded_profile(kind: str, report: dict) -> tuple[Delivery, list[str]]:
    """The delivery profile the file records (its PROFILE_TAG), or the default with a finding if none is."""
    name = report["format"].get("tags", {}).get(PROFILE_TAG)
    try:
        return delivery(name), []
    except KeyError:
        return delivery("podcast"), [f"{kind}: no known delivery profile recorded ({PROFILE_TAG!r} is {name!r})"]


def stream_findings(path: Path, report: dict) -> list[str]:
    """The one audio stream: codec, 44.1 kHz, mono."""
    streams = [s for s in report.get("streams", []) if s.get("codec_type") == "audio"]
    if len(streams) != 1:
        return [f"{path.suffix[1:]}: expected one audio stream, found {len(streams)}"]
    got = (streams[0].get("codec_name"), int(streams[0].get("sample_rate", 0)), streams[0].get("channels"))
    return [] if got == EXPECTED[path.suffix] else [f"{path.suffix[1:]}: expected {EXPECTED[path.suffix]}, found {got}"]


def chapter_findings(kind: str, report: dict, cues: list[CaptionCue]) -> list[str]:
    """Chapters as ffprobe reads them: the opening plus one at each heading's cue, titled with it."""
    title = report["format"].get("tags", {}).get("title", "")
    want = [(title, 0.0)] + [(heading_text(cue, cues), cue.start) for cue in cues if cue.is_heading]
    chapters = sorted(
        report.get("chapters", []), key=lambda c: float(c["start_time"])
    )  # ffprobe lists ID3 frames in tag order
    got = [(c.get("tags", {}).get("title", ""), float(c["start_time"])) for c in chapters]
    if len(got) != len(want):
        return [f"{kind}: {len(got)} chapters, expected {len(want)} (the opening and one per heading)"]
    return [
        f"{kind}: chapter {n} is {g[0]!r} at {g[1]:.3f}s, expected {w[0]!r} at {w[1]:.3f}s"
        for n, (g, w) in enumerate(zip(got, want, strict=True), start=1)
        if g[0] != w[0] or abs(g[1] - w[1]) > 0.002
    ]


def heading_text(first: CaptionCue, cues: list[CaptionCue]) -> str:
    """A heading's whole text: its cues (one per sentence) joined."""
    block = first.parts.block
    return join([cue.text for cue in cues if cue.parts and cue.parts.block == block])


def id3_findings(path: Path, profile: Delivery) -> list[str]:
    """ID3v2.4 with a top-level ordered CTOC listing every CHAP in time order, the CHAP frames stored in
    time order too (for players that ignore the CTOC), and the profile's constant bitrate."""
    from mutagen.id3 import CTOCFlags
    from mutagen.mp3 import MP3, BitrateMode

    audio = MP3(str(path))
    found = (
        [] if audio.info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN) else ["mp3: bitrate is not constant"]
    )
    # mutagen estimates the bitrate from the length, so a few seconds' file reads 63 for 64 kbps.
    if abs(audio.info.bitrate - profile.kbps * 1000) > BITRATE_TOLERANCE * profile.kbps * 1000:
        found.append(f"mp3: {audio.info.bitrate // 1000} kbps, the {profile.name} profile's is {profile.kbps}")
    if audio.tags is None or audio.tags.version[:2] != (2, 4):
        return [*found, "mp3: no ID3v2.4 tag"]
    chaps = sorted(audio.tags.getall("CHAP"), key=lambda c: c.start_time)
    tocs = [t for t in audio.tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    if len(tocs) != 1 or not tocs[0].flags & CTOCFlags.ORDERED:
        found.append("mp3: expected one top-level, ordered CTOC")
    elif list(tocs[0].child_element_ids) != [c.element_id for c in chaps]:
        found.append("mp3: the CTOC does not list the chapters in time order")
    stored = [key.partition(":")[2] for key in audio.tags if key.startswith("CHAP:")]  # file order
    if stored != [c.element_id for c in chaps]:
        found.append(f"mp3: CHAP frames stored as {', '.join(stored)}, not in time order")
    for frame in ("TIT2", "TDRC", "TLAN", "USLT"):
        if not audio.tags.getall(frame):
            found.append(f"mp3: no {frame} frame")
    return found


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of the decoded file, by ffmpeg's ebur128 filter."""
    command = [
        program(),
        "-nostats",
        "-nostdin",
        "-i",
        str(path),
        "-filter_complex",
        "ebur128=peak=true",
        "-f",
        "null",
        "-",
    ]
    # ffmpeg's log prints the tags cut at a byte count, which can split a character (Arabic, Chinese).
    log = tools.run(command, capture_output=True, text=True, errors="replace").stderr
    summary = log[log.rfind("Summary:") :]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (lufs and peak):
        raise AltformatsError(f"{path}: ffmpeg ebur128 gave no loudness summary: {log.strip()[-300:]}")
    return float(lufs.group(1)), float(peak.group(1))


def astats(path: Path, start: float = 0.0, end: float | None = None) -> tuple[float, float]:
    """RMS level and sample peak (dBFS) of the decoded file from `start` to `end` s, by ffmpeg's astats filter."""
    span = f"atrim=start={start:.3f}" + (f":end={end:.3f}" if end is not None else "")
    stats = f"{span},astats=measure_perchannel=none"
    command = [program(), "-nostats", "-nostdin", "-i", str(path), "-af", stats, "-f", "null", "-"]
    log = tools.run(command, capture_output=True, text=True, errors="replace").stderr
    rms = re.findall(r"RMS level dB:\s+(-?[\d.]+|-inf)", log)
    peak = re.findall(r"Peak level dB:\s+(-?[\d.]+|-inf)", log)
    if not (rms and peak):
        raise AltformatsError(f"{path}: ffmpeg astats gave no levels: {log.strip()[-300:]}")
    return float(rms[-1]), float(peak[-1])


def delivery_findings(path: Path, profile: Delivery, cues: list[CaptionCue]) -> list[str]:
    """The decoded MP3 against its profile: loudness and true peak (ebur128), or RMS, peak and room tone (astats)."""
    kind, name = path.suffix[1:], profile.name
    if profile.meter == "loudness":
        (level, top), words = ebur128(path), ("integrated loudness {} LUFS", "true peak {} dBTP")
    else:
        (level, top), words = astats(path), ("RMS level {} dB", "sample peak {} dBFS")
    found = []
    if not abs(level - profile.level) <= profile.tolerance:
        measured = words[0].format(level)
        found.append(f"{kind}: {measured}, the {name} profile's is {profile.level} ± {profile.tolerance}")
    if not top <= profile.peak:
        found.append(f"{kind}: {words[1].format(top)}, above the {name} profile's {profile.peak}")
    return found + (room_tone_findings(path, profile, cues) if profile.noise_floor is not None else [])


def room_tone_findings(path: Path, profile: Delivery, cues: list[CaptionCue]) -> list[str]:
    """Room tone at the head and tail: long enough, under the noise floor, and not digital silence."""
    if not cues:
        return []
    length = float(probe(path)["format"]["duration"])
    found = []
    spans = {"head": (0.0, cues[0].start, profile.head_range), "tail": (cues[-1].end, length, profile.tail_range)}
    for where, (start, end, (shortest, longest)) in spans.items():
        if not shortest <= end - start <= longest:
            found.append(f"mp3: {end - start:.2f}s of room tone at the {where}, expected {shortest}-{longest}s")
        rms, _ = astats(path, start + EDGE, end - EDGE)
        if rms > profile.noise_floor:
            found.append(f"mp3: noise floor at the {where} {rms} dB RMS, above {profile.noise_floor}")
        elif rms < ROOM_TONE_MIN:
            found.append(f"mp3: the {where} is digital silence ({rms} dB RMS), not room tone")
    return found


def frame_levels(pcm: bytes):
    """RMS level (dBFS) of each FRAME of mono 16-bit PCM at RATE (a last, partial frame too)."""
    import numpy as np

    size = int(FRAME * RATE)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    padded = np.concatenate([samples, np.zeros(-len(samples) % size)])
    return 10 * np.log10(np.mean(padded.reshape(-1, size) ** 2, axis=1) + 1e-20)


def sound_findings(kind: str, levels, cues: list[CaptionCue], tail: float) -> list[str]:
    """Speech in every cue from its start to its end at a plausible rate, silence between cues, the right length
    (the last cue and the profile's `tail`)."""
    active = levels > SILENCE_DB
    found = []
    length = len(levels) * FRAME
    expected = cues[-1].end + tail if cues else 0.0
    if abs(length - expected) > DURATION_TOLERANCE:
        found.append(f"{kind}: lasts {length:.2f}s, the cues say {expected:.2f}s")
    previous_end = 0.0
    for cue in cues:
        found += _cue_findings(kind, active, cue) + _gap_findings(kind, active, previous_end, cue.start)
        previous_end = cue.end
    return found + _gap_findings(kind, active, previous_end, expected)


def _frames(active, start: float, end: float):
    return active[max(0, round(start / FRAME)) : max(0, round(end / FRAME))]


def _cue_findings(kind: str, active, cue: CaptionCue) -> list[str]:
    where = f"{kind}: cue {cue.identifier} ({cue.start:.2f}-{cue.end:.2f}s)"
    span = _frames(active, cue.start, cue.end)
    edge = round(EDGE / FRAME)
    if span.size == 0 or not span[:edge].any() or not span[-edge:].any():
        return [f"{where}: no speech at its start or end"]
    longest = longest_silence(span) * FRAME
    if longest > MAX_INNER_SILENCE:
        return [f"{where}: {longest:.2f}s of silence inside one sentence"]
    script, characters = speaking_units(cue.text)
    rate = characters / (cue.end - cue.start)
    low, high = CHARACTERS_PER_SECOND[script]
    if not low <= rate <= high:
        return [f"{where}: {rate:.1f} characters a second is not a speaking rate ({script} script: {low}-{high})"]
    return []


def speaking_units(text: str) -> tuple[str, int]:
    """The kind of script a cue is written in ("syllabic" when most of it is Han, kana or Hangul) and its letters and digits."""
    characters = sum(char.isalnum() for char in text)
    return ("syllabic" if 2 * syllabic_characters(text) >= characters > 0 else "alphabetic"), characters


def longest_silence(span) -> int:
    """The longest run of silent frames in a span of frame activity."""
    import numpy as np

    padded = np.concatenate(([True], span, [True]))
    changes = np.flatnonzero(padded[1:] != padded[:-1])  # silence starts at even entries, ends at odd ones
    return int((changes[1::2] - changes[0::2]).max()) if changes.size else 0


def _gap_findings(kind: str, active, start: float, end: float) -> list[str]:
    gap = _frames(active, start + EDGE, end - EDGE)
    return [f"{kind}: sound in the pause {start:.2f}-{end:.2f}s, where no cue is"] if gap.any() else []


def agreement_findings(mp3_levels, m4b_levels, cues: list[CaptionCue]) -> list[str]:
    """The MP3 and the M4B, encoded from one narration, must sound alike cue by cue.

    Their loudness envelopes correlate above 0.99 when both are intact; a
    sentence swapped with another of the same length in one file (which the
    timing checks cannot see) drops its cues' correlation to about zero.
    """
    import numpy as np

    found = []
    for cue in cues:
        span = slice(round(cue.start / FRAME), round(cue.end / FRAME))
        a, b = (np.maximum(levels[span], FLOOR_DB) for levels in (mp3_levels, m4b_levels))
        together = float(np.corrcoef(a, b)[0, 1]) if a.size == b.size and a.size > 1 else 0.0
        if not together >= MIN_AGREEMENT:
            found.append(f"mp3 and m4b sound different in cue {cue.identifier} (envelope correlation {together:.2f})")
    return found
