"""Scale (issue 16) in the window: the article list fills page by page, a decision re-reads
only annotations, a long article opens with the view's block format on every paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.session import Session
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui import main_window
from annotator.ui.article_list import ArticleListModel
from tests.ui.conftest import DETECTOR
from tests.ui.test_main_window import _open


def _many(path: Path, n: int) -> Path:
    with Project.open(path) as p, p.batch():
        for i in range(n):
            text = f'Headline {i}\n\n"We will see," Kim said of item {i}.'
            aid, _ = p.add_article(Article(f"Article {i}", text, {"publisher": "Wire"}))
            a = text.index("We will")
            p.set_suggestions(aid, DETECTOR, [Quote(content_spans=((a, a + 12),), kind="direct")])
            if i % 4 == 0:
                p.set_progress(aid, "alice", "done")
    return path


def test_appended_pages_pass_the_model_tester(qtmodeltester: Any, tmp_path: Path) -> None:
    with Project.open(_many(tmp_path / "p.db", 11)) as p:
        model = ArticleListModel()
        qtmodeltester.check(model)
        model.set_rows(queries.article_page(p, "alice", -1, 4))
        after = model.article(model.rowCount() - 1).id
        while rows := queries.article_page(p, "alice", after, 4):
            model.append_rows(rows)
            qtmodeltester.check(model)
            after = rows[-1].id
        assert [model.article(i) for i in range(model.rowCount())] == queries.article_rows(
            p, "alice"
        )
        assert model.totals() == queries.totals(p, "alice")


@pytest.mark.parametrize("n", [7, 12, 15])
def test_window_list_comes_up_with_a_page_and_fills_from_the_event_loop(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, n: int
) -> None:
    monkeypatch.setattr(main_window, "LIST_PAGE", 5)
    path = _many(tmp_path / "p.db", n)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    # the constructor read one page only
    assert w.article_list.model.rowCount() == 5
    w.show()
    qtbot.waitUntil(lambda: w.article_list.model.rowCount() == n)
    with Project.open(path) as p:
        assert w.article_list.model.totals() == queries.totals(p, "alice")
        ids = p.article_ids()
    # next article walks past the first page
    w.open_article(ids[3])
    for want in ids[4:8]:
        w.next_article()
        assert w.session.article is not None and w.session.article.id == want
    w.close()


def test_reloading_the_list_mid_fill_drops_the_old_pages(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(main_window, "LIST_PAGE", 3)
    path = _many(tmp_path / "p.db", 10)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w._load_article_list()  # a second load before the first one's pages arrived
    w.show()
    qtbot.waitUntil(lambda: w.article_list.model.rowCount() == 10)
    for _ in range(5):
        QApplication.processEvents()
    model = w.article_list.model
    assert [model.article(i).id for i in range(model.rowCount())] == list(range(1, 11))
    w.close()


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
