"""Re-detection stopped inside a chunk or inside the read of the undecided articles (issue
16: the cancel was polled between chunks of 16 articles, 3-6 s of parsing apart): the
chunks done stay, the one being parsed leaves nothing, annotations are never touched."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.nlp.detect import DETECTOR_VERSION
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.services import detection
from annotator.services.detection import redetect_undecided
from annotator.store.project import Project

OLD = "old detector 0.1"


def _rows(p: Project, table: str) -> list[dict[str, Any]]:
    return list(p.db.query(f"SELECT * FROM {table} ORDER BY id"))


def _build(p: Project, n: int) -> list[int]:
    """``n`` undecided articles, each with one old open suggestion, and one decided
    article (an annotation by alice) that re-detection must leave alone."""
    ids = []
    for k in range(n):
        text = f"“Bridge {k} will reopen in May,” said engineer Ana Silva. Costs rose {k}."
        aid = p.add_article(Article(f"A{k}", text, {}))[0]
        p.set_suggestions(aid, OLD, [Quote(content_spans=((0, 5),), kind="indirect")])
        ids.append(aid)
    text = "“Prices will fall,” said trader Bo Lind."
    decided = p.add_article(Article("decided", text, {}))[0]
    p.add_annotation(
        decided,
        "alice",
        Quote(content_spans=((1, 17),), kind="direct", status="accepted", origin="manual"),
    )
    return ids


def _redone(p: Project, ids: list[int]) -> list[int]:
    """The articles of ``ids`` whose suggestions are the new detector's."""
    versions: dict[int, set[str]] = {}
    for r in _rows(p, "suggestions"):
        versions.setdefault(r["article_id"], set()).add(r["detector_version"])
    return [a for a in ids if versions.get(a) == {DETECTOR_VERSION}]


@pytest.mark.parametrize("polls", (1, 2, 5, 9, 10, 13, 19, 27))
def test_a_cancel_inside_a_chunk_keeps_the_chunks_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polls: int
) -> None:
    monkeypatch.setattr(detection, "CHUNK", 3)
    with Project.open(tmp_path / "p.db") as p:
        ids = _build(p, 10)
        annotations = _rows(p, "annotations")
        asked: list[int] = []

        def cancel() -> bool:
            # counted where the parse polls: before each pipeline component of a text
            if sys._getframe(1).f_code.co_name == "_check":
                asked.append(1)
            return len(asked) >= polls

        report = redetect_undecided(p, rules_only_pipeline(), cancel=cancel)
        # three polls a text (before its tokens, the sentencizer and the quote rules),
        # three texts a chunk
        chunks_done = (polls - 1) // 9
        assert report.articles == 3 * chunks_done
        assert _redone(p, ids) == ids[: 3 * chunks_done]
        old = [r for r in _rows(p, "suggestions") if r["detector_version"] == OLD]
        assert [r["article_id"] for r in old] == ids[3 * chunks_done :]
        assert _rows(p, "annotations") == annotations


def test_a_cancel_during_the_read_of_the_undecided_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(tmp_path / "p.db") as p:
        ids = _build(p, 6)
        before = _rows(p, "suggestions")
        real = Project.stop_when
        monkeypatch.setattr(Project, "stop_when", lambda self, stop: real(self, stop, every=1))
        asked: list[str] = []

        def cancel() -> bool:
            if "store" in Path(sys._getframe(1).f_code.co_filename).parts:
                asked.append("sqlite")  # SQLite's progress handler, inside the statement
            return bool(asked)

        report = redetect_undecided(p, rules_only_pipeline(), cancel=cancel)
        assert asked and report.articles == 0
        assert _rows(p, "suggestions") == before and _redone(p, ids) == []
        # the connection is usable afterwards: nothing stops its next statements
        redetect_undecided(p, rules_only_pipeline())
        assert _redone(p, ids) == ids
