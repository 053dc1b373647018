"""Edits and deletes of an annotation write only while the stored version is the one the
caller read; two Project connections stand for two windows of the same annotator."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import EditConflict
from annotator.core.model import Article, Quote
from annotator.services.ops import AnnotationOp, ArticleTargetOp
from annotator.store.project import AnnotationIdTaken, ArticleTargetChangedElsewhere, Project

TEXT = 'Lee said: "We will talk." Kim 🇰🇷 said:\u00a0"Not now." Park agreed.'


def _span(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def _quote(sub: str, **kw: object) -> Quote:
    q = Quote(content_spans=(_span(sub),), annotator="alice", status="accepted", origin="manual")
    return q.with_(**kw)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as proj:
        proj.add_article(Article("One", TEXT, {}))
    return p


def _log_count(p: Project) -> int:
    return int(p.db.execute("SELECT count(*) FROM changelog").fetchone()[0])


def test_update_of_the_version_read_writes(path: Path) -> None:
    with Project.open(path) as p:
        aid = p.article_ids()[0]
        ident = p.add_annotation(aid, "alice", _quote("We will talk."))
        read = p.annotation(ident).quote
        old = p.update_annotation(ident, read.with_(stance="support"), expected=read)
        assert old == read
        assert p.annotation(ident).quote.stance == "support"


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [
        ({"speaker_name": "Kim Ji-ho"}, {"speaker_name": "Park Min-su"}),  # speaker vs speaker
        ({"stance": "oppose"}, {"content_spans": (_span("We will"),)}),  # stance vs span
        ({"content_spans": (_span("will talk."),)}, {"stance": "support"}),  # span vs stance
        ({"kind": "mixed"}, {"kind": "indirect"}),  # kind vs kind
        ({"note": "check the date"}, {"speaker_name": "Lee"}),  # note vs speaker
        ({"status": "rejected"}, {"stance": "neutral"}),
    ],
)
def test_update_of_a_version_changed_elsewhere_writes_nothing(
    path: Path, theirs: dict[str, object], ours: dict[str, object]
) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        ident = a.add_annotation(aid, "alice", _quote("We will talk."))
        read_a = a.annotation(ident).quote
        read_b = b.annotation(ident).quote  # B reads before A writes
        a.update_annotation(ident, read_a.with_(**theirs), expected=read_a)
        stored = a.annotation(ident).quote
        logged = _log_count(a)
        with pytest.raises(EditConflict) as err:
            b.update_annotation(ident, read_b.with_(**ours), expected=read_b)
        assert err.value.annotation_id == ident
        assert a.annotation(ident).quote == stored  # A's version, untouched
        assert _log_count(a) == logged  # no change-log row either
        # without ``expected`` (old callers) the write is unconditional, as before
        b.update_annotation(ident, read_b.with_(**ours))
        assert a.annotation(ident).quote == read_b.with_(**ours)


def test_delete_of_a_version_changed_elsewhere_deletes_nothing(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        ident = a.add_annotation(aid, "alice", _quote("Not now."))
        read = b.annotation(ident).quote
        a.update_annotation(ident, read.with_(speaker_name="Kim"), expected=read)
        with pytest.raises(EditConflict):
            b.delete_annotation(ident, actor="alice", expected=read)
        assert a.annotation(ident).quote.speaker_name == "Kim"
        # the version now stored can be deleted
        b.delete_annotation(ident, actor="alice", expected=b.annotation(ident).quote)
        assert a.annotations(aid, "alice") == []


def test_edit_of_an_annotation_deleted_elsewhere(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        ident = a.add_annotation(aid, "alice", _quote("Not now."))
        read = b.annotation(ident).quote
        a.delete_annotation(ident, actor="alice", expected=read)
        with pytest.raises(EditConflict):
            b.update_annotation(ident, read.with_(kind="mixed"), expected=read)
        assert a.annotations(aid, "alice") == []  # not re-created


def test_undo_and_redo_ops_are_conditional(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        ident = a.add_annotation(aid, "alice", _quote("We will talk."))
        read = a.annotation(ident).quote
        op = AnnotationOp("Stance", aid, "alice", ident, None, read, read.with_(stance="oppose"))
        undo = op.apply(a)
        assert undo.before == a.annotation(ident).quote  # the version stored, as read back
        redo = undo.apply(a)  # alone, undo and redo work
        assert a.annotation(ident).quote.stance is None
        undo = redo.apply(a)
        assert a.annotation(ident).quote.stance == "oppose"
        # B, after A's stance, sets the speaker; A's undo would also undo that: refused
        seen = b.annotation(ident).quote
        b.update_annotation(ident, seen.with_(speaker_name="Kim"), expected=seen)
        with pytest.raises(EditConflict):
            undo.apply(a)
        now = a.annotation(ident).quote
        assert (now.stance, now.speaker_name) == ("oppose", "Kim")


def test_undo_of_a_delete_whose_id_was_given_away(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        ident = a.add_annotation(aid, "alice", _quote("We will talk."))
        read = a.annotation(ident).quote
        op = AnnotationOp("Delete quote", aid, "alice", ident, None, read, None)
        undo = op.apply(a)
        # B adds a quote: SQLite gives it the highest id again, the one just deleted
        other = b.add_annotation(aid, "alice", _quote("Park agreed."))
        assert other == ident
        with pytest.raises(AnnotationIdTaken):
            undo.apply(a)
        assert [r.quote.content_spans for r in a.annotations(aid, "alice")] == [
            (_span("Park agreed."),)
        ]


def test_article_target_of_the_version_read(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        assert a.set_article_target(aid, "ferry fares", expected=None) is None
        # B read "no target" before A's write: refused, A's target stays
        with pytest.raises(ArticleTargetChangedElsewhere) as err:
            b.set_article_target(aid, "bridge toll", expected=None)
        assert err.value.now == "ferry fares"
        assert a.article(aid).stance_target == "ferry fares"
        with pytest.raises(EditConflict):  # clearing it, too
            b.set_article_target(aid, None, expected="bridge toll")
        # the target read is stored: written (blanks as the store cleans them)
        assert b.set_article_target(aid, " bridge toll ", expected="ferry fares ") == (
            "ferry fares"
        )
        assert a.article(aid).stance_target == "bridge toll"
        b.set_article_target(aid, None)  # unconditional, as before
        assert a.article(aid).stance_target is None


def test_article_target_undo_is_conditional(path: Path) -> None:
    with Project.open(path) as a, Project.open(path) as b:
        aid = a.article_ids()[0]
        undo = ArticleTargetOp("Set", aid, "alice", "ferry fares", None).apply(a)
        assert undo.before == "ferry fares" and undo.target is None
        b.set_article_target(aid, "bridge toll")
        with pytest.raises(EditConflict):
            undo.apply(a)
        assert a.article(aid).stance_target == "bridge toll"
