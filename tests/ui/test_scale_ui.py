"""Scale (issue 16) in the window: a decision re-reads only annotations, a long article
opens with the view's block format on every paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.services.session import Session
from annotator.store.project import Project
from tests.ui.test_main_window import _open


def test_a_decision_rereads_annotations_not_suggestions(
    project_path: Path, monkeypatch: Any
) -> None:
    with Project.open(project_path) as p:
        s = Session(p, "alice")
        s.open_article(p.article_ids()[0])
        reads: list[int] = []
        real = Project.suggestions

        def counted(self: Project, article_id: int, version: str | None = None) -> Any:
            reads.append(article_id)
            return real(self, article_id, version)

        monkeypatch.setattr(Project, "suggestions", counted)
        before = [it.key for it in s.items]
        s.run(s.plan_accept())
        s.run(s.plan_reject())
        assert reads == []
        # the items are what a fresh read gives
        fresh = Session(p, "alice")
        fresh.open_article(p.article_ids()[0])
        assert [(it.key, it.state) for it in s.items] == [(it.key, it.state) for it in fresh.items]
        assert [it.key for it in s.items] != before
        # a refresh from another writer does read the suggestions again
        s.refresh([p.article_ids()[0]])
        assert reads and set(reads) == {p.article_ids()[0]}


@pytest.mark.parametrize("paragraphs", [1, 40, 400])
def test_long_article_every_paragraph_has_the_block_format(
    qtbot: Any, tmp_path: Path, paragraphs: int
) -> None:
    text = "\n".join(f"Paragraph {i} 🙂 with \u00e9 text." for i in range(paragraphs))
    with Project.open(tmp_path / "p.db") as p:
        aid, _ = p.add_article(Article("Long", text))
    w = _open(qtbot, tmp_path / "p.db")
    w.open_article(aid)
    doc = w.view.document()
    assert doc.blockCount() == paragraphs
    assert doc.toPlainText() == text
    block = doc.begin()
    while block.isValid():
        fmt = block.blockFormat()
        assert (fmt.lineHeight(), fmt.bottomMargin()) == (145.0, 6.0)
        block = block.next()
    # the highlighter follows the document of the article shown
    assert w.view.highlighter.document() is doc
    w.close()


@pytest.mark.parametrize("where", [0, 29, 59])
def test_opened_article_is_highlighted_and_one_decision_repaints_its_block(
    qtbot: Any, where: int
) -> None:
    from annotator.services.items import ACCEPTED, SUGGESTED, Item
    from annotator.ui.article_view import STATE_COLOURS, ArticleView

    paras = [f"Line {i}: the mayor said “all is well {i}” today." for i in range(60)]
    text = "\n".join(paras)
    start = sum(len(p) + 1 for p in paras[:where]) + paras[where].index("all")
    quote = Quote(content_spans=((start, start + 11),), kind="direct")
    other = Quote(content_spans=((0, 4),), kind="direct")
    view = ArticleView()
    qtbot.addWidget(view)
    items = [Item(other, None, 1), Item(quote, None, 2)]
    view.set_article(text, items, None)
    view.show()

    def backgrounds(block_no: int) -> set[str]:
        block = view.document().findBlockByNumber(block_no)
        return {r.format.background().color().name() for r in block.layout().formats()}

    assert STATE_COLOURS[SUGGESTED][0] in backgrounds(where)
    neighbour = where + 1 if where < 59 else 58
    assert STATE_COLOURS[SUGGESTED][0] not in backgrounds(neighbour)
    repainted: list[int] = []
    real = view.highlighter.rehighlightBlock
    view.highlighter.rehighlightBlock = lambda b: (  # type: ignore[method-assign]
        repainted.append(b.blockNumber()),
        real(b),
    )
    accepted = Item(quote.with_(status="accepted", origin="model"), 5, 2)
    assert accepted.state == ACCEPTED
    view.set_items([Item(other, None, 1), accepted], None)
    assert repainted == [where]
    assert STATE_COLOURS[ACCEPTED][0] in backgrounds(where)


def test_the_first_name_list_is_parsed_on_the_window_thread_in_slices(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    """No pool thread parses the list (its Python held the interpreter lock and froze the
    window, issue 16): the pool reads the file, then the window's own idle timer parses
    it, a slice per tick, and stops."""
    import threading

    from annotator.core import speakers as core_speakers
    from annotator.ui import main_window

    state = core_speakers._FirstNames()
    monkeypatch.setattr(core_speakers, "_FIRST_NAMES", state)
    monkeypatch.setattr(main_window, "WARM_UP_DELAY_MS", 0)
    threads: list[int] = []
    sizes: list[int] = []
    real = core_speakers.warm_up_step

    def step(max_lines: int = core_speakers.WARM_UP_LINES) -> bool:
        threads.append(threading.get_ident())
        before = state.parsed
        done = real(max_lines)
        sizes.append(state.parsed - before)
        return done

    readers: list[int] = []

    def read() -> None:
        readers.append(threading.get_ident())
        core_speakers.warm_up_read()

    monkeypatch.setattr(main_window, "warm_up_first_names", step)
    monkeypatch.setattr(main_window, "read_first_names", read)
    w = _open(qtbot, project_path)
    qtbot.waitUntil(lambda: not w._warm_up_timer.isActive() and bool(sizes), timeout=60000)
    # the file is read in the pool (disk), the lines parsed on the window's thread
    assert len(readers) == 1 and readers[0] != threading.main_thread().ident
    assert set(threads) == {threading.main_thread().ident}
    assert len(sizes) > 1 and max(sizes) == core_speakers.WARM_UP_LINES
    assert state.detector.names["helen"]
    ticks = len(sizes)
    qtbot.wait(50)
    assert len(sizes) == ticks  # it stopped once the list was parsed


def test_what_the_window_built_is_out_of_the_collectors_full_scans(
    qtbot: Any, project_path: Path
) -> None:
    """A full pass of the cycle collector over everything loaded took 0.3 s of the window's
    thread (issue 16): once built, the window moves what exists into the permanent
    generation, which no collection scans."""
    import gc

    gc.unfreeze()
    try:
        w = _open(qtbot, project_path)
        for obj in (w, w.session, w.project, w.article_list.model):
            assert gc.is_tracked(obj)
        scanned = {id(o) for o in gc.get_objects()}
        assert not {id(w), id(w.session), id(w.project)} & scanned
        assert gc.get_freeze_count() > 1000
        # objects made afterwards are collected as usual
        later: list[object] = []
        later.append(later)
        assert id(later) in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()


FIRST_PAINT = """
import cProfile, os, pstats, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.ui.main_window import MainWindow
w = MainWindow(sys.argv[1], annotator="alice", load_model=False)
w.resize(1000, 700)
w.show()
assert w.session.current is not None  # an outline to draw
prof = cProfile.Profile()
prof.enable()
app.processEvents()
w.view.viewport().repaint()
prof.disable()
made = sum(
    calls for (_f, _l, name), (_c, calls, *_r) in pstats.Stats(prof).stats.items()
    if name == "_create_"
)
print(made)
w.close()
"""


def test_the_first_paint_of_a_new_process_creates_no_enum_types(project_path: Path) -> None:
    """PySide makes the Python type of a Qt enum on first use; the first outline of the
    window's first paint made nine (70 ms, issue 16): the view draws one on an image while
    the window is built, so the first paint of the shown window makes none."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(project_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
        check=True,
    )
    assert int(out.stdout.strip().splitlines()[-1]) == 0
