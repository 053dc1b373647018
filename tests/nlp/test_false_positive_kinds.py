"""Kinds of suggestions that overlap no attribution (issue 12): each is kept, as the issue
asks, but with a confidence below the default display threshold when it reports nobody's
words or stance, while the real attributions next to them keep theirs."""

from __future__ import annotations

import pytest

from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.nlp.confidence import CONFIDENCE
from tests.nlp.conftest import Detect, content, find, speaker

# -- a stance question put to the reader ("Do you support ...?") --------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "The ferry company raised its fares again on Monday.\n\n"
            "Do you support Mayor Pike? Tell us in the comments below.",
            "Mayor Pike",
        ),
        ("Do you oppose the new harbour bridge? Vote in our poll.", "harbour bridge"),
        (
            "Residents packed the hall on Tuesday night. "
            "Would you back the council's plan for the old mill?",
            "old mill",
        ),
        ("Did you criticize the budget? Write to the editor.", "the budget"),
    ],
)
def test_a_stance_question_to_the_reader_is_kept_below_the_default(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words)
    who = speaker(text, q)
    assert who is not None and who.lower() == "you"
    assert q.confidence == CONFIDENCE["indirect_reader_question"]
    assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "words", "who", "rule"),
    [
        # someone else's stance asked about: the question still names a holder
        (
            "Does Mayor Pike support the harbour bridge? Her office would not say.",
            "the harbour bridge",
            "Mayor Pike",
            "indirect_support_object",
        ),
        # "you" in a statement, no question
        (
            "If you support the harbour bridge, write to the council before May.",
            "the harbour bridge",
            "you",
            "indirect_support_object",
        ),
        # a stance reported in a sentence that is no question
        (
            "The fishermen's union opposes the new harbour bridge.",
            "the new harbour bridge",
            "The fishermen's union",
            "indirect_support_object",
        ),
    ],
)
def test_stances_that_are_not_reader_questions_keep_their_rule(
    detect: Detect, text: str, words: str, who: str, rule: str
) -> None:
    q = find(text, detect(text), words)
    assert content(text, q) == [words]
    assert speaker(text, q) == who
    assert q.confidence == CONFIDENCE[rule]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE


# -- "X may want to ...": the writer's advice to X, not X's wish ---------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "The ferry timetable changed again. "
            "Mayor Pike may want to check the new times before Friday.",
            "to check the new times before Friday",
        ),
        ("After two defeats, the council might want to rethink the whole plan.", "to rethink"),
        ("Ferry users may want to buy their tickets early this summer.", "to buy their tickets"),
    ],
)
def test_may_or_might_want_to_is_advice_kept_below_the_default(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words)
    assert q.confidence == CONFIDENCE["indirect_advice"]
    assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "words", "who", "rule"),
    [
        # a plain wish
        (
            "Mayor Pike wants to close the old harbour by June.",
            "to close the old harbour by June",
            "Mayor Pike",
            "indirect_wish",
        ),
        # another modal: still the subject's wish
        (
            "The council would want to see the figures first.",
            "to see the figures first",
            "The council",
            "indirect_wish",
        ),
        # the advice reported by someone: their words are a quote as before
        (
            "After the vote, the fishermen may want to sell their boats, the union said.",
            "After the vote, the fishermen may want to sell their boats",
            "the union",
            "indirect_speech_clause",
        ),
    ],
)
def test_wishes_and_reported_advice_keep_their_rule(
    detect: Detect, text: str, words: str, who: str, rule: str
) -> None:
    q = next(q for q in detect(text) if content(text, q) == [words])
    assert speaker(text, q) == who
    assert q.confidence == CONFIDENCE[rule]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE


# -- words chanted, shouted or cried: speech of the crowd, not a slogan or title ------------


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'As the mayor left the hall, the crowd chanted "Save our ferry!" and waved flags.',
            "Save our ferry!",
            "the crowd",
        ),
        (
            "Supporters greeted her with chants of \u201cPike! Pike! Pike!\u201d at the harbour.",
            "Pike! Pike! Pike!",
            "Supporters",
        ),
        (
            'Dozens of fishermen were yelling "Shame on you" outside the council offices.',
            "Shame on you",
            "Dozens of fishermen",
        ),
        ('When someone at the back shouted, "Liar," the mayor stopped speaking.', "Liar", None),
    ],
)
def test_a_chant_or_shout_in_marks_is_shown_as_a_direct_quote(
    detect: Detect, text: str, words: str, who: str | None
) -> None:
    q = find(text, detect(text), words)
    assert q.kind == "direct"
    assert content(text, q) == [words]
    assert q.confidence == CONFIDENCE["direct_chant"]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE
    if who is not None:
        assert speaker(text, q) == who


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('She read "The Long Walk Home" twice on the flight to Lisbon.', "Long Walk"),
        ("A man in the front row wore a shirt that read \u201cFerry Forever\u201d.", "Ferry"),
        ('The station\'s "morning show" moved to a later slot this spring.', "morning"),
        ("Fans waved flags reading \u201cRovers Forever\u201d outside the ground.", "Rovers"),
    ],
)
def test_titles_and_words_read_on_things_stay_below_the_default(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words)
    assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


