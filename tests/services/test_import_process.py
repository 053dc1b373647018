"""The window's import in a child process (issue 16): the same report as in-process, its
progress relayed, a cancel stops it at a group with whole articles kept, a failure comes
back as a sentence, and a child whose window went away stops by itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import Article
from annotator.services.import_process import ImportProcessError, import_in_child
from annotator.services.importing import WINDOW_OPEN_COMMIT_INTERVAL_S
from annotator.store.project import Project

TEXT = 'Harbour\n\n"We open the pier at dawn," the harbour master said on Monday.'


def _source(tmp_path: Path, n: int, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    start, end = TEXT.index('"'), TEXT.index('"', TEXT.index('"') + 1) + 1
    quote = {"content_spans": [[start, end]], "annotator": "alice", "status": "accepted"}
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            f.write(json.dumps({"title": f"Pier {k}", "text": f"{TEXT} ({k})", "quotes": [quote]}))
            f.write("\n")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as proj:
        proj.add_article(Article("Old", "Kim said hello."))
    return p


def _counts(path: Path) -> tuple[int, int, int]:
    """(articles, annotations, new articles without their quote)."""
    c = sqlite3.connect(path)
    try:
        arts = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        anns = c.execute("SELECT count(*) FROM annotations").fetchone()[0]
        bare = c.execute(
            "SELECT count(*) FROM articles WHERE title LIKE 'Pier %'"
            " AND id NOT IN (SELECT article_id FROM annotations)"
        ).fetchone()[0]
        return int(arts), int(anns), int(bare)
    finally:
        c.close()


def test_child_import_reports_and_relays_progress(project: Path, tmp_path: Path) -> None:
    src = _source(tmp_path, 30)
    seen: list[tuple[int, int, str]] = []
    report = import_in_child(
        project,
        [str(src)],
        "alice",
        lambda d, t, label: seen.append((d, t, label)),
        lambda: False,
        WINDOW_OPEN_COMMIT_INTERVAL_S,
    )
    assert (report.articles_added, report.quotes_added) == (30, 30)
    assert not report.cancelled
    assert seen and seen[-1][0] == seen[-1][1] == 30  # the end is always told
    assert _counts(project) == (31, 30, 0)
    # again: nothing new, the report says they were there
    again = import_in_child(project, [str(src)], "alice", lambda *_: None, lambda: False, 0.02)
    assert again.articles_added == 0 and again.files[0].articles_present == 30


@pytest.mark.parametrize("when", ["at once", "after progress"])
def test_cancel_keeps_whole_articles(project: Path, tmp_path: Path, when: str) -> None:
    src = _source(tmp_path, 4000)
    told: list[int] = []

    def cancelled() -> bool:
        return when == "at once" or bool(told)

    report = import_in_child(
        project, [str(src)], "alice", lambda d, *_: told.append(d), cancelled, 0.02
    )
    arts, anns, bare = _counts(project)
    assert report.cancelled
    assert report.articles_added < 4000
    assert (arts - 1, anns, bare) == (report.articles_added, report.articles_added, 0)


def test_failure_comes_back_as_a_sentence(tmp_path: Path) -> None:
    src = _source(tmp_path, 2)
    missing = tmp_path / "gone.db"
    with pytest.raises(ImportProcessError) as caught:
        import_in_child(missing, [str(src)], "alice", lambda *_: None, lambda: False, 0.02)
    assert "gone.db" in str(caught.value)
    assert not missing.exists()  # nothing created


def test_a_bad_file_is_in_the_report_not_a_failure(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x", "text": "Kim said so."}\n{not json\n', encoding="utf-8")
    report = import_in_child(project, [str(bad)], None, lambda *_: None, lambda: False, 0.02)
    assert report.articles_added == 1
    assert any("line 2" in p for p in report.files[0].problems)
