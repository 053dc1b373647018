"""Quality of the detector with the trained English pipeline, on texts written for the tests."""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, find, speaker


def test_direct_quote_with_named_speaker(detect: Detect) -> None:
    text = '"The budget is balanced for the first time in a decade," Treasurer Anna Kowalski said.'
    (q,) = detect(text)
    assert content(text, q) == ["The budget is balanced for the first time in a decade"]
    assert speaker(text, q) == "Treasurer Anna Kowalski"
    assert q.kind == "direct"
    assert q.speaker_name == "Anna Kowalski"
    assert q.origin == "model" and q.status == "pending"
    assert q.confidence is not None and 0.5 < q.confidence <= 1.0
    assert [text[a:b] for a, b in q.cue_spans] == ["said"]


def test_split_quote_is_one_quote_with_two_fragments(detect: Detect) -> None:
    text = (
        "The mayor spoke after the vote.\n\n"
        "“We listened to every objection,” she said, “and we changed the plan twice.”"
    )
    (q,) = [q for q in detect(text) if q.kind == "direct"]
    assert content(text, q) == [
        "We listened to every objection",
        "and we changed the plan twice.",
    ]
    assert speaker(text, q) == "she"


def test_quote_over_several_paragraphs(detect: Detect) -> None:
    text = (
        "Union leader Maria Santos addressed the strikers.\n\n"
        '"We did not choose this fight. The company chose it when it cut our pensions.\n\n'
        '"We will stay out as long as it takes," Santos said.\n\n'
        "The company did not respond."
    )
    (q,) = [q for q in detect(text) if q.kind == "direct"]
    assert len(q.content_spans) == 2
    assert content(text, q)[0].startswith("We did not choose")
    assert content(text, q)[1] == "We will stay out as long as it takes"
    assert speaker(text, q) == "Santos"
    assert q.speaker_name == "Maria Santos"


def test_nyt_style_quotes(detect: Detect) -> None:
    text = "''This is a turning point for the region,'' said Gen. Omar Haddad, the commander."
    (q,) = detect(text)
    assert content(text, q) == ["This is a turning point for the region"]
    assert speaker(text, q) is not None and "Omar Haddad" in speaker(text, q)  # type: ignore[operator]


def test_guillemets_and_inverted_order(detect: Detect) -> None:
    text = "«We will not sign this treaty as written», said Foreign Minister Lena Varga."
    (q,) = detect(text)
    assert content(text, q) == ["We will not sign this treaty as written"]
    assert "Lena Varga" in (speaker(text, q) or "")


def test_nested_single_quote_inside_direct_quote(detect: Detect) -> None:
    text = "“He looked at me and said ‘not in my lifetime,’ and walked away,” Ms. Reyes recalled."
    (q,) = [q for q in detect(text) if q.kind == "direct"]
    assert content(text, q) == ["He looked at me and said ‘not in my lifetime,’ and walked away"]
    assert speaker(text, q) == "Ms. Reyes"


def test_unbalanced_marks_do_not_spoil_the_article(detect: Detect) -> None:
    text = (
        'The sign read "closed for repairs.\n\n'
        '"We expect to reopen in May," the manager, Paul Brandt, said.\n\n'
        '"Nobody was hurt," Brandt added.'
    )
    quotes = detect(text)
    q1 = find(text, quotes, "reopen in May")
    q2 = find(text, quotes, "Nobody was hurt")
    assert "Paul Brandt" in (speaker(text, q1) or "")
    assert speaker(text, q2) == "Brandt"


def test_mixed_quote(detect: Detect) -> None:
    text = 'Senator Hill said voter fraud was "a serious and growing problem" in her state.'
    (q,) = detect(text)
    assert q.kind == "mixed"
    (frag,) = content(text, q)
    assert frag.startswith("voter fraud was")
    assert '"a serious and growing problem"' in frag
    assert speaker(text, q) == "Senator Hill"


@pytest.mark.parametrize(
    ("text", "clause", "who"),
    [
        (
            "The minister said that the new rail line would open next year.",
            "that the new rail line would open next year",
            "The minister",
        ),
        (
            "Chen told reporters that the company had no plans to sell the plant.",
            "that the company had no plans to sell the plant",
            "Chen",
        ),
        (
            "Doctors warned that the flu season could peak earlier than usual.",
            "that the flu season could peak earlier than usual",
            "Doctors",
        ),
        (
            "Her lawyer argued that the search had been illegal from the start.",
            "that the search had been illegal from the start",
            "Her lawyer",
        ),
        (
            "The company denied that it had misled its investors.",
            "that it had misled its investors",
            "The company",
        ),
        (
            "Prices will rise by four percent next year, the central bank said on Friday.",
            "Prices will rise by four percent next year",
            "the central bank",
        ),
        (
            "The treaty is dead in its current form, said Viktor Lang, a senior diplomat.",
            "The treaty is dead in its current form",
            "Viktor Lang",  # the apposition is not part of the mention (issue 11)
        ),
    ],
)
def test_indirect_quotes(detect: Detect, text: str, clause: str, who: str) -> None:
    (q,) = detect(text)
    assert q.kind == "indirect"
    assert content(text, q) == [clause]
    assert speaker(text, q) == who


def test_according_to(detect: Detect) -> None:
    text = "The factory will close in March, according to a memo seen by the newspaper."
    (q,) = detect(text)
    assert content(text, q) == ["The factory will close in March"]
    assert speaker(text, q) == "a memo seen by the newspaper"
    assert [text[a:b] for a, b in q.cue_spans] == ["according to"]


