"""The display captions: every sentence cut at phrase boundaries into cues that fit on screen.

A cue holds at most spec.CAPTION_LINES lines of spec.CAPTION_LINE characters and lasts at most
spec.CAPTION_SECONDS. A sentence is cut only where espeak-ng itself reported a word starting
(its word events, synthesis.py): the cue before ends and the next begins at that word's first
sample, so every time is a sample count of the narration, never an estimate. Cuts are preferred
after a clause stop (; : . ! ?), then after a comma or dash, then at any word; lines are broken
inside a cue the same way, as evenly as they can be. A break is made only where the shared join
rule (spec.join_pieces) gives the sentence back exactly, so the captions carry every word.

What cannot be cut (one word longer than a line, or spoken for more than the limit, such as a
121-letter word) stays whole in a cue of its own: the checker allows a line or a cue over the
limits only when it holds no place to break.
"""

from __future__ import annotations

from dataclasses import dataclass

from altformats.document.model import Document
from altformats.formats.audio import script, spec
from altformats.formats.audio.mastering import Cue
from altformats.formats.audio.spec import CAPTION_LINE, CAPTION_LINES, RATE, UNSPACED, join_pieces
from altformats.text import primary_language

# The longest cue in samples: the limit less a millisecond, so whole-millisecond times stay inside it.
LONGEST = round(spec.CAPTION_SECONDS * RATE) - RATE // 1000
# Inside a sentence a full stop ends an abbreviation ("U.S."), not a clause: it is no phrase boundary.
CLAUSE_STOPS = ";:!?…；：！？"
COMMAS = ",，、—–"
# The cutting's costs: fewer cues first, then cuts at stronger stops, then no cue under SHORT_CUE characters.
CUE_COST = 10.0
BREAK_PENALTY = {3: 0.0, 2: 1.0, 1: 3.0}
SHORT_CUE, SHORT_PENALTY = 20, 4.0
EVEN_WEIGHT = 4.0
OVERFLOW_COST = 1000.0  # a piece over the limits, taken only where nothing else can be


@dataclass(frozen=True)
class Caption:
    """One display cue: its identifier (spec.caption_id), span in samples at RATE, and its lines."""

    identifier: str
    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Break:
    """A place a sentence may be cut: the left piece ends at `cut`, the right begins at `at`."""

    cut: int
    at: int
    strength: int  # 3 after a clause stop, 2 after a comma or dash, 1 between words
    sample: int | None = None  # where the right piece's speech begins (RATE); None: no word event there


def captions(doc: Document, cues: list[Cue], words: list[list[tuple[int, int]]]) -> list[Caption]:
    """Every sentence's display cues, in order; `words` are each utterance's word events (synthesis.Speech)."""
    say = script.pronouncer(primary_language(doc.meta.language), doc.meta.pronunciations)
    found: list[Caption] = []
    for cue, events in zip(cues, words, strict=True):
        u = cue.utterance
        pieces = split(u.written, cue.start, cue.end, timed(u.written, say, cue, events))
        for part, (text, start, end) in enumerate(pieces, start=1):
            found.append(Caption(spec.caption_id(u.block, u.role, u.sentence, part), start, end, lines(text)))
    return found


def breaks(text: str) -> list[Break]:
    """Every place `text` may be cut: at a space (dropped), or beside a character of an unspaced script."""
    found = []
    for i in range(1, len(text)):
        if text[i] == " " and i + 1 < len(text):
            found.append(Break(i, i + 1, _strength(text[i - 1])))
        elif " " not in text[i - 1 : i + 1] and (UNSPACED.match(text[i - 1]) or UNSPACED.match(text[i])):
            found.append(Break(i, i, _strength(text[i - 1])))
    return [b for b in found if join_pieces([text[: b.cut], text[b.at :]]) == text]


def _strength(before: str) -> int:
    return 3 if before in CLAUSE_STOPS else 2 if before in COMMAS else 1


