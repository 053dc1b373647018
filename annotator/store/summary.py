"""Per-article summaries the article list's filters and sorts read (issue 16).

At 100,000 articles "Annotators disagree" took 45 s, "Has undecided quotes" 5-17 s and the
sort by Quotes 5-15 s: each computed every article's figures from its quotes. These
tables keep the figures, one row per article (``article_summary``) and per article and
annotator with quotes in it (``annotator_summary``):

- ``article_summary.latest_version``: the detector version of the article's newest
  suggestion row (None: no suggestion), as :meth:`Project.suggestions` picks the run to
  show; ``n_latest``: that run's suggestions, ``kinds`` the bits (:data:`KIND_BITS`) of
  their kinds and ``min_confidence`` their lowest confidence: what an annotator with no
  row of their own in the article sees; ``disagree``: 1 when an annotator has an accepted
  quote another annotator of the article has not accepted with the same spans, kind,
  speaker, stance and target (the "Annotators disagree" filter).
- ``annotator_summary``, for each annotator with an annotation in the article (or linked
  to one of its suggestions): their annotations (``n_annotations``), of which pending
  (``n_pending``), the latest run's suggestions they have not handled (``n_open``: none
  of their annotations points at it or has its content spans), and over both the kinds'
  bits and the lowest confidence.

They are kept by the store in the transaction of each write: triggers (migration 0010)
note the articles a write touches in ``summary_dirty``; :func:`refresh` recomputes those
articles' rows (once per article however many rows a bulk import wrote) and empties it,
just before the write commits (:meth:`Project._action`). A reader that finds
``summary_dirty`` not empty (a write made outside an action, by another tool) uses the
straight computation instead (:func:`is_current`), so answers never differ.
"""

from __future__ import annotations

import sqlite3

# The articles whose rows are recomputed: every id in summary_dirty.
_DIRTY = "SELECT article_id FROM summary_dirty"

#: The condition that annotation ``b`` is an accepted version of annotation ``a`` the same
#: in everything the disagreement compares: content spans, kind, speaker spans, speaker,
#: stance and its target. One text for :data:`DISAGREE_ONE` and ``queries._DISAGREEMENT``.
SAME_ACCEPTED = """
                  b.content_spans = a.content_spans AND b.status = 'accepted'
                  AND b.kind = a.kind AND b.speaker_spans = a.speaker_spans
                  AND b.speaker_id IS a.speaker_id AND b.stance IS a.stance
                  AND b.stance_target IS a.stance_target"""

#: True when the article's annotators' accepted versions differ (the old
#: ``queries._DISAGREEMENT`` for one article ``:aid``), the other annotators taken once
#: each rather than once per annotation (a 1,000-quote article: a thousand probes, not a
#: million).
DISAGREE_ONE = (
    """
    EXISTS (SELECT 1 FROM annotations a
            JOIN (SELECT DISTINCT annotator_id FROM annotations WHERE article_id = {aid}) o
              ON o.annotator_id <> a.annotator_id
            WHERE a.article_id = {aid} AND a.status = 'accepted'
              AND NOT EXISTS (
                SELECT 1 FROM annotations b
                WHERE b.article_id = a.article_id AND b.annotator_id = o.annotator_id
                  AND"""
    + SAME_ACCEPTED
    + "))\n"
)

#: The bit of each quote kind in the ``kinds`` columns.
KIND_BITS = {"direct": 1, "mixed": 2, "indirect": 4}
_KINDS = "(max(kind = 'direct') | (max(kind = 'mixed') << 1) | (max(kind = 'indirect') << 2))"

