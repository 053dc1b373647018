"""The speaker registry: curation actions, their undo, suggestions, gender guesses, migration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from annotator.core.errors import AnnotatorError
from annotator.core.model import Article, Quote
from annotator.core.speakers import fold, guess_gender, merge_suggestions, name_tokens
from annotator.services.agreement import compute_agreement
from annotator.services.speakers import (
    fill_gender_guesses,
    plan_delete,
    plan_edit,
    plan_merge,
    plan_rename,
    plan_split_alias,
    speaker_stats,
    suggest_merges,
)
from annotator.store.project import Project
from annotator.store.schema import migrations

TEXT = (
    "Councillor Marcus Obi spoke first. “The bridge is safe,” Obi said. "
    "“Tolls must go,” said Marcus Obi. Judge Helen Brandt disagreed."
)
#      0         1         2         3         4         5         6
#      0123456789012345678901234567890123456789012345678901234567890123456789


def _q(a: int, b: int, who: str, name: str | None, mention: str | None = None) -> Quote:
    return Quote(
        content_spans=((a, b),),
        speaker_text=mention,
        speaker_name=name,
        annotator=who,
        status="accepted",
        origin="manual",
        kind="direct",
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    aid, _ = p.add_article(Article("Bridge", TEXT))
    first = TEXT.index("The bridge")
    second = TEXT.index("Tolls")
    # alice names the short form, bob the full name: two registry entries for one man
    p.add_annotation(aid, "alice", _q(first, first + 16, "alice", "Obi", "Obi"))
    p.add_annotation(aid, "alice", _q(second, second + 14, "alice", "Marcus Obi", "Marcus Obi"))
    p.add_annotation(aid, "bob", _q(first, first + 16, "bob", "Marcus Obi", "Obi"))
    p.add_annotation(aid, "bob", _q(second, second + 14, "bob", "Marcus Obi", "Marcus Obi"))
    yield p
    p.close()


def _speaker_names(p: Project) -> dict[str, int]:
    return {st.speaker.name: st.quotes for st in speaker_stats(p)}


def _ids(p: Project) -> dict[str, int]:
    return {sp.name: sp.id for sp in p.speakers()}


def test_merge_moves_quotes_keeps_aliases_and_undo_restores(project: Project) -> None:
    ids = _ids(project)
    before_rows = project.db.execute(
        "SELECT id, speaker_id FROM annotations ORDER BY id"
    ).fetchall()
    canonical_before = compute_agreement(project, ["alice", "bob"]).pairs[0]
    op = plan_merge(project, ids["Marcus Obi"], [ids["Obi"]], actor="me")
    undo = op.apply(project)
    assert _speaker_names(project) == {"Marcus Obi": 4}
    merged = project.find_speaker("Marcus Obi")
    assert merged is not None and "Obi" in merged.aliases
    # the alias finds the merged speaker
    assert project.find_speaker("obi") == merged
    after = compute_agreement(project, ["alice", "bob"]).pairs[0]
    assert canonical_before.speaker_agreement_canonical == pytest.approx(0.5)
    assert after.speaker_agreement_canonical == pytest.approx(1.0)
    # one change-log row for the merge, naming it
    row = project.db.execute(
        "SELECT action, entity, actor, json_extract(payload, '$.label') FROM changelog "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row[:3] == ("curate", "speaker", "me") and "Merge" in row[3]
    redo = undo.apply(project)
    assert _speaker_names(project) == {"Marcus Obi": 3, "Obi": 1}
    assert (
        project.db.execute("SELECT id, speaker_id FROM annotations ORDER BY id").fetchall()
        == before_rows
    )
    assert compute_agreement(project, ["alice", "bob"]).pairs[0].speaker_agreement_canonical == (
        pytest.approx(0.5)
    )
    redo.apply(project)
    assert _speaker_names(project) == {"Marcus Obi": 4}


def test_rename_keeps_old_name_as_alias_and_refuses_a_taken_name(project: Project) -> None:
    ids = _ids(project)
    undo = plan_rename(project, ids["Marcus Obi"], "Marcus  Obi Jr").apply(project)
    sp = project.find_speaker("Marcus Obi Jr")
    assert sp is not None and sp.aliases == ("Marcus Obi",)
    with pytest.raises(AnnotatorError, match="already a speaker"):
        plan_rename(project, ids["Obi"], "marcus obi jr")
    with pytest.raises(AnnotatorError, match="needs a name"):
        plan_rename(project, ids["Obi"], "   ")
    undo.apply(project)
    assert project.find_speaker("Marcus Obi") is not None
    assert project.find_speaker("Marcus Obi").aliases == ()  # type: ignore[union-attr]


def test_split_alias_takes_the_quotes_whose_mention_is_the_alias(project: Project) -> None:
    ids = _ids(project)
    plan_merge(project, ids["Marcus Obi"], [ids["Obi"]]).apply(project)
    undo = plan_split_alias(project, ids["Marcus Obi"], "OBI").apply(project)
    names = _speaker_names(project)
    # two quotes had the mention "Obi" (alice's and bob's first quote)
    assert names == {"Marcus Obi": 2, "Obi": 2}
    assert project.find_speaker("Marcus Obi").aliases == ()  # type: ignore[union-attr]
    undo.apply(project)
    assert _speaker_names(project) == {"Marcus Obi": 4}
    with pytest.raises(AnnotatorError, match="no alias"):
        plan_split_alias(project, ids["Marcus Obi"], "Helen")


def test_delete_only_unused_speakers(project: Project) -> None:
    ids = _ids(project)
    with pytest.raises(AnnotatorError, match="speaker of 1 quote"):
        plan_delete(project, ids["Obi"])
    lone = project.speaker_id("Helen Brandt", kind="person")
    assert lone is not None
    undo = plan_delete(project, lone).apply(project)
    assert project.find_speaker("Helen Brandt") is None
    undo.apply(project)
    back = project.find_speaker("Helen Brandt")
    assert back is not None and back.id == lone and back.kind == "person"


def test_edit_sets_confirmed_gender_type_and_role(project: Project) -> None:
    ids = _ids(project)
    sp = project.find_speaker("Marcus Obi")
    assert sp is not None and sp.gender == "male" and sp.gender_guessed
    undo = plan_edit(project, ids["Marcus Obi"], gender="other", kind="person", role="Councillor")
    undo.apply(project)
    sp = project.find_speaker("Marcus Obi")
    assert sp is not None
    assert (sp.gender, sp.gender_guessed, sp.kind, sp.role) == (
        "other",
        False,
        "person",
        "Councillor",
    )
    with pytest.raises(AnnotatorError, match="gender must be"):
        plan_edit(project, ids["Obi"], gender="robot")
    with pytest.raises(AnnotatorError, match="type must be"):
        plan_edit(project, ids["Obi"], kind="planet")


def test_merge_suggestions_kinds() -> None:
    from annotator.core.model import Speaker

    regs = [
        Speaker(1, "Lee In-young", "person"),
        Speaker(2, "Lee", "person"),
        Speaker(3, "New York Post", "organisation"),
        Speaker(4, "Post", "unknown"),
        Speaker(5, "Ángela Núñez", "person"),
        Speaker(6, "angela nunez", "person"),
        Speaker(7, "Marcus Obi", "person"),
        Speaker(8, "Grace Obi", "person"),
        Speaker(9, "Obi", "person"),
        Speaker(10, "Post Office Workers Union", "organisation"),
    ]
    got = {(s.keep, s.other) for s in merge_suggestions(regs, {7: {1}, 9: {1}, 8: {2}})}
    assert (1, 2) in got  # word subset, unique fuller name
    assert (5, 6) in got  # case and accents
    assert (7, 9) in got  # "Obi" is ambiguous project-wide but not in article 1
    assert (8, 9) not in got  # Grace Obi is never quoted with "Obi"
    # "Post" is in two fuller names: no project-wide suggestion
    assert (3, 4) not in got and (10, 4) not in got
    # without article co-occurrence the ambiguous surname gives nothing
    assert not {(7, 9), (8, 9)} & {(s.keep, s.other) for s in merge_suggestions(regs)}


def test_suggest_merges_on_a_project(project: Project) -> None:
    ids = _ids(project)
    got = [(s.keep, s.other) for s in suggest_merges(project)]
    assert got == [(ids["Marcus Obi"], ids["Obi"])]


@pytest.mark.parametrize(
    "name,role,expected",
    [
        ("Helen Brandt", None, "female"),
        ("Victor Osei", None, "male"),
        ("Ms Adeyemi", None, "female"),
        ("Mr. Clarke", None, "male"),
        ("Sir Keir Starmer", None, "male"),
        ("Adeyemi", "Mrs", "female"),
        ("Kulik", None, "unknown"),
        ("Unification Ministry", None, "unknown"),
    ],
)
def test_gender_guesses(name: str, role: str | None, expected: str) -> None:
    assert guess_gender(name, role) == expected


def test_fill_gender_guesses_leaves_set_genders_and_organisations(project: Project) -> None:
    org = project.speaker_id("Helen Foundation", kind="organisation")
    project.db.execute("UPDATE speakers SET gender = 'unknown', gender_guessed = 0")
    ids = _ids(project)
    plan_edit(project, ids["Obi"], gender="female").apply(project)
    assert fill_gender_guesses(project) == 1  # Marcus Obi only
    sp = {s.name: s for s in project.speakers()}
    assert (sp["Marcus Obi"].gender, sp["Marcus Obi"].gender_guessed) == ("male", True)
    assert (sp["Obi"].gender, sp["Obi"].gender_guessed) == ("female", False)
    assert sp["Helen Foundation"].gender == "unknown" and org is not None


def test_name_keys() -> None:
    assert fold("Ángela  MERKEL") == "angela merkel"
    assert name_tokens("Mr. Lee In-young") == ("lee", "in-young")
    assert name_tokens("Councillor Marcus Obi") == ("marcus", "obi")


def test_migration_from_schema_3_keeps_speakers_and_references(tmp_path: Path) -> None:
    """A project written before the registry fields opens with its speakers and links."""
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0004_speaker_registry")
    db.execute(
        "INSERT INTO articles (id, title, text, meta, content_hash, imported_at) "
        "VALUES (1, 'Bridge', ?, '{}', 'h1', '2024-01-01')",
        [TEXT],
    )
    db.execute("INSERT INTO annotators (id, name, created_at) VALUES (1, 'alice', 'x')")
    db.execute(
        "INSERT INTO speakers (id, name, kind, aliases, created_at) "
        "VALUES (7, 'Marcus Obi', 'person', '[\"Obi\"]', 'x')"
    )
    db.execute(
        "INSERT INTO annotations (article_id, annotator_id, content_spans, kind, speaker_id, "
        "status, origin, created_at, updated_at) "
        "VALUES (1, 1, '[[35, 51]]', 'direct', 7, 'accepted', 'manual', 'x', 'x')"
    )
    db.conn.commit()
    db.close()
    p = Project.open(path)
    try:
        sp = p.find_speaker("Obi")
        assert sp is not None and sp.id == 7 and sp.name == "Marcus Obi"
        assert (sp.kind, sp.gender, sp.gender_guessed, sp.role) == (
            "person",
            "unknown",
            False,
            None,
        )
        assert p.db.execute("SELECT speaker_id FROM annotations").fetchone()[0] == 7
        assert p.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert p.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # the new type is accepted now, and the old speaker still counts its quote
        assert p.speaker_id("The protesters", kind="group") is not None
        assert {st.speaker.name: st.quotes for st in speaker_stats(p)}["Marcus Obi"] == 1
    finally:
        p.close()
    assert len(list(tmp_path.glob("old.db.v3-*.bak"))) == 1
    # and the upgraded file passes the schema check on the next open
    Project.open(path).close()


@pytest.fixture
def fresh_first_names(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The first-name list not parsed yet (a new _FirstNames for this test)."""
    from annotator.core import speakers as core_speakers

    monkeypatch.setattr(core_speakers, "_FIRST_NAMES", core_speakers._FirstNames())
    return core_speakers