# -- "the debate threatened to ...": what an event makes likely, no one's intention ---------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The storm threatened to close the harbour for a week.", "to close the harbour"),
        ("It was a debate that threatened to split the council in two.", "to split the council"),
        (
            "The referendum promises to be the biggest change in a decade.",
            "to be the biggest change",
        ),
    ],
)
def test_an_event_that_threatens_or_promises_is_kept_below_the_default(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words)
    assert q.confidence == CONFIDENCE["indirect_prospect"]
    assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The fishermen threatened to block the harbour on Monday.",
            "to block the harbour on Monday",
            "The fishermen",
        ),
        (
            "Mayor Pike promised to reopen the ferry office by June.",
            "to reopen the ferry office by June",
            "Mayor Pike",
        ),
    ],
)
def test_people_who_threaten_or_promise_keep_the_intention_rule(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert content(text, q) == [words]
    assert speaker(text, q) == who
    assert q.confidence == CONFIDENCE["indirect_intention"]
    assert q.confidence >= DEFAULT_MIN_CONFIDENCE


# -- a support verb in a relative clause: the writer describing someone --------------------


@pytest.mark.parametrize(
    ("text", "described"),
    [
        (
            "Ana Pike, who backed the harbour plan in 2019, said the ferry must stay.",
            "the harbour plan",
        ),
        (
            '"We will not sell the port," said Joe Okafor, a councillor who endorsed '
            "Mayor Reyes last spring.",
            "Mayor Reyes",
        ),
        (
            "The fishermen's union, which supports the new quay, met on Tuesday.",
            "the new quay",
        ),
        (
            "Voters who oppose the bridge tax turned out in large numbers on Sunday.",
            "the bridge tax",
        ),
    ],
)
def test_a_support_verb_describing_someone_gives_no_quote(
    detect: Detect, text: str, described: str
) -> None:
    a = text.index(described)
    for q in detect(text):
        assert not any(s < a + len(described) and a < e for s, e in q.content_spans), content(
            text, q
        )


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        ("Ana Pike backed the harbour plan on Monday.", "the harbour plan", "Ana Pike"),
        ("The union endorsed Mayor Reyes after a long vote.", "Mayor Reyes", "The union"),
        (
            "Several residents opposed the bridge tax at the meeting.",
            "the bridge tax",
            "Several residents",
        ),
    ],
)
def test_support_in_a_main_clause_is_still_found(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert speaker(text, q) == who


# -- a short phrase in marks inside the subject of the verb after it -----------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Ana Pike, who produces the radio show 'Harbour Nights,' was hired by the "
            "council on Monday.",
            "Harbour Nights",
        ),
        (
            "In a note on Friday, Joe Okafor, the editor in charge of \u201cMorning Tide,\u201d "
            "reminded his staff about the new rota.",
            "Morning Tide",
        ),
        (
            'Next month, Pike Books is set to publish "Salt and Iron," a history written '
            "by the port's archivist.",
            "Salt and Iron",
        ),
    ],
)
def test_a_short_phrase_in_the_subject_is_no_framed_quote(
    detect: Detect, text: str, words: str
) -> None:
    for q in detect(text):
        if any(words in frag for frag in content(text, q)):
            assert q.confidence is not None and q.confidence < DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The tax plan is \u201cprofoundly unfair,\u201d said Ana Pike, the union's economist.",
            "profoundly unfair",
            "Ana Pike",
        ),
        (
            "The ferry is 'not for sale,' Mayor Reyes said on Tuesday.",
            "not for sale",
            "Mayor Reyes",
        ),
    ],
)
def test_a_short_phrase_framed_after_it_keeps_its_speaker(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert speaker(text, q) == who
    assert q.confidence is not None and q.confidence >= DEFAULT_MIN_CONFIDENCE
