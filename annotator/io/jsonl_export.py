"""Quote JSONL export: one article per line with its selected quotes (PRODUCT.md, version 1).

Project ids, timestamps and review decisions are left out on purpose: the file describes
the annotation, so exporting it, importing it into a new project and exporting again gives
the same bytes. (Gold quotes carry their decision as ``review_decision``, an extra key that
import keeps.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.core.model import StoredArticle
from annotator.io.export_records import ExportQuote
from annotator.io.quote_jsonl import article_to_json, write_jsonl_line


class QuoteJsonlWriter:
    """Streaming quote-JSONL writer."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by close())

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        obj = article_to_json(article.as_article(), [q.quote for q in quotes])
        write_jsonl_line(self._fh, obj)

    def close(self) -> None:
        self._fh.close()
