"""The independent PDF reader: the text of a tagged PDF's structure tree, read by poppler's pdfinfo.

One block per block-level structure element, list labels and artifacts left out; a /Figure's
text is its /Alt (pdfinfo does not print it: it is read with pikepdf, through the shared tree
walk, in the same tree order). It reads the written file only: nothing here knows how the PDF
was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from altformats import tools
from altformats.errors import AltformatsError
from altformats.text import flush_block

# Structure types whose text is a block of its own in the read-back; others run on inline.
BLOCK_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "LBody",
        "Table",
        "THead",
        "TBody",
        "TFoot",
        "TR",
        "TH",
        "TD",
        "Figure",
        "Formula",
        "Form",
        "Note",
    }
)
# Structure types that are not reading text: list bullets and numbers, and artifacts.
SILENT_TYPES = frozenset({"Lbl", "Artifact"})


def struct_text_blocks(path: Path) -> list[str]:
    """The text blocks of a tagged PDF's structure tree, in order, read by poppler's pdfinfo."""
    pdfinfo = tools.executable("pdfinfo", "poppler-utils")
    done = tools.run([pdfinfo, "-enc", "UTF-8", "-struct-text", str(path)], capture_output=True, timeout=120)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise AltformatsError(f"{path}: pdfinfo could not read the structure tree: {message}")
    return parse_struct_text(done.stdout.decode("utf-8"), figure_alts(path))


def figure_alts(path: Path) -> list[str]:
    """The /Alt of every /Figure of the structure tree, in tree order ("" where it has none)."""
    import pikepdf

    from altformats.formats.pdf.tree import is_element, walk

    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        elements = walk(root) if root is not None else iter(())
        return [str(e.get("/Alt", "")) for e in elements if is_element(e) and e.S == "/Figure"]


def parse_struct_text(report: str, alts: list[str] | None = None) -> list[str]:
    """Blocks of text from `pdfinfo -struct-text` output (an indented tree, text in quotes); each
    Figure's text is the next of `alts`, its /Alt in tree order."""
    pending_alts = iter(alts or ())
    blocks: list[str] = []
    buffer: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, structure type) of the open elements
    for indent, kind, text in _struct_lines(report):
        while stack and stack[-1][0] >= indent:
            _, closed = stack.pop()
            if closed in BLOCK_TYPES:
                flush_block(blocks, buffer)
        if kind == "text":
            if not any(open_type in SILENT_TYPES for _, open_type in stack):
                buffer.append(text)
        elif kind == "element":
            if text in BLOCK_TYPES:
                flush_block(blocks, buffer)
            if text == "Figure":
                buffer.append(next(pending_alts, ""))
            stack.append((indent, text))
    flush_block(blocks, buffer)
    return blocks


def _struct_lines(report: str) -> Iterator[tuple[int, str, str]]:
    """(indent, kind, value) for each entry of the report: kind is text, element, object or attribute."""
    lines = iter(report.splitlines())
    for line in lines:
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if body.startswith('"'):
            text = body[1:]
            while not (text.endswith('"') and text) and (more := next(lines, None)) is not None:
                text += "\n" + more  # a text with a newline in it runs onto the next lines
            yield indent, "text", text.removesuffix('"')
        elif body.startswith("Object "):
            yield indent, "object", body  # an annotation (a link's OBJR): not text
        elif body.startswith("/"):
            yield indent, "attribute", body  # an element's attribute (/Headers, /Scope): not text
        elif body:
            yield indent, "element", body.split(" ", 1)[0].removesuffix(":")
