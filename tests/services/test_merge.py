"""Merging a colleague's project: matched by content hash, idempotent, reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.services.merge import merge_project
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

SHARED = "The council voted on Tuesday. “We have no money left,” said treasurer Ana Pol."
MINE_ONLY = "Schools reopen next week, the ministry said in a statement."
#: the ``run_cli`` fixture of conftest.py (``annotator`` run in process)
CliRunner = Callable[..., Any]

THEIRS_ONLY = "“Prices will fall,” the governor promised, though few believed him."


def _q(start: int, end: int, annotator: str, **kw: Any) -> Quote:
    return Quote(
        content_spans=((start, end),), annotator=annotator, status="accepted", origin="manual", **kw
    )


def _make(tmp_path: Path) -> tuple[Path, Path]:
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    with Project.open(mine) as p:
        aid, _ = p.add_article(Article("Council", SHARED))
        p.add_article(Article("Schools", MINE_ONLY))
        p.add_annotation(aid, "alice", _q(30, 56, "alice", speaker_name="Ana Pol", stance="oppose"))
    with Project.open(theirs) as p:
        aid, _ = p.add_article(Article("Council", SHARED, ext_id="c-1"))
        bid, _ = p.add_article(Article("Prices", THEIRS_ONLY))
        # the same quote as alice's, by alice: already there
        p.add_annotation(aid, "alice", _q(30, 56, "alice", speaker_name="Ana Pol", stance="oppose"))
        # bob's version of it and one quote in the new article, with a suggestion link
        p.add_annotation(aid, "bob", _q(30, 55, "bob", speaker_name="ana pol", stance="neutral"))
        [sid] = p.set_suggestions(bid, "rules-1", [Quote(content_spans=((0, 19),), kind="direct")])
        p.add_annotation(bid, "bob", _q(0, 19, "bob", kind="direct"), suggestion_id=sid)
        p.set_progress(bid, "bob", "done")
        p.speaker_id("Governor Lee", kind="person")
    return mine, theirs


def test_merge_adds_new_and_never_duplicates(tmp_path: Path) -> None:
    mine, theirs = _make(tmp_path)
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.articles_matched == 1 and report.articles_added == 1
        assert report.annotators_added == ["bob"]
        assert report.annotations_added == 2 and report.annotations_present == 1
        assert report.suggestions_added == 1
        assert p.count_articles() == 3
        shared = p.article_id_by_hash(p.article(1).content_hash)
        assert shared is not None
        by = {r.quote.annotator: r.quote for r in p.annotations(shared)}
        assert by["bob"].stance == "neutral" and by["bob"].content_spans == ((30, 55),)
        # bob's speaker resolved to the registry entry case-insensitively
        assert by["bob"].speaker_name == "Ana Pol"
        [new] = [a for a in p.iter_articles() if a.text == THEIRS_ONLY]
        [rec] = p.annotations(new.id, "bob")
        [sugg] = p.suggestions(new.id)
        assert rec.suggestion_id == sugg.id  # remapped, not dropped
        assert p.progress(new.id, "bob") == "done"
        assert "Governor Lee" in [s.name for s in p.speakers()]
        counts = p.stats()
        again = merge_project(p, theirs)
        assert not again.changed
        assert again.annotations_added == 0 and again.articles_added == 0
        assert again.annotations_present == 3
        assert p.stats() == counts
        assert (
            p.db.execute("SELECT count(*) FROM changelog WHERE action = 'merge'").fetchone()[0] == 2
        )


def test_merge_leaves_other_file_unchanged_and_refuses_itself(tmp_path: Path) -> None:
    mine, theirs = _make(tmp_path)
    before = theirs.read_bytes()
    with Project.open(mine) as p:
        merge_project(p, theirs)
        with pytest.raises(ProjectError):
            merge_project(p, mine)
        with pytest.raises(ProjectError):
            merge_project(p, tmp_path / "missing.db")
    assert theirs.read_bytes() == before


def test_conflicting_version_of_same_suggestion_keeps_ours(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    sugg = Quote(content_spans=((0, 19),), kind="direct")
    for path, stance in ((mine, "support"), (theirs, "oppose")):
        with Project.open(path) as p:
            aid, _ = p.add_article(Article("Prices", THEIRS_ONLY))
            [sid] = p.set_suggestions(aid, "rules-1", [sugg])
            p.add_annotation(aid, "bob", _q(0, 19, "bob", stance=stance), suggestion_id=sid)
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.annotations_added == 0 and len(report.conflicts) == 1
        [rec] = p.annotations(1)
        assert rec.quote.stance == "support"


@pytest.mark.parametrize(
    ("ours", "theirs_kw"),
    [
        ({}, {"speaker_name": "the governor"}),  # theirs names the speaker, ours did not
        ({"speaker_name": "Governor Lee"}, {"speaker_name": "the governor"}),
        ({"kind": "direct"}, {"kind": "mixed"}),
        ({"stance": "support"}, {"stance": None}),
    ],
)
def test_another_version_of_the_same_hand_made_quote_keeps_ours(
    tmp_path: Path, ours: dict[str, Any], theirs_kw: dict[str, Any]
) -> None:
    """No suggestion links them: the same annotator and content spans make them one quote."""
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    for path, kw in ((mine, ours), (theirs, theirs_kw)):
        with Project.open(path) as p:
            aid, _ = p.add_article(Article("Prices", THEIRS_ONLY))
            p.add_annotation(aid, "bob", _q(1, 17, "bob", **kw))
            if path == theirs:  # and one quote of theirs that is new here
                p.add_annotation(aid, "bob", _q(39, 67, "bob"))
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.annotations_added == 1 and len(report.conflicts) == 1
        assert "bob on 'Prices' at 1-17" in report.conflicts[0]
        recs = p.annotations(1)
        assert sorted(r.quote.content_spans for r in recs) == [((1, 17),), ((39, 67),)]
        [kept] = [r for r in recs if r.quote.content_spans == ((1, 17),)]
        for field, value in ours.items():
            assert getattr(kept.quote, field) == value


def test_merge_command(tmp_path: Path, run_cli: CliRunner) -> None:
    mine, theirs = _make(tmp_path)
    cmd = ["merge", str(mine), str(theirs)]
    out = run_cli(*cmd, check=True).stdout
    assert "1 added" in out and "annotations: 2 added, 1 already here" in out
    out2 = run_cli(*cmd, check=True).stdout
    assert "nothing new" in out2
    bad = run_cli(*cmd[:-1], str(tmp_path / "nope.db"))
    assert bad.returncode == 1 and "nope.db" in bad.stderr


# -- reviews and gold quotes ----------------------------------------------------------------


def _gold_count(p: Project, action: str = "add") -> int:
    sql = "SELECT count(*) FROM changelog WHERE entity = 'gold' AND action = ?"
    return int(p.db.execute(sql, [action]).fetchone()[0])


def _make_reviewed(tmp_path: Path) -> tuple[Path, Path]:
    """_make, plus: carol reviewed both articles in THEIRS; ids differ between the files."""
    mine, theirs = _make(tmp_path)
    with Project.open(mine) as p:
        # shift our speaker and annotation ids so that copying ids unchanged would be wrong
        p.speaker_id("Mayor Roh", kind="person")
        p.add_annotation(2, "alice", _q(0, 7, "alice", kind="indirect"))
    with Project.open(theirs) as p:
        store = ReviewStore(p)
        alice, bob = p.annotations(1, "alice")[0], p.annotations(1, "bob")[0]
        [bob_prices] = p.annotations(2, "bob")
        who = ["alice", "bob"]
        store.put_gold(1, "carol", who, GoldState(bob.quote, "picked", bob.id))
        store.put_gold(1, "carol", who, GoldState(alice.quote.with_(stance="support"), "edited"))
        store.put_gold(1, "carol", who, GoldState(alice.quote, "agreed", alice.id))
        governor = bob_prices.quote.with_(speaker_name="Governor Lee", stance="support")
        store.put_gold(2, "carol", ["bob"], GoldState(governor, "agreed", bob_prices.id))
        store.set_status(2, "carol", "done")
    return mine, theirs


def test_reviews_arrive_with_remapped_ids(tmp_path: Path) -> None:
    mine, theirs = _make_reviewed(tmp_path)
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.reviews_added == 2 and report.gold_quotes_added == 4
        assert report.review_conflicts == [] and report.changed
        store = ReviewStore(p)
        [shared_review, prices_review] = store.reviews("carol")
        [prices] = [a for a in p.iter_articles() if a.text == THEIRS_ONLY]
        assert prices.id == 3 and prices_review.article_id == 3  # theirs was article 2
        assert shared_review.article_id == 1 and shared_review.status == "in_progress"
        assert prices_review.status == "done" and prices_review.annotators == ("bob",)
        [gold] = store.gold(prices.id, "carol")
        assert gold.review_id == prices_review.id and gold.decision == "agreed"
        assert gold.reviewer == "carol" and gold.quote.annotator == "carol"
        assert gold.quote.speaker_name == "Governor Lee" and gold.quote.stance == "support"
        governor_id = p.speaker_id("Governor Lee", create=False)
        row = p.db.execute("SELECT speaker_id FROM gold_quotes WHERE id = ?", [gold.id]).fetchone()
        assert row[0] == governor_id == 3  # theirs was speaker 2
        # the source link points at our copy of bob's annotation (theirs was annotation 3)
        [bob_prices] = p.annotations(prices.id, "bob")
        assert gold.state.source_annotation_id == bob_prices.id == 4
        by_decision = {g.decision: g for g in store.gold(1, "carol")}
        assert set(by_decision) == {"picked", "edited", "agreed"}
        [bob_shared] = p.annotations(1, "bob")
        [alice_shared] = p.annotations(1, "alice")
        assert by_decision["picked"].state.source_annotation_id == bob_shared.id == 3
        assert by_decision["picked"].quote.stance == "neutral"
        assert by_decision["picked"].quote.speaker_name == "Ana Pol"
        # alice's annotation was already ours: the link goes to our row, not a copy
        assert by_decision["agreed"].state.source_annotation_id == alice_shared.id == 1
        assert by_decision["edited"].state.source_annotation_id is None
        assert _gold_count(p) == 4
        reviews_logged = "SELECT count(*) FROM changelog WHERE entity = 'review'"
        assert p.db.execute(reviews_logged).fetchone()[0] == 2
        text = "\n".join(report.lines())
        assert "reviews: 2 added (4 gold quotes), 0 already here, 0 conflicting" in text


def test_merging_reviews_twice_adds_nothing(tmp_path: Path) -> None:
    mine, theirs = _make_reviewed(tmp_path)
    with Project.open(mine) as p:
        merge_project(p, theirs)
        counts, logged = p.stats(), _gold_count(p)
        again = merge_project(p, theirs)
        assert not again.changed
        assert again.reviews_added == 0 and again.gold_quotes_added == 0
        assert again.reviews_present == 2 and again.review_conflicts == []
        assert p.stats() == counts and counts["reviews"] == 2 and counts["gold_quotes"] == 4
        assert _gold_count(p) == logged
        assert "nothing new" in "\n".join(again.lines())


def test_conflicting_review_keeps_ours_and_is_reported(tmp_path: Path) -> None:
    mine, theirs = _make_reviewed(tmp_path)
    with Project.open(mine) as p:
        # carol reviewed the shared article here too, differently; dave identically in both
        [alice] = p.annotations(1, "alice")
        ReviewStore(p).put_gold(1, "carol", ["alice"], GoldState(alice.quote, "agreed", alice.id))
        ReviewStore(p).put_gold(1, "dave", ["alice"], GoldState(alice.quote, "agreed", alice.id))
    with Project.open(theirs) as p:
        [alice] = p.annotations(1, "alice")
        ReviewStore(p).put_gold(1, "dave", ["alice"], GoldState(alice.quote, "agreed", alice.id))
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.reviews_added == 1 and report.gold_quotes_added == 1  # carol's on Prices
        assert report.reviews_present == 1  # dave: same gold quotes on both sides
        [conflict] = report.review_conflicts
        assert "carol" in conflict and "'Council'" in conflict
        [ours] = ReviewStore(p).gold(1, "carol")
        assert ours.decision == "agreed" and ours.quote.stance == "oppose"
        assert len(ReviewStore(p).gold(1, "dave")) == 1
        assert "kept our review where the same reviewer's gold version differs (1):" in (
            report.lines()
        )
        again = merge_project(p, theirs)
        assert not again.changed and len(again.review_conflicts) == 1


def test_gold_source_is_null_when_the_annotation_was_not_merged(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    sugg = Quote(content_spans=((0, 19),), kind="direct")
    for path, stance in ((mine, "support"), (theirs, "oppose")):
        with Project.open(path) as p:
            aid, _ = p.add_article(Article("Prices", THEIRS_ONLY))
            [sid] = p.set_suggestions(aid, "rules-1", [sugg])
            p.add_annotation(aid, "bob", _q(0, 19, "bob", stance=stance), suggestion_id=sid)
    with Project.open(theirs) as p:
        [bob] = p.annotations(1)
        ReviewStore(p).put_gold(1, "carol", ["bob"], GoldState(bob.quote, "picked", bob.id))
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert len(report.conflicts) == 1 and report.gold_quotes_added == 1
        [gold] = ReviewStore(p).gold(1, "carol")
        # bob's version there lost to ours here: the gold quote keeps its content, not the link
        assert gold.state.source_annotation_id is None and gold.quote.stance == "oppose"


def test_export_gold_after_merge(tmp_path: Path) -> None:
    mine, theirs = _make_reviewed(tmp_path)
    out = tmp_path / "gold.jsonl"
    with Project.open(mine) as p:
        merge_project(p, theirs)
        report = export_project(p, ExportOptions(format="jsonl", output=out, gold=True))
    assert report.quotes == 4 and report.articles == 2
    objs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [o["text"] for o in objs] == [SHARED, THEIRS_ONLY]
    quotes = [q for o in objs for q in o["quotes"]]
    assert {q["annotator"] for q in quotes} == {"carol"}
    assert sorted(q["review_decision"] for q in quotes) == ["agreed", "agreed", "edited", "picked"]
    [prices_gold] = objs[1]["quotes"]
    assert prices_gold["speaker_name"] == "Governor Lee" and prices_gold["stance"] == "support"


def test_merge_command_reports_reviews(tmp_path: Path, run_cli: CliRunner) -> None:
    mine, theirs = _make_reviewed(tmp_path)
    cmd = ["merge", str(mine), str(theirs)]
    out = run_cli(*cmd, "--json", check=True).stdout
    data = json.loads(out)
    assert data["reviews_added"] == 2 and data["gold_quotes_added"] == 4
    assert data["review_conflicts"] == [] and data["reviews_present"] == 0
    text = run_cli(*cmd, check=True).stdout
    assert "reviews: 0 added (0 gold quotes), 2 already here, 0 conflicting" in text
