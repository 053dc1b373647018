"""Rules-only mode (no trained model): direct quotes and named speakers still found."""

from __future__ import annotations

from tests.nlp.conftest import Detect, content, speaker


def test_direct_quote_and_named_speaker(detect_rules: Detect) -> None:
    text = '"The harvest was the best in years," said farmer Elsa Brandt. Prices fell.'
    (q,) = detect_rules(text)
    assert content(text, q) == ["The harvest was the best in years"]
    assert speaker(text, q) == "farmer Elsa Brandt"
    assert q.speaker_name == "Elsa Brandt"
    assert q.kind == "direct"


def test_subject_before_cue(detect_rules: Detect) -> None:
    text = "“We are not going anywhere,” Coach Amir Haddad told reporters on Sunday."
    (q,) = detect_rules(text)
    assert speaker(text, q) == "Coach Amir Haddad"
    assert q.speaker_name == "Amir Haddad"


def test_split_quote_is_one_quote(detect_rules: Detect) -> None:
    text = "“The roads are closed,” Chief Ines Lobo said, “and they will stay closed tonight.”"
    (q,) = detect_rules(text)
    assert content(text, q) == [
        "The roads are closed",
        "and they will stay closed tonight.",
    ]
    assert speaker(text, q) == "Chief Ines Lobo"


def test_pronoun_takes_the_previous_named_speaker(detect_rules: Detect) -> None:
    text = (
        '"The river is rising fast," said Mayor Tom Ekwueme.\n\n'
        '"Leave the lower town tonight," he added.'
    )
    first, second = detect_rules(text)
    assert speaker(text, second) == "he"
    assert second.speaker_name == first.speaker_name == "Tom Ekwueme"


def test_colon_introduces_the_quote(detect_rules: Detect) -> None:
    text = "The commissioner wrote: “No further extensions will be granted this year.”"
    (q,) = detect_rules(text)
    assert speaker(text, q) == "The commissioner"


def test_no_indirect_quotes_without_a_parser(detect_rules: Detect) -> None:
    text = "The minister said that the bridge would reopen in June."
    assert detect_rules(text) == []
