"""The review session: matching, differences in words, decisions to gold, undo and redo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import EditConflict
from annotator.core.model import Article, Quote
from annotator.services.adjudication import ReviewSession
from annotator.store.project import Project
from annotator.store.review import ReviewStore

# 0         1         2         3         4         5         6         7         8
# 012345678901234567890123456789012345678901234567890123456789012345678901234567890
TEXT = (
    "“We will build it,” said Dana Wu. Then Wu added that costs were too high for now. "
    "“It is over,” a rival said. Ticket prices rose again, the club said in a statement."
)


def _q(a: int, b: int, who: str, **kw: object) -> Quote:
    base: dict[str, object] = dict(status="accepted", origin="manual", kind="direct")
    base.update(kw)
    return Quote(content_spans=((a, b),), annotator=who, **base)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    aid, _ = p.add_article(Article("Stadium", TEXT))
    wu = TEXT.index("Dana Wu")
    # 1. identical in both: an agreement
    for who in ("alice", "bob"):
        p.add_annotation(
            aid,
            who,
            _q(0, 19, who, speaker_spans=((wu, wu + 7),), speaker_name="Dana Wu", stance="support"),
        )
    # 2. same span, different speaker and stance
    added = TEXT.index("that costs")
    end = TEXT.index(" for now.")
    p.add_annotation(
        aid,
        "alice",
        _q(added, end, "alice", kind="indirect", stance="oppose", speaker_name="Dana Wu"),
    )
    p.add_annotation(
        aid,
        "bob",
        _q(added, end + 8, "bob", kind="indirect", stance="support", speaker_name="Lee Park"),
    )
    # 3. only alice's
    over = TEXT.index("“It is over")
    p.add_annotation(aid, "alice", _q(over, over + 13, "alice"))
    # 4. only bob's, and a pending one of bob's that does not count
    club = TEXT.index("Ticket")
    p.add_annotation(aid, "bob", _q(club, club + 26, "bob", kind="indirect"))
    p.add_annotation(aid, "bob", _q(club + 28, club + 36, "bob", status="pending"))
    yield p
    p.close()


def test_items_and_differences(project: Project) -> None:
    s = ReviewSession(project, "rita", ["alice", "bob"])
    assert s.available_annotators() == ["alice", "bob"]
    [aid] = s.article_ids()
    items = s.items(aid)
    assert len(items) == 4
    assert items[0].agreed and items[0].summary() == "agreed"
    words = items[1].differences
    assert any(w.startswith("boundary differs by 2 words") for w in words)
    assert any("different speaker (Dana Wu vs Lee Park)" in w for w in words)
    assert "stance oppose vs support" in words
    assert items[2].differences == ("only in alice's",)
    assert items[3].differences == ("only in bob's",)
    assert s.disagreements(aid) == 3


def test_accept_pick_edit_drop_with_undo(project: Project) -> None:
    s = ReviewSession(project, "rita", ["alice", "bob"])
    [aid] = s.article_ids()
    store = ReviewStore(project)
    undo_accept = s.accept_agreements(aid)
    [g] = store.gold(aid, "rita")
    assert g.decision == "agreed" and g.quote.speaker_name == "Dana Wu"
    assert s.accept_agreements(aid).empty  # nothing left to accept
    item = s.items(aid)[1]
    undo_pick = s.pick(aid, item, "bob")
    item = s.items(aid)[1]
    assert item.gold is not None and item.gold.decision == "picked"
    assert item.gold.quote.speaker_name == "Lee Park"
    assert item.gold.state.source_annotation_id == item.version("bob").id  # type: ignore[union-attr]
    # picking again over it replaces the gold row, and undo restores the pick
    undo_edit = s.edit(aid, item, item.gold.quote.with_(stance="neutral"), base="bob")
    item = s.items(aid)[1]
    assert item.gold is not None and item.gold.decision == "edited"
    assert item.gold.quote.stance == "neutral"
    redo_edit = s.apply(undo_edit)
    item = s.items(aid)[1]
    assert item.gold is not None and item.gold.decision == "picked"
    s.apply(redo_edit)
    assert s.items(aid)[1].gold.decision == "edited"  # type: ignore[union-attr]
    # leave bob's lone quote out, alice's lone quote in
    undo_drop = s.drop(aid, s.items(aid)[3])
    # it had no gold: it is marked left out, so the row counts as decided (issue 10)
    assert not undo_drop.empty
    assert s.items(aid)[3].left_out and s.items(aid)[3].decided
    assert s.drop(aid, s.items(aid)[3]).empty  # already left out
    s.pick(aid, s.items(aid)[2], "alice")
    assert [g.decision for g in store.gold(aid, "rita")] == ["agreed", "edited", "picked"]
    # the row was edited since the pick: undoing the pick out of order would delete the
    # later decision (another window's, verify21 V12): refused, nothing changed
    with pytest.raises(EditConflict):
        s.apply(undo_pick)
    assert s.items(aid)[1].gold.decision == "edited"  # type: ignore[union-attr]
    s.apply(undo_accept)
    assert s.items(aid)[0].gold is None
    assert store.review(aid, "rita") is not None


def test_drop_add_and_done(project: Project) -> None:
    s = ReviewSession(project, "rita", ["alice", "bob"])
    [aid] = s.article_ids()
    s.pick(aid, s.items(aid)[2], "alice")
    undo = s.drop(aid, s.items(aid)[2])
    assert s.items(aid)[2].gold is None
    s.apply(undo)
    assert s.items(aid)[2].gold is not None
    s.add(aid, Quote(content_spans=((TEXT.index("a rival"), TEXT.index("a rival") + 7),)))
    added = [it for it in s.items(aid) if it.gold and it.gold.decision == "added"]
    assert len(added) == 1 and added[0].summary() == "added by the reviewer"
    undo_done = s.set_done(aid)
    assert s.status(aid) == "done"
    s.apply(undo_done)
    assert s.status(aid) == "in_progress"


def test_three_annotators_and_changelog(project: Project) -> None:
    project.add_annotation(1, "cy", _q(0, 19, "cy", stance="oppose"))
    s = ReviewSession(project, "rita", ["alice", "bob", "cy"])
    items = s.items(1)
    first = items[0]
    assert [v is not None for v in first.versions] == [True, True, True]
    assert any("(alice vs cy)" in d for d in first.differences)
    assert items[1].differences[0] == "missing in cy's"
    assert items[2].differences == ("only in alice's",)
    s.pick(1, first, "cy")
    n = project.db.execute("SELECT count(*) FROM changelog WHERE entity = 'gold'").fetchone()[0]
    assert n == 1
