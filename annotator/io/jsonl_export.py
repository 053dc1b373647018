"""Quote JSONL export: one article per line with its selected quotes (PRODUCT.md, version 1).

Project ids, timestamps and review decisions are left out on purpose: the file describes
the annotation, so exporting it, importing it into a new project and exporting again gives
the same bytes. (Gold quotes carry their decision as ``review_decision``, an extra key that
import keeps.)

Each quote also carries its canonical speaker's registry entry, as the CSV export does
(issue 11): ``speaker_name`` (the canonical name), ``speaker_type`` (``person``,
``organisation``, ``group`` or ``unknown``), ``speaker_gender`` (``female``, ``male``,
``other`` or ``unknown``) and ``speaker_gender_guessed`` (true while the gender is the
detector's guess, false once the analyst set it); the three registry keys are null when
the quote names no registry speaker. They describe the project's registry, not the quote:
import reads past them (:data:`annotator.io.quote_jsonl.REGISTRY_KEYS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.core.model import StoredArticle
from annotator.io.export_records import ExportQuote
from annotator.io.quote_jsonl import article_to_json, write_jsonl_line


def registry_fields(quote: ExportQuote) -> dict[str, Any]:
    """The canonical speaker's name, type and gender as quote-JSONL keys (nulls without one)."""
    spk = quote.speaker
    return {
        "speaker_name": spk.name if spk is not None else quote.quote.speaker_name,
        "speaker_type": spk.kind if spk is not None else None,
        "speaker_gender": spk.gender if spk is not None else None,
        "speaker_gender_guessed": spk.gender_guessed if spk is not None else None,
    }


def _with_registry(obj: dict[str, Any], quote: ExportQuote) -> dict[str, Any]:
    """``obj`` with the registry keys right after ``speaker_name`` (the canonical name)."""
    fields = registry_fields(quote)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in fields:
            continue
        out[key] = value
        if key == "speaker_text":
            out.update(fields)
    return out


class QuoteJsonlWriter:
    """Streaming quote-JSONL writer."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by close())

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        obj = article_to_json(article.as_article(), [q.quote for q in quotes])
        obj["quotes"] = [
            _with_registry(out, q) for out, q in zip(obj["quotes"], quotes, strict=True)
        ]
        write_jsonl_line(self._fh, obj)

    def close(self) -> None:
        self._fh.close()
