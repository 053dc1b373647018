"""The bulk writers (issue 16) write exactly what the one-row-at-a-time methods write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote, encode_spans
from annotator.store import bulk
from annotator.store.db import StoreIntegrityError
from annotator.store.project import Project

TEXT = '"We will win," said Mia Park. "Not so," Tom Lee replied. Calm day.'


def _q(sub: str, speaker: str | None = None, **kw: Any) -> Quote:
    a = TEXT.index(sub)
    return Quote(content_spans=((a, a + len(sub)),), speaker_name=speaker, **kw)


ARTICLES = [
    Article("One", TEXT, {"publisher": "P"}, ext_id="a1"),
    Article("Two", TEXT + " Two.", {}),
    Article("One again", TEXT),  # the same text as the first: not added twice
    Article("Three", TEXT + " Three.", {"n": 3}, ext_id="a3"),
]
SUGGESTIONS = [
    [_q("We will win,", "Mia Park", confidence=0.9), _q("Not so,", kind="direct")],
    [],
    [],
    [_q("We will win,", "Tom Lee", confidence=0.4)],
]
ANNOTATIONS = [
    (0, "alice", _q("We will win,", "Mia Park", status="accepted", annotator="alice")),
    (0, "bob", _q("Not so,", "Tom Lee", status="rejected", annotator="bob", note="n")),
    (1, "alice", _q("Calm day", stance="neutral", annotator="alice", extra={"x": 1})),
    (0, "alice", _q("Not so,", "A New Name", annotator="alice", stance_target="rain")),
]

_SKIP = {"created_at", "updated_at", "imported_at", "detected_at", "ts"}


def _rows(p: Project, table: str) -> list[dict[str, Any]]:
    order = "article_id, detector_version" if table == "detections" else "rowid"
    rows = p.db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    cols = [d[0] for d in p.db.execute(f"SELECT * FROM {table} LIMIT 0").description]
    return [{c: v for c, v in zip(cols, r) if c not in _SKIP} for r in rows]


def _one_by_one(p: Project) -> None:
    ids = [p.add_article(a)[0] for a in ARTICLES]
    for aid, quotes in zip(ids, SUGGESTIONS):
        if quotes:
            p.set_suggestions(aid, "v1", quotes)
    for n, who, q in ANNOTATIONS:
        p.add_annotation(ids[n], who, q)


def _in_bulk(p: Project) -> None:
    ids = [aid for aid, _ in bulk.add_articles(p, ARTICLES)]
    bulk.set_suggestions(p, [(aid, "v1", qs) for aid, qs in zip(ids, SUGGESTIONS) if qs])
    bulk.add_annotations(p, [(ids[n], who, q, None) for n, who, q in ANNOTATIONS])


@pytest.mark.parametrize(
    "table",
    [
        "articles",
        "suggestions",
        "detections",
        "annotations",
        "annotators",
        "speakers",
        "article_progress",
        "changelog",
    ],
)
def test_bulk_rows_equal_one_by_one_rows(tmp_path: Path, table: str) -> None:
    with Project.open(tmp_path / "a.db") as a, Project.open(tmp_path / "b.db") as b:
        _one_by_one(a)
        _in_bulk(b)
        got, want = _rows(b, table), _rows(a, table)
        if table == "changelog":  # the same rows; the order inside one call may differ
            got, want = (sorted(json.dumps(r | {"id": 0}) for r in x) for x in (got, want))
        assert got == want
        assert want, "the comparison must see rows"


def test_add_articles_reports_present_and_repeated_texts(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        first, _ = p.add_article(Article("Old", TEXT + " Three."))
        out = bulk.add_articles(p, ARTICLES)
        assert [added for _, added in out] == [True, True, False, False]
        assert out[2][0] == out[0][0] and out[3][0] == first
        assert p.count_articles() == 3
        assert p.search_articles("Calm") == [first, out[0][0], out[1][0]]  # FTS rows too


def test_a_refused_row_rolls_back_the_whole_call(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        aid, _ = p.add_article(Article("One", TEXT))
        before = {t: _rows(p, t) for t in ("annotations", "speakers", "changelog")}
        rows = [
            (aid, "alice", _q("We will win,", "Brand New"), None),
            (aid, "alice", _q("Not so,"), 999),  # no such suggestion: a foreign key
        ]
        with pytest.raises(StoreIntegrityError):
            bulk.add_annotations(p, rows)
        assert {t: _rows(p, t) for t in before} == before
        assert p.progress_by_annotator(aid) == {}


def test_inside_a_logged_batch_one_row_lists_the_ids(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        with p.logged_batch("import", "batch"):
            _in_bulk(p)
        rows = p.db.execute("SELECT action, entity, payload FROM changelog").fetchall()
        assert len(rows) == 1 and rows[0][:2] == ("import", "batch")
        payload = json.loads(rows[0][2])
        assert payload["import article"] == [1, 2, 3]
        assert payload["detect article"] == [1, 3]
        assert payload["add annotation"] == [1, 2, 3, 4]
        # the speakers the quotes named were added once each, inside the batch
        assert payload["add speaker"] == [1, 2, 3]


def test_empty_calls_write_nothing(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        assert bulk.add_articles(p, []) == []
        assert bulk.set_suggestions(p, []) == []
        assert bulk.add_annotations(p, []) == []
        assert _rows(p, "changelog") == []


@pytest.mark.parametrize(
    "spans",
    [
        (),
        ((0, 5),),
        ((0, 5), (9, 12)),
        ((123456, 1234567),),
        ((True, 3),),
        ((1.0, 2),),
        ((1, 2, 3),),
        ((-1, 4),),
        ([4, 5], [6, 7]),
    ],
)
def test_encode_spans_is_the_json_text(spans: Any) -> None:
    assert encode_spans(spans) == json.dumps([list(s) for s in spans])


def test_existing_article_ids_names_only_articles(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        ids = [aid for aid, _ in bulk.add_articles(p, ARTICLES)]
        assert p.existing_article_ids([ids[1], 999, ids[0], ids[1], -4]) == {ids[0], ids[1]}
        assert p.existing_article_ids([]) == set()
        assert p.existing_article_ids(list(range(2000))) == set(ids)  # more than one chunk


def test_stats_counts_every_annotation_once(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        _in_bulk(p)
        st = p.stats()
        rows = p.db.execute("SELECT status, count(*) FROM annotations GROUP BY status")
        by = dict(rows.fetchall())
        assert st["annotations"] == 4 == sum(by.values())
        assert st["annotations_by_status"] == {
            "accepted": by.get("accepted", 0),
            "rejected": by.get("rejected", 0),
            "pending": by.get("pending", 0),
        }
        assert st["annotators"]["alice"]["total"] == 3 and st["annotators"]["bob"]["rejected"] == 1
