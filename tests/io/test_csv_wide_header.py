"""A CSV with a very wide header (a broken export: tens of thousands of column names) is read
in time linear in its columns, repeated names are still noted, and a message that lists the
columns lists a few (tester18 T13: 50,000 columns took 37 s, and the message printed them
all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.csv_import import LISTED_COLUMNS, RowNote, read_csv
from annotator.io.plaintext import NotTextError


def _write(path: Path, header: list[str], row: list[str]) -> Path:
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    return path


def test_fifty_thousand_columns_are_read_and_kept_in_the_metadata(tmp_path: Path) -> None:
    names = [f"c{i}" for i in range(50_000)]
    f = _write(tmp_path / "w.csv", ["text", *names], ["Ana said it.", *("x" for _ in names)])
    rows, _ = read_csv(f)
    got = list(rows)
    (article,) = [r for r in got if not isinstance(r, RowNote)]
    assert article.text == "Ana said it."
    # the metadata keeps its first columns within MAX_META, and a note counts the rest
    assert article.meta["c0"] == "x" and "c49999" not in article.meta
    (note,) = [r for r in got if isinstance(r, RowNote)]
    assert "keys left out" in note.message


def test_repeated_names_in_a_wide_header_are_each_noted_once(tmp_path: Path) -> None:
    names = [f"c{i % 1000}" for i in range(3000)]  # every name three times
    f = _write(tmp_path / "r.csv", ["text", *names], ["Ana said it.", *("y" for _ in names)])
    rows, _ = read_csv(f)
    got = list(rows)
    notes = [r for r in got if isinstance(r, RowNote) and "is named" in r.message]
    assert len(notes) == 2000
    assert "column 1002 is named 'c0' like column 2" in notes[0].message
    assert "column 2002 is named 'c0' like column 2" in " ".join(n.message for n in notes)


@pytest.mark.parametrize("n_columns", [3, LISTED_COLUMNS, LISTED_COLUMNS + 1, 40_000])
def test_no_text_column_lists_at_most_a_few_columns(tmp_path: Path, n_columns: int) -> None:
    names = [f"col{i}" for i in range(n_columns)]
    f = _write(tmp_path / "n.csv", names, ["v" for _ in names])
    with pytest.raises(NotTextError) as caught:
        read_csv(f)
    message = str(caught.value)
    assert "no text column" in message and "col0" in message
    listed = min(n_columns, LISTED_COLUMNS)
    assert f"col{listed - 1}" in message and f"col{listed}," not in message
    if n_columns > LISTED_COLUMNS:
        assert f"and {n_columns - LISTED_COLUMNS:,} more" in message
    assert len(message) < 600
