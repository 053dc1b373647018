"""``annotator import p.db a.jsonl b.jsonl c.jsonl`` when another program takes the
project's write lock partway: the report says which files are in and which are not, and
running the same import again adds exactly what is missing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.store.project import Project
from tests.conftest import CliRunner

#: Seconds the import waits for the lock in these tests (the product waits 10).
WAIT = 0.3


def _article(name: str, n: int) -> dict[str, Any]:
    text = f"{name.upper()} story {n}\n\n\u201cThe ferry runs again,\u201d said Pilot Ada Moss {n}."
    start = text.index("The ferry")
    return {
        "id": f"{name}{n}",
        "title": f"{name} {n}",
        "text": text,
        "quotes": [
            {
                "content_spans": [[start, start + 20]],
                "speaker_name": f"Ada Moss {n}",
                "kind": "direct",
                "annotator": "ann",
            }
        ],
    }


#: File name -> its articles (each with one quote).
FILES = {"a": 2, "b": 3, "c": 2}


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    out = []
    for name, count in FILES.items():
        path = tmp_path / f"{name}.jsonl"
        rows = [_article(name, n) for n in range(count)]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
        out.append(path)
    return out


class _OtherProgram:
    """A second connection that takes the project's write lock after the import's
    ``after``-th commit and holds it until :meth:`release`."""

    def __init__(self, path: Path, after: int) -> None:
        self.path = path
        self.after = after
        self.commits = 0
        self.conn: sqlite3.Connection | None = None

    def committed(self) -> None:
        self.commits += 1
        if self.commits == self.after:
            self.take()

    def take(self) -> None:
        self.conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")  # the write lock, as another writer holds it
        self.conn.execute("INSERT INTO settings (key, value) VALUES ('other', '1')")

    def release(self) -> None:
        assert self.conn is not None
        self.conn.execute("ROLLBACK")
        self.conn.close()


@pytest.fixture
def locking(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[_OtherProgram]]:
    """Each article is its own group and commit (the command line commits every second:
    here at once), and the lock is waited for WAIT seconds."""
    monkeypatch.setattr("annotator.store.db._BUSY_TIMEOUT_S", WAIT)
    monkeypatch.setattr("annotator.commands.import_cmd.CLI_COMMIT_INTERVAL_S", 0.0)
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", 1)
    monkeypatch.setattr(importing, "FLUSH_ROWS", 1)
    others: list[_OtherProgram] = []
    real_commit = importing._Steps.commit

    def commit(self: importing._Steps) -> None:
        was_open = self._opened is not None
        real_commit(self)
        if was_open:
            for other in others:
                other.committed()

    monkeypatch.setattr(importing._Steps, "commit", commit)
    yield others
    for other in others:
        if other.conn is not None:
            other.conn.close()


def _contents(path: Path) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    with Project.open(path, readonly=True) as p:
        articles = p.db.execute("SELECT ext_id, text FROM articles ORDER BY ext_id").fetchall()
        quotes = p.db.execute(
            "SELECT ar.ext_id, an.name, a.content_spans, a.kind, a.status FROM annotations a"
            " JOIN articles ar ON ar.id = a.article_id"
            " JOIN annotators an ON an.id = a.annotator_id ORDER BY 1"
        ).fetchall()
    return [tuple(r) for r in articles], [tuple(r) for r in quotes]


def _setting_taken(path: Path) -> bool:
    with Project.open(path, readonly=True) as p:
        return p.db.execute("SELECT count(*) FROM settings WHERE key = 'other'").fetchone()[0] > 0


AGAIN = (
    "Running the same import again is safe: articles already in the project (the same "
    "text) and quotes already there are skipped, so only what is missing is added."
)


@pytest.mark.parametrize(
    ("after", "stored", "summary", "lines"),
    [
        (
            2,  # a.jsonl's two articles committed, then the lock is taken
            ["a0", "a1"],
            "Imported 2 articles and 2 quotes before that; done: {a}; not imported: {b}, {c}.",
            [
                "{a}: imported 2 articles and 2 quotes; quotes went to ann (2)",
                "{b}: not imported: {locked}",
                "{c}: not imported (the import stopped before it)",
            ],
        ),
        (
            3,  # and b.jsonl's first one
            ["a0", "a1", "b0"],
            "Imported 3 articles and 3 quotes before that; done: {a}; partly done: {b} "
            "(1 article and 1 quote stored, the rest not); not imported: {c}.",
            [
                "{a}: imported 2 articles and 2 quotes; quotes went to ann (2)",
                "{b}: stopped after storing 1 article and 1 quote: {locked}",
                "{c}: not imported (the import stopped before it)",
            ],
        ),
        (
            5,  # a.jsonl and b.jsonl done
            ["a0", "a1", "b0", "b1", "b2"],
            "Imported 5 articles and 5 quotes before that; done: {a}, {b}; not imported: {c}.",
            [
                "{a}: imported 2 articles and 2 quotes; quotes went to ann (2)",
                "{b}: imported 3 articles and 3 quotes; quotes went to ann (3)",
                "{c}: not imported: {locked}",
            ],
        ),
    ],
    ids=["after a", "inside b", "after b"],
)
def test_a_lock_partway_names_what_is_in_and_again_completes_it(
    tmp_path: Path,
    run_cli: CliRunner,
    inputs: list[Path],
    locking: list[_OtherProgram],
    after: int,
    stored: list[str],
    summary: str,
    lines: list[str],
) -> None:
    project = tmp_path / "p.db"
    other = _OtherProgram(project, after)
    locking.append(other)
    res = run_cli("import", str(project), *map(str, inputs), "--quiet")
    assert res.returncode == 1
    a, b, c = map(str, inputs)
    locked = f"{project}: is locked by another program (waited {WAIT:g} s)"
    names = {"a": a, "b": b, "c": c, "locked": locked}
    out = res.stdout.splitlines()
    assert out == [
        *(line.format(**names) for line in lines),
        f"The import stopped: {locked}. " + summary.format(**names) + " " + AGAIN,
    ]
    assert "nothing was changed" not in res.stdout + res.stderr
    other.release()
    assert not _setting_taken(project)  # the other program's change was its own to undo
    articles, quotes = _contents(project)
    assert [ext for ext, _ in articles] == stored  # what the report says is in, is in
    assert [q[0] for q in quotes] == stored

    # the same command again: only what is missing is added, nothing twice
    again = run_cli("import", str(project), *map(str, inputs), "--quiet")
    assert again.returncode == 0, again.stdout
    total = sum(FILES.values())
    assert again.stdout.splitlines()[-1].startswith(
        f"Imported {total - len(stored)} articles and {total - len(stored)} quotes from 3 files"
    )
    clean = tmp_path / "clean.db"
    run_cli("import", str(clean), *map(str, inputs), "--quiet", check=True)
    assert _contents(project) == _contents(clean)
    assert len(_contents(project)[0]) == total


def test_the_lock_before_the_first_write_stops_with_nothing_stored(
    tmp_path: Path, run_cli: CliRunner, inputs: list[Path], locking: list[_OtherProgram]
) -> None:
    project = tmp_path / "p.db"
    run_cli("import", str(project), str(inputs[0]), "--quiet", check=True)  # an existing one
    other = _OtherProgram(project, after=0)
    other.take()
    locking.append(other)
    res = run_cli("import", str(project), str(inputs[1]), str(inputs[2]), "--quiet")
    assert res.returncode == 1
    locked = f"{project}: is locked by another program (waited {WAIT:g} s)"
    assert res.stdout.splitlines() == [
        f"{inputs[1]}: not imported: {locked}",
        f"{inputs[2]}: not imported (the import stopped before it)",
        f"The import stopped: {locked}. Imported 0 articles and 0 quotes before that; not "
        f"imported: {inputs[1]}, {inputs[2]}. {AGAIN}",
    ]
    other.release()
    assert [ext for ext, _ in _contents(project)[0]] == ["a0", "a1"]
    again = run_cli("import", str(project), str(inputs[1]), str(inputs[2]), "--quiet")
    assert again.returncode == 0
    assert len(_contents(project)[0]) == sum(FILES.values())


def test_a_lock_on_a_single_file_import_names_it(
    tmp_path: Path, run_cli: CliRunner, inputs: list[Path], locking: list[_OtherProgram]
) -> None:
    project = tmp_path / "p.db"
    other = _OtherProgram(project, after=1)
    locking.append(other)
    res = run_cli("import", str(project), str(inputs[1]), "--quiet")
    assert res.returncode == 1
    out = res.stdout.splitlines()
    assert out[0].startswith(f"{inputs[1]}: stopped after storing 1 article and 1 quote: ")
    assert "partly done: " in out[-1] and "not imported" not in out[-1]
    other.release()
    assert [ext for ext, _ in _contents(project)[0]] == ["b0"]