def test_said_in_a_statement_and_organisation_speaker(detect: Detect) -> None:
    text = (
        "The Ministry of Health confirmed two new cases on Monday.\n\n"
        '"The risk to the public remains low," the ministry said in a statement.'
    )
    q = find(text, detect(text), "risk to the public")
    assert speaker(text, q) == "the ministry"
    assert q.speaker_name == "Ministry of Health"


def test_saying_that_takes_the_subject_of_the_main_verb(detect: Detect) -> None:
    text = "Governor Ruth Alvarez vetoed the bill, saying that it would raise taxes on small farms."
    q = find(text, detect(text), "raise taxes")
    assert content(text, q) == ["that it would raise taxes on small farms"]
    assert speaker(text, q) == "Governor Ruth Alvarez"


def test_apposition_is_not_part_of_the_speaker(detect: Detect) -> None:
    # issue 11: the mention ends at the name; the apposition is a role, not the speaker
    text = '"We will win this state," Flynn, a senior campaign adviser, said on Tuesday.'
    (q,) = detect(text)
    assert speaker(text, q) == "Flynn"


def test_passive_agent_is_the_speaker(detect: Detect) -> None:
    text = (
        "The reform was described by Senator Ruth Alvarez as "
        '"a betrayal of every family in this state."'
    )
    (q,) = detect(text)
    assert content(text, q) == ["a betrayal of every family in this state."]
    assert speaker(text, q) == "Senator Ruth Alvarez"


def test_pronoun_resolves_to_the_earlier_name(detect: Detect) -> None:
    text = (
        "Coach Bill Tanner was in a good mood after the match.\n\n"
        '"I have never seen a team fight like that," he said.'
    )
    q = find(text, detect(text), "fight like that")
    assert speaker(text, q) == "he"
    assert q.speaker_name == "Bill Tanner"


def test_description_resolves_to_the_compatible_name(detect: Detect) -> None:
    text = (
        "Energy Minister Karin Dahl met oil executives in Bergen on Thursday.\n\n"
        '"We need the investment, and we need it this decade," the minister said.'
    )
    q = find(text, detect(text), "we need it this decade")
    assert speaker(text, q) == "the minister"
    assert q.speaker_name == "Karin Dahl"


def test_quote_in_the_headline(detect: Detect) -> None:
    text = (
        'Mayor Wong: "We Will Rebuild the Old Market"\n\n'
        "The mayor announced a reconstruction fund on Sunday."
    )
    q = find(text, detect(text), "Rebuild the Old Market")
    assert q.kind == "direct"
    assert speaker(text, q) == "Mayor Wong"


def test_titles_and_scare_quotes_are_kept_with_a_low_confidence(detect: Detect) -> None:
    text = 'She appeared on "Good Morning Britain," where the hosts called the plan a "gimmick."'
    title, named = detect(text)
    assert title.kind == "direct" and content(text, title) == ["Good Morning Britain"]
    assert title.confidence is not None and title.confidence <= 0.3
    # a title after "appeared on" has no speaker; the word in marks the hosts name the
    # plan with is a mixed quote of theirs, with what they name (issue 12)
    assert title.speaker_spans == ()
    assert named.kind == "mixed" and content(text, named) == ['the plan a "gimmick.']
    assert speaker(text, named) == "the hosts"


def test_every_quote_has_kind_and_confidence(detect: Detect) -> None:
    text = (
        '"This is the end of an era," said Alice Moreau. The club said it would '
        "appoint a new chair in May. According to the club, attendance fell by a third."
    )
    quotes = detect(text)
    assert {q.kind for q in quotes} == {"direct", "indirect"}
    assert len(quotes) == 3
    for q in quotes:
        assert q.confidence is not None and 0.0 <= q.confidence <= 1.0


def test_short_quote_then_long_speaker(detect: Detect) -> None:
    text = (
        "The poll was published on Monday.\n\n"
        '"Support is collapsing," Boston-based pollster Ruth Adeyemi said. '
        '"It was soft to begin with."'
    )
    (q,) = detect(text)
    assert content(text, q) == ["Support is collapsing", "It was soft to begin with."]
    assert speaker(text, q) == "Boston-based pollster Ruth Adeyemi"


def test_question_then_speaker_with_apposition(detect: Detect) -> None:
    text = (
        '"Can you hear me? Are you voting on Tuesday?" Mona Berg, a retired nurse '
        "who volunteers for the campaign, asked politely."
    )
    (q,) = detect(text)
    assert q.kind == "direct"
    assert speaker(text, q) == "Mona Berg"


def test_sentence_after_a_full_stop_is_not_the_frame(detect: Detect) -> None:
    text = (
        'Ana Ruiz said, "We have a serious problem with discrimination." '
        "The actress then recalled an incident at a cinema."
    )
    q = find(text, detect(text), "serious problem")
    assert speaker(text, q) == "Ana Ruiz"


def test_negated_reporting_verb_is_not_a_quote(detect: Detect) -> None:
    text = "The senator did not say that the bill would pass before the summer recess."
    assert detect(text) == []


def test_book_title_after_possessive_is_not_a_quote(detect: Detect) -> None:
    text = (
        'In his memoir, "The Long Road Home," Mr. Okafor described his childhood. '
        'According to his book "A Quiet Harbour," he left the village at sixteen.'
    )
    quotes = [q for q in detect(text) if q.kind == "direct"]
    # the second title sits inside "according to his book ...": that quote holds it
    assert [content(text, q) for q in quotes] == [["The Long Road Home"]]
    assert all(q.confidence is not None and q.confidence <= 0.3 for q in quotes)


def test_parenthetical_said_splits_the_content(detect: Detect) -> None:
    text = "Otherwise, she said, countries may simply steal growth from one another."
    (q,) = detect(text)
    assert q.kind == "indirect"
    assert content(text, q) == ["Otherwise", "countries may simply steal growth from one another"]
    assert speaker(text, q) == "she"
