"""An import holds the project's write lock only while it writes one group of articles:
between groups another connection (a window open on the project, another program) can
write (tester17 F14: a terminal import stalled every key of the open window 1-4 s).
Groups are sized by the time they take to write (COMMIT_INTERVAL_S), whole articles
with their quotes, and a cancel still stops at a group."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.services.importing import _Steps, import_paths
from annotator.store import waiting
from annotator.store.project import Project

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'
QUOTE: dict[str, Any] = {"content_spans": [[8, 31]], "annotator": "alice", "status": "accepted"}


def _file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": f"a{i}", "title": f"T{i}", "text": f"{TEXT} ({i})", "quotes": [QUOTE]})
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def groups_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups of 4 rows: two articles with one quote each, whatever their speed."""
    monkeypatch.setattr(importing, "FLUSH_ROWS", 4)
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", 4)


@pytest.mark.parametrize(
    "interval",
    [importing.COMMIT_INTERVAL_S, importing.CLI_COMMIT_INTERVAL_S, 5.0],
    ids=["window", "command line", "long interval"],
)
def test_another_connection_writes_between_the_groups(
    tmp_path: Path, groups_of_two: None, interval: float
) -> None:
    path = _file(tmp_path, 20)
    db = tmp_path / "p.db"
    Project.open(db).close()
    other = sqlite3.connect(db, isolation_level=None, timeout=0)
    wrote: list[int] = []
    refused: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        # called as each line is read: the import's lock must be free then (after the
        # first group, whatever the commit interval)
        if not done:
            return
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            refused.append(done)
            return
        other.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (f"other {len(wrote)}",))
        other.execute("COMMIT")
        wrote.append(done)

    with Project.open(db) as project:
        report = import_paths(project, [path], progress=progress, commit_interval=interval)
    assert report.files[0].articles_added == 20
    assert refused == []
    assert len(wrote) >= 20
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 20
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 20
        stored = conn.execute("SELECT count(*) FROM settings WHERE key LIKE 'other %'")
        assert stored.fetchone()[0] == len(wrote)
    other.close()


def test_each_group_is_one_commit(
    tmp_path: Path, groups_of_two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 articles in groups of two: 10 commits (none of them half an article)."""
    commits: list[int] = []
    real = _Steps.commit

    def counted(self: _Steps) -> None:
        if self._opened is not None:
            with sqlite3.connect(tmp_path / "p.db") as conn:  # what others saw before it
                commits.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        real(self)

    monkeypatch.setattr(_Steps, "commit", counted)
    with Project.open(tmp_path / "p.db") as project:
        import_paths(project, [_file(tmp_path, 20)])
    assert commits == list(range(0, 20, 2))


def test_a_cancel_stops_at_a_group_with_whole_articles(tmp_path: Path, groups_of_two: None) -> None:
    path = _file(tmp_path, 20)
    seen: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        seen.append(done)

    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [path], progress=progress, cancel=lambda: len(seen) > 7)
        assert report.cancelled
        added = report.files[0].articles_added
        assert 0 < added < 20
        quotes = project.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
        articles = project.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles == quotes == added


@pytest.mark.parametrize(
    ("rows", "seconds", "grows"),
    [(1000, 0.001, True), (1000, 10.0, False), (200, 0.002, True), (5000, 1.0, False)],
)
def test_the_next_group_is_sized_by_the_time_the_last_took(
    tmp_path: Path, rows: int, seconds: float, grows: bool
) -> None:
    with Project.open(tmp_path / "p.db") as project:
        steps = _Steps(project, 0.05)
        before = steps.group_rows
        steps.written(rows, seconds, full=True)
        after = steps.group_rows
    assert (after > before) == grows
    assert importing.MIN_FLUSH_ROWS <= after <= importing.LONG_FLUSH_ROWS


@pytest.mark.parametrize("small_files", [1, 3])
def test_no_lock_is_held_while_a_big_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_files: int
) -> None:
    """Small .txt files leave their group open (up to the commit interval); a big file after
    them is read with that group committed, so another program can write meanwhile."""
    paths = []
    for i in range(small_files):
        small = tmp_path / f"small{i}.txt"
        small.write_text(f"Short note {i}.\\n\\nThe mayor said so on day {i}.", encoding="utf-8")
        paths.append(small)
    big = tmp_path / "big.txt"
    big.write_text("The council met. " * (importing.BIG_READ_BYTES // 10), encoding="utf-8")
    paths.append(big)
    db = tmp_path / "p.db"
    Project.open(db).close()
    monkeypatch.setattr(importing, "COMMIT_INTERVAL_S", 3600.0)
    held: dict[str, bool] = {}
    real = importing.import_file

    def watched(project: Project, path: Path, *args: Any) -> Any:
        held[Path(path).name] = project.db.conn.in_transaction
        return real(project, path, *args)

    monkeypatch.setattr(importing, "import_file", watched)
    with Project.open(db) as project:
        report = import_paths(project, paths, commit_interval=3600.0)
    assert [f.articles_added for f in report.files] == [1] * (small_files + 1)
    assert held["big.txt"] is False
    if small_files > 1:  # small files after a small one share its open group
        assert held["small1.txt"] is True
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == small_files + 1


@pytest.mark.parametrize("at_work", [False, True])
def test_groups_are_short_while_a_window_is_at_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_work: bool
) -> None:
    """A window waited for the lock lately (someone presses keys): the next group aims at
    KEYS_INTERVAL_S at once and may be as small as KEYS_MIN_ROWS (a key waits for the
    group under way); otherwise it moves half way towards the interval's size."""
    monkeypatch.setattr(waiting, "window_at_work", lambda _p, within=None: at_work)
    with Project.open(tmp_path / "p.db") as project:
        steps = _Steps(project, importing.WINDOW_OPEN_COMMIT_INTERVAL_S)
        steps.group_rows = 1000
        steps.written(1000, 0.02, full=True)  # 1,000 rows took the interval (20 ms)
        first = steps.group_rows
        steps.written(first, 1.0, full=True)  # a very slow group (a loaded machine)
        second = steps.group_rows
    if at_work:
        assert first == int(1000 * importing.KEYS_INTERVAL_S / 0.02)  # 500
        assert second == importing.KEYS_MIN_ROWS
    else:
        assert first == 1000
        assert second == (1000 + 20) // 2  # half way, not below MIN_FLUSH_ROWS at once


def test_a_window_waiting_now_or_lately_is_at_work(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    assert not waiting.window_at_work(path)
    flag = waiting.raise_flag(path)
    assert waiting.window_at_work(path)  # it waits now
    waiting.lower_flag(path, flag)
    assert waiting.window_at_work(path)  # it waited a moment ago: keys are being pressed
    assert not waiting.window_at_work(path, within=0.0)
    assert not waiting.window_at_work(tmp_path / "other.db")  # per project
