"""The article list's summaries (migration 0010, annotator/store/summary.py) give exactly
the answers of a straight computation over the quotes (issue 16): "Has undecided quotes",
"Annotators disagree", the sort by Quotes and the progress totals, for every annotator,
after every kind of write (accept, reject, edit, undo, re-detection, speaker merge, import
in bulk, project merge, article deletion, a write by another program), on varied small
projects."""

from __future__ import annotations

import contextlib
import json
import random
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.core.quote_rows import quote_row
from annotator.services.merge import merge_project
from annotator.store import bulk, counts, queries, summary
from annotator.store.project import Project
from tests.store.test_scale import drop_summaries

WHO = ("alice", "bob", "carol", None)  # carol never annotates; None: no annotator
KINDS = ("direct", "mixed", "indirect")
SPEAKERS = (None, "Lee", "Kim", "Park")
STANCES = (None, "support", "oppose")
TARGETS = (None, "budget")


# -- the straight computation, in Python over the raw rows ------------------------------------


def _rows(project: Project, table: str) -> list[dict[str, Any]]:
    return [dict(r) for r in project.db.query(f"SELECT * FROM {table} ORDER BY id")]


class Ref:
    """What the window's filters and sort by Quotes answer for one annotator."""

    def __init__(self) -> None:
        self.undecided: set[int] = set()
        self.disagree: set[int] = set()
        self.order: list[int] = []
        self.totals = counts.Totals(0, 0, 0, 0)
        #: (kind, confidence, speaker id, speaker name) of each quote the annotator sees
        #: (an annotation's speaker is its registry id, a suggestion's the name it gives)
        self.seen: dict[int, list[tuple[Any, ...]]] = defaultdict(list)

    def kind(self, kind: str) -> set[int]:
        return {a for a, qs in self.seen.items() if any(q[0] == kind for q in qs)}

    def below(self, limit: float) -> set[int]:
        return {
            a for a, qs in self.seen.items() if any(q[1] is not None and q[1] < limit for q in qs)
        }

    def speaker(self, sid: int, name: str) -> set[int]:
        return {
            a
            for a, qs in self.seen.items()
            if any(q[2] == sid or (q[3] or "").lower() == name.lower() for q in qs)
        }


def reference(project: Project, annotator: str | None) -> Ref:
    """The annotator's filters and order (undecided, disagreement, kind, confidence below,
    ids sorted by quotes ascending, ties by id) as the window defines them
    (annotator/store/counts.py, queries.py), computed in Python over the raw rows."""
    ref = Ref()
    ann = project.annotator_id(annotator, create=False) if annotator else None
    articles = [int(r["id"]) for r in _rows(project, "articles")]
    sugg = _rows(project, "suggestions")
    notes = _rows(project, "annotations")
    newest: dict[int, dict[str, Any]] = {}
    for s in sugg:  # rows come in id order: the last one of an article is its newest
        newest[s["article_id"]] = s
    mine = [x for x in notes if x["annotator_id"] == ann]
    quotes: dict[int, int] = defaultdict(int)
    undecided = ref.undecided
    for x in mine:
        quotes[x["article_id"]] += 1
        ref.seen[x["article_id"]].append((x["kind"], x["confidence"], x["speaker_id"], None))
        if x["status"] == "pending":
            undecided.add(x["article_id"])
    for s in sugg:
        aid = s["article_id"]
        if s["detector_version"] != newest[aid]["detector_version"]:
            continue
        handled = any(x["suggestion_id"] == s["id"] for x in mine) or any(
            x["article_id"] == aid and x["content_spans"] == s["content_spans"] for x in mine
        )
        if not handled:
            quotes[aid] += 1
            ref.seen[aid].append((s["kind"], s["confidence"], None, s["speaker_name"]))
            undecided.add(aid)
    disagree = ref.disagree
    by_article: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for x in notes:
        by_article[x["article_id"]].append(x)

    def key(x: dict[str, Any]) -> tuple[Any, ...]:
        cols = ("content_spans", "kind", "speaker_spans", "speaker_id", "stance")
        return (*(x[c] for c in cols), x["stance_target"])

    for aid, xs in by_article.items():
        people = {x["annotator_id"] for x in xs}
        for a in xs:
            if a["status"] != "accepted":
                continue
            for other in people - {a["annotator_id"]}:
                theirs = {
                    key(b) for b in xs if b["annotator_id"] == other and b["status"] == "accepted"
                }
                if key(a) not in theirs:
                    disagree.add(aid)
    ref.order = sorted(articles, key=lambda a: (quotes.get(a, 0), a))
    progress = project.db.execute("SELECT annotator_id, status FROM article_progress")
    ref.totals = counts.Totals(
        sum(a == ann and status == "done" for a, status in progress),
        len(articles),
        sum(x["status"] in ("accepted", "rejected") for x in mine),
        sum(quotes.values()),
    )
    return ref


