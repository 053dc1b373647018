"""Agreement streams by article (issue 16): the same figures as the all-in-memory
computation, read a chunk at a time, and articles with one version are never read."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from annotator.core.agreement import compare_annotators, stance_alpha
from annotator.core.model import Article, Quote
from annotator.services import agreement
from annotator.services.agreement import compute_agreement, load_versions
from annotator.store.project import Project

TEXT = "“Prices will fall,” the minister said. “Not soon,” said Ms Okafor. {i} markets rose."


def _q(a: int, b: int, stance: str | None, status: str = "accepted") -> Quote:
    return Quote(
        content_spans=((a, b),), kind="direct", stance=stance, status=status, origin="manual"
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    labels = ["support", "oppose", "neutral"]
    for i in range(9):
        aid, _ = p.add_article(Article(f"Article {i}", TEXT.format(i=i)))
        # ann everywhere; bob on two of three; cy on every third; cy's stances vary
        p.add_annotation(aid, "ann", _q(0, 18, labels[i % 3]))
        if i % 3:
            p.add_annotation(aid, "bob", _q(0, 18, labels[i % 3]))
            p.add_annotation(aid, "bob", _q(40, 49, "neutral", "rejected" if i % 2 else "accepted"))
        if i % 3 == 0:
            p.add_annotation(aid, "cy", _q(1, 17, labels[(i + 1) % 3]))
        if i == 4:
            p.set_progress(aid, "cy", "done")  # done with nothing found: a version
    yield p
    p.close()


@pytest.mark.parametrize("chunk", [1, 2, 4, 200])
def test_streamed_figures_equal_the_in_memory_ones(
    project: Project, monkeypatch: Any, chunk: int
) -> None:
    monkeypatch.setattr(agreement, "_CHUNK", chunk)
    names = ["ann", "bob", "cy"]
    report = compute_agreement(project, names)
    loaded = load_versions(project, names)
    for a, b in combinations(names, 2):
        want = compare_annotators(loaded.articles, a, b)
        got = report.pair(a, b)
        assert got is not None
        assert (got.quotes_a, got.quotes_b, got.matched, got.disagreements) == (
            want.scores.n_gold,
            want.scores.n_pred,
            want.matched,
            want.disagreements,
        )
        assert got.quote_f1_lenient == want.lenient_f1
        assert got.stance_kappa == want.stance_kappa
    assert report.stance_alpha == stance_alpha(loaded.articles)
    multi = [a for a in loaded.articles if len(a.versions) >= 2]
    assert sorted(r.id for r in report.per_article) == sorted(int(a.id) for a in multi)
    assert len(report.per_article) == 9


def test_articles_with_one_version_are_not_read(project: Project, monkeypatch: Any) -> None:
    aid, _ = project.add_article(Article("Only ann", TEXT.format(i="x")))
    project.add_annotation(aid, "ann", _q(0, 18, "support"))
    read: list[int] = []
    real = Project.iter_articles

    def counted(self: Project, ids: Any = None) -> Any:
        read.extend(ids or [])
        return real(self, ids)

    monkeypatch.setattr(Project, "iter_articles", counted)
    report = compute_agreement(project, ["ann", "bob"])
    assert aid not in read
    assert len(read) == 6  # the articles both ann and bob worked on
    assert report.pair("ann", "bob") is not None
    assert report.pair("ann", "bob").articles == 6  # type: ignore[union-attr]


def test_progress_counts_the_compared_articles(project: Project) -> None:
    """Issue 16: the dashboard shows articles done / total; the total is the articles two
    chosen annotators worked on (a done mark with no quote counts), known before the first."""
    aid, _ = project.add_article(Article("Only ann", TEXT.format(i="x")))
    project.add_annotation(aid, "ann", _q(0, 18, "support"))
    seen: list[tuple[int, int]] = []
    compute_agreement(project, ["ann", "bob"], progress=lambda d, t: seen.append((d, t)))
    assert seen == [(k, 6) for k in range(7)]
    seen.clear()
    compute_agreement(project, ["bob", "cy"], progress=lambda d, t: seen.append((d, t)))
    # bob and cy share no article with quotes; cy marked article 4 done, where bob worked
    assert seen == [(0, 1), (1, 1)]
    seen.clear()
    compute_agreement(project, ["ann", "bob", "cy"], progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 9) and seen[-1] == (9, 9) and len(seen) == 10


def test_worked_articles_are_found_by_one_query(project: Project) -> None:
    worked = project.articles_worked_by(["ann", "cy"], 2)
    ids = [aid for aid, _ in worked]
    assert ids == sorted(ids) and len(ids) == 4  # cy on 0, 3, 6 (quotes) and 4 (done)
    assert all(names == frozenset({"ann", "cy"}) for _, names in worked)
    assert len(project.articles_worked_by(["ann", "cy"], 1)) == 9
    assert project.articles_worked_by(["nobody", "cy"], 1) == [
        (aid, frozenset({"cy"})) for aid in ids
    ]
    assert project.articles_worked_by(["nobody"], 1) == []
    seen: list[str] = []
    project.db.conn.set_trace_callback(seen.append)
    project.articles_worked_by(["ann", "bob"], 2)
    project.db.conn.set_trace_callback(None)
    (sql,) = [s for s in seen if "GROUP BY" in s]
    plan = [str(r[3]) for r in project.db.execute("EXPLAIN QUERY PLAN " + sql)]
    # the chosen annotators' rows of the covering index, never every annotation
    assert any("COVERING INDEX annotations_annotator" in p for p in plan), plan
    assert not any(p.startswith("SCAN annotations") for p in plan), plan
