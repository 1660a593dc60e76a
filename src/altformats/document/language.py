"""What the document's language decides: how dates are written out, and the text direction."""

from __future__ import annotations

from datetime import date as Date
from functools import lru_cache
from typing import Any


def locale_tag(language: str) -> str:
    """The part of a BCP 47 tag that locale data knows: everything before an extension or private use.

    "en-US-x-acme" and "de-DE-u-co-phonebk" are read with the data for "en-US" and "de-DE".
    """
    kept: list[str] = []
    for part in language.split("-"):
        if len(part) == 1:
            break
        kept.append(part)
    return "-".join(kept)


@lru_cache(maxsize=16)
def _locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale_tag(language).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"{language!r} is not a language this tool knows (no locale data for it)") from None


def written_date(day: Date, language: str) -> str:
    """The date as a reader of `language` writes it in full ("April 16, 2007"); ValueError if unknown."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(language))


def direction(language: str) -> str:
    """ "ltr" or "rtl", the direction of the language's script."""
    return "rtl" if _locale(language).text_direction == "rtl" else "ltr"
