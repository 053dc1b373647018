"""Entries of an import report that say the same of many lines become one line (tester18
T3: 50,000 refused lines printed the same advice 50,000 times)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.services.import_report import GROUP_RANGES, grouped_entries
from annotator.services.importing import import_paths
from annotator.store.project import Project

ADVICE = "not UTF-8 (invalid continuation byte at byte 13); convert the file first"


def test_the_same_entry_on_many_lines_is_one_line_with_its_line_ranges() -> None:
    entries = [f"f.jsonl, line {n}: {ADVICE}" for n in (*range(1, 6), 9, *range(12, 40))]
    assert grouped_entries(entries) == [f"f.jsonl, 34 lines (1-5, 9, 12-39): {ADVICE}"]


def test_entries_alike_but_for_a_number_are_grouped_and_say_it() -> None:
    entries = [f"f.jsonl, line {n}: not UTF-8 (byte {n * 7})" for n in range(1, 5)]
    (line,) = grouped_entries(entries)
    assert line.startswith("f.jsonl, 4 lines (1-4): not UTF-8 (byte 7)")
    assert "said of line 1; the others differ in numbers" in line


def test_two_entries_alike_stay_as_they_are() -> None:
    entries = ['f.csv, row 2: the "text" cell is empty', 'f.csv, row 9: the "text" cell is empty']
    assert grouped_entries(entries) == entries


def test_other_entries_keep_their_place_and_files_and_units_are_not_mixed() -> None:
    entries = [
        "a.csv, row 2: the cell is empty",
        "a.csv, line 3 is not brat standoff",  # no 'line N:' form: kept as it is
        "a.csv, row 3: the cell is empty",
        "b.csv, row 4: the cell is empty",
        "a.csv, row 5: the cell is empty",
        "a.csv, line 6: the cell is empty",
        "a.jsonl, line 7, quote 2: bad span; this quote was skipped, not its article",
    ]
    assert grouped_entries(entries) == [
        "a.csv, 3 rows (2-3, 5): the cell is empty",
        "a.csv, line 3 is not brat standoff",
        "b.csv, row 4: the cell is empty",
        "a.csv, line 6: the cell is empty",
        "a.jsonl, line 7, quote 2: bad span; this quote was skipped, not its article",
    ]


def test_a_scattered_group_lists_its_first_ranges_and_counts_the_rest() -> None:
    lines = list(range(1, 200, 2))  # 100 single lines, no two adjacent
    (line,) = grouped_entries([f"x.jsonl, line {n}: bad" for n in lines])
    shown = ", ".join(f"{n:,}" for n in lines[:GROUP_RANGES])
    assert line == f"x.jsonl, 100 lines ({shown}, and {100 - GROUP_RANGES} more): bad"


def test_an_import_of_many_refused_lines_reports_them_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "latin.jsonl"
    good = json.dumps({"title": "Ferry", "text": "The captain said the ferry runs again."})
    rows = [f'{{"text": "Caf\xe9 {n} said it."}}'.encode("latin-1") for n in range(300)]
    src.write_bytes(b"\n".join([*rows[:150], good.encode(), *rows[150:]]) + b"\n")
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
        assert project.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    lines = report.lines()
    assert len(lines) == 2, lines
    assert "300 lines (1-150, 152-301): not UTF-8" in lines[1]
    assert report.files[0].problems and len(report.files[0].problems) == 300


def test_kept_lines_are_made_once_and_survive_the_pipe(tmp_path: Path, monkeypatch: Any) -> None:
    """The import's worker groups the entries once (keep_lines); the window's thread then
    only reads them, also after the report came through a pickle from the child."""
    import pickle

    from annotator.services import import_report

    src = tmp_path / "empty.csv"
    src.write_text("title,text\n" + "".join(f"t{i},\n" for i in range(500)), encoding="utf-8")
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
    report.keep_lines()
    calls: list[int] = []
    real = import_report.grouped_entries
    monkeypatch.setattr(import_report, "grouped_entries", lambda e: calls.append(len(e)) or real(e))
    again = pickle.loads(pickle.dumps(report))
    assert again.lines() == report.lines() and len(again.lines()) == 2
    assert "500 rows (2-501)" in again.lines()[1]
    assert calls == []  # nothing grouped again
    again.lines().append("changed by a caller")
    assert len(again.lines()) == 2  # a copy each time


def test_many_files_failed_alike_are_one_line(tmp_path: Path) -> None:
    """A folder of empty .txt files: one line for them all, the others as they are
    (tester19 N3: 20,000 lines of 'failed: the file is empty')."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(25):
        (folder / f"e{i:02}.txt").write_text("", encoding="utf-8")
    (folder / "good.txt").write_text("Ferry\n\nThe captain said it runs.\n", encoding="utf-8")
    (folder / "two.jsonl").write_text('{"text": ""}\n{"text": ""}\n', encoding="utf-8")
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(folder)])
    lines = report.lines()
    empties = [x for x in lines if "files failed" in x]
    assert len(empties) == 1
    assert empties[0].startswith("25 files failed: ") and "and 22 more)" in empties[0]
    assert any(x.startswith(str(folder / "good.txt")) for x in lines)
    # the JSONL file failed with entries of its own: its line and entries stay
    assert any(str(folder / "two.jsonl") in x and "failed" in x for x in lines)
    assert report.summary() == "Imported 1 article and 0 quotes from 27 files; 26 failed."


