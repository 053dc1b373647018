"""Check the people a command reads from: annotators, or reviewers of gold quotes.

Export and training both take ``--annotator NAME ...`` and ``--gold``; the checks and their
wording live here once, and each caller raises its own error type with the message.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.store.project import Project
from annotator.store.selection import gold_reviewers


def selection_problem(
    project: Project, names: Sequence[str], gold: bool, without_gold: str
) -> str | None:
    """Why ``names`` (annotators, or with ``gold`` reviewers) cannot be read, or ``None``.

    ``without_gold`` completes the advice when the project has no gold quotes yet, e.g.
    ``"train on the annotators' quotes"``. Only the first unknown name is reported.
    """
    if gold:
        reviewers = gold_reviewers(project)
        if not reviewers:
            return (
                "this project has no reviewed (gold) quotes yet: review some articles first, "
                f"or {without_gold} without --gold"
            )
        unknown = [n for n in names if n not in reviewers]
        if unknown:
            return f"no gold quotes by reviewer {unknown[0]!r} (reviewers: {', '.join(reviewers)})"
        return None
    known = project.annotators()
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(known) if known else "none yet"
        return f"no annotator {unknown[0]!r} in this project (annotators: {listed})"
    return None
