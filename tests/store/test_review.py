"""Reviews and gold quotes in the store: writes, change log, undo by id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

TEXT = 'The mayor said "we will rebuild the bridge" on Monday. Critics disagreed.'


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    yield p
    p.close()


def _quote(**kw: object) -> Quote:
    base = dict(
        content_spans=((16, 42),),
        speaker_spans=((0, 9),),
        speaker_name="Mayor Ruiz",
        kind="direct",
        stance="support",
    )
    base.update(kw)
    return Quote(**base)  # type: ignore[arg-type]


def _changelog(project: Project, entity: str) -> list[str]:
    rows = project.db.execute(
        "SELECT action FROM changelog WHERE entity = ? ORDER BY id", [entity]
    ).fetchall()
    return [r[0] for r in rows]


def test_put_gold_creates_review_and_logs(project: Project) -> None:
    aid, _ = project.add_article(Article("t", TEXT))
    store = ReviewStore(project)
    gid = store.put_gold(aid, "rita", ["ann", "bob"], GoldState(_quote(), "picked", None))
    review = store.review(aid, "rita")
    assert review is not None and review.annotators == ("ann", "bob")
    assert review.status == "in_progress"
    [gold] = store.gold(aid)
    assert gold.id == gid and gold.decision == "picked" and gold.reviewer == "rita"
    assert gold.quote.content_spans == ((16, 42),)
    assert gold.quote.speaker_name == "Mayor Ruiz" and gold.quote.stance == "support"
    assert _changelog(project, "review") == ["add"]
    assert _changelog(project, "gold") == ["add"]


def test_update_delete_and_restore_under_same_id(project: Project) -> None:
    aid, _ = project.add_article(Article("t", TEXT))
    store = ReviewStore(project)
    gid = store.put_gold(aid, "rita", [], GoldState(_quote(), "picked"))
    store.put_gold(aid, "rita", [], GoldState(_quote(stance="oppose"), "edited"), gold_id=gid)
    g = store.gold_quote(gid)
    assert g is not None and g.quote.stance == "oppose" and g.decision == "edited"
    old = store.delete_gold(gid)
    assert store.gold(aid) == []
    store.put_gold(aid, "rita", [], old.state, gold_id=gid)
    restored = store.gold_quote(gid)
    assert restored is not None and restored.state == old.state
    assert _changelog(project, "gold") == ["add", "update", "delete", "add"]


def test_gold_is_per_reviewer_and_status(project: Project) -> None:
    aid, _ = project.add_article(Article("t", TEXT))
    store = ReviewStore(project)
    store.put_gold(aid, "rita", [], GoldState(_quote(), "agreed"))
    store.put_gold(aid, "sam", [], GoldState(_quote(content_spans=((55, 71),)), "added"))
    assert [g.reviewer for g in store.gold(aid, "rita")] == ["rita"]
    assert len(store.gold(aid)) == 2
    assert store.set_status(aid, "rita", "done") == "in_progress"
    assert [r.status for r in store.reviews("rita")] == ["done"]
    with pytest.raises(ValueError):
        store.set_status(aid, "rita", "finished")


def test_bad_decision_is_refused_and_nothing_written(project: Project) -> None:
    aid, _ = project.add_article(Article("t", TEXT))
    store = ReviewStore(project)
    with pytest.raises(ValueError):
        store.put_gold(aid, "rita", [], GoldState(_quote(), "guessed"))
    assert store.count_gold() == 0
