"""Article dates a report cannot place in a month: import keeps the article and the date as
given and says so (file, line or row, the value); reports count such articles under
"(unknown date)", never under a cut string such as "not-a-d"."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.dates import UNKNOWN_DATE, date_problem, month_of, report_month
from annotator.io.quote_jsonl import LineNote, iter_jsonl_rows
from tests.conftest import CliRunner


@pytest.mark.parametrize(
    ("value", "month"),
    [
        ("2020-09-21", "2020-09"),
        ("2020-09", "2020-09"),
        ("2020-09-21T08:00:00Z", "2020-09"),
        (" 2021-01-05 10:00 ", "2021-01"),
        ("not-a-date", None),
        ("21/09/2020", None),
        ("2020-13-01", None),
        ("2020-02-30", None),
        ("2020", None),
        (20200921, None),
        ("2020-09-21🚢", None),
    ],
)
def test_month_of_takes_iso_dates_only(value: object, month: str | None) -> None:
    assert month_of(value) == month
    assert (date_problem(value) is None) == (month is not None)
    assert report_month(value) == (month or UNKNOWN_DATE)


def test_no_date_is_no_problem_and_no_month() -> None:
    for value in (None, "", "   "):
        assert date_problem(value) is None
        assert report_month(value) is None


def _meta_dates(db: Path) -> dict[str, object]:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT title, json_extract(meta, '$.date') FROM articles").fetchall()
    finally:
        con.close()
    return dict(rows)


def _quote(text: str) -> dict[str, object]:
    return {"content_spans": [[0, len(text)]], "annotator": "alice", "status": "accepted"}


@pytest.fixture
def imported(tmp_path: Path, run_cli: CliRunner) -> tuple[Path, str, Path, Path]:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "title": "Good", "text": "Good one, she said.", "meta": {"date": "2020-09-21"}},
        {"id": "b", "title": "Odd", "text": "Odd one 🚢, he said.", "meta": {"date": "not-a-date"}},
        {"id": "c", "title": "Top", "text": "Top\u00a0level, they said.", "date": "2020-02-30"},
        {"id": "d", "title": "None", "text": "No date, we said."},
    ]
    for line in lines:
        line["quotes"] = [_quote(str(line["text"]))]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    table = tmp_path / "in.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "date"])
        w.writerow(["Slash", "Slash date, it said.", "21/09/2020"])
        w.writerow(["Fine", "Fine date, it said.", "2021-01-05"])
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), str(table))
    assert res.returncode == 0, res.stdout + res.stderr  # nothing was refused
    return db, res.stdout, src, table


def test_import_warns_with_file_line_and_value_and_keeps_the_date(
    imported: tuple[Path, str, Path, Path],
) -> None:
    db, out, src, table = imported
    notes = [x.strip() for x in out.splitlines() if x.strip().startswith("note:")]
    tail = f"the article is kept with the date as given, and reports count it under {UNKNOWN_DATE}"
    assert notes == [
        f"note: {src}, line 2: date 'not-a-date' is not a valid date (YYYY-MM-DD); {tail}",
        f"note: {src}, line 3: date '2020-02-30' is not a valid date (YYYY-MM-DD); {tail}",
        f"note: {table}, row 2: date '21/09/2020' is not a valid date (YYYY-MM-DD); {tail}",
    ]
    assert _meta_dates(db) == {
        "Good": "2020-09-21",
        "Odd": "not-a-date",
        "Top": "2020-02-30",
        "None": None,
        "Slash": "21/09/2020",
        "Fine": "2021-01-05",
    }


def test_the_month_report_groups_odd_dates_under_unknown_date(
    imported: tuple[Path, str, Path, Path], run_cli: CliRunner, tmp_path: Path
) -> None:
    db = imported[0]
    out = tmp_path / "months.csv"
    res = run_cli("report", str(db), "--annotator", "alice", "--by", "month", "-o", str(out))
    assert res.returncode == 0, res.stderr
    rows = {r["month"]: int(r["quotes"]) for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows == {"2020-09": 1, UNKNOWN_DATE: 2, "(none)": 1}
    js = tmp_path / "r.json"
    assert run_cli("report", str(db), "--annotator", "alice", "-o", str(js)).returncode == 0
    months = {r["value"]: r["quotes"] for r in json.loads(js.read_text("utf-8"))["tables"]["month"]}
    assert months == {"2020-09": 1, UNKNOWN_DATE: 2, None: 1}
    assert not any(str(v).startswith("not-a") or "21/09" in str(v) for v in months)


def test_the_large_file_reader_gives_the_same_notes(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"text": "One said.", "meta": {"date": "soon"}})
        + "\n\n"
        + json.dumps({"text": "Two said.", "meta": {"date": "2020-01-02"}})
        + "\n",
        "utf-8",
    )
    here = [x for x in iter_jsonl_rows(src, parallel=False) if isinstance(x, LineNote)]
    apart = [x for x in iter_jsonl_rows(src, parallel=True) if isinstance(x, LineNote)]
    assert here == apart and [(n.line, "'soon'" in n.message) for n in here] == [(1, True)]