def test_the_summary_says_how_many_lines_were_refused_in_files_that_were_read(
    tmp_path: Path,
) -> None:
    good = '{"text": "The mayor said it runs."}\n'
    src = tmp_path / "mostly_bad.jsonl"
    src.write_text("{broken\n" * 120 + good + "[1, 2]\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
        assert project.count_articles() == 1
    assert report.summary() == (
        "Imported 1 article and 0 quotes from 1 file; 121 bad entries skipped."
    )


def test_a_prodigy_task_line_in_a_quote_jsonl_file_is_said(tmp_path: Path) -> None:
    lines = [
        {"text": 'Mayor Lee said "We rebuild." Later.'},
        {"text": 'Ann said "No." Then left.', "spans": [{"start": 9, "end": 14, "label": "QUOTE"}]},
        {"text": "Nobody spoke.", "spans": []},  # no spans: nothing lost, nothing said
    ]
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
        assert project.count_articles() == 3
    (note,) = report.files[0].notes
    assert note.startswith(f"{src}, line 2: this line looks like a Prodigy task")


def test_entries_of_the_same_lines_are_counted_as_entries_on_lines() -> None:
    """A Prodigy task gives one note per bad span, several on one line (verify21 V1)."""
    entries = ["t.jsonl, line 1: span 2 (CUE) is reversed"] * 5
    entries += ["t.jsonl, line 3: span 2 (CUE) is reversed"] * 3
    assert grouped_entries(entries) == [
        "t.jsonl, 8 entries on 2 lines (1, 3): span 2 (CUE) is reversed"
    ]
    one = grouped_entries(["t.jsonl, line 7: span 9 bad"] * 4)
    assert one == ["t.jsonl, 4 entries on 1 line (7): span 9 bad"]
    # one entry a line: lines, as before
    many = grouped_entries([f"t.jsonl, line {n}: broken JSON" for n in (1, 2, 3)])
    assert many == ["t.jsonl, 3 lines (1-3): broken JSON"]


def test_a_brat_files_repeated_lines_are_grouped_too() -> None:
    """brat names the line after a colon (``a.ann: line 7: …``): 100,000 repeats of one id
    printed 100,000 lines (verify21 V5)."""
    entries = [
        f"a.ann: line {n}: T1 is already defined on line 1; this line skipped"
        for n in range(2, 100_002)
    ]
    assert grouped_entries(entries) == [
        "a.ann, 100,000 lines (2-100,001): T1 is already defined on line 1; this line skipped"
    ]
