"""The registry pre-fills a new speaker's type from the name's words (core.speakers.guess_kind):
people by honorific, first name or title, organisations by their head word, groups by a plural
noun of people; anything else stays unknown for the analyst."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.speakers import guess_gender, guess_kind
from annotator.store.project import Project


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Lee In-young", "unknown"),  # no honorific, a first name the list may not know
        ("Ms Adeyemi", "person"),
        ("Sir Keir Starmer", "person"),
        ("Helen Brandt", "person"),
        ("Councillor Marcus Obi", "person"),
        ("Minister Lee", "person"),
        ("South Korean Unification Ministry", "organisation"),
        ("Ministry of Defence", "organisation"),
        ("Department of Justice", "organisation"),
        ("New York Post", "organisation"),
        ("Pakistan Point News", "organisation"),
        ("the city council", "organisation"),
        ("local officials", "group"),
        ("Residents", "group"),
        ("Democrats", "group"),
        ("the minister", "unknown"),
        ("Kulik", "unknown"),
        ("", "unknown"),
    ],
)
def test_kind_from_the_name(name: str, kind: str) -> None:
    guessed = guess_kind(name, guess_gender(name))
    if name == "Lee In-young":  # depends on the first-name list: person or unknown, never else
        assert guessed in ("person", "unknown")
    else:
        assert guessed == kind


def test_a_new_registry_entry_gets_the_guessed_type_and_an_analyst_type_wins(
    tmp_path: Path,
) -> None:
    with Project.open(tmp_path / "p.db") as p:
        people = p.speaker_id("Ms Adeyemi")
        ministry = p.speaker_id("Unification Ministry")
        officials = p.speaker_id("local officials")
        unknown = p.speaker_id("Kulik")
        chosen = p.speaker_id("Harbour Board", kind="person")  # given by the caller: kept
        kinds = {sp.id: sp.kind for sp in p.speakers()}
    assert kinds[people] == "person"
    assert kinds[ministry] == "organisation"
    assert kinds[officials] == "group"
    assert kinds[unknown] == "unknown"
    assert kinds[chosen] == "person"