def timed(written: str, say, cue: Cue, events: list[tuple[int, int]]) -> list[Break]:
    """The breaks of a sentence at which espeak-ng started a word, with that word's sample in the narration.

    The spoken text of the two pieces must be the sentence's spoken text split there (a
    pronunciation may span the break, "EE. UU."), and a word event must start exactly there.
    """
    whole = say(written)
    starts = dict(reversed(events))  # the first event at each offset
    found = []
    for b in breaks(written):
        left, right = say(written[: b.cut]), say(written[b.at :])
        gap = written[b.cut : b.at]
        if left + gap + right != whole or len(left) + len(gap) not in starts:
            continue
        sample = cue.start + 2 * (starts[len(left) + len(gap)] - cue.clip_start)
        if cue.start < sample < cue.end:
            found.append(Break(b.cut, b.at, b.strength, sample))
    return found


def split(written: str, start: int, end: int, cuts: list[Break]) -> list[tuple[str, int, int]]:
    """The sentence's cues (text, start, end): as few as fit, cut at the strongest stops, even, none very short.

    A shortest path over the timed breaks (each cue costs CUE_COST, plus its break's penalty, a short
    cue's, and its squared share of a full cue); a piece that nothing can make fit (an unbreakable
    word) is let through alone.
    """
    stops = [Break(0, 0, 3, start), *sorted(cuts, key=lambda b: b.cut), Break(len(written), len(written), 3, end)]
    best: list[tuple[float, int] | None] = [(0.0, -1)] + [None] * (len(stops) - 1)
    for i, here in enumerate(stops[:-1]):
        if best[i] is None:
            continue
        reachable = False
        for j in range(i + 1, len(stops)):
            there, text = stops[j], written[here.at : stops[j].cut]
            if there.sample <= here.sample:
                continue
            fitting = fits(text) and there.sample - here.sample <= LONGEST
            if not fitting and reachable:
                break
            cost = best[i][0] + _cost(text, there, j == len(stops) - 1) + (0 if fitting else OVERFLOW_COST)
            if best[j] is None or cost < best[j][0]:
                best[j] = (cost, i)
            reachable = True
            if not fitting:
                break
    path, j = [], len(stops) - 1
    while j > 0:
        i = best[j][1]
        path.append((written[stops[i].at : stops[j].cut], stops[i].sample, stops[j].sample))
        j = i
    return path[::-1]


def _cost(text: str, ending: Break, last: bool) -> float:
    weak = 0.0 if last else BREAK_PENALTY[ending.strength]
    full = len(text) / (CAPTION_LINES * CAPTION_LINE)  # squared, so the cues of a sentence come out even
    return CUE_COST + weak + (SHORT_PENALTY if len(text) < SHORT_CUE else 0.0) + EVEN_WEIGHT * full * full


def fits(text: str) -> bool:
    """True if `text` can be shown in CAPTION_LINES lines of CAPTION_LINE characters."""
    if len(text) > CAPTION_LINES * (CAPTION_LINE + 1):  # too long however it breaks: spare the search
        return False
    return all(len(line) <= CAPTION_LINE for line in lines(text)) and len(lines(text)) <= CAPTION_LINES


def lines(text: str) -> tuple[str, ...]:
    """`text` as a cue's lines: one if it fits, else two as even as can be (a stronger stop preferred),
    else as many full lines as it takes, a word longer than a line on a line of its own."""
    if len(text) <= CAPTION_LINE:
        return (text,)
    two = [b for b in breaks(text) if b.cut <= CAPTION_LINE and len(text) - b.at <= CAPTION_LINE]
    if two:
        best = min(two, key=lambda b: max(b.cut, len(text) - b.at) - 8 * (b.strength - 1))
        return text[: best.cut], text[best.at :]
    found, at = [], 0
    while len(text) - at > CAPTION_LINE:
        inside = [b for b in breaks(text[at:]) if b.cut <= CAPTION_LINE] or breaks(text[at:])[:1]
        if not inside:
            break
        found.append(text[at : at + inside[-1].cut])
        at += inside[-1].at
    return (*found, text[at:])
