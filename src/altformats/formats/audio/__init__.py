"""The audio edition: pyttsx3 narration as MP3 and M4B with chapters, WebVTT captions and a transcript.

Three files per document: `<slug>.mp3` (44.1 kHz mono CBR, ID3v2.4 with CHAP,
CTOC and the written transcript in USLT), `<slug>.m4b` (AAC with the same
chapters, the transcript as lyrics) and `<slug>.vtt` (one cue per sentence).
The words are read back from the transcript and the cues (read.py), and for
English the narration itself by speech recognition (read_speech.py); the sound
is proved by the conformance check (checks.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from altformats.document.model import Document
from altformats.errors import AltformatsError
from altformats.formats.base import Build, Check, Format, Output, Proof


class AudioFormat(Format):
    """Narration through pyttsx3/espeak-ng, encoded by ffmpeg, tagged by mutagen."""

    name = "audio"
    description = "MP3 and M4B audiobook with chapters, WebVTT captions and transcript (pyttsx3, espeak-ng)"

    def __init__(self, profile: str | None = None, rate: int | None = None):
        # Explicit choices only: the environment is read when rendering (options.resolve).
        self.profile = profile
        self.rate = rate

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output(f"audio-{ext}", out_dir / f"{doc.slug}.{ext}") for ext in ("mp3", "m4b", "vtt")]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.audio import encoding, files, mastering, options, script, synthesis
        from altformats.output import write_text

        chosen = options.resolve(self.profile, self.rate)
        mp3, m4b, vtt = (output.path for output in self.outputs(doc, out_dir))
        utterances = script.script(doc)
        if not utterances:
            raise AltformatsError(f"{doc.path}: nothing to read aloud")
        spoken = synthesis.synthesise(
            [u.spoken for u in utterances],
            doc.meta.language,
            chosen.rate,
            build.scratch,
            chosen.voice_for(doc.meta.language),
        )
        narration, cues = mastering.lay_out(utterances, spoken.clips, chosen.profile)
        parts = files.chapters(doc, cues, 2 * len(narration))
        with tempfile.TemporaryDirectory(prefix="altformats-audio-", dir=build.scratch) as work:
            encoding.encode(doc, narration, parts, spoken.voice, Path(work), (mp3, m4b), chosen.profile)
        files.tag_mp3(mp3, doc, parts, spoken.voice, chosen.profile)
        write_text(vtt, files.webvtt(cues, build.templates))
        return [mp3, m4b, vtt]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.audio import read

        if path.suffix == ".vtt":
            return [text for _, text in read.cue_blocks(path)]
        return read.transcript_blocks(path)

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The words ("parser"); for the MP3 and M4B also the title tag and chapters ("tags and
        chapters") and, for an English document, what Whisper hears ("speech recognition")."""
        from altformats.formats.audio import read_speech
        from altformats.formats.audio.read_tags import tag_differences

        proofs = super().prove(doc, output, check)
        if output.path.suffix == ".vtt":
            return proofs
        proofs.append(Proof("tags and chapters", tuple(tag_differences(output.edition, doc, output.path))))
        if not read_speech.understands(doc.meta.language):
            return [*proofs, Proof("speech recognition", skipped=read_speech.ENGLISH_ONLY)]
        model = check.shared("whisper", read_speech.load)  # one warm model for the whole run
        heard = read_speech.compare(model, doc, output.edition, output.path)
        return [*proofs, Proof("speech recognition", tuple(heard))]

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.audio import checks

        return checks.check([output.path for output in outputs])
