"""Stance targets (issue 10): project default, per article, per quote; stored, exported by
every format, read back by every importer, and part of the reviewer's differences."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from sqlite_utils import Database

from annotator.core.agreement import describe_differences
from annotator.core.model import Article, Quote, effective_target, with_target
from annotator.core.text import normalise_text
from annotator.services.adjudication import ReviewSession
from annotator.services.export import ExportOptions, export_project
from annotator.services.importing import import_paths
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.store.schema import known_migration_names, migrations

TEXT = normalise_text(
    "Toll row 🌉\r\n\r\n"
    '"The toll must go," the mayor said.\r\n'
    "Drivers\u00a0said fares were too high, according to a union.\r\n"
    "Ferry crews said nothing."
)
OTHER = 'Talks resume. "We will talk," Lee said.'


def sp(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def fill(p: Project) -> tuple[int, int]:
    """Default "inter-Korean dialogue"; article 1 about "bridge toll" with a quote on its own
    target, one inheriting the article's, one without stance; article 2 inherits the default."""
    p.set_setting("stance_target", "inter-Korean dialogue")
    a1, _ = p.add_article(Article("Toll row", TEXT, {"publisher": "Post"}, "toll-1"))
    a2, _ = p.add_article(Article("Talks", OTHER, {}, "talks-1"))
    p.set_article_target(a1, "bridge toll")
    base = {"annotator": "alice", "status": "accepted", "origin": "manual"}
    p.add_annotation(
        a1,
        "alice",
        Quote(
            (sp('"The toll must go,"'),),
            speaker_spans=(sp("the mayor"),),
            cue_spans=(sp("said"),),
            speaker_text="the mayor",
            kind="direct",
            stance="oppose",
            stance_target="  ferry fares ",
            **base,  # type: ignore[arg-type]
        ),
    )
    p.add_annotation(
        a1,
        "alice",
        Quote((sp("fares were too high"),), kind="indirect", stance="support", **base),  # type: ignore[arg-type]
    )
    p.add_annotation(a1, "alice", Quote((sp("nothing"),), kind="indirect", **base))  # type: ignore[arg-type]
    p.add_annotation(
        a2,
        "alice",
        Quote((sp('"We will talk,"', OTHER),), kind="direct", stance="support", **base),  # type: ignore[arg-type]
    )
    return a1, a2


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    fill(p)
    yield p
    p.close()


EXPECTED = ["ferry fares", "bridge toll", None, "inter-Korean dialogue"]


def test_resolution_rules() -> None:
    assert effective_target(None, " ", "default") == "default"
    assert effective_target("own", "article", "default") == "own"
    assert effective_target(None, "article", "default") == "article"
    assert effective_target(None, None, "") is None
    q = Quote(((0, 1),), stance="support")
    assert with_target(q, "article", "d").stance_target == "article"
    assert with_target(q.with_(stance=None), "article", "d").stance_target is None
    assert with_target(q.with_(stance_target="own"), "a", "d").stance_target == "own"


def test_stored_rows_keep_own_target_and_article_target(project: Project) -> None:
    rows = project.db.execute(
        "SELECT stance, stance_target FROM annotations ORDER BY id"
    ).fetchall()
    # stored as given (stripped); inherited targets are not copied into rows by the store
    assert rows == [("oppose", "ferry fares"), ("support", None), (None, None), ("support", None)]
    assert project.db.execute("SELECT stance_target FROM articles ORDER BY id").fetchall() == [
        ("bridge toll",),
        (None,),
    ]
    assert project.stance_targets_used()[:3] == [
        "inter-Korean dialogue",
        "bridge toll",
        "ferry fares",
    ]
    # an article target is logged and can be cleared
    assert project.set_article_target(1, "  ") == "bridge toll"
    assert project.article(1).stance_target is None


