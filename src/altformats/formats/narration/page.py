"""The read-along page: the reading text, a sentence span each with its clip times, and an audio player.

The MP3 is a file beside the page, `<slug>-read-along.mp3`, always: an edition's files cannot
depend on which other formats a build makes (`outputs` does not know), and a data: URL would
make the page 4/3 the MP3's size (base64).
"""

from __future__ import annotations

from altformats import templating
from altformats.document.model import Document
from altformats.formats.audio import Narration
from altformats.formats.narration import content


def read_along(doc: Document, told: Narration, audio: str, templates: str | None) -> str:
    """The read-along HTML page for `doc`, its player playing `audio` (a name beside it)."""
    blocks = content.blocks(doc, told)
    return templating.render("narration/read-along.html.j2", templates, doc=doc, blocks=blocks, audio=audio)
