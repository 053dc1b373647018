"""Scale (issue 16): the detections table, the paged article list and the query plans of
the hot paths (window start, next article, accept key). Sizes here are small; the figures
at 1k/10k/100k articles come from bench/bench_scale.py."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.session import Session
from annotator.store import counts, queries
from annotator.store.db import known_migration_names
from annotator.store.project import Project

TEXT = (
    'Rain ahead\n\n"Bring an umbrella," the forecaster said. '
    '"It will pour all week," she added. Officials said roads may close.'
)


def _q(sub: str, **kw: object) -> Quote:
    a = TEXT.index(sub)
    return Quote(content_spans=((a, a + len(sub)),), kind="direct", **kw)  # type: ignore[arg-type]


def _fill(p: Project, n: int) -> list[int]:
    """``n`` articles, each with three suggestions; alice handles some of them."""
    ids = []
    for i in range(n):
        aid, _ = p.add_article(Article(f"Rain {i}", f"{TEXT}\n\nCopy {i}.", {"publisher": "P"}))
        sids = p.set_suggestions(
            aid,
            "v1",
            [_q("Bring an umbrella,"), _q("It will pour all week,"), _q("roads may close")],
        )
        if i % 3 == 0:
            p.add_annotation(aid, "alice", _q("Bring an umbrella,", status="accepted"), sids[0])
        if i % 3 == 1:  # same spans, no suggestion link: still counts as handled
            p.add_annotation(aid, "alice", _q("It will pour all week,", status="rejected"))
        ids.append(aid)
    return ids


@pytest.fixture(params=["new", "foreign statistics"])
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Project:
    """A new project; or one whose file held another program's misleading planner
    statistics (tester18 T14), which the open removes: the plans must be the same."""
    if request.param == "foreign statistics":
        from tests.store.test_planner_statistics import tamper

        Project.open(tmp_path / "p.db").close()
        assert tamper(tmp_path / "p.db") > 5
    p = Project.open(tmp_path / "p.db")
    assert p.open_note.startswith("Removed") == (request.param == "foreign statistics")
    yield p  # type: ignore[misc]
    p.close()


# -- detections --------------------------------------------------------------------------------


def test_detection_with_no_quote_is_remembered(project: Project) -> None:
    a, _ = project.add_article(Article("One", "Nothing quoted here."))
    b, _ = project.add_article(Article("Two", TEXT))
    project.set_suggestions(a, "v1", [])
    assert project.articles_without_suggestions("v1") == [b]
    assert set(project.detections(a)) == {"v1"}
    assert project.detections(b) == {}
    project.set_suggestions(b, "v1", [_q("roads may close")])
    assert project.articles_without_suggestions("v1") == []
    # another version has run nowhere
    assert project.articles_without_suggestions("v2") == [a, b]
    rows = project.db.execute(
        "SELECT article_id, detector_version FROM detections ORDER BY article_id"
    ).fetchall()
    assert rows == [(a, "v1"), (b, "v1")]


def test_rerun_updates_the_detection_time_not_the_row_count(project: Project) -> None:
    a, _ = project.add_article(Article("One", TEXT))
    project.set_suggestions(a, "v1", [])
    first = project.detections(a)["v1"]
    project.set_suggestions(a, "v1", [_q("roads may close")])
    assert project.detections(a)["v1"] > first
    assert project.db.execute("SELECT count(*) FROM detections").fetchone()[0] == 1


def test_deleting_an_article_drops_its_detections(project: Project) -> None:
    a, _ = project.add_article(Article("One", TEXT))
    project.set_suggestions(a, "v1", [_q("roads may close")])
    with project.transaction():
        project.db.execute("DELETE FROM articles WHERE id = ?", [a])
    assert project.db.execute("SELECT count(*) FROM detections").fetchone()[0] == 0


def drop_summaries(con: sqlite3.Connection) -> None:
    """Undo migrations 0010 and 0012 (the article summaries: tables, their indexes,
    triggers)."""
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'summary_%'"
    ).fetchall():
        con.execute(f"DROP TRIGGER {name}")
    con.executescript(
        "DROP TABLE article_summary; DROP TABLE annotator_summary; DROP TABLE summary_dirty;"
        " DROP INDEX articles_title_order; DROP INDEX articles_publisher_order;"
        " DROP INDEX articles_date_order; DROP INDEX suggestions_speaker;"
        # 0012_summary_pairs
        " DROP TABLE IF EXISTS summary_pairs; DROP TABLE IF EXISTS summary_links;"
        " DROP TABLE IF EXISTS summary_changes;"
        " DROP INDEX IF EXISTS suggestions_spans; DROP INDEX IF EXISTS suggestions_open;"
    )


def _downgrade(path: Path) -> None:
    """Make ``path`` look like a file written before the detections migration (and the
    ones after it)."""
    names = known_migration_names()
    later = names[next(i for i, n in enumerate(names) if "detections" in n) :]
    con = sqlite3.connect(path)
    con.executescript(
        "DROP TABLE detections; DROP INDEX article_progress_recent;"
        " DROP INDEX annotations_spans; DROP INDEX annotations_annotator;"
        # 0007_learning
        " DROP TABLE article_uncertainty; DROP INDEX annotations_suggestion;"
        # 0008_one_article_index
        " CREATE INDEX annotations_article ON annotations(article_id, annotator_id);"
        # 0009_reviews_by_reviewer
        " DROP INDEX reviews_reviewer;"
        # 0011_annotation_references
        " DROP INDEX gold_quotes_source; DROP INDEX left_out_annotation;"
    )
    drop_summaries(con)  # 0010_article_summaries
    con.executemany("DELETE FROM _sqlite_migrations WHERE name = ?", [(n,) for n in later])
    con.commit()
    con.close()


def test_migration_backfills_from_suggestions_and_change_log(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Project.open(path) as p:
        with_quotes, _ = p.add_article(Article("One", TEXT))
        empty, _ = p.add_article(Article("Two", "Nothing quoted here."))
        never, _ = p.add_article(Article("Three", "Not detected yet."))
        gone, _ = p.add_article(Article("Four", "Deleted later."))
        p.set_suggestions(with_quotes, "v1", [_q("roads may close")])
        p.set_suggestions(empty, "v1", [])  # only the change log says it ran
        p.set_suggestions(empty, "v0", [])
        p.set_suggestions(gone, "v1", [])
        with p.transaction():
            p.db.execute("DELETE FROM articles WHERE id = ?", [gone])
    _downgrade(path)
    with Project.open(path) as p:
        rows = p.db.execute(
            "SELECT article_id, detector_version FROM detections ORDER BY 1, 2"
        ).fetchall()
        assert rows == [(with_quotes, "v1"), (empty, "v0"), (empty, "v1")]
        assert p.articles_without_suggestions("v1") == [never]
    # the file was backed up before the upgrade
    assert list(tmp_path.glob("old.db.v*.bak"))


# -- the paged article list --------------------------------------------------------------------


@pytest.mark.parametrize("page", [1, 2, 3, 7, 50])
def test_pages_add_up_to_the_whole_list(project: Project, page: int) -> None:
    _fill(project, 7)
    # a gap in the ids: pages are id ranges, not offsets
    with project.transaction():
        project.db.execute("DELETE FROM articles WHERE id = 4")
    whole = queries.article_rows(project, "alice")
    got: list[counts.ArticleRow] = []
    after = -1
    while True:
        rows = queries.article_page(project, "alice", after, page)
        if not rows:
            break
        assert len(rows) <= page
        got += rows
        after = rows[-1].id
    assert got == whole
    assert [r.id for r in got] == [1, 2, 3, 5, 6, 7]
    # the counts are the per-article ones
    for r in got:
        assert r == queries.article_row(project, r.id, "alice")


def test_open_suggestion_counts_by_link_and_by_spans(project: Project) -> None:
    ids = _fill(project, 3)
    rows = {r.id: r for r in queries.article_rows(project, "alice")}
    # linked annotation, same-span annotation, nothing handled
    assert [rows[i].quotes_total for i in ids] == [3, 3, 3]
    assert [rows[i].quotes_done for i in ids] == [1, 1, 0]
    assert [r.quotes_total for r in queries.article_rows(project, "bob")] == [3, 3, 3]
    assert queries.totals(project, "alice") == counts.Totals(0, 3, 2, 9)


# -- query plans of the hot paths ---------------------------------------------------------------

_BIG = ("articles", "annotations", "suggestions", "changelog", "detections", "article_progress")


def _capture(project: Project, work: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    project.db.conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        project.db.conn.set_trace_callback(None)
    return [
        s
        for s in seen
        if s.lstrip().upper().startswith(("SELECT", "WITH"))
        and "sqlite_master" not in s
        and "PRAGMA" not in s.upper()
    ]


def _scans(project: Project, sql: str) -> list[str]:
    """Plan lines that read a whole table of the project (SCAN of a big table)."""
    aliases = {}
    for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql, re.I):
        if table in _BIG and alias:
            aliases[alias] = table
    out = []
    for row in project.db.execute("EXPLAIN QUERY PLAN " + sql):
        detail = str(row[3])
        m = re.match(r"SCAN (\w+)", detail)
        # a SCAN reads every row (or every index entry) of the table, index or not
        if m and (m.group(1) in _BIG or m.group(1) in aliases):
            out.append(detail)
    return out


def test_hot_paths_use_indexes(project: Project) -> None:
    ids = _fill(project, 30)
    project.set_progress(ids[5], "alice", "in_progress")
    session = Session(project, "alice")

    def window_start() -> None:
        queries.article_page(project, "alice", -1, 10)
        queries.article_page(project, "alice", ids[9], 10)
        # the lazy list's pages, in any order (a sort or filter gives ids out of id order)
        assert [r.id for r in queries.article_rows_for(project, "alice", ids[:10])] == ids[:10]
        assert [r.id for r in queries.article_rows_for(project, "alice", [ids[20], ids[3]])] == [
            ids[20],
            ids[3],
        ]
        point = queries.resume_point(project, "alice")
        assert point is not None
        assert project.existing_article_ids([point[0], 10**6]) == {point[0]}
        session.open_article(point[0])

    def next_article() -> None:
        session.open_article(ids[6])
        queries.article_row(project, ids[6], "alice")

    def accept() -> None:
        op = session.plan_accept()
        assert op is not None
        session.apply(op)
        queries.article_row(project, ids[6], "alice")

    for name, work in (("start", window_start), ("next", next_article), ("accept", accept)):
        statements = _capture(project, work)
        assert statements, name
        for sql in statements:
            assert _scans(project, sql) == [], f"{name}: {sql}"


def _plan(project: Project, sql: str, *args: object) -> list[str]:
    return [str(r[3]) for r in project.db.execute("EXPLAIN QUERY PLAN " + sql, args)]


def test_article_queries_use_the_spans_index_once_the_short_one_is_gone(
    project: Project,
) -> None:
    """``annotations_article`` was dropped (0008): its columns lead ``annotations_spans``,
    which the per-article reads now search (import duplicate check, the article's quotes,
    one annotator's quotes of an article, the article list's counts)."""
    ids = _fill(project, 5)
    names = {r[0] for r in project.db.execute("SELECT name FROM sqlite_master")}
    assert "annotations_article" not in names and "annotations_spans" in names
    statements = _capture(project, lambda: project.annotation_span_keys(ids[1]))
    statements += _capture(project, lambda: queries.article_row(project, ids[1], "alice"))
    statements += [
        "SELECT id FROM annotations WHERE article_id = ?",
        "SELECT id, content_spans FROM annotations WHERE article_id = ? AND annotator_id = ?",
        "SELECT count(*) FROM annotations WHERE article_id = ? AND annotator_id = ?"
        " AND content_spans = ?",
    ]
    searched = 0
    for sql in statements:
        if "annotations" not in sql or sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            continue
        args = [ids[1], 1, "[]"][: sql.count("?")]
        plan = _plan(project, sql, *args)
        assert not any("annotations_article" in line for line in plan), sql
        assert _scans(project, sql.replace("?", "1")) == [], sql
        if any(
            re.match(r"SEARCH a(nnotations)? USING (COVERING )?INDEX annotations_spans", p)
            for p in plan
        ):
            searched += 1
    assert searched >= 4


def test_plan_checker_sees_a_full_scan(project: Project) -> None:
    _fill(project, 3)
    sql = "SELECT count(*) FROM annotations WHERE note = 'x'"
    assert _scans(project, sql)
    assert _scans(project, "SELECT a.id FROM articles a WHERE a.title = 'x'")
    assert _scans(project, "SELECT count(*) FROM annotations x")  # an index scan is a scan
    assert not _scans(project, "SELECT title FROM articles WHERE id = 1")
    # the query the detections table replaced read the whole change log
    old = (
        "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM changelog c"
        " WHERE c.action = 'detect' AND c.entity_id = a.id"
        " AND json_extract(c.payload, '$.version') = 'v1')"
    )
    assert "SCAN c" in _scans(project, old)


def test_undetected_articles_probe_the_detections_index(project: Project) -> None:
    _fill(project, 3)
    plan = [
        str(r[3])
        for r in project.db.execute(
            "EXPLAIN QUERY PLAN SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM"
            " detections d WHERE d.article_id = a.id AND d.detector_version = 'v1') ORDER BY a.id"
        )
    ]
    # one pass over the article ids (the answer may be all of them), an index probe each,
    # and no change log at all
    assert any("detections" in p or "PRIMARY KEY" in p for p in plan if p.startswith("SEARCH"))
    assert not any("changelog" in p for p in plan)


# -- one change-log row per import batch --------------------------------------------------------


def _log_rows(p: Project) -> list[tuple[str, str, dict[str, object]]]:
    import json

    return [
        (a, e, json.loads(pl))
        for a, e, pl in p.db.execute("SELECT action, entity, payload FROM changelog ORDER BY id")
    ]


def test_logged_batch_writes_one_row_with_the_ids(project: Project) -> None:
    with project.logged_batch("import", "file", {"source": "x.jsonl"}, "imp"):
        a, _ = project.add_article(Article("One", TEXT))
        b, _ = project.add_article(Article("Two", TEXT + " More."))
        n1 = project.add_annotation(a, "alice", _q("roads may close"))
        n2 = project.add_annotation(b, "bob", _q("roads may close"))
    rows = _log_rows(project)
    assert len(rows) == 1
    action, entity, payload = rows[0]
    assert (action, entity, payload["source"]) == ("import", "file", "x.jsonl")
    assert payload["import article"] == [a, b]
    assert payload["add annotation"] == [n1, n2]
    alice, bob = project.annotator_id("alice"), project.annotator_id("bob")
    assert payload["add annotator"] == [alice, bob]
    # outside a batch every action logs its own row again
    project.add_annotation(a, "alice", _q("Bring an umbrella,"))
    assert len(_log_rows(project)) == 2


def test_a_failed_action_inside_a_batch_leaves_no_id(project: Project) -> None:
    with project.logged_batch("import", "file"):
        a, _ = project.add_article(Article("One", TEXT))
        with pytest.raises(sqlite3.IntegrityError):
            # a new annotator, then a broken row: both roll back
            project.add_annotation(a, "carol", _q("roads may close"), suggestion_id=999)
        kept = project.add_annotation(a, "alice", _q("roads may close"))
    [(_, _, payload)] = _log_rows(project)
    assert payload["add annotation"] == [kept]
    assert payload["add annotator"] == [project.annotator_id("alice")]
    assert project.annotators() == ["alice"]


def test_a_failed_batch_logs_nothing(project: Project) -> None:
    with pytest.raises(RuntimeError), project.logged_batch("import", "file"):
        project.add_article(Article("One", TEXT))
        raise RuntimeError("disk full")
    assert _log_rows(project) == []
    assert project.count_articles() == 0
    # and the next batch starts clean
    with project.logged_batch("import", "file"):
        a, _ = project.add_article(Article("Two", TEXT))
    assert [r[2]["import article"] for r in _log_rows(project)] == [[a]]


def test_jsonl_import_logs_per_batch_not_per_quote(project: Project, tmp_path: Path) -> None:
    import json

    from annotator.services.importing import import_paths

    src = tmp_path / "in.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(3):
            a = TEXT.index("Bring")
            quotes = [{"content_spans": [[a, a + 18]], "kind": "direct", "annotator": "ann"}]
            fh.write(json.dumps({"title": f"T{i}", "text": f"{TEXT} {i}", "quotes": quotes}))
            fh.write("\n")
    report = import_paths(project, [src], annotator="imp")
    assert report.files[0].articles_added == 3 and report.files[0].quotes_added == 3
    rows = _log_rows(project)
    # one row per commit of the import (it commits every ~50 ms), none per quote
    assert 1 <= len(rows) <= 3
    assert {(a, e) for a, e, _ in rows} == {("import", "batch")}
    articles = [i for _, _, pl in rows for i in pl.get("import article", [])]  # type: ignore[attr-defined]
    annotations = [i for _, _, pl in rows for i in pl.get("add annotation", [])]  # type: ignore[attr-defined]
    assert sorted(articles) == project.article_ids()
    stored = [r[0] for r in project.db.execute("SELECT id FROM annotations ORDER BY id")]
    assert annotations == stored


@pytest.mark.parametrize("suggestions", [3, 40, 300])
def test_a_list_row_looks_up_the_newest_run_once_per_article(
    project: Project, suggestions: int
) -> None:
    """The list row counts the open suggestions of the article's newest detector run. The
    newest run was looked up once per suggestion (a sort of the article's suggestions
    each time: 0.6 s per accept on a 1,000-quote article, issue 16); now once per article,
    and the suggestions are searched by (article, version)."""
    text = " ".join(f"Word{k} said." for k in range(suggestions))
    aid, _ = project.add_article(Article("Many", text))
    starts = [text.index(f"Word{k} ") for k in range(suggestions)]
    project.set_suggestions(aid, "old 1", [Quote(((a, a + 4),)) for a in starts[:2]])
    sids = project.set_suggestions(aid, "new 2", [Quote(((a, a + 5),)) for a in starts])
    accepted = project.suggestions(aid, "new 2")[0].quote
    project.add_annotation(aid, "alice", replace(accepted, status="accepted"), sids[0])
    row = queries.article_row(project, aid, "alice")
    # the newest run's suggestions, the handled one counted once (as alice's annotation)
    assert (row.quotes_total, row.quotes_done, row.n_accepted) == (suggestions, 1, 1)
    (sql,) = [
        s
        for s in _capture(project, lambda: queries.article_row(project, aid, "alice"))
        if "suggestions" in s
    ]
    plan = [
        str(r[3])
        for r in project.db.execute(
            "EXPLAIN QUERY PLAN " + sql, {"ann": 1, "ids": json.dumps([aid])}
        )
    ]
    # suggestions_article, or one of the longer indexes of migration 0012 that start the same
    wanted = re.compile(
        r"SEARCH s USING (COVERING )?INDEX suggestions_(article|open|spans)"
        r" \(article_id=\? AND detector_version=\?\)"
    )
    assert any(wanted.fullmatch(line) for line in plan), plan


# -- the project's totals ----------------------------------------------------------------------


def _summed(project: Project, annotator: str | None) -> counts.Totals:
    """The totals as the sums of the list's rows (what the window's status bar must show)."""
    rows = queries.article_rows(project, annotator)
    return counts.Totals(
        sum(r.status == "done" for r in rows),
        len(rows),
        sum(r.quotes_done for r in rows),
        sum(r.quotes_total for r in rows),
    )


def test_totals_are_the_sums_of_the_list_rows(project: Project) -> None:
    ids = _fill(project, 7)
    # an older run's suggestions do not count once a newer run exists
    project.set_suggestions(ids[2], "v2", [_q("roads may close")])
    # two annotations on one suggestion, one of them by spans only
    sid = project.suggestions(ids[3])[1].id
    project.add_annotation(ids[3], "alice", _q("It will pour all week,", status="pending"), sid)
    project.add_annotation(ids[3], "alice", _q("It will pour all week,", status="accepted"))
    # an annotation of alice's own, matching no suggestion
    project.add_annotation(ids[4], "alice", _q("Officials said", status="accepted"))
    # an article with no suggestions at all, annotated by bob only
    bare, _ = project.add_article(Article("Bare", TEXT, {}))
    project.add_annotation(bare, "bob", _q("Bring an umbrella,", status="rejected"))
    project.set_progress(ids[0], "alice", "done")
    project.set_progress(bare, "bob", "done")
    for who in ("alice", "bob", "carol", None):
        assert queries.totals(project, who) == _summed(project, who), who
    assert queries.totals(project, "alice").quotes == _summed(project, "alice").quotes > 0


def test_totals_read_no_suggestion_row_of_an_untouched_article(project: Project) -> None:
    """The open suggestions are counted in the index alone except in the articles the
    annotator has annotations in: no plan line searches suggestions outside those."""
    _fill(project, 3)
    ann = project.annotator_id("alice")
    plan = [
        str(r[3]) for r in project.db.execute("EXPLAIN QUERY PLAN " + counts._TOTALS, {"ann": ann})
    ]
    whole = [line for line in plan if line.startswith("SEARCH s ") or line.startswith("SCAN s")]
    # the newest-run count reads the covering index; the handled count follows `touched`
    assert any("COVERING INDEX suggestions_article" in line for line in whole), plan
    assert not any(line.startswith("SCAN suggestions ") and "COVERING" not in line for line in plan)
    assert "MATERIALIZE touched" in plan


def test_review_window_reads_use_indexes(project: Project) -> None:
    """The review list's page of labels (titles, versions, gold, left out, statuses) and
    the annotators offered probe indexes; the reviewer's gold articles are found from the
    reviewer's reviews (``reviews_reviewer``), not by reading every gold quote."""
    from annotator.services.adjudication import ReviewSession

    ids = _fill(project, 12)
    for aid in ids[:6]:
        project.add_annotation(aid, "bob", _q("Bring an umbrella,", status="accepted"))
    session = ReviewSession(project, "rita", ["alice", "bob"])
    session.accept_agreements(ids[0])
    session.set_done(ids[0])

    def page() -> None:
        assert session.available_annotators() == ["alice", "bob"]
        labels = session.labels(ids[:6])
        assert [(lab.id, lab.decided, lab.status) for lab in labels][:2] == [
            (ids[0], 1, "done"),
            (ids[1], 0, "new"),
        ]

    statements = _capture(project, page)
    assert any("FROM reviews" in s for s in statements)
    for sql in statements:
        assert _scans(project, sql) == [], sql
        for line in _plan(project, sql.replace("?", "1")):
            assert not re.match(r"SCAN (g|gold_quotes|r|reviews|l|left_out)\b", line), sql
    (listed,) = _capture(project, session.article_ids)
    plan = _plan(project, listed)
    assert "SEARCH r USING COVERING INDEX reviews_reviewer (reviewer=?)" in plan
    assert not any(re.match(r"SCAN (g|gold_quotes)\b", line) for line in plan)
    assert session.article_ids()[0] == ids[0]


