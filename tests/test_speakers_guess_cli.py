"""``annotator speakers --guess-genders`` says how many were guessed now and before."""

from __future__ import annotations

from pathlib import Path

from annotator.store.project import Project
from tests.conftest import CliRunner


def test_guess_genders_names_the_guesses_made_at_import(tmp_path: Path, run_cli: CliRunner) -> None:
    db = tmp_path / "p.db"
    with Project.open(db) as project:
        project.speaker_id("Mary Kowalski", kind="person")  # guessed when it was created
        project.speaker_id("Port Authority", kind="organisation")
        guessed = [sp.name for sp in project.speakers() if sp.gender_guessed]
    assert guessed == ["Mary Kowalski"]
    r = run_cli("speakers", str(db), "--guess-genders", check=True)
    assert "guessed the gender of 0 speakers; 1 speaker already had one" in r.stderr