_REFRESH = (
    # articles gone: their rows go
    f"DELETE FROM article_summary WHERE article_id IN ({_DIRTY})"
    " AND article_id NOT IN (SELECT id FROM articles)",
    f"DELETE FROM annotator_summary WHERE article_id IN ({_DIRTY})",
    f"""
    INSERT OR REPLACE INTO article_summary
        (article_id, latest_version, n_latest, kinds, min_confidence, disagree)
    WITH v AS MATERIALIZED (
        SELECT d.article_id,
               (SELECT s.detector_version FROM suggestions s
                WHERE s.id = (SELECT max(id) FROM suggestions WHERE article_id = d.article_id))
               AS version
        FROM summary_dirty d CROSS JOIN articles ar ON ar.id = d.article_id
    )
    SELECT v.article_id, v.version, count(s.id), coalesce({_KINDS.replace("kind", "s.kind")}, 0),
           min(s.confidence), {DISAGREE_ONE.format(aid="v.article_id")}
    FROM v
    -- one pass over the newest run's suggestions for the three figures, the run found once
    -- (a decision on a 1,000-quote article walked them five times, sorting twice)
    LEFT JOIN suggestions s ON s.article_id = v.article_id AND s.detector_version = v.version
    GROUP BY v.article_id
    """,
    f"""
    INSERT INTO annotator_summary
        (annotator_id, article_id, n_annotations, n_pending, n_open, kinds, min_confidence)
    WITH pairs AS (
        SELECT DISTINCT x.article_id, x.annotator_id FROM annotations x
        WHERE x.article_id IN ({_DIRTY})
        UNION
        SELECT s.article_id, x.annotator_id FROM suggestions s
        JOIN annotations x ON x.suggestion_id = s.id
        WHERE s.article_id IN ({_DIRTY})
    ),
    seen AS (
        SELECT p.annotator_id, p.article_id, x.kind, x.confidence, x.status
        FROM pairs p CROSS JOIN annotations x  -- CROSS: the pairs first, then an index probe
          ON x.article_id = p.article_id AND x.annotator_id = p.annotator_id
        UNION ALL
        SELECT p.annotator_id, p.article_id, s.kind, s.confidence, 'open'
        FROM pairs p CROSS JOIN article_summary v ON v.article_id = p.article_id
        CROSS JOIN suggestions s ON s.article_id = v.article_id
                          AND s.detector_version = v.latest_version
        WHERE NOT EXISTS (SELECT 1 FROM annotations x
                          WHERE x.annotator_id = p.annotator_id AND x.suggestion_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM annotations x
                          WHERE x.article_id = s.article_id AND x.annotator_id = p.annotator_id
                            AND x.content_spans = s.content_spans)
    )
    SELECT p.annotator_id, p.article_id,
           count(seen.status) - coalesce(sum(seen.status = 'open'), 0),
           coalesce(sum(seen.status = 'pending'), 0),
           coalesce(sum(seen.status = 'open'), 0),
           coalesce({_KINDS.replace("kind", "seen.kind")}, 0),
           min(seen.confidence)
    FROM pairs p
    LEFT JOIN seen ON seen.annotator_id = p.annotator_id AND seen.article_id = p.article_id
    WHERE p.article_id IN (SELECT id FROM articles)
    GROUP BY p.annotator_id, p.article_id
    """,
    "DELETE FROM summary_dirty",
)