def _filter(project: Project, who: str | None, name: str, value: str = "") -> set[int]:
    """The filter's answer; asked about each article alone (``only``, what the window asks
    after a decision), it answers the same for that article."""
    got = queries.filter_article_ids(project, who, name, value)
    ids = [int(r[0]) for r in project.db.execute("SELECT id FROM articles")]
    for aid in ids:
        alone = queries.filter_article_ids(project, who, name, value, only=[aid])
        assert alone == got & {aid}, (who, name, value, aid)
    assert queries.filter_article_ids(project, who, name, value, only=ids[:3]) == got & set(ids[:3])
    return got


def check(project: Project) -> None:
    """The store's answers equal the reference for every annotator, both sort ways."""
    for who in WHO:
        ref = reference(project, who)
        assert _filter(project, who, "undecided") == ref.undecided, who
        assert _filter(project, who, "disagreement") == ref.disagree, who
        for kind in KINDS:
            assert _filter(project, who, "kind", kind) == ref.kind(kind)
        for value in ("Lee", "kim", "Park", "Nobody"):
            found = project.find_speaker(value)
            sid, name = (found.id, found.name) if found else (-1, value)
            got = _filter(project, who, "speaker", value)
            assert got == ref.speaker(sid, name), (who, value)
        for limit in (0.1, 0.5, 0.95, 1.0):
            got = _filter(project, who, "confidence_below", str(limit))
            assert got == ref.below(limit), (who, limit)
        assert queries.article_order(project, who, 4, False) == ref.order, who
        assert queries.article_order(project, who, 4, True) == ref.order[::-1], who
        # the status bar's progress (read from the summaries when they are current)
        assert queries.totals(project, who) == ref.totals, who


# -- varied projects ----------------------------------------------------------------------------


def _text(i: int) -> str:
    return " ".join(f"w{i}x{k}" for k in range(40))


def _spans(rng: random.Random) -> tuple[tuple[int, int], ...]:
    a = rng.randrange(0, 8) * 10
    return ((a, a + rng.choice((5, 9))),)


def _quote(rng: random.Random, **kw: Any) -> Quote:
    base = {
        "content_spans": _spans(rng),
        "speaker_spans": rng.choice(((), ((100, 104),))),
        "kind": rng.choice(KINDS),
        "speaker_name": rng.choice(SPEAKERS),
        "stance": rng.choice(STANCES),
        "stance_target": rng.choice(TARGETS),
        "status": rng.choice(("accepted", "accepted", "rejected", "pending")),
        "confidence": rng.choice((None, 0.3, 0.9)),
    }
    base.update(kw)
    return Quote(**base)


def _random_step(p: Project, rng: random.Random, ids: list[int]) -> None:
    """One write a person or a tool could make."""
    aid = rng.choice(ids)
    step = rng.randrange(12)
    who = rng.choice(("alice", "bob"))
    if step <= 1:  # (re-)detection, sometimes by a newer detector
        version = rng.choice(("v1", "v1", "v2"))
        p.set_suggestions(
            aid, version, [_quote(rng, status="pending") for _ in range(rng.randrange(4))]
        )
    elif step <= 3:  # accept or reject a suggestion, linked to it
        sugg = p.db.execute(
            "SELECT id, content_spans FROM suggestions WHERE article_id = ?", [aid]
        ).fetchall()
        if sugg:
            sid, spans = rng.choice(sugg)
            q = _quote(rng, content_spans=tuple(tuple(s) for s in json.loads(spans)))
            with contextlib.suppress(sqlite3.IntegrityError):  # decided by them already
                p.add_annotation(aid, who, q, suggestion_id=int(sid))
    elif step <= 5:  # a quote of one's own (same spans as a suggestion sometimes)
        p.add_annotation(aid, who, _quote(rng))
    elif step == 6:  # edit: another kind, speaker, stance or status
        rows = p.db.execute("SELECT id FROM annotations WHERE article_id = ?", [aid]).fetchall()
        if rows:
            rec = p.annotation(int(rng.choice(rows)[0]))
            change = rng.choice(
                (
                    {"kind": rng.choice(KINDS)},
                    {"status": rng.choice(("accepted", "rejected", "pending"))},
                    {"stance": rng.choice(STANCES)},
                    {"stance_target": rng.choice(TARGETS)},
                    {"content_spans": _spans(rng)},
                )
            )
            p.update_annotation(rec.id, rec.quote.with_(**change))
    elif step == 7:  # undo of an accept: the annotation goes
        rows = p.db.execute("SELECT id FROM annotations WHERE article_id = ?", [aid]).fetchall()
        if rows:
            p.delete_annotation(int(rng.choice(rows)[0]))
    elif step == 8:  # the other annotator copies one quote exactly: they agree
        rows = p.db.execute(
            "SELECT id FROM annotations WHERE article_id = ? AND status = 'accepted'", [aid]
        ).fetchall()
        if rows:
            rec = p.annotation(int(rng.choice(rows)[0]))
            other = "bob" if rec.quote.annotator == "alice" else "alice"
            p.add_annotation(aid, other, rec.quote.with_(annotator=other))
    elif step == 9:  # speaker merge: every Kim becomes Lee (speaker ids change)
        lee, kim = p.speaker_id("Lee"), p.speaker_id("Kim")
        if lee and kim:
            with p.transaction():
                p.db.execute(
                    "UPDATE annotations SET speaker_id = ? WHERE speaker_id = ?", [lee, kim]
                )
    elif step == 10:  # the annotator marks the article (done, or back in progress)
        p.set_progress(aid, who, rng.choice(("done", "done", "in_progress")))
    else:  # an article deleted (its quotes go with it)
        if len(ids) > 3:
            with p.transaction():
                p.db.execute("DELETE FROM articles WHERE id = ?", [aid])
            ids.remove(aid)


