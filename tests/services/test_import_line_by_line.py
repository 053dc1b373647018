"""One good line next to one bad line: the good one is stored, the bad one reported.

For the top level of the quote JSONL, and for hostile JSON, a file holds a good article
and a bad one; the import must store exactly the good one, name the bad line with its
number and reason, and count only what was stored. For every field of a quote, a bad quote
costs only itself: its article and the article's good quotes are stored, and the report
names the file, line, quote and problem.
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

# (field, bad value) for every quote field; each must cost only its own quote
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
    json.dumps({"text": TEXT, "meta": [1, 2]}),
    json.dumps({"text": TEXT, "title": ["x"]}),
    json.dumps({"text": TEXT, "id": {"a": 1}}),
    json.dumps({"text": TEXT, "meta": {"n": 1}}).replace("1}", "NaN}"),
]


def good_line(n: int) -> str:
    q = dict(GOOD_QUOTE)
    return json.dumps({"id": f"good-{n}", "text": f"{TEXT} ({n})", "quotes": [q]})


def bad_quote_line(field: str, value: Any) -> str:
    """An article whose second quote has ``field`` set to ``value``; its first is good."""
    q = dict(GOOD_QUOTE)
    q[field] = value
    first = {**GOOD_QUOTE, "content_spans": [[0, 6]], "stance": "oppose"}
    return json.dumps({"id": "bad", "text": TEXT + " (bad)", "quotes": [first, q]})


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
def test_bad_quote_field_costs_only_its_quote(tmp_path: Path, field: str, value: Any) -> None:
    """Was: the bad quote cost its whole line. Now its article and good quote are stored."""
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join([good_line(0), bad_quote_line(field, value), good_line(1)]) + "\n",
        encoding="utf-8",
    )
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [path])
        (f,) = report.files
        assert f.status == "imported", f.line()
        assert report.articles_added == 3 and report.quotes_added == 3
        rows = project.db.query("SELECT ext_id, text FROM articles ORDER BY id")
        assert [(r["ext_id"], r["text"]) for r in rows] == [
            ("good-0", f"{TEXT} (0)"),
            ("bad", f"{TEXT} (bad)"),
            ("good-1", f"{TEXT} (1)"),
        ]
        # the bad line's first quote is stored with its own fields; the second is not
        bad_id = project.db.execute("SELECT id FROM articles WHERE ext_id = 'bad'").fetchone()[0]
        (rec,) = project.annotations(bad_id)
        assert rec.quote.content_spans == ((0, 6),) and rec.quote.stance == "oppose"
        assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 3
        (problem,) = f.problems
        assert problem.startswith(f"{path}, line 2, quote 2: ")
        assert field in problem or "span" in problem  # the problem names the field
        assert problem.endswith("; this quote was skipped, not its article")
        assert f.quotes_refused == 1
        assert f.line().endswith("; 1 bad quote skipped (not their articles)")


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("not an object", ["a quote must be a JSON object", "a string"]),
        (["content_spans", [[0, 3]]], ["a quote must be a JSON object", "an array"]),
        (7, ["a quote must be a JSON object", "a number"]),
        (None, ["a quote must be a JSON object", "null"]),
    ],
)
def test_a_quote_that_is_not_an_object_costs_only_itself(
    tmp_path: Path, quote: Any, words: list[str]
) -> None:
    """Was a whole-line error (``quotes: ["not an object"]``); now only that quote's."""
    path = tmp_path / "in.jsonl"
    line = json.dumps({"id": "x", "text": TEXT, "quotes": [GOOD_QUOTE, quote, GOOD_QUOTE]})
    path.write_text(line + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [path])
        assert report.articles_added == 1
        # the first and third quotes are the same quote: stored once
        assert report.quotes_added + report.files[0].quotes_present == 2
        (problem,) = report.files[0].problems
        assert problem.startswith(f"{path}, line 1, quote 2: ")
        for word in words:
            assert word in problem


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
    # the middle file's second line is bad as a whole (a bad quote no longer is: it costs
    # only itself, see test_bad_quote_field_costs_only_its_quote)
    files = []
    for n, bad in enumerate([None, json.dumps({"id": "bad", "text": 42}), None]):
        path = tmp_path / f"f{n}.jsonl"
        lines = [json.dumps({"id": f"good-{n}", "text": f"{TEXT} [{n}]", "quotes": [GOOD_QUOTE]})]
        if bad:
            lines.append(bad)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, files)
        assert [f.articles_added for f in report.files] == [1, 1, 1]
        assert len(report.files[1].problems) == 1 and "line 2" in report.files[1].problems[0]
        assert project.count_articles() == 3
        assert report.summary().startswith("Imported 3 articles and 3 quotes from 3 files")


def test_a_bad_quote_in_one_file_keeps_its_article_beside_the_others(tmp_path: Path) -> None:
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
        assert [f.articles_added for f in report.files] == [1, 2, 1]
        (problem,) = report.files[1].problems
        assert problem.startswith(f"{files[1]}, line 2, quote 2: stance: ")
        assert project.count_articles() == 4
        assert report.summary().startswith("Imported 4 articles and 4 quotes from 3 files")


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
