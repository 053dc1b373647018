"""Merging a colleague's file: every row is validated like an import, bad rows skipped."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.services.merge import merge_project
from annotator.store.project import Project

TEXT_A = 'Dam\n\n"The water will rise," the engineer said.'
TEXT_B = 'Port\n\n"Ships can dock," the minister said.'


def _theirs(tmp_path: Path) -> Path:
    path = tmp_path / "theirs.db"
    with Project.open(path) as p:
        for text in (TEXT_A, TEXT_B):
            aid, _ = p.add_article(Article("t", text))
            a = text.index('"')
            b = text.index('"', a + 1) + 1
            for who in ("good", "bad"):
                p.add_annotation(
                    aid,
                    who,
                    Quote(((a, b),), annotator=who, speaker_name="Ana Lima", kind="direct"),
                )
        sid = p.speaker_id("Ana Lima")
        assert sid is not None
        p.add_speaker_alias(sid, "Lima")
    return path


def _corrupt(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


BAD_ROWS: list[tuple[str, str]] = [
    ("content_spans = '[[5, 9999]]'", "past the end"),
    ("content_spans = '[[-4, 3]]'", "negative"),
    ("content_spans = '[[9, 5]]'", "empty or reversed"),
    ("content_spans = '[[\"a\", 3]]'", "pair of integers"),
    ("content_spans = '[[1, 2, 3]]'", "pair of integers"),
    ("content_spans = '[[true, 3]]'", "pair of integers"),
    ("speaker_spans = '[[0, 100000]]'", "past the end"),
    ("speaker_text = x'34'", "speaker_text"),  # a blob, not text
    ("stance = x'37'", "stance"),
    ("note = x'33'", "note"),
]


@pytest.mark.parametrize(("assignment", "reason"), BAD_ROWS, ids=[r for _, r in BAD_ROWS])
def test_bad_annotation_rows_are_skipped_and_reported(
    tmp_path: Path, assignment: str, reason: str
) -> None:
    theirs = _theirs(tmp_path)
    _corrupt(
        theirs,
        f"UPDATE annotations SET {assignment} WHERE annotator_id = "
        "(SELECT id FROM annotators WHERE name = 'bad')",
    )
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, theirs)
        assert report.articles_added == 2
        assert report.annotations_added == 2  # the good annotator's, on both articles
        assert len(report.skipped) == 2 and all(reason in s for s in report.skipped), report.skipped
        assert any("skipped as invalid" in line for line in report.lines())
        names = {r.quote.annotator for aid in mine.article_ids() for r in mine.annotations(aid)}
        assert names == {"good"}
        # the user's project stays valid: it exports to spaCy
        out = tmp_path / "out.spacy"
        export_project(mine, ExportOptions("spacy", out))
        assert out.stat().st_size > 0


def test_forged_hash_does_not_put_annotations_on_the_wrong_article(tmp_path: Path) -> None:
    theirs = _theirs(tmp_path)
    with Project.open(tmp_path / "mine.db") as mine:
        mine.add_article(Article("t", TEXT_A))
        mine_a_hash = mine.article(1).content_hash
        # their article B claims to be our article A (and A claims to be something else)
        _corrupt(theirs, "UPDATE articles SET content_hash = 'forged' WHERE id = 1")
        _corrupt(theirs, "UPDATE articles SET content_hash = ? WHERE id = 2", mine_a_hash)
        report = merge_project(mine, theirs)
        assert report.articles_matched == 1 and report.articles_added == 1
        texts = {mine.article(aid).text for aid in mine.article_ids()}
        assert texts == {TEXT_A, TEXT_B}
        for aid in mine.article_ids():
            text = mine.article(aid).text
            for rec in mine.annotations(aid):
                a, b = rec.quote.content_spans[0]
                assert b <= len(text) and text[a] == '"' and text[b - 1] == '"'


@pytest.mark.parametrize(
    "aliases",
    ['[42, "Lima"]', "[null]", '[["x"]]', '[""]'],
)
def test_non_string_aliases_are_skipped(tmp_path: Path, aliases: str) -> None:
    theirs = _theirs(tmp_path)
    _corrupt(theirs, "UPDATE speakers SET aliases = ?", aliases)
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, theirs)
        assert any("aliases" in s for s in report.skipped)
        (speaker,) = mine.speakers()
        assert all(isinstance(a, str) and a for a in speaker.aliases)


ARTICLE_CORRUPTIONS: list[tuple[str, Callable[[str], bool]]] = [
    ("UPDATE articles SET text = 'Dam\r\n\r\nx' WHERE id = 1", lambda s: "normalised" in s),
    ("UPDATE articles SET title = x'41' WHERE id = 1", lambda s: "title" in s),
    ("UPDATE articles SET meta = '[1]' WHERE id = 1", lambda s: "metadata" in s),
]


@pytest.mark.parametrize(("sql", "check"), ARTICLE_CORRUPTIONS)
def test_bad_articles_are_skipped_with_their_annotations(
    tmp_path: Path, sql: str, check: Callable[[str], bool]
) -> None:
    theirs = _theirs(tmp_path)
    _corrupt(theirs, sql)
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, theirs)
        assert report.articles_added == 1
        assert any(check(s) for s in report.skipped), report.skipped
        assert [mine.article(a).text for a in mine.article_ids()] == [TEXT_B]
        assert json.loads(json.dumps(report.as_dict()))["skipped"]
