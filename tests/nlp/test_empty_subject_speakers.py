"""Words in marks hanging on a verb whose subject names nobody (issue 12): ``Ana Ruiz said
that this was a "new" demand`` -- the speaker is the subject of the clause above
(``Ana Ruiz``), not ``this``, ``it``, ``what`` or a relative ``that``/``which``.

When no clause above has a subject that names someone, the old speaker stays, and so does
the subject of a verb that says or names the words (``what it calls "..."``). Texts are
our own; several wordings per case.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, find, speaker


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'During the debate, Ana Ruiz said that this was a "new" demand of candidates '
            'and that everyone should "meet the same standard."',
            "meet the same standard",
            "Ana Ruiz",
        ),
        (
            'Gregory Pike said it would be "remarkable" because it would "mark the first '
            'time the council listened."',
            "mark the first time the council listened",
            "Gregory Pike",
        ),
        (
            'Flying home that night, she told her brother that it would be "a long and '
            'ugly fight."',
            "a long and ugly fight",
            "she",
        ),
        (
            "The harbour master said the dockers were engaged in a dispute that shows their "
            '"contempt for every passenger on the ferry."',
            "contempt for every passenger",
            "The harbour master",
        ),
        (
            'But the mayor cut forty jobs and began talking about what will happen "if the '
            'grant does not come through."',
            "if the grant does not come through",
            "the mayor",
        ),
    ],
)
def test_speaker_is_the_subject_above_an_empty_one(
    detect: Detect, text: str, words: str, who: str
) -> None:
    # every suggestion holding the words (the reported clause and the words in marks
    # may both be offered) gives the subject above
    hits = [q for q in detect(text) if any(words in frag for frag in content(text, q))]
    assert hits
    for q in hits:
        got = speaker(text, q)
        assert got is not None and who in got, (got, who)
        assert got.lower() not in ("it", "this", "that", "what", "which")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        # the verb's own subject names someone: it stays
        (
            'Councillor Ruth Abara has been attacking the developer as a "land grabber" '
            "for months.",
            "land grabber",
            "Councillor Ruth Abara",
        ),
        # "it" as the subject of a verb that names the words: an organisation speaks
        (
            'The ferry union opposes what it calls "a timetable written for tourists."',
            "a timetable written for tourists",
            "it",
        ),
        # a framed quote is untouched
        (
            '"The pier will be rebuilt by May," the harbour master said.',
            "The pier will be rebuilt by May",
            "the harbour master",
        ),
    ],
)
def test_a_subject_that_names_someone_stays(
    detect: Detect, text: str, words: str, who: str
) -> None:
    got = speaker(text, find(text, detect(text), words))
    assert got is not None and who in got, (got, who)
