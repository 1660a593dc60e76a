"""The text the synchronized editions show: each reading block as an element, each sentence a timed span.

The blocks are the model's reading blocks in order (the masthead's title an h1, headings at
their level under it, every other block a paragraph classed by its role), so the spans' text
joined back is exactly the reading text. Inline emphasis and links are not kept: these editions
are for following the voice; the HTML and EPUB editions keep the full markup.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from altformats.document.model import Document, Heading, List, ListItem, Quote
from altformats.formats.audio import Narration
from altformats.formats.audio.spec import FULL_WIDTH_END, join
from altformats.formats.narration.spec import smil_clock, span_id


@dataclass(frozen=True)
class Span:
    """One sentence as shown: its id, written text and clip in samples (and as clock values)."""

    id: str
    text: str
    start: int
    end: int

    @property
    def begin_clock(self) -> str:
        return smil_clock(self.start)

    @property
    def end_clock(self) -> str:
        return smil_clock(self.end)


@dataclass(frozen=True)
class Block:
    """One reading block: its number, role, element (h1-h6 or p), section and sentence spans."""

    number: int
    role: str
    tag: str
    section: int
    spans: tuple[Span, ...]

    @property
    def id(self) -> str:
        return f"block-{self.number}"

    @property
    def text(self) -> str:
        return join([span.text for span in self.spans])

    @property
    def pieces(self) -> list[tuple[str, Span]]:
        """Each span with the space written before it: none first, none after a full-width stop (spec.join)."""
        gaps = ["" if not k or FULL_WIDTH_END.search(self.spans[k - 1].text) else " " for k in range(len(self.spans))]
        return list(zip(gaps, self.spans, strict=True))


def blocks(doc: Document, told: Narration) -> list[Block]:
    """The document's reading blocks with their timed sentences, in reading order."""
    levels = iter(heading_levels(doc))
    # A clip runs to the next sentence's start (the last to the narration's end): a player that
    # plays clip after clip then keeps the pauses the narration has between sentences.
    ends = [s.start for s in told.sentences[1:]] + [told.length]
    clips = {(s.block, s.sentence): (s, end) for s, end in zip(told.sentences, ends, strict=True)}
    found: list[Block] = []
    for number, block in enumerate(doc.reading_blocks(), start=1):
        said = [clips[key] for key in sorted(clips) if key[0] == number]
        spans = tuple(Span(span_id(number, s.sentence), s.written, s.start, end) for s, end in said)
        tag = "h1" if block.role == "title" else f"h{next(levels)}" if block.role == "heading" else "p"
        found.append(Block(number, block.role, tag, said[0][0].section if said else 0, spans))
    return found


def heading_levels(doc: Document) -> list[int]:
    """Each heading's level under the title's h1 (2-6), never skipping a level on the way down."""
    levels: list[int] = []
    previous = 1
    for heading in _headings(doc.blocks):
        level = max(2, min(heading.level, previous + 1, 6))
        levels.append(level)
        previous = level
    return levels


def _headings(found) -> list[Heading]:
    headings: list[Heading] = []
    for block in found:
        if isinstance(block, Heading):
            headings.append(block)
        elif isinstance(block, (Quote, ListItem)):
            headings += _headings(block.blocks)
        elif isinstance(block, List):
            headings += _headings(block.items)
    return headings


def clip_total(blocks: list[Block]) -> int:
    """The samples all clips cover together: what a player plays, clip after clip."""
    return sum(span.end - span.start for block in blocks for span in block.spans)


def identifier(doc: Document, edition: str) -> str:
    """A stable UUID for an edition of a document: the same slug, date and edition always get the same one."""
    name = f"altformats:{doc.slug}:{doc.meta.date.isoformat()}:{edition}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name))
