"""The sample articles shipped in seeds/101_* ... show every kind of quote the detector finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.nlp.conftest import REPO, Detect, find, speaker

SAMPLES = sorted((REPO / "seeds").glob("1[0-9][0-9]_*.txt"))


def test_there_are_three_or_four_samples() -> None:
    assert 3 <= len(SAMPLES) <= 4


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_has_every_kind_of_quote(detect: Detect, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    quotes = detect(text)
    kinds = {q.kind for q in quotes}
    assert kinds == {"direct", "mixed", "indirect"}
    direct = [q for q in quotes if q.kind == "direct"]
    # a quote split around its speaker: two fragments, the speaker between them
    assert any(
        len(q.content_spans) >= 2
        and q.speaker_spans
        and q.content_spans[0][1] <= q.speaker_spans[0][0] < q.content_spans[1][0]
        for q in direct
    )
    # a quote running over two paragraphs
    assert any("\n" in text[q.content_spans[0][0] : q.content_spans[-1][1]] for q in direct)
    # a pronoun speaker resolved to a name given earlier
    assert any((speaker(text, q) or "").lower() in ("he", "she") and q.speaker_name for q in quotes)


def test_harbour_sample_speakers(detect: Detect) -> None:
    path = REPO / "seeds" / "101_harbour_bridge_tolls.txt"
    text = path.read_text(encoding="utf-8")
    quotes = detect(text)
    split = find(text, quotes, "Nobody in this room")
    assert speaker(text, split) == "she" and split.speaker_name == "Dana Whitfield"
    org = find(text, quotes, "respect the council's decision")
    assert org.kind == "mixed"
    assert speaker(text, org) == "The Harbour Authority"
    assert find(text, quotes, "61,000 vehicles").speaker_name == "Harbour Authority"


def test_trade_sample_pronouns_follow_the_nearest_name(detect: Detect) -> None:
    path = REPO / "seeds" / "103_trade_talks.txt"
    text = path.read_text(encoding="utf-8")
    quotes = detect(text)
    assert find(text, quotes, "dairy quotas").speaker_name == "Paul Dechamps"
    assert find(text, quotes, "moved the goalposts").speaker_name == "Ingrid Salo"
    assert find(text, quotes, "votes are counted").speaker_name == "Miriam Koss"
