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
note the articles a write of suggestions touches in ``summary_dirty``, and (migration 0012)
the (article, annotator) pairs a write of annotations touches in ``summary_pairs``;
:func:`refresh` recomputes the noted articles' rows (once per article however many rows a
bulk import wrote) and the noted pairs' rows alone (a key in the window: its annotator's
annotations of the article and the suggestions they handle, not the article's every
suggestion), and empties both, just before the write commits (:meth:`Project._action`).
A reader that finds either not empty (a write made outside an action, by another tool)
uses the straight computation instead (:func:`is_current`), so answers never differ.
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
    """True when some article's or (annotator, article) pair's summary rows wait for
    :func:`refresh`."""
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM summary_dirty) OR EXISTS (SELECT 1 FROM summary_pairs)"
        ).fetchone()[0]
    )


def refresh_articles(conn: sqlite3.Connection) -> None:
    """Recompute the summary rows of every article noted in ``summary_dirty`` and empty it
    (the tables of migration 0010 only: what that migration fills). Costs a few index
    probes per quote of those articles."""
    for sql in _REFRESH:
        conn.execute(sql)


#: Above this many (annotator, article) pairs noted in one transaction (an import of
#: annotations into existing articles), their articles are recomputed in one set-based
#: pass instead of a few queries per pair.
MANY_PAIRS = 64
#: Above this many annotations changed since the last refresh (a bulk write), a pair's open
#: suggestions are counted again from its annotations instead of moved by each change.
MANY_CHANGES = 256


def refresh(conn: sqlite3.Connection) -> None:
    """Bring the summaries up to date with the transaction's writes; call inside the
    write's transaction (the caller commits).

    Articles noted in ``summary_dirty`` (suggestions written, an article deleted, a link to
    another article's suggestion) are recomputed whole: a few index probes per quote. A
    pair noted in ``summary_pairs`` (one annotator's annotations changed: a key in the
    window) has only its ``annotator_summary`` row recomputed, from that annotator's
    annotations of the article and the suggestions they handle (index probes; the
    article's other suggestions are not read), and the article's ``disagree`` flag
    when an accepted version may have changed. A 20,000-suggestion article: 70 ms (the
    whole-article pass) -> 0.1-0.2 ms CPU a write.
    """
    # pairs whose annotator links suggestions of the article from another article: the
    # article is recomputed whole (rare; the pair query looks in the article only)
    conn.execute(_PAIRS_TO_ARTICLES)
    pairs = conn.execute(_PAIRS).fetchall()
    if len(pairs) > MANY_PAIRS:
        conn.execute(
            "INSERT OR IGNORE INTO summary_dirty (article_id) SELECT article_id FROM summary_pairs"
        )
        pairs = []
    if pending_articles(conn):
        for sql in _LINKS:
            conn.execute(sql)
        refresh_articles(conn)
    disagree: set[int] = set()
    many = bool(pairs) and bool(
        conn.execute(
            f"SELECT count(*) > {MANY_CHANGES} FROM (SELECT 1 FROM summary_changes"
            f" LIMIT {MANY_CHANGES + 1})"
        ).fetchone()[0]
    )
    for ann, aid, flag, latest, n_latest, kinds, min_conf in pairs:
        _refresh_pair(conn, int(ann), int(aid), latest, n_latest, kinds, min_conf, many)
        if flag:
            disagree.add(int(aid))
    for aid in sorted(disagree):
        conn.execute(_DISAGREE_ONE_ARTICLE, {"aid": aid})
    conn.execute("DELETE FROM summary_pairs")
    conn.execute("DELETE FROM summary_changes")


