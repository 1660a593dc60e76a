"""Speech synthesis through pyttsx3 (espeak-ng on Linux), one utterance per sentence, in a worker process.

Each utterance comes back with its samples and espeak-ng's own word events: where in the spoken
text each word begins and at which sample espeak-ng starts it (the captions split a sentence there).

pyttsx3 with espeak-ng has traps, measured on this machine, that silently
lose or change audio; each is handled here:

- `runAndWait()` returns before the WAV is written (espeak synthesises on its
  own thread): we wait for the `finished-utterance` callback, then until
  espeak is idle, because the driver keeps touching its buffer after the
  callback (a next utterance started too early gets a stray chunk) and
  runAndWait cancels anything espeak still reports as playing (the next
  utterance then ends with completed=False);
- an engine dropped right after `runAndWait()` truncates the WAV: the worker
  keeps one engine alive for its whole life;
- two `save_to_file` calls before one `runAndWait()` lose the first file: one
  `save_to_file` per `runAndWait()`;
- `init()` returns a cached engine, espeak initialises once per process, it
  carries state (pitch flutter) from one utterance to the next, and changing
  the rate between utterances does not always take: every document is spoken
  by a fresh worker process that sets voice and rate once, before its first
  utterance, so the same script always gives the same samples;
- properties set on a new engine wait for the first loop, whose end cancels
  what espeak is still doing and leaves a flag that cancels the *second*
  utterance (seen here on a loaded machine): an empty loop runs first;
- the driver writes each WAV inside espeak's callback, and an error there (a full
  disk) is only printed by ctypes while the loop waits forever for the end of the
  utterance: the worker reports such an error and exits at once, and the build
  gives the worker a bounded time in any case (worker_timeout);
- no SSML is passed (tags would be read aloud): the script is plain text; the
  WAVs are 22,050 Hz mono 16-bit, which the caller checks.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError
from altformats.formats.audio import espeak
from altformats.text import primary_language

SAMPLE_RATE = 22_050  # what espeak-ng produces through pyttsx3
UTTERANCE_TIMEOUT = 60.0  # seconds; a sentence never takes this long to synthesise
WORKER_START = 30.0  # seconds for the worker to import pyttsx3 and set up espeak, on a busy machine
FAILED_WRITE = 3  # the worker's exit status when it could not write a file (its stdout says which, as JSON)
PREFERRED_VOICES = {"en": "en-us", "fr": "fr-fr", "zh": "cmn"}  # a bare tag with several voices: zh is Mandarin


@dataclass(frozen=True)
class Speech:
    """The synthesised utterances (16-bit samples at SAMPLE_RATE), the voice that spoke them, and per
    utterance its words: (character offset in the spoken text, first sample in its clip)."""

    voice: str
    clips: list[bytes]
    words: list[list[tuple[int, int]]]


def synthesise(
    texts: list[str], language: str, rate: int, scratch: Path | None = None, voice: str | None = None
) -> Speech:
    """Speak each text with the voice for `language` at `rate` words per minute, in a fresh worker.

    The clips are written in a temporary folder inside `scratch` (the build's, which goes with
    its staging folder even after kill -9), or the system's when there is none.
    """
    from altformats.tools import executable

    executable("espeak-ng", "espeak-ng")  # fail with the install line, not a ctypes error
    with tempfile.TemporaryDirectory(prefix="altformats-speech-", dir=scratch) as folder:
        request = json.dumps({"texts": texts, "language": language, "rate": rate, "folder": folder, "voice": voice})
        try:
            done = tools.run(
                [sys.executable, "-m", "altformats.formats.audio.synthesis"],
                input=request,
                capture_output=True,
                text=True,
                timeout=worker_timeout(len(texts)),
            )
        except subprocess.TimeoutExpired:  # tools.run has stopped the worker
            raise AltformatsError(
                f"espeak-ng did not finish speaking {len(texts)} sentences in {worker_timeout(len(texts)):.0f} s"
            ) from None
        if done.returncode == FAILED_WRITE:
            failed = json.loads(done.stdout)["oserror"]
            raise OSError(failed["errno"], failed["strerror"], failed["filename"])
        if done.returncode != 0:
            raise AltformatsError(f"speech synthesis failed (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}")
        answer = json.loads(done.stdout)
        clips = [read_clip(Path(folder) / clip_name(i)) for i in range(len(texts))]
        return Speech(answer["voice"], clips, [[tuple(word) for word in words] for words in answer["words"]])


def worker_timeout(sentences: int) -> float:
    """How long the speech worker may take for `sentences` before it is stopped: far more than it needs."""
    return WORKER_START + UTTERANCE_TIMEOUT * sentences


def clip_name(index: int) -> str:
    """The file name of the index-th utterance in the worker's folder."""
    return f"u{index:05d}.wav"


def read_clip(path: Path) -> bytes:
    """The samples of one utterance's WAV, checked to be what the mixer expects."""
    with wave.open(str(path), "rb") as clip:
        shape = (clip.getnchannels(), clip.getsampwidth(), clip.getframerate())
        if shape != (1, 2, SAMPLE_RATE):
            raise AltformatsError(f"{path.name}: expected mono 16-bit {SAMPLE_RATE} Hz from espeak-ng, got {shape}")
        return clip.readframes(clip.getnframes())


