"""The review window at scale (issue 16: it froze 23 s at 100,000 articles): the annotators
and the articles to review are read on a pool thread while the window is already up and
says "Loading articles…"; the list's labels are read a page at a time for the rows in view,
off the GUI thread; a decision updates its article's label at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from annotator.core.model import Article, Quote
from annotator.services.adjudication import ReviewSession
from annotator.store.project import Project
from annotator.store.review import ReviewStore
from annotator.ui.review_articles import ID_ROLE, LOADING
from annotator.ui.review_window import ReviewWindow

HARBOUR = "“The harbour opens in May,” the port chief said. Fishers said it came too late."
BRIDGE = "“The bridge is safe,” the engineer said on Tuesday."
LIBRARY = "The library keeps its Sunday hours, the council said."


def _q(text: str, frag: str, who: str, status: str = "accepted") -> Quote:
    a = text.index(frag)
    return Quote(
        content_spans=((a, a + len(frag)),),
        annotator=who,
        status=status,
        origin="manual",
        kind="direct",
    )


def _fill(p: Project) -> None:
    """Harbour: one agreed quote and one only bob has; Bridge: one agreed quote; Library:
    only carol's pending quote (carol has no counted quote, so she is not offered)."""
    harbour, _ = p.add_article(Article("Harbour", HARBOUR))
    bridge, _ = p.add_article(Article("Bridge", BRIDGE))
    library, _ = p.add_article(Article("Library", LIBRARY))
    for who in ("alice", "bob"):
        p.add_annotation(harbour, who, _q(HARBOUR, "“The harbour opens in May,”", who))
        p.add_annotation(bridge, who, _q(BRIDGE, "“The bridge is safe,”", who))
    p.add_annotation(harbour, "bob", _q(HARBOUR, "it came too late", "bob"))
    p.add_annotation(library, "carol", _q(LIBRARY, "keeps its Sunday hours", "carol", "pending"))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    with Project.open(path) as p:
        _fill(p)
    return path


class Gate:
    """Holds every read of the articles to review until ``open()``; records whether each
    ran on the GUI thread."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.started = threading.Event()
        self.on_gui_thread: list[bool] = []

    def open(self) -> None:
        self.event.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    read = ReviewStore.article_ids_to_review

    def held(self: ReviewStore, *args: Any) -> list[int]:
        g.started.set()
        g.event.wait(10)
        g.on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return read(self, *args)

    monkeypatch.setattr(ReviewStore, "article_ids_to_review", held)
    yield g
    g.open()  # never leave a pool thread waiting


@pytest.fixture
def label_threads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each page of labels was read on the GUI thread."""
    seen: list[bool] = []
    labels = ReviewSession.labels

    def recorded(self: ReviewSession, ids: Any) -> Any:
        seen.append(threading.current_thread() is threading.main_thread())
        return labels(self, ids)

    monkeypatch.setattr(ReviewSession, "labels", recorded)
    return seen


def _texts(w: ReviewWindow) -> list[str]:
    m = w.article_model
    return [str(m.data(m.index(r, 0))) for r in range(m.rowCount())]


def _labels_read(w: ReviewWindow) -> bool:
    return all(w.article_model.cached(i) is not None for i in w.article_model.ids())


def test_the_window_opens_before_its_articles_are_read(
    qtbot: Any, path: Path, gate: Gate, label_threads: list[bool]
) -> None:
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    assert gate.started.wait(10)  # reading, and the window is already up
    assert w.isVisible() and w.loading()
    assert w.articles_label.text() == LOADING and w.header.text() == LOADING
    assert w.article_model.rowCount() == 0 and w.table.rowCount() == 0
    fired: list[int] = []
    QTimer.singleShot(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: bool(fired), timeout=60000)  # the event loop runs meanwhile
    assert not gate.on_gui_thread
    gate.open()
    qtbot.waitUntil(lambda: not w.loading(), timeout=60000)
    assert gate.on_gui_thread == [False]
    assert w.annotator_names() == ["alice", "bob"]  # carol has no accepted quote
    ticks = [w.annotator_list.item(i).checkState() for i in range(2)]
    assert ticks == [Qt.CheckState.Checked, Qt.CheckState.Checked]
    # each with the accepted quotes the comparison counts (the shared PeopleList)
    assert [w.annotator_list.item(i).text() for i in range(2)] == ["alice (2)", "bob (3)"]
    assert w.session.annotators == ("alice", "bob")
    assert w.articles_label.text() == "Articles (N / P): 2"
    assert w.article_list.currentRow() == 0
    assert "Harbour" in w.header.text() and w.table.rowCount() == 2
    qtbot.waitUntil(lambda: _labels_read(w), timeout=60000)
    assert _texts(w) == ["Harbour\n   1 differ · 0/2 gold", "Bridge\n   0 differ · 0/1 gold"]
    assert label_threads and not any(label_threads)
    w.close()


