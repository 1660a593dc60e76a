"""The narration's options, resolved when a document is rendered: explicit arguments, then the environment.

Nothing is read from the environment when a format is made, so a format made
before a variable changes still builds with the variable's value at render time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from altformats.errors import AltformatsError
from altformats.formats.audio.files import PROFILES

PROFILE_VARIABLE = "ALTFORMATS_AUDIO_PROFILE"
RATE_VARIABLE = "ALTFORMATS_AUDIO_RATE"
DEFAULT_PROFILE = "standard"
DEFAULT_RATE = 175  # words per minute: espeak-ng's clear pace for reading a document aloud


@dataclass(frozen=True)
class Options:
    """How a document is narrated and encoded: the encoder profile (files.PROFILES) and the speaking rate."""

    profile: str
    rate: int


def resolve(profile: str | None = None, rate: int | None = None, environ: Mapping[str, str] | None = None) -> Options:
    """The options to render with: each explicit argument, else its environment variable, else the default."""
    environ = os.environ if environ is None else environ
    return Options(_profile(profile, environ), _rate(rate, environ))


def _profile(profile: str | None, environ: Mapping[str, str]) -> str:
    source, value = ("profile", profile) if profile else (PROFILE_VARIABLE, environ.get(PROFILE_VARIABLE))
    value = value or DEFAULT_PROFILE
    if value not in PROFILES:
        raise AltformatsError(f"{source}={value!r}: unknown audio profile; known: {', '.join(PROFILES)}")
    return value


def _rate(rate: int | None, environ: Mapping[str, str]) -> int:
    source, value = ("rate", rate) if rate else (RATE_VARIABLE, environ.get(RATE_VARIABLE))
    if value in (None, ""):
        return DEFAULT_RATE
    try:
        words = int(value)
    except ValueError:
        words = 0  # "fast" is no rate either
    if words < 1:
        raise AltformatsError(
            f"{source}={value!r}: the speaking rate must be a whole number of words a minute, 1 or more "
            f"(default {DEFAULT_RATE})"
        )
    return words
