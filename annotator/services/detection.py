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


def articles_to_detect(project: Project, nlp: Any = None) -> list[int]:
    """Ids of the articles the detector (that of pipeline ``nlp``; None: the rules') has
    not run on ([] when the detector cannot be imported). A project-wide read: call it off
    the GUI thread."""
    try:
        from annotator.nlp.detect import detector_version
    except ImportError:
        return []
    return project.articles_without_suggestions(detector_version(nlp))


def registry_genders(project: Project) -> dict[str, str]:
    """Name and alias -> ``female``/``male`` of every registry speaker whose gender the
    analyst set (guesses are left out: the detector makes its own)."""
    out: dict[str, str] = {}
    for sp in project.speakers():
        if sp.gender_guessed or sp.gender not in ("female", "male"):
            continue
        for name in (sp.name, *sp.aliases):
            out[name] = sp.gender
    return out


def detect_articles(
    project: Project,
    nlp: Any,
    article_ids: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    n_process: int = 1,
) -> int:
    """Detect quotes in ``article_ids`` and store them; return how many articles were done.

    Each chunk of articles is stored in one transaction, so a cancel or a crash keeps every
    article finished before it. ``cancel`` is polled between chunks. Direct quotes follow
    the project's ``quote_marks_inside`` setting; pronouns agree with the genders the
    analyst set in the speaker registry (:func:`registry_genders`). The suggestions are
    stored under :func:`annotator.nlp.detect.detector_version` of ``nlp`` (a trained
    model's name and hash included).
    """
    from annotator.nlp.detect import detect_texts, detector_version

    version = detector_version(nlp)
    marks_inside = project.marks_inside()
    genders = registry_genders(project)
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

        results = list(
            detect_texts(
                nlp,
                texts,
                n_process=n_process,
                on_error=skipped,
                marks_inside=marks_inside,
                genders=genders,
            )
        )
        with project.batch():
            for ident, quotes in zip(ids, results, strict=True):
                project.set_suggestions(ident, version, quotes)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return done
