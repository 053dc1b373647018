"""Hostile files: special files, sizes, encodings, and a bad entry next to a good one in
CSV, Prodigy and brat input. Each bad entry costs only itself."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from annotator.core.text import normalise_with_map
from annotator.io.decode import decode_bytes
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    yield p
    p.close()


def _texts(project: Project) -> list[str]:
    return [r[0] for r in project.db.execute("SELECT text FROM articles ORDER BY id")]


# -- special files and size --------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_named_txt_is_skipped_not_waited_for(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "good.txt").write_text("Good\n\nA plain article.", encoding="utf-8")
    result: dict[str, Any] = {}

    def run() -> None:
        with Project.open(project.path) as own:  # a connection of the worker's thread
            result["r"] = import_paths(own, [folder])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():  # unblock the reader so the test run can end, then fail
        for name in ("pipe.txt", "pipe.jsonl"):
            fd = os.open(folder / name, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        pytest.fail("the import blocked on a named pipe")
    report = result["r"]
    lines = "\n".join(report.lines())
    assert "pipe.txt: failed" in lines and "named pipe" in lines
    assert "pipe.jsonl: failed" in lines
    assert _texts(project) == ["Good\n\nA plain article."]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_link_to_a_device_is_skipped(project: Project, tmp_path: Path) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    report = import_paths(project, [tmp_path / "zero.txt", tmp_path / "zero.csv"])
    assert [f.status for f in report.files] == ["failed", "failed"]
    assert all("device" in f.reason for f in report.files)


def test_size_limit_is_stated_and_configurable(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_MAX_FILE_MB", "0.001")  # about 1 KB
    big = tmp_path / "big.txt"
    big.write_text("Big\n\n" + "word " * 400, encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps({"id": "long", "text": "x " * 1000})
        + "\n"
        + json.dumps({"id": "short", "text": TEXT})
        + "\n",
        encoding="utf-8",
    )
    report = import_paths(project, [big, lines])
    assert report.files[0].status == "failed" and "limit of 0.001 MB" in report.files[0].reason
    assert "ANNOTATOR_MAX_FILE_MB" in report.files[0].reason
    assert report.files[1].articles_added == 1
    assert "line 1 is longer than the limit" in report.files[1].problems[0]
    assert _texts(project) == [TEXT]


def test_offset_map_is_not_built_per_character_for_clean_text() -> None:
    text = "a" * 1_000_000
    norm, omap = normalise_with_map(text)
    assert norm == text and omap[500_000] == 500_000 and len(omap) == len(text) + 1
    assert not isinstance(omap, list)  # no list of a million ints for a text with no change
    crlf = "\ufeffa\r\nb\r\nc\rd"
    norm, omap = normalise_with_map(crlf)
    assert norm == "a\nb\nc\nd"
    assert [omap[i] for i in range(len(crlf) + 1)] == [0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 7]


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Le café était fermé hier soir.", "latin-1"),
        ("Caf\u00e9 ... \u00e9tait ferm\u00e9", "latin-1"),
        ("Le café était fermé. \u201cNon\u201d, dit-il.", "cp1252"),
        ("Die Stra\u00dfe in M\u00fcnchen war gesperrt.", "latin-1"),
        ("El ni\u00f1o dijo que s\u00ed.", "latin-1"),
    ],
)
def test_short_western_text_is_read_as_cp1252(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding in ("cp1252", "latin_1")
    assert decoded.encoding in decoded.note


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Привет, как дела? Всё хорошо, сказал министр.", "cp1251"),
        ("Zażółć gęślą jaźń, powiedział minister.", "cp1250"),
    ],
)
def test_other_code_pages_are_not_forced_to_cp1252(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)).text == text


def test_import_reports_the_encoding(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "fr.txt"
    f.write_bytes("Fermé\n\nLe café était fermé.".encode("latin-1"))
    report = import_paths(project, [f])
    assert "cp1252" in report.files[0].line()
    assert _texts(project) == ["Fermé\n\nLe café était fermé."]


# -- CSV: one good row next to one bad row -----------------------------------------------


CSV_BAD_ROWS = [
    # (bad row, expected words in the report)
    ('2,"unclosed quote,T2\n', ["row", "line 3", "unclosed quotation mark"]),
    ("2,,T2\n", ["row", "empty"]),
    ("2,   ,T2\n", ["row", "empty"]),
]


@pytest.mark.parametrize(("bad", "words"), CSV_BAD_ROWS)
def test_csv_bad_row_costs_only_itself(
    project: Project, tmp_path: Path, bad: str, words: list[str]
) -> None:
    f = tmp_path / "a.csv"
    f.write_text("id,text,title\n1,first text,T1\n" + bad + "3,third text,T3\n", encoding="utf-8")
    report = import_paths(project, [f])
    assert _texts(project) == ["first text", "third text"]
    assert report.articles_added == 2
    (problem,) = report.files[0].problems
    assert all(w in problem for w in words), problem


def test_csv_unclosed_quote_does_not_swallow_the_rows_after_it(
    project: Project, tmp_path: Path
) -> None:
    f = tmp_path / "a.csv"
    f.write_text(
        'id,text,title\n1,"unclosed,T1\n2,second,T2\n3,third,T3\n4,fourth,T4\n', encoding="utf-8"
    )
    report = import_paths(project, [f])
    assert _texts(project) == ["second", "third", "fourth"]
    assert "line 2" in report.files[0].problems[0]


def test_csv_extra_cells_and_duplicate_text_column_are_named(
    project: Project, tmp_path: Path
) -> None:
    f = tmp_path / "a.csv"
    f.write_text(
        "id,text,title,text\n1,first,T1,other\n2,second,T2,more,EXTRA1,EXTRA2\n", encoding="utf-8"
    )
    report = import_paths(project, [f])
    notes = "\n".join(report.files[0].notes)
    assert "column 4 is named 'text' like column 2" in notes
    assert "row 3: 2 cells beyond the 4 columns" in notes and "EXTRA1" in notes
    assert _texts(project) == ["first", "second"]
    meta = json.loads(project.db.execute("SELECT meta FROM articles").fetchone()[0])
    assert meta["text (column 4)"] == "other"
    assert "note: " in "\n".join(report.lines())


# -- Prodigy: one good task next to one bad task -------------------------------------------


def _task(text: str, spans: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"text": text, "spans": spans, "answer": "accept", **extra}


def _good_task(n: int) -> dict[str, Any]:
    text = f'"We will win," she said. ({n})'
    return _task(text, [{"start": 0, "end": 14, "label": "QUOTE"}])


PRODIGY_BAD = [
    _task(TEXT, {"start": 0}),  # type: ignore[arg-type]
    {"text": 42, "spans": []},
    _task(
        TEXT,
        [{"start": 8, "end": 31, "label": "QUOTE"}],
        meta={"quotes": [{"content_spans": [[8, 31]], "confidence": 7, "seq": 1}]},
    ),
    _task(
        TEXT,
        [{"start": 8, "end": 31, "label": "QUOTE"}],
        meta={"quotes": [{"content_spans": [[8, 31]], "annotator": ["x"], "seq": 1}]},
    ),
    _task(
        TEXT,
        [{"start": 8, "end": 31, "label": "QUOTE"}],
        meta={"quotes": [{"content_spans": [[8, 31]], "stance": {}, "seq": "first"}]},
    ),
]


@pytest.mark.parametrize("bad", PRODIGY_BAD, ids=range(len(PRODIGY_BAD)))
def test_prodigy_bad_task_costs_only_itself(
    project: Project, tmp_path: Path, bad: dict[str, Any]
) -> None:
    f = tmp_path / "tasks.jsonl"
    f.write_text(
        "\n".join(json.dumps(t) for t in (_good_task(0), bad, _good_task(1))) + "\n",
        encoding="utf-8",
    )
    report = import_paths(project, [f])
    assert report.articles_added == 2 and report.quotes_added == 2, report.lines()
    (problem,) = report.files[0].problems
    assert "line 2" in problem
    assert len(_texts(project)) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"start": 5, "end": 9999, "label": "QUOTE"},
        {"start": -4, "end": 3, "label": "QUOTE"},
        {"start": 9, "end": 4, "label": "CUE"},
        {"start": 0, "end": 3, "label": "OPINION"},
    ],
    ids=range(4),
)
def test_a_prodigy_task_with_one_bad_span_keeps_its_article_and_its_good_quote(
    project: Project, tmp_path: Path, bad: dict[str, Any]
) -> None:
    f = tmp_path / "tasks.jsonl"
    middle = _task(TEXT, [{"start": 0, "end": 4, "label": "QUOTE"}, bad])
    f.write_text(
        "\n".join(json.dumps(t) for t in (_good_task(0), middle, _good_task(1))) + "\n",
        encoding="utf-8",
    )
    report = import_paths(project, [f])
    assert report.articles_added == 3 and report.quotes_added == 3, report.lines()
    assert not report.files[0].problems
    (note,) = report.files[0].notes
    assert "line 2: span 2" in note and "that span was left out, the task was kept" in note
    assert len(_texts(project)) == 3


# -- brat: one good annotation next to one bad one -----------------------------------------

BRAT_TEXT = '"We will balance it," the minister said.\nThe opposition disagreed.'
GOOD_ANN = [
    'T1\tContent 0 21\t"We will balance it,"',
    "T2\tSource 22 34\tthe minister",
    "T3\tCue 35 39\tsaid",
    "T4\tAttribution 35 39\tsaid",
    "E1\tAttribution:T4 Source:T2 Cue:T3 Content:T1",
]
BRAT_BAD = [
    # (extra lines making a second, bad quote)
    [
        "T5\tContent 41 9999\tThe opposition",
        "T6\tAttribution 41 55\tThe opposition",
        "E2\tAttribution:T6 Content:T5",
    ],
    [
        "T5\tContent -5 10\tThe opposition",
        "T6\tAttribution 41 55\tThe opposition",
        "E2\tAttribution:T6 Content:T5",
    ],
    [
        "T5\tContent 41 55\tSomething else",
        "T6\tAttribution 41 55\tThe opposition",
        "E2\tAttribution:T6 Content:T5",
    ],
    ["T5\tContent 41 x55\tThe opposition", "E2\tAttribution:T5 Content:T5"],
    ["T5\tContent 41 55\tThe opposition", "E2\tAttribution:T5 Content:T5", "A1\tKind E2 shouted"],
    [
        "T5\tContent 41 55\tThe opposition",
        "E2\tAttribution:T5 Content:T5",
        '#1\tAnnotatorNotes E2\t{"speaker_name": 42}',
    ],
    [
        "T5\tContent 41 55\tThe opposition",
        "E2\tAttribution:T5 Content:T5",
        '#1\tAnnotatorNotes E2\t{"confidence": 9, "annotator": ""}',
    ],
    [
        "T5\tContent 41 55\tThe opposition",
        "E2\tAttribution:T5 Content:T5",
        '#1\tAnnotatorNotes E2\t{"content_spans": [["a", 3]]}',
    ],
    ["E2\tAttribution:T9 Content:T9"],
]


@pytest.mark.parametrize("bad", BRAT_BAD, ids=range(len(BRAT_BAD)))
def test_brat_bad_annotation_costs_only_itself(
    project: Project, tmp_path: Path, bad: list[str]
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("\n".join(GOOD_ANN + bad) + "\n", encoding="utf-8")
    (folder / "b.txt").write_text(BRAT_TEXT + " (b)", encoding="utf-8")
    (folder / "b.ann").write_text("\n".join(GOOD_ANN) + "\n", encoding="utf-8")
    report = import_paths(project, [folder])
    assert report.articles_added == 2 and report.quotes_added == 2, report.lines()
    assert report.files[0].problems, "the bad annotation is reported"
    assert all("a.ann" in p for p in report.files[0].problems)
    for rec in project.annotations(1) + project.annotations(2):
        assert rec.quote.content_spans == ((0, 21),)


@pytest.mark.parametrize("ann_counts_crlf", [True, False])
def test_brat_offsets_follow_the_crlf_convention_of_the_ann(
    project: Project, tmp_path: Path, ann_counts_crlf: bool
) -> None:
    raw = 'Title\r\n\r\n"Yes," said Ana.\r\n"No," said Bo.'
    norm = raw.replace("\r\n", "\n")
    base = raw if ann_counts_crlf else norm
    lines = []
    for n, sub in enumerate(['"Yes,"', '"No,"'], 1):
        a = base.index(sub)
        lines += [
            f"T{n}\tContent {a} {a + len(sub)}\t{sub}",
            f"E{n}\tAttribution:T{n} Content:T{n}",
        ]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_bytes(raw.encode())
    (folder / "a.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [folder])
    assert report.quotes_added == 2 and not report.files[0].problems, report.lines()
    got = sorted(norm[slice(*r.quote.content_spans[0])] for r in project.annotations(1))
    assert got == ['"No,"', '"Yes,"']


def test_a_size_limit_that_is_not_a_number_is_reported_not_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from annotator.io import files

    files._warn_bad_limit.cache_clear()
    for bad in ("abc", "-5", "0", "inf"):
        monkeypatch.setenv("ANNOTATOR_MAX_FILE_MB", bad)
        with caplog.at_level("WARNING", logger="annotator.io.files"):
            assert files.max_file_bytes() == files.DEFAULT_MAX_FILE_BYTES
        assert f"ANNOTATOR_MAX_FILE_MB={bad!r}" in caplog.text
    monkeypatch.setenv("ANNOTATOR_MAX_FILE_MB", "2.5")
    assert files.max_file_bytes() == 2_500_000
