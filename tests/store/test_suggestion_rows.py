"""Project.suggestions reads rows as plain tuples (issue 16: an article of 20,000 suggestions
opens); the quotes are the ones the general row reader makes, and a row that cannot be
read still raises, or is named in ``problems`` and skipped, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.store.rows import quote_from_row

QUOTES = [
    Quote(((0, 4),)),
    Quote(((5, 9), (12, 20)), ((0, 4),), ((21, 25),), "Kim", "Kim Ji-ho", "mixed", confidence=0.4),
    Quote(((30, 41),), kind="indirect", confidence=1.0, speaker_text="she"),
]


def _project(tmp_path: Path) -> tuple[Project, int]:
    p = Project.open(tmp_path / "p.db")
    aid, _ = p.add_article(Article("A", "Lee said that the budget will not wait for anyone. " * 3))
    p.set_suggestions(aid, "v1", QUOTES)
    return p, aid


def test_the_quotes_are_the_general_readers(tmp_path: Path) -> None:
    p, aid = _project(tmp_path)
    got = p.suggestions(aid)
    rows = list(p.db.query("SELECT * FROM suggestions WHERE article_id = ? ORDER BY id", [aid]))
    assert [s.quote for s in got] == [quote_from_row(r) for r in rows] == QUOTES
    assert [s.id for s in got] == [r["id"] for r in rows]
    assert {s.detector_version for s in got} == {"v1"}
    assert all(s.article_id == aid for s in got)
    p.close()


@pytest.mark.parametrize(
    "bad", ['[[1, "x"]]', "[[2, 1.5]]", '{"a": 1}', "[[-1, 2.0]]", "[[true, 2]]", "[[1, 2, 3]]"]
)
def test_a_row_that_cannot_be_read(tmp_path: Path, bad: str) -> None:
    p, aid = _project(tmp_path)
    sid = p.suggestions(aid)[1].id
    with p.transaction():
        p.db.execute("UPDATE suggestions SET speaker_spans = ? WHERE id = ?", [bad, sid])
    with pytest.raises(ValueError):
        p.suggestions(aid)
    problems: list[str] = []
    got = p.suggestions(aid, problems=problems)
    assert [s.quote for s in got] == [QUOTES[0], QUOTES[2]]
    assert len(problems) == 1 and f"row {sid}" in problems[0]
    p.close()