def test_every_export_writes_the_target(project: Project, tmp_path: Path) -> None:
    export_project(project, ExportOptions("csv", tmp_path / "q.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "q.csv").read_text("utf-8"), newline="")))
    assert [r["stance_target"] or None for r in rows] == EXPECTED

    export_project(project, ExportOptions("jsonl", tmp_path / "q.jsonl"))
    lines = [json.loads(x) for x in (tmp_path / "q.jsonl").read_text("utf-8").splitlines()]
    assert [q["stance_target"] for a in lines for q in a["quotes"]] == EXPECTED
    assert (
        b'"stance": "oppose", "stance_target": "ferry fares"' in (tmp_path / "q.jsonl").read_bytes()
    )

    export_project(project, ExportOptions("prodigy", tmp_path / "t.jsonl"))
    tasks = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text("utf-8").splitlines()]
    got = [q.get("stance_target") for t in tasks for q in t["meta"]["quotes"]]
    assert got == EXPECTED

    export_project(project, ExportOptions("spacy", tmp_path / "d.spacy"))
    docs = list(DocBin().from_disk(tmp_path / "d.spacy").get_docs(spacy.blank("en").vocab))
    meta = [q["stance_target"] for d in docs for q in d.user_data["quote_annotator"]["quotes"]]
    assert meta == EXPECTED
    first_quote = docs[0].spans["quotes"][0]
    assert first_quote._.stance_target == "ferry fares"
    assert docs[1].spans["quotes"][0]._.stance_target == "inter-Korean dialogue"

    export_project(project, ExportOptions("brat", tmp_path / "brat"))
    ann = next((tmp_path / "brat").glob("*toll*.ann")).read_text("utf-8")
    notes = [json.loads(line.split("\t")[2]) for line in ann.splitlines() if line.startswith("#")]
    assert [n.get("stance_target") for n in notes] == ["ferry fares", "bridge toll", None]


@pytest.mark.parametrize(
    ("fmt", "name"), [("jsonl", "q.jsonl"), ("prodigy", "t.jsonl"), ("brat", "brat")]
)
def test_round_trip_is_byte_identical_and_reads_targets_back(
    project: Project, tmp_path: Path, fmt: str, name: str
) -> None:
    first = tmp_path / "one" / name
    first.parent.mkdir()
    export_project(project, ExportOptions(fmt, first))
    with Project.open(tmp_path / "fresh.db") as fresh:  # no project default here
        report = import_paths(fresh, [first])
        assert not report.failed, report.lines()
        stored = fresh.db.execute(
            "SELECT stance_target FROM annotations ORDER BY article_id, id"
        ).fetchall()
        assert sorted(stored, key=str) == sorted([(t,) for t in EXPECTED], key=str)
        second = tmp_path / "two" / name
        second.parent.mkdir()
        export_project(fresh, ExportOptions(fmt, second))
    if fmt == "brat":
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        for f in names:
            assert (first / f).read_bytes() == (second / f).read_bytes(), f
    else:
        assert first.read_bytes() == second.read_bytes()


def test_import_rejects_a_target_that_is_not_text(tmp_path: Path) -> None:
    bad = {"text": "A said B.", "quotes": [{"content_spans": [[0, 1]], "stance_target": 3}]}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [path])
        assert "stance target must be text" in "\n".join(report.lines())
        assert p.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_session_stores_the_target_shown_when_the_stance_is_given(project: Project) -> None:
    s = Session(project, "bob")
    s.open_article(1)
    assert s.inherited_target() == "bridge toll"
    s.select_at(sp("fares")[0] + 1)  # no own annotation of bob: the suggestion-less text
    s.run(s.plan_add(*sp("Ferry crews said nothing")))
    assert s.current is not None and s.stance_target() == "bridge toll"
    s.run(s.plan_stance("support"))
    mine = project.annotations(1, "bob")
    assert [(r.quote.stance, r.quote.stance_target) for r in mine] == [("support", "bridge toll")]
    # a later change of the article target does not re-aim the stance already given
    undo = s.run(s.plan_article_target("ferry fares"))
    assert project.article(1).stance_target == "ferry fares"
    assert project.annotations(1, "bob")[0].quote.stance_target == "bridge toll"
    s.run(undo)
    assert project.article(1).stance_target == "bridge toll"
    # the quote's own target, then back to inheriting
    s.run(s.plan_stance_target(" dam levy "))
    assert project.annotations(1, "bob")[0].quote.stance_target == "dam levy"
    assert s.plan_stance_target("dam levy") is None
    s.run(s.plan_stance_target(""))
    assert project.annotations(1, "bob")[0].quote.stance_target is None
    assert s.stance_target() == "bridge toll"


