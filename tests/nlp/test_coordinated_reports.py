"""Coordinated and nested reported speech, one attribution per cue (PolNeAR's way).

1. Two reports of one source joined by ``and``/``but``/a comma (``said A and added that
   B``, ``said A, but warned that B``, ``said A, adding that B``, ``urged X to A and
   promised B``) are two quotes with the same speaker, each with its own cue; the first
   content stops before the joining word and the second report.
2. A report nested in another one's content (``said she believes that ...``) is one
   quote: the outer cue, the inner verb inside the content, no second quote.

Texts are our own; each kind has several wordings.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, cue_of, speaker, two_quotes

COORDINATED = [
    # (text, speaker, first cue, first content, second cue, second content)
    (
        "The mayor said the bridge would reopen in May and added that tolls would stay the same.",
        "The mayor",
        "said",
        "the bridge would reopen in May",
        "added",
        "that tolls would stay the same",
    ),
    (
        "Ms Okafor said the clinic had run out of vaccine and warned that more patients "
        "would be turned away.",
        "Ms Okafor",
        "said",
        "the clinic had run out of vaccine",
        "warned",
        "that more patients would be turned away",
    ),
    (
        "The inspector said the school roof was unsafe and then added that repairs would "
        "take a year.",
        "The inspector",
        "said",
        "the school roof was unsafe",
        "added",
        "that repairs would take a year",
    ),
    (
        "The minister said the budget was balanced, but warned that spending cuts would follow.",
        "The minister",
        "said",
        "the budget was balanced",
        "warned",
        "that spending cuts would follow",
    ),
    (
        "Coach Hale said his players had trained hard but admitted that the defence was too slow.",
        "Coach Hale",
        "said",
        "his players had trained hard",
        "admitted",
        "that the defence was too slow",
    ),
    (
        "Lopez said the union would strike on Friday, adding that talks with the owners "
        "had failed.",
        "Lopez",
        "said",
        "the union would strike on Friday",
        "adding",
        "that talks with the owners had failed",
    ),
    (
        "The senator said the report was accurate, insisting that the agency had done "
        "nothing wrong.",
        "The senator",
        "said",
        "the report was accurate",
        "insisting",
        "that the agency had done nothing wrong",
    ),
    (
        'The mayor said the tax was "unfair" and added that the council would review it.',
        "The mayor",
        "said",
        'the tax was "unfair',
        "added",
        "that the council would review it",
    ),
    (
        "The senator questioned why the agency had waited so long, suggesting that "
        "officials had ignored the warnings.",
        "The senator",
        "questioned",
        "why the agency had waited so long",
        "suggesting",
        "that officials had ignored the warnings",
    ),
    (
        "Ms Diaz criticized the plan, arguing that it would raise rents.",
        "Ms Diaz",
        "criticized",
        "the plan",
        "arguing",
        "that it would raise rents",
    ),
    (
        "The governor urged residents to stay indoors and promised that the roads would "
        "be cleared by noon.",
        "The governor",
        "urged",
        "residents to stay indoors",
        "promised",
        "that the roads would be cleared by noon",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who", "cue1", "first", "cue2", "second"), COORDINATED)
def test_coordinated_reports_are_two_quotes_of_one_speaker(
    detect: Detect, text: str, who: str, cue1: str, first: str, cue2: str, second: str
) -> None:
    q1, q2 = two_quotes(text, detect(text), first, second)
    assert (cue_of(text, q1), cue_of(text, q2)) == (cue1, cue2)
    assert speaker(text, q1) == speaker(text, q2) == who


NESTED = [
    # (text, speaker, cue, content)
    (
        "Ms Grant said she believes that the council acted too late.",
        "Ms Grant",
        "said",
        "she believes that the council acted too late",
    ),
    (
        "He says he thinks the port should be sold.",
        "He",
        "says",
        "he thinks the port should be sold",
    ),
    (
        "The chief told reporters that she expects the strike to end soon.",
        "The chief",
        "told",
        "that she expects the strike to end soon",
    ),
    (
        "Kim said he hopes the ferry will run again next year.",
        "Kim",
        "said",
        "he hopes the ferry will run again next year",
    ),
    (
        "The farmer said she feared the river would flood her fields again.",
        "The farmer",
        "said",
        "she feared the river would flood her fields again",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who", "cue", "words"), NESTED)
def test_nested_report_is_one_quote_with_the_outer_cue(
    detect: Detect, text: str, who: str, cue: str, words: str
) -> None:
    quotes = detect(text)
    assert len(quotes) == 1, quotes
    q = quotes[0]
    assert content(text, q) == [words]
    assert cue_of(text, q) == cue
    assert speaker(text, q) == who
