"""Issue 10: the annotation loop driven by keys and the mouse, checked in the project file.

Each test here failed on the window before the issue was fixed (checked by reverting the fix).
The article of :mod:`tests.ui.conftest` has an emoji in its title line, a non-breaking space in
the speaker and CRLF line ends normalised at import, so every offset crosses a surrogate pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import TEXT, open_window, span

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton


def _open(qtbot: Any, path: Path, who: str = "alice") -> MainWindow:
    w: MainWindow = open_window(qtbot, path, who)
    return w


def _key(qtbot: Any, key: Any, mod: Any = NO) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, mod)


def _mine(path: Path, who: str = "alice", article: int = 0) -> list[Quote]:
    with Project.open(path) as p:
        return [r.quote for r in p.annotations(p.article_ids()[article], who)]


def _point(w: MainWindow, pos: int, after: bool = False) -> QPoint:
    """Viewport pixel of code point ``pos`` of TEXT (its left edge; ``after``: just right)."""
    cur = QTextCursor(w.view.document())
    cur.setPosition(w.view._index.map.to_view(pos) if w.view._index else pos)
    r = w.view.cursorRect(cur)
    return QPoint(r.center().x() + (3 if after else 0), r.center().y())


def _inside(w: MainWindow, pos: int) -> QPoint:
    """A pixel over the middle of character ``pos``."""
    a, b = _point(w, pos), _point(w, pos + 1)
    return QPoint((a.x() + b.x()) // 2, a.y())


def _move(w: MainWindow, p: QPoint, buttons: Any = Qt.MouseButton.NoButton, mod: Any = NO) -> None:
    """The mouse moves to ``p`` (QTest's mouseMove sends no event on the offscreen platform)."""
    vp = w.view.viewport()
    ev = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(p),
        QPointF(vp.mapToGlobal(p)),
        Qt.MouseButton.NoButton,
        buttons,
        mod,
    )
    QApplication.sendEvent(vp, ev)


def _drag(qtbot: Any, w: MainWindow, start: QPoint, end: QPoint, mod: Any = NO) -> None:
    vp = w.view.viewport()
    qtbot.mousePress(vp, LEFT, mod, start)
    mid = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    for p in (mid, end):
        _move(w, p, LEFT, mod)
    qtbot.mouseRelease(vp, LEFT, mod, end)


def _outlined(w: MainWindow) -> Any:
    cur = w.view.outlined()
    return cur.key if cur is not None else None


def _export(path: Path, tmp: Path, fmt: str = "jsonl") -> bytes:
    out = tmp / f"out.{fmt}"
    with Project.open(path) as p:
        export_project(p, ExportOptions(fmt, out, statuses=("accepted", "pending")))
    return out.read_bytes()


# -- fault 1: what is outlined is what the keys act on ----------------------------------------


def test_click_moves_the_outline_and_a_accepts_the_outlined_quote(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    first = w.session.current
    assert first is not None and _outlined(w) == first.key
    # click inside the second quote's words: the outline moves there at once
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("hoped")[0]))
    second = w.session.current
    assert second is not None and second.key != first.key
    assert _outlined(w) == second.key
    _key(qtbot, Qt.Key.Key_A)
    (done,) = _mine(project_path)
    assert done.content_spans == (span("it hoped for progress"),)
    assert done.status == "accepted"


def test_outline_follows_keys_undo_and_clicks_back(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)
    assert _outlined(w) == w.session.current.key  # type: ignore[union-attr]
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("Peace")[0]))
    assert _outlined(w) == w.session.current.key  # type: ignore[union-attr]
    _key(qtbot, Qt.Key.Key_R)  # reject the first, move on to the second
    assert _outlined(w) == w.session.current.key  # type: ignore[union-attr]
    _key(qtbot, Qt.Key.Key_Z, CTRL)  # undo: back on the first, outlined
    assert w.session.current is not None
    assert w.session.current.quote.content_spans[0] == span("We will talk,")
    assert _outlined(w) == w.session.current.key
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("progress")[0]))
    _key(qtbot, Qt.Key.Key_2)
    (q,) = _mine(project_path)
    assert (q.content_spans, q.stance) == ((span("it hoped for progress"),), "oppose")


