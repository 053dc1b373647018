"""The schema check compares SQL as tokens: a file whose CREATE statements another SQLite
version (or tool) wrote with other whitespace, quoting or keyword case still opens; a
different column, constraint, trigger or view is still refused."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote
from annotator.services.merge import merge_project
from annotator.store.project import Project
from annotator.store.schema_check import SQL_KEYWORDS, sql_tokens

TEXT = 'Dam\n\n"The water will rise," the engineer said.'


def _project(path: Path) -> Path:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Dam", TEXT))
        p.add_annotation(aid, "ann", Quote(((5, 28),), annotator="ann", kind="direct"))
    return path


def _rewrite(path: Path, name: str, change: Callable[[str], str]) -> None:
    """Store ``change(sql)`` as the CREATE statement of object ``name`` (the way a file
    written elsewhere would hold it); the data stay as they are."""
    conn = sqlite3.connect(path)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
    new = change(sql)
    assert new != sql
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [new, name])
    conn.commit()
    conn.close()
    conn = sqlite3.connect(path)  # the changed text must still be SQL SQLite accepts
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _outside_literals(sql: str, change: Callable[[str], str]) -> str:
    """``change`` applied to every piece of ``sql`` outside its string literals."""
    parts = re.split(r"('[^']*')", sql)
    return "".join(p if p.startswith("'") else change(p) for p in parts)


def _spaced(sql: str) -> str:
    def spread(part: str) -> str:
        return re.sub(r"\s+", "\n\t  ", part).replace("(", " ( ").replace(",", " ,\n")

    return _outside_literals(sql, spread)


def _keywords(case: Callable[[str], str]) -> Callable[[str], str]:
    def change(sql: str) -> str:
        def word(m: re.Match[str]) -> str:
            return case(m.group()) if m.group().lower() in SQL_KEYWORDS else m.group()

        return _outside_literals(sql, lambda part: re.sub(r"[A-Za-z_]+", word, part))

    return change


_upper, _lower = _keywords(str.upper), _keywords(str.lower)


def _quote(style: str) -> Callable[[str], str]:
    names = ("annotations", "article_id", "annotator_id", "content_spans", "status", "note")

    def change(sql: str) -> str:
        for n in names:
            q = {"dq": f'"{n}"', "br": f"[{n}]", "bt": f"`{n}`"}[style]
            sql = re.sub(rf"(?<![\w'\"\[`]){n}(?![\w'\"\]`])", q, sql)
        return sql

    return change


def _commented(sql: str) -> str:
    return sql.replace("(", "( -- written elsewhere\n", 1) + " /* end */"


HARMLESS: list[tuple[str, str, Callable[[str], str]]] = [
    ("whitespace", "annotations", _spaced),
    ("lower case", "reviews", _lower),
    ("lower case types", "annotations", _lower),
    ("mixed case", "speakers", _keywords(str.title)),
    ("double quotes", "annotations", _quote("dq")),
    ("brackets", "annotations", _quote("br")),
    ("backticks", "annotations", _quote("bt")),
    ("comments", "annotations", _commented),
    ("trigger spacing", "changelog_no_update", lambda s: _upper(_spaced(s))),
    (
        "index quoting",
        "annotations_spans",
        lambda s: s.replace("annotations(", '"annotations" ('),
    ),
    (
        "fts name quoting",
        "articles_fts_data",
        lambda s: s.replace("'articles_fts_data'", '"articles_fts_data"'),
    ),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("what", "name", "change"), HARMLESS, ids=[h[0] for h in HARMLESS])
def test_harmless_text_differences_open_and_merge(
    tmp_path: Path, what: str, name: str, change: Callable[[str], str]
) -> None:
    path = _project(tmp_path / "theirs.db")
    _rewrite(path, name, change)
    with Project.open(path, create=False, readonly=True) as p:
        assert p.count_articles() == 1
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, path)
        assert report.articles_added == 1 and report.annotations_added == 1
    with Project.open(path, create=False) as p:  # and it can be annotated in
        (aid,) = p.article_ids()
        p.add_annotation(aid, "me", Quote(((5, 28),), annotator="me", kind="direct"))
        assert len(p.annotations(aid)) == 2


HARMFUL: list[tuple[str, str, Callable[[str], str], str]] = [
    (
        "extra column",
        "articles",
        lambda s: s.rstrip(")") + ", sneaky TEXT)",
        "table 'articles'",
    ),
    (
        "changed literal",
        "annotations",
        lambda s: s.replace("'manual')", "'manual', 'forged')"),
        "table 'annotations'",
    ),
    (
        "name case",
        "annotations",
        lambda s: s.replace("note TEXT", "NOTE TEXT"),
        "table 'annotations'",
    ),
    (
        "dropped check",
        "reviews",
        lambda s: s.replace("CHECK (length(trim(reviewer)) > 0)", ""),
        "table 'reviews'",
    ),
    (
        "trigger body",
        "changelog_no_update",
        lambda s: s.replace("SELECT RAISE(ABORT, 'the change log is append-only')", "SELECT 1"),
        "trigger 'changelog_no_update'",
    ),
    (
        "trigger event",
        "changelog_no_delete",
        lambda s: s.replace("BEFORE DELETE", "after delete"),
        "trigger 'changelog_no_delete'",
    ),
    (
        "index columns",
        "annotations_spans",
        lambda s: s.replace("article_id, annotator_id", "annotator_id, article_id"),
        "index 'annotations_spans'",
    ),
]


@pytest.mark.parametrize(("what", "name", "change", "named"), HARMFUL, ids=[h[0] for h in HARMFUL])
def test_real_differences_are_still_refused(
    tmp_path: Path, what: str, name: str, change: Callable[[str], str], named: str
) -> None:
    path = _project(tmp_path / "theirs.db")
    _rewrite(path, name, change)
    before = _digest(path)
    for readonly in (False, True):
        with pytest.raises(ProjectError, match=re.escape(named)):
            Project.open(path, create=False, readonly=readonly)
    with Project.open(tmp_path / "mine.db") as mine:
        with pytest.raises(ProjectError, match=re.escape(named)):
            merge_project(mine, path)
        assert mine.count_articles() == 0
    assert _digest(path) == before


def test_tokens_keep_literals_and_drop_quoting() -> None:
    a = sql_tokens("CREATE TABLE \"t\" ( [a] TEXT CHECK (a IN ('x', 'It''s')) ) -- c")
    b = sql_tokens("create table t(`a` text check(a in('x','It''s')))")
    assert a == b
    assert sql_tokens("CREATE TABLE t (a)") != sql_tokens("CREATE TABLE t (A)")
    assert sql_tokens("CHECK (a IN ('x'))") != sql_tokens("CHECK (a IN ('X'))")
    assert sql_tokens("CHECK (a > 12)") != sql_tokens("CHECK (a > 1)")
    assert sql_tokens("CREATE TABLE 'x_data'(id)") == sql_tokens('CREATE TABLE "x_data" (id)')
