"""A second report joined to a mixed quote or to a report, and ``, calling it X``.

1. ``said the plan was "a disaster" and accused the board of ...``, ``said A, calling
   the old one "a fire trap"``: the mixed quote ends before the second report, which is
   a quote of its own (same speaker, its own cue), as PolNeAR annotates them.
2. ``..., calling them the heart of the town`` with no quotation marks: what the source
   calls something is reported speech of the subject of the verb before the comma.
3. ``say A, while about a third say B``: a report of another source joined by ``while``,
   ``whereas``, ``and`` or ``but`` ends the first one's content.
4. Participles that report nothing (``considering``) and verbs that PolNeAR keeps inside
   the first report stay where they are; an object left without marks after a split is
   no quote.

Texts are our own; each kind has several wordings.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, cue_of, find, speaker, two_quotes

JOINED = [
    # (text, speaker, first cue, first content, second cue, second content)
    (
        'Mr Lund said the plan was "a disaster" and accused the board of hiding the costs.',
        "Mr Lund",
        "said",
        'the plan was "a disaster',
        "accused",
        "the board of hiding the costs",
    ),
    (
        'The mayor said the budget was "balanced and fair" and called the protest '
        '"a stunt by a few".',
        "The mayor",
        "said",
        'the budget was "balanced and fair',
        "called",
        'the protest "a stunt by a few',
    ),
    (
        'Ms Ito said the town needed a new school, calling the old one "a fire trap".',
        "Ms Ito",
        "said",
        "the town needed a new school",
        "calling",
        'the old one "a fire trap',
    ),
    (
        'The donor did say he found the mayor "very charming" and called her rise in the '
        'polls "remarkable."',
        "The donor",
        "say",
        'he found the mayor "very charming',
        "called",
        'her rise in the polls "remarkable.',
    ),
    (
        'She stepped up her attack, telling reporters that the chief is a "coward" and '
        'questioning how he has "kept his job for so long."',
        "She",
        "telling",
        'that the chief is a "coward',
        "questioning",
        'how he has "kept his job for so long.',
    ),
    (
        'The coach said his team had played "with real heart" and criticized the referee '
        "for a late penalty.",
        "The coach",
        "said",
        'his team had played "with real heart',
        "criticized",
        "the referee for a late penalty",
    ),
    (
        'The senator said the vote was "a turning point" and called for a new inquiry '
        "into the port.",
        "The senator",
        "said",
        'the vote was "a turning point',
        "called for",
        "a new inquiry into the port",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who", "cue1", "first", "cue2", "second"), JOINED)
def test_report_joined_to_a_mixed_quote_is_a_quote_of_its_own(
    detect: Detect, text: str, who: str, cue1: str, first: str, cue2: str, second: str
) -> None:
    q1, q2 = two_quotes(text, detect(text), first, second)
    assert (cue_of(text, q1), cue_of(text, q2)) == (cue1, cue2)
    assert speaker(text, q1) == speaker(text, q2) == who


CALLING = [
    # (text, speaker, cue, content)
    (
        "Ms Ito pushed back against the attack on her record, calling it the mark of a "
        "desperate campaign.",
        "Ms Ito",
        "calling",
        "it the mark of a desperate campaign",
    ),
    (
        "Mr Lund praised the volunteers, calling them the heart of the town.",
        "Mr Lund",
        "calling",
        "them the heart of the town",
    ),
    (
        "The union released a statement on Monday, describing the offer as an insult to "
        "every nurse.",
        "The union",
        "describing",
        "the offer as an insult to every nurse",
    ),
    (
        "He opened his campaign with harsh words about landlords, calling them parasites.",
        "He",
        "calling",
        "them parasites",
    ),
    (
        "The mayor defended the budget, calling it fair.",
        "The mayor",
        "calling",
        "it fair",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who", "cue", "words"), CALLING)
def test_calling_it_without_marks_is_reported_speech(
    detect: Detect, text: str, who: str, cue: str, words: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, words)
    assert content(text, q) == [words]
    assert cue_of(text, q) == cue
    assert speaker(text, q) == who
    assert q.kind == "indirect"


KEPT_WHOLE = [
    # (text, the one content that must stay whole)
    (
        'Ms Berg said the harvest was "the worst in years" and wanted the council to act.',
        'the harvest was "the worst in years" and wanted the council to act',
    ),
]

#: A participle after the comma that follows a mixed quote's closing mark reports nothing
#: and is the reporter's: the quote ends at its mark, and the participle is no quote of
#: its own (issue 12 kind 3, tester22 F4; was kept inside the quote before).
ENDS_AT_MARK = [
    (
        'The author said the timing of the remark was "unfortunate," considering the city '
        "is still grieving.",
        'the timing of the remark was "unfortunate',
    ),
    (
        'The pilot said the runway was "far too short," showing the crew a photo of it.',
        'the runway was "far too short',
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "words"), KEPT_WHOLE)
def test_participles_that_report_nothing_stay_in_the_first_quote(
    detect: Detect, text: str, words: str
) -> None:
    q = find(text, detect(text), words.split(",")[0])
    assert content(text, q) == [words]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "words"), ENDS_AT_MARK)
def test_participle_after_a_mixed_quote_is_the_reporters(
    detect: Detect, text: str, words: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, words)
    assert content(text, q) == [words]
    assert len(quotes) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "left"),
    [
        (
            'The firm wrote a long letter to the council, calling the two reports "false '
            'and careless."',
            'the two reports "false and careless.',
            "a long letter",
        ),
        (
            'The club sent a note to its members, describing the new rules as "a mess."',
            'the new rules as "a mess.',
            "a note",
        ),
    ],
)
def test_object_left_without_marks_is_no_quote(
    detect: Detect, text: str, words: str, left: str
) -> None:
    quotes = detect(text)
    assert content(text, find(text, quotes, words)) == [words]
    assert not [q for q in quotes if any(left in f for f in content(text, q))]


OTHER_SOURCE = [
    # (text, first speaker, first content, second speaker, second content)
    (
        "Most members say they prefer a chair who is new to the club, while about a third "
        "say the club needs someone with experience.",
        "Most members",
        "they prefer a chair who is new to the club",
        "about a third",
        "the club needs someone with experience",
    ),
    (
        "One agency says the city has the most landlords and that rents are the highest, "
        "while another says the suburbs have twice as many.",
        "One agency",
        "the city has the most landlords and that rents are the highest",
        "another",
        "the suburbs have twice as many",
    ),
    (
        "Some drivers say the new lanes are safer for cyclists, whereas many others say the "
        "junction is worse than before.",
        "Some drivers",
        "the new lanes are safer for cyclists",
        "many others",
        "the junction is worse than before",
    ),
    (
        "Most parents say they want a school that is close to home, while many teachers "
        "argue the town needs one large campus.",
        "Most parents",
        "they want a school that is close to home",
        "many teachers",
        "the town needs one large campus",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who1", "first", "who2", "second"), OTHER_SOURCE)
def test_report_of_another_source_joined_by_while_ends_the_first(
    detect: Detect, text: str, who1: str, first: str, who2: str, second: str
) -> None:
    q1, q2 = two_quotes(text, detect(text), first, second)
    assert (speaker(text, q1), speaker(text, q2)) == (who1, who2)
