"""The one door to pyttsx3's private espeak API, which the synthesis worker needs to avoid its traps.

pyttsx3 2.99's public API cannot wait until espeak-ng is idle, read the rate in
effect, clear the driver's stale "stopping" flag (synthesis.py says why each
matters), or say at which sample a word starts (its "started-word" callback gives
the word but not espeak-ng's `sample`, which the captions are split by), so these
reach into `pyttsx3.drivers._espeak` and the driver object.
They hold for the version pyproject.toml pins; if an attribute disappears, the
build fails naming it and the pin, instead of silently losing audio.
"""

from __future__ import annotations

import ctypes
from typing import Any

from altformats.errors import AltformatsError

PIN = "pyttsx3>=2.99,<3"  # as in pyproject.toml
# What is used of pyttsx3.drivers._espeak, and of an engine made by pyttsx3.init("espeak").
MODULE_ATTRIBUTES = (
    "Synchronize", "IsPlaying", "RATE", "dll.espeak_GetParameter", "SetSynthCallback", "EVENT_WORD",
    "EVENT_LIST_TERMINATED",
)  # fmt: skip
ENGINE_ATTRIBUTES = ("proxy._driver._stopping", "proxy._driver._onSynth")


def _lookup(root: Any, dotted: str, where: str) -> Any:
    """`root.<dotted>`, or an error naming the missing attribute and the pin."""
    value = root
    for name in dotted.split("."):
        if not hasattr(value, name):
            raise AltformatsError(
                f"pyttsx3's private API has changed: {where}.{dotted} is missing ({name!r}); "
                f"altformats's speech synthesis is written for {PIN}"
            )
        value = getattr(value, name)
    return value


def _module(dotted: str) -> Any:
    from pyttsx3.drivers import _espeak

    return _lookup(_espeak, dotted, "pyttsx3.drivers._espeak")


def require(engine: Any) -> None:
    """Fail now, naming what is missing, if pyttsx3 lacks any private attribute used here."""
    for dotted in MODULE_ATTRIBUTES:
        _module(dotted)
    for dotted in ENGINE_ATTRIBUTES:
        _lookup(engine, dotted, "engine")


def synchronize() -> None:
    """Wait until espeak has handled everything queued for it."""
    _module("Synchronize")()


def is_playing() -> bool:
    """True while espeak still reports itself busy with an utterance."""
    return bool(_module("IsPlaying")())


def rate_in_effect() -> int:
    """The rate espeak is using now (pyttsx3's getProperty passes espeak no `current` flag)."""
    get = _module("dll.espeak_GetParameter")
    get.argtypes, get.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return get(_module("RATE"), 1)


def clear_stopping(engine: Any) -> None:
    """Clear the espeak driver's "stopping" flag, which runAndWait's stop() leaves set."""
    _lookup(engine, "proxy._driver._stopping", "engine")
    engine.proxy._driver._stopping = False


def record_words(engine: Any) -> list[tuple[int, int]]:
    """Route espeak's synthesis callback through one that notes each word event, then the driver's own.

    Returns the list it appends to: (character offset of the word in the text spoken, 0-based; the
    sample of the utterance's output, at espeak's rate, where espeak-ng starts the word). espeak-ng
    gives `text_position` 1-based in characters and `sample` counted from the start of the Synth call.
    """
    words: list[tuple[int, int]] = []
    driver = _lookup(engine, "proxy._driver", "engine")
    inner, word, last = driver._onSynth, _module("EVENT_WORD"), _module("EVENT_LIST_TERMINATED")

    def noted(wav, numsamples, events):  # the driver's own callback does the rest, unchanged
        index = 0
        while events[index].type != last:
            if events[index].type == word:
                words.append((events[index].text_position - 1, events[index].sample))
            index += 1
        return inner(wav, numsamples, events)

    _module("SetSynthCallback")(noted)  # the module keeps the ctypes callback alive
    return words
