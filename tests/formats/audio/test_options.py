"""The audio options are resolved when rendering, from explicit arguments or the environment, and checked."""

from __future__ import annotations

import pytest

from altformats import formats
from altformats.errors import AltformatsError
from altformats.formats.audio import options


def test_defaults_explicit_arguments_and_the_environment():
    assert options.resolve(environ={}) == options.Options("podcast", 175)
    env = {"ALTFORMATS_AUDIO_PROFILE": "high", "ALTFORMATS_AUDIO_RATE": "150"}
    assert options.resolve(environ=env) == options.Options("high", 150)
    assert options.resolve("standard", 200, environ=env) == options.Options("podcast", 200)


def test_the_environment_is_read_when_resolving_not_when_the_format_is_made(monkeypatch):
    monkeypatch.setenv("ALTFORMATS_AUDIO_RATE", "fast")
    audio = formats.get("audio")  # a bad value does not stop a format being made (to read back, say)
    monkeypatch.setenv("ALTFORMATS_AUDIO_RATE", "160")
    assert options.resolve(audio.profile, audio.rate) == options.Options("podcast", 160)


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("ALTFORMATS_AUDIO_RATE", "fast", "whole number of words a minute, 1 or more"),
        ("ALTFORMATS_AUDIO_RATE", "0", "whole number of words a minute, 1 or more"),
        ("ALTFORMATS_AUDIO_PROFILE", "loud", "known: podcast, acx, broadcast, high, standard"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_allowed_values(variable, value, allowed):
    with pytest.raises(AltformatsError, match=rf"{variable}='{value}': .*{allowed}"):
        options.resolve(environ={variable: value})


def test_rendering_with_a_bad_variable_fails_before_any_work(monkeypatch, seed, tmp_path):
    monkeypatch.setenv("ALTFORMATS_AUDIO_PROFILE", "loud")
    with pytest.raises(AltformatsError, match="ALTFORMATS_AUDIO_PROFILE='loud'"):
        formats.get("audio").render(seed, tmp_path, formats.Build())
    assert list(tmp_path.iterdir()) == []


def test_a_voice_chosen_per_language_is_the_voice_that_speaks():
    from altformats.formats.audio import synthesis

    chosen = options.resolve(environ={"ALTFORMATS_AUDIO_VOICES": "en=gmw/en, fr=roa/fr"})
    assert chosen.voice_for("en-US") == "gmw/en" and chosen.voice_for("fr") == "roa/fr"
    assert chosen.voice_for("es") is None
    assert synthesis.synthesise(["Hello there."], "en-US", 175, voice="gmw/en").voice == "gmw/en"
    assert synthesis.synthesise(["Hello there."], "en-US", 175).voice != "gmw/en"  # the default differs
    with pytest.raises(AltformatsError, match=r"espeak-ng has no voice 'gmw/xx'.*its en voices: .*gmw/en"):
        synthesis.synthesise(["Hello there."], "en", 175, voice="gmw/xx")


@pytest.mark.parametrize("value", ["en", "en=", "=gmw/en", "en=gmw/en,fr"])
def test_a_malformed_voices_variable_is_an_error_naming_it(value):
    with pytest.raises(AltformatsError, match="ALTFORMATS_AUDIO_VOICES="):
        options.resolve(environ={"ALTFORMATS_AUDIO_VOICES": value})
