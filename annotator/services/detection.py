"""Run the quote detector over a project's articles and store the results as suggestions.

Suggestions are tagged with the detector's version, so detection can be re-run after an
upgrade without touching anybody's annotations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import Stopped
from annotator.core.model import Quote
from annotator.store import learning
from annotator.store.db import was_interrupted
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
    on_skip: Callable[[int, str], None] | None = None,
) -> int:
    """Detect quotes in ``article_ids`` and store them; return how many articles were done.

    Each chunk of articles is stored in one transaction, so a cancel or a crash keeps every
    article finished before it. ``cancel`` is polled between chunks. Direct quotes follow
    the project's ``quote_marks_inside`` setting; pronouns agree with the genders the
    analyst set in the speaker registry (:func:`registry_genders`). The suggestions are
    stored under :func:`annotator.nlp.detect.detector_version` of ``nlp`` (a trained
    model's name and hash included). An article the detector fails on (e.g. a lone
    surrogate in its text) keeps no suggestions, is logged and given to
    ``on_skip(article_id, reason)``; the others are detected.
    """
    from annotator.nlp.detect import detect_texts, detector_version

    version = None  # asked of the pipeline once there is work (a cancel comes first)
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
            if on_skip is not None:
                on_skip(ids[position], message)

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
                version = version or detector_version(nlp)
                project.set_suggestions(ident, version, quotes)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return done


# -- re-detection with the chosen detector and the next most useful article (issue 13) -----


@dataclass(frozen=True)
class RedetectReport:
    """Articles re-detected, open suggestions removed and added, and decided suggestions
    kept (an annotation points at them), over a whole run."""

    articles: int = 0
    removed: int = 0
    added: int = 0
    kept: int = 0


def record_rules_run(project: Project, article_ids: Sequence[int]) -> None:
    """Record that the rules' :data:`DETECTOR_VERSION` has run on ``article_ids`` (a
    trained pipeline, which includes the rules, detected them), so detecting new articles
    with the rules alone leaves them. One transaction."""
    from annotator.core.versions import DETECTOR_VERSION

    learning.record_detections(project, article_ids, DETECTOR_VERSION)


def undecided_articles(project: Project) -> list[int]:
    """Ids of the articles nobody has decided anything in yet (see
    :mod:`annotator.store.learning`). A project-wide read: call it off the GUI thread."""
    return learning.undecided_article_ids(project)


def count_undecided(path: Path) -> int:
    """How many articles of the project at ``path`` nobody has decided anything in yet
    (what a re-detection redoes). Opens its own read-only connection, for a pool thread
    (0.2 s at 10,000 articles). Raises OSError or AnnotatorError for an unreadable file."""
    with Project.open(path, create=False, readonly=True) as project:
        return len(undecided_articles(project))


#: One text's result in :func:`_detect_measured`: its quotes and the trained model's
#: uncertainty about it (None without a trained component), or why it was skipped.
_Measured = tuple[list[Quote], float | None] | str


def _detect_measured(
    nlp: Any,
    texts: list[str],
    marks_inside: bool,
    genders: dict[str, str],
    cancel: Callable[[], bool] | None = None,
) -> list[_Measured]:
    """:func:`_detect_parts` of each text; a text over ``nlp.max_length`` is detected in
    sections cut at paragraph breaks (:func:`annotator.nlp.detect.sections`), its quotes
    shifted back to offsets into the whole text, its uncertainty the sections' mean
    weighted by length (tester18 T15: the text was cut at 1,000,000 characters)."""
    from annotator.nlp.detect import sections, shift_quotes

    limit = nlp.max_length
    if all(len(t) <= limit for t in texts):
        return _detect_parts(nlp, texts, marks_inside, genders, cancel)
    split = [sections(t, limit) for t in texts]
    flat = _detect_parts(
        nlp, [part for parts in split for _s, part in parts], marks_inside, genders, cancel
    )
    out: list[_Measured] = []
    at = 0
    for parts in split:
        results = flat[at : at + len(parts)]
        at += len(parts)
        problems = [r for r in results if isinstance(r, str)]
        if problems:
            out.append(problems[0])
            continue
        quotes: list[Quote] = []
        weighted = 0.0
        measured = 0
        for (start, part), result in zip(parts, results, strict=True):
            assert not isinstance(result, str)
            quotes.extend(shift_quotes(result[0], start))
            if result[1] is not None:
                weighted += result[1] * len(part)
                measured += len(part)
        out.append((quotes, weighted / measured if measured else None))
    return out


def _detect_parts(
    nlp: Any,
    texts: list[str],
    marks_inside: bool,
    genders: dict[str, str],
    cancel: Callable[[], bool] | None = None,
) -> list[_Measured]:
    """Quotes and the trained model's article uncertainty (``doc._.quote_uncertainty``,
    set by :mod:`annotator.nlp.learned`) of each text, parsed as one batch; a text that
    cannot be parsed, or that fails in the pipeline when redone alone, gives its reason.
    ``marks_inside`` and ``genders`` as in :func:`detect_articles`. With ``cancel``, the
    texts are parsed one at a time and ``cancel()`` is polled before each pipeline
    component (:func:`annotator.nlp.detect.parse_polled`); True raises
    :class:`~annotator.core.errors.Stopped`."""
    from spacy.tokens import Doc

    from annotator.nlp.component import QuoteDetector
    from annotator.nlp.detect import (
        detect_doc,
        parse_polled,
        parse_text,
        parse_texts,
        text_problem,
    )

    if "annotator_quotes" in nlp.pipe_names:
        component = nlp.get_pipe("annotator_quotes")
        if isinstance(component, QuoteDetector):
            component.marks_inside = marks_inside  # the project's setting, as detect_texts
            component.genders = genders
    measured = Doc.has_extension("quote_uncertainty")

    def result(doc: Any) -> _Measured:
        value = doc._.quote_uncertainty if measured else None
        return detect_doc(doc), (None if value is None else float(value))

    limit = nlp.max_length
    out: list[_Measured | None] = [text_problem(t) for t in texts]
    todo = [i for i, problem in enumerate(out) if problem is None]
    if cancel is not None:
        for i in todo:
            try:
                out[i] = result(parse_polled(nlp, texts[i][:limit], cancel))
            except Stopped:
                raise
            except Exception as exc:  # one text must not stop the others
                out[i] = f"detection failed: {type(exc).__name__}: {exc}"
        return [r if r is not None else ([], None) for r in out]
    try:
        for i, doc in zip(todo, parse_texts(nlp, [texts[i][:limit] for i in todo]), strict=True):
            out[i] = result(doc)
    except Exception:  # find the text that fails, one by one
        for i in todo:
            if out[i] is None:
                try:
                    out[i] = result(parse_text(nlp, texts[i][:limit]))
                except Exception as exc:  # one text must not stop the others
                    out[i] = f"detection failed: {type(exc).__name__}: {exc}"
    return [r if r is not None else ([], None) for r in out]


def redetect_undecided(
    project: Project,
    nlp: Any,
    article_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> RedetectReport:
    """Run ``nlp`` over ``article_ids`` (None: :func:`undecided_articles`) and replace each
    article's open suggestions by what it finds, stored under
    :func:`annotator.nlp.detect.detector_version` of ``nlp`` (a trained model's name and
    hash included), with the model's uncertainty about each article
    (:func:`annotator.store.learning.replace_open_suggestions`). Decided suggestions and
    every annotation stay; there is no undo (the old open suggestions are gone). Each
    chunk of :data:`CHUNK` articles is one transaction, so a cancel or a crash keeps the
    articles done before it; ``progress(done, total)`` in articles. ``cancel()`` is polled
    inside the read of the undecided articles (:meth:`Project.stop_when`) and before each
    pipeline component of each article: True ends the run there, the chunk being parsed
    is dropped (nothing of it is written). A text the pipeline cannot take keeps its old
    suggestions (logged).
    """
    from annotator.nlp.detect import DETECTOR_VERSION, detector_version

    if article_ids is None:
        ids = _undecided_polled(project, cancel)
        if ids is None:
            return RedetectReport(0, 0, 0, 0)
    else:
        ids = list(article_ids)
    version = detector_version(nlp)
    marks_inside = project.marks_inside()
    genders = registry_genders(project)
    total = len(ids)
    done = removed = added = kept = 0
    if progress is not None:
        progress(0, total)
    for start in range(0, total, CHUNK):
        if cancel is not None and cancel():
            break
        chunk = ids[start : start + CHUNK]
        texts = [a.text for a in project.iter_articles(chunk)]
        try:
            results = _detect_measured(nlp, texts, marks_inside, genders, cancel)
        except Stopped:
            break
        with project.batch():  # one commit per chunk; each article its own savepoint
            for ident, found in zip(chunk, results, strict=True):
                if isinstance(found, str):
                    # its old suggestions stay rather than vanish for nothing
                    _log.warning("article %d: re-detection skipped: %s", ident, found)
                    continue
                quotes, uncertainty = found
                r = learning.replace_open_suggestions(
                    project,
                    ident,
                    version,
                    quotes,
                    also_ran=(DETECTOR_VERSION,),
                    uncertainty=uncertainty,
                )
                removed += r.removed
                added += len(r.added)
                kept += r.kept
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return RedetectReport(done, removed, added, kept)


def _undecided_polled(project: Project, cancel: Callable[[], bool] | None) -> list[int] | None:
    """:func:`undecided_articles`, its statement stopped once ``cancel()`` is true (a
    project-wide read: 2 s at 100,000 articles); None when it was."""
    if cancel is None:
        return undecided_articles(project)
    project.stop_when(cancel)
    try:
        return undecided_articles(project)
    except Exception as exc:  # SQLite's "interrupted"
        if was_interrupted(exc) and cancel():
            return None
        raise
    finally:
        project.stop_when(None)


@dataclass(frozen=True)
class UsefulArticle:
    """The article "Next most useful article" goes to, and why (a short phrase for the
    status bar). ``uncertainty``: the trained model's figure when it ranked the article
    (0..0.5), else None and ``doubt`` holds the figures from the suggestions."""

    article_id: int
    title: str
    reason: str
    uncertainty: float | None = None
    doubt: learning.ArticleDoubt | None = None
    short: str = ""
    """The reason in a few words for a narrow status bar, e.g. "least sure here (0.312)"."""


def next_most_useful(project: Project, exclude: int | None = None) -> UsefulArticle | None:
    """The undecided article (not ``exclude``) where the detector is least sure, or None
    when there is nothing to rank. A project-wide read, so off the GUI thread.

    First the articles a trained model has re-detected, by the model's own uncertainty
    over the article's tokens (:func:`annotator.nlp.learned.article_uncertainty`: it sees
    the places where the model almost tagged a quote, too); then, when none is left, the
    others by their open suggestions' confidences
    (:func:`annotator.store.learning.most_doubtful`: the expected number of the
    detector's mistakes there). Uncertainty sampling, Lewis and Gale (SIGIR 1994).
    """
    model = learning.most_uncertain(project, exclude=exclude, limit=1)
    if model:
        m = model[0]
        name = m.detector_version.rpartition(" + ")[2].partition("@")[0] or "model"
        reason = f"{name} is least sure here (uncertainty {m.uncertainty:.3f} of 0.5)"
        short = f"least sure here ({m.uncertainty:.3f})"
        return UsefulArticle(m.article_id, m.title, reason, uncertainty=m.uncertainty, short=short)
    found = learning.most_doubtful(project, exclude=exclude, limit=1)
    if not found:
        return None
    d = found[0]
    s = "" if d.suggestions == 1 else "s"
    near = f", {d.near_half} near 0.5" if d.near_half else f", closest {d.least:.2f}"
    reason = f"least sure here: {d.suggestions} open suggestion{s}{near}"
    brief = f"{d.near_half} near 0.5" if d.near_half else f"closest {d.least:.2f}"
    short = f"least sure here ({brief})"
    return UsefulArticle(d.article_id, d.title, reason, doubt=d, short=short)
