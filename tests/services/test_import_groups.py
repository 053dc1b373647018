"""Quote JSONL is imported in groups of bulk inserts (issue 16), with every guarantee of
one-article-at-a-time: a refused article costs only itself, repeated texts and quotes are
found, the report follows the file's order and counts only what was stored."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'
QUOTE: dict[str, Any] = {"content_spans": [[8, 31]], "annotator": "alice", "status": "accepted"}
OTHER: dict[str, Any] = {"content_spans": [[33, 45]], "annotator": "bob", "kind": "indirect"}


def _line(n: int, quotes: list[dict[str, Any]], text: str | None = None, **kw: Any) -> str:
    return json.dumps({"id": f"a{n}", "title": f"T{n}", "text": text or f"{TEXT} ({n})",
                       "quotes": quotes, **kw})  # fmt: skip


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=[3, 1000], ids=["small groups", "one group"])
def flush_rows(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importing, "FLUSH_ROWS", request.param)
    return int(request.param)


def test_a_refused_article_in_a_group_costs_only_itself(tmp_path: Path, flush_rows: int) -> None:
    lines = [_line(n, [QUOTE | {"note": "refuse" if n == 7 else None}]) for n in range(20)]
    path = _write(tmp_path, lines)
    with Project.open(tmp_path / "p.db") as p:
        p.db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.annotations"
            " WHEN NEW.note = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
        report = import_paths(p, [path])
        (f,) = report.files
        assert (f.articles_added, f.quotes_added) == (19, 19)
        assert len(f.problems) == 1 and "'T7'" in f.problems[0]
        assert "refused by the test" in f.problems[0]
        titles = [r[0] for r in p.db.execute("SELECT title FROM articles ORDER BY id")]
        assert titles == [f"T{n}" for n in range(20) if n != 7]
        assert p.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 19
        # the refused article left no suggestion, detection or progress row either
        assert (
            p.db.execute("SELECT count(DISTINCT article_id) FROM article_progress").fetchone()[0]
            == 19
        )


def test_a_text_repeated_in_a_group_is_one_article(tmp_path: Path, flush_rows: int) -> None:
    lines = [
        _line(0, [QUOTE], text=TEXT),
        _line(1, [QUOTE]),
        _line(2, [QUOTE, OTHER], text=TEXT),  # same text: QUOTE is there, OTHER is new
        _line(3, [QUOTE | {"origin": "model", "annotator": None}], text=TEXT),
    ]
    with Project.open(tmp_path / "p.db") as p:
        (f,) = import_paths(p, [_write(tmp_path, lines)]).files
        assert (f.articles_added, f.articles_present) == (2, 2)
        assert (f.quotes_added, f.quotes_present) == (3, 1)
        assert f.suggestions_added == 1
        assert [(r.quote.annotator, r.quote.start) for r in p.annotations(1)] == [
            ("alice", 8),
            ("bob", 33),
        ]
        assert len(p.suggestions(1)) == 1
        # importing the file again adds nothing
        (again,) = import_paths(p, [_write(tmp_path, lines)]).files
        assert (again.articles_added, again.quotes_added, again.suggestions_added) == (0, 0, 0)
        assert again.status == "skipped"


def test_problems_keep_the_file_order(tmp_path: Path, flush_rows: int) -> None:
    lines = [
        _line(0, [QUOTE]),
        "{broken",
        _line(2, [QUOTE | {"note": "refuse"}]),
        _line(3, [QUOTE]),
        '"not an object"',
    ]
    path = _write(tmp_path, lines)
    with Project.open(tmp_path / "p.db") as p:
        p.db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.annotations"
            " WHEN NEW.note = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        (f,) = import_paths(p, [path]).files
        where = [re.search(r"line \d+|'T\d+'", x).group(0) for x in f.problems]  # type: ignore[union-attr]
        assert where == ["line 2", "'T2'", "line 5"]
        assert f.articles_added == 2


def test_groups_write_suggestions_by_detector_version(tmp_path: Path, flush_rows: int) -> None:
    model = {"origin": "model", "annotator": None, "confidence": 0.5}
    lines = [
        _line(0, [QUOTE | model | {"detector_version": "d1"}, OTHER | model]),
        _line(1, [QUOTE | model | {"detector_version": "d2"}]),
        _line(2, []),
    ]
    with Project.open(tmp_path / "p.db") as p:
        (f,) = import_paths(p, [_write(tmp_path, lines)]).files
        assert (f.articles_added, f.suggestions_added, f.quotes_added) == (3, 3, 0)
        assert p.detections(1).keys() == {"d1", "imported"}
        assert p.detections(2).keys() == {"d2"}
        assert p.detections(3) == {}
        assert [s.quote.confidence for s in p.suggestions(1, "d1")] == [0.5]
        assert [s.quote.status for s in p.suggestions(1, "imported")] == ["pending"]
        assert p.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_a_group_is_logged_in_the_batch_row_not_per_quote(tmp_path: Path) -> None:
    lines = [_line(n, [QUOTE, OTHER]) for n in range(50)]
    with Project.open(tmp_path / "p.db") as p:
        import_paths(p, [_write(tmp_path, lines)])
        rows = p.db.execute("SELECT action, entity, payload FROM changelog").fetchall()
        batches = [json.loads(r[2]) for r in rows if r[:2] == ("import", "batch")]
        assert sum(len(b.get("import article", [])) for b in batches) == 50
        assert sum(len(b.get("add annotation", [])) for b in batches) == 100
        assert all(r[:2] != ("add", "annotation") for r in rows)


@pytest.mark.parametrize("limit", [1, 2, 1000])
def test_duplicate_quotes_found_after_the_index_dropped_their_article(
    tmp_path: Path, flush_rows: int, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quote index keeps only the last INDEX_ARTICLES articles (bounded memory at 100k
    articles); an article coming back after it was dropped is read from the store again,
    so its known quotes are still skipped and its new ones added."""
    monkeypatch.setattr(importing, "INDEX_ARTICLES", limit)
    first = [_line(n, [QUOTE, OTHER]) for n in range(6)]
    again = [
        _line(0, [QUOTE, OTHER, QUOTE | {"annotator": "carol"}]),
        _line(3, [OTHER]),
        _line(0, [QUOTE | {"annotator": "carol"}]),
    ]
    path = _write(tmp_path, first + again)
    with Project.open(tmp_path / "p.db") as p:
        index = importing._QuoteIndex(p)
        report = importing.import_file(p, path, index=index)
        assert len(index._cache) <= limit
        assert (report.articles_added, report.articles_present) == (6, 3)
        assert (report.quotes_added, report.quotes_present) == (13, 4)
        rows = p.db.execute(
            "SELECT ar.ext_id, an.name FROM annotations a JOIN articles ar ON ar.id = a.article_id"
            " JOIN annotators an ON an.id = a.annotator_id ORDER BY ar.ext_id, an.name"
        ).fetchall()
        assert [tuple(r) for r in rows if r[0] == "a0"] == [
            ("a0", "alice"), ("a0", "bob"), ("a0", "carol")
        ]  # fmt: skip
        assert len(rows) == 13


@pytest.mark.parametrize(
    ("interval", "want_groups"),
    [(importing.COMMIT_INTERVAL_S, 6), (importing.CLI_COMMIT_INTERVAL_S, 6), (3600.0, 6)],
)
def test_the_groups_are_their_size_whatever_the_commit_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interval: float, want_groups: int
) -> None:
    """Each group is one INSERT of articles (a full-text segment each) and one commit: its
    size (FLUSH_ROWS at first, then fitted to the time a group takes, at most
    LONG_FLUSH_ROWS) does not depend on the command line's or the window's interval."""
    from annotator.store import bulk

    monkeypatch.setattr(importing, "FLUSH_ROWS", 4)  # 2 articles of 1 quote
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", 4)
    calls: list[int] = []
    real = bulk.add_article_rows

    def spy(project: Project, rows: Any, *args: Any) -> Any:
        calls.append(len(rows))
        return real(project, rows, *args)

    monkeypatch.setattr(bulk, "add_article_rows", spy)
    path = _write(tmp_path, [_line(n, [QUOTE]) for n in range(12)])
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [path], commit_interval=interval)
        assert report.files[0].articles_added == 12
        assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 12
    assert len(calls) == want_groups
    assert sum(calls) == 12