def pending(conn: sqlite3.Connection) -> bool:
    """True when some article's summary rows wait for :func:`refresh`."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM summary_dirty)").fetchone()[0])


def refresh(conn: sqlite3.Connection) -> None:
    """Recompute the summary rows of every article noted in ``summary_dirty`` and empty it;
    call inside the write's transaction (the caller commits). Costs a few index probes per
    quote of those articles."""
    for sql in _REFRESH:
        conn.execute(sql)


def is_current(conn: sqlite3.Connection) -> bool:
    """True when the summaries hold every committed write (nothing waits in
    ``summary_dirty``): readers may use them."""
    return not pending(conn)


#: The schema of migration 0010 (tables, indexes and the triggers that note what a write
#: touched). Kept here next to :data:`_REFRESH`, which fills it.
SCHEMA = """
    CREATE TABLE article_summary (
        article_id INTEGER PRIMARY KEY,
        latest_version TEXT,
        n_latest INTEGER NOT NULL DEFAULT 0,
        kinds INTEGER NOT NULL DEFAULT 0,
        min_confidence REAL,
        disagree INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX article_summary_disagree ON article_summary(article_id) WHERE disagree;
    CREATE TABLE annotator_summary (
        annotator_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        n_annotations INTEGER NOT NULL,
        n_pending INTEGER NOT NULL,
        n_open INTEGER NOT NULL,
        kinds INTEGER NOT NULL,
        min_confidence REAL,
        PRIMARY KEY (annotator_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX annotator_summary_article ON annotator_summary(article_id);
    CREATE TABLE summary_dirty (article_id INTEGER PRIMARY KEY);
    CREATE TRIGGER summary_article_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_summary (article_id) SELECT NEW.id
            WHERE NOT EXISTS (SELECT 1 FROM article_summary WHERE article_id = NEW.id);
    END;
    CREATE TRIGGER summary_article_delete AFTER DELETE ON articles
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.id) BEGIN
        INSERT INTO summary_dirty (article_id) VALUES (OLD.id);
    END;
    CREATE TRIGGER summary_suggestion_insert AFTER INSERT ON suggestions
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = NEW.article_id) BEGIN
        INSERT INTO summary_dirty (article_id) VALUES (NEW.article_id);
    END;
    CREATE TRIGGER summary_suggestion_delete AFTER DELETE ON suggestions
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.article_id) BEGIN
        INSERT INTO summary_dirty (article_id) VALUES (OLD.article_id);
    END;
    CREATE TRIGGER summary_suggestion_update
    AFTER UPDATE OF id, article_id, detector_version, content_spans ON suggestions BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT DISTINCT a FROM (SELECT OLD.article_id AS a UNION ALL SELECT NEW.article_id
                                    UNION ALL SELECT article_id FROM annotations
                                    WHERE suggestion_id IN (OLD.id, NEW.id))
            WHERE NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = a);
    END;
    CREATE TRIGGER summary_annotation_insert AFTER INSERT ON annotations
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = NEW.article_id) BEGIN
        INSERT INTO summary_dirty (article_id) VALUES (NEW.article_id);
    END;
    CREATE TRIGGER summary_annotation_delete AFTER DELETE ON annotations
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.article_id) BEGIN
        INSERT INTO summary_dirty (article_id) VALUES (OLD.article_id);
    END;
    CREATE TRIGGER summary_annotation_update
    AFTER UPDATE OF article_id, annotator_id, suggestion_id, content_spans, speaker_spans,
        kind, speaker_id, stance, stance_target, status ON annotations BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT DISTINCT a FROM (SELECT OLD.article_id AS a UNION ALL SELECT NEW.article_id)
            WHERE NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = a);
    END;
    -- an annotation linked to a suggestion of another article decides that one too (the
    -- list counts look for the link anywhere): rare, so tested before anything is written
    CREATE TRIGGER summary_link_insert AFTER INSERT ON annotations
    WHEN NEW.suggestion_id IS NOT NULL AND (SELECT article_id FROM suggestions
                                           WHERE id = NEW.suggestion_id) <> NEW.article_id
    BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT article_id FROM suggestions s WHERE s.id = NEW.suggestion_id
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = s.article_id);
    END;
    CREATE TRIGGER summary_link_delete AFTER DELETE ON annotations
    WHEN OLD.suggestion_id IS NOT NULL AND (SELECT article_id FROM suggestions
                                           WHERE id = OLD.suggestion_id) <> OLD.article_id
    BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT article_id FROM suggestions s WHERE s.id = OLD.suggestion_id
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = s.article_id);
    END;
    CREATE TRIGGER summary_link_update AFTER UPDATE OF suggestion_id, article_id ON annotations
    BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT DISTINCT s.article_id FROM suggestions s
            WHERE s.id IN (OLD.suggestion_id, NEW.suggestion_id)
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = s.article_id);
    END;
"""
