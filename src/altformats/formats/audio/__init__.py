"""The audio edition: pyttsx3 narration as MP3 and M4B with chapters, WebVTT captions and a transcript.

Three files per document: `<slug>.mp3` (44.1 kHz mono CBR, ID3v2.4 with CHAP,
CTOC and the written transcript in USLT), `<slug>.m4b` (AAC with the same
chapters, the transcript as lyrics), `<slug>.vtt` (display captions: at most 2 lines of
42 characters and 7 s a cue) and `<slug>.sentences.vtt` (one cue per sentence, which the
sound checks, the chapters and speech recognition follow).
The words are read back from the transcript and both cue files (read.py), and for
English the narration itself by speech recognition (read_speech.py); the sound
is proved by the conformance check (checks.py).

The interface another format may use (the synchronized editions do):
`narration(doc, build) -> Narration`: every sentence's written text and exact span in samples,
and the encoded MP3 and M4B, made once per build through `build.shared(...)` (narrated.py), so a
build of both formats synthesises once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from altformats.document.model import Document
from altformats.formats.audio.spec import SENTENCES_SUFFIX, sentences_path
from altformats.formats.base import Build, Check, Format, Output, Proof

if TYPE_CHECKING:
    from altformats.formats.audio.narrated import Narration, Sentence, narration

__all__ = ["AudioFormat", "Narration", "Sentence", "narration"]


def __getattr__(name: str):
    """The narration interface, imported when first used: the CLI reads `spec` from this package on
    every run, and an HTML build must not pay for the audio writer's modules (PEP 562)."""
    if name in ("Narration", "Sentence", "narration"):
        from altformats.formats.audio import narrated

        return getattr(narrated, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AudioFormat(Format):
    """Narration through pyttsx3/espeak-ng, encoded by ffmpeg, tagged by mutagen."""

    name = "audio"
    description = "MP3 and M4B audiobook with chapters, WebVTT captions and transcript (pyttsx3, espeak-ng)"

    def __init__(self, profile: str | None = None, rate: int | None = None):
        # Explicit choices only: the environment is read when rendering (options.resolve).
        self.profile = profile
        self.rate = rate

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [
            *(Output(f"audio-{ext}", out_dir / f"{doc.slug}.{ext}") for ext in ("mp3", "m4b", "vtt")),
            Output("audio-sentences", out_dir / f"{doc.slug}{SENTENCES_SUFFIX}"),
        ]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.audio import files
        from altformats.formats.audio.narrated import narration
        from altformats.output import write_bytes, write_text

        mp3, m4b, vtt, sentences = (output.path for output in self.outputs(doc, out_dir))
        # Spoken once per build: the synchronized editions (the narration format) share it.
        told = narration(doc, build, self.profile, self.rate)
        write_bytes(mp3, told.mp3)
        write_bytes(m4b, told.m4b)
        write_text(vtt, files.caption_webvtt(list(told.captions), build.templates))
        write_text(sentences, files.sentence_webvtt(list(told.cues), build.templates))
        return [mp3, m4b, vtt, sentences]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.audio import read

        if path.name.endswith(SENTENCES_SUFFIX):
            return [text for _, text in read.cue_blocks(path)]
        if path.suffix == ".vtt":
            return [text for _, text in read.caption_blocks(path)]
        return read.transcript_blocks(path)

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The words ("parser"); for the MP3 and M4B also the title tag and chapters ("tags and
        chapters") and, for an English document, what Whisper hears ("speech recognition")."""
        from altformats.formats.audio import read, read_speech
        from altformats.formats.audio.read_tags import tag_differences

        proofs = super().prove(doc, output, check)
        if output.edition == "audio-vtt":
            return [*proofs, Proof("caption limits", tuple(read.caption_differences(output.edition, doc, output.path)))]
        if output.path.suffix == ".vtt":
            return proofs
        proofs.append(Proof("tags and chapters", tuple(tag_differences(output.edition, doc, output.path))))
        if not read_speech.understands(doc.meta.language):
            return [*proofs, Proof("speech recognition", skipped=read_speech.ENGLISH_ONLY)]
        model = check.shared("whisper", read_speech.load)  # one warm model for the whole run
        sentences = sentences_path(output.path)
        cues = read.read_cues(sentences)
        # the MP3 and the M4B of one narration (one cue file): a cue where their sounds are the same is heard once
        earlier = check.shared(("heard", hashlib.sha256(sentences.read_bytes()).hexdigest()), list)
        by_bytes = check.shared("heard by bytes", dict)  # the narrated editions carry this MP3
        heard = read_speech.compare(model, doc, output.edition, output.path, cues, earlier, by_bytes)
        return [*proofs, Proof("speech recognition", tuple(heard))]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.audio import checks

        return checks.check([output.path for output in outputs])