def choose_voice(voices: list, language: str, wanted: str | None = None) -> str:
    """The espeak-ng voice id for a BCP 47 language tag (or the `wanted` voice id, which must exist);
    an error naming the language or the voice if there is none."""
    tag, base = language.lower(), primary_language(language)
    # MBROLA voices need databases Debian ships separately; espeak-ng's own voices always work.
    usable = sorted((v for v in voices if v.languages and not v.id.startswith("mb/")), key=lambda v: v.id)
    if wanted:
        if wanted not in {v.id for v in usable}:
            known = ", ".join(v.id for v in usable if primary_language(v.languages[0]) == base) or "none"
            raise AltformatsError(
                f"espeak-ng has no voice {wanted!r} (asked for {language!r}); its {base} voices: {known}"
            )
        return wanted
    codes = {v.id: v.languages[0].lower() for v in usable}
    for wanted in (tag, PREFERRED_VOICES.get(base, base), base):
        for voice in usable:
            if codes[voice.id] == wanted:
                return voice.id
    regional = sorted((len(code), vid) for vid, code in codes.items() if code.startswith(base + "-"))
    if not regional:
        raise AltformatsError(f"espeak-ng has no voice for language {language!r}")
    return regional[0][1]


class Narrator:
    """One pyttsx3 engine kept alive for the whole worker, speaking one file per runAndWait."""

    def __init__(self, language: str, rate: int, voice: str | None = None):
        import pyttsx3

        self.engine = pyttsx3.init("espeak")
        espeak.require(self.engine)  # before any work: a changed private API fails here, by name
        self.finished = threading.Event()
        self.engine.connect("finished-utterance", self._on_finished)
        self.words = espeak.record_words(self.engine)
        self.voice = choose_voice(self.engine.getProperty("voices"), language, voice)
        # A new engine queues property changes until a loop runs, and that loop's end cancels
        # whatever espeak is still busy with (the rate change), leaving a stale "stopping" flag
        # that cancels the second utterance. An empty loop first makes later changes immediate;
        # then wait until espeak has applied them.
        self.engine.runAndWait()
        self.engine.setProperty("voice", self.voice)
        self.engine.setProperty("rate", rate)
        wait_until_applied(rate)

    def _on_finished(self, name: str | None, completed: bool) -> None:
        self.completed = completed
        self.finished.set()

    def save(self, text: str, path: Path) -> list[tuple[int, int]]:
        """Speak `text` into `path` and return only when the WAV is complete, with its word events."""
        self.finished.clear()
        self.words.clear()
        # runAndWait's stop() flags "stopping" whenever espeak reports itself busy, and the flag
        # outlives that loop: left set, it cancels this utterance (completed=False).
        espeak.clear_stopping(self.engine)
        self.engine.save_to_file(text, str(path))
        self.engine.runAndWait()
        if not self.finished.wait(UTTERANCE_TIMEOUT) or not self.completed:
            raise AltformatsError(f"espeak-ng did not finish speaking {text[:60]!r}")
        wait_until_idle()
        if self.engine.getProperty("voice") != self.voice:
            raise AltformatsError(f"espeak-ng spoke with {self.engine.getProperty('voice')!r}, not {self.voice!r}")
        return list(self.words)


def wait_until_idle() -> None:
    """Return when espeak's thread is done with the last utterance, or fail after UTTERANCE_TIMEOUT.

    The driver's callback still holds its buffer after notifying, and runAndWait
    cancels whatever espeak reports as playing, which (on a busy machine) would
    be the next utterance, reported as completed=False.
    """
    espeak.synchronize()
    deadline = time.monotonic() + UTTERANCE_TIMEOUT
    while espeak.is_playing():
        if time.monotonic() > deadline:
            raise AltformatsError("espeak-ng stayed busy after finishing an utterance")
        time.sleep(0.001)


def wait_until_applied(rate: int) -> None:
    """Return when espeak's own thread has applied the rate (it queues parameter changes)."""
    deadline = time.monotonic() + UTTERANCE_TIMEOUT
    while espeak.rate_in_effect() != rate:
        if time.monotonic() > deadline:
            raise AltformatsError(f"espeak-ng did not take rate {rate} (it uses {espeak.rate_in_effect()})")
        time.sleep(0.001)
    wait_until_idle()


def main() -> int:
    """The worker: read a JSON request on stdin, write one WAV per text, print the voice and word events as JSON."""
    request = json.load(sys.stdin)
    out = sys.stdout
    folder = Path(request["folder"])
    clip = folder / clip_name(0)
    sys.unraisablehook = lambda unraisable: _fail_in_callback(unraisable, clip)
    # The espeak driver prints "Audio saved to ..." for every file; keep stdout for our answer.
    with contextlib.redirect_stdout(sys.stderr):
        narrator = Narrator(request["language"], int(request["rate"]), request.get("voice"))
        words = [narrator.save(text, folder / clip_name(index)) for index, text in enumerate(request["texts"])]
    json.dump({"voice": narrator.voice, "words": words}, out)
    return 0


def _fail_in_callback(unraisable, clip: Path) -> None:
    """Exit now: an error in espeak's callback (the driver writing a WAV) would leave the loop waiting forever."""
    error = unraisable.exc_value
    while error is not None and not isinstance(error, OSError):
        error = error.__cause__ or error.__context__
    if error is None:
        print(f"speech worker: {unraisable.exc_type.__name__}: {unraisable.exc_value}", file=sys.stderr, flush=True)
        os._exit(1)
    _report_failed_write(error, clip)


def _report_failed_write(error: OSError, path: Path) -> None:
    """Tell the build which file could not be written and why (as JSON on stdout), and exit."""
    failed = {"errno": error.errno, "strerror": error.strerror or str(error), "filename": error.filename or str(path)}
    sys.__stdout__.write(json.dumps({"oserror": failed}))
    sys.__stdout__.flush()
    os._exit(FAILED_WRITE)  # at once: espeak's thread may still hold the loop


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AltformatsError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        _report_failed_write(error, Path(error.filename or "."))
