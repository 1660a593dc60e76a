"""The narration as other formats use it: each sentence's exact time and the encoded files, made once per build.

`narration(doc, build)` synthesises, masters and encodes a document once per build (through
`build.shared`), so a build of the audio edition and the synchronized editions (the `narration`
format) speaks each sentence once and both carry the very same MP3.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.audio import options
from altformats.formats.base import Build


@dataclass(frozen=True)
class Sentence:
    """One spoken sentence: its reading block and number (1-based), role, section, written text, span in samples."""

    block: int
    sentence: int
    role: str
    section: int
    written: str
    start: int  # first sample at spec.RATE (44,100 Hz) of the voiced clip
    end: int  # one past its last sample


@dataclass(frozen=True)
class Narration:
    """A document narrated: its sentences in reading order, the whole length in samples, the encoded files."""

    sentences: tuple[Sentence, ...]
    length: int  # samples at spec.RATE of the mastered narration, lead and tail included
    mp3: bytes  # the tagged MP3 exactly as the audio edition writes it
    m4b: bytes
    voice: str
    cues: tuple  # mastering.Cue per sentence, for the audio edition's sentence cues
    captions: tuple = ()  # captions.Caption per display cue, for the audio edition's captions


def narration(doc: Document, build: Build, profile: str | None = None, rate: int | None = None) -> Narration:
    """`doc` narrated with the options in force (options.resolve), computed once per build."""
    chosen = options.resolve(profile, rate)
    return build.shared(("audio.narration", doc.path, chosen), lambda: _narrate(doc, chosen, build.scratch))


def _narrate(doc: Document, chosen: options.Options, scratch: Path | None) -> Narration:
    from altformats.formats.audio import captions, encoding, files, mastering, script, synthesis

    utterances = script.script(doc)
    if not utterances:
        raise AltformatsError(f"{doc.path}: nothing to read aloud")
    spoken = synthesis.synthesise(
        [u.spoken for u in utterances], doc.meta.language, chosen.rate, scratch, chosen.voice_for(doc.meta.language)
    )
    samples, cues = mastering.lay_out(utterances, spoken.clips, chosen.profile)
    parts = files.chapters(doc, cues, 2 * len(samples))
    with tempfile.TemporaryDirectory(prefix="altformats-audio-", dir=scratch) as work:
        mp3, m4b = Path(work) / f"{doc.slug}.mp3", Path(work) / f"{doc.slug}.m4b"
        encoding.encode(doc, samples, parts, spoken.voice, Path(work), (mp3, m4b), chosen.profile)
        files.tag_mp3(mp3, doc, parts, spoken.voice, chosen.profile)
        encoded = mp3.read_bytes(), m4b.read_bytes()
    sentences = tuple(
        Sentence(c.utterance.block, c.utterance.sentence, c.utterance.role, c.utterance.section,
                 c.utterance.written, c.start, c.end)
        for c in cues
    )  # fmt: skip
    shown = tuple(captions.captions(doc, cues, spoken.words))
    return Narration(sentences, 2 * len(samples), *encoded, spoken.voice, tuple(cues), shown)
