"""Article list filters beyond status (issue 10): undecided, speaker, kind, confidence,
disagreement between annotators; queries in annotator/store."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store import queries
from annotator.store.project import Project

TEXTS = [
    'One 🌉. "A is fine," Lee said. Kim\u00a0said B was wrong.',
    'Two. "C," said Kim. D happened, Park said.',
    "Three. Nobody said anything here at all.",
    'Four. "E," said Lee.',
]


def sp(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "f.db")
    ids = [p.add_article(Article(f"A{i}", t))[0] for i, t in enumerate(TEXTS, 1)]
    t1, t2, _t3, t4 = TEXTS
    # article 1: two suggestions (one low confidence); alice accepts one, leaves one open
    s1 = p.set_suggestions(
        ids[0],
        "v1",
        [
            Quote((sp(t1, '"A is fine,"'),), speaker_name="Lee", kind="direct", confidence=0.9),
            Quote((sp(t1, "B was wrong"),), speaker_name="Kim", kind="indirect", confidence=0.2),
        ],
    )
    p.add_annotation(
        ids[0],
        "alice",
        Quote((sp(t1, '"A is fine,"'),), speaker_name="Lee", kind="direct", status="accepted"),
        suggestion_id=s1[0],
    )
    # article 2: alice decided everything, bob disagrees on the stance
    q = Quote((sp(t2, '"C,"'),), speaker_name="Kim", kind="direct", stance="support")
    p.add_annotation(ids[1], "alice", q.with_(status="accepted"))
    p.add_annotation(ids[1], "bob", q.with_(status="accepted", stance="oppose"))
    p.add_annotation(
        ids[1], "alice", Quote((sp(t2, "D happened"),), kind="indirect", status="rejected")
    )
    # article 4: alice and bob agree exactly; alice has a pending (undecided) mixed quote
    e = Quote((sp(t4, '"E,"'),), speaker_name="Lee", kind="direct", stance="neutral")
    p.add_annotation(ids[3], "alice", e.with_(status="accepted"))
    p.add_annotation(ids[3], "bob", e.with_(status="accepted"))
    p.add_annotation(ids[3], "alice", Quote((sp(t4, "said Lee"),), kind="mixed", status="pending"))
    yield p
    p.close()


def ids(project: Project, name: str, value: str = "", who: str = "alice") -> set[int]:
    return queries.filter_article_ids(project, who, name, value)


def test_undecided(project: Project) -> None:
    assert ids(project, "undecided") == {1, 4}
    # bob never opened article 1: both suggestions are open for him
    assert ids(project, "undecided", who="bob") == {1}
    assert ids(project, "undecided", who="carol") == {1}


def test_speaker_by_name_alias_and_suggestion(project: Project) -> None:
    assert ids(project, "speaker", "Lee") == {1, 4}
    assert ids(project, "speaker", "kim") == {1, 2}  # an open suggestion names Kim in 1
    project.add_speaker_alias(project.speaker_id("Kim") or 0, "Mr Kim")
    assert ids(project, "speaker", "Mr Kim") == {1, 2}
    assert ids(project, "speaker", "Nobody") == set()
    with pytest.raises(ValueError, match="speaker"):
        ids(project, "speaker", "  ")


def test_kind(project: Project) -> None:
    assert ids(project, "kind", "direct") == {1, 2, 4}
    assert ids(project, "kind", "indirect") == {1, 2}
    assert ids(project, "kind", "mixed") == {4}
    with pytest.raises(ValueError, match="unknown quote kind 'quoted'"):
        ids(project, "kind", "quoted")


def test_confidence_below(project: Project) -> None:
    assert ids(project, "confidence_below", "0.5") == {1}
    assert ids(project, "confidence_below", "0.1") == set()
    assert ids(project, "confidence_below", "1") == {1}
    for bad in ("low", "1.5", "-0.1"):
        with pytest.raises(ValueError, match="between 0 and 1"):
            ids(project, "confidence_below", bad)


def test_disagreement(project: Project) -> None:
    assert ids(project, "disagreement") == {2}
    # bob adds a quote alice does not have on article 4: now they disagree there too
    t4 = TEXTS[3]
    project.add_annotation(4, "bob", Quote((sp(t4, "Four"),), kind="indirect", status="accepted"))
    assert ids(project, "disagreement") == {2, 4}
    # a target alone makes a difference
    rec = project.annotations(2, "bob")[0]
    project.update_annotation(rec.id, rec.quote.with_(stance="support", stance_target="x"))
    assert 2 in ids(project, "disagreement")


def test_unknown_filter(project: Project) -> None:
    with pytest.raises(ValueError, match="unknown article filter"):
        ids(project, "colour")


def test_filters_use_indexes(project: Project) -> None:
    plan = " ".join(
        str(r[3])
        for r in project.db.execute(
            "EXPLAIN QUERY PLAN SELECT article_id FROM annotations WHERE speaker_id = 1"
        )
    )
    assert "annotations_speaker" in plan
