"""The transcriber's pages and the body's furniture, proved: title page, special symbols, notes, running heads, end.

The transcriber's pages (numbered t1, t2, ...; read into sections by read.read_all,
a section starting on a page whose line 1 is centred) must be, in order:

- the title page (BANA §2.3), one block per group of centred lines: the title; the
  kind; the print publisher, office, place and date (written out in the document's
  language); the transcriber and the year of transcription; the volume and its page
  ranges (counted from the file's own pages). Each exactly its forward translation.
- the special symbols page (§2.5), when the body's lines use a code's special sign
  (codes.symbols_used on the lines read): its heading, then each sign and its meaning.
- the transcriber's notes (§2.6): their heading, each line of the declared notes
  (spec.WORDS), which must back-translate to that line's words, then the braille code's
  name and the formats' name, exactly.

The running head on line 1 of every body page but the first (§1.8) must be the
title's running head, and the closing line the language's, where the formats have them.
A changed, missing, added, reordered or misplaced block is a difference.
"""

from __future__ import annotations

from altformats.document.model import Document, normalise
from altformats.formats.braille.codes import Code, cells, running_head, symbols_used
from altformats.formats.braille.louis import BLANK
from altformats.formats.braille.read_words import back_translate, found_words, source_words
from altformats.formats.braille.spec import authority_for, transcriber, transcription_year, words_for
from altformats.parity import Difference

Expected = tuple[int, str, str, bool]  # (section, what, print text or cells, exact cells?)


def title_page(doc: Document, pages: tuple[int, int]) -> list[tuple[str, list[str]]]:
    """The title page's groups of lines (what, lines), as §2.3 orders them; `pages`: transcriber's and body pages."""
    meta, words = doc.meta, words_for(doc.meta.language)
    groups = [
        ("title", [meta.title]),
        ("kind", [meta.kind]),
        ("publication", [meta.publisher, meta.office, meta.place, meta.date_text]),
        ("transcription", [words.transcribed_by.format(transcriber()), str(transcription_year(meta.date.year))]),
        ("volume", [words.volume.format(t=pages[0], n=pages[1])]),
    ]
    return [(what, [normalise(line) for line in lines if line]) for what, lines in groups if any(lines)]


def expected_blocks(doc: Document, code: Code, lines: list[str], pages: tuple[int, int]) -> list[Expected]:
    """What the transcriber's pages must say, block by block, with the section each block is in."""
    words = words_for(doc.meta.language)
    found: list[Expected] = [
        (0, what, BLANK.join(cells(code, line) for line in group), True) for what, group in title_page(doc, pages)
    ]
    symbols = symbols_used(code, lines)
    if symbols:
        found.append((1, "special symbols", cells(code, words.symbols), True))
        found += [
            (1, f"symbol {key}", f"{sign}{BLANK}{cells(code, words.meanings[key])}", True) for sign, key in symbols
        ]
    notes = found[-1][0] + 1
    found.append((notes, "notes heading", cells(code, normalise(words.note[0])), True))
    found += [(notes, "notes", normalise(line), False) for line in words.note[1:]]
    found.append((notes, "braille code", cells(code, code.name), True))
    found.append((notes, "formats", cells(code, authority_for(doc.meta.language).name), True))
    return found


def transcriber_differences(doc: Document, reading, edition: str) -> list[Difference]:
    """Every transcriber's block that is not what `expected_blocks` says, or not in its section; missing or extra."""
    code = reading.code
    expected = expected_blocks(doc, code, reading.lines, reading.pages)
    found = [(n, block) for n, section in enumerate(reading.sections) for block in section]
    differences = []
    for k in range(max(len(expected), len(found))):
        back = back_translate(code, found[k][1]) if k < len(found) else "(missing)"
        if k >= len(expected):
            differences.append(Difference(edition, None, None, "transcriber's pages: (nothing)", back))
            continue
        section, what, text, exact = expected[k]
        shown = back_translate(code, text) if exact else text
        if k >= len(found) or found[k][0] != section or not _carries(code, found[k][1], back, text, exact):
            place = "" if k >= len(found) or found[k][0] == section else " (on a page of its own)"
            differences.append(Difference(edition, None, None, f"transcriber's pages: {what} {shown!r}{place}", back))
    return differences


def _carries(code: Code, braille: str, back: str, text: str, exact: bool) -> bool:
    """True if a block is `text`: its cells exactly (`text` is cells), or its words (a note line)."""
    if exact:
        return braille == text
    return found_words(back) == source_words(code, text)


def furniture_differences(doc: Document, reading, edition: str) -> list[Difference]:
    """Running heads that are not the title's (§1.8), and a closing line that is missing, wrong or not expected."""
    code, authority = reading.code, authority_for(doc.meta.language)
    head = running_head(code, doc.meta.title) if authority.running_head else ""
    differences = [
        Difference(
            edition,
            None,
            None,
            f"running head on body page {n}: {back_translate(code, head)!r}",
            back_translate(code, found.replace(" ", BLANK)) or "(none)",
        )
        for n, found in enumerate(reading.heads, start=2)
        if found.replace(" ", BLANK) != head
    ]
    closing = cells(code, words_for(doc.meta.language).closing) if authority.closing else ""
    if reading.closing != closing:
        found = back_translate(code, reading.closing) if reading.closing else "(none)"
        differences.append(
            Difference(
                edition,
                None,
                None,
                f"closing line: {words_for(doc.meta.language).closing if closing else '(none)'!r}",
                found,
            )
        )
    return differences
