"""The registry names for autocompletion (issue 16): read once, not on every article change,
and read again after any change to the registry, by this connection or another one."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.model import Article
from annotator.services.session import Session
from annotator.store import queries
from annotator.store.project import Project
from annotator.store.speakers import RegistryState, get_speakers, write_registry_state


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    yield p  # type: ignore[misc]
    p.close()


def _registry_reads(project: Project, work: object) -> list[str]:
    """The statements of ``work()`` that read the speakers table."""
    seen: list[str] = []
    project.db.conn.set_trace_callback(seen.append)
    try:
        work()  # type: ignore[operator]
    finally:
        project.db.conn.set_trace_callback(None)
    return [s for s in seen if "FROM speakers" in s]


def test_article_changes_do_not_read_the_registry_again(project: Project) -> None:
    for name in ("Ada Obi", "Bo Lind", "Cy Marsh"):
        project.speaker_id(name)
    ids = [
        project.add_article(Article(f"T{i}", f"Ruth Kane spoke {i} times."))[0] for i in range(3)
    ]
    session = Session(project, "alice")
    session.open_article(ids[0])
    first = session.name_suggestions()
    assert first[:3] == ["Ada Obi", "Bo Lind", "Cy Marsh"]
    assert "Ruth Kane" in first

    def step() -> None:
        for aid in ids[1:]:
            session.open_article(aid)
            assert session.name_suggestions()[:3] == ["Ada Obi", "Bo Lind", "Cy Marsh"]

    assert _registry_reads(project, step) == []


def test_own_writes_show_at_once(project: Project) -> None:
    ada = project.speaker_id("Ada Obi")
    assert queries.speaker_names(project) == ["Ada Obi"]
    project.speaker_id("Bo Lind")
    assert queries.speaker_names(project) == ["Ada Obi", "Bo Lind"]
    assert ada is not None
    project.add_speaker_alias(ada, "Obi")
    assert queries.speaker_names(project) == ["Ada Obi", "Obi", "Bo Lind"]
    # a rename and a deletion through the registry's one write path (merge, split, undo)
    sp = get_speakers(project, [ada])[ada]
    bo = project.speaker_id("Bo Lind")
    assert bo is not None
    write_registry_state(
        project, RegistryState({ada: replace(sp, name="Adaeze Obi"), bo: None}), "test"
    )
    assert queries.speaker_names(project) == ["Adaeze Obi", "Obi"]


def test_the_caller_may_change_the_list_it_gets(project: Project) -> None:
    project.speaker_id("Ada Obi")
    names = queries.speaker_names(project)
    names.append("Someone Else")
    assert queries.speaker_names(project) == ["Ada Obi"]


def test_another_connections_write_shows(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.speaker_id("Ada Obi")
    for readonly in (False, True):
        with Project.open(path, readonly=readonly) as p:
            before = queries.speaker_names(p)
            with sqlite3.connect(path) as other:
                other.execute(
                    "INSERT INTO speakers (name, created_at) VALUES (?, '2026-01-01')",
                    [f"Zed {readonly}"],
                )
            assert queries.speaker_names(p) == [*before, f"Zed {readonly}"]


def test_a_rolled_back_write_leaves_the_names_right(project: Project) -> None:
    project.speaker_id("Ada Obi")
    assert queries.speaker_names(project) == ["Ada Obi"]
    with pytest.raises(RuntimeError), project.action("test", "speaker"):
        project.speaker_id("Bo Lind")
        assert queries.speaker_names(project) == ["Ada Obi", "Bo Lind"]
        raise RuntimeError("stop")
    assert queries.speaker_names(project) == ["Ada Obi"]
