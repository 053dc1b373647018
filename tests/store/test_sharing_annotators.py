"""Who shares an annotated article with another annotator (what the agreement dashboard
ticks by default): DB rows, the summary and the straight reading agree, and the query
reads indexes only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project

TEXT = 'Lee said: "We will talk." Kim 🇰🇷 said:\u00a0"Not now." Park agreed.'


def _quote(status: str) -> Quote:
    return Quote(content_spans=((10, 25),), status=status, origin="manual")


def _project(path: Path, plan: dict[int, list[tuple[str, str]]]) -> Project:
    """Articles 0..n-1, each with the (annotator, status) annotations ``plan`` gives."""
    p = Project.open(path)
    n = max(plan) + 1 if plan else 1
    ids = [p.add_article(Article(f"A{i}", f"{TEXT} {i}", {}))[0] for i in range(n)]
    for i, versions in plan.items():
        for who, status in versions:
            p.add_annotation(ids[i], who, _quote(status))
    return p


def _both(p: Project) -> list[str]:
    """The answer from the summary rows, checked against the straight reading of the
    annotations (a summary lagging behind a write made outside the store)."""
    got = p.annotators_who_share()
    p.db.execute("INSERT INTO summary_dirty (article_id) SELECT min(id) FROM articles")
    try:
        assert p.annotators_who_share() == got
    finally:
        p.db.execute("DELETE FROM summary_dirty")
    return got


def test_only_annotators_who_share_an_article_are_named(tmp_path: Path) -> None:
    p = _project(
        tmp_path / "p.db",
        {
            0: [("alice", "accepted"), ("bob", "accepted")],  # alice and bob share
            1: [("carol", "accepted")],  # carol alone
            2: [("erin", "accepted"), ("dave", "rejected")],  # dave accepted nothing
            3: [("frank", "accepted"), ("alice", "rejected")],  # alice worked here too
            4: [("gina", "pending"), ("carol", "pending")],  # nobody accepted here
        },
    )
    assert _both(p) == ["alice", "bob", "frank"]
    p.close()


def test_nobody_shares(tmp_path: Path) -> None:
    p = _project(
        tmp_path / "p.db",
        {0: [("alice", "accepted")], 1: [("bob", "accepted")], 2: [("carol", "rejected")]},
    )
    assert _both(p) == []
    p.close()


def test_an_empty_project(tmp_path: Path) -> None:
    p = _project(tmp_path / "p.db", {})
    assert _both(p) == []
    p.close()


def test_a_deleted_annotation_no_longer_shares(tmp_path: Path) -> None:
    p = _project(tmp_path / "p.db", {0: [("alice", "accepted"), ("bob", "rejected")]})
    # bob accepted nothing: alice shares with no one yet
    assert _both(p) == []
    other = p.add_article(Article("B", TEXT + " b", {}))[0]
    p.add_annotation(other, "bob", _quote("accepted"))
    assert _both(p) == ["alice", "bob"]
    (bobs,) = [r.id for r in p.annotations(p.article_ids()[0], "bob")]
    p.delete_annotation(bobs)
    assert _both(p) == []
    p.close()


@pytest.mark.parametrize("rows", ["annotator_summary", "annotations"])
def test_the_query_reads_indexes_only(tmp_path: Path, rows: str) -> None:
    """A probe by annotator, then by article: never a pass over every row (planned with
    the statistics of the 10,000-article bench project: 193,005 annotations, 7,988
    summary rows, two annotators)."""
    p = _project(tmp_path / "p.db", {0: [("alice", "accepted"), ("bob", "accepted")]})
    with p.transaction():
        p.db.execute("ANALYZE")
        p.db.execute("DELETE FROM sqlite_stat1")
        p.db.conn.executemany(
            "INSERT INTO sqlite_stat1 VALUES (?, ?, ?)",
            [
                ("annotators", "sqlite_autoindex_annotators_1", "2 1"),
                ("annotations", "annotations_annotator", "193005 96503 25"),
                ("annotations", "annotations_spans", "193005 33 25 1"),
                ("annotations", "annotations_suggestion", "193005 2"),
                ("annotations", "annotations_target", "193005 193005"),
                ("annotations", "annotations_speaker", "193005 193005 33"),
                ("annotations", "sqlite_autoindex_annotations_1", "193005 96503 1"),
                ("annotator_summary", "annotator_summary", "7988 3994 1"),
                ("annotator_summary", "annotator_summary_article", "7988 2"),
            ],
        )
    # planned with them on this connection (opening the file again would remove them:
    # they are not ours, tester18 T14); what a read-only open of such a file plans with
    p.db.execute("ANALYZE sqlite_master")
    sql = Project.SHARING_SQL.format(rows=rows)
    plan = [str(r[3]) for r in p.db.execute("EXPLAIN QUERY PLAN " + sql, ["accepted"])]
    assert not any(re.match(r"SCAN (annotations|annotator_summary|w|o|x)\b", x) for x in plan), plan
    if rows == "annotator_summary":
        assert "SEARCH w USING PRIMARY KEY (annotator_id=?)" in plan, plan
        assert any(
            x.startswith("SEARCH o USING COVERING INDEX annotator_summary_article") for x in plan
        ), plan
    else:
        assert any(
            x.startswith("SEARCH w USING COVERING INDEX annotations_annotator") for x in plan
        ), plan
        assert any(x.startswith("SEARCH o USING COVERING INDEX annotations_") for x in plan), plan
    # who has an accepted quote: a probe by annotator, stopping at the first one
    assert any(re.match(r"SEARCH x USING .*\(annotator_id=\?", x) for x in plan), plan
    p.close()
