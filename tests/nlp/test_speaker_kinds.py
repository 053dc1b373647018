"""Speaker attribution by kind of quote (issues 11 and 12): words in marks with no reporting
verb of their own, ... Texts are our own; each kind has several wordings.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from annotator.nlp.quotes import extract_quotes
from tests.nlp.conftest import Detect, content, find, speaker

# --- scare quotes and titles: the subject of the clause that uses the words ----------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'Councillor Ruth Abara has been attacking the developer as a "land grabber" '
            "for months.",
            "land grabber",
            "Councillor Ruth Abara",
        ),
        (
            'In a radio interview the mayor blasted the inspectors for being "hopelessly slow."',
            "hopelessly slow",
            "the mayor",
        ),
        (
            'Last spring Senator Olu Banjo dismissed the harbour plan as "a fantasy in '
            'concrete" and walked out.',
            "a fantasy in concrete",
            "Senator Olu Banjo",
        ),
        (
            "The union's lawyers forced a change to the contract, replacing the old clause "
            'with softer wording about "reasonable notice."',
            "reasonable notice",
            "The union's lawyers",
        ),
        (
            'Okafor\'s claim that the fund would "pay for itself" was soon forgotten.',
            "pay for itself",
            "Okafor",
        ),
    ],
)
def test_scare_quote_speaker_is_the_governing_subject(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    got = speaker(text, q)
    assert got is not None and who in got, (got, who)


@pytest.mark.slow
def test_scare_quote_under_an_empty_subject_has_no_speaker(detect: Detect) -> None:
    text = 'There were "difficult" moments at the meeting.'
    q = find(text, detect(text), "difficult")
    assert speaker(text, q) is None


# --- transcript turns: "HOST: ..." lines belong to the label -----------------------

TRANSCRIPT = (
    "Partial transcript of the radio debate:\n\n"
    "MORALES: I think the council said the bridge would reopen in May. Will it?\n\n"
    "DR. KEMP: We believe the repairs will take longer. The engineers told me the steel "
    "was weaker than expected.\n\n"
    '"LINDQVIST: You know the budget is gone," the host said.\n\n'
)


@pytest.mark.slow
def test_transcript_turn_label_speaks_for_first_person(detect: Detect) -> None:
    text = TRANSCRIPT
    said = {content(text, q)[0]: speaker(text, q) for q in detect(text)}
    # "I think ...": Morales's turn; "the council said ...": a speaker of its own, kept
    assert said["the council said the bridge would reopen in May"] == "MORALES"
    assert said["the bridge would reopen in May"] == "the council"
    assert said["the repairs will take longer"] == "DR. KEMP"  # "We" in Kemp's turn
    assert said["the steel was weaker than expected"] == "The engineers"
    assert said["LINDQVIST: You know the budget is gone"] == "the host"


def test_turn_label_reads_the_line_opening() -> None:
    from annotator.nlp.speakers import turn_label

    text = 'Intro line.\nSEN. OKAFOR: We will vote.\n"BANJO: No," he said.\nNote: none.\n'
    text += "UPDATE: I think so.\n"
    assert turn_label(text, text.index("We")) == (12, 23)
    assert text[slice(*turn_label(text, text.index("BANJO")) or (0, 0))] == "BANJO"
    assert turn_label(text, text.index("none")) is None  # not in capitals
    assert turn_label(text, text.index("Intro")) is None
    assert turn_label(text, text.index("I think")) is None  # a heading word


# --- a trained model's fragments: the subject further up the parse ------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "fragment", "who"),
    [
        (
            "The union released a new video attacking the council for closing the depot.",
            "the council for closing the depot",
            "The union",
        ),
        (
            "Many farmers are afraid that the river will flood again this spring.",
            "that the river will flood again this spring",
            "Many farmers",
        ),
        (
            "Mayor Ines Duarte spent the evening mocking the new stadium plans.",
            "the new stadium plans",
            "Mayor Ines Duarte",
        ),
    ],
)
def test_learned_fragment_speaker_is_the_subject_further_up(
    en_nlp: Language, text: str, fragment: str, who: str
) -> None:
    doc = en_nlp(text)
    a = text.index(fragment)
    records = extract_quotes(doc, learned=[(a, a + len(fragment), 0.9)])
    (rec,) = [r for r in records if r.rule == "learned"]
    assert rec.speaker is not None and text[slice(*rec.speaker)] == who


# --- a heading line never joins the speaker mention ---------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("heading", "sentence", "who"),
    [
        ("4:40 p.m.", "Governor Amara Lutz says the ferry fares will stay frozen.", "Lutz"),
        ("9 a.m.:", "The port authority says the night shipments will resume.", "port authority"),
        (
            "Okafor: Harbour Plan ‘A Fantasy’",
            "Senator Olu Okafor says the harbour plan cannot be paid for.",
            "Okafor",
        ),
    ],
)
def test_speaker_mention_stays_on_the_cue_line(
    detect: Detect, heading: str, sentence: str, who: str
) -> None:
    text = f"Earlier news.\n\n___.\n\n{heading}\n\n{sentence}\n\nMore follows."
    quotes = [q for q in detect(text) if q.kind == "indirect"]
    assert quotes
    for q in quotes:
        got = speaker(text, q)
        assert got is not None and who in got and "\n" not in got, got
        assert q.speaker_spans[0][0] >= text.index(sentence)