def pending_articles(conn: sqlite3.Connection) -> bool:
    """True when some article waits for a whole recomputation (``summary_dirty``)."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM summary_dirty)").fetchone()[0])


def _refresh_pair(
    conn: sqlite3.Connection,
    ann: int,
    aid: int,
    latest: str | None,
    n_latest: int,
    latest_kinds: int,
    latest_min: float | None,
    many_changes: bool,
) -> None:
    """Recompute one (annotator, article) row of ``annotator_summary``; the article's
    ``article_summary`` row is current and no annotation of the annotator in another
    article links one of its suggestions (``summary_links``). ``many_changes``: count the
    handled suggestions from all their annotations of the article rather than move the
    last count by the changed ones (which compares each with each)."""
    p = {"ann": ann, "aid": aid, "ver": latest}
    n, n_pending, kinds, min_conf = conn.execute(_MINE, p).fetchone()
    row = conn.execute(
        "DELETE FROM annotator_summary WHERE annotator_id = ? AND article_id = ? RETURNING n_open",
        [ann, aid],
    ).fetchone()
    before = None if row is None else int(row[0])
    if not n:  # no annotation of theirs left in the article: no row (see the pairs of _REFRESH)
        return
    n_open = 0
    if latest is not None and n_latest and many_changes:
        n_open = n_latest - int(conn.execute(_HANDLED, p).fetchone()[0])
    elif latest is not None and n_latest:
        # the count at the last refresh (no row: no annotation of theirs then, all open),
        # moved by the suggestions the changed annotations handled then and handle now
        n_open = (n_latest if before is None else before) + int(
            conn.execute(_OPEN_DELTA, p).fetchone()[0]
        )
    if n_open:
        # the open suggestions' kinds and lowest confidence, looked for only when they can
        # change the answer: a kind of the run the annotations lack, a run's confidence
        # below theirs; each walk stops at the first open suggestion of its kind
        for kind, bit in KIND_BITS.items():
            if (
                latest_kinds & bit
                and not kinds & bit
                and conn.execute(_OPEN_OF_KIND, {**p, "kind": kind}).fetchone() is not None
            ):
                kinds |= bit
        if latest_min is not None and (min_conf is None or latest_min < min_conf):
            for kind, bit in KIND_BITS.items():
                if latest_kinds & bit:
                    row = conn.execute(_OPEN_MIN_OF_KIND, {**p, "kind": kind}).fetchone()
                    if row is not None and (min_conf is None or row[0] < min_conf):
                        min_conf = row[0]
    conn.execute(
        "INSERT INTO annotator_summary (annotator_id, article_id, n_annotations, n_pending,"
        " n_open, kinds, min_confidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [ann, aid, n, n_pending, n_open, kinds, min_conf],
    )


def is_current(conn: sqlite3.Connection) -> bool:
    """True when the summaries hold every committed write (nothing waits in
    ``summary_dirty`` or ``summary_pairs``): readers may use them."""
    return not pending(conn)


# -- the pair refresh (migration 0012) -------------------------------------------------------

# a noted pair whose annotator links one of the article's suggestions from another article
_PAIRS_TO_ARTICLES = """
    INSERT OR IGNORE INTO summary_dirty (article_id)
    SELECT p.article_id FROM summary_pairs p
    WHERE EXISTS (SELECT 1 FROM summary_links l
                  WHERE l.annotator_id = p.annotator_id AND l.article_id = p.article_id)
"""
# the noted pairs of articles not recomputed whole, with their article's latest run
_PAIRS = """
    SELECT p.annotator_id, p.article_id, p.disagree,
           v.latest_version, v.n_latest, v.kinds, v.min_confidence
    FROM summary_pairs p CROSS JOIN article_summary v ON v.article_id = p.article_id
    -- EXISTS, not IN: with a large project's statistics IN walked every article id
    -- (20 ms a key at 10,000 articles)
    WHERE NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = p.article_id)
      AND EXISTS (SELECT 1 FROM articles a WHERE a.id = p.article_id)
    ORDER BY p.article_id, p.annotator_id
"""
_MINE = f"""
    SELECT count(*), coalesce(sum(status = 'pending'), 0), coalesce({_KINDS}, 0),
           min(confidence)
    FROM annotations WHERE article_id = :aid AND annotator_id = :ann
"""
# the latest run's suggestions the annotator's annotations of the article handle: linked,
# or with the same content spans (the annotation side walked, each suggestion counted once)
_HANDLED = """
    SELECT count(*) FROM (
        SELECT s.id FROM annotations x CROSS JOIN suggestions s ON s.id = x.suggestion_id
        WHERE x.article_id = :aid AND x.annotator_id = :ann
          AND s.article_id = :aid AND s.detector_version = :ver
        UNION
        SELECT s.id FROM (SELECT DISTINCT content_spans FROM annotations
                          WHERE article_id = :aid AND annotator_id = :ann) AS spans
        CROSS JOIN suggestions s INDEXED BY suggestions_spans
          ON s.article_id = :aid AND s.detector_version = :ver
         AND s.content_spans = spans.content_spans
    )
