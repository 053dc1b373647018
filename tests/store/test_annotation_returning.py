"""The annotation an add or an update gives back is the row as stored (issue 16: the
window read it again with one more SELECT per key): it equals a fresh read, whatever the
store changed on the way (the speaker's registry name for an alias, a cleaned target)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project

TEXT = "“We will build it,” said Kim Ji-ho, the mayor. The council agreed."

QUOTES = {
    "plain": Quote(content_spans=((1, 17),), kind="direct", status="accepted", origin="manual"),
    "alias": Quote(
        content_spans=((1, 17),),
        speaker_spans=((24, 34),),
        speaker_name="the mayor",  # an alias of Kim Ji-ho in the registry
        kind="direct",
        status="accepted",
    ),
    "target": Quote(
        content_spans=((1, 17),),
        kind="direct",
        stance="support",
        stance_target="  the bridge  ",
        note="checked",
        confidence=0.4,
        extra={"source": "test"},
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    p.speaker_id("Kim Ji-ho")
    p.db.execute("UPDATE speakers SET aliases = '[\"the mayor\"]' WHERE name = 'Kim Ji-ho'")
    return p


def _fresh(project: Project, annotation_id: int) -> Quote:
    return project.annotation(annotation_id).quote


@pytest.mark.parametrize("which", sorted(QUOTES))
def test_add_gives_back_the_stored_row(project: Project, which: str) -> None:
    aid, _ = project.add_article(Article("A", TEXT, {}))
    (sugg,) = project.set_suggestions(aid, "det", [QUOTES["plain"]])
    rec = project.add_annotation_stored(aid, "alice", QUOTES[which], suggestion_id=sugg)
    fresh = project.annotation(rec.id)
    assert rec == fresh
    assert rec.quote.annotator == "alice" and rec.suggestion_id == sugg
    if which == "alias":
        assert rec.quote.speaker_name == "Kim Ji-ho"
    if which == "target":
        assert rec.quote.stance_target == "the bridge"
    project.close()


@pytest.mark.parametrize("which", sorted(QUOTES))
def test_update_gives_back_the_stored_row(project: Project, which: str) -> None:
    aid, _ = project.add_article(Article("A", TEXT, {}))
    ident = project.add_annotation(aid, "alice", QUOTES["plain"])
    read = _fresh(project, ident)
    old, stored = project.update_annotation_stored(ident, QUOTES[which], expected=read)
    assert old == read
    assert stored == _fresh(project, ident)
    assert stored.annotator == "alice"
    # and again from what came back: the next conditional write accepts it as read
    again = replace(stored, note="second")
    old2, stored2 = project.update_annotation_stored(ident, again, expected=stored)
    assert old2 == stored and stored2 == _fresh(project, ident)
    project.close()


def test_re_adding_under_the_old_id_gives_back_that_id(project: Project) -> None:
    aid, _ = project.add_article(Article("A", TEXT, {}))
    ident = project.add_annotation(aid, "alice", QUOTES["alias"])
    gone = project.delete_annotation(ident)
    rec = project.add_annotation_stored(aid, "alice", gone.quote, annotation_id=ident)
    assert rec.id == ident and rec == project.annotation(ident)
    project.close()