def _library_names() -> dict[str, Any]:
    import gender_guesser.detector as gd  # type: ignore[import-untyped]

    return dict(gd.Detector(case_sensitive=False).names)


def test_the_first_name_list_is_parsed_once_whichever_thread_asks(
    fresh_first_names: Any,
) -> None:
    """Threads warming the list up and a guess made meanwhile share one parse."""
    import threading

    threads = [threading.Thread(target=fresh_first_names.warm_up) for _ in range(4)]
    for t in threads:
        t.start()
    assert guess_gender("Helen Brandt") == "female"
    for t in threads:
        t.join()
    state = fresh_first_names._FIRST_NAMES
    with open(state.detector.source, encoding="utf-8") as fh:
        assert state.parsed == len(fh.read().splitlines())


@pytest.mark.parametrize("lines", [1, 97, 250, 5000])
def test_the_list_parsed_in_slices_is_the_librarys_list(fresh_first_names: Any, lines: int) -> None:
    """The window parses the list a slice at a time on its own thread: the names and
    genders are exactly those of the library's own parse, and each slice is that size."""
    steps = 0
    while not fresh_first_names.warm_up_step(lines):
        steps += 1
        assert fresh_first_names._FIRST_NAMES.parsed == steps * lines
    assert fresh_first_names._FIRST_NAMES.detector.names == _library_names()
    assert fresh_first_names.warm_up_step(lines)  # nothing left: done at once
    assert guess_gender("Helen Brandt") == "female"
    assert guess_gender("Tom Lee") == "male"


def test_a_guess_during_the_warm_up_parses_the_rest_once(fresh_first_names: Any) -> None:
    assert not fresh_first_names.warm_up_step(300)
    assert guess_gender("Maria Lopez") == "female"  # finishes the list here
    state = fresh_first_names._FIRST_NAMES
    parsed = state.parsed
    assert fresh_first_names.warm_up_step(300)
    assert state.parsed == parsed
    assert state.detector.names == _library_names()