# -- fault 2: Enter/Esc in the speaker and note fields -----------------------------------------


def test_speaker_enter_then_keys_are_commands(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_E)
    assert QApplication.focusWidget() is w.panel.speaker_edit
    w.panel.speaker_edit.clear()
    qtbot.keyClicks(w.panel.speaker_edit, "Jane Doe")
    _key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is w.view
    _key(qtbot, Qt.Key.Key_1)
    _key(qtbot, Qt.Key.Key_A)
    (q,) = _mine(project_path)
    assert (q.speaker_name, q.stance, q.status) == ("Jane Doe", "support", "accepted")


def test_note_enter_then_accept(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_M)
    assert QApplication.focusWidget() is w.panel.note_edit
    qtbot.keyClicks(w.panel.note_edit, "check the date")
    _key(qtbot, Qt.Key.Key_Enter)
    _key(qtbot, Qt.Key.Key_A)
    (q,) = _mine(project_path)
    assert (q.note, q.status) == ("check the date", "accepted")


def test_escape_cancels_the_field_and_returns_the_keyboard(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_E)
    qtbot.keyClicks(w.panel.speaker_edit, "typo")
    _key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.view
    assert w.panel.speaker_edit.text() == "Lee In-young"
    _key(qtbot, Qt.Key.Key_M)
    qtbot.keyClicks(w.panel.note_edit, "never mind")
    _key(qtbot, Qt.Key.Key_Escape)
    _key(qtbot, Qt.Key.Key_3)
    (q,) = _mine(project_path)
    assert (q.speaker_name, q.note, q.stance) == ("Lee In-young", None, "neutral")


# -- fault 3: A goes to the next undecided quote, wrapping around -------------------------------


def test_accept_wraps_to_the_first_undecided_then_says_none_left(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)  # the last quote
    _key(qtbot, Qt.Key.Key_A)
    cur = w.session.current
    assert cur is not None and cur.quote.content_spans[0] == span("We will talk,")
    assert _outlined(w) == cur.key
    _key(qtbot, Qt.Key.Key_A)
    assert sorted(q.status for q in _mine(project_path)) == ["accepted", "accepted"]
    msg = w.statusBar().currentMessage()
    assert "No undecided quote left" in msg and "Ctrl+D" in msg


def test_reject_on_last_wraps_too(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)
    _key(qtbot, Qt.Key.Key_R)
    assert w.session.current is not None and not w.session.current.decided
    _key(qtbot, Qt.Key.Key_R)
    assert sorted(q.status for q in _mine(project_path)) == ["rejected", "rejected"]
    assert "Ctrl+D" in w.statusBar().currentMessage()


# -- fault 4: search takes you to the hits ----------------------------------------------------


def _listed(w: MainWindow) -> int | None:
    rows = w.article_list.table.selectionModel().selectedRows()
    return int(rows[0].data(Qt.ItemDataRole.UserRole + 2)) if rows else None


