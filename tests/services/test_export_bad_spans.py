"""A project changed by hand (SQL) may hold spans outside the text: exports leave such a
quote out and name it; the session does not show it; nothing is written (tester17 F9)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.services.session import Session
from annotator.store.project import Project

TEXT = 'Zeta said "ok". Omega replied "no". ' * 5  # 180 characters


def _project(path: Path) -> tuple[int, list[int]]:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Tampered", TEXT))
        ids = []
        for i in range(4):
            q = Quote(
                ((10 + 36 * i, 14 + 36 * i),),
                speaker_spans=((36 * i, 36 * i + 4),),
                status="accepted",
                origin="manual",
                annotator="alice",
            )
            ids.append(p.add_annotation(aid, "alice", q))
    return aid, ids


def _tamper(path: Path, changes: list[tuple[str, str, int]]) -> None:
    with sqlite3.connect(path) as c:
        for column, value, ident in changes:
            c.execute(f"UPDATE annotations SET {column} = ? WHERE id = ?", (value, ident))


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT * FROM annotations ORDER BY id").fetchall()


BAD = [
    ("content_spans", "[[-5, 99999999]]", "starts before the text"),
    ("content_spans", "[[300, 100]]", "is empty or reversed"),
    ("content_spans", "[[170, 181]]", "reaches past the end of the text (180 characters)"),
    ("speaker_spans", "[[0, 9999]]", "speaker span [0, 9999] reaches past the end"),
    ("cue_spans", "[[-1, 3]]", "cue span [-1, 3] starts before the text"),
]


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "brat", "csv", "spacy"])
@pytest.mark.parametrize(("column", "value", "said"), BAD)
def test_export_leaves_out_and_names_a_quote_with_a_span_outside_the_text(
    tmp_path: Path, fmt: str, column: str, value: str, said: str
) -> None:
    db = tmp_path / "p.db"
    aid, ids = _project(db)
    _tamper(db, [(column, value, ids[1])])
    before = _rows(db)
    out = tmp_path / f"out.{fmt}"
    with Project.open(db) as p:
        report = export_project(p, ExportOptions(format=fmt, output=out))
    assert report.quotes == 3
    lines = report.lines()
    assert any("1 quote left out" in line for line in lines)
    (named,) = [line for line in lines if f"quote {ids[1]}:" in line]
    assert f"article {aid}" in named and said in named and value[1:-1] in named
    if fmt in ("jsonl", "prodigy"):
        written = out.read_text(encoding="utf-8")
        assert value[1:-1] not in written and "-5" not in written
        if fmt == "jsonl":
            (line,) = written.splitlines()
            assert len(json.loads(line)["quotes"]) == 3
    if fmt == "brat":
        ann = next(out.rglob("*.ann")).read_text(encoding="utf-8")
        assert "99999999" not in ann and "300 100" not in ann
    assert _rows(db) == before  # reading changed nothing


def test_an_article_whose_quotes_are_all_bad_is_not_written(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    _aid, ids = _project(db)
    _tamper(db, [("content_spans", "[[-5, 99999999]]", i) for i in ids])
    with Project.open(db) as p:
        report = export_project(p, ExportOptions(format="jsonl", output=tmp_path / "o.jsonl"))
    assert (report.articles, report.quotes) == (0, 0)
    assert sum("starts before the text" in line for line in report.lines()) == 4
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == ""


def test_the_session_does_not_show_a_quote_with_a_span_outside_the_text(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    aid, ids = _project(db)
    with Project.open(db) as p:
        p.set_suggestions(aid, "v1", [Quote(((300, 100),)), Quote(((50, 60),))])
    _tamper(db, [("content_spans", "[[-5, 99999999]]", ids[0])])
    with sqlite3.connect(db) as c:
        rows_before = c.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    with Project.open(db) as p:
        s = Session(p, "alice")
        s.open_article(aid)
        shown = [it.key for it in s.items]
        assert len(shown) == 4  # 3 good quotes + the good suggestion
        assert all(k.id != ids[0] or k.kind != "annotation" for k in shown)
        assert len(s.bad_spans) == 2
        assert any(f"quote {ids[0]}: content span [-5, 99999999]" in b for b in s.bad_spans)
        assert any("suggestion" in b and "[300, 100]" in b for b in s.bad_spans)
        for it in s.items:
            assert 0 <= it.quote.start < it.quote.end <= len(TEXT)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT * FROM annotations ORDER BY id").fetchall() == rows_before
