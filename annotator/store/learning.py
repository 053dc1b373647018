"""The store side of learning from the analysts (issue 13): which articles nobody has decided
yet, how unsure the detector is about each, and replacing their open suggestions.

An article is *undecided* when no annotator has accepted or rejected a quote in it, no
reviewer has written a gold quote for it, and nobody has marked it done (done with no
quote is a decision too: "nothing to quote here"). A suggestion is *open* when no
annotation (of any annotator, any status) points at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.model import Quote, encode_spans
from annotator.store.db import now_iso
from annotator.store.project import Project
from annotator.store.rows import INSERT_SUGGESTION, suggestion_values

#: A confidence this close to 0.5 (or closer) counts as "near 0.5" in the explanations.
NEAR_HALF = 0.15

_UNDECIDED = """
    NOT EXISTS (SELECT 1 FROM annotations d WHERE d.article_id = {a}
                AND d.status IN ('accepted', 'rejected'))
    AND NOT EXISTS (SELECT 1 FROM gold_quotes g WHERE g.article_id = {a})
    AND NOT EXISTS (SELECT 1 FROM article_progress p WHERE p.article_id = {a}
                    AND p.status = 'done')
"""


@dataclass(frozen=True)
class ArticleDoubt:
    """How unsure the detector is about one undecided article's open suggestions.

    ``doubt``: the sum over its open suggestions (newest detector run, confidence known) of
    ``min(c, 1 - c)``; ``suggestions``: how many there are; ``near_half``: how many have a
    confidence within :data:`NEAR_HALF` of 0.5; ``least``: the confidence closest to 0.5.
    """

    article_id: int
    title: str
    doubt: float
    suggestions: int
    near_half: int
    least: float


@dataclass(frozen=True)
class Replaced:
    """What :func:`replace_open_suggestions` did to one article: open suggestions removed,
    new ones added (their ids), and suggestions kept because an annotation points at them."""

    removed: int
    added: list[int]
    kept: int


def undecided_article_ids(project: Project) -> list[int]:
    """Ids of the undecided articles (see the module doc), in id order. Reads every
    article once with index probes (annotations, gold quotes, progress by article)."""
    sql = "SELECT a.id FROM articles a WHERE " + _UNDECIDED.format(a="a.id") + " ORDER BY a.id"
    return [int(r[0]) for r in project.db.execute(sql)]


def most_doubtful(
    project: Project, exclude: int | None = None, limit: int = 1
) -> list[ArticleDoubt]:
    """The undecided articles whose open suggestions the detector is least sure of, most
    doubtful first (ties: lower id first); at most ``limit``; article ``exclude`` left out.

    With a calibrated confidence c, ``min(c, 1 - c)`` is the chance that taking the
    suggestion at its more likely answer is wrong, so ``doubt`` is the expected number of
    the detector's mistakes the analyst corrects there: uncertainty sampling (Lewis and
    Gale, "A sequential algorithm for training text classifiers", SIGIR 1994). Only the
    article's newest detector run counts (what the window shows). One pass over the
    suggestions with index probes; run it off the GUI thread on a large project.
    """
    # undecided articles first (index probes per article), then each one's newest run
    # (one index search), then that run's open suggestions: about 4x faster than probing
    # per suggestion row
    sql = (
        "WITH und AS (SELECT a.id AS id, a.title AS title FROM articles a WHERE "
        + _UNDECIDED.format(a="a.id")
        + " AND a.id IS NOT ?),"
        " ver AS (SELECT und.id AS article_id, und.title AS title,"
        "  (SELECT s2.detector_version FROM suggestions s2 WHERE s2.article_id = und.id"
        "   ORDER BY s2.id DESC LIMIT 1) AS version FROM und)"
        " SELECT ver.article_id, ver.title, sum(min(s.confidence, 1 - s.confidence)) AS doubt,"
        " count(*), sum(abs(s.confidence - 0.5) <= ?), min(abs(s.confidence - 0.5))"
        " FROM ver JOIN suggestions s"
        "  ON s.article_id = ver.article_id AND s.detector_version = ver.version"
        " WHERE s.confidence IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM annotations o WHERE o.suggestion_id = s.id)"
        " GROUP BY ver.article_id ORDER BY doubt DESC, ver.article_id LIMIT ?"
    )
    rows = project.db.execute(sql, [exclude, NEAR_HALF + 1e-9, limit])
    return [
        ArticleDoubt(int(aid), str(title), float(doubt), int(n), int(near), 0.5 - float(gap))
        for aid, title, doubt, n, near, gap in rows
    ]


@dataclass(frozen=True)
class ModelDoubt:
    """A trained model's uncertainty about one undecided article (0..0.5: the mean over
    its tokens of ``min(p, 1 - p)``), as measured at its latest re-detection."""

    article_id: int
    title: str
    uncertainty: float
    detector_version: str


def most_uncertain(
    project: Project, exclude: int | None = None, limit: int = 1
) -> list[ModelDoubt]:
    """The undecided articles a trained model was least sure about when it last re-detected
    them, most uncertain first (ties: lower id); article ``exclude`` left out. Walks the
    ``article_uncertainty_rank`` index from the top and stops at ``limit`` undecided ones."""
    sql = (
        "SELECT u.article_id, a.title, u.uncertainty, u.detector_version"
        " FROM article_uncertainty u JOIN articles a ON a.id = u.article_id"
        " WHERE u.article_id IS NOT ? AND "
        + _UNDECIDED.format(a="u.article_id")
        + " ORDER BY u.uncertainty DESC, u.article_id LIMIT ?"
    )
    return [
        ModelDoubt(int(aid), str(title), float(unc), str(version))
        for aid, title, unc, version in project.db.execute(sql, [exclude, limit])
    ]


def replace_open_suggestions(
    project: Project,
    article_id: int,
    detector_version: str,
    quotes: Sequence[Quote],
    also_ran: Sequence[str] = (),
    uncertainty: float | None = None,
) -> Replaced:
    """Replace the article's open suggestions (every detector version) by ``quotes``.

    Suggestions an annotation points at stay, and so do all annotations; a new quote whose
    content spans equal a kept suggestion's or an annotation's is not added again. The
    run is recorded in ``detections`` for ``detector_version`` and each of ``also_ran``,
    and the article's ``uncertainty`` (a trained model's figure, 0..0.5; None: the
    detector gave none) replaces the one stored from an earlier run. One transaction with
    its change-log row (``redetect``). Raises what :meth:`Project.action` raises
    (read-only or busy project: nothing changes).
    """
    with project.action("redetect", "article", article_id, {"version": detector_version}) as ch:
        db = project.db
        kept_spans = {
            str(r[0])
            for r in db.execute(
                "SELECT content_spans FROM suggestions s WHERE s.article_id = ? AND EXISTS"
                " (SELECT 1 FROM annotations a WHERE a.suggestion_id = s.id)"
                " UNION SELECT content_spans FROM annotations WHERE article_id = ?",
                [article_id, article_id],
            )
        }
        kept = db.execute(
            "SELECT count(*) FROM suggestions s WHERE s.article_id = ? AND EXISTS"
            " (SELECT 1 FROM annotations a WHERE a.suggestion_id = s.id)",
            [article_id],
        ).fetchone()[0]
        removed = db.execute(
            "DELETE FROM suggestions WHERE article_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM annotations a WHERE a.suggestion_id = suggestions.id)",
            [article_id],
        ).rowcount
        now = now_iso()
        added: list[int] = []
        for q in quotes:
            spans = encode_spans(q.content_spans)
            if spans in kept_spans:
                continue
            kept_spans.add(spans)
            values = [article_id, detector_version, *suggestion_values(q), now]
            cur = db.execute(INSERT_SUGGESTION, values)
            added.append(int(cur.lastrowid or 0))
        for version in dict.fromkeys([detector_version, *also_ran]):
            db.execute(
                "INSERT INTO detections (article_id, detector_version, detected_at)"
                " VALUES (?, ?, ?) ON CONFLICT(article_id, detector_version)"
                " DO UPDATE SET detected_at = excluded.detected_at",
                [article_id, version, now],
            )
        db.execute("DELETE FROM article_uncertainty WHERE article_id = ?", [article_id])
        if uncertainty is not None:
            db.execute(
                "INSERT INTO article_uncertainty (article_id, detector_version, uncertainty,"
                " measured_at) VALUES (?, ?, ?, ?)",
                [article_id, detector_version, min(0.5, max(0.0, float(uncertainty))), now],
            )
        ch.payload.update(removed=removed, added=len(added), kept=int(kept))
    return Replaced(int(removed), added, int(kept))


def record_detections(project: Project, article_ids: Sequence[int], detector_version: str) -> None:
    """Record that ``detector_version`` has run on ``article_ids`` (now), in one
    transaction; the suggestions stay as they are."""
    now = now_iso()
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO detections (article_id, detector_version, detected_at)"
            " VALUES (?, ?, ?) ON CONFLICT(article_id, detector_version)"
            " DO UPDATE SET detected_at = excluded.detected_at",
            [(i, detector_version, now) for i in article_ids],
        )