def test_search_enter_opens_first_hit_and_f3_walks_hits(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    with Project.open(project_path) as p:
        a1, a2 = p.article_ids()
    _key(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is w.article_list.search
    qtbot.keyClicks(w.article_list.search, "Kim")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())  # the search runs in the pool
    assert w.session.article is not None and w.session.article.id == a2
    assert _listed(w) == a2
    text2 = w.session.article.text
    assert [text2[a:b] for a, b in w.view.hits()] == ["Kim"]
    assert QApplication.focusWidget() is w.view
    hit_colours = {
        s.format.background().color().name()
        for s in w.view.extraSelections()
        if text2[slice(*w.view.hits()[0])] == s.cursor.selectedText()
    }
    assert hit_colours, "the hit is not marked"
    # a word in both articles: Enter goes to article 1's first hit, F3 walks on
    _key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.article_list.search, "said")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())  # the search runs in the pool
    assert w.session.article is not None and w.session.article.id == a2  # a2 has "said" too
    _key(qtbot, Qt.Key.Key_F3, SHIFT)  # back to the previous article's last hit
    assert w.session.article.id == a1 and _listed(w) == a1
    n1 = len(w.view.hits())
    assert n1 == TEXT.count(" said") and w.view.current_hit() == n1 - 1
    # the hit "said" in "The ministry said it hoped..." is no quote's; "Lee In-young said"
    # neither; the jump keeps the outline on the quote the keys act on
    assert _outlined(w) == w.session.current.key  # type: ignore[union-attr]
    _key(qtbot, Qt.Key.Key_F3)
    assert w.session.article.id == a2 and _listed(w) == a2 and w.view.current_hit() == 0
    _key(qtbot, Qt.Key.Key_F3)
    _key(qtbot, Qt.Key.Key_F3)
    assert "No more hits" in w.statusBar().currentMessage()
    # the keys act on the shown article: Q adds a quote there
    w.view.select_span(*span("It is fine,", w.session.article.text))
    _key(qtbot, Qt.Key.Key_Q)
    (q,) = _mine(project_path, article=1)
    assert q.origin == "manual"


def test_search_scrolls_a_far_hit_into_view(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "long.db"
    body = "\n\n".join(f"Paragraph {i} says nothing much at all today." for i in range(120))
    text = body + "\n\nAt the very end the word Zanzibar appears.\n"
    with Project.open(path) as p:
        p.add_article(Article("Long", text))
    w = _open(qtbot, path)
    w.resize(1000, 600)
    _key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.article_list.search, "zanzibar")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())  # the search runs in the pool
    (hit,) = w.view.hits()
    cur = QTextCursor(w.view.document())
    cur.setPosition(hit[0])
    assert w.view.viewport().rect().contains(w.view.cursorRect(cur).center())


def test_hits_are_found_once_per_article_and_capped(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """F3 walks along the hits found at Enter (not found and marked again at every key);
    an article with more hits than MAX_HITS marks the first ones and says so
    (verify21 V10: 6,000,000 hits, 3-4 s a key)."""
    import annotator.ui.controllers.search as search_ctl

    monkeypatch.setattr(search_ctl, "MAX_HITS", 50)
    real = search_ctl.search_hits
    calls: list[str] = []

    def counted(text: str, words: str, limit: int = 50) -> list[tuple[int, int]]:
        calls.append(words)
        return real(text, words, limit)

    monkeypatch.setattr(search_ctl, "search_hits", counted)
    path = tmp_path / "many.db"
    text = "Hits\n\n" + " ".join(f"Zanzibar {i}." for i in range(80)) + "\n"
    with Project.open(path) as p:
        p.add_article(Article("Many", text))
    w = _open(qtbot, path)
    _key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.article_list.search, "zanzibar")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert len(w.view.hits()) == 50
    assert "Only the first 50 hits" in w.statusBar().currentMessage()
    found = len(calls)
    for n in range(1, 6):
        _key(qtbot, Qt.Key.Key_F3)
        assert w.view.current_hit() == n
    assert len(calls) == found  # the same hits, walked
    start = w.view.hits()[5][0]
    assert text[start : start + 8] == "Zanzibar"


# -- fault 5: no stale status messages ---------------------------------------------------------