"""
# How many of the latest run's suggestions the pair's changed annotations made handled
# (negative) or open (positive) since the last refresh: only the suggestions the changed
# versions, then and now, link or share content spans with are looked at. Handled then:
# by an annotation not changed since, or by a changed one as it was; now: by any.
_OPEN_DELTA = """
    WITH
    was AS MATERIALIZED (
        SELECT suggestion_id, content_spans FROM summary_changes
        WHERE annotator_id = :ann AND article_id = :aid
    ),
    -- rows looked up by id IN (...), not joined: with a large project's statistics a
    -- join built a Bloom filter over every annotation and suggestion (34 ms a key at 10k)
    touched AS MATERIALIZED (
        SELECT suggestion_id, content_spans FROM was
        UNION ALL
        SELECT x.suggestion_id, x.content_spans FROM annotations x
        WHERE x.id IN (SELECT annotation_id FROM summary_changes)
          AND x.annotator_id = :ann AND x.article_id = :aid
    ),
    affected AS (
        SELECT s.id, s.content_spans FROM suggestions s
        WHERE s.id IN (SELECT suggestion_id FROM touched)
          -- unary +: by id, never a walk of the article's suggestions testing the list
          AND +s.article_id = :aid AND +s.detector_version = :ver
        UNION
        SELECT s.id, s.content_spans FROM (SELECT DISTINCT content_spans FROM touched) AS t
        CROSS JOIN suggestions s INDEXED BY suggestions_spans
          ON s.article_id = :aid AND s.detector_version = :ver
         AND s.content_spans = t.content_spans
    )
    SELECT coalesce(sum(
        (EXISTS (SELECT 1 FROM annotations y
                 WHERE y.annotator_id = :ann AND y.suggestion_id = hit.id
                   AND NOT EXISTS (SELECT 1 FROM summary_changes c
                                   WHERE c.annotation_id = y.id))
         OR EXISTS (SELECT 1 FROM annotations y
                    WHERE y.article_id = :aid AND y.annotator_id = :ann
                      AND y.content_spans = hit.content_spans
                      AND NOT EXISTS (SELECT 1 FROM summary_changes c
                                      WHERE c.annotation_id = y.id))
         OR EXISTS (SELECT 1 FROM was w
                    WHERE w.suggestion_id = hit.id OR w.content_spans = hit.content_spans))
        - (EXISTS (SELECT 1 FROM annotations y
                   WHERE y.annotator_id = :ann AND y.suggestion_id = hit.id)
           OR EXISTS (SELECT 1 FROM annotations y
                      WHERE y.article_id = :aid AND y.annotator_id = :ann
                        AND y.content_spans = hit.content_spans))
    ), 0) FROM affected hit
"""
_UNHANDLED = """
      AND NOT EXISTS (SELECT 1 FROM annotations x
                      WHERE x.annotator_id = :ann AND x.suggestion_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM annotations x
                      WHERE x.article_id = :aid AND x.annotator_id = :ann
                        AND x.content_spans = s.content_spans)
"""
_OPEN_OF_KIND = (
    """
    SELECT 1 FROM suggestions s INDEXED BY suggestions_open
    WHERE s.article_id = :aid AND s.detector_version = :ver AND s.kind = :kind
"""
    + _UNHANDLED
    + " LIMIT 1"
)
_OPEN_MIN_OF_KIND = (
    """
    SELECT s.confidence FROM suggestions s INDEXED BY suggestions_open
    WHERE s.article_id = :aid AND s.detector_version = :ver AND s.kind = :kind
      AND s.confidence >= 0
"""
    + _UNHANDLED
    + " ORDER BY s.confidence LIMIT 1"
)
# one article's disagreement; an article whose annotations are all one annotator's (two
# index probes) has nobody to differ from
_DISAGREE_ONE_ARTICLE = (
    """
    UPDATE article_summary SET disagree = (
        CASE WHEN (SELECT min(annotator_id) FROM annotations WHERE article_id = :aid)
               IS (SELECT max(annotator_id) FROM annotations WHERE article_id = :aid)
             THEN 0 ELSE """
    + DISAGREE_ONE.format(aid=":aid")
    + """ END)
    WHERE article_id = :aid
