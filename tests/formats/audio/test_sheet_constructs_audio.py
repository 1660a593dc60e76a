"""Figures, footnotes, call-outs and the colophon in the narration: what the voice says for each, and
a transcript that loses one fails its proof."""

from __future__ import annotations

import shutil

from altformats import api, formats
from altformats.formats.audio.script import script
from conftest import SHEET

AUDIO = formats.get("audio")


def test_the_script_announces_figures_and_call_outs_and_says_note_marks():
    doc = api.load(SHEET)
    spoken = {u.written: u.spoken for u in script(doc)}
    assert spoken["A bar chart: heat-related deaths rose in each of the last three summers."].startswith(
        "Figure: A bar chart"
    )
    assert spoken["Key facts"] == "Key facts:"
    risk = next(w for w in spoken if w.endswith("are at higher risk.[2]"))
    assert spoken[risk].endswith("at higher risk note 2.")
    roles = [u.role for u in script(doc)]
    assert roles.index("footnote-mark") < roles.index("publisher") < roles.index("translations") == len(roles) - 1


def test_a_transcript_without_the_figure_fails(sheet, tmp_path, check_run):
    doc, out = sheet
    shutil.copytree(out / doc.slug, tmp_path / doc.slug)
    vtt = tmp_path / doc.slug / f"{doc.slug}.vtt"
    text = vtt.read_text(encoding="utf-8")
    assert "A bar chart" in text
    vtt.write_text(text.replace("A bar chart", "A pie chart", 1), encoding="utf-8")
    output = AUDIO.outputs(doc, tmp_path / doc.slug)[2]
    assert not all(p.ok for p in AUDIO.prove(doc, output, check_run))
