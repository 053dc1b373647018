"""One good line next to one bad line: the good one is stored, the bad one reported.

For every field of the quote JSONL (and its top level), and for hostile JSON, a file holds
a good article and a bad one; the import must store exactly the good one, name the bad
line with its number and reason, and count only what was stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'
GOOD_QUOTE: dict[str, Any] = {
    "content_spans": [[8, 31]],
    "speaker_spans": [[32, 44]],
    "cue_spans": [[45, 49]],
    "speaker_text": "the minister",
    "speaker_name": "Ana Lima",
    "kind": "direct",
    "stance": "support",
    "stance_target": "the budget",
    "annotator": "alice",
    "status": "accepted",
    "origin": "manual",
    "confidence": 0.5,
}

# (field, bad value) for every quote field; each must cost only its own line
BAD_QUOTE_FIELDS: list[tuple[str, Any]] = [
    ("content_spans", []),
    ("content_spans", [[8]]),
    ("content_spans", [[8, 31, 40]]),
    ("content_spans", [[-3, 5]]),
    ("content_spans", [[20, 10]]),
    ("content_spans", [[8, 8]]),
    ("content_spans", [[8, 9999]]),
    ("content_spans", [["8", 31]]),
    ("content_spans", [[8.0, 31]]),
    ("content_spans", [[True, 31]]),
    ("content_spans", "8-31"),
    ("content_spans", None),
    ("speaker_spans", [[32, 9999]]),
    ("speaker_spans", [[-1, 4]]),
    ("speaker_spans", {"a": 1}),
    ("cue_spans", [[45]]),
    ("cue_spans", [[45, "49"]]),
    ("speaker_text", 42),
    ("speaker_text", ["the minister"]),
    ("speaker_name", 42),
    ("speaker_name", {"first": "Ana"}),
    ("kind", "quoted"),
    ("kind", 1),
    ("stance", {}),
    ("stance", ["support"]),
    ("stance", 3),
    ("stance_target", 7),
    ("annotator", ["x"]),
    ("annotator", ""),
    ("annotator", "   "),
    ("annotator", 5),
    ("status", "done"),
    ("status", True),
    ("origin", "robot"),
    ("confidence", 7),
    ("confidence", -0.1),
    ("confidence", "0.5"),
    ("confidence", True),
    ("note", 12),
]

# whole bad lines (raw text), hostile JSON included
BAD_RAW_LINES: list[str] = [
    "[" * 100_000 + "]" * 100_000,
    '{"text": "x", "n": ' + "9" * 5000 + "}",
    json.dumps({"text": TEXT, "quotes": [GOOD_QUOTE]}).replace("0.5", "NaN"),
    json.dumps({"text": TEXT, "quotes": [GOOD_QUOTE]}).replace("0.5", "Infinity"),
    json.dumps({"text": TEXT, "quotes": [GOOD_QUOTE]}).replace("0.5", "1e999"),
    '{"text": "broken',
    '"just a string"',
    "[1, 2, 3]",
    json.dumps({"title": "no text"}),
    json.dumps({"text": 42}),
    json.dumps({"text": TEXT, "quotes": {"a": 1}}),
    json.dumps({"text": TEXT, "quotes": ["not an object"]}),
    json.dumps({"text": TEXT, "meta": [1, 2]}),
    json.dumps({"text": TEXT, "title": ["x"]}),
    json.dumps({"text": TEXT, "id": {"a": 1}}),
    json.dumps({"text": TEXT, "meta": {"n": 1}}).replace("1}", "NaN}"),
]


def good_line(n: int) -> str:
    q = dict(GOOD_QUOTE)
    return json.dumps({"id": f"good-{n}", "text": f"{TEXT} ({n})", "quotes": [q]})


def bad_quote_line(field: str, value: Any) -> str:
    q = dict(GOOD_QUOTE)
    q[field] = value
    return json.dumps({"id": "bad", "text": TEXT + " (bad)", "quotes": [q]})


def _check(project: Project, path: Path, n_good: int) -> None:
    report = import_paths(project, [path])
    (f,) = report.files
    assert f.status == "imported", f.line()
    assert report.articles_added == n_good
    assert report.quotes_added == n_good
    rows = list(project.db.query("SELECT ext_id FROM articles ORDER BY id"))
    assert [r["ext_id"] for r in rows] == [f"good-{i}" for i in range(n_good)]
    assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == n_good
    assert len(f.problems) == 1
    assert f"{path}, line 2:" in f.problems[0]


@pytest.mark.parametrize(("field", "value"), BAD_QUOTE_FIELDS)
def test_bad_quote_field_costs_only_its_line(tmp_path: Path, field: str, value: Any) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join([good_line(0), bad_quote_line(field, value), good_line(1)]) + "\n",
        encoding="utf-8",
    )
    with Project.open(tmp_path / "p.db") as project:
        _check(project, path, 2)
        report = import_paths(project, [path])  # the problem names the field
        assert field in report.files[0].problems[0] or "span" in report.files[0].problems[0]


@pytest.mark.parametrize("raw", BAD_RAW_LINES, ids=range(len(BAD_RAW_LINES)))
def test_bad_line_costs_only_itself(tmp_path: Path, raw: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([good_line(0), raw, good_line(1)]) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        _check(project, path, 2)


def test_good_quote_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(good_line(0) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        import_paths(project, [path])
        (rec,) = project.annotations(1)
        q = rec.quote
        assert q.content_spans == ((8, 31),) and q.speaker_spans == ((32, 44),)
        assert (q.annotator, q.stance, q.confidence, q.kind) == ("alice", "support", 0.5, "direct")
        assert q.stance_target == "the budget"


def test_bom_keeps_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (good_line(0) + "\n" + good_line(1) + "\n").encode())
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [path])
        assert report.articles_added == 2 and not report.files[0].problems


def test_a_failing_file_never_rolls_back_another(tmp_path: Path) -> None:
    files = []
    for n, bad in enumerate([None, ("stance", {}), None]):
        path = tmp_path / f"f{n}.jsonl"
        lines = [json.dumps({"id": f"good-{n}", "text": f"{TEXT} [{n}]", "quotes": [GOOD_QUOTE]})]
        if bad:
            lines.append(bad_quote_line(*bad))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, files)
        assert [f.articles_added for f in report.files] == [1, 1, 1]
        assert len(report.files[1].problems) == 1 and "line 2" in report.files[1].problems[0]
        assert project.count_articles() == 3
        assert report.summary().startswith("Imported 3 articles and 3 quotes from 3 files")


def test_summary_counts_only_what_was_stored(tmp_path: Path) -> None:
    """A database refusal (CHECK) of one article is reported and not counted."""
    path = tmp_path / "in.jsonl"
    path.write_text(good_line(0) + "\n" + good_line(1) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        project.db.execute(
            "CREATE TEMP TRIGGER no_second BEFORE INSERT ON main.annotations "
            "WHEN (SELECT count(*) FROM main.annotations) >= 1 "
            "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
        )
        report = import_paths(project, [path])
        assert report.articles_added == 1 and report.quotes_added == 1
        assert project.count_articles() == 1
        assert "refused by a test trigger" in report.files[0].problems[0]
