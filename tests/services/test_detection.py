"""Detection over a project follows the project's quote-boundary setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.services.detection import detect_articles
from annotator.store.project import Project

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
