"""Another program writes the project while the window is open (issue 16: a terminal
import beside the window): the window re-reads the open article only when what it shows
changed, never because other articles were added, and reads the list again at most once
per interval while the writes go on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui import main_window
from tests.ui.conftest import DETECTOR, open_window, shown_ids

CTRL = Qt.KeyboardModifier.ControlModifier


def _add_articles(path: Path, n: int, tag: str = "new") -> list[int]:
    """Another program (its own connection) adds ``n`` articles with a suggestion each."""
    ids = []
    with Project.open(path) as p:
        for k in range(n):
            text = f'The mayor of town {tag}{k} said "we open the bridge {k} today" at noon.'
            aid, _ = p.add_article(Article(f"{tag} {k}", text, {"publisher": "Elsewhere"}))
            start = text.index('"')
            q = Quote(content_spans=((start, text.index('"', start + 1) + 1),), kind="direct")
            p.set_suggestions(aid, DETECTOR, [q])
            ids.append(aid)
    return ids


def _decide_elsewhere(path: Path, article_id: int, who: str = "alice") -> None:
    """Another window of ``who`` accepts the first quote of ``article_id``."""
    with Project.open(path) as p:
        s = Session(p, who)
        s.open_article(article_id)
        s.run(s.plan_accept())


def _statuses(w: Any) -> list[str]:
    return [it.quote.status if it.decided else "open" for it in w.session.items]


def test_articles_added_elsewhere_do_not_reread_the_open_article(
    qtbot: Any, project_path: Path
) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.article.id
    reads = w.session.reads
    before = _statuses(w)
    new = _add_articles(project_path, 3)
    assert w.notice_elsewhere()
    assert w.session.reads == reads  # nothing of the open article changed
    assert _statuses(w) == before
    assert w.session.article.id == first
    qtbot.waitUntil(lambda: shown_ids(w)[-3:] == new)  # the list has them
    assert not w.notice_elsewhere()  # seen once


def test_own_keys_then_articles_added_elsewhere_no_reread(qtbot: Any, project_path: Path) -> None:
    """The window's own accept changes the article's stamp too: that is not a change made
    elsewhere (the stamp is taken again after its own commit)."""
    w = open_window(qtbot, project_path)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A)
    assert _statuses(w)[0] == "accepted"
    reads = w.session.reads
    _add_articles(project_path, 2)
    assert w.notice_elsewhere()
    assert w.session.reads == reads
    assert _statuses(w)[0] == "accepted"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_change_of_the_open_article_elsewhere_is_read(
    qtbot: Any, project_path: Path, who: str
) -> None:
    """The same annotator's decision in another window is shown; another annotator's
    decision changes nothing this window shows, so it is not re-read for it."""
    w = open_window(qtbot, project_path)
    aid = w.session.article.id
    reads = w.session.reads
    _decide_elsewhere(project_path, aid, who)
    assert w.notice_elsewhere()
    if who == "alice":
        assert w.session.reads == reads + 1
        assert _statuses(w)[0] == "accepted"
    else:
        assert w.session.reads == reads
        assert _statuses(w)[0] == "open"


def test_undo_elsewhere_of_the_open_article_is_read(qtbot: Any, project_path: Path) -> None:
    """A delete (fewer rows) is a change as well as an add."""
    w = open_window(qtbot, project_path)
    aid = w.session.article.id
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A)
    assert _statuses(w)[0] == "accepted"
    with Project.open(project_path) as p:
        (rec,) = p.annotations(aid, "alice")
        p.delete_annotation(rec.id, actor="alice")
    reads = w.session.reads
    assert w.notice_elsewhere()
    assert w.session.reads == reads + 1
    assert _statuses(w)[0] == "open"


def test_next_article_does_not_reread_the_one_it_leaves(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.article.id
    _decide_elsewhere(project_path, first)  # even a change of the article being left
    _add_articles(project_path, 1)
    reads = w.session.reads
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, CTRL)
    assert w.session.article.id != first
    assert w.session.reads == reads + 1  # the next article only
    # coming back shows the change made elsewhere
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up, CTRL)
    assert w.session.article.id == first
    assert _statuses(w)[0] == "accepted"


def test_list_read_at_most_once_per_interval(
    qtbot: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commits noticed one after another (an import going on): one list re-read at once,
    the next one when the interval is over, holding everything added meanwhile."""
    monkeypatch.setattr(main_window, "ELSEWHERE_LIST_INTERVAL_MS", 400)
    w = open_window(qtbot, project_path)
    qtbot.waitUntil(lambda: not w.list_busy())
    calls: list[int] = []
    real = w._reread_list_elsewhere

    def counted() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(w, "_reread_list_elsewhere", counted)
    w._elsewhere_timer.timeout.disconnect()
    w._elsewhere_timer.timeout.connect(counted)
    a = _add_articles(project_path, 1, "a")
    assert w.notice_elsewhere()
    assert len(calls) == 1
    b = _add_articles(project_path, 1, "b")
    assert w.notice_elsewhere()
    c = _add_articles(project_path, 1, "c")
    assert w.notice_elsewhere()
    assert len(calls) == 1  # within the interval: not yet
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=60000)
    qtbot.waitUntil(lambda: shown_ids(w)[-3:] == a + b + c)
    qtbot.wait(600)
    assert len(calls) == 2  # nothing new: no third read


def test_row_of_another_article_changed_elsewhere_is_shown(qtbot: Any, project_path: Path) -> None:
    """Another window decides a quote of another article: its list row says so, the open
    article is not re-read."""
    w = open_window(qtbot, project_path)
    qtbot.waitUntil(lambda: not w.list_busy())
    (other,) = _add_articles(project_path, 1)
    assert w.notice_elsewhere()
    m = w.article_list.model
    qtbot.waitUntil(lambda: other in shown_ids(w))
    reads = w.session.reads
    _decide_elsewhere(project_path, other)
    w._elsewhere_list_at = -1e9  # the interval is over
    assert w.notice_elsewhere()
    assert w.session.reads == reads
    row = m.row_of(other)
    assert row is not None
    qtbot.waitUntil(lambda: str(m.index(row, 4).data()) == "1/1")


def test_sorted_list_gets_the_new_articles(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    qtbot.waitUntil(lambda: not w.list_busy())
    w.article_list.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: w.article_list.sort_key == (0, True))
    qtbot.waitUntil(lambda: not w.list_busy())
    new = _add_articles(project_path, 2, "zzz")
    reads = w.session.reads
    assert w.notice_elsewhere()
    qtbot.waitUntil(lambda: set(new) <= set(shown_ids(w)) and not w.list_busy())
    assert w.session.reads == reads
