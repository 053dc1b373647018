"""Qt fixtures: isolated QSettings, a small project, and the main window on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from annotator.core.model import Article, Quote
from annotator.core.text import normalise_text
from annotator.store.project import Project

# CRLF input, an emoji and a non-breaking space ahead of the quotes (HOUSE_STYLE).
RAW = (
    "Talks 🇰🇷 resume in Seoul\r\n\r\n"
    '"We will talk," Minister\u00a0Lee In-young said. "Peace comes first."\r\n\r\n'
    "The ministry said it hoped for progress, according to Andrey Kulik.\r\n\r\n"
    "Critics were unimpressed by the announcement on Monday.\r\n"
)
TEXT = normalise_text(RAW)
DETECTOR = "test-detector 1"


def span(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: QCoreApplication) -> Iterator[None]:
    """QSettings in a per-test folder, so tests never see the user's or each other's."""
    QCoreApplication.setOrganizationName("quote-annotator-tests")
    QCoreApplication.setApplicationName("Quote Annotator tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield


#: What the "open elsewhere" question answers in tests (see ``open_elsewhere_answers``).
ASKED: list[tuple[str, list[Any]]] = []


@pytest.fixture(autouse=True)
def open_elsewhere_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The box "already open in another window" never blocks a test: it answers "anyway"
    unless a test puts other answers in the returned list; every question is kept in
    :data:`ASKED` (annotator, the other windows)."""
    from annotator.ui import open_elsewhere

    answers: list[str] = []
    ASKED.clear()

    def ask(_parent: Any, _path: Path, annotator: str, others: list[Any]) -> str:
        ASKED.append((annotator, others))
        return answers.pop(0) if answers else open_elsewhere.ANYWAY

    monkeypatch.setattr(open_elsewhere, "ask", ask)
    yield answers


def make_project(path: Path) -> Path:
    """A project with two articles; the first has two suggestions."""
    with Project.open(path) as p:
        aid, _ = p.add_article(
            Article("Talks resume", TEXT, {"publisher": "Wire", "date": "2020-09-21"})
        )
        p.add_article(
            Article(
                "Second article",
                'Officials said nothing. "It is fine," said Kim.',
                {"publisher": "Daily", "date": "2020-09-22"},
            )
        )
        q1 = Quote(
            content_spans=(span("We will talk,"), span("Peace comes first.")),
            speaker_spans=(span("Minister\u00a0Lee In-young"),),
            cue_spans=(span("said"),),
            speaker_text="Minister\u00a0Lee In-young",
            speaker_name="Lee In-young",
            kind="direct",
            confidence=0.9,
        )
        q2 = Quote(
            content_spans=(span("it hoped for progress"),),
            speaker_spans=(span("The ministry"),),
            kind="indirect",
            confidence=0.5,
        )
        p.set_suggestions(aid, DETECTOR, [q1, q2])
    return path


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p.db")


def shown_window(
    qtbot: Any,
    path: Path,
    who: str = "alice",
    size: tuple[int, int] | None = None,
    list_ready: bool = False,
    **options: Any,
) -> Any:
    """The annotation window on ``path`` for ``who`` (no model unless ``options`` say
    ``load_model=True``), resized to ``size`` (width, height) when given, shown and exposed;
    with ``list_ready`` once the article list has no read under way."""
    from annotator.ui.main_window import MainWindow

    options.setdefault("load_model", False)
    w = MainWindow(path, annotator=who, **options)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    if list_ready:
        qtbot.waitUntil(lambda: not w.list_busy())
    return w


def shown_ids(w: Any) -> list[int]:
    """The article ids of the window ``w``'s list rows, top to bottom (as the model's
    ``ID_ROLE`` gives them)."""
    from annotator.ui.article_list import ID_ROLE

    m = w.article_list.model
    return [int(m.index(r, 0).data(ID_ROLE)) for r in range(m.rowCount())]


def open_review(qtbot: Any, path: Path, rows: int, reviewer: str = "rita") -> Any:
    """The review window on ``path``, shown and active, once its table has ``rows`` rows
    (the annotators and articles are read on a pool thread)."""
    from PySide6.QtWidgets import QApplication

    from annotator.ui.review_window import ReviewWindow

    w = ReviewWindow(path, reviewer)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.table.rowCount() == rows)
    return w


def open_window(qtbot: Any, path: Path, who: str = "alice") -> Any:
    """The annotation window on ``path`` (no model), shown, with the keyboard in the text."""
    from PySide6.QtWidgets import QApplication

    w = shown_window(qtbot, path, who)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    qtbot.waitUntil(lambda: w.targets_task is None)  # the stance targets are read in the pool
    return w