def test_a_newer_choice_of_annotators_wins_over_a_read_under_way(
    qtbot: Any, path: Path, gate: Gate
) -> None:
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    assert gate.started.wait(10)
    w.set_annotators(["bob"])  # while the first read (alice and bob) is held
    gate.open()
    qtbot.waitUntil(lambda: not w.loading(), timeout=60000)
    qtbot.waitUntil(lambda: _labels_read(w), timeout=60000)
    assert w.session.annotators == ("bob",)
    ticks = [w.annotator_list.item(i).checkState() for i in range(2)]
    assert ticks == [Qt.CheckState.Unchecked, Qt.CheckState.Checked]
    # bob alone: nothing agrees, nothing differs from anyone
    assert _texts(w) == ["Harbour\n   2 differ · 0/2 gold", "Bridge\n   1 differ · 0/1 gold"]
    # ticking alice again reads the list again, with the labels of the new comparison
    w.annotator_list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: w.session.annotators == ("alice", "bob"), timeout=60000)
    qtbot.waitUntil(lambda: _labels_read(w), timeout=60000)
    assert _texts(w)[1] == "Bridge\n   0 differ · 0/1 gold"
    w.close()


def test_a_decision_updates_its_label_and_n_p_move(qtbot: Any, path: Path) -> None:
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: not w.loading() and _labels_read(w), timeout=60000)
    w.accept_agreements()  # the label changes at once, without another read
    assert _texts(w)[0] == "Harbour\n   1 differ · 1/2 gold"
    w.finish_article()  # done: marked, and on to the next article
    assert _texts(w)[0] == "✔ Harbour\n   1 differ · 1/2 gold"
    assert w.article_list.currentRow() == 1 and "Bridge" in w.header.text()
    w.act_prev_article.trigger()
    assert w.article_list.currentRow() == 0 and "Harbour" in w.header.text()
    w.act_next_article.trigger()
    w.accept_agreements()
    assert _texts(w)[1] == "Bridge\n   0 differ · 1/1 gold"
    # undo goes back to the article it changed and its label follows
    w.undo_stack.undo()
    assert _texts(w)[1] == "Bridge\n   0 differ · 0/1 gold"
    w.undo_stack.undo()  # finishing Harbour
    assert w.article_list.currentRow() == 0
    assert _texts(w)[0] == "Harbour\n   1 differ · 1/2 gold"
    with Project.open(path, create=False, readonly=True) as p:
        assert ReviewStore(p).review(1, "rita").status == "in_progress"  # type: ignore[union-attr]
    w.close()


def test_only_the_rows_in_view_have_their_labels_read(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "many.db"
    with Project.open(path) as p:
        ids = []
        for i in range(120):
            aid, _ = p.add_article(Article(f"Ferry {i}", f"{BRIDGE} Crossing {i}."))
            for who in ("alice", "bob"):
                p.add_annotation(aid, who, _q(BRIDGE, "“The bridge is safe,”", who))
            ids.append(aid)
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.resize(900, 500)
    w.show()
    qtbot.waitUntil(lambda: not w.loading(), timeout=60000)
    model = w.article_model
    assert model.ids() == ids
    qtbot.waitUntil(lambda: model.cached(ids[0]) is not None, timeout=60000)
    qtbot.waitUntil(lambda: not w.labels_pending(), timeout=60000)
    assert model.cached(ids[-1]) is None  # far out of view: never read
    assert model.pages_read < 120 // model.page_size
    # the last row, reached by keys: its label is read when it comes into view
    w.article_list.setCurrentRow(119)
    w.article_list.scrollToBottom()
    assert "Ferry 119" in w.header.text()
    qtbot.waitUntil(lambda: model.cached(ids[-1]) is not None, timeout=60000)
    assert _texts(w)[-1] == "Ferry 119\n   0 differ · 0/1 gold"
    assert model.index(119, 0).data(ID_ROLE) == ids[-1]
    w.close()
