"""A window waiting for the write lock tells other programs' imports (a flag file beside
the project), and a polite writer lets it go before its next transaction (issue 16: keys
waited for several of a terminal import's groups); a write that may as well be made later
(the resume position) never waits (``Project.no_wait``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.core.errors import ProjectLockedError
from annotator.core.model import Article
from annotator.services import importing
from annotator.services.session import Session
from annotator.store import waiting
from annotator.store.project import Project
from annotator.store.turns import write_turn


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as project:
        project.add_article(Article("One", 'Kim said "we go now" today.'))
    return p


def _titles(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT title FROM articles ORDER BY id")]


def test_flag_raised_lowered_and_stale(path: Path) -> None:
    assert not waiting.writer_waiting(path)
    flag = waiting.raise_flag(path)
    assert flag is not None
    assert waiting.folder_for(path).name == ".p.db.writers-waiting"
    assert waiting.writer_waiting(path)
    old = time.time() - waiting.FLAG_STALE_S - 5
    os.utime(waiting.folder_for(path) / flag, (old, old))  # a window that crashed waiting
    assert not waiting.writer_waiting(path)
    assert waiting.let_waiting_writers_go(path) == 0.0
    waiting.lower_flag(path, flag)
    waiting.lower_flag(path, flag)  # twice: no error
    assert not any(waiting.folder_for(path).iterdir())


def test_one_waiter_lowering_its_flag_leaves_the_others_up(path: Path) -> None:
    first, second = waiting.raise_flag(path), waiting.raise_flag(path)
    assert first and second and first != second
    waiting.lower_flag(path, first)  # this window has the lock now, the other still waits
    assert waiting.writer_waiting(path)
    waiting.lower_flag(path, first)  # again: the other's flag stays
    assert waiting.writer_waiting(path)
    waiting.lower_flag(path, second)
    assert not waiting.writer_waiting(path)
    assert not any(waiting.folder_for(path).iterdir())  # no flag is left


def test_a_stale_flag_of_a_crashed_window_goes_with_the_next_lowered(path: Path) -> None:
    crashed = waiting.raise_flag(path)
    assert crashed
    old = time.time() - waiting.FLAG_STALE_S - 5
    os.utime(waiting.folder_for(path) / crashed, (old, old))
    live = waiting.raise_flag(path)
    assert waiting.writer_waiting(path)
    waiting.lower_flag(path, live)
    assert not waiting.writer_waiting(path)
    assert not any(waiting.folder_for(path).iterdir())


def test_flag_in_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "p.db"
    assert waiting.raise_flag(missing) is None
    assert not waiting.writer_waiting(missing)
    waiting.lower_flag(missing, None)  # nothing to do, no error


@pytest.mark.parametrize("how", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_a_waiting_window_raises_the_flag_and_lowers_it(path: Path, how: str) -> None:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute(how)
    seen: list[bool] = []
    with Project.open(path) as window:
        window.write_wait = 5.0

        def release() -> None:
            end = time.monotonic() + 10
            while not waiting.writer_waiting(path) and time.monotonic() < end:
                time.sleep(0.001)
            seen.append(waiting.writer_waiting(path))
            holder.execute("COMMIT")

        t = threading.Thread(target=release)
        t.start()
        window.add_article(Article("Two", "Lee said goodbye."))
        t.join()
        assert seen == [True]  # the flag was up while the window waited
        assert not waiting.writer_waiting(path)  # and gone once it had the lock
        assert not any(waiting.folder_for(path).iterdir())
    holder.close()
    assert _titles(path) == ["One", "Two"]


def test_a_refused_window_write_lowers_the_flag(path: Path) -> None:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with Project.open(path) as window:
        window.write_wait = 0.02
        with pytest.raises(ProjectLockedError):
            window.add_article(Article("Two", "Lee said goodbye."))
    holder.execute("ROLLBACK")
    holder.close()
    assert not any(waiting.folder_for(path).iterdir())
    assert _titles(path) == ["One"]


def test_a_polite_writer_lets_the_waiting_window_go_first(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "YIELD_MAX_S", 30.0)
    flag = waiting.raise_flag(path)  # a window (another program) waits for the lock
    done = threading.Event()

    def write() -> None:  # the import, with a connection of its own
        with Project.open(path) as importer:
            importer.yields_to_windows = True
            importer.add_article(Article("Imported", "Lee said goodbye."))
        done.set()

    t = threading.Thread(target=write)
    t.start()
    t.join(0.3)
    assert not done.is_set()  # it waits for the window
    with Project.open(path) as window:  # the window writes meanwhile
        window.write_wait = 0.2
        window.add_article(Article("Accepted", "Kim said yes."))
    waiting.lower_flag(path, flag)
    t.join(30)
    assert done.is_set()
    assert _titles(path) == ["One", "Accepted", "Imported"]


def test_an_impolite_writer_does_not_look_at_the_flag(path: Path) -> None:
    flag = waiting.raise_flag(path)
    with Project.open(path) as other:
        assert not other.yields_to_windows
        other.add_article(Article("Two", "Lee said goodbye."))
    waiting.lower_flag(path, flag)
    assert _titles(path) == ["One", "Two"]


def test_import_is_polite_while_it_runs(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(
        '{"title": "A", "text": "Ann said yes."}\n{"title": "B", "text": "Bo said no."}\n',
        encoding="utf-8",
    )
    asked: list[Path] = []
    real = waiting.let_waiting_writers_go

    def spy(project: Path, most: float = waiting.YIELD_MAX_S) -> float:
        asked.append(project)
        return real(project, most)

    monkeypatch.setattr(waiting, "let_waiting_writers_go", spy)
    with Project.open(path) as project:
        report = importing.import_paths(project, [src])
        assert report.articles_added == 2
        assert not project.yields_to_windows  # as it was before
    assert asked and all(p == path for p in asked)


@pytest.mark.parametrize("holder_kind", ["other program", "this process"])
def test_no_wait_refuses_at_once_and_writes_nothing(path: Path, holder_kind: str) -> None:
    with Project.open(path) as project:
        session = Session(project, "alice")
        session.open_article(project.article_ids()[0])
        holder = sqlite3.connect(path, isolation_level=None)
        held, free = threading.Event(), threading.Event()

        def import_thread() -> None:  # another writer of this process has its turn
            with write_turn(path, 1.0):
                held.set()
                free.wait(30)

        t = threading.Thread(target=import_thread)
        if holder_kind == "other program":
            holder.execute("BEGIN IMMEDIATE")
        else:
            t.start()
            held.wait(30)
        try:
            with pytest.raises(ProjectLockedError):
                session.record_position(wait=False)
        finally:
            if holder_kind == "other program":
                holder.execute("ROLLBACK")
            else:
                free.set()
                t.join()
            holder.close()
        assert project.db.execute("SELECT count(*) FROM article_progress").fetchone()[0] == 0
        assert not waiting.folder_for(path).exists()  # a write that does not wait says nothing
        assert session.record_position(wait=False)  # free now
        assert project.db.execute("SELECT count(*) FROM article_progress").fetchone()[0] == 1


def test_cli_import_uses_short_groups_while_a_window_is_open(path: Path) -> None:
    import json
    import socket
    import subprocess
    import sys

    from annotator.commands import import_cmd
    from annotator.store import open_sessions

    assert import_cmd.commit_interval(path) == importing.CLI_COMMIT_INTERVAL_S
    record = open_sessions.register(path, "alice")
    try:
        assert import_cmd.commit_interval(path) == importing.WINDOW_OPEN_COMMIT_INTERVAL_S
    finally:
        record.close()
    # the record of a window whose program died does not count
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    folder = open_sessions.folder_for(path)
    folder.mkdir(exist_ok=True)
    pid = int(gone.stdout)
    (folder / f"{pid}-x.json").write_text(
        json.dumps(
            {
                "pid": pid,
                "host": socket.gethostname(),
                "annotator": "bob",
                "started": "2026-01-01T00:00:00Z",
                "token": "x",
            }
        ),
        encoding="utf-8",
    )
    assert import_cmd.commit_interval(path) == importing.CLI_COMMIT_INTERVAL_S


def test_a_link_under_the_flags_name_is_not_followed(tmp_path: Path) -> None:
    """Someone else's link under the folder's name (a shared folder): the window never
    writes through it, so the folder it points to gets no file."""
    project = tmp_path / "p.db"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("my notes\n", encoding="utf-8")
    waiting.folder_for(project).symlink_to(elsewhere)
    assert waiting.raise_flag(project) is None
    assert sorted(p.name for p in elsewhere.iterdir()) == ["notes.txt"]
    assert not waiting.writer_waiting(project)  # nor read through it
    waiting.lower_flag(project, "notes.txt")  # never removes a file through the link
    assert (elsewhere / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


def test_a_pipe_or_file_under_the_flags_name_does_not_block(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    os.mkfifo(waiting.folder_for(project))  # no reader: an open for writing would block
    assert waiting.raise_flag(project) is None
    assert not waiting.writer_waiting(project)
    waiting.folder_for(project).unlink()
    waiting.folder_for(project).write_text("someone's file", encoding="utf-8")
    assert waiting.raise_flag(project) is None
    assert not waiting.writer_waiting(project)
    assert waiting.folder_for(project).read_text(encoding="utf-8") == "someone's file"


def test_a_window_that_gives_up_leaves_the_flag_of_one_still_waiting(path: Path) -> None:
    """Two windows wait for the lock another program holds; the first gives up (its wait
    is short): the second's request stays up for the polite writer until it has the lock
    (with one shared flag file the first window's giving up removed it)."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    second_waits = threading.Event()
    seen_after_first: list[bool] = []
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with Project.open(path) as window:
                window.write_wait = 20.0
                second_waits.set()
                window.add_article(Article("Second", "Lee said goodbye."))
        except BaseException as exc:  # noqa: BLE001 - shown by the assert below
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    second_waits.wait(10)
    end = time.monotonic() + 10
    while not waiting.writer_waiting(path) and time.monotonic() < end:
        time.sleep(0.001)
    # the first window is another program (in this process the windows take turns before
    # the lock, so only one of them waits for it at a time)
    code = (
        "import sys\n"
        "from annotator.core.errors import ProjectLockedError\n"
        "from annotator.core.model import Article\n"
        "from annotator.store import waiting\n"
        "from annotator.store.project import Project\n"
        "raised = []\n"
        "real = waiting.raise_flag\n"
        "waiting.raise_flag = lambda p: raised.append(real(p)) or raised[-1]\n"
        "with Project.open(sys.argv[1]) as first:\n"
        "    first.write_wait = 0.3\n"
        "    try:\n"
        "        first.add_article(Article('First', 'Kim said yes.'))\n"
        "    except ProjectLockedError:\n"
        "        print('refused', bool(raised and raised[0]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split() == ["refused", "True"], out.stderr  # it had its own flag up
    seen_after_first.append(waiting.writer_waiting(path))
    holder.execute("COMMIT")
    holder.close()
    t.join(30)
    assert errors == []
    assert seen_after_first == [True]  # the second window's request outlived the first's
    assert not any(waiting.folder_for(path).iterdir())
    assert _titles(path) == ["One", "Second"]


def test_a_long_wait_keeps_its_flag_fresh(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiting, "FLAG_STALE_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    seen: list[bool] = []

    def release() -> None:
        end = time.monotonic() + 10
        while not waiting.writer_waiting(path) and time.monotonic() < end:
            time.sleep(0.001)
        time.sleep(0.6)  # three times the age of a stale flag
        seen.append(waiting.writer_waiting(path))
        holder.execute("COMMIT")

    t = threading.Thread(target=release)
    t.start()
    with Project.open(path) as window:
        window.write_wait = 10.0
        window.add_article(Article("Two", "Lee said goodbye."))
    t.join()
    holder.close()
    assert seen == [True]
    assert not any(waiting.folder_for(path).iterdir())
