"""Cancelling an import (File > Cancel import, Ctrl+C on ``annotator import``) stops at the
next group of articles, keeps whole articles with their quotes, says exactly how many, and
the same import again adds the rest (tester16 F3). Empty texts are skipped with a line
naming file and line (F5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.commands import import_cmd
from annotator.io import quote_jsonl
from annotator.services import importing
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'
QUOTE: dict[str, Any] = {"content_spans": [[8, 31]], "annotator": "alice", "status": "accepted"}


def _line(n: int) -> str:
    return json.dumps({"id": f"a{n}", "title": f"T{n}", "text": f"{TEXT} ({n})", "quotes": [QUOTE]})


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _after(k: int) -> tuple[Callable[[], bool], Callable[[int, int, str], None]]:
    """(cancel, progress): cancel turns True once progress has counted ``k`` lines."""
    seen = {"done": 0}

    def progress(done: int, total: int, label: str) -> None:
        seen["done"] = done

    return (lambda: seen["done"] >= k), progress


def _rows(db: Path) -> tuple[int, int, int, str]:
    """(articles, annotations, articles without an annotation, integrity_check)."""
    with Project.open(db) as p:
        arts = p.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        anns = p.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
        bare = p.db.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM annotations)"
        ).fetchone()[0]
        ok = p.db.execute("PRAGMA integrity_check").fetchone()[0]
    return arts, anns, bare, ok


@pytest.fixture(params=[2, 6], ids=["groups of 1 article", "groups of 3"])
def small_groups(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    # a group is FLUSH_ROWS rows: an article and its quote are two
    monkeypatch.setattr(importing, "FLUSH_ROWS", request.param)
    return int(request.param)


@pytest.mark.parametrize("k", [1, 7, 19])
@pytest.mark.parametrize("parallel", [False, True], ids=["in process", "worker process"])
def test_cancel_mid_file_keeps_whole_groups_and_says_how_many(
    tmp_path: Path, small_groups: int, k: int, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    if parallel:
        monkeypatch.setattr(quote_jsonl, "PARALLEL_MIN_BYTES", 0)
        real_popen = subprocess.Popen

        def popen(*args: Any, **kw: Any) -> subprocess.Popen[bytes]:
            proc = real_popen(*args, **kw)
            started.append(proc)
            return proc

        monkeypatch.setattr(quote_jsonl.subprocess, "Popen", popen)
    src = _write(tmp_path / "new20.jsonl", [_line(n) for n in range(20)])
    later = _write(tmp_path / "later.jsonl", [_line(n) for n in range(100, 103)])
    db = tmp_path / "p.db"
    cancel, progress = _after(k)
    with Project.open(db) as p:
        report = import_paths(p, [src, later], progress=progress, cancel=cancel)
    f, g = report.files
    assert report.cancelled
    # the worker process reading the file was ended with the import
    assert len(started) == int(parallel) and all(p.poll() is not None for p in started)
    assert f.status == "cancelled" and g.status == "not imported"
    # stopped at the first group after the cancel: what was read (k lines) is stored whole
    assert f.articles_added == k and f.quotes_added == k
    arts, anns, bare, ok = _rows(db)
    assert (arts, anns, bare, ok) == (k, k, 0, "ok")
    those = "it is" if k == 1 else f"those {k:,} are"
    assert report.summary().startswith(
        f"Import cancelled after {k:,} of about 20 articles of new20.jsonl; "
        f"{those} in the project; not imported: {later}."
    )
    assert "Importing the same files again adds the rest" in report.summary()
    assert f"{src}: cancelled after {k:,} of about 20 articles" in report.lines()[0]

    # the same import again adds the rest, and skips what is there
    with Project.open(db) as p:
        again = import_paths(p, [src, later])
    f2, g2 = again.files
    assert (f2.articles_added, f2.articles_present) == (20 - k, k)
    assert g2.articles_added == 3
    assert _rows(db) == (23, 23, 0, "ok")


def test_cancel_before_the_first_file_imports_nothing(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.jsonl", [_line(n) for n in range(5)])
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src], cancel=lambda: True)
    assert report.cancelled and [f.status for f in report.files] == ["not imported"]
    assert report.summary().startswith("Import cancelled before its first file")
    assert _rows(tmp_path / "p.db")[:2] == (0, 0)


def test_cancel_between_text_files_names_the_done_and_the_missing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"f{n}.txt").write_text(f"Title {n}\n\nBody number {n}.\n", encoding="utf-8")
    calls = {"n": 0}

    def cancel() -> bool:  # polled before each file and each entry: True from the 3rd file
        calls["n"] += 1
        return calls["n"] > 4

    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [folder], cancel=cancel)
        stored = p.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    statuses = [f.status for f in report.files]
    assert statuses[:2] == ["imported", "imported"]
    assert set(statuses[2:]) <= {"cancelled", "not imported"}
    assert stored == report.articles_added == sum(f.articles_added for f in report.files)
    summary = report.summary()
    assert summary.startswith("Import cancelled")
    assert "done before: " in summary and str(folder / "f0.txt") in summary
    assert "not imported: " in summary


def test_cli_ctrl_c_stops_at_a_group_prints_what_was_kept_and_exits_130(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", 4)
    src = _write(tmp_path / "big.jsonl", [_line(n) for n in range(30)])
    db = tmp_path / "p.db"
    real = import_cmd.import_paths

    def interrupted(*args: Any, **kw: Any) -> Any:
        progress = kw.get("progress") or args[3]

        def with_ctrl_c(done: int, total: int, label: str) -> None:
            progress(done, total, label)
            if done == 9:  # a real SIGINT, as the terminal sends it
                os.kill(os.getpid(), signal.SIGINT)

        args = (*args[:3], with_ctrl_c, *args[4:])
        return real(*args, **kw)

    monkeypatch.setattr(import_cmd, "import_paths", interrupted)
    # as from a terminal (a background job of a shell starts with SIGINT ignored)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        res = run_cli("import", str(db), str(src), "--quiet")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler gone
    finally:
        signal.signal(signal.SIGINT, before)
    assert res.returncode == 130
    kept = _rows(db)
    assert kept[1:] == (kept[0], 0, "ok")  # each article with its quote
    assert 9 <= kept[0] < 30
    assert f"Import cancelled after {kept[0]:,} of about 30 articles of big.jsonl" in res.stdout
    assert f"those {kept[0]:,} are in the project" in res.stdout
    monkeypatch.setattr(import_cmd, "import_paths", real)
    res2 = run_cli("import", str(db), str(src), "--quiet")
    assert res2.returncode == 0
    assert _rows(db) == (30, 30, 0, "ok")


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\r\n"])
@pytest.mark.parametrize("fmt", ["quote", "prodigy"])
def test_an_empty_text_is_skipped_and_named(tmp_path: Path, text: str, fmt: str) -> None:
    if fmt == "quote":
        lines = [_line(1), json.dumps({"id": "t9", "text": text}), _line(2)]
    else:
        task = {"text": "A task.", "spans": []}
        lines = [json.dumps(task), json.dumps({"text": text, "spans": []})]
    src = _write(tmp_path / "in.jsonl", lines)
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
        texts = [r[0] for r in p.db.execute("SELECT text FROM articles")]
    (f,) = report.files
    assert all(t.strip() for t in texts) and len(texts) == (2 if fmt == "quote" else 1)
    assert f.problems == [
        f"{src}, line 2: the text is empty (the {'article' if fmt == 'quote' else 'task'}"
        " was skipped)"
    ]


def test_a_latin1_jsonl_line_says_how_to_convert(tmp_path: Path) -> None:
    src = tmp_path / "latin.jsonl"
    line = json.dumps({"text": "Caf\u00e9 said it."}, ensure_ascii=False)
    src.write_bytes(line.encode("latin-1"))
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
    (f,) = report.files
    assert f.status == "failed"
    assert "not UTF-8" in f.problems[0] and "iconv -f latin1 -t utf-8" in f.problems[0]


@pytest.mark.parametrize("text", ["", " \n\t\n"])
def test_a_brat_article_with_an_empty_text_is_skipped_and_named(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "a.ann").write_text("", encoding="utf-8")
    (folder / "b.txt").write_text("Title\n\nThe mayor spoke.\n", encoding="utf-8")
    (folder / "b.ann").write_text("", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [folder])
        texts = [r[0] for r in p.db.execute("SELECT text FROM articles")]
    assert texts == ["Title\n\nThe mayor spoke.\n"]
    (f,) = report.files
    assert f.problems == [f"{folder / 'a.ann'}: its .txt file is empty; the article was skipped"]
