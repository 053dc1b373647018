"""Run the quote detector over a project's articles and store the results as suggestions.

Suggestions are tagged with the detector's version, so detection can be re-run after an
upgrade without touching anybody's annotations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from annotator.store.project import Project

#: Articles parsed per round trip to spaCy and per transaction.
CHUNK = 16

_log = logging.getLogger(__name__)


def articles_to_detect(project: Project) -> list[int]:
    """Ids of the articles the installed detector version has not run on ([] when the
    detector cannot be imported). A project-wide read: call it off the GUI thread."""
    try:
        from annotator.nlp.detect import DETECTOR_VERSION
    except ImportError:
        return []
    return project.articles_without_suggestions(DETECTOR_VERSION)


def detect_articles(
    project: Project,
    nlp: Any,
    article_ids: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    n_process: int = 1,
    on_skip: Callable[[int, str], None] | None = None,
) -> int:
    """Detect quotes in ``article_ids`` and store them; return how many articles were done.

    Each chunk of articles is stored in one transaction, so a cancel or a crash keeps every
    article finished before it. ``cancel`` is polled between chunks. Direct quotes follow
    the project's ``quote_marks_inside`` setting. An article the detector fails on (e.g. a
    lone surrogate in its text) keeps no suggestions, is logged and given to
    ``on_skip(article_id, reason)``; the others are detected.
    """
    from annotator.nlp.detect import DETECTOR_VERSION, detect_texts

    marks_inside = project.marks_inside()
    total = len(article_ids)
    done = 0
    if progress is not None:
        progress(0, total)
    for start in range(0, total, CHUNK):
        if cancel is not None and cancel():
            break
        ids = list(article_ids[start : start + CHUNK])
        texts: Iterator[str] = (a.text for a in project.iter_articles(ids))

        def skipped(position: int, message: str, ids: list[int] = ids) -> None:
            # the article keeps no suggestions; the others of the chunk are stored
            _log.warning("article %d: quote detection skipped: %s", ids[position], message)
            if on_skip is not None:
                on_skip(ids[position], message)

        results = list(
            detect_texts(
                nlp, texts, n_process=n_process, on_error=skipped, marks_inside=marks_inside
            )
        )
        with project.batch():
            for ident, quotes in zip(ids, results, strict=True):
                project.set_suggestions(ident, DETECTOR_VERSION, quotes)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return done
