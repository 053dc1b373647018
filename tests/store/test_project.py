"""The project repository: writes, constraints, change log, concurrency and crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote
from annotator.store.project import Project

TEXT = "Rain ahead\n\n\u201cBring an umbrella,\u201d the forecaster said. \U0001f327\ufe0f\u00a0Ok."


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    yield p
    p.close()


def _quote(**kw: object) -> Quote:
    base: dict[str, object] = {"content_spans": ((13, 30),), "speaker_spans": ((32, 46),)}
    base.update(kw)
    return Quote(**base)  # type: ignore[arg-type]


def test_article_is_deduplicated_by_content(project: Project) -> None:
    first = project.add_article(Article("Rain ahead", TEXT))
    again = project.add_article(Article("Other title", TEXT.replace("\n", "\r\n")))
    assert first == (1, True)
    assert again == (1, False)
    assert project.count_articles() == 1


def test_annotation_round_trip_keeps_every_field(project: Project) -> None:
    aid, _ = project.add_article(Article("Rain ahead", TEXT))
    q = _quote(
        cue_spans=((47, 51),),
        speaker_text="the forecaster",
        speaker_name="Ann Weather",
        kind="direct",
        stance="neutral",
        status="accepted",
        origin="model-corrected",
        confidence=0.75,
        note="check",
    )
    ident = project.add_annotation(aid, "alice", q)
    got = project.annotation(ident).quote
    assert got == q.with_(annotator="alice")
    assert project.speakers()[0].name == "Ann Weather"


def test_constraints_reject_bad_rows(project: Project) -> None:
    aid, _ = project.add_article(Article("Rain ahead", TEXT))
    with pytest.raises(sqlite3.IntegrityError):
        project.add_annotation(aid, "alice", _quote(kind="rumour"))
    with pytest.raises(sqlite3.IntegrityError):
        project.add_annotation(aid, "alice", _quote(status="maybe"))
    with pytest.raises(sqlite3.IntegrityError):
        project.add_annotation(aid, "alice", _quote(confidence=1.5))
    with pytest.raises(sqlite3.IntegrityError):  # foreign key: no such article
        project.add_annotation(999, "alice", _quote())
    sid = project.set_suggestions(aid, "v1", [_quote()])[0]
    project.add_annotation(aid, "alice", _quote(status="accepted"), suggestion_id=sid)
    with pytest.raises(sqlite3.IntegrityError):  # one version per annotator per suggestion
        project.add_annotation(aid, "alice", _quote(status="rejected"), suggestion_id=sid)
    project.add_annotation(aid, "bob", _quote(status="rejected"), suggestion_id=sid)
    # a failed action leaves nothing behind, not even its change-log row
    assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2
    adds = project.db.execute(
        "SELECT count(*) FROM changelog WHERE entity = 'annotation'"
    ).fetchone()[0]
    assert adds == 2


def test_change_log_is_append_only(project: Project) -> None:
    aid, _ = project.add_article(Article("Rain ahead", TEXT))
    ident = project.add_annotation(aid, "alice", _quote())
    project.update_annotation(ident, _quote(stance="support"))
    project.delete_annotation(ident)
    actions = [r[0] for r in project.db.execute("SELECT action FROM changelog ORDER BY id")]
    assert actions[-3:] == ["add", "update", "delete"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.db.execute("DELETE FROM changelog")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.db.execute("UPDATE changelog SET action = 'x'")


def test_update_returns_previous_version_for_undo(project: Project) -> None:
    aid, _ = project.add_article(Article("Rain ahead", TEXT))
    ident = project.add_annotation(aid, "alice", _quote(stance="oppose"))
    old = project.update_annotation(ident, _quote(stance="support"))
    assert old.stance == "oppose"
    project.update_annotation(ident, old)
    assert project.annotation(ident).quote.stance == "oppose"
    gone = project.delete_annotation(ident)
    project.add_annotation(aid, "alice", gone.quote, annotation_id=gone.id)
    assert project.annotation(ident).quote.stance == "oppose"


def test_redetection_keeps_annotations(project: Project) -> None:
    aid, _ = project.add_article(Article("Rain ahead", TEXT))
    sid = project.set_suggestions(aid, "v1", [_quote()])[0]
    ident = project.add_annotation(aid, "alice", _quote(status="accepted"), suggestion_id=sid)
    project.set_suggestions(aid, "v1", [_quote(), _quote(content_spans=((0, 10),))])
    assert len(project.suggestions(aid)) == 2
    assert project.annotation(ident).quote.status == "accepted"
    project.set_suggestions(aid, "v2", [])
    assert project.articles_without_suggestions("v2") == []
    assert project.articles_without_suggestions("v3") == [aid]


def test_search_and_summaries(project: Project) -> None:
    project.add_article(Article("Rain ahead", TEXT, {"publisher": "Daily", "date": "2024-01-02"}))
    project.add_article(Article("Budget", "Budget\n\nThe minister said taxes rise."))
    assert project.search_articles("umbrella") == [1]
    assert project.search_articles("minister taxes") == [2]
    assert project.search_articles('"unbalanced') == []
    project.add_annotation(2, "alice", Quote(((8, 20),), status="accepted"))
    rows = {s.id: s for s in project.article_summaries("alice")}
    assert (rows[1].publisher, rows[1].date, rows[1].status) == ("Daily", "2024-01-02", "new")
    assert (rows[2].status, rows[2].n_annotations, rows[2].n_accepted) == ("in_progress", 1, 1)
    project.set_progress(2, "alice", "done")
    assert project.progress(2, "alice") == "done"


_WRITER = textwrap.dedent(
    """
    import sys
    from annotator.core.model import Quote
    from annotator.store.project import Project
    path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    project = Project.open(path)
    for i in range(n):
        ident = project.add_annotation(1, who, Quote(((i % 10, i % 10 + 3),), status="accepted"))
        print(ident, flush=True)
    """
)


def _spawn(path: Path, who: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), who, str(n)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def test_two_processes_write_to_one_project(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.add_article(Article("Rain ahead", TEXT))
    procs = [_spawn(path, "alice", 150), _spawn(path, "bob", 150)]
    outs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    with Project.open(path) as p:
        stats = p.stats()
        ids = {int(x) for out in outs for x in out.split()}
        stored = {r[0] for r in p.db.execute("SELECT id FROM annotations")}
    assert stats["annotators"]["alice"]["total"] == 150
    assert stats["annotators"]["bob"]["total"] == 150
    assert ids == stored


def test_sigkill_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.add_article(Article("Rain ahead", TEXT))
    proc = _spawn(path, "alice", 100000)
    assert proc.stdout is not None
    confirmed = []
    for line in proc.stdout:
        confirmed.append(int(line))
        if len(confirmed) >= 200:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # the kill may land after a few more commits; everything reported must be there
    with Project.open(path) as p:
        assert p.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in p.db.execute("SELECT id FROM annotations")}
        logged = {
            r[0] for r in p.db.execute("SELECT entity_id FROM changelog WHERE entity='annotation'")
        }
    assert set(confirmed) <= stored
    assert stored == logged, "every stored action has its change-log row and vice versa"


def test_write_while_another_program_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.add_article(Article("Rain ahead", TEXT))
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    project = Project.open(path)
    project.db.execute("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(ProjectError, match="locked by another program") as err:
            project.add_annotation(1, "alice", _quote())
        assert str(path) in str(err.value)
    finally:
        holder.rollback()
        holder.close()
    # once the lock is gone the same action goes through, and nothing half-done was left
    assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    project.add_annotation(1, "alice", _quote())
    assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
    project.close()
