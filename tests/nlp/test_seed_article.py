"""The article the product was first described with (seeds/000_...): its quotes and speakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.nlp.conftest import REPO, Detect, content, find, speaker

SEED_NAME = "000_7cec7f8eb39a43a7.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    for folder in (REPO / "seeds", REPO.parent / "shared" / "data" / "seeds"):
        path = Path(folder) / SEED_NAME
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.skip("the seed article is not in seeds/ nor ../shared/data/seeds/")


def test_ministry_statement_is_a_direct_quote_of_the_ministry(
    detect: Detect, seed_text: str
) -> None:
    q = find(seed_text, detect(seed_text), "Minister Lee In-young has mentioned")
    assert q.kind == "direct"
    (frag,) = content(seed_text, q)
    assert frag.startswith("Minister Lee In-young has mentioned")
    assert frag.endswith("all of Eurasia")
    assert speaker(seed_text, q) == "the ministry"
    assert q.speaker_name is not None and "Unification Ministry" in q.speaker_name
    assert [seed_text[a:b] for a, b in q.cue_spans] == ["said"]


def test_the_minister_is_lee_in_young(detect: Detect, seed_text: str) -> None:
    q = find(seed_text, detect(seed_text), "We need cooperation from the international")
    assert q.kind == "direct"
    assert speaker(seed_text, q) == "the minister"
    assert q.speaker_name == "Lee In-young"


def test_organisation_indirect_quote_in_the_lede(detect: Detect, seed_text: str) -> None:
    quotes = [
        q
        for q in detect(seed_text)
        if any("important for creating peace" in c for c in content(seed_text, q))
    ]
    assert quotes, "the ministry's reported statement was missed"
    for q in quotes:
        assert q.kind == "indirect"
        assert speaker(seed_text, q) == "the South Korean Unification Ministry"
        (frag,) = content(seed_text, q)
        assert frag.startswith("Cooperation between Russia and South Korea")
        assert frag.endswith("could facilitate inter-Korea dialogue")


def test_saying_that_is_attributed_to_kulik(detect: Detect, seed_text: str) -> None:
    q = find(seed_text, detect(seed_text), "cross-border exchanges")
    assert q.kind == "indirect"
    assert content(seed_text, q) == [
        "that cross-border exchanges could play an important part in solving the peninsula's issues"
    ]
    assert speaker(seed_text, q) == "Kulik"
    assert [seed_text[a:b] for a, b in q.cue_spans] == ["saying"]


def test_seed_article_in_rules_only_mode(detect_rules: Detect, seed_text: str) -> None:
    quotes = detect_rules(seed_text)
    assert [q.kind for q in quotes] == ["direct", "direct"]
    assert [speaker(seed_text, q) for q in quotes] == ["the ministry", "the minister"]


def test_meeting_agenda_is_a_low_confidence_suggestion(detect: Detect, seed_text: str) -> None:
    # "met with ... Kulik to discuss the situation in the region": a meeting's purpose
    q = find(seed_text, detect(seed_text), "the situation in the region")
    assert q.confidence is not None and q.confidence < 0.4
