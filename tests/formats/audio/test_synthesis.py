"""pyttsx3/espeak-ng synthesis: each trap from issue 5 handled, voices by language, failures loud."""

from __future__ import annotations

import pytest

from altformats.errors import AltformatsError, MissingTool
from altformats.formats.audio import synthesis

LONG = " ".join(["The proposed system would protect all allied countries facing a long-range missile threat."] * 5)


def seconds(clip: bytes) -> float:
    return len(clip) / 2 / synthesis.SAMPLE_RATE


@pytest.fixture(scope="module")
def spoken():
    """One worker run: a long text (the truncation trap), two short ones, at the default rate."""
    return synthesis.synthesise([LONG, "Hello world.", "Hello world."], "en", 175)


def test_long_utterance_is_not_truncated(spoken):
    words = len(LONG.split())
    assert 0.8 * words / 175 * 60 <= seconds(spoken.clips[0]) <= 1.3 * words / 175 * 60


def test_every_utterance_gets_its_own_complete_file(spoken):
    assert len(spoken.clips) == 3 and all(0.5 < seconds(c) < 2.0 for c in spoken.clips[1:])


def test_the_same_script_gives_the_same_samples(spoken):
    again = synthesis.synthesise([LONG, "Hello world.", "Hello world."], "en", 175)
    assert again.clips == spoken.clips  # a fresh worker per document: no state carried over


def test_rate_is_in_effect_not_just_reported():
    slow = synthesis.synthesise(["Hello world, this is a test of the speaking rate."], "en", 100).clips[0]
    fast = synthesis.synthesise(["Hello world, this is a test of the speaking rate."], "en", 250).clips[0]
    assert 1.8 <= seconds(slow) / seconds(fast) <= 3.2


def test_voice_follows_the_language(spoken):
    assert spoken.voice == "gmw/en-us"
    assert synthesis.synthesise(["Hola."], "es", 175).voice == "roa/es"
    assert synthesis.synthesise(["Hola."], "es-MX", 175).voice == "roa/es"


def test_unknown_language_fails_loudly():
    with pytest.raises(AltformatsError, match="no voice for language 'xx'"):
        synthesis.synthesise(["Hello."], "xx", 175)


def test_missing_espeak_fails_with_the_install_line(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingTool, match="apt-get install espeak-ng"):
        synthesis.synthesise(["Hello."], "en", 175)


def test_every_spoken_symbol_makes_sound():
    from altformats.formats.audio import script as speech

    say = speech.pronouncer("en", {})
    clips = synthesis.synthesise([say(text) for text in ("—", "…", "-", "§")], "en", 175).clips
    assert all(
        max(abs(int.from_bytes(c[i : i + 2], "little", signed=True)) for i in range(0, len(c), 2)) > 1000 for c in clips
    )
