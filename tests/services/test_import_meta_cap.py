"""An article's metadata is kept within MAX_META characters on import (tester19 N1: a CSV
with 1,000,000 extra columns put 16 MB of metadata into one article, and the window read it
at every opening): the first keys that fit are kept, the file name always, and a note says
how many keys were left out."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.entry_checks import MAX_META, clean_meta, clean_meta_json
from annotator.services.importing import import_paths
from annotator.store.project import Project


def _stored_meta(db: Path) -> list[dict[str, object]]:
    with Project.open(db) as p:
        return [p.article(i).meta for i in p.article_ids()]


def test_a_csv_with_a_hundred_thousand_columns_keeps_the_first_and_its_file_name(
    tmp_path: Path,
) -> None:
    cols = [f"c{i}" for i in range(100_000)]
    src = tmp_path / "wide.csv"
    src.write_text(
        "text,date,"
        + ",".join(cols)
        + "\n"
        + "Ann said it.,2024-05-01,"
        + ",".join("v" for _ in cols)
        + "\n",
        encoding="utf-8",
    )
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
    (meta,) = _stored_meta(tmp_path / "p.db")
    assert meta["filename"] == "wide.csv" and meta["date"] == "2024-05-01"
    assert meta["c0"] == "v" and "c99999" not in meta
    assert len(json.dumps(meta, ensure_ascii=False)) <= MAX_META
    (note,) = [n for f in report.files for n in f.notes if "metadata" in n]
    left = 100_002 - len(meta)  # date, 100,000 columns and the file name
    assert f"{left:,} keys left out" in note and "wide.csv, row 2" in note


def test_a_jsonl_meta_with_one_huge_value_keeps_the_small_keys_after_it(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    meta = {"source": "Wire", "raw_html": "x" * 200_000, "date": "2024-05-02"}
    src.write_text(
        json.dumps({"text": "Bo said so.", "meta": meta})
        + "\n"
        + json.dumps({"text": "Cy said no.", "meta": {"source": "Post"}})
        + "\n",
        encoding="utf-8",
    )
    with Project.open(tmp_path / "p.db", create=True) as project:
        report = import_paths(project, [str(src)])
    stored = sorted(_stored_meta(tmp_path / "p.db"), key=lambda m: str(m.get("source")))
    assert stored[1] == {"source": "Wire", "date": "2024-05-02"}  # raw_html left out
    assert stored[0] == {"source": "Post"}  # untouched
    notes = [n for f in report.files for n in f.notes if "metadata" in n]
    assert len(notes) == 1 and "line 1" in notes[0] and "1 key left out" in notes[0]


def test_small_metadata_is_the_same_object_and_no_note() -> None:
    meta = {"source": "Wire", "date": "2024-05-02"}
    assert clean_meta(meta) == (meta, None)
    text = json.dumps(meta)
    assert clean_meta_json(text) == (text, None)


def test_metadata_just_at_the_limit_is_kept_whole_and_one_over_is_cut() -> None:
    # {"k": "xxx…"} is 9 characters besides the value
    at = {"k": "x" * (MAX_META - 9)}
    assert len(json.dumps(at)) == MAX_META and clean_meta(at) == (at, None)
    over = {"k": "x" * (MAX_META - 8)}
    kept, note = clean_meta(over)
    assert kept == {} and note is not None and "1 key left out" in note
