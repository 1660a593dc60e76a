"""The synchronized editions: a Media Overlays EPUB 3, a read-along HTML page and a DAISY 2.02 talking book.

All three show the reading text with one span per sentence and time each sentence by the audio
format's exact sample counts (`altformats.formats.audio.narration`, made once per build, so a
build of both formats synthesises once and every edition carries the same MP3). read.py reads
each written file back: the SMIL, ncc or page resolved to spans, their text against the model,
their clips against the audio; read_daisy.py holds the book to the DAISY 2.02 rules.
"""

from __future__ import annotations

from pathlib import Path

from altformats.document.model import Document
from altformats.formats.base import Build, Check, Format, Output, Proof
from altformats.output import write_bytes, write_text

EDITIONS = {  # edition -> file name after the slug
    "narration-epub": "-narrated.epub",
    "narration-read-along": "-read-along.html",
    "narration-read-along-mp3": "-read-along.mp3",
    "narration-daisy202": "-daisy202.zip",
}


class NarrationFormat(Format):
    """EPUB 3 Media Overlays, a read-along page and DAISY 2.02, timed by the audio edition's narration."""

    name = "narration"
    description = "Synchronized text and audio: EPUB 3 Media Overlays, read-along HTML, DAISY 2.02 talking book"

    def outputs(self, doc: Document, out_dir: Path) -> list[Output]:
        return [Output(edition, out_dir / f"{doc.slug}{suffix}") for edition, suffix in EDITIONS.items()]

    def render(self, doc: Document, out_dir: Path, build: Build) -> list[Path]:
        from altformats.formats.audio import narration
        from altformats.formats.narration.daisy import daisy_zip
        from altformats.formats.narration.epub import narrated_epub
        from altformats.formats.narration.page import read_along

        told = narration(doc, build)
        epub, page, mp3, daisy = (output.path for output in self.outputs(doc, out_dir))
        write_bytes(epub, narrated_epub(doc, told, build.templates))
        write_text(page, read_along(doc, told, mp3.name, build.templates))
        write_bytes(mp3, told.mp3)
        write_bytes(daisy, daisy_zip(doc, told, build.templates))
        return [epub, page, mp3, daisy]

    def read_back(self, path: Path) -> list[str]:
        from altformats.formats.narration import read

        return read.blocks(path)

    def prove(self, doc: Document, output: Output, check: Check) -> list[Proof]:
        """The text the SMIL, ncc or page points at ("parser") and the clips against the audio ("clips")."""
        from altformats.formats.narration import read

        if output.path.suffix == ".mp3":  # the page's audio: its transcript, and heard at the page's clips
            page = output.path.with_suffix(".html")
            heard = [self._heard(doc, output, read.reading(page), check)] if page.exists() else []
            return [*super().prove(doc, output, check), *heard]
        reading = read.reading(output.path)
        return [
            Proof("parser", tuple(read.text_differences(output.edition, doc, reading))),
            Proof("clips", tuple(read.clip_differences(output.edition, doc, reading))),
            self._heard(doc, output, reading, check),
        ]

    @staticmethod
    def _heard(doc: Document, output: Output, reading, check: Check) -> Proof:
        """Speech recognition over the edition's own audio, clip by clip (English: docs/audio.md).

        The three editions carry the same narration: the same sound at the same clips is heard
        once per check run, and each edition's differences are named for it.
        """
        import hashlib
        from dataclasses import replace

        from altformats.formats.audio import read_speech
        from altformats.formats.narration import read

        if not read_speech.understands(doc.meta.language):
            return Proof("speech recognition", skipped=read_speech.ENGLISH_ONLY)
        if not reading.audio:  # the clips reader names what is missing
            return Proof("speech recognition", skipped="no audio to hear")
        model = check.shared("whisper", read_speech.load)
        clips = tuple((c.target.rpartition("#")[2], c.text, c.begin, c.end) for c in reading.clips)
        key = ("narration heard", hashlib.sha256(reading.audio).hexdigest(), clips)
        by_bytes = check.shared("heard by bytes", dict)  # the audio edition's MP3, heard before this
        heard = check.shared(key, lambda: tuple(read.heard_differences(model, "", doc, reading, by_bytes)))
        return Proof("speech recognition", tuple(replace(d, edition=output.edition) for d in heard))

    def conformance(self, outputs: list[Output]) -> dict[Path, list[str]]:
        from altformats.formats.narration import checks

        return checks.check([output.path for output in outputs])
