"""The agreement dashboard: figures computed in the background and shown in chart and tables."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import annotator.ui.dashboard as dashboard
from annotator.core.errors import Stopped
from annotator.core.model import Article, Quote
from annotator.services.agreement import compute_agreement
from annotator.store.project import Project
from annotator.ui.dashboard import BAR_ROLE, DashboardWindow

T1 = "“Taxes will fall,” the minister said. “Not this year,” replied Ms Okafor. Markets rose."
T2 = "“We are ready,” the coach said before the final. Fans queued all night."


def _q(a: int, b: int, who: str, stance: str) -> Quote:
    return Quote(
        content_spans=((a, b),),
        annotator=who,
        status="accepted",
        origin="manual",
        stance=stance,
        kind="direct",
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "dash.db"
    with Project.open(path) as p:
        a1, _ = p.add_article(Article("Taxes", T1))
        a2, _ = p.add_article(Article("Final", T2))
        for who, stances in (
            ("ann", ("support", "oppose")),
            ("bob", ("support", "neutral")),
            ("cy", ("support", "oppose")),
        ):
            p.add_annotation(a1, who, _q(0, 18, who, stances[0]))
            if who != "cy":
                p.add_annotation(a1, who, _q(38, 54, who, stances[1]))
            p.add_annotation(a2, who, _q(0, 15, who, "neutral"))
        p.set_progress(a1, "ann", "done")
    return path


def test_dashboard_shows_figures(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    # the first computation reports through the event loop, so connecting now is in time
    with qtbot.waitSignal(w.computed, timeout=10000) as blocker:
        pass
    report = blocker.args[0]
    assert [(p.a, p.b) for p in report.pairs] == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    assert w.pairs_table.rowCount() == 3
    assert w.pairs_table.item(0, 2).text() == "1.000"  # lenient F1 of ann and bob
    rows = w.chart.rows()
    assert [label for label, _ in rows] == ["ann / bob", "ann / cy", "bob / cy"]
    assert all(len(values) == 4 for _, values in rows)
    assert "Krippendorff" in w.summary.text()
    assert w.annotators_table.rowCount() == 3
    ann_progress = w.annotators_table.item(0, 6)
    assert ann_progress.data(BAR_ROLE) == pytest.approx(0.5)
    # per article, worst first: Taxes (ann/bob stance, cy missing one) before Final
    assert "Taxes" in w.articles_table.item(0, 2).text()
    assert w.articles_table.item(0, 0).data(BAR_ROLE) == 1.0
    w.show()
    qtbot.waitExposed(w)
    assert not w.chart.grab().isNull()


def test_untick_an_annotator_recomputes(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=10000):
        pass
    with qtbot.waitSignal(w.computed, timeout=10000) as blocker:
        w.annotator_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert blocker.args[0].annotators == ["ann", "bob"]
    assert w.pairs_table.rowCount() == 1
    with qtbot.waitSignal(w.computed, timeout=10000) as blocker:
        w.annotator_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert w.pairs_table.rowCount() == 0 and w.chart.rows() == []
    w.close()


def test_closing_while_computing_stops_the_job_without_waiting(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: the agreement of a 100,000-article project takes minutes; closing the
    dashboard must not wait for it (it waited 5 s, then let the job's signals be deleted)."""
    gate, started = threading.Event(), threading.Event()
    seen: list[bool] = []
    real = dashboard.compute_agreement

    def held(project, annotators, stop=None):  # type: ignore[no-untyped-def]
        started.set()
        gate.wait(10)
        seen.append(stop())
        return real(project, annotators, stop=stop)

    monkeypatch.setattr(dashboard, "compute_agreement", held)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    assert started.wait(10)
    (job,) = w._jobs
    w.close()  # returns while the job is held
    assert job.cancelled and job in dashboard._RUNNING
    gate.set()
    qtbot.waitUntil(lambda: job not in dashboard._RUNNING, timeout=10000)
    assert seen == [True] and w.report is None


def test_a_newer_choice_stops_the_older_computation(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    gate, started = threading.Event(), threading.Event()
    real = dashboard.compute_agreement

    def held(project, annotators, stop=None):  # type: ignore[no-untyped-def]
        started.set()
        gate.wait(10)
        return real(project, annotators, stop=stop)

    monkeypatch.setattr(dashboard, "compute_agreement", held)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    assert started.wait(10)
    (first,) = w._jobs
    w.annotator_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert first.cancelled and len(w._jobs) == 1 and w._jobs[0] is not first
    with qtbot.waitSignal(w.computed, timeout=10000) as blocker:
        gate.set()
    assert blocker.args[0].annotators == ["ann", "bob"]


def test_compute_agreement_stops_when_asked(project_path: Path) -> None:
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    with Project.open(project_path, readonly=True) as p, pytest.raises(Stopped):
        compute_agreement(p, ["ann", "bob"], stop=stop)
    assert asked == [1]  # asked before the first article, which was not compared
