"""Imported detector output becomes suggestions, never anybody's annotations.

PRODUCT.md (quote JSONL): "Quotes with origin ``model`` and no annotator are detector
suggestions, not anyone's annotations." On import such quotes go to the project's
suggestions (seen by every annotator, with their confidence), through the same store call
the detector itself uses (:meth:`Project.set_suggestions`).

Their detector version is, in this order: the quote's own ``detector_version`` key, the
manifest of the ``annotator detect --scheduler`` folder the file belongs to, or
:data:`IMPORTED_DETECTOR`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.core.entry_checks import JOIN_OVER, joined_content
from annotator.core.model import Quote
from annotator.store.project import Project

#: Detector version of imported suggestions whose file does not say which detector made them.
IMPORTED_DETECTOR = "imported"


def is_suggestion(quote: Quote) -> bool:
    """True for a detector suggestion: origin ``model`` and no annotator."""
    return quote.origin == "model" and not quote.annotator


def split_suggestions(quotes: Iterable[Quote]) -> tuple[list[Quote], list[Quote]]:
    """(suggestions, annotations) among ``quotes``, each in the given order."""
    suggestions: list[Quote] = []
    annotations: list[Quote] = []
    for q in quotes:
        (suggestions if is_suggestion(q) else annotations).append(q)
    return suggestions, annotations


def _version(quote: Quote, default: str) -> str:
    value = quote.extra.get("detector_version")
    return value if isinstance(value, str) and value.strip() else default


def _key(q: Quote) -> tuple[object, ...]:
    return (q.content_spans, q.speaker_spans, q.cue_spans, q.kind, q.speaker_name)


def suggestion_runs(quotes: Sequence[Quote], default_version: str | None) -> dict[str, list[Quote]]:
    """Detector version -> its suggestions (pending) among ``quotes``, for an article that
    has none yet. With no quote and a ``default_version`` (a detection folder's article
    where nothing was found): that version with no suggestion, so the run is recorded and
    the window does not detect the article again."""
    if not quotes:
        return {default_version: []} if default_version else {}
    by_version: dict[str, list[Quote]] = {}
    for q in quotes:
        version = _version(q, default_version or IMPORTED_DETECTOR)
        by_version.setdefault(version, []).append(q.with_(status="pending"))
    return by_version


def store_suggestions(
    project: Project,
    article_id: int,
    quotes: Sequence[Quote],
    default_version: str | None,
    new_article: bool = False,
    text: str = "",
) -> tuple[int, int]:
    """Store ``quotes`` as the article's suggestions; return (added, already there).

    Grouped by detector version. With no quote, a ``default_version`` (a detection
    folder's article where nothing was found) and an article this import just added, the
    run is recorded without suggestions, so the window does not detect it again. A
    version whose suggestions for the article are already
    exactly these is left alone (importing twice adds nothing, and decisions stay linked to
    their suggestion); otherwise that version's suggestions are replaced, as a new
    detection run replaces them. ``text`` (the article's) lets a stored suggestion of
    many fragments be compared with its content joined as the import joins ``quotes``
    (:func:`~annotator.core.entry_checks.joined_content`).
    """
    if not quotes and not new_article:
        return 0, 0
    added = present = 0
    for version, group in suggestion_runs(quotes, default_version).items():
        if new_article:  # nothing to compare with
            project.set_suggestions(article_id, version, group)
            added += len(group)
            continue
        have = {
            _key(s.quote.with_(content_spans=joined_content(s.quote.content_spans, text)))
            if text and len(s.quote.content_spans) > JOIN_OVER
            else _key(s.quote)
            for s in project.suggestions(article_id, version)
        }
        new = {_key(q) for q in group}
        if have == new:
            present += len(group)
            continue
        project.set_suggestions(article_id, version, group)
        overlap = len(have & new)
        present += overlap
        added += len(group) - overlap
    return added, present