def test_review_says_when_stances_are_on_different_targets() -> None:
    a = Quote(((0, 5),), stance="support", stance_target="bridge toll")
    assert describe_differences(
        a, a.with_(stance="oppose", stance_target="ferry fares"), "x" * 9
    ) == ["stance support vs oppose on different targets (bridge toll vs ferry fares)"]
    assert describe_differences(a, a.with_(stance="oppose"), "x" * 9) == [
        "stance support vs oppose"
    ]
    assert describe_differences(a, a.with_(stance_target=None), "x" * 9) == [
        "same stance support on different targets (bridge toll vs no target)"
    ]
    assert (
        describe_differences(a.with_(stance=None, stance_target="t"), a.with_(stance=None), "x")
        == []
    )


def test_review_rows_show_target_differences_and_gold_keeps_the_target(
    project: Project,
) -> None:
    q = project.annotations(1, "alice")[0]
    project.add_annotation(1, "bob", q.quote.with_(stance="support", stance_target=None))
    rs = ReviewSession(project, "rita", ["alice", "bob"])
    row = next(it for it in rs.items(1) if it.differences)
    assert row.differences == (
        "stance oppose vs support on different targets (ferry fares vs no target)",
    )
    rs.pick(1, row, "alice")
    assert project.db.execute("SELECT stance, stance_target FROM gold_quotes").fetchall() == [
        ("oppose", "ferry fares")
    ]


_UP_TO_MINE = known_migration_names()[
    1 : known_migration_names().index("0003_stance_targets_and_filters") + 1
]


@pytest.mark.parametrize("stop_before", _UP_TO_MINE)
def test_earlier_schemas_gain_target_columns_and_keep_rows(
    tmp_path: Path, stop_before: str
) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before=stop_before)
    db.execute(
        "INSERT INTO articles (title, text, meta, content_hash, imported_at) "
        "VALUES ('Old', 'A said B.', '{}', 'h1', '2020-01-01')"
    )
    db.execute("INSERT INTO annotators (name, created_at) VALUES ('ann', '2020')")
    db.execute(
        "INSERT INTO annotations (article_id, annotator_id, content_spans, kind, stance, status,"
        " origin, created_at, updated_at) VALUES (1, 1, '[[0, 1]]', 'direct', 'support',"
        " 'accepted', 'manual', '2020', '2020')"
    )
    db.close()
    with Project.open(path) as p:
        (rec,) = p.annotations(1)
        assert (rec.quote.stance, rec.quote.stance_target) == ("support", None)
        assert p.article(1).stance_target is None
        p.set_article_target(1, "dams")
        p.update_annotation(rec.id, rec.quote.with_(stance_target="levees"))
    con = sqlite3.connect(path)
    assert con.execute("SELECT stance_target FROM annotations").fetchall() == [("levees",)]
    assert con.execute("SELECT stance_target FROM articles").fetchall() == [("dams",)]
    con.close()


def test_merge_keeps_targets_and_tells_versions_apart_by_target(tmp_path: Path) -> None:
    from annotator.services.merge import merge_project

    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    q = Quote((sp('"The toll must go,"'),), kind="direct", stance="oppose", status="accepted")
    with Project.open(mine) as p:
        aid, _ = p.add_article(Article("Toll row", TEXT))
        p.add_annotation(aid, "alice", q.with_(stance_target="bridge toll"))
    with Project.open(theirs) as p:
        aid, _ = p.add_article(Article("Toll row", TEXT))
        bid, _ = p.add_article(Article("Talks", OTHER))
        p.set_article_target(aid, "bridge toll")
        p.set_article_target(bid, "peace talks")
        # the same quote by alice, but on another target: a different version, not a copy
        p.add_annotation(aid, "alice", q.with_(stance_target="ferry fares"))
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
        assert report.annotations_added == 1
        rows = p.db.execute(
            "SELECT stance_target FROM annotations ORDER BY stance_target"
        ).fetchall()
        assert rows == [("bridge toll",), ("ferry fares",)]
        assert [p.article(i).stance_target for i in p.article_ids()] == [
            "bridge toll",
            "peace talks",
        ]
        assert merge_project(p, theirs).annotations_added == 0
