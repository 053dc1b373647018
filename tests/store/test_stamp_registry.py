"""A speaker renamed, merged or undone in another window or program changes the stamp of
every article whose quotes name that speaker (the window then reads them again before an
edit), and of no other article (review of session 13: the stamp stayed equal after a
merge elsewhere, and the next stance key was refused as changed elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.speakers import plan_merge, plan_rename
from annotator.store import queries
from annotator.store.project import Project

TEXT = "Kim said: hello there. Lee said: bye now. Park said: fine."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        a = p.add_article(Article("A", TEXT))[0]
        b = p.add_article(Article("B", TEXT + " Again."))[0]
        for aid, (who, span) in (
            (a, ("Kim", (10, 22))),
            (a, ("Lee", (32, 40))),
            (b, ("Park", (52, 57))),
        ):
            p.add_annotation(
                aid, "alice", Quote((span,), kind="direct", status="accepted", speaker_name=who)
            )
    return path


def _stamps(p: Project) -> list[tuple[object, ...]]:
    return [queries.article_stamp(p, aid, "alice") for aid in p.article_ids()]


@pytest.mark.parametrize("change", ["merge", "rename", "rename then undo"])
def test_a_registry_change_elsewhere_changes_the_stamp_of_its_articles_only(
    project: Path, change: str
) -> None:
    with Project.open(project) as window:
        before = _stamps(window)
        with Project.open(project) as other:  # another window or program
            ids = {s.name: s.id for s in other.speakers()}
            if change == "merge":
                plan_merge(other, ids["Lee"], [ids["Kim"]], "bob").apply(other)
            else:
                undo = plan_rename(other, ids["Kim"], "Kim Min-ji", "bob").apply(other)
                if change == "rename then undo":  # apply returns the op that restores it
                    undo.apply(other)
        after = _stamps(window)
        assert after[0] != before[0]  # article A names Kim: read again
        assert after[1] == before[1]  # article B names only Park: untouched
        a1 = window.annotations(window.article_ids()[0], "alice")[0]
        # read again, the quote is the stored version: an edit goes through
        fresh = a1.quote
        window.update_annotation(a1.id, fresh.with_(stance="support"), expected=fresh)
