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
from altformats.formats.audio.spec import DEFAULT_DELIVERY, delivery
from altformats.text import primary_language

PROFILE_VARIABLE = "ALTFORMATS_AUDIO_PROFILE"
RATE_VARIABLE = "ALTFORMATS_AUDIO_RATE"
VOICES_VARIABLE = "ALTFORMATS_AUDIO_VOICES"  # "en=gmw/en-US,fr=roa/fr": an espeak-ng voice per language
DEFAULT_PROFILE = DEFAULT_DELIVERY  # podcast; "standard" is its alias
DEFAULT_RATE = 175  # words per minute: espeak-ng's clear pace for reading a document aloud


@dataclass(frozen=True)
class Options:
    """How a document is narrated and encoded: the delivery profile (spec.DELIVERIES, by its own name, never
    an alias), the speaking rate
    and the voices chosen per language (BCP 47 tag or primary subtag -> espeak-ng voice id)."""

    profile: str
    rate: int
    voices: tuple[tuple[str, str], ...] = ()

    def voice_for(self, language: str) -> str | None:
        """The voice chosen for `language` (its whole tag first, then its primary subtag), or None."""
        chosen = dict(self.voices)
        return chosen.get(language.lower()) or chosen.get(primary_language(language))


def resolve(profile: str | None = None, rate: int | None = None, environ: Mapping[str, str] | None = None) -> Options:
    """The options to render with: each explicit argument, else its environment variable, else the default."""
    environ = os.environ if environ is None else environ
    return Options(_profile(profile, environ), _rate(rate, environ), _voices(environ.get(VOICES_VARIABLE, "")))


def _profile(profile: str | None, environ: Mapping[str, str]) -> str:
    source, value = ("profile", profile) if profile else (PROFILE_VARIABLE, environ.get(PROFILE_VARIABLE))
    value = value or DEFAULT_PROFILE
    if value not in PROFILES:
        raise AltformatsError(f"{source}={value!r}: unknown audio profile; known: {', '.join(PROFILES)}")
    return delivery(value).name


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


def _voices(value: str) -> tuple[tuple[str, str], ...]:
    """ALTFORMATS_AUDIO_VOICES ("en=gmw/en-US,fr=roa/fr") as (language, voice) pairs."""
    pairs = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        language, equals, voice = (part.strip() for part in item.partition("="))
        if not (equals and language and voice):
            raise AltformatsError(
                f"{VOICES_VARIABLE}={value!r}: each entry must be language=voice, e.g. en=gmw/en-US, got {item!r}"
            )
        pairs.append((language.lower(), voice))
    return tuple(pairs)
