"""The project schema, as an ordered set of sqlite-utils migrations.

Every migration is applied at open, inside its own transaction. Never edit a migration that
has shipped: add a new one. ``SCHEMA_VERSION`` is the number of migrations this version of
the program knows; a file with migrations we do not know was written by a newer version.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database, Migrations

MIGRATION_SET = "quote_annotator"
migrations = Migrations(MIGRATION_SET)

_QUOTE_COLUMNS = """
    content_spans TEXT NOT NULL CHECK (json_valid(content_spans) AND content_spans <> '[]'),
    speaker_spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(speaker_spans)),
    cue_spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cue_spans)),
    speaker_text TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'mixed', 'indirect')),
    confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1))
"""


#: The values the CHECKs of :data:`_QUOTE_COLUMNS` and of ``annotations`` allow.
CHECKED_KINDS = frozenset({"direct", "mixed", "indirect"})
CHECKED_STATUSES = frozenset({"accepted", "rejected", "pending"})
CHECKED_ORIGINS = frozenset({"model", "model-corrected", "manual"})
#: The columns of ``annotations`` that have a CHECK, each mirrored by
#: :func:`annotation_checks_hold` (a test compares this with the live schema).
ANNOTATION_CHECKED_COLUMNS = frozenset(
    {"content_spans", "speaker_spans", "cue_spans", "kind", "confidence", "status", "origin",
     "extra"}
)  # fmt: skip
# encode_spans's output for int pairs: valid JSON (no leading zeros, no sign, ASCII digits)
_SPANS_JSON = re.compile(r"\[(?:\[(?:0|[1-9][0-9]*), (?:0|[1-9][0-9]*)\](?:, (?=\[)|(?=\])))*\]\Z")


def statements(sql: str) -> Iterator[str]:
    """The statements of the script ``sql``, each stripped, as sqlite-utils' executescript
    splits them (a statement ends where :func:`sqlite3.complete_statement` first says
    the text so far is complete), tested only at semicolons, where a statement can end:
    sqlite-utils tests the text after every character, 19,000 joins of growing strings
    for our migrations, 60-80 ms of every start (the schema check applies them all in
    memory) and of every new project."""
    parts = sql.split(";")
    held: list[str] = []
    for part in parts[:-1]:
        held.append(part + ";")
        text = "".join(held).strip()
        if sqlite3.complete_statement(text):
            yield text
            held = []
    text = ("".join(held) + parts[-1]).strip()
    if text:
        yield text


def _script(db: Database, sql: str) -> None:
    """``db.executescript(sql)`` with :func:`statements` splitting it: inside a
    transaction each statement is run on its own (sqlite3's executescript would commit
    first), else sqlite3 runs the script."""
    if db.conn.in_transaction:
        cursor = db.conn.cursor()
        for statement in statements(sql):
            cursor.execute(statement)
    else:
        db.conn.executescript(sql)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _json_valid(value: Any) -> bool:
    """True only for text SQLite's ``json_valid`` accepts (conservative: JSON Python reads
    but SQLite may not, NaN and Infinity, or nesting deeper than Python reads, is False)."""
    if not isinstance(value, str):
        return False
    if value in ("{}", "[]") or _SPANS_JSON.match(value):
        return True
    try:
        json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return False
    return True


def annotation_checks_hold(
    content: Any,
    speaker: Any,
    cue: Any,
    kind: Any,
    status: Any,
    origin: Any,
    confidence: Any,
    extra: Any,
) -> bool:
    """True only when every CHECK of the ``annotations`` table accepts these column values
    (the spans, kind, status, origin, confidence and extra columns), so a bulk writer may
    insert the row with ``PRAGMA ignore_check_constraints`` on; False when any might fail
    (the row is then inserted with the CHECKs on, and SQLite refuses it with its reason).
    Kept next to the CHECKs it mirrors; tests/store/test_check_mirror.py compares the two
    on good and bad rows and the checked columns with the live schema.
    """
    if confidence is not None and (
        type(confidence) not in (float, int) or not 0 <= confidence <= 1
    ):
        return False
    if not (type(kind) is str and type(status) is str and type(origin) is str):
        return False
    return (
        kind in CHECKED_KINDS
        and status in CHECKED_STATUSES
        and origin in CHECKED_ORIGINS
        and content != "[]"
        and _json_valid(content)
        and _json_valid(speaker)
        and _json_valid(cue)
        and _json_valid(extra)
    )


@migrations(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    _script(
        db,
        f"""
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            ext_id TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(meta)),
            content_hash TEXT NOT NULL UNIQUE,
            source TEXT,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            created_at TEXT NOT NULL
        );
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
            kind TEXT NOT NULL DEFAULT 'unknown'
                CHECK (kind IN ('person', 'organisation', 'unknown')),
            aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
            created_at TEXT NOT NULL
        );
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            detector_version TEXT NOT NULL,
            {_QUOTE_COLUMNS},
            speaker_name TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX suggestions_article ON suggestions(article_id, detector_version);
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            suggestion_id INTEGER REFERENCES suggestions(id) ON DELETE SET NULL,
            {_QUOTE_COLUMNS},
            speaker_id INTEGER REFERENCES speakers(id),
            stance TEXT,
            status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'pending')),
            origin TEXT NOT NULL CHECK (origin IN ('model', 'model-corrected', 'manual')),
            note TEXT,
            extra TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(extra)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (annotator_id, suggestion_id)
        );
        CREATE INDEX annotations_article ON annotations(article_id, annotator_id);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
            annotators TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(annotators)),
            status TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'done')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (article_id, reviewer)
        );
        CREATE TABLE gold_quotes (
            id INTEGER PRIMARY KEY,
            review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            source_annotation_id INTEGER REFERENCES annotations(id) ON DELETE SET NULL,
            decision TEXT NOT NULL CHECK (decision IN ('agreed', 'picked', 'edited', 'added')),
            {_QUOTE_COLUMNS},
            speaker_id INTEGER REFERENCES speakers(id),
            stance TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX gold_quotes_article ON gold_quotes(article_id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value))
        );
        CREATE TABLE changelog (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            payload TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(payload))
        );
        CREATE TRIGGER changelog_no_update BEFORE UPDATE ON changelog
            BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
        CREATE TRIGGER changelog_no_delete BEFORE DELETE ON changelog
            BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
        """,
    )


@migrations(name="0002_progress_and_search")
def _m0002_progress_and_search(db: Database) -> None:
    """Per-annotator article progress (for the article list) and full-text search."""
    _script(
        db,
        """
        CREATE TABLE article_progress (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
            current_quote INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id)
        );
        """,
    )
    db.table("articles").enable_fts(
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize="unicode61"
    )


@migrations(name="0003_stance_targets_and_filters")
def _m0003_stance_targets_and_filters(db: Database) -> None:
    """Stance targets per annotation, gold quote and article; indexes for the list filters.

    A quote's ``stance_target`` is what its stance is about (issue 10: one target per
    project does not fit); an article's overrides the project default for its quotes.
    """
    _script(
        db,
        """
        ALTER TABLE annotations ADD COLUMN stance_target TEXT;
        ALTER TABLE gold_quotes ADD COLUMN stance_target TEXT;
        ALTER TABLE articles ADD COLUMN stance_target TEXT;
        CREATE INDEX annotations_speaker ON annotations(speaker_id, article_id);
        CREATE INDEX annotations_target ON annotations(stance_target);
        CREATE INDEX suggestions_confidence ON suggestions(confidence, article_id);
        """,
    )


@migrations(name="0004_speaker_registry", transactional=False)
def _m0004_speaker_registry(db: Database) -> None:
    """Speaker registry fields: type ``group``, gender (set or guessed) and role.

    SQLite cannot change a CHECK constraint in place, so the table is rebuilt (SQLite's
    documented procedure, https://www.sqlite.org/lang_altertable.html#otheralter): foreign
    keys off, copy, drop, rename, ``foreign_key_check``, foreign keys on. It runs outside
    sqlite-utils' transaction (PRAGMA foreign_keys is a no-op inside one) in one transaction
    of its own, and skips itself when the columns are already there (a crash between the
    commit and the migration's record).
    """
    if "gender" in {c.name for c in db.table("speakers").columns}:
        return
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            for statement in _SPEAKERS_REBUILD:
                db.execute(statement)
            bad = db.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise RuntimeError(f"speaker registry migration broke references: {bad[:3]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


SPEAKER_KINDS = ("person", "organisation", "group", "unknown")
GENDERS = ("unknown", "female", "male", "other")

_SPEAKERS_REBUILD = (
    f"""CREATE TABLE speakers_new (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
        kind TEXT NOT NULL DEFAULT 'unknown' CHECK (kind IN {SPEAKER_KINDS!r}),
        aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
        created_at TEXT NOT NULL,
        gender TEXT NOT NULL DEFAULT 'unknown' CHECK (gender IN {GENDERS!r}),
        gender_guessed INTEGER NOT NULL DEFAULT 0 CHECK (gender_guessed IN (0, 1)),
        role TEXT
    )""",
    "INSERT INTO speakers_new (id, name, kind, aliases, created_at) "
    "SELECT id, name, kind, aliases, created_at FROM speakers",
    "DROP TABLE speakers",
    "ALTER TABLE speakers_new RENAME TO speakers",
    "CREATE INDEX gold_quotes_speaker ON gold_quotes(speaker_id)",
)


@migrations(name="0005_review_left_out")
def _m0005_review_left_out(db: Database) -> None:
    """Quotes a reviewer left out of the gold on purpose (review key X), by annotation, so an
    undecided row and a row decided "not a quote" differ (issue 10)."""
    _script(
        db,
        """
        CREATE TABLE left_out (
            review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
            annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (review_id, annotation_id)
        );
        """,
    )


@migrations(name="0006_detections_and_scale_indexes")
def _m0006_detections_and_scale_indexes(db: Database) -> None:
    """What each detector version has run on, and the indexes the hot paths of a large
    project need (issue 16: 100,000 articles must open like 100).

    ``detections`` holds one row per (article, detector version) that has run, even when
    it found no quote; it is filled once here from the suggestions and the change log's
    ``detect`` rows (one pass over each), and from then on by
    :meth:`Project.set_suggestions`.
    """
    _script(
        db,
        """
        CREATE TABLE detections (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            detector_version TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            PRIMARY KEY (article_id, detector_version)
        ) WITHOUT ROWID;
        CREATE INDEX detections_version ON detections(detector_version, article_id);
        INSERT OR IGNORE INTO detections (article_id, detector_version, detected_at)
            SELECT article_id, detector_version, min(created_at) FROM suggestions
            GROUP BY article_id, detector_version;
        INSERT OR IGNORE INTO detections (article_id, detector_version, detected_at)
            SELECT c.entity_id, json_extract(c.payload, '$.version'), min(c.ts)
            FROM changelog c
            WHERE c.action = 'detect' AND c.entity = 'article'
              AND json_extract(c.payload, '$.version') IS NOT NULL
              AND c.entity_id IN (SELECT id FROM articles)
            GROUP BY c.entity_id, json_extract(c.payload, '$.version');
        CREATE INDEX article_progress_recent
            ON article_progress(annotator_id, updated_at);
        CREATE INDEX annotations_spans ON annotations(article_id, annotator_id, content_spans);
        CREATE INDEX annotations_annotator ON annotations(annotator_id, article_id);
        """,
    )


@migrations(name="0007_learning")
def _m0007_learning(db: Database) -> None:
    """What learning from the analysts needs (issue 13).

    ``annotations_suggestion``: annotations by the suggestion they decide. Re-detection
    deletes the open suggestions of many articles: without this index every deleted
    suggestion makes SQLite scan all annotations for the ``ON DELETE SET NULL`` link, and
    the "is it still open" probe of the next-most-useful ranking scans them too.

    ``article_uncertainty``: a trained model's uncertainty about an article (0..0.5, see
    :func:`annotator.nlp.learned.article_uncertainty`) from the latest re-detection of
    that article, one row per article, so "Next most useful article" can rank by it.
    """
    _script(
        db,
        """
        CREATE INDEX IF NOT EXISTS annotations_suggestion ON annotations(suggestion_id);
        CREATE TABLE IF NOT EXISTS article_uncertainty (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            detector_version TEXT NOT NULL,
            uncertainty REAL NOT NULL CHECK (uncertainty >= 0 AND uncertainty <= 0.5),
            measured_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS article_uncertainty_rank
            ON article_uncertainty(uncertainty DESC, article_id);
        """,
    )


@migrations(name="0008_one_article_index")
def _m0008_one_article_index(db: Database) -> None:
    """Drop ``annotations_article`` (article_id, annotator_id): its columns lead
    ``annotations_spans`` (article_id, annotator_id, content_spans), which serves every
    query it served (their plans, asserted in tests/store/test_scale.py, use the longer
    one), so it only cost time on every insert (issue 16: a 100,000-article import writes
    2.4 million annotations).
    """
    _script(db, "DROP INDEX IF EXISTS annotations_article;")


@migrations(name="0009_reviews_by_reviewer")
def _m0009_reviews_by_reviewer(db: Database) -> None:
    """``reviews_reviewer`` (reviewer, article_id): the review window's article list starts
    from the reviewer's own reviews (the articles they wrote gold for), which the review key
    (article_id, reviewer) cannot find without reading every review (issue 16).
    """
    _script(db, "CREATE INDEX IF NOT EXISTS reviews_reviewer ON reviews(reviewer, article_id);")


@migrations(name="0010_article_summaries")
def _m0010_article_summaries(db: Database) -> None:
    """Per-article and per-annotator summaries for the article list's filters and sorts,
    kept by the store at every write (issue 16: "Annotators disagree" took 45 s at 100,000
    articles, "Has undecided quotes" and the sort by Quotes 5-17 s); see
    :mod:`annotator.store.summary`. Filled here for the articles already there (a pass
    over their quotes: seconds at 100,000 articles, once). Indexes on the sort keys of
    title, publisher and date, and on the speaker a suggestion names (the speaker filter).
    """
    from annotator.store import summary

    _script(db, summary.SCHEMA)
    # the list's sorts by title, publisher and date walk these instead of sorting every
    # article's row (0.5-1 s at 100,000 articles); the expressions are the sort keys of
    # annotator.store.counts, ties by id as the index keeps them
    _script(
        db,
        """
        CREATE INDEX articles_title_order ON articles(lower(coalesce(title, '')));
        CREATE INDEX articles_publisher_order
            ON articles(lower(coalesce(json_extract(meta, '$.publisher'), '')));
        CREATE INDEX articles_date_order ON articles(coalesce(json_extract(meta, '$.date'), ''));
        CREATE INDEX suggestions_speaker ON suggestions(speaker_name COLLATE NOCASE)
            WHERE speaker_name IS NOT NULL;
        """,
    )
    db.execute("INSERT OR IGNORE INTO article_summary (article_id) SELECT id FROM articles")
    db.execute("INSERT OR IGNORE INTO summary_dirty (article_id) SELECT id FROM articles")
    # the 0010 tables only (summary.refresh also keeps those of 0012)
    summary.refresh_articles(db.conn)


@migrations(name="0011_annotation_references")
def _m0011_annotation_references(db: Database) -> None:
    """Indexes on the columns that point at an annotation (``gold_quotes.source_annotation_id``,
    ``left_out.annotation_id``): deleting an annotation (the undo of an accept or reject, R on
    a quote added by hand) checks their foreign keys, and without them read every gold quote
    and every left-out row of the project (4.6 ms a key at 100,000 articles, issue 16)."""
    _script(
        db,
        """
        CREATE INDEX IF NOT EXISTS gold_quotes_source ON gold_quotes(source_annotation_id);
        CREATE INDEX IF NOT EXISTS left_out_annotation ON left_out(annotation_id);
        """,
    )


@migrations(name="0012_summary_pairs")
def _m0012_summary_pairs(db: Database) -> None:
    """A write of annotations refreshes the summary row of the (annotator, article) pairs it
    touched rather than the whole article (issue 16: every key on an article of 20,000
    suggestions recomputed its 20,000 suggestions, 65 ms); see
    :data:`annotator.store.summary.SCHEMA_0012`. Adds two indexes on suggestions (a pass
    over them: seconds at 100,000 articles, once) and fills ``summary_links`` from the
    annotations linked to another article's suggestion (one pass over the links)."""
    from annotator.store import summary

    _script(db, summary.SCHEMA_0012)
    db.execute(summary.FILL_LINKS)


def known_migration_names() -> list[str]:
    """Names of the migrations this program knows, in order."""
    return [m.name for m in migrations._migrations]


SCHEMA_VERSION = len(known_migration_names())
