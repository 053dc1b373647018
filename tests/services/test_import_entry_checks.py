"""What an import checks in each quote it stores (tester18 T1, T2;
:mod:`annotator.core.entry_checks`): the speaker mention is the text under the speaker
spans, names, labels, targets and titles are bounded, repeated fragments are merged and a
status conflict is said. Each test imports a file of its own, then reads the project's
rows, the exports' bytes and the report's lines."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.services.session import Session
from annotator.store.project import Project
from tests.conftest import CliRunner
from tests.services.import_files import import_articles, quote

# an emoji and a no-break space before the mention: offsets count code points
TEXT = (
    "Ferry strike \U0001f6a2\n\n"
    'Ines\u00a0Kahl said "the boats stay in port until Monday" and left. '
    'Later Ola Berg told reporters "we will sail on Tuesday".'
)


def _at(part: str) -> list[list[int]]:
    start = TEXT.index(part)
    return [[start, start + len(part)]]


def _quote(**over: Any) -> dict[str, Any]:
    fields = {
        "content_spans": _at("the boats stay in port until Monday"),
        "speaker_spans": _at("Ines\u00a0Kahl"),
        "cue_spans": _at("said"),
    }
    return quote(**{**fields, **over})


def _import(
    run_cli: CliRunner, tmp_path: Path, quotes: list[dict[str, Any]], **article: Any
) -> tuple[Path, list[str]]:
    line = {"id": "ferry", "title": "Ferry strike", "text": TEXT, "quotes": quotes, **article}
    db, res = import_articles(run_cli, tmp_path, [line], "in.jsonl")
    # a refused quote makes the import's exit code 1 (its line is in the report)
    assert res.returncode == (1 if "this quote was skipped" in res.stdout else 0), res.stderr
    return db, res.stdout.splitlines()


def _rows(db: Path, *columns: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT {', '.join(columns)} FROM annotations ORDER BY id").fetchall()


def _export(run_cli: CliRunner, db: Path, fmt: str) -> bytes:
    out = db.with_suffix(f".{fmt}")
    run_cli("export", str(db), "-f", fmt, "-o", str(out), "--all-annotators", check=True)
    return out.read_bytes()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# -- T1: the speaker mention is the text under the speaker spans ------------------------


def test_spans_without_text_give_the_mention_in_the_project_and_every_export(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote()])
    assert _rows(db, "speaker_text") == [("Ines\u00a0Kahl",)]
    assert not [x for x in lines if "note:" in x]  # filling a missing text is no news
    (row,) = _csv_rows(_export(run_cli, db, "csv"))
    assert row["speaker_text"] == "Ines\u00a0Kahl"
    obj = json.loads(_export(run_cli, db, "jsonl"))
    assert obj["quotes"][0]["speaker_text"] == "Ines\u00a0Kahl"


@pytest.mark.parametrize(
    "given",
    ["Angela Merkel", "Ola Berg", "Ines Kah", "the minister"],
)
def test_a_mention_text_that_is_not_the_span_text_is_replaced_and_said(
    run_cli: CliRunner, tmp_path: Path, given: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(speaker_text=given)])
    assert _rows(db, "speaker_text") == [("Ines\u00a0Kahl",)]
    (note,) = [x for x in lines if "note:" in x]
    assert "in.jsonl, line 1: quote 1:" in note
    assert repr(given) in note and repr("Ines\u00a0Kahl") in note
    (row,) = _csv_rows(_export(run_cli, db, "csv"))
    assert row["speaker_text"] == "Ines\u00a0Kahl"
    obj = json.loads(_export(run_cli, db, "jsonl"))
    assert obj["quotes"][0]["speaker_text"] == "Ines\u00a0Kahl"


@pytest.mark.parametrize("given", ["Ines Kahl", "  Ines\nKahl ", "Ines\u00a0Kahl"])
def test_a_mention_text_differing_only_in_white_space_is_kept_without_a_note(
    run_cli: CliRunner, tmp_path: Path, given: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(speaker_text=given)])
    assert _rows(db, "speaker_text") == [(given,)]
    assert not [x for x in lines if "note:" in x]


def test_a_split_mention_is_its_fragments_joined_by_a_space(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    spans = _at("Ines") + _at("Kahl")
    db, _ = _import(run_cli, tmp_path, [_quote(speaker_spans=spans)])
    assert _rows(db, "speaker_text") == [("Ines Kahl",)]


def test_a_cue_text_key_is_kept_only_when_it_is_the_cue_text(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    quotes = [
        _quote(cue_text="said"),
        _quote(
            annotator="bob",
            cue_text="shouted",
            quote_text="the boats stay in port until Monday",
        ),
    ]
    db, lines = _import(run_cli, tmp_path, quotes)
    extras = [json.loads(e) for (e,) in _rows(db, "extra")]
    assert extras == [{"cue_text": "said"}, {"quote_text": "the boats stay in port until Monday"}]
    (note,) = [x for x in lines if "note:" in x]
    assert "quote 2:" in note and "'shouted'" in note and "'said'" in note


def test_a_prodigy_task_with_an_edited_speaker_span_gets_the_new_mention(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """Prodigy's meta keeps the exported speaker_text; the SPEAKER span moved in Prodigy
    is what counts."""
    db, _ = _import(run_cli, tmp_path, [_quote(speaker_text="Ines\u00a0Kahl")])
    task = json.loads(_export(run_cli, db, "prodigy"))
    (speaker,) = [s for s in task["spans"] if s["label"] == "SPEAKER"]
    ((start, end),) = _at("Ola Berg")
    speaker.update(start=start, end=end)
    for rel in task["relations"]:
        if rel["child_span"]["label"] == "SPEAKER":
            rel["child_span"] = dict(speaker)
    src = tmp_path / "edited.jsonl"
    src.write_text("\n" + json.dumps(task) + "\n", "utf-8")  # the task on line 2
    db2 = tmp_path / "p2.db"
    res = run_cli("import", str(db2), str(src), check=True)
    assert _rows(db2, "speaker_text", "speaker_spans") == [("Ola Berg", f"[[{start}, {end}]]")]
    (note,) = [x for x in res.stdout.splitlines() if "note:" in x]
    assert "edited.jsonl, line 2: quote 1:" in note and "'Ola Berg'" in note


def test_a_brat_note_with_another_mention_text_gives_way_to_the_source_span(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, "utf-8")
    ((c0, c1),) = _at("the boats stay in port until Monday")
    ((s0, s1),) = _at("Ines\u00a0Kahl")
    ann = (
        f"T1\tSource {s0} {s1}\tIness Kahl\n"  # brat's text column is not checked by words
        f"T2\tContent {c0} {c1}\tthe boats stay in port until Monday\n"
        "E1\tAttribution:T1 Source:T1 Content:T2\n"
        '#1\tAnnotatorNotes E1\t{"speaker_text": "Olaf", "annotator": "ann"}\n'
    ).replace("Iness Kahl", TEXT[s0:s1])
    (folder / "a.ann").write_text(ann, "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(folder), check=True)
    assert _rows(db, "speaker_text") == [("Ines\u00a0Kahl",)]
    (note,) = [x for x in res.stdout.splitlines() if "note:" in x]
    assert "a.ann: event E1:" in note and "'Olaf'" in note


def test_rows_stored_without_a_mention_text_show_the_span_text(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """A project written before the import filled the text (or edited by hand): the
    exports and the window's panel show the words under the spans."""
    db, _ = _import(run_cli, tmp_path, [_quote(), _quote(annotator="bob", speaker_spans=[])])
    with sqlite3.connect(db) as c:
        c.execute("UPDATE annotations SET speaker_text = NULL")
    (with_span, without) = _csv_rows(_export(run_cli, db, "csv"))
    assert with_span["speaker_text"] == "Ines\u00a0Kahl"
    assert without["speaker_text"] == ""
    obj = json.loads(_export(run_cli, db, "jsonl"))
    assert [q["speaker_text"] for q in obj["quotes"]] == ["Ines\u00a0Kahl", None]
    assert _rows(db, "speaker_text") == [(None,), (None,)]  # nothing written back
    with Project.open(db) as p:
        (aid,) = p.article_ids()
        s = Session(p, "ann")
        s.open_article(aid)
        (item,) = [it for it in s.items if it.quote.annotator == "ann"]
        assert item.quote.speaker_text is None
        assert s.mention_text(item) == "Ines\u00a0Kahl"


