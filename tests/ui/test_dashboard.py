"""The agreement dashboard: figures computed in the background and shown in chart and tables."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

import annotator.services.child_call as child_call
import annotator.ui.dashboard as dashboard
import annotator.ui.workers as workers
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


def _cell(table: Any, row: int, column: int) -> str:
    """The text a table view shows in a cell."""
    return str(table.model().index(row, column).data())


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
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        pass
    report = blocker.args[0]
    assert [(p.a, p.b) for p in report.pairs] == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    assert w.pairs_model.rowCount() == 3
    assert _cell(w.pairs_table, 0, 2) == "1.000"  # lenient F1 of ann and bob
    rows = w.chart.rows()
    assert [label for label, _ in rows] == ["ann / bob", "ann / cy", "bob / cy"]
    assert all(len(values) == 4 for _, values in rows)
    assert "Krippendorff" in w.summary.text()
    assert w.annotators_model.rowCount() == 3
    ann_progress = w.annotators_model.index(0, 6)
    assert ann_progress.data(BAR_ROLE) == pytest.approx(0.5)
    assert _cell(w.annotators_table, 0, 6) == "50% of 2"
    # per article, worst first: Taxes (ann/bob stance, cy missing one) before Final
    assert "Taxes" in _cell(w.articles_table, 0, 2)
    assert w.articles_model.index(0, 0).data(BAR_ROLE) == 1.0
    assert w.progress.isHidden() and w.chart.message() == ""
    w.show()
    qtbot.waitExposed(w)
    assert not w.chart.grab().isNull()


def test_untick_an_annotator_recomputes(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000):
        pass
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        w.annotator_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert blocker.args[0].annotators == ["ann", "bob"]
    assert w.pairs_model.rowCount() == 1
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        w.annotator_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert w.pairs_model.rowCount() == 0 and w.chart.rows() == []
    # finished with nobody to pair: the chart says why, not "computing"
    assert w.chart.message() == "No pair to compare: only ann is ticked (tick another)"
    w.close()


def _held_agreement(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[threading.Event, threading.Event, list[bool]]:
    """Run the dashboard's agreement in this process and hold it until the first event is
    set; the second is set once it began; the list gets what ``stop()`` said on release."""
    gate, started = threading.Event(), threading.Event()
    seen: list[bool] = []
    real = dashboard.compute_agreement

    def held(project, annotators, progress=None, stop=None):  # type: ignore[no-untyped-def]
        started.set()
        gate.wait(10)
        seen.append(stop())
        return real(project, annotators, progress=progress, stop=stop)

    monkeypatch.setattr(dashboard, "compute_agreement", held)
    monkeypatch.setattr(dashboard._AgreementJob, "in_child", False)  # held in this process
    return gate, started, seen


def test_closing_while_computing_stops_the_job_without_waiting(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: the agreement of a 100,000-article project takes minutes; closing the
    dashboard must not wait for it (it waited 5 s, then let the job's signals be deleted)."""
    gate, started, seen = _held_agreement(monkeypatch)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    qtbot.waitUntil(started.is_set, timeout=60000)
    (job,) = w._jobs
    w.close()  # returns while the job is held
    assert job.cancelled and job in workers.RUNNING
    gate.set()
    qtbot.waitUntil(lambda: job not in workers.RUNNING, timeout=60000)
    assert seen == [True] and w.report is None


