"""What the exporters write: an article and its selected quotes, with their provenance.

The application layer streams these out of the project (one article at a time) and hands
them to a writer of one format; the writers know nothing about the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from annotator.core.model import Quote, Speaker, StoredArticle


@dataclass(frozen=True)
class ExportQuote:
    """One exported quote: the quote and where it came from in the project.

    ``id`` is the quote's id in the project: the annotation id (``"17"``) or, for a gold
    quote, ``"g"`` and the gold id (``"g4"``), so the two never collide in one dataset.
    """

    id: str
    quote: Quote
    speaker_id: int | None = None
    #: the canonical speaker's registry entry (type, gender), when the quote names one
    speaker: Speaker | None = None
    review_decision: str | None = None
    reviewer: str | None = None
    created_at: str = ""
    updated_at: str = ""


class ArticleWriter(Protocol):
    """A streaming writer of one export format."""

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        """Write one article with its quotes (in text order)."""

    def close(self) -> None:
        """Finish the output (flush, write trailers)."""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, max_len: int = 100) -> str:
    """A file-name stem made of ``[A-Za-z0-9._-]`` only (for brat and per-article files)."""
    out = _UNSAFE.sub("_", name).strip("._")
    return out[:max_len] or "article"