# -- T2: bounded names, labels, targets and titles --------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("x" * 100_000, "is 100,000 characters long (at most 200)"),
        ("y" * 201, "is 201 characters long (at most 200)"),
        ("eve\nmallory", "holds a control character (U+000A)"),
        ("eve\x00", "holds a control character (U+0000)"),
        ("\u202eeve", "holds a control character (U+202E)"),
    ],
)
def test_an_annotator_name_too_long_or_with_control_characters_refuses_its_quote(
    run_cli: CliRunner, tmp_path: Path, name: str, why: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(), _quote(annotator=name)])
    assert _rows(db, "annotator_id") == [(1,)]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT name FROM annotators").fetchall() == [("ann",)]
    (line,) = [x for x in lines if "quote 2:" in x]
    assert why in line and "this quote was skipped" in line
    assert max(len(x) for x in lines) < 400  # never the whole name


def test_a_name_of_exactly_the_limit_is_taken(run_cli: CliRunner, tmp_path: Path) -> None:
    db, _ = _import(run_cli, tmp_path, [_quote(annotator="z" * 200)])
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT length(name) FROM annotators").fetchall() == [(200,)]


@pytest.mark.parametrize(
    ("field", "value", "column"),
    [
        ("speaker_name", "S" * 5_000_000, "speaker_id"),
        ("speaker_name", "Ola\tBerg", "speaker_id"),
        ("stance", "s" * 101, "stance"),
        ("stance_target", "t" * 1_000_000, "stance_target"),
        ("stance_target", "ferries\x07", "stance_target"),
    ],
)
def test_an_optional_field_too_long_or_with_control_characters_is_left_out(
    run_cli: CliRunner, tmp_path: Path, field: str, value: str, column: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(**{field: value})])
    assert _rows(db, column, "content_spans") == [
        (None, str(_at("the boats stay in port until Monday")))
    ]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM speakers").fetchone() == (0,)
    (note,) = [x for x in lines if "note:" in x]
    assert "left out, the quote is kept" in note
    assert len(note) < 400