def _project(path: Path, seed: int, n: int = 8) -> tuple[Project, list[int]]:
    p = Project.open(path)
    ids = [p.add_article(Article(f"A{i}", _text(i) + f" {seed}"))[0] for i in range(n)]
    return p, ids


@pytest.mark.parametrize("seed", range(12))
def test_random_writes_keep_the_summaries_exact(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    p, ids = _project(tmp_path / "p.db", seed)
    try:
        check(p)
        for i in range(60):
            _random_step(p, rng, ids)
            if i % 6 == 5:
                check(p)
        check(p)
        assert not summary.pending(p.db.conn)  # every write refreshed them
    finally:
        p.close()


def test_agree_then_disagree_then_agree(tmp_path: Path) -> None:
    p, ids = _project(tmp_path / "p.db", 0, 2)
    aid = ids[0]
    q = Quote(((0, 5),), kind="direct", speaker_name="Lee", stance="support", status="accepted")
    a = p.add_annotation(aid, "alice", q)
    alone = queries.filter_article_ids(p, "alice", "disagreement")
    assert alone == set()  # nobody to differ from
    b = p.add_annotation(aid, "bob", q.with_(annotator="bob", status="pending"))
    assert queries.filter_article_ids(p, "alice", "disagreement") == {aid}  # bob not accepted
    p.update_annotation(b, q.with_(annotator="bob"))
    assert queries.filter_article_ids(p, "alice", "disagreement") == set()
    p.update_annotation(a, q.with_(stance_target="budget"))
    assert queries.filter_article_ids(p, "alice", "disagreement") == {aid}
    c = p.add_annotation(aid, "carol", q.with_(annotator="carol", kind="mixed"))
    assert queries.filter_article_ids(p, "alice", "disagreement") == {aid}
    p.delete_annotation(a)  # undo: bob and carol still differ
    assert queries.filter_article_ids(p, "alice", "disagreement") == {aid}
    p.delete_annotation(c)  # bob alone: nobody to differ from
    assert queries.filter_article_ids(p, "alice", "disagreement") == set()
    check(p)
    p.close()


def test_bulk_import_and_project_merge(tmp_path: Path) -> None:
    rng = random.Random(7)
    p, ids = _project(tmp_path / "p.db", 1)
    for aid in ids:
        p.set_suggestions(aid, "v1", [_quote(rng, status="pending") for _ in range(3)])
    # the import's two bulk paths: quote rows, then quotes linked to suggestions
    with p.batch():
        bulk.add_quote_rows(p, [(aid, "alice", quote_row(_quote(rng))) for aid in ids])
    sugg = p.db.execute("SELECT id, article_id, content_spans FROM suggestions").fetchall()
    picked = [
        (
            int(aid),
            "bob",
            _quote(rng, content_spans=tuple(tuple(x) for x in json.loads(sp))),
            int(sid),
        )
        for sid, aid, sp in sugg[::2]
    ]
    bulk.add_annotations(p, picked)
    check(p)
    other, other_ids = _project(tmp_path / "o.db", 1)
    for aid in other_ids:
        other.add_annotation(aid, "bob", _quote(rng))
    other.close()
    merge_project(p, tmp_path / "o.db")
    check(p)
    assert queries.filter_article_ids(p, "bob", "disagreement")  # bob's merged quotes differ
    p.close()


def test_a_write_by_another_program_falls_back_to_the_straight_query(tmp_path: Path) -> None:
    """A write made outside the store (another program, the sqlite3 shell) leaves articles
    noted as changed: readers then compute the answers straight, and the next write of the
    store brings the summaries up to date."""
    rng = random.Random(3)
    p, ids = _project(tmp_path / "p.db", 2)
    for aid in ids[:4]:
        p.set_suggestions(aid, "v1", [_quote(rng, status="pending")])
    p.close()
    con = sqlite3.connect(tmp_path / "p.db")
    con.execute("DELETE FROM suggestions WHERE article_id = ?", [ids[0]])
    con.commit()
    con.close()
    p = Project.open(tmp_path / "p.db")
    assert summary.pending(p.db.conn)
    assert ids[0] not in queries.filter_article_ids(p, "alice", "undecided")
    check(p)
    p.add_annotation(ids[5], "alice", _quote(rng))
    assert not summary.pending(p.db.conn)
    check(p)
    p.close()


def test_the_migration_fills_the_summaries_of_an_older_project(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "old.db"
    p, ids = _project(path, 3)
    for _i in range(50):
        _random_step(p, rng, ids)
    p.close()
    con = sqlite3.connect(path)
    drop_summaries(con)
    # a file of that age has none of the later migrations either (0011: two indexes)
    con.executescript("DROP INDEX gold_quotes_source; DROP INDEX left_out_annotation;")
    con.execute(
        "DELETE FROM _sqlite_migrations WHERE name IN"
        " ('0010_article_summaries', '0011_annotation_references', '0012_summary_pairs')"
    )
    con.commit()
    con.close()
    with Project.open(path) as p:
        assert p.db.execute("SELECT count(*) FROM article_summary").fetchone()[0] == len(ids)
        assert not summary.pending(p.db.conn)
        check(p)
    assert list(tmp_path.glob("old.db.v*.bak"))


def test_hot_summary_queries_use_their_indexes(tmp_path: Path) -> None:
    """One pass over the summary rows (the answer may be every article), a primary-key probe
    of the annotator's row each; disagreement reads its partial index only."""
    p, _ids = _project(tmp_path / "p.db", 4)
    plans: dict[str, list[str]] = {}
    for label, sql in (
        ("undecided", queries.summary_filter_sql("undecided")),
        ("kind", queries.summary_filter_sql("kind")),
        ("confidence", queries.summary_filter_sql("confidence_below")),
        ("disagree", queries._DISAGREEING),
        ("quotes", counts._BY_QUOTES.format(way="DESC")),
    ):
        plans[label] = [
            str(r[3])
            for r in p.db.execute("EXPLAIN QUERY PLAN " + sql, {"ann": 1, "bit": 1, "limit": 0.5})
        ]
    for label in ("undecided", "kind", "confidence", "quotes"):
        assert any(
            "SEARCH m USING PRIMARY KEY (annotator_id=? AND article_id=?)" in line
            for line in plans[label]
        ), plans[label]
        assert not any(
            t in line for line in plans[label] for t in ("annotations", "suggestions")
        ), plans[label]
    assert any("article_summary_disagree" in line for line in plans["disagree"]), plans["disagree"]
    speaker = [
        str(r[3])
        for r in p.db.execute(
            "EXPLAIN QUERY PLAN " + queries._BY_SPEAKER, {"ann": 1, "sid": 1, "name": "Lee"}
        )
    ]
    assert any("USING INDEX suggestions_speaker" in line for line in speaker), speaker
    assert not any(re.match(r"SCAN (s|x)\b", line) for line in speaker), speaker
    # the refresh of one article's rows reads that article's quotes through indexes only
    # (a scan of every annotation made an accept cost 20 ms at 10,000 articles); the
    # quote tables go by these names or aliases there
    quote_tables = r"SCAN (annotations|suggestions|articles|x|s|a|b|ar)\b"
    # planned with the statistics of a large project (as a bench project has them):
    # 193,005 annotations and 239,014 suggestions over 10,000 articles, two annotators
    with p.transaction():
        p.db.execute("ANALYZE")
        p.db.execute("DELETE FROM sqlite_stat1")
        p.db.conn.executemany(
            "INSERT INTO sqlite_stat1 VALUES (?, ?, ?)",
            [
                ("articles", "sqlite_autoindex_articles_1", "10004 1"),
                ("suggestions", "suggestions_confidence", "239014 119507 24"),
                ("suggestions", "suggestions_article", "239014 24 24"),
                ("annotations", "annotations_suggestion", "193005 2"),
                ("annotations", "annotations_annotator", "193005 96503 25"),
                ("annotations", "annotations_spans", "193005 33 25 1"),
                ("annotations", "annotations_target", "193005 193005"),
                ("annotations", "annotations_speaker", "193005 193005 33"),
                ("annotations", "sqlite_autoindex_annotations_1", "193005 96503 1"),
            ],
        )
    # planned with them on this connection (opening the file again would remove them:
    # they are not ours, tester18 T14); what a read-only open of such a file plans with
    p.db.execute("ANALYZE sqlite_master")
    for sql in summary._REFRESH:
        for r in p.db.execute("EXPLAIN QUERY PLAN " + sql):
            assert not re.match(quote_tables, str(r[3])), (str(r[3]), sql)
    # and so does the refresh of one (annotator, article) pair (migration 0012): it reads
    # the noted pairs, never a pass over the articles (an IN over them walked all 10,000)
    params = {"ann": 1, "aid": 1, "ver": "v1", "kind": "direct"}
    for sql in (
        summary._PAIRS_TO_ARTICLES,
        summary._PAIRS,
        summary._MINE,
        summary._OPEN_DELTA,
        summary._OPEN_OF_KIND,
        summary._OPEN_MIN_OF_KIND,
        summary._DISAGREE_ONE_ARTICLE,
        *summary._LINKS,
    ):
        for r in p.db.execute("EXPLAIN QUERY PLAN " + sql, params if ":" in sql else {}):
            line = str(r[3])
            assert not re.match(quote_tables + r"|SCAN (article_summary|v)\b", line), (line, sql)
            # walking a list of noted rows (small tables) is what they are for
            noted = ("summary_dirty", "summary_changes")
            assert "FOR IN-OPERATOR" not in line or any(n in line for n in noted), (line, sql)
            # a Bloom filter is filled from a pass over its table
            assert "BLOOM FILTER" not in line, (line, sql)
    p.close()


def test_an_annotation_linked_to_another_articles_suggestion(tmp_path: Path) -> None:
    """The handled test of a suggestion looks for an annotation pointing at it anywhere
    (as the list counts do): writing that annotation refreshes the suggestion's article."""
    p, ids = _project(tmp_path / "p.db", 5, 3)
    (sid,) = p.set_suggestions(ids[0], "v1", [Quote(((0, 5),))])
    assert queries.filter_article_ids(p, "alice", "undecided") == {ids[0]}
    x = p.add_annotation(ids[1], "alice", Quote(((10, 15),), status="accepted"), suggestion_id=sid)
    assert queries.filter_article_ids(p, "alice", "undecided") == set()
    check(p)
    p.delete_annotation(x)
    assert queries.filter_article_ids(p, "alice", "undecided") == {ids[0]}
    check(p)
    p.close()


@pytest.mark.parametrize("column", [0, 1, 2])
@pytest.mark.parametrize("descending", [False, True])
def test_sorts_by_title_publisher_and_date_walk_an_index(
    tmp_path: Path, column: int, descending: bool
) -> None:
    """No sort of every article's row: the index on the sort key is read in order (ties
    by id, as the index keeps them), and the order is the one asked."""
    p = Project.open(tmp_path / "p.db")
    metas = [{"publisher": "Wire", "date": "2020-01-02"}, {"date": "2019-05-01"}, {}]
    for i, title in enumerate(["beta", "Alpha", "", "alpha", "Gamma", "beta"]):
        p.add_article(Article(title or "untitled", _text(i), metas[i % 3]))
    recorded: list[str] = []
    p.db.conn.set_trace_callback(recorded.append)
    got = queries.article_order(p, "alice", column, descending)
    p.db.conn.set_trace_callback(None)
    (sql,) = [s for s in recorded if "ORDER BY" in s]
    plan = [str(r[3]) for r in p.db.execute("EXPLAIN QUERY PLAN " + sql)]
    assert not any("TEMP B-TREE" in line for line in plan), plan
    assert any("_order" in line for line in plan), plan
    rows = {r[0]: r[1:] for r in p.db.execute("SELECT id, title, meta FROM articles")}

    def key(aid: int) -> tuple[str, int]:
        title, meta = rows[aid]
        meta = json.loads(meta)
        value = (title, meta.get("publisher", ""), meta.get("date", ""))[column]
        return (value.lower() if column < 2 else value, aid)

    assert got == sorted(rows, key=key, reverse=descending)
    p.close()
