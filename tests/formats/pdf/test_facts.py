"""The document-facts proof: /Lang, the titles, the links, and tagged text the page does not show."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from altformats import api, formats
from altformats.document.model import Document
from conftest import SAMPLE, SEED

# Samples with links, another language and other scripts (right to left, CJK).
FACT_SAMPLES = ("structures", "edge-cases", "ar-missile-defense", "zh-missile-defense")


def facts(doc: Document, path: Path, check_run: formats.Check, edition: str = "pdf") -> list[str]:
    """The document-facts proof's differences for the PDF at `path`."""
    proofs = formats.get("pdf").prove(doc, formats.Output(edition, path), check_run)
    return [str(d) for proof in proofs if proof.reader == "document facts" for d in proof.differences]


@pytest.fixture
def letter(scratch_build: Path, seed: Document) -> Path:
    return scratch_build / seed.slug / f"{seed.slug}.pdf"


def test_the_seed_and_samples_pass(built: Path, sample_builds, check_run: formats.Check):
    folder = sample_builds.ensure([SAMPLE[name] for name in FACT_SAMPLES], ["pdf"])
    for source, out in [(SEED, built), *((SAMPLE[name], folder) for name in FACT_SAMPLES)]:
        doc = api.load(source)
        for output in formats.get("pdf").outputs(doc, out / doc.slug):
            assert facts(doc, output.path, check_run, output.edition) == [], output.path.name


def edit(path: Path, change) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)


def test_lang_and_each_title_are_held_to_the_front_matter(letter: Path, seed: Document, check_run):
    edit(letter, lambda pdf: setattr(pdf.Root, "Lang", pikepdf.String("en-GB")))
    assert facts(seed, letter, check_run) == ["pdf: the catalog's /Lang: expected 'en', found 'en-GB'"]
    edit(letter, lambda pdf: (setattr(pdf.Root, "Lang", pikepdf.String("EN")), setattr(pdf.docinfo, "Title", "X")))
    assert facts(seed, letter, check_run) == [
        f"pdf: the Info dictionary's /Title: expected {seed.meta.title!r}, found 'X'"
    ]

    def xmp_only(pdf: pikepdf.Pdf) -> None:
        pdf.docinfo.Title = seed.meta.title
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = "Y"

    edit(letter, xmp_only)
    assert facts(seed, letter, check_run) == [f"pdf: the XMP dc:title: expected {seed.meta.title!r}, found 'Y'"]


def _links(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [a for page in pdf.pages for a in page.get("/Annots") or [] if a.get("/Subtype") == "/Link"]


def test_each_link_uri_and_contents_in_order(sample_builds, tmp_path: Path, check_run):
    doc = api.load(SAMPLE["structures"])  # a mailto link, then a link with words wrapped over lines
    folder = sample_builds.ensure([SAMPLE["structures"]], ["pdf"])
    path = tmp_path / "s.pdf"
    path.write_bytes((folder / doc.slug / f"{doc.slug}.pdf").read_bytes())
    edit(path, lambda pdf: setattr(_links(pdf)[-1].A, "URI", pikepdf.String("https://www.who.int/x")))
    assert facts(doc, path, check_run) == [
        "pdf: link 2 (page 1): /URI: expected 'https://www.who.int/', found 'https://www.who.int/x'"
    ]  # the wrapped link is one Link (issue 16): its last annotation's address is the link's
    edit(path, lambda pdf: [setattr(a.A, "URI", pikepdf.String("https://who.int/")) for a in _links(pdf)[1:]])
    assert facts(doc, path, check_run) == [
        "pdf: link 2 (page 1): /URI: expected 'https://www.who.int/', found 'https://who.int/'"
    ]
    edit(path, lambda pdf: [setattr(a.A, "URI", pikepdf.String("https://www.who.int/")) for a in _links(pdf)[1:]])
    edit(path, lambda pdf: setattr(_links(pdf)[0], "Contents", pikepdf.String("write to us")))
    assert facts(doc, path, check_run) == [
        "pdf: link 1 (page 1): /Contents: expected 'mailto:help@example.org', found 'write to us'"
    ]

    def drop_first(pdf: pikepdf.Pdf) -> None:
        annots = pdf.pages[0].Annots
        del annots[[a.get("/Subtype") == "/Link" for a in annots].index(True)]

    edit(path, drop_first)
    assert "pdf: link 1 (page 1): /URI: expected 'mailto:help@example.org', found 'https://www.who.int/'" in facts(
        doc, path, check_run
    )


def wrap_mcid(path: Path, mcid: int, before: list, after: list | None = None, replace_tm=None) -> None:
    """Put instructions around the text object in page 1's marked content `mcid` (and optionally move its Tm)."""

    def change(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        ops = list(pikepdf.parse_content_stream(page))
        start = next(i for i, (o, op) in enumerate(ops) if str(op) == "BDC" and o[1].get("/MCID") == mcid)
        end = next(i for i in range(start, len(ops)) if str(ops[i][1]) == "EMC")
        begin = next(i for i in range(start, end) if str(ops[i][1]) == "BT")
        finish = next(i for i in range(begin, end) if str(ops[i][1]) == "ET") + 1
        inner = ops[begin:finish]
        if replace_tm is not None:
            inner = [pikepdf.ContentStreamInstruction(replace_tm(list(o)), op) if str(op) == "Tm" else (o, op)
                     for o, op in inner]  # fmt: skip
        make = [pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in before]
        close = [pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in after or []]
        ops[begin:finish] = make + inner + close
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))

    edit(path, change)