"""
)
# the pairs whose annotator links one of the article's suggestions from another article,
# kept for the articles recomputed whole (before _REFRESH empties summary_dirty)
_LINKS = (
    f"DELETE FROM summary_links WHERE article_id IN ({_DIRTY})",
    f"""
    INSERT OR IGNORE INTO summary_links (annotator_id, article_id)
    SELECT x.annotator_id, s.article_id FROM suggestions s
    JOIN annotations x ON x.suggestion_id = s.id
    WHERE s.article_id IN ({_DIRTY}) AND x.article_id <> s.article_id
      AND EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)
    """,
)


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


#: Migration 0012: a write of annotations notes the (annotator, article) pairs it touched
#: (an INSERT that replaces a row, ``INSERT OR REPLACE`` by another program, runs no delete
#: trigger for the row it replaces: ``summary_replace`` sends both articles to the
#: whole-article pass instead; a link moved to another annotator is noticed too)
#: in ``summary_pairs`` (``disagree``: an accepted version or the article's annotators may
#: have changed) instead of the whole article, and in ``summary_changes`` each changed
#: annotation as it was at the last refresh (annotator NULL: it did not exist), so
#: :func:`refresh` updates one row per key from the suggestions those versions link or
#: share spans with instead of the article's every suggestion (issue 16: 65 ms a key on an
#: article of 20,000 suggestions). ``summary_links`` keeps the pairs whose annotator links
#: one of the article's suggestions from another article (such a pair is recomputed whole). Two
#: indexes let the pair's handled and open suggestions be found without a pass over the
#: article's: by content spans, and by kind then confidence.
SCHEMA_0012 = """
    CREATE TABLE summary_pairs (
        article_id INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        disagree INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (article_id, annotator_id)
    ) WITHOUT ROWID;
    CREATE TABLE summary_links (
        annotator_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (annotator_id, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE summary_changes (
        annotation_id INTEGER PRIMARY KEY,
        annotator_id INTEGER,
        article_id INTEGER,
        suggestion_id INTEGER,
        content_spans TEXT
    );
    CREATE INDEX suggestions_spans ON suggestions(article_id, detector_version, content_spans);
    CREATE INDEX suggestions_open ON suggestions(article_id, detector_version, kind, confidence);
    DROP TRIGGER summary_annotation_insert;
    DROP TRIGGER summary_annotation_delete;
    DROP TRIGGER summary_annotation_update;
    CREATE TRIGGER summary_pair_insert AFTER INSERT ON annotations
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = NEW.article_id) BEGIN
        INSERT INTO summary_pairs (article_id, annotator_id, disagree)
            VALUES (NEW.article_id, NEW.annotator_id, 1)
            ON CONFLICT (article_id, annotator_id) DO UPDATE SET disagree = 1;
        INSERT OR IGNORE INTO summary_changes (annotation_id) VALUES (NEW.id);
    END;
    CREATE TRIGGER summary_pair_delete AFTER DELETE ON annotations
    WHEN NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.article_id) BEGIN
        INSERT INTO summary_pairs (article_id, annotator_id, disagree)
            VALUES (OLD.article_id, OLD.annotator_id, 1)
            ON CONFLICT (article_id, annotator_id) DO UPDATE SET disagree = 1;
        INSERT OR IGNORE INTO summary_changes VALUES
            (OLD.id, OLD.annotator_id, OLD.article_id, OLD.suggestion_id, OLD.content_spans);
    END;
    CREATE TRIGGER summary_pair_update
    AFTER UPDATE OF article_id, annotator_id, suggestion_id, content_spans, speaker_spans,
        kind, confidence, speaker_id, stance, stance_target, status ON annotations BEGIN
        INSERT INTO summary_pairs (article_id, annotator_id, disagree)
            SELECT OLD.article_id, OLD.annotator_id,
                   OLD.status = 'accepted' OR NEW.status = 'accepted'
                   OR OLD.article_id <> NEW.article_id OR OLD.annotator_id <> NEW.annotator_id
            WHERE NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.article_id)
            ON CONFLICT (article_id, annotator_id)
            DO UPDATE SET disagree = disagree OR excluded.disagree;
        INSERT INTO summary_pairs (article_id, annotator_id, disagree)
            SELECT NEW.article_id, NEW.annotator_id, 1
            WHERE (OLD.article_id <> NEW.article_id OR OLD.annotator_id <> NEW.annotator_id)
              AND NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = NEW.article_id)
            ON CONFLICT (article_id, annotator_id) DO UPDATE SET disagree = 1;
        INSERT OR IGNORE INTO summary_changes
            SELECT OLD.id, OLD.annotator_id, OLD.article_id, OLD.suggestion_id, OLD.content_spans
            WHERE NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = OLD.article_id)
               OR NOT EXISTS (SELECT 1 FROM summary_dirty WHERE article_id = NEW.article_id);
    END;
    DROP TRIGGER summary_link_update;
    CREATE TRIGGER summary_link_update
    AFTER UPDATE OF suggestion_id, article_id, annotator_id ON annotations
    BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT DISTINCT s.article_id FROM suggestions s
            WHERE s.id IN (OLD.suggestion_id, NEW.suggestion_id)
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = s.article_id);
    END;
    CREATE TRIGGER summary_replace BEFORE INSERT ON annotations
    WHEN EXISTS (SELECT 1 FROM annotations WHERE id = NEW.id)
      OR (NEW.suggestion_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM annotations WHERE annotator_id = NEW.annotator_id
                                                  AND suggestion_id = NEW.suggestion_id))
    BEGIN
        INSERT INTO summary_dirty (article_id)
            SELECT DISTINCT a.article_id FROM annotations a
            WHERE (a.id = NEW.id OR (a.annotator_id = NEW.annotator_id
                                     AND a.suggestion_id = NEW.suggestion_id))
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = a.article_id);
        INSERT INTO summary_dirty (article_id)
            SELECT NEW.article_id
            WHERE NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.article_id = NEW.article_id);
    END;
"""

#: Fills ``summary_links`` (migration 0012) for every article.
FILL_LINKS = """
    INSERT OR IGNORE INTO summary_links (annotator_id, article_id)
    SELECT x.annotator_id, s.article_id FROM annotations x
    JOIN suggestions s ON s.id = x.suggestion_id
    WHERE x.article_id <> s.article_id
"""
