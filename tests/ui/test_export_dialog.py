"""The Export dialog: fill it in with clicks and keys, run, check the bytes written."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from annotator.core.model import Article, Quote
from annotator.core.text import normalise_text
from annotator.store.project import Project
from annotator.ui.export_dialog import ExportDialog

RAW = (
    "Rail strike {n} 🚆\r\n\r\n"
    '"Trains will run," the operator said, "on Sunday."\r\n'
    "Workers\u00a0said the offer was too low."
)


def sp(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


@pytest.fixture
def export_db(tmp_path: Path) -> Path:
    path = tmp_path / "rail.db"
    with Project.open(path) as p:
        for n in range(1, 7):
            text = normalise_text(RAW.replace("{n}", str(n)))
            aid, _ = p.add_article(
                Article(f"Rail strike {n}", text, {"publisher": "Wire"}, f"r{n}")
            )
            direct = Quote(
                content_spans=(sp(text, '"Trains will run,"'), sp(text, '"on Sunday."')),
                speaker_spans=(sp(text, "the operator"),),
                cue_spans=(sp(text, "said"),),
                speaker_text="the operator",
                kind="direct",
                status="accepted",
            )
            negative = Quote(
                content_spans=(sp(text, "Workers"),), kind="indirect", status="rejected"
            )
            p.add_annotation(aid, "alice", direct)
            p.add_annotation(aid, "alice", negative)
            p.add_annotation(aid, "bob", direct.with_(stance="neutral"))
    return path


def dialog(qtbot: QtBot, path: Path) -> ExportDialog:
    d = ExportDialog(path)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def set_output(qtbot: QtBot, d: ExportDialog, path: Path) -> None:
    d.output_edit.clear()
    qtbot.keyClicks(d.output_edit, str(path))


def choose_format(d: ExportDialog, key: str) -> None:
    d.format_combo.setCurrentIndex(d.format_combo.findData(key))


def run(qtbot: QtBot, d: ExportDialog) -> object:
    with qtbot.waitSignal(d.exported, timeout=60000) as blocker:
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_csv_with_bom_negatives_and_one_annotator(
    qtbot: QtBot, export_db: Path, tmp_path: Path
) -> None:
    d = dialog(qtbot, export_db)
    assert d.format == "csv" and d.output_edit.text().endswith("rail-export.csv")
    out = tmp_path / "alice.csv"
    set_output(qtbot, d, out)
    qtbot.mouseClick(d.bom_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(d.status_checks["rejected"], Qt.MouseButton.LeftButton)
    alice = d.annotator_list.item_of("alice")
    assert alice is not None
    alice.setCheckState(Qt.CheckState.Checked)
    report = run(qtbot, d)
    assert report.quotes == 12  # type: ignore[attr-defined]
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfquote_id,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 12
    assert {r["annotator"] for r in rows} == {"alice"}
    assert sorted({r["status"] for r in rows}) == ["accepted", "rejected"]
    assert rows[0]["quote_text"] == '"Trains will run," … "on Sunday."'
    assert "12 quotes from 6 articles" in d.status_label.text()
    assert d.progress.value() == d.progress.maximum() == 12
    assert d.cancel_button.text() == "Close" and d.export_button.isEnabled()


def test_jsonl_split(qtbot: QtBot, export_db: Path, tmp_path: Path) -> None:
    d = dialog(qtbot, export_db)
    choose_format(d, "jsonl")
    assert d.output_edit.text().endswith("rail-export.jsonl") and not d.bom_check.isEnabled()
    set_output(qtbot, d, tmp_path / "data.jsonl")
    d.split_group.setChecked(True)
    train, dev, test = d.split_spins
    train.setValue(0.5)
    dev.setValue(0.5)
    test.setValue(0.0)
    d.seed_spin.setValue(4)
    qtbot.mouseClick(d.all_annotators_check, Qt.MouseButton.LeftButton)  # alice and bob
    report = run(qtbot, d)
    assert [(p.name, p.articles) for p in report.parts] == [("train", 3), ("dev", 3)]  # type: ignore[attr-defined]
    ids = []
    for part in ("train", "dev"):
        lines = (tmp_path / f"data.{part}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3
        for line in lines:
            obj = json.loads(line)
            ids.append(obj["id"])
            assert [q["annotator"] for q in obj["quotes"]] == ["alice", "bob"]
            assert {q["status"] for q in obj["quotes"]} == {"accepted"}
    assert sorted(ids) == [f"r{n}" for n in range(1, 7)]
    assert not (tmp_path / "data.test.jsonl").exists()
    assert "train: 3 articles" in d.status_label.text()


def test_gold_is_offered_only_when_reviews_exist(qtbot: QtBot, export_db: Path) -> None:
    d = dialog(qtbot, export_db)
    assert not d.gold_check.isEnabled()
    assert "reviewed" in d.gold_check.toolTip()


def test_a_refused_export_says_why(qtbot: QtBot, export_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    d = dialog(qtbot, export_db)
    choose_format(d, "brat")
    set_output(qtbot, d, folder)
    qtbot.mouseClick(d.all_annotators_check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(d.failed, timeout=60000) as blocker:
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert "did not write (keep.txt)" in blocker.args[0]
    assert "Cannot export" in d.status_label.text()
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    # a bad split is caught before anything runs
    choose_format(d, "csv")
    set_output(qtbot, d, tmp_path / "x.csv")
    d.split_group.setChecked(True)
    d.split_spins[0].setValue(0.9)
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert "add up to 1" in d.status_label.text() and not d.running
    assert not (tmp_path / "x.csv").exists()


class _Held:
    """Holds Project.annotators_sharing_articles (the check before an export) until
    ``gate`` is set; records whether it ran on the GUI thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate, self.started = threading.Event(), threading.Event()
        self.on_gui_thread: list[bool] = []
        real = Project.annotators_sharing_articles

        def held(project: Project, *a: object, **k: object) -> list[str]:
            self.started.set()
            self.gate.wait(10)
            self.on_gui_thread.append(threading.current_thread() is threading.main_thread())
            return real(project, *a, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(Project, "annotators_sharing_articles", held)


def test_whose_versions_is_checked_off_the_gui_thread(
    qtbot: QtBot, export_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the check reads every annotation (3-5 s at 100,000 articles)."""
    held = _Held(monkeypatch)
    out = tmp_path / "all.jsonl"
    d = dialog(qtbot, export_db)
    choose_format(d, "jsonl")
    set_output(qtbot, d, out)
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert held.started.wait(10)
    assert "Checking whose versions" in d.status_label.text()
    assert d.running and not d.export_button.isEnabled()
    with qtbot.waitSignal(d.failed, timeout=60000) as blocker:
        held.gate.set()
    assert held.on_gui_thread == [False]
    assert "alice, bob" in blocker.args[0] and "Choose whose" in blocker.args[0]
    assert "Cannot export" in d.status_label.text() and d.export_button.isEnabled()
    assert not out.exists() and not d.running


def test_cancel_during_the_check_exports_nothing(
    qtbot: QtBot, export_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _Held(monkeypatch)
    out = tmp_path / "all.csv"
    with Project.open(export_db) as p:  # bob's versions gone: the check would say go
        p.db.execute(
            "DELETE FROM annotations WHERE annotator_id ="
            " (SELECT id FROM annotators WHERE name = 'bob')"
        )
    d = dialog(qtbot, export_db)
    set_output(qtbot, d, out)
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert held.started.wait(10)
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    assert d.status_label.text() == "Nothing was exported." and not d.running
    assert d.export_button.isEnabled()
    held.gate.set()
    qtbot.waitUntil(lambda: bool(held.on_gui_thread), timeout=60000)
    qtbot.wait(200)  # the check's answer arrives and is dropped
    assert not out.exists() and d.task is None


def test_one_annotator_exports_after_the_check(
    qtbot: QtBot, export_db: Path, tmp_path: Path
) -> None:
    with Project.open(export_db) as p:
        p.db.execute(
            "DELETE FROM annotations WHERE annotator_id ="
            " (SELECT id FROM annotators WHERE name = 'bob')"
        )
    out = tmp_path / "alice.jsonl"
    d = dialog(qtbot, export_db)
    choose_format(d, "jsonl")
    set_output(qtbot, d, out)
    run(qtbot, d)
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 6
    assert {q["annotator"] for doc in docs for q in doc["quotes"]} == {"alice"}


def test_annotators_are_listed_with_their_counts_none_ticked(qtbot: QtBot, tmp_path: Path) -> None:
    """The shared annotator list: counts arrive from a pool thread; a tick made before
    they arrive stays; nobody is ticked by default (that exports everyone)."""
    path = tmp_path / "people.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Rail", "Trains will run, the operator said."))
        p.add_annotation(aid, "bob", Quote(content_spans=((0, 15),), status="accepted"))
        p.annotator_id("rita")  # a reviewer with no quote
    d = ExportDialog(path)
    qtbot.addWidget(d)
    d.annotator_list.item_of("rita").setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: d.annotator_list.item(0).text() != "bob", timeout=60000)
    texts = [d.annotator_list.item(i).text() for i in range(d.annotator_list.count())]
    assert texts == ["bob (1)", "rita (0)"]
    assert d.annotator_list.ticked() == ["rita"]
    d.annotator_list.tick([])
    assert d.annotator_list.ticked() == []


@pytest.mark.parametrize("how", ["cancel", "close"])
def test_the_check_is_interrupted_when_the_export_is_given_up(
    qtbot: QtBot, export_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Issue 16: the check's read (seconds at 100,000 articles) stops at once when the
    export is cancelled or the dialog closed, so nothing waits for it (the window's Quit
    waits for the pool it runs on). The read is made endless on purpose."""
    started = threading.Event()

    def endless(project: Project, *a: object, **k: object) -> list[str]:
        started.set()
        project.db.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
        ).fetchone()
        raise AssertionError("the endless read ended by itself")

    monkeypatch.setattr(Project, "annotators_sharing_articles", endless)
    out = tmp_path / "all.jsonl"
    d = dialog(qtbot, export_db)
    choose_format(d, "jsonl")
    set_output(qtbot, d, out)
    failures: list[str] = []
    d.failed.connect(failures.append)
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert started.wait(10)
    if how == "cancel":
        d.cancel_export()
        assert "Nothing was exported" in d.status_label.text()
    else:
        d.close()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    assert not failures and not out.exists() and not d.running