@pytest.mark.parametrize(
    "hide, why",
    [
        (dict(before=[([], "q"), ([3], "Tr")], after=[([], "Q")]), "text render mode 3 (invisible)"),
        (dict(before=[([], "q"), ([1, 1, 1], "rg")], after=[([], "Q")]), "the colour of what is under it"),
        (dict(before=[([], "q"), ([0.3, 0.3, 0.3], "rg"), ([0, 0, 612, 792], "re"), ([], "f"), ([0.3, 0.3, 0.3], "rg")],
              after=[([], "Q")]), "the colour of what is under it"),
        (dict(before=[], replace_tm=lambda o: [*o[:4], 5000, o[5]]), "outside the page"),
        (dict(before=[([], "q"), ([0, 0, 10, 10], "re"), ([], "W"), ([], "n")], after=[([], "Q")]),
         "outside its clipping path"),
    ],
    ids=["render mode 3", "white", "on a fill of its own colour", "off the page", "clipped away"],
)  # fmt: skip
def test_tagged_words_the_page_does_not_show_fail(letter: Path, seed: Document, check_run, hide: dict, why: str):
    wrap_mcid(letter, 1, **hide)  # MCID 1: the office line of the masthead
    found = facts(seed, letter, check_run)
    assert found == [
        f"pdf: page 1, Span (MCID 1): 'Bureau of European and Eurasian Affairs' is tagged but not shown ({why}):"
        " expected 'Bureau of European and Eurasian Affairs', found ''"
    ]


def test_a_dark_fill_under_white_words_is_not_hiding(letter: Path, seed: Document, check_run):
    navy = [0.08, 0.18, 0.32]
    wrap_mcid(
        letter, 1, [([], "q"), (navy, "rg"), ([80, 110, 540, 25], "re"), ([], "f"), ([1, 1, 1], "rg")], [([], "Q")]
    )
    assert facts(seed, letter, check_run) == []


def _span(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    from altformats.formats.pdf.tree import walk

    def mcids(elem: pikepdf.Dictionary) -> list:
        return (
            [k for k in elem.get("/K", []) if isinstance(k, int)] if isinstance(elem.get("/K"), pikepdf.Array) else []
        )

    return next(e for e in walk(pdf.Root.StructTreeRoot) if e.get("/S") == "/Span" and mcids(e) == [1])


def test_actual_text_must_be_the_printed_words(letter: Path, seed: Document, check_run):
    edit(letter, lambda pdf: setattr(_span(pdf), "ActualText", pikepdf.String("Bureau of European Affairs")))
    assert facts(seed, letter, check_run) == [
        "pdf: page 1, Span /ActualText: expected 'Bureau of European and Eurasian Affairs',"
        " found 'Bureau of European Affairs'"
    ]
    edit(
        letter,
        lambda pdf: setattr(_span(pdf), "ActualText", pikepdf.String("Bureau of  European and Eurasian Affairs")),
    )
    assert facts(seed, letter, check_run) == []  # the same words: nothing replaced


def test_actual_text_on_marked_content_must_be_the_printed_words(letter: Path, seed: Document, check_run):
    def change(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        ops = list(pikepdf.parse_content_stream(page))
        k = next(i for i, (o, op) in enumerate(ops) if str(op) == "BDC" and o[1].get("/MCID") == 1)
        end = next(i for i in range(k, len(ops)) if str(ops[i][1]) == "EMC")
        span = pikepdf.Dictionary(ActualText=pikepdf.String("Nothing"))
        ops[k + 1 : end] = [([pikepdf.Name.Span, span], pikepdf.Operator("BDC")), *ops[k + 1 : end],
                            ([], pikepdf.Operator("EMC"))]  # fmt: skip
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))

    edit(letter, change)
    assert facts(seed, letter, check_run) == [
        "pdf: page 1, marked content 1: /ActualText: expected 'Bureau of European and Eurasian Affairs', found 'Nothing'"
    ]


def _append(pdf: pikepdf.Pdf, y: float) -> None:
    """Show the first tagged run's glyphs again, outside any marked content, at `y` (page space, from the top)."""
    page = pdf.pages[0]
    ops = list(pikepdf.parse_content_stream(page))
    font = next(o for o, op in ops if str(op) == "Tf")
    shown = next(o for o, op in ops if str(op) == "TJ")
    extra = [([], "q"), ([], "BT"), (list(font), "Tf"), ([1, 0, 0, -1, 72, y], "Tm"),
             (list(shown), "TJ"), ([], "ET"), ([], "Q")]  # fmt: skip
    ops += [pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in extra]
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def test_untagged_words_that_show_fail_and_those_off_the_page_do_not(letter: Path, seed: Document, check_run):
    edit(letter, lambda pdf: _append(pdf, 1000))  # below the page's foot: nobody sees it
    assert facts(seed, letter, check_run) == []
    edit(letter, lambda pdf: _append(pdf, 40))  # in the top margin
    assert facts(seed, letter, check_run) == [
        "pdf: page 1: text painted but neither tagged nor an artifact: expected '(nothing)', found 'Fact Sheet'"
    ]
