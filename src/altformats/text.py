"""The few text rules several formats share: ending a block of read-back text, scripts, the language subtag.

Neither a writer nor a reader: the formats' writers and their independent readers may both use it.
"""

from __future__ import annotations

import re
from functools import cache

SOFT_HYPHEN = "\u00ad"
# Han, kana and Hangul: scripts where one character is one syllable (no spaces between words).
SYLLABIC = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"


@cache
def _syllabic() -> re.Pattern[str]:
    return re.compile(SYLLABIC)  # compiled when first used: its wide ranges take about 12 ms


def syllabic_characters(text: str) -> int:
    """How many characters of `text` are Han, kana or Hangul (SYLLABIC)."""
    return len(_syllabic().findall(text))


def primary_language(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case ("es" for "es-MX")."""
    return tag.split("-")[0].lower()


def flush_block(blocks: list[str], buffer: list[str]) -> None:
    """End the block gathered in `buffer`: keep its text if it has any, and empty the buffer."""
    text = "".join(buffer)
    buffer.clear()
    if text.strip():
        blocks.append(text)


def counted(text: str) -> int:
    """How many characters of `text` count as positions in the reading text: all but whitespace and
    soft hyphens (where a print page begins, for the EPUB's page list)."""
    return sum(1 for c in text if not c.isspace() and c != SOFT_HYPHEN)
