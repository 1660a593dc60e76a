"""The colophon: who published the sheet, whom to ask, its reference, revision, licence, original and translations.

It joins the reading order after the body (model.Document.reading_blocks), so every edition carries
it and the parity check proves it. Its lines, in order (README "Source format"):

- publisher: the publisher's name, as written;
- contact: "Contact: name, phone, email" (the email a mailto link);
- reference: "Reference: ...";
- revised: "Revised: " and the date written out in the document's language;
- licence: as written;
- source_url: "Original: " and the address, a link;
- translations: "Also in: " and each language's own name for itself.

The labels are in the document's language for English, French and Spanish, and in English otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from altformats.document.language import locale_tag
from altformats.document.model import Inline, Link, MastheadLine, Meta, Text, merged_text

ROLES = ("publisher", "contact", "reference", "revised", "licence", "source_url", "translations")
LABELS = {
    "en": {"contact": "Contact", "reference": "Reference", "revised": "Revised", "source_url": "Original",
           "translations": "Also in"},
    "es": {"contact": "Contacto", "reference": "Referencia", "revised": "Revisado", "source_url": "Original",
           "translations": "También en"},
    "fr": {"contact": "Contact", "reference": "Référence", "revised": "Révisé", "source_url": "Original",
           "translations": "Aussi en"},
}  # fmt: skip

Words = Callable[[str, int], list[Inline]]


def lines(meta: Meta, where: dict[str, int], words: Words) -> Iterator[MastheadLine]:
    """The colophon's lines in reading order; `words` recognises abbreviations as in the body."""
    labels = LABELS.get(locale_tag(meta.language).split("-")[0].lower(), LABELS["en"])
    for role in ROLES:
        line = where.get(role, 1)
        children = _children(meta, role, line, words)
        if not children:
            continue
        label = labels.get(role)
        lead = [Text(f"{label}: ", line)] if label else []
        yield MastheadLine(role, merged_text([*lead, *children]), line)


def _children(meta: Meta, role: str, line: int, words: Words) -> list[Inline]:
    if role in ("publisher", "reference", "licence"):
        text = getattr(meta, role)
        return words(text, line) if text else []
    if role == "revised":
        return [Text(meta.revised_text, line)] if meta.revised_text else []
    if role == "source_url":
        return [Link(meta.source_url, (Text(meta.source_url, line),), line)] if meta.source_url else []
    if role == "contact":
        return _contact(meta.contact, line, words)
    return [Text(", ".join(_own_name(tag) for tag in meta.translations), line)] if meta.translations else []


def _contact(contact: dict[str, str], line: int, words: Words) -> list[Inline]:
    parts: list[list[Inline]] = []
    if "name" in contact:
        parts.append(words(contact["name"], line))
    if "phone" in contact:
        parts.append([Text(contact["phone"], line)])
    if "email" in contact:
        email = contact["email"]
        parts.append([Link(f"mailto:{email}", (Text(email, line),), line)])
    joined: list[Inline] = []
    for k, part in enumerate(parts):
        joined.extend([Text(", ", line)] * bool(k) + part)
    return joined


def _own_name(tag: str) -> str:
    """A language's name for itself ("español"), or its tag when there is no locale data for it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale_tag(tag).replace("-", "_")).get_display_name() or tag
    except (UnknownLocaleError, ValueError):
        return tag
