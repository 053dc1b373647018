"""The bulk import's guarantees with its faster writer (issue 16): a kill in the middle of
an import leaves a project that opens with every committed batch whole (each article with
all its quotes, nothing half-written), and bad lines are reported with their file and line
while the good lines next to them are imported."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from annotator.io import quote_jsonl
from annotator.services.importing import import_paths
from annotator.store.project import Project

REPO = Path(__file__).resolve().parents[2]


def _article(i: int) -> dict[str, Any]:
    """Article ``i``: its own text, with ``i % 4 + 1`` quotes by two annotators."""
    parts = [f"Ferry report {i}\n\n"]
    quotes = []
    for k in range(i % 4 + 1):
        said = f'"Crossing {k} of day {i} ran late," the captain said.'
        start = sum(len(p) for p in parts) + 1
        parts.append(said + "\n\n")
        quotes.append(
            {
                "content_spans": [[start, start + len(said) - 20]],
                "annotator": "alice" if k % 2 else "bob",
                "kind": "direct",
            }
        )
    return {"id": f"f{i}", "text": "".join(parts), "quotes": quotes}


CHILD = """
import sys
from annotator.services.importing import import_paths
from annotator.store.project import Project
with Project.open(sys.argv[1]) as p:
    import_paths(p, [sys.argv[2]], commit_interval=0.0)
print("finished")
"""


def _batches(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM changelog").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


@pytest.mark.parametrize("parallel", [False, True], ids=["in process", "worker"])
def test_a_killed_import_leaves_every_committed_batch_whole(tmp_path: Path, parallel: bool) -> None:
    n = 20_000
    src = tmp_path / "many.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(_article(i)) + "\n")
    db = tmp_path / "p.db"
    with Project.open(db):
        pass  # made (and migrated) before the child writes
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if not parallel:  # the worker starts from 32 MiB; this file is smaller
        assert src.stat().st_size < quote_jsonl.PARALLEL_MIN_BYTES
    code = CHILD
    if parallel:
        code = "import annotator.io.quote_jsonl as q; q.PARALLEL_MIN_BYTES = 0\n" + CHILD
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(src)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its worker is killed with it
    )
    deadline = time.monotonic() + 120
    while _batches(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Project.open(db) as project:
        db_ = project.db
        assert db_.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logged_articles: list[int] = []
        logged_quotes: list[int] = []
        for (payload,) in db_.execute("SELECT payload FROM changelog WHERE action = 'import'"):
            batch = json.loads(payload)
            logged_articles += batch.get("import article", [])
            logged_quotes += batch.get("add annotation", [])
        stored = [r[0] for r in db_.execute("SELECT id FROM articles ORDER BY id")]
        assert 0 < len(stored) < n  # killed in the middle
        # what the change log says was committed is exactly what is there
        assert sorted(logged_articles) == stored
        quote_ids = [r[0] for r in db_.execute("SELECT id FROM annotations ORDER BY id")]
        assert sorted(logged_quotes) == quote_ids
        # every stored article has all its quotes, with their file's spans
        for ident, ext_id, count in db_.execute(
            "SELECT a.id, a.ext_id, count(q.id) FROM articles a"
            " LEFT JOIN annotations q ON q.article_id = a.id GROUP BY a.id"
        ):
            i = int(ext_id[1:])
            assert count == i % 4 + 1, ext_id
            want = sorted(json.dumps(q["content_spans"]) for q in _article(i)["quotes"])
            got = sorted(
                r[0]
                for r in db_.execute(
                    "SELECT content_spans FROM annotations WHERE article_id = ?", [ident]
                )
            )
            assert [json.loads(s) for s in got] == [json.loads(s) for s in want]
        # the articles are a prefix of the file: batches are committed in order
        assert [int(r[0][1:]) for r in db_.execute("SELECT ext_id FROM articles ORDER BY id")] == (
            list(range(len(stored)))
        )
        # full-text search finds the stored articles and only those
        assert project.search_articles("ferry") == stored
        # importing the file again completes it, adding nothing twice
        report = import_paths(project, [src])
        assert report.files[0].articles_present == len(stored)
        assert db_.execute("SELECT count(*) FROM articles").fetchone()[0] == n


@pytest.mark.parametrize("parallel", [False, True], ids=["in process", "worker"])
@pytest.mark.parametrize("flush_rows", [2, 1000], ids=["small groups", "one group"])
def test_bad_lines_are_reported_and_their_neighbours_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool, flush_rows: int
) -> None:
    from annotator.services import importing

    monkeypatch.setattr(importing, "FLUSH_ROWS", flush_rows)
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", flush_rows)
    monkeypatch.setattr(quote_jsonl, "PARALLEL_MIN_BYTES", 0 if parallel else 2**40)
    good = [_article(i) for i in range(8)]
    kind = dict(good[2], id="bad-kind", text=good[2]["text"] + "!")
    kind["quotes"] = [dict(good[2]["quotes"][0], kind="shouted")]
    lines = [
        json.dumps(good[0]),
        json.dumps(kind),  # 2: a quote of a kind the schema refuses
        json.dumps(good[1]),
        '{"text": "no end',  # 4: broken JSON
        json.dumps(good[2]),
        json.dumps(dict(good[3], quotes=[{"content_spans": [[0, 99999]]}])),  # 6: past the end
        json.dumps(good[4]),
        json.dumps(dict(good[5], quotes=[{"content_spans": []}])),  # 8: no content
        json.dumps(good[6]),
        json.dumps({"id": "no text"}),  # 10: no text
        json.dumps(dict(good[7], quotes=[dict(good[7]["quotes"][0], confidence=1.5)])),  # 11
    ]
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [src]).files[0]
        problems = report.problems
        # lines 4 and 10 are bad as a whole; the others hold one bad quote each, which
        # costs only that quote (their articles are stored without it)
        assert [p.split(": ")[0] for p in problems] == [
            f"{src}, line 2, quote 1",
            f"{src}, line 4",
            f"{src}, line 6, quote 1",
            f"{src}, line 8, quote 1",
            f"{src}, line 10",
            f"{src}, line 11, quote 1",
        ]
        assert "quote 1: kind" in problems[0]
        assert "past the end" in problems[2]
        assert "confidence" in problems[5]
        assert report.quotes_refused == 4
        ext_ids = [r[0] for r in project.db.execute("SELECT ext_id FROM articles ORDER BY id")]
        assert ext_ids == ["f0", "bad-kind", "f1", "f2", "f3", "f4", "f5", "f6", "f7"]
        counts = dict(
            project.db.execute(
                "SELECT a.ext_id, count(q.id) FROM articles a"
                " JOIN annotations q ON q.article_id = a.id GROUP BY a.ext_id"
            ).fetchall()
        )
        assert counts == {f"f{i}": i % 4 + 1 for i in (0, 1, 2, 4, 6)}  # f3, f5, f7: none
        assert report.articles_added == 9
        assert report.quotes_added == sum(i % 4 + 1 for i in (0, 1, 2, 4, 6))