def test_welcome_note_goes_once_the_analyst_acts(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    w.show_info("Welcome: Imported 2 articles")
    _key(qtbot, Qt.Key.Key_N)
    assert w.info_label.text() == "Welcome: Imported 2 articles"  # moving is not a change
    _key(qtbot, Qt.Key.Key_A)
    assert w.info_label.text() == ""
    w.show_info("Imported 1 article")
    _key(qtbot, Qt.Key.Key_Down, CTRL)
    assert w.info_label.text() == ""


def test_all_decided_message_goes_when_it_stops_being_true(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_A)
    _key(qtbot, Qt.Key.Key_A)
    assert "No undecided quote left" in w.statusBar().currentMessage()
    _key(qtbot, Qt.Key.Key_Z, CTRL)  # one quote is undecided again
    assert w.statusBar().currentMessage() == ""
    _key(qtbot, Qt.Key.Key_A)
    assert "No undecided quote left" in w.statusBar().currentMessage()
    _key(qtbot, Qt.Key.Key_Down, CTRL)  # another article
    assert w.statusBar().currentMessage() == ""


# -- gaps: hand annotation expresses what the detector produces -----------------------------------


def test_mouse_selection_snaps_to_words_and_alt_keeps_characters(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    a, b = span("Critics were unimpressed")
    # from the second letter of "Critics" to the middle of "unimpressed"
    _drag(qtbot, w, _point(w, a + 1), _point(w, b - 3))
    assert w.view.selected_span() == (a, b)
    _key(qtbot, Qt.Key.Key_Q)
    manual = [q for q in _mine(project_path) if q.origin == "manual"]
    assert [q.content_spans for q in manual] == [((a, b),)]
    # Alt keeps exact characters
    c, d = span("announcement")
    _drag(qtbot, w, _point(w, c + 2), _point(w, d - 2), ALT)
    assert w.view.selected_span() == (c + 2, d - 2)
    out = json.loads(_export(project_path, tmp_path).decode().splitlines()[0])
    assert [list((a, b))] in [q["content_spans"] for q in out["quotes"]]


def test_drag_an_edge_moves_it_and_undo_restores(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("hoped")[0]))
    end = span("it hoped for progress")[1]
    # the cursor says the edge can be grabbed
    _move(w, _point(w, end))
    assert w.view.viewport().cursor().shape() == Qt.CursorShape.SizeHorCursor
    _move(w, _inside(w, span("hoped")[0] + 1))
    assert w.view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor
    # drag the end into the middle of "according": it takes the whole word
    _drag(qtbot, w, _point(w, end), _point(w, span("according")[0] + 4))
    (q,) = _mine(project_path)
    assert TEXT[slice(*q.content_spans[0])] == "it hoped for progress, according"
    assert q.origin == "model-corrected"
    # and the start, leftwards past "said" into "ministry"
    start = q.content_spans[0][0]
    _drag(qtbot, w, _point(w, start), _point(w, span("ministry")[0] + 2))
    (q,) = _mine(project_path)
    assert TEXT[slice(*q.content_spans[0])] == "ministry said it hoped for progress, according"
    line = _export(project_path, tmp_path, "csv").decode()
    assert "ministry said it hoped for progress, according" in line
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    (q,) = _mine(project_path)
    assert TEXT[slice(*q.content_spans[0])] == "it hoped for progress, according"


def test_split_quote_by_hand_with_cue_and_speaker(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    # a hand-made quote over the first part, then the second part as a fragment
    w.view.select_span(*span("We will talk,"))
    _key(qtbot, Qt.Key.Key_Q)
    w.view.select_span(*span("Peace comes first."))
    _key(qtbot, Qt.Key.Key_F)
    w.view.select_span(*span("said"))
    _key(qtbot, Qt.Key.Key_C)
    w.view.select_span(*span("Lee In-young"))
    _key(qtbot, Qt.Key.Key_S)
    (q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert q.content_spans == (span("We will talk,"), span("Peace comes first."))
    assert q.cue_spans == (span("said"),)
    assert q.speaker_spans == (span("Lee In-young"),)
    assert w.panel.cue_label.text() == "said"
    assert w.panel.mention_label.text() == "Lee In-young"
    rec = json.loads(_export(project_path, tmp_path).decode().splitlines()[0])
    (out,) = [x for x in rec["quotes"] if x["origin"] == "manual"]
    assert out["content_spans"] == [list(span("We will talk,")), list(span("Peace comes first."))]
    assert out["cue_spans"] == [list(span("said"))]
    csv_text = _export(project_path, tmp_path, "csv").decode()
    assert "We will talk, … Peace comes first." in csv_text or "We will talk," in csv_text
    assert json.dumps([list(span("said"))]) in csv_text.replace('""', '"')
    # remove the fragment under the cursor: click in "Peace", Shift+F
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("Peace")[0] + 1))
    _key(qtbot, Qt.Key.Key_F, SHIFT)
    (q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert q.content_spans == (span("We will talk,"),)
    # each step is one undo
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    (q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert len(q.content_spans) == 2
    for _ in range(3):
        _key(qtbot, Qt.Key.Key_Z, CTRL)
    (q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert (q.content_spans, q.cue_spans) == ((span("We will talk,"),), ())


def test_respan_a_suggestion_from_a_mouse_selection(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    a, b = span("The ministry said it hoped for progress")
    qtbot.mouseClick(w.view.viewport(), LEFT, NO, _inside(w, span("hoped")[0]))
    _drag(qtbot, w, _inside(w, a + 1), _inside(w, b - 2))
    _key(qtbot, Qt.Key.Key_Q, SHIFT)
    (q,) = _mine(project_path)
    assert q.content_spans == ((a, b),)
    assert (q.origin, q.status) == ("model-corrected", "pending")
    _key(qtbot, Qt.Key.Key_A)
    rec = json.loads(_export(project_path, tmp_path).decode().splitlines()[0])
    assert [[a, b]] in [x["content_spans"] for x in rec["quotes"]]


def test_a_hit_inside_a_quote_makes_it_current(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    assert w.session.current is not None
    assert w.session.current.quote.content_spans[0] == span("We will talk,")
    _key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.article_list.search, "progress")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())  # the search runs in the pool
    cur = w.session.current
    assert cur is not None and cur.quote.content_spans == (span("it hoped for progress"),)
    assert _outlined(w) == cur.key
    _key(qtbot, Qt.Key.Key_A)
    (q,) = _mine(project_path)
    assert q.content_spans == (span("it hoped for progress"),)


def test_a_filter_that_hides_the_shown_article_opens_a_listed_one(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    with Project.open(project_path) as p:
        a1, a2 = p.article_ids()
    _key(qtbot, Qt.Key.Key_A)  # article 1 is now in progress
    lst = w.article_list
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("new"))
    qtbot.waitUntil(lambda: not w.list_busy())  # the statuses are read on a pool thread
    assert w.session.article is not None and w.session.article.id == a2
    assert _listed(w) == a2
    lst.status_combo.setCurrentIndex(lst.status_combo.findData(None))
    assert w.session.article.id == a2 and _listed(w) == a2


def test_keyboard_selection_word_by_word_then_add_fragment(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)  # "it hoped for progress": the caret goes to its end
    assert w.view.caret() == span("it hoped for progress")[1]
    _key(qtbot, Qt.Key.Key_Right)  # past ","
    _key(qtbot, Qt.Key.Key_Right)  # past "according"
    _key(qtbot, Qt.Key.Key_Right, SHIFT)
    _key(qtbot, Qt.Key.Key_Right, SHIFT)
    assert w.view.selected_span() == (span("according")[1], span("to Andrey")[1])
    _key(qtbot, Qt.Key.Key_Left, SHIFT)  # back one word: " to"
    _key(qtbot, Qt.Key.Key_Right, SHIFT)
    _key(qtbot, Qt.Key.Key_F)
    (q,) = _mine(project_path)
    assert q.content_spans == (span("it hoped for progress"), span("to Andrey"))
    rec = json.loads(_export(project_path, tmp_path).decode().splitlines()[0])
    assert [list(span("it hoped for progress")), list(span("to Andrey"))] in [
        x["content_spans"] for x in rec["quotes"]
    ]


def test_enter_on_a_completion_commits_and_returns_the_keyboard(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    w.panel.set_names(["Jane Doe", "John Roe"])
    _key(qtbot, Qt.Key.Key_E)
    w.panel.speaker_edit.clear()
    qtbot.keyClicks(w.panel.speaker_edit, "Jan")
    popup = w.panel.speaker_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    _key(qtbot, Qt.Key.Key_A)
    (q,) = _mine(project_path)
    assert (q.speaker_name, q.status) == ("Jane Doe", "accepted")