def test_a_stance_outside_the_labels_is_kept_and_said_once_per_label(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    quotes = [
        _quote(stance="loves"),
        _quote(annotator="bob", stance="loves"),
        _quote(annotator="cy", stance="support"),
        _quote(annotator="dee", stance="hates"),
    ]
    db, lines = _import(run_cli, tmp_path, quotes)
    assert _rows(db, "stance") == [("loves",), ("loves",), ("support",), ("hates",)]
    (loves,) = [x for x in lines if "'loves'" in x]
    assert "of 2 quotes" in loves and "'Ferry strike'" in loves
    assert "support, oppose, neutral, unclear" in loves and "kept as given" in loves
    assert len([x for x in lines if "'hates'" in x]) == 1
    assert not [x for x in lines if "'support'" in x]


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        ([[16, 33], [16, 33], [20, 25]], "[[16, 33]]"),
        ([[40, 50], [16, 33], [30, 45]], "[[16, 50]]"),
        ([[16, 20], [16, 20], [25, 30]], "[[16, 20], [25, 30]]"),
    ],
)
def test_repeated_or_overlapping_fragments_are_merged_and_said(
    run_cli: CliRunner, tmp_path: Path, spans: list[list[int]], merged: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(content_spans=spans)])
    assert _rows(db, "content_spans") == [(merged,)]
    (note,) = [x for x in lines if "repeated or overlapping fragments" in x]
    assert f"merged into '{merged}'" in note
    (row,) = _csv_rows(_export(run_cli, db, "csv"))
    assert row["content_spans"] == merged


def test_touching_fragments_stay_apart(run_cli: CliRunner, tmp_path: Path) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(content_spans=[[16, 20], [20, 25]])])
    assert _rows(db, "content_spans") == [("[[16, 20], [20, 25]]",)]
    assert not [x for x in lines if "note:" in x]


@pytest.mark.parametrize(
    ("title", "stored"),
    [
        ("\u202eevil title\x00", "evil title"),
        ("Two\nlines\tand a tab", "Two lines and a tab"),
        ("H" * 2000, "H" * 499 + "…"),
    ],
)
def test_a_title_with_control_characters_or_too_long_is_cleaned_and_said(
    run_cli: CliRunner, tmp_path: Path, title: str, stored: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote()], title=title)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT title FROM articles").fetchall() == [(stored,)]
    (note,) = [x for x in lines if "the title" in x]
    assert len(note) < 400
    data = _export(run_cli, db, "csv")
    assert b"\x00" not in data and "\u202e".encode() not in data


def test_the_same_quote_with_another_status_is_a_conflict_note(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    quotes = [_quote(), _quote(), _quote(), _quote(status="rejected")]
    db, lines = _import(run_cli, tmp_path, quotes)
    assert _rows(db, "status") == [("accepted",)]
    (note,) = [x for x in lines if "the same quote" in x]
    assert "quote 4:" in note and "as quote 1, but rejected, not accepted" in note
    assert "'ann'" in note


def test_another_annotators_version_with_another_status_is_no_conflict(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(), _quote(annotator="bob", status="rejected")])
    assert _rows(db, "status") == [("accepted",), ("rejected",)]
    assert not [x for x in lines if "the same quote" in x]