def test_a_newer_choice_stops_the_older_computation(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    gate, started, _seen = _held_agreement(monkeypatch)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    qtbot.waitUntil(started.is_set, timeout=60000)
    (first,) = w._jobs
    w.annotator_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert first.cancelled and len(w._jobs) == 1 and w._jobs[0] is not first
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
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


def test_progress_shows_articles_compared_and_says_computing(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: minutes at 100,000 articles with nothing on screen but "No pair to
    compare"; now the articles compared so far, and no empty message until finished."""
    gate, reported = threading.Event(), threading.Event()
    real = dashboard.compute_agreement

    def held(project, annotators, progress=None, stop=None):  # type: ignore[no-untyped-def]
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:
                reported.set()
                gate.wait(10)

        return real(project, annotators, progress=report, stop=stop)

    monkeypatch.setattr(dashboard, "compute_agreement", held)
    monkeypatch.setattr(dashboard._AgreementJob, "in_child", False)  # held in this process
    monkeypatch.setattr(dashboard._AgreementJob, "EVERY", 0.0)  # every article reported
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(reported.is_set, timeout=60000)
    qtbot.waitUntil(lambda: w.progress.value() == 1, timeout=60000)
    assert w.progress.isVisible() and w.progress.maximum() == 2
    assert w.progress.text() == "1 / 2"
    assert w.summary.text() == "Computing agreement… 1 of 2 articles compared"
    assert w.chart.message() == "Computing agreement…"
    assert "No pair" not in w.chart.message() and w.computing()
    with qtbot.waitSignal(w.computed, timeout=60000):
        gate.set()
    assert not w.computing() and not w.progress.isVisible()
    assert "2 articles with two versions or more" in w.summary.text()


def test_only_annotators_with_quotes_are_ticked_and_counts_shown(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(project_path) as p:
        p.annotator_id("rita")  # a reviewer who annotated nothing
        aid = p.article_ids()[0]
        p.add_annotation(aid, "zoe", _q(0, 18, "zoe", "support").with_(status="rejected"))
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        pass
    labels = [w.annotator_list.item(i).text() for i in range(w.annotator_list.count())]
    assert labels == ["ann (3)", "bob (3)", "cy (2)", "rita (0)", "zoe (0)"]
    assert w.annotator_list.ticked() == ["ann", "bob", "cy"]
    assert blocker.args[0].annotators == ["ann", "bob", "cy"]
    assert w.annotator_list.item(3).toolTip() == "0 accepted quotes"
    # ticking rita by hand compares her too (she has no version anywhere)
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        w.annotator_list.item_of("rita").setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    assert blocker.args[0].annotators == ["ann", "bob", "cy", "rita"]
    assert [_cell(w.annotators_table, r, 0) for r in range(4)] == ["ann", "bob", "cy", "rita"]
    assert _cell(w.annotators_table, 3, 1) == "0"


def test_many_articles_fill_the_table_lazily(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "many.db"
    with Project.open(path) as p:
        for i in range(300):
            aid, _ = p.add_article(Article(f"Budget {i}", T1 + f" Copy {i}."))
            p.add_annotation(aid, "ann", _q(0, 18, "ann", "support"))
            p.add_annotation(aid, "bob", _q(0, 18 if i % 3 else 10, "bob", "support"))
    w = DashboardWindow(path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000):
        pass
    assert w.articles_model.rowCount() == 300
    # worst first: the 100 articles where bob's quote is shorter differ
    assert _cell(w.articles_table, 0, 0) == "1" and _cell(w.articles_table, 100, 0) == "0"
    assert _cell(w.articles_table, 0, 2) == "#1  Budget 0"
    assert _cell(w.pairs_table, 0, 6) == "300" and _cell(w.pairs_table, 0, 7) == "100"


def test_the_child_process_reports_a_failure_in_the_window(
    qtbot, project_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The figures are computed in a child process; when it cannot, the window says why."""
    monkeypatch.setattr(workers, "CHILD_FROM_BYTES", 0)  # a big project's path
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000):
        pass
    assert dashboard._AgreementJob.in_child  # the figures above came from the child
    gone = project_path.with_name("gone.db")
    project_path.rename(gone)
    with qtbot.waitSignal(w.failed, timeout=60000) as blocker:
        w.refresh()
    assert "Could not compute" in w.summary.text() and blocker.args[0] in w.summary.text()
    assert w.chart.message() == "Could not compute" and not w.computing()
    assert not w.progress.isVisible()


def test_a_cancelled_computation_ends_its_child_process(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing the dashboard (or a newer choice) cancels the job: the child computing the
    figures is ended at once, not left running for its minute."""
    monkeypatch.setattr(workers, "CHILD_FROM_BYTES", 0)  # a big project's path
    import subprocess

    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        child = real(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(child_call.subprocess, "Popen", recorded)
    job = dashboard._AgreementJob(project_path, ["ann", "bob"])
    job.cancel()
    assert job.work() is None
    (child,) = started
    assert child.returncode is not None  # ended and waited for
    # and not cancelled: the same job shape gives the figures
    done = dashboard._AgreementJob(project_path, ["ann", "bob"]).work()
    assert isinstance(done, dashboard.DashboardRows)
    assert [(p.a, p.b) for p in done.report.pairs] == [("ann", "bob")]
    assert len(done.articles) == len(done.report.per_article) == 2


def test_while_finding_articles_the_phase_is_said_and_counts_are_shown(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Before the first article is compared: words for the phase (not a bare busy bar),
    and the per-annotator table already lists each ticked annotator's accepted quotes."""
    gate, started, _seen = _held_agreement(monkeypatch)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(started.is_set, timeout=60000)
    assert "Finding the articles annotated by two or more" in w.summary.text()
    assert w.progress.maximum() == 0 and "Finding" in w.progress.format()
    rows = [
        [_cell(w.annotators_table, r, c) for c in range(3)]
        for r in range(w.annotators_model.rowCount())
    ]
    assert rows == [["ann", "3", "…"], ["bob", "3", "…"], ["cy", "2", "…"]]
    with qtbot.waitSignal(w.computed, timeout=60000):
        gate.set()
    assert _cell(w.annotators_table, 0, 2) == "0"  # rejected, now computed
    assert _cell(w.annotators_table, 0, 6) == "50% of 2"


@pytest.mark.parametrize("newcomers", [["me"], ["me", "zed"]])
def test_pairs_without_a_shared_article_are_one_line_not_rows(
    qtbot, project_path: Path, newcomers: list[str]
) -> None:  # type: ignore[no-untyped-def]
    """Annotators of an article nobody else did are not ticked at first (their pairs have
    nothing to compare) and the summary says why; ticked by hand, their pairs with the
    others (rows of n/a with 0 articles) are named on one line instead, off the chart."""
    with Project.open(project_path) as p:
        for who in newcomers:
            aid, _ = p.add_article(Article(f"Only {who}", T2 + f" {who} wrote this alone."))
            p.add_annotation(aid, who, _q(0, 15, who, "neutral"))
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        pass
    assert blocker.args[0].annotators == ["ann", "bob", "cy"]
    assert w.annotator_list.ticked() == ["ann", "bob", "cy"]
    alone = ", ".join(newcomers)
    share = "shares" if len(newcomers) == 1 else "share"
    assert f"Not ticked: {alone} ({share} no annotated article with another" in w.summary.text()
    tip = w.annotator_list.item_of("me").toolTip()  # type: ignore[union-attr]
    assert tip == "1 accepted quote, on articles no other annotator annotated (not ticked)"
    assert not w.empty_pairs.isVisible()
    # ticked by hand: compared, and named on one line
    for who in newcomers:
        with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
            w.annotator_list.item_of(who).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    report = blocker.args[0]
    assert set(newcomers) <= set(report.annotators)
    assert "Not ticked" not in w.summary.text()
    shown = [f"{_cell(w.pairs_table, r, 0)}/{_cell(w.pairs_table, r, 1)}" for r in range(3)]
    assert w.pairs_model.rowCount() == 3 and shown == ["ann/bob", "ann/cy", "bob/cy"]
    assert [label for label, _ in w.chart.rows()] == ["ann / bob", "ann / cy", "bob / cy"]
    assert [_cell(w.pairs_table, r, 6) for r in range(3)] == ["2", "2", "2"]  # shared articles
    line = w.empty_pairs.text()
    assert w.empty_pairs.isVisible() and line.startswith("No article annotated by both")
    assert "ann / me" in line and "cy / me" in line
    if "zed" in newcomers:
        assert "me / zed" in line
    assert "3 pairs sharing articles" in w.summary.text()


@pytest.mark.parametrize("people", [["ann", "bob"], ["ann", "bob", "cy"]])
def test_when_nobody_shares_an_article_nobody_is_ticked_and_it_says_so(
    qtbot, tmp_path: Path, people: list[str]
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "apart.db"
    with Project.open(path) as p:
        for i, who in enumerate(people):
            aid, _ = p.add_article(Article(who, (T1, T2)[i % 2] + f" ({who})"))
            p.add_annotation(aid, who, _q(0, 15, who, "neutral"))
        if "cy" in people:  # cy also rejected a quote in ann's article: cy has no accepted there
            p.add_annotation(
                p.article_ids()[0], "dee", _q(0, 15, "dee", "neutral").with_(status="rejected")
            )
    w = DashboardWindow(path)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.nothing_shared, timeout=60000):
        pass
    assert w.annotator_list.ticked() == []
    assert not w.computing()
    text = w.summary.text()
    assert "Nothing to compare yet" in text and "no article was annotated by two" in text
    names = "ann and bob" if len(people) == 2 else "ann, bob and cy"
    assert f"{names} each have accepted quotes" in text
    assert "tick annotators above" in text
    assert "No article annotated by two" in w.chart.message()
    assert not w.progress.isVisible()
    # ticked by hand, the pair is computed and says it has nothing in common
    with qtbot.waitSignal(w.computed, timeout=60000):
        w.annotator_list.item_of("ann").setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    with qtbot.waitSignal(w.computed, timeout=60000):
        w.annotator_list.item_of("bob").setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    assert w.pairs_model.rowCount() == 0
    assert "no article is annotated by two" in w.chart.message()
    assert "ann / bob" in w.empty_pairs.text()


def test_a_small_project_is_computed_without_a_child_process(
    qtbot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A child's start costs seconds on a loaded machine: a project under
    CHILD_FROM_BYTES is computed in the window's process (tester20 U6); a bigger one in a
    child."""
    started: list[object] = []
    real = child_call.subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> Any:
        child = real(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(child_call.subprocess, "Popen", recorded)
    assert not workers.worth_a_child(project_path)
    w = DashboardWindow(project_path)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000):
        pass
    assert started == [] and w.pairs_model.rowCount() > 0
    monkeypatch.setattr(workers, "CHILD_FROM_BYTES", project_path.stat().st_size)
    assert workers.worth_a_child(project_path)
    with qtbot.waitSignal(w.computed, timeout=60000):
        w.refresh()
    assert len(started) == 1 and w.pairs_model.rowCount() > 0
