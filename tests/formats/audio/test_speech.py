"""The spoken script: sentence splitting, pronunciations on the spoken side only, addresses."""

from __future__ import annotations

from altformats import api
from altformats.document.model import normalise
from altformats.formats.audio import script as speech
from altformats.formats.audio import spec
from altformats.text import primary_language
from conftest import SAMPLE, SAMPLES


def test_does_not_split_after_initials_or_known_abbreviations():
    text = "The U.S. Government has informed NATO. Dr. Smith agreed, e.g. on Monday. Next one!"
    assert speech.sentences(text, speech.abbreviations("en", {})) == [
        "The U.S. Government has informed NATO.",
        "Dr. Smith agreed, e.g. on Monday.",
        "Next one!",
    ]


def test_document_abbreviations_join_the_list():
    known = speech.abbreviations("en", {"Gen. Sec.": "General Secretary"})
    assert speech.sentences("Ask the Gen. Sec. Office today.", known) == ["Ask the Gen. Sec. Office today."]


def test_splits_spanish_questions_and_keeps_ee_uu_whole():
    known = speech.abbreviations("es", {})
    text = "El Sr. García de EE. UU. recomienda más. ¿Tiene usted suficientes? Sí."
    assert speech.sentences(text, known) == [
        "El Sr. García de EE. UU. recomienda más.",
        "¿Tiene usted suficientes?",
        "Sí.",
    ]


def test_lowercase_after_a_full_stop_is_not_a_new_sentence():
    assert speech.sentences("Approx. three hours. Then rest.") == ["Approx. three hours.", "Then rest."]
    assert speech.sentences("It costs 3.5 dollars. ok then") == ["It costs 3.5 dollars. ok then"]


def test_sentences_join_back_into_every_seed_block(seed):
    known = speech.abbreviations("en", seed.meta.abbreviations)
    for block in seed.reading_blocks():
        assert " ".join(speech.sentences(block.text, known)) == normalise(block.text)


def test_chinese_and_arabic_split_at_their_own_sentence_ends_and_join_back():
    chinese = "美国政府已将我们的计划通知北约。这是一段文字！好吗？"
    assert speech.sentences(chinese) == ["美国政府已将我们的计划通知北约。", "这是一段文字！", "好吗？"]
    assert spec.join(speech.sentences(chinese)) == chinese
    arabic = "لمعظم أوروبا. تسهم الأصول؟ نعم."
    assert speech.sentences(arabic) == ["لمعظم أوروبا.", "تسهم الأصول؟", "نعم."]
    assert speech.sentences("Hello。 World") == ["Hello。 World"]  # a space after the stop: joined with it


def test_sentences_join_back_into_every_sample_block():
    for sample in SAMPLES:
        doc = api.load(sample)
        known = speech.abbreviations(primary_language(doc.meta.language), doc.meta.abbreviations)
        for block in doc.reading_blocks():
            assert spec.join(speech.sentences(block.text, known)) == normalise(block.text), sample.name


def test_pronunciations_change_only_the_spoken_text(seed):
    script = speech.script(seed)
    last = next(u for u in reversed(script) if u.role != "publisher")  # the body's last, before the colophon
    assert last.written.endswith("at http://www.state.gov maintained by the Bureau of Public Affairs.")
    assert "state dot gov" in last.spoken and "http" not in last.spoken
    spoken = " ".join(u.spoken for u in script)
    assert "U S nay-toe" in spoken and "I C B Ems" in spoken and "U.S." not in spoken
    assert [u.written for u in script if u.block == 6] == [
        "The proposed placement of U.S. missile defense (MD) assets in Europe would not only contribute to the security of the U.S. and NATO allies, but would also provide a defense against long-range ballistic missiles to most of Europe.",
        "The U.S. Government has informed both NATO and Russia of our plans, as well as offered opportunities for cooperation.",
    ]


def test_addresses_are_spoken_as_words_in_the_documents_language():
    say_en, say_es = speech.pronouncer("en", {}), speech.pronouncer("es", {})
    assert say_en("See https://www.who.int/water/ now.") == "See who dot int slash water now."
    assert say_en("Write to help@example.org.") == "Write to help at example dot org."
    assert say_es("Escriba a mailto:ayuda@example.org.") == "Escriba a ayuda arroba example punto org."


def test_longest_pronunciation_wins():
    say = speech.pronouncer("en", {"NATO": "nay-toe", "USNATO": "U S nay-toe"})
    assert say("USNATO and NATO-Russia") == "U S nay-toe and nay-toe-Russia"


def test_script_records_blocks_sections_and_cue_ids():
    doc = api.load(SAMPLE["hoja-informativa"])
    script = speech.script(doc)
    assert script[0].cue_id == "b1-kind-s1"
    assert [u.section for u in script if u.role == "heading"] == [1, 2, 3]
    assert {u.block for u in script} == set(range(1, len(doc.reading_blocks()) + 1))


def test_a_block_of_symbols_is_still_heard():
    say = speech.pronouncer("en", {})
    assert say("—") == "dash" and say("…") == "ellipsis" and say("– –") == "dash dash"
    assert speech.pronouncer("es", {})("—") == "raya"
    assert say("§") == "section sign"