def test_the_tester_file_gives_short_lines(run_cli: CliRunner, tmp_path: Path) -> None:
    """Every absurd value at once: no report line is longer than a few hundred
    characters, and nothing absurd is stored."""
    quotes = [
        _quote(annotator="x" * 100_000),
        _quote(annotator="eve", speaker_name="S" * 300_000, stance_target="t" * 100_000),
    ]
    db, lines = _import(run_cli, tmp_path, quotes, title="\u202e" + "T" * 5000)
    assert max(len(x) for x in lines) < 400
    with sqlite3.connect(db) as c:
        longest = c.execute(
            "SELECT max(length(coalesce(speaker_text, '')) + length(coalesce(stance_target, '')))"
            " FROM annotations"
        ).fetchone()[0]
        assert longest < 100
        assert c.execute("SELECT max(length(name)) FROM annotators").fetchone()[0] == 3
        assert c.execute("SELECT length(title) FROM articles").fetchone()[0] == 500


@pytest.mark.parametrize("name", ["a\nb", "n" * 201, "\u202eevil"])
def test_an_annotator_option_breaking_the_name_rule_imports_nothing(
    run_cli: CliRunner, tmp_path: Path, name: str
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": TEXT, "quotes": [_quote(annotator=None)]}), "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--annotator", name)
    assert res.returncode == 1
    assert "the --annotator name" in res.stderr and "Nothing was imported" in res.stderr
    assert len(res.stderr) < 300
    assert not db.exists()


def test_a_huge_offset_gives_a_short_line(run_cli: CliRunner, tmp_path: Path) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(content_spans=[[16, 10**400]])])
    (line,) = [x for x in lines if "quote 1:" in x]
    assert "reaches past the end" in line and len(line) < 400
    assert _rows(db, "id") == []


def test_a_prodigy_accept_and_reject_of_the_same_quote_is_a_conflict_note(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    ((c0, c1),) = _at("the boats stay in port until Monday")

    def task(answer: str) -> str:
        span = {"start": c0, "end": c1, "label": "QUOTE"}
        return json.dumps({"text": TEXT, "spans": [span], "answer": answer, "_annotator_id": "ann"})

    src = tmp_path / "tasks.jsonl"
    src.write_text(task("accept") + "\n" + task("reject") + "\n", "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), check=True)
    assert _rows(db, "status") == [("accepted",)]
    (note,) = [x for x in res.stdout.splitlines() if "note:" in x]
    assert "tasks.jsonl, line 2: quote 1: the same quote ('ann'" in note
    assert "as the quote on line 1, but rejected, not accepted" in note


def test_repeated_suggestions_are_no_status_conflict(run_cli: CliRunner, tmp_path: Path) -> None:
    def suggestion(status: str) -> dict[str, Any]:
        return _quote(annotator=None, origin="model", status=status, confidence=0.8)

    db, lines = _import(run_cli, tmp_path, [suggestion("pending"), suggestion("accepted")])
    assert not [x for x in lines if "the same quote" in x]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM suggestions").fetchone() == (1,)


def test_a_csv_title_with_control_characters_is_cleaned_and_said(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    src = tmp_path / "arts.csv"
    src.write_text(
        'title,text\n"\u202eEvil\ttitle","Ferry news. Nobody spoke."\n'
        '"Fine title","Another text here."\n',
        "utf-8",
    )
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), check=True)
    with sqlite3.connect(db) as c:
        titles = [t for (t,) in c.execute("SELECT title FROM articles ORDER BY id")]
    assert titles == ["Evil title", "Fine title"]
    (note,) = [x for x in res.stdout.splitlines() if "note:" in x]
    assert "arts.csv, row 2: the title" in note and "stored as 'Evil title'" in note


@pytest.mark.parametrize(
    "value",
    ["S" * 201, "the \u202eministry", "the ministry\x07", "press\noffice"],
)
def test_a_source_text_without_spans_too_long_or_with_control_characters_is_left_out(
    run_cli: CliRunner, tmp_path: Path, value: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(speaker_spans=[], speaker_text=value)])
    assert _rows(db, "speaker_text", "speaker_spans") == [(None, "[]")]
    (note,) = [x for x in lines if "note:" in x]
    assert "speaker_text (with no speaker_spans)" in note
    assert "left out, the quote is kept" in note
    assert len(note) < 400


@pytest.mark.parametrize("value", ["the ministry", "S" * 200, "Ministère de l\u2019Intérieur"])
def test_a_source_text_without_spans_within_the_rules_is_kept_silently(
    run_cli: CliRunner, tmp_path: Path, value: str
) -> None:
    db, lines = _import(run_cli, tmp_path, [_quote(speaker_spans=[], speaker_text=value)])
    assert _rows(db, "speaker_text") == [(value,)]
    assert not [x for x in lines if "note:" in x]
