"""Confidence that means something (issue 12): words in marks that are really part of a
mixed quote get that kind, and what is mostly not a quote (titles, scare quotes, slogans)
is kept below the default display threshold, never dropped."""

from __future__ import annotations

import pytest

from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.nlp.confidence import CONFIDENCE
from tests.nlp.conftest import Detect, content, find, speaker

# -- words in marks named by a naming verb: a mixed quote of the verb's subject ----------


@pytest.mark.parametrize(
    ("text", "words", "whole", "who"),
    [
        (
            "Later, Mayor Pike called the budget \u201ca betrayal of the town.\u201d",
            "betrayal",
            "the budget \u201ca betrayal of the town.",
            "Mayor Pike",
        ),
        (
            "The ferry owners have branded the new timetable \u201cunworkable\u201d.",
            "unworkable",
            "the new timetable \u201cunworkable",
            "The ferry owners",
        ),
        (
            'Residents dubbed the empty tower "the tombstone" within a week of its opening.',
            "tombstone",
            'the empty tower "the tombstone',
            "Residents",
        ),
        (
            "The union described the offer as \u201can insult to every nurse on the ward.\u201d",
            "insult",
            "the offer as \u201can insult to every nurse on the ward.",
            "The union",
        ),
    ],
)
def test_naming_verb_gives_a_mixed_quote_of_its_subject(
    detect: Detect, text: str, words: str, whole: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert q.kind == "mixed"
    assert content(text, q) == [whole]
    assert speaker(text, q) == who
    assert q.confidence == CONFIDENCE["mixed_named"]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE


def test_so_called_names_nothing_and_stays_a_low_scare_quote(detect: Detect) -> None:
    text = "The so-called \u201cgreen corridor\u201d opened on Monday after two years of delays."
    q = find(text, detect(text), "green corridor")
    assert q.kind == "direct"
    assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


# -- titles, scare quotes and slogans: kept, below the default threshold -------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("She read \u201cThe Long Walk Home\u201d twice on the flight to Lisbon.", "Long Walk"),
        ("The station's \u201cmorning show\u201d moved to a later slot this spring.", "morning"),
        ("Fans waved flags reading \u201cRovers Forever\u201d outside the ground.", "Rovers"),
        ('Its "smart" meters were removed from 400 homes last year.', "smart"),
    ],
)
def test_titles_scare_quotes_and_slogans_are_kept_below_the_default(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words)
    assert q.confidence is not None and 0 < q.confidence < DEFAULT_MIN_CONFIDENCE


def test_framed_quote_is_above_the_default(detect: Detect) -> None:
    text = "\u201cThe ferry will run again in May,\u201d said harbour master Iain Ross."
    (q,) = detect(text)
    assert q.kind == "direct"
    assert q.confidence is not None and q.confidence >= DEFAULT_MIN_CONFIDENCE


# -- a clause before a colon names the speaker, or names nobody ------------------------------


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            "The county board was blunt in its findings: "
            "\u201cFurther delays to the crossing are not acceptable to residents.\u201d",
            "The county board",
        ),
        (
            "Tickets rose again. Here\u2019s Ross in March 2019: "
            "\u201cNobody will pay more than five pounds for a crossing while I am here.\u201d",
            "Ross",
        ),
        (
            # a no-break space after the colon is a token of its own
            "The county board was blunt in its findings:\u00a0"
            "\u201cFurther delays to the crossing are not acceptable to residents.\u201d",
            "The county board",
        ),
    ],
)
def test_clause_before_a_colon_gives_its_subject_as_speaker(
    detect: Detect, text: str, who: str
) -> None:
    q = find(text, detect(text), "crossing")
    assert q.kind == "direct"
    assert speaker(text, q) == who
    assert q.confidence is not None and q.confidence >= DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    "lead",
    ["The answer is simple:", "The reason was plain enough:"],
)
def test_clause_that_names_nobody_gives_no_speaker(detect: Detect, lead: str) -> None:
    text = f"{lead} \u201cBuild the bridge and the town will grow again within ten years.\u201d"
    q = find(text, detect(text), "Build the bridge")
    assert q.kind == "direct"
    assert content(text, q) == ["Build the bridge and the town will grow again within ten years."]
    # never a mention that holds the quote itself, nor the clause taken for a name
    assert q.speaker_spans == ()


# -- a clause in marks opening its sentence is a quote, even when no speaker is found ---------


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ('"Keep the library open," read one banner outside the town hall.', "one banner"),
        (
            "\u201cPlease keep to the left of the path at all times,\u201d begins a notice.",
            "a notice",
        ),
        ("\u201cHands off our harbour,\u201d ran the slogan on every poster.", "the slogan"),
    ],
)
def test_open_clause_in_marks_without_a_found_frame_is_shown(
    detect: Detect, text: str, who: str
) -> None:
    (q,) = detect(text)
    assert q.kind == "direct"
    assert content(text, q)[0].split()[0] in ("Keep", "Please", "Hands")
    # the inverted subject after the verb is offered as the speaker
    assert speaker(text, q) == who
    # not a scare quote: shown by default, the annotator adds the speaker
    assert q.confidence == CONFIDENCE["direct_open_unframed"]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ('"We will win this," Coach Maria Santos said, a smile on her face.', "Coach Maria Santos"),
        (
            "\u201cOur members are tired,\u201d the union leader Ada Quist said, "
            "a note of anger in her voice.",
            "the union leader Ada Quist",
        ),
        ("''The deal is signed and sealed,'' he said, a copy of it in his hand.", "he"),
    ],
)
def test_aside_after_the_frame_does_not_take_the_verbs_object_slot(
    detect: Detect, text: str, who: str
) -> None:
    (q,) = detect(text)
    assert q.kind == "direct"
    assert speaker(text, q) == who
    assert q.confidence == CONFIDENCE["direct_framed"]


# -- words after the cue that run straight into the marks: a mixed quote ---------------------


@pytest.mark.parametrize(
    ("text", "whole", "who"),
    [
        (
            'The mayor pledged to "keep every branch library open until the end of the decade."',
            'to "keep every branch library open until the end of the decade.',
            "The mayor",
        ),
        (
            "Ms Adeyemi warned against \u201ca betrayal of everything this town stands for.\u201d",
            "against \u201ca betrayal of everything this town stands for.",
            "Ms Adeyemi",
        ),
    ],
)
def test_words_running_into_the_marks_make_a_mixed_quote(
    detect: Detect, text: str, whole: str, who: str
) -> None:
    (q,) = detect(text)
    assert q.kind == "mixed"
    assert content(text, q) == [whole]
    assert speaker(text, q) == who


@pytest.mark.parametrize(
    "frame",
    ["The mayor told voters in Reno:", "The mayor said in a statement on Monday,"],
)
def test_frame_words_before_punctuation_leave_the_quote_direct(detect: Detect, frame: str) -> None:
    text = f'{frame} "We will keep every branch library open until 2030."'
    (q,) = detect(text)
    assert q.kind == "direct"
    assert content(text, q) == ["We will keep every branch library open until 2030."]
    assert speaker(text, q) == "The mayor"
