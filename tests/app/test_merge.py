"""Merging a colleague's project: matched by content hash, idempotent, reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.app.merge import merge_project
from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote
from annotator.store.project import Project

SHARED = "The council voted on Tuesday. “We have no money left,” said treasurer Ana Pol."
MINE_ONLY = "Schools reopen next week, the ministry said in a statement."
THEIRS_ONLY = "“Prices will fall,” the governor promised, though few believed him."


def _q(start: int, end: int, annotator: str, **kw: object) -> Quote:
    return Quote(
        content_spans=((start, end),), annotator=annotator, status="accepted", origin="manual", **kw
    )  # type: ignore[arg-type]


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


def test_merge_command(tmp_path: Path) -> None:
    mine, theirs = _make(tmp_path)
    cmd = [sys.executable, "-m", "annotator", "merge", str(mine), str(theirs)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "1 added" in out and "annotations: 2 added, 1 already here" in out
    out2 = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "nothing new" in out2
    bad = subprocess.run(cmd[:-1] + [str(tmp_path / "nope.db")], capture_output=True, text=True)
    assert bad.returncode == 1 and "nope.db" in bad.stderr
