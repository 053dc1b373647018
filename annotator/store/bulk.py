"""Many rows per statement: articles, suggestions and annotations written with executemany.

A bulk import (and the scale bench's project builder) writes thousands of rows; one
``INSERT`` per row, each in a savepoint of its own with its own change-log row, cost 16 ms
per article with quotes (10,000 JSONL articles in 162 s, issue 16). These functions write
the same rows as :meth:`Project.add_article`, :meth:`Project.set_suggestions` and
:meth:`Project.add_annotation`, with the same change-log entries (inside a
:meth:`Project.logged_batch` these are ids in the batch's one row), but one statement per
table per call.

Each call is one transaction (a savepoint when nested): a constraint failure anywhere
(:data:`~annotator.store.db.StoreIntegrityError`) rolls back the whole call and raises, so a
caller that must isolate a bad item (the import) retries the items one at a time.

Row ids are given explicitly (``max(id) + 1`` onwards, read inside the write transaction,
which holds the write lock): the ids SQLite itself would have chosen, known without a
round trip per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.model import Article, Quote
from annotator.core.quote_rows import (
    Q_CONFIDENCE,
    Q_CONTENT,
    Q_CUE,
    Q_EXTRA,
    Q_FACTS,
    Q_KIND,
    Q_NOTE,
    Q_ORIGIN,
    Q_SPEAKER,
    Q_SPEAKER_NAME,
    Q_SPEAKER_TEXT,
    Q_STANCE,
    Q_STATUS,
    Q_TARGET,
    QuoteRow,
    meta_json,
    quote_of_row,
)
from annotator.core.text import content_hash
from annotator.store.db import now_iso
from annotator.store.rows import suggestion_values
from annotator.store.schema import annotation_checks_hold

if TYPE_CHECKING:
    from annotator.store.project import Project

#: Hashes per ``IN (...)`` lookup (SQLite's default limit is 32,766 parameters).
_CHUNK = 500


def _next_id(project: Project, table: str) -> int:
    row = project.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(row[0]) + 1


def _log_many(
    project: Project,
    action: str,
    entity: str,
    ids: Sequence[int],
    payload: Callable[[int], dict[str, Any]],
    actor: Callable[[int], str | None] | str | None = None,
) -> None:
    """The change-log entries of many actions on ``ids``: the ids in the open logged batch,
    else one row each with ``payload(n)`` and ``actor(n)`` of the n-th (built only then)."""
    batch = project._batch_log
    if batch is not None:
        batch.setdefault(f"{action} {entity}", []).extend(ids)
        return
    rows = []
    for n, ident in enumerate(ids):
        who = actor(n) if callable(actor) else actor
        rows.append([now_iso(), who, action, entity, ident, json.dumps(payload(n))])
    project.db.conn.executemany(
        "INSERT INTO changelog (ts, actor, action, entity, entity_id, payload)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def existing_hashes(project: Project, digests: Sequence[str]) -> dict[str, int]:
    """Content hash -> article id, for those of ``digests`` already in the project."""
    out: dict[str, int] = {}
    unique = list(dict.fromkeys(digests))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for digest, ident in project.db.execute(
            f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})", chunk
        ):
            out[str(digest)] = int(ident)
    return out


#: Rows of :func:`add_article_rows`: content hash, external id, title, text, meta (JSON).
ArticleValues = tuple[str, str | None, str, str, str]

_ARTICLE_COLUMNS = "id, ext_id, title, text, meta, content_hash, source, imported_at"
# The staging table of add_article_rows (this connection's own, gone when it closes)
_STAGE = "import_articles_stage"


def add_articles(
    project: Project,
    articles: Sequence[Article],
    source: str | None = None,
    actor: str | None = None,
    digests: Sequence[str] | None = None,
) -> list[tuple[int, bool]]:
    """Add ``articles`` unless their text is already here; return (id, added) for each, in
    order. A text given twice is added once (the second gets the first's id, added False).

    ``digests``: their :func:`~annotator.core.text.content_hash` when the caller has them.
    Change log: ``import article`` per added article, as :meth:`Project.add_article`.
    """
    hashes = list(digests) if digests is not None else [content_hash(a.text) for a in articles]
    rows = [
        (digest, a.ext_id, a.title, a.text, meta_json(a.meta))
        for a, digest in zip(articles, hashes, strict=True)
    ]
    return add_article_rows(project, rows, source, actor)


def add_article_rows(
    project: Project,
    articles: Sequence[ArticleValues],
    source: str | None = None,
    actor: str | None = None,
) -> list[tuple[int, bool]]:
    """:func:`add_articles` for plain rows (:data:`ArticleValues`, e.g. the first five
    fields of an :data:`~annotator.core.quote_rows.ArticleRow`): the same rows, ids and
    change log.

    The new rows go into a TEMP staging table first and then into ``articles`` with one
    ``INSERT ... SELECT``: the full-text index's trigger then runs inside one statement,
    which keeps the index's pending terms in memory for the whole group, where one
    ``INSERT`` per row made SQLite's full-text index write its pending terms at every row
    (a statement savepoint each).
    """
    out: list[tuple[int, bool]] = []
    with project._action():
        known = existing_hashes(project, [a[0] for a in articles])
        ident = _next_id(project, "articles")
        now = now_iso()
        rows: list[tuple[Any, ...]] = []
        for digest, ext_id, title, text, meta in articles:
            if digest in known:
                out.append((known[digest], False))
                continue
            known[digest] = ident
            out.append((ident, True))
            rows.append((ident, ext_id, title, text, meta, digest, source, now))
            ident += 1
        if rows:
            conn = project.db.conn
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (id INTEGER PRIMARY KEY, ext_id,"
                " title, text, meta, content_hash, source, imported_at)"
            )
            conn.execute(f"DELETE FROM temp.{_STAGE}")
            conn.executemany(
                f"INSERT INTO temp.{_STAGE} ({_ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS})"
                f" SELECT {_ARTICLE_COLUMNS} FROM temp.{_STAGE} ORDER BY id"
            )
            conn.execute(f"DELETE FROM temp.{_STAGE}")
        _log_many(
            project,
            "import",
            "article",
            [int(r[0]) for r in rows],
            lambda n: {"source": source, "hash": rows[n][5]},
            actor,
        )
    return out


def set_suggestions(
    project: Project, runs: Sequence[tuple[int, str, Sequence[Quote]]]
) -> list[list[int]]:
    """For each (article id, detector version, quotes): replace that version's suggestions
    for the article, as :meth:`Project.set_suggestions` does; return the new ids per run.

    Change log: ``detect article`` per run, as :meth:`Project.set_suggestions`.
    """
    out: list[list[int]] = []
    with project._action():
        project.db.conn.executemany(
            "DELETE FROM suggestions WHERE article_id = ? AND detector_version = ?",
            [(aid, version) for aid, version, _ in runs],
        )
        ident = _next_id(project, "suggestions")
        now = now_iso()
        rows = []
        for aid, version, quotes in runs:
            ids = []
            for q in quotes:
                rows.append((ident, aid, version, *suggestion_values(q), now))
                ids.append(ident)
                ident += 1
            out.append(ids)
        project.db.conn.executemany(
            "INSERT INTO suggestions (id, article_id, detector_version, content_spans,"
            " speaker_spans, cue_spans, speaker_text, speaker_name, kind, confidence,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        project.db.conn.executemany(
            "INSERT INTO detections (article_id, detector_version, detected_at)"
            " VALUES (?, ?, ?) ON CONFLICT(article_id, detector_version)"
            " DO UPDATE SET detected_at = excluded.detected_at",
            [(aid, version, now) for aid, version, _ in runs],
        )
        _log_many(
            project,
            "detect",
            "article",
            [aid for aid, _, _ in runs],
            lambda n: {"version": runs[n][1], "n": len(out[n])},
        )
    return out


def add_annotations(
    project: Project,
    items: Sequence[tuple[int, str, Quote, int | None]],
    encoded: Sequence[tuple[str, str, str]] | None = None,
) -> list[int]:
    """Store each (article id, annotator, quote, suggestion id) as that annotator's
    annotation, as :meth:`Project.add_annotation` does; return the new ids in order.

    ``encoded``: each quote's (content, speaker, cue) spans as
    :func:`~annotator.core.model.encode_spans` writes them, when the caller has them
    (the import computes them for its duplicate check), in the order of ``items``.

    Speakers named by the quotes are found or added once per name; each (article,
    annotator) gets its progress touched once. Change log: ``add annotation`` per quote.
    """
    from annotator.store.project import SpeakerIds

    out: list[int] = []
    with project._action():
        speaker_ids = SpeakerIds(project, create=True)
        ident = _next_id(project, "annotations")
        now = now_iso()
        rows: list[list[Any]] = []
        cols: list[str] = []
        first: dict[tuple[int, int | None], int] = {}
        for n, (article_id, annotator, quote, suggestion_id) in enumerate(items):
            ann_id = project.annotator_id(annotator)
            values = project._annotation_values(
                quote, speaker_ids, encoded[n] if encoded is not None else None
            )
            if not cols:
                cols = [*values, "id", "article_id", "annotator_id", "suggestion_id"]
                cols += ["created_at", "updated_at"]
            row = list(values.values())
            row += (ident, article_id, ann_id, suggestion_id, now, now)
            rows.append(row)
            first.setdefault((article_id, ann_id), ident)
            out.append(ident)
            ident += 1
        if rows:
            project.db.conn.executemany(
                f"INSERT INTO annotations ({', '.join(cols)})"
                f" VALUES ({', '.join('?' for _ in cols)})",
                rows,
            )
        _log_many(
            project,
            "add",
            "annotation",
            out,
            lambda n: {**items[n][2].to_json(), "annotator": items[n][1]},
            lambda n: items[n][1],
        )
        project._touch_progress_many([(aid, ann, q) for (aid, ann), q in first.items()])
    return out


_ANNOTATION_INSERT = (
    "INSERT INTO annotations (id, article_id, annotator_id, suggestion_id, content_spans,"
    " speaker_spans, cue_spans, speaker_text, speaker_id, kind, stance, stance_target, status,"
    " origin, confidence, note, extra, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def add_quote_rows(project: Project, items: Sequence[tuple[int, str, QuoteRow]]) -> list[int]:
    """:func:`add_annotations` for plain rows: store each (article id, annotator, quote
    row) (:data:`~annotator.core.quote_rows.QuoteRow`; its own annotator field is not
    read) as that annotator's annotation with no suggestion; return the new ids in order.
    The same rows, speakers, progress and change log as :func:`add_annotations`.

    Rows whose values pass :func:`~annotator.store.schema.annotation_checks_hold` (the
    table's CHECKs, evaluated here) are inserted in one statement with SQLite's CHECKs
    off (``PRAGMA ignore_check_constraints``, back on at once); any other row is inserted
    with them on, so SQLite refuses a bad one (StoreIntegrityError, the whole call rolled
    back) as before.
    """
    from annotator.store.project import SpeakerIds

    out: list[int] = []
    with project._action():
        speaker_ids = SpeakerIds(project, create=True)
        ident = _next_id(project, "annotations")
        now = now_iso()
        checked: list[tuple[Any, ...]] = []
        unchecked: list[tuple[Any, ...]] = []
        first: dict[tuple[int, int | None], int] = {}
        for article_id, annotator, q in items:
            ann_id = project.annotator_id(annotator)
            speaker = speaker_ids(q[Q_SPEAKER_NAME], q[Q_FACTS])
            content, spk, cue, kind = q[Q_CONTENT], q[Q_SPEAKER], q[Q_CUE], q[Q_KIND]
            status, origin, confidence, extra = (
                q[Q_STATUS],
                q[Q_ORIGIN],
                q[Q_CONFIDENCE],
                q[Q_EXTRA],
            )
            row = (
                ident, article_id, ann_id, None, content, spk, cue, q[Q_SPEAKER_TEXT], speaker,
                kind, q[Q_STANCE], q[Q_TARGET], status, origin, confidence, q[Q_NOTE], extra,
                now, now,
            )  # fmt: skip
            if annotation_checks_hold(content, spk, cue, kind, status, origin, confidence, extra):
                checked.append(row)
            else:
                unchecked.append(row)
            first.setdefault((article_id, ann_id), ident)
            out.append(ident)
            ident += 1
        conn = project.db.conn
        if checked:
            conn.execute("PRAGMA ignore_check_constraints = 1")
            try:
                conn.executemany(_ANNOTATION_INSERT, checked)
            finally:
                conn.execute("PRAGMA ignore_check_constraints = 0")
        if unchecked:
            conn.executemany(_ANNOTATION_INSERT, unchecked)
        _log_many(
            project,
            "add",
            "annotation",
            out,
            lambda n: {**quote_of_row(items[n][2]).to_json(), "annotator": items[n][1]},
            lambda n: items[n][1],
        )
        project._touch_progress_many([(aid, ann, q) for (aid, ann), q in first.items()])
    return out
