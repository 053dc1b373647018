"""Project-wide counts of the window run in a child process (services/child_call.py):
results and pieces come back, failures come back as messages, a cancel ends the child, and
only this program's functions can be run (tester18 T6: the quote summary held the
interpreter lock beside the GUI thread)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

import annotator.services.child_call as child_call
from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.model import Article, Quote
from annotator.core.throttle import throttled
from annotator.services.child_call import call_in_child
from annotator.store.project import Project

TEXT = "The bridge opens in June, the mayor said. Critics said it was too costly."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Bridge", TEXT))
        for who, pieces in (("alice", 2), ("bob", 1)):
            for piece, speaker in (
                ("The bridge opens in June", "mayor"),
                ("it was too costly", "Critics"),
            )[:pieces]:
                start = TEXT.index(piece)
                q = Quote(
                    content_spans=((start, start + len(piece)),),
                    speaker_name=speaker,
                    annotator=who,
                    status="accepted",
                    origin="manual",
                    kind="indirect",
                )
                p.add_annotation(aid, who, q)
    return path


def _args(path: Path, source: Any = None) -> dict[str, Any]:
    return {"path": str(path), "source": source, "titles": {}, "me": None}


def test_the_quote_summary_counted_in_a_child_comes_back_whole(project: Path) -> None:
    report, charts, counts = call_in_child(
        "annotator.services.report:summary_in_child", _args(project)
    )
    assert counts == {"alice": 2, "bob": 1}
    assert report.source.annotator == "alice" and report.total == 2
    assert set(charts) and all(png.startswith(b"\x89PNG") for png in charts.values())
    report, _charts, counts = call_in_child(
        "annotator.services.report:summary_in_child",
        _args(project, {"annotator": "bob", "gold": False}),
    )
    assert counts is None and report.total == 1


def test_pieces_of_a_generator_come_back_in_order_and_progress_is_relayed(project: Path) -> None:
    seen: list[tuple[int, int]] = []
    head, *chunks = call_in_child(
        "annotator.services.agreement_rows:agreement_pieces",
        {"path": str(project), "annotators": ["alice", "bob"]},
        progress=lambda d, t: seen.append((d, t)),
        every=0.0,
    )
    assert [(p.a, p.b) for p in head.report.pairs] == [("alice", "bob")]
    assert sum(len(c) for c in chunks) == 1
    assert seen and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize(
    "target", ["os:system", "subprocess:run", "annotator", "annotator.ui.workers:"]
)
def test_only_this_programs_functions_run(project: Path, target: str) -> None:
    with pytest.raises(AnnotatorError, match="not a function of this program"):
        call_in_child(target, {"path": str(project)})


def test_a_failure_in_the_child_comes_back_as_its_message(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    with pytest.raises(AnnotatorError) as caught:
        call_in_child("annotator.services.report:summary_in_child", _args(missing))
    assert "gone.db" in str(caught.value)
    assert not missing.exists()  # opened read-only: nothing made


def test_a_cancel_ends_the_child(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        child = real(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(child_call.subprocess, "Popen", recorded)
    with pytest.raises(Stopped):
        call_in_child(
            "annotator.services.report:summary_in_child", _args(project), cancelled=lambda: True
        )
    (child,) = started
    assert child.returncode is not None  # ended and waited for


def test_throttled_reports_the_first_the_last_and_few_between() -> None:
    got: list[tuple[int, int]] = []
    report = throttled(lambda d, t: got.append((d, t)), every=3600.0)
    for done in range(0, 101):
        report(done, 100)
    assert got == [(0, 100), (100, 100)]


def test_the_summary_and_agreement_children_import_no_qt() -> None:
    """The quote summary's child runs a function of annotator.services: it imports no Qt
    (PySide6 was most of a child's start when the target lived in annotator.ui,
    review21 R8)."""
    import subprocess
    import sys

    code = (
        "import sys; from annotator.services.child_call import call_in_child; "
        "import annotator.services.report, annotator.services.agreement_rows; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
