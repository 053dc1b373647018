"""Detection over a project follows the project's quote-boundary setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.services.detection import detect_articles, registry_genders
from annotator.store.project import Project
from annotator.store.speakers import set_guessed_gender

TEXT = "“The ferry is cancelled,” said skipper Tom Reed, “until Monday.”"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, ["The ferry is cancelled", "until Monday."]),
        (False, ["The ferry is cancelled", "until Monday."]),
        (True, ["“The ferry is cancelled,”", "“until Monday.”"]),
    ],
)
def test_stored_suggestions_follow_the_setting(
    tmp_path: Path, setting: bool | None, expected: list[str]
) -> None:
    with Project.open(tmp_path / "p.db") as project:
        if setting is not None:
            project.set_setting("quote_marks_inside", setting)
        aid, _ = project.add_article(Article("Ferry", TEXT, {}))
        assert detect_articles(project, rules_only_pipeline(), [aid]) == 1
        (quote,) = project.suggestions(aid)
        assert [TEXT[a:b] for a, b in quote.quote.content_spans] == expected


# --- the registry's gender, set by the analyst, reaches pronoun resolution (issue 11) --

GENDER_TEXT = (
    "Jordan Pike opened the council meeting. Then Sam Okafor presented the budget.\n\n"
    '"The figures are wrong," she said.'
)


def _speaker_ids(project: Project, *names: str) -> dict[str, int]:
    out = {}
    for name in names:
        ident = project.speaker_id(name)
        assert ident is not None
        out[name] = ident
    return out


def test_registry_genders_are_the_analysts_only(tmp_path: Path) -> None:
    from annotator.services.speakers import plan_edit, plan_merge

    with Project.open(tmp_path / "p.db") as project:
        ids = _speaker_ids(project, "Jordan Pike", "J. Pike", "Sam Okafor", "Kim Lee")
        plan_merge(project, ids["Jordan Pike"], [ids["J. Pike"]]).apply(project)
        plan_edit(project, ids["Jordan Pike"], gender="female").apply(project)
        plan_edit(project, ids["Sam Okafor"], gender="other").apply(project)
        set_guessed_gender(project, ids["Kim Lee"], "female")
        assert registry_genders(project) == {"Jordan Pike": "female", "J. Pike": "female"}


@pytest.mark.slow
def test_detection_in_a_project_uses_the_registry_gender(tmp_path: Path) -> None:
    from annotator.nlp.pipeline import load_pipeline
    from annotator.services.speakers import plan_edit

    nlp, info = load_pipeline()
    if info.rules_only:
        pytest.skip(info.message)
    with Project.open(tmp_path / "p.db") as project:
        aid, _ = project.add_article(Article("Council", GENDER_TEXT, {}))
        # both first names guess male: without the registry "she" finds nobody who agrees
        detect_articles(project, nlp, [aid])
        (before,) = project.suggestions(aid)
        assert before.quote.speaker_name != "Jordan Pike"
        ids = _speaker_ids(project, "Jordan Pike", "Sam Okafor")
        plan_edit(project, ids["Jordan Pike"], gender="female").apply(project)
        plan_edit(project, ids["Sam Okafor"], gender="male").apply(project)
        try:
            detect_articles(project, nlp, [aid])
        finally:  # the pipeline is shared with other tests
            nlp.get_pipe("annotator_quotes").genders = {}
        (after,) = project.suggestions(aid)
        assert after.quote.speaker_name == "Jordan Pike"


@pytest.mark.slow
def test_redetection_uses_the_registry_gender_too(tmp_path: Path) -> None:
    """Detector > Re-detect undecided articles passes the analyst's genders as well."""
    from annotator.nlp.pipeline import load_pipeline
    from annotator.services.detection import redetect_undecided
    from annotator.services.speakers import plan_edit

    nlp, info = load_pipeline()
    if info.rules_only:
        pytest.skip(info.message)
    text = GENDER_TEXT.replace("Jordan Pike", "Robin Vale").replace("Sam Okafor", "Alex Moor")
    with Project.open(tmp_path / "p.db") as project:
        aid, _ = project.add_article(Article("Council", text, {}))
        ids = _speaker_ids(project, "Robin Vale", "Alex Moor")
        plan_edit(project, ids["Robin Vale"], gender="male").apply(project)
        plan_edit(project, ids["Alex Moor"], gender="female").apply(project)
        try:
            redetect_undecided(project, nlp, [aid])
        finally:  # the pipeline is shared with other tests
            nlp.get_pipe("annotator_quotes").genders = {}
        (quote,) = project.suggestions(aid)
        assert quote.quote.speaker_name == "Alex Moor"
