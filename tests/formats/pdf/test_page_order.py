"""The page-order proof: the text the pages show, in reading order, is the model's, or declared furniture."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from altformats import api, formats
from altformats.document.model import Document
from altformats.formats.pdf import content, tree
from conftest import SAMPLES, SEED


def proofs(doc: Document, path: Path, edition: str, check_run: formats.Check) -> dict[str, formats.Proof]:
    """The PDF's proofs of the file at `path`, by reader name."""
    found = formats.get("pdf").prove(doc, formats.Output(edition, path), check_run)
    return {proof.reader: proof for proof in found}


def seed_letter(scratch_build: Path, seed: Document) -> Path:
    return scratch_build / seed.slug / f"{seed.slug}.pdf"


@pytest.mark.parametrize("source", [SEED, *SAMPLES], ids=lambda path: path.stem)
def test_every_edition_of_the_seed_and_the_samples_passes_the_page_order(
    source: Path, built: Path, samples_built: Path, check_run: formats.Check
):
    doc = api.load(source)
    folder = built if source == SEED else samples_built
    for output in formats.get("pdf").outputs(doc, folder / doc.slug):
        found = proofs(doc, output.path, output.edition, check_run)
        assert found["page order"].ok, [str(d) for d in found["page order"].differences]
        assert found["parser"].ok


def _text_runs(page: pikepdf.Page) -> list[tuple[int, list, str, list[int]]]:
    """(index of the text operator, its operands, its text, the MCIDs open) for each string shown on `page`."""
    fonts = page.obj.Resources.Font
    maps: dict[str, content.FontMap] = {}
    runs, stack, current = [], [], None
    for index, (operands, op) in enumerate(pikepdf.parse_content_stream(page)):
        name = str(op)
        if name in ("BDC", "BMC"):
            stack.append(content.bdc_mcid(operands, op) if name == "BDC" else None)
        elif name == "EMC":
            stack.pop()
        elif name == "Tf":
            current = maps.setdefault(str(operands[0]), content.font_map(fonts[str(operands[0])]))
        elif name in content.TEXT_OPERATORS:
            runs.append((index, current, current.decode(content.shown_bytes(operands, name)), list(stack)))
    return runs


def rewrite_word(path: Path, old: str, new: str, marked: bool) -> None:
    """Show `new` instead of `old` in the first string on page 1 that has it, inside (or outside) a tagged MCID."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        instructions = pikepdf.parse_content_stream(page)
        for index, font, text, stack in _text_runs(page):
            if old in text and any(m is not None for m in stack) == marked:
                codes = b"".join(font.code_for(char) for char in text.replace(old, new, 1))
                instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.String(codes)], pikepdf.Operator("Tj"))
                break
        else:
            raise AssertionError(f"no string shows {old!r}")
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        pdf.save(path)


def _item_mcids(item: pikepdf.Dictionary) -> set[int]:
    """The MCIDs of a list item's body (its label left where it is)."""
    found = set()
    for elem in tree.walk(item):
        if elem.get("/S") == "/Lbl":
            continue
        for kid in tree.kids(elem):
            found |= {int(kid)} if isinstance(kid, int) else {int(kid.MCID)} if "/MCID" in kid else set()
    return found


def swap_two_items(path: Path) -> None:
    """Print the first two items of the first list on page 1 the other way round; the tree stays as it is."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        lists = [e for e in tree.walk(pdf.Root.StructTreeRoot) if e.get("/S") == "/L"]
        first, second = ([k for k in tree.kids(lists[0]) if tree.is_element(k) and k.S == "/LI"])[:2]
        a, b = _item_mcids(first), _item_mcids(second)
        instructions = pikepdf.parse_content_stream(page)
        where = {}  # MCID group -> indices of its Tm instructions
        stack: list = []
        for index, (operands, op) in enumerate(instructions):
            if str(op) in ("BDC", "BMC"):
                stack.append(content.bdc_mcid(operands, op))
            elif str(op) == "EMC":
                stack.pop()
            elif str(op) == "Tm":
                group = "a" if set(stack) & a else "b" if set(stack) & b else None
                where.setdefault(group, []).append(index)
        ys = {g: [float(instructions[i].operands[5]) for i in where[g]] for g in "ab"}
        # b moves up to where a began; a moves down to end where b ended: no line overlaps.
        shift = {"a": max(ys["b"]) - max(ys["a"]), "b": min(ys["a"]) - min(ys["b"])}
        for group in "ab":
            for i in where[group]:
                operands = list(instructions[i].operands)
                operands[5] = float(operands[5]) + shift[group]
                instructions[i] = pikepdf.ContentStreamInstruction(operands, pikepdf.Operator("Tm"))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        pdf.save(path)


def test_two_list_items_swapped_on_the_page_fail_the_page_order_but_not_the_tree(scratch_build, seed, check_run):
    path = seed_letter(scratch_build, seed)
    swap_two_items(path)
    found = proofs(seed, path, "pdf", check_run)
    assert found["parser"].ok  # the structure tree still reads in the source's order
    assert not found["page order"].ok
    assert any(d.block for d in found["page order"].differences)


def test_text_added_outside_the_tags_fails_the_page_order(scratch_build, seed, check_run):
    path = seed_letter(scratch_build, seed)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        _, font, _, _ = next(run for run in _text_runs(page) if "Russia" in run[2])
        key = next(k for k, f in page.obj.Resources.Font.items() if content.font_map(f).text == font.text)
        codes = b"".join(font.code_for(char) for char in "Russia")
        page.contents_add(
            pdf.make_stream(b"BT " + key.encode() + b" 11 Tf 72 60 Td <" + codes.hex().encode() + b"> Tj ET")
        )
        pdf.save(path)
    differences = proofs(seed, path, "pdf", check_run)["page order"].differences
    assert [d.found for d in differences] == ["page 1: Russia"]


def test_a_changed_folio_is_furniture_but_a_changed_body_word_fails(scratch_build, seed, check_run):
    path = seed_letter(scratch_build, seed)
    rewrite_word(path, "Page 1 of", "Page 2 of", marked=False)
    assert proofs(seed, path, "pdf", check_run)["page order"].ok
    rewrite_word(path, "Russia", "Rassia", marked=True)
    differences = proofs(seed, path, "pdf", check_run)["page order"].differences
    assert differences and all("Rassia" in d.found for d in differences)