def test_deleting_an_annotation_checks_its_references_by_index(project: Project) -> None:
    """The undo of an accept deletes the annotation: the foreign keys pointing at it (gold
    quotes, left-out rows) are checked through indexes, not a read of every row (0011); a
    gold quote made from it keeps its quote and loses the link, a left-out mark goes."""
    from annotator.store.review import GoldState, ReviewStore

    ids = _fill(project, 6)
    aid = ids[4]
    session = Session(project, "alice")
    session.open_article(aid)
    op = session.plan_accept()
    assert op is not None
    undo = session.apply(op)
    cur = session.current
    assert cur is not None and cur.annotation_id is not None
    ann = cur.annotation_id
    reviews = ReviewStore(project)
    gid = reviews.put_gold(aid, "rita", ["alice"], GoldState(cur.quote, "agreed", ann))
    reviews.set_left_out(aid, "rita", ["alice"], [ann], True)
    plan = _plan(project, "DELETE FROM annotations WHERE id = ?", ann)
    assert not [p for p in plan if p.startswith("SCAN")], plan
    assert any("gold_quotes_source" in p for p in plan), plan
    assert any("left_out_annotation" in p for p in plan), plan
    session.apply(undo)  # the undo deletes the annotation
    assert (
        project.db.execute("SELECT count(*) FROM annotations WHERE id = ?", [ann]).fetchone()[0]
        == 0
    )
    gold = reviews.gold_quote(gid)
    assert gold is not None and gold.state.source_annotation_id is None
    assert gold.state.quote.content_spans == cur.quote.content_spans
    assert reviews.left_out(aid, "rita") == set()


def test_the_lists_ids_are_every_article_in_id_order(project: Project) -> None:
    """The ids the window lists at start (read from an index in its own order): every
    article once, ascending, none of a deleted one; none in an empty project."""
    assert queries.article_ids(project) == []
    ids = _fill(project, 5)
    # dates that sort against the ids, so the index read comes back in another order
    for i, aid in enumerate(ids):
        project.db.execute(
            "UPDATE articles SET meta = json_set(meta, '$.date', ?) WHERE id = ?",
            [f"2020-01-{30 - i:02d}", aid],
        )
    with project.transaction():
        project.db.execute("DELETE FROM articles WHERE id = ?", [ids[2]])
    assert queries.article_ids(project) == [ids[0], ids[1], ids[3], ids[4]]
