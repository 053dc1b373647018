"""The speaker registry: counts per speaker, and curation written as before/after states.

Every curation action (rename, set type/gender/role, merge, split an alias off, delete) is
described by two :class:`RegistryState` values: the registry rows it touches and the
annotations and gold quotes that point at them, before and after. Writing a state is one
transaction with one change-log row, and writing the "before" state undoes the action, so
the ui's undo stack needs nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Speaker
from annotator.store.db import now_iso
from annotator.store.project import Project
from annotator.store.rows import speaker_from_row


@dataclass(frozen=True)
class SpeakerStats:
    """A registry entry with how often it is quoted.

    Attributes:
        speaker: the registry entry.
        quotes: accepted annotations (any annotator) and gold quotes naming it.
        articles: distinct articles those quotes are in.
    """

    speaker: Speaker
    quotes: int
    articles: int


@dataclass(frozen=True)
class RegistryState:
    """Registry rows and the quote rows pointing at them, as one action leaves them.

    Attributes:
        speakers: speaker id -> its row, or None when the action leaves no such speaker.
        annotations: annotation id -> speaker id (None: no canonical speaker).
        gold: gold quote id -> speaker id.
    """

    speakers: Mapping[int, Speaker | None] = field(default_factory=dict)
    annotations: Mapping[int, int | None] = field(default_factory=dict)
    gold: Mapping[int, int | None] = field(default_factory=dict)


def speaker_stats(project: Project) -> list[SpeakerStats]:
    """Every registry entry with its quote and article counts, most quoted first."""
    rows = project.db.query(
        """
        WITH q AS (
            SELECT speaker_id, article_id FROM annotations
             WHERE status = 'accepted' AND speaker_id IS NOT NULL
            UNION ALL
            SELECT speaker_id, article_id FROM gold_quotes WHERE speaker_id IS NOT NULL
        )
        SELECT s.*, count(q.speaker_id) AS n_quotes,
               count(DISTINCT q.article_id) AS n_articles
          FROM speakers s LEFT JOIN q ON q.speaker_id = s.id
         GROUP BY s.id
         ORDER BY n_quotes DESC, s.name COLLATE NOCASE
        """
    )
    return [
        SpeakerStats(speaker_from_row(r), int(r["n_quotes"]), int(r["n_articles"])) for r in rows
    ]


def get_speakers(project: Project, ids: Iterable[int]) -> dict[int, Speaker]:
    """The registry rows with these ids (missing ids are left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = project.db.query(f"SELECT * FROM speakers WHERE id IN ({marks})", wanted)
    return {int(r["id"]): speaker_from_row(r) for r in rows}


def references(project: Project, speaker_ids: Iterable[int]) -> RegistryState:
    """The annotations and gold quotes that point at these speakers (speakers included)."""
    ids = sorted(set(speaker_ids))
    speakers: dict[int, Speaker | None] = dict(get_speakers(project, ids))
    if not ids:
        return RegistryState(speakers)
    marks = ",".join("?" * len(ids))
    ann = {
        int(r[0]): int(r[1])
        for r in project.db.execute(
            f"SELECT id, speaker_id FROM annotations WHERE speaker_id IN ({marks})", ids
        )
    }
    gold = {
        int(r[0]): int(r[1])
        for r in project.db.execute(
            f"SELECT id, speaker_id FROM gold_quotes WHERE speaker_id IN ({marks})", ids
        )
    }
    return RegistryState(speakers, ann, gold)


def mention_texts(project: Project, speaker_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """The speaker mentions (``speaker_text``) of annotations and gold quotes of a speaker.

    Returns:
        (annotation id -> mention text, gold id -> mention text); rows without a mention
        are left out.
    """
    ann = {
        int(r[0]): str(r[1])
        for r in project.db.execute(
            "SELECT id, speaker_text FROM annotations "
            "WHERE speaker_id = ? AND speaker_text IS NOT NULL",
            [speaker_id],
        )
    }
    gold = {
        int(r[0]): str(r[1])
        for r in project.db.execute(
            "SELECT id, speaker_text FROM gold_quotes "
            "WHERE speaker_id = ? AND speaker_text IS NOT NULL",
            [speaker_id],
        )
    }
    return ann, gold


def next_speaker_id(project: Project) -> int:
    """An id no registry row uses yet (for a speaker an action is about to create)."""
    row = project.db.execute("SELECT coalesce(max(id), 0) + 1 FROM speakers").fetchone()
    return int(row[0])


def articles_by_speaker(project: Project) -> dict[int, set[int]]:
    """Speaker id -> the articles where any version of a quote names it."""
    out: dict[int, set[int]] = {}
    for sid, aid in project.db.execute(
        "SELECT DISTINCT speaker_id, article_id FROM annotations WHERE speaker_id IS NOT NULL "
        "UNION SELECT DISTINCT speaker_id, article_id FROM gold_quotes "
        "WHERE speaker_id IS NOT NULL"
    ):
        out.setdefault(int(sid), set()).add(int(aid))
    return out


def write_registry_state(
    project: Project, state: RegistryState, label: str, actor: str | None = None
) -> None:
    """Make the registry and the quote references what ``state`` says, in one action.

    Speakers present in ``state`` are inserted or updated (with their ids), references are
    set, then speakers mapped to None are deleted. The change-log row holds ``label`` and
    the whole state.

    Raises:
        StoreIntegrityError: a name is taken by a speaker outside the state, or a deleted
            speaker is still referenced by a row the state does not move.
        ReadOnlyProjectError, ProjectError: as :meth:`Project.action`.
    """
    payload: dict[str, Any] = {
        "label": label,
        "speakers": {
            str(k): (None if v is None else _speaker_payload(v)) for k, v in state.speakers.items()
        },
        "annotations": {str(k): v for k, v in state.annotations.items()},
        "gold": {str(k): v for k, v in state.gold.items()},
    }
    with project.action("curate", "speaker", payload=payload, actor=actor):
        db = project.db
        present = {k: v for k, v in state.speakers.items() if v is not None}
        # Free the names first, so a swap of names (undoing a split) never collides.
        for sid in present:
            db.execute("UPDATE speakers SET name = '\u0001' || id WHERE id = ?", [sid])
        for sid, sp in present.items():
            values = [
                sp.name,
                sp.kind,
                json.dumps(list(sp.aliases), ensure_ascii=False),
                sp.gender,
                int(sp.gender_guessed),
                sp.role,
            ]
            cur = db.execute(
                "UPDATE speakers SET name = ?, kind = ?, aliases = ?, gender = ?, "
                "gender_guessed = ?, role = ? WHERE id = ?",
                [*values, sid],
            )
            if cur.rowcount == 0:
                db.execute(
                    "INSERT INTO speakers (id, name, kind, aliases, gender, gender_guessed, "
                    "role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [sid, *values, now_iso()],
                )
        db.conn.executemany(
            "UPDATE annotations SET speaker_id = ? WHERE id = ?",
            [(v, k) for k, v in state.annotations.items()],
        )
        db.conn.executemany(
            "UPDATE gold_quotes SET speaker_id = ? WHERE id = ?",
            [(v, k) for k, v in state.gold.items()],
        )
        # the quotes of these speakers now show another name or speaker: a later time on
        # them lets a window open on their article see it (queries.article_stamp), as it
        # sees any other change made elsewhere, and read them again before an edit
        when = now_iso()
        sids = list(state.speakers)
        for k in range(0, len(sids), 500):
            part = sids[k : k + 500]
            db.execute(
                f"UPDATE annotations SET updated_at = ? WHERE speaker_id IN"
                f" ({', '.join('?' for _ in part)})",
                [when, *part],
            )
        db.conn.executemany(
            "UPDATE annotations SET updated_at = ? WHERE id = ?",
            [(when, k) for k in state.annotations],
        )
        for sid, gone in state.speakers.items():
            if gone is None:
                db.execute("DELETE FROM speakers WHERE id = ?", [sid])


def set_guessed_gender(project: Project, speaker_id: int, gender: str) -> None:
    """Record a guessed gender for a speaker whose gender nobody has set (logged)."""
    with project.action("guess_gender", "speaker", speaker_id, {"gender": gender}):
        project.db.execute(
            "UPDATE speakers SET gender = ?, gender_guessed = 1 "
            "WHERE id = ? AND gender = 'unknown'",
            [gender, speaker_id],
        )


def _speaker_payload(sp: Speaker) -> dict[str, Any]:
    return {
        "name": sp.name,
        "kind": sp.kind,
        "aliases": list(sp.aliases),
        "gender": sp.gender,
        "gender_guessed": sp.gender_guessed,
        "role": sp.role,
    }
