"""Curating the speaker registry: undoable rename, edit, merge, split and delete.

Each ``plan_*`` function reads what the action touches and returns a :class:`RegistryOp`;
``op.apply(project)`` writes it in one transaction (with its change-log row) and returns
the op that undoes it, the same protocol as the annotation ops (:mod:`annotator.services.ops`),
so the window's one undo command serves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator.core.errors import AnnotatorError
from annotator.core.model import Speaker
from annotator.core.speakers import MergeSuggestion, fold, guess_gender, merge_suggestions
from annotator.core.wording import count_noun
from annotator.store.db import StoreIntegrityError
from annotator.store.project import Project
from annotator.store.schema import GENDERS, SPEAKER_KINDS
from annotator.store.speakers import (
    RegistryState,
    SpeakerStats,
    articles_by_speaker,
    get_speakers,
    mention_texts,
    next_speaker_id,
    references,
    set_guessed_gender,
    speaker_stats,
    write_registry_state,
)

__all__ = [
    "RegistryOp",
    "SpeakerStats",
    "fill_gender_guesses",
    "plan_delete",
    "plan_edit",
    "plan_merge",
    "plan_rename",
    "plan_split_alias",
    "speaker_stats",
    "suggest_merges",
]


@dataclass(frozen=True)
class RegistryOp:
    """Turn the registry rows and references in ``before`` into ``after``."""

    label: str
    before: RegistryState
    after: RegistryState
    actor: str | None = None

    def apply(self, project: Project) -> RegistryOp:
        """Write ``after``; return the op that restores ``before``.

        Raises:
            AnnotatorError: a name is already taken by another speaker.
        """
        try:
            write_registry_state(project, self.after, self.label, self.actor)
        except StoreIntegrityError as exc:
            raise AnnotatorError(f"{self.label}: {exc}") from None
        return RegistryOp(self.label, self.after, self.before, self.actor)


def _one(project: Project, speaker_id: int) -> Speaker:
    found = get_speakers(project, [speaker_id]).get(speaker_id)
    if found is None:
        raise AnnotatorError(f"no speaker with id {speaker_id}")
    return found


def plan_rename(
    project: Project, speaker_id: int, name: str, actor: str | None = None
) -> RegistryOp:
    """Rename a speaker; the old name becomes an alias.

    Raises:
        AnnotatorError: the name is empty or belongs to another speaker (merge instead).
    """
    name = " ".join(name.split())
    if not name:
        raise AnnotatorError("a speaker needs a name")
    sp = _one(project, speaker_id)
    other = project.find_speaker(name)
    if other is not None and other.id != speaker_id:
        raise AnnotatorError(f"“{other.name}” is already a speaker: merge the two instead")
    aliases = [a for a in sp.aliases if fold(a) != fold(name)]
    if fold(sp.name) != fold(name):
        aliases.append(sp.name)
    after = replace(sp, name=name, aliases=tuple(aliases))
    return RegistryOp(
        f"Rename “{sp.name}” to “{name}”",
        RegistryState({sp.id: sp}),
        RegistryState({sp.id: after}),
        actor,
    )


def plan_edit(
    project: Project,
    speaker_id: int,
    *,
    kind: str | None = None,
    gender: str | None = None,
    role: str | None = None,
    actor: str | None = None,
) -> RegistryOp:
    """Set a speaker's type, gender (as confirmed by the analyst) or role.

    Raises:
        AnnotatorError: an unknown type or gender.
    """
    sp = _one(project, speaker_id)
    if kind is not None and kind not in SPEAKER_KINDS:
        raise AnnotatorError(f"type must be one of {', '.join(SPEAKER_KINDS)}, not {kind!r}")
    if gender is not None and gender not in GENDERS:
        raise AnnotatorError(f"gender must be one of {', '.join(GENDERS)}, not {gender!r}")
    after = replace(
        sp,
        kind=sp.kind if kind is None else kind,
        gender=sp.gender if gender is None else gender,
        gender_guessed=sp.gender_guessed if gender is None else False,
        role=sp.role if role is None else (role.strip() or None),
    )
    return RegistryOp(
        f"Edit “{sp.name}”", RegistryState({sp.id: sp}), RegistryState({sp.id: after}), actor
    )


def plan_merge(
    project: Project, keep_id: int, other_ids: Sequence[int], actor: str | None = None
) -> RegistryOp:
    """Merge speakers into ``keep_id``: their quotes move to it, their names become aliases.

    A gender or role the kept speaker lacks is taken from the merged ones (a confirmed
    gender before a guessed one).

    Raises:
        AnnotatorError: an id is unknown, or nothing to merge.
    """
    others = [i for i in dict.fromkeys(other_ids) if i != keep_id]
    if not others:
        raise AnnotatorError("choose at least two speakers to merge")
    before = references(project, [keep_id, *others])
    keep = before.speakers.get(keep_id)
    if keep is None or any(before.speakers.get(i) is None for i in others):
        raise AnnotatorError("a speaker to merge no longer exists")
    merged = [before.speakers[i] for i in others]
    aliases = list(keep.aliases)
    known = {fold(keep.name), *(fold(a) for a in aliases)}
    for sp in merged:
        assert sp is not None
        for alias in (sp.name, *sp.aliases):
            if fold(alias) not in known:
                known.add(fold(alias))
                aliases.append(alias)
    gender, guessed = keep.gender, keep.gender_guessed
    for sp in merged:
        assert sp is not None
        if sp.gender != "unknown" and (gender == "unknown" or (guessed and not sp.gender_guessed)):
            gender, guessed = sp.gender, sp.gender_guessed
    role = keep.role or next((sp.role for sp in merged if sp is not None and sp.role), None)
    kind = keep.kind
    if kind == "unknown":
        kind = next((sp.kind for sp in merged if sp is not None and sp.kind != "unknown"), kind)
    after_keep = replace(
        keep, aliases=tuple(aliases), gender=gender, gender_guessed=guessed, role=role, kind=kind
    )
    speakers: dict[int, Speaker | None] = {keep_id: after_keep, **{i: None for i in others}}
    after = RegistryState(
        speakers,
        {a: keep_id for a in before.annotations},
        {g: keep_id for g in before.gold},
    )
    names = ", ".join(f"“{sp.name}”" for sp in merged if sp is not None)
    return RegistryOp(f"Merge {names} into “{keep.name}”", before, after, actor)


def plan_split_alias(
    project: Project, speaker_id: int, alias: str, actor: str | None = None
) -> RegistryOp:
    """Make an alias a speaker of its own; quotes whose mention is that alias go with it.

    Raises:
        AnnotatorError: the speaker has no such alias, or the alias is another speaker's name.
    """
    sp = _one(project, speaker_id)
    match = next((a for a in sp.aliases if fold(a) == fold(alias)), None)
    if match is None:
        raise AnnotatorError(f"“{sp.name}” has no alias “{alias}”")
    other = project.find_speaker(match)
    if other is not None and other.id != sp.id:
        raise AnnotatorError(f"“{match}” is already a speaker")
    new_id = next_speaker_id(project)
    ann_mentions, gold_mentions = mention_texts(project, sp.id)
    moved_ann = {a: sp.id for a, text in ann_mentions.items() if fold(text) == fold(match)}
    moved_gold = {g: sp.id for g, text in gold_mentions.items() if fold(text) == fold(match)}
    new = Speaker(
        id=new_id,
        name=match,
        kind=sp.kind,
        gender=sp.gender,
        gender_guessed=sp.gender_guessed,
        role=None,
    )
    kept = replace(sp, aliases=tuple(a for a in sp.aliases if a != match))
    before = RegistryState({sp.id: sp, new_id: None}, moved_ann, moved_gold)
    after = RegistryState(
        {sp.id: kept, new_id: new},
        {a: new_id for a in moved_ann},
        {g: new_id for g in moved_gold},
    )
    return RegistryOp(f"Split “{match}” off “{sp.name}”", before, after, actor)


def plan_delete(project: Project, speaker_id: int, actor: str | None = None) -> RegistryOp:
    """Delete a speaker no quote names.

    Raises:
        AnnotatorError: quotes still name it (merge it into another speaker instead).
    """
    before = references(project, [speaker_id])
    sp = before.speakers.get(speaker_id)
    if sp is None:
        raise AnnotatorError(f"no speaker with id {speaker_id}")
    used = len(before.annotations) + len(before.gold)
    if used:
        raise AnnotatorError(
            f"“{sp.name}” is the speaker of {count_noun(used, 'quote')}"
            f": merge it into another speaker "
            "instead of deleting it"
        )
    return RegistryOp(f"Delete “{sp.name}”", before, RegistryState({speaker_id: None}), actor)


def suggest_merges(project: Project) -> list[MergeSuggestion]:
    """Probable duplicates in the registry (rules: ``core.speakers.merge_suggestions``)."""
    return merge_suggestions(project.speakers(), articles_by_speaker(project))


def fill_gender_guesses(project: Project) -> int:
    """Guess the gender of people whose gender nobody set; return how many were filled.

    Organisations and groups are left alone; a guess is stored as guessed, never as set.
    """
    filled = 0
    for sp in project.speakers():
        if sp.gender != "unknown" or sp.kind in ("organisation", "group"):
            continue
        guess = guess_gender(sp.name, sp.role)
        if guess != "unknown":
            set_guessed_gender(project, sp.id, guess)
            filled += 1
    return filled
