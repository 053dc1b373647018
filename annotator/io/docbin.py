"""spaCy DocBin export (``.spacy``), ready for ``spacy train`` (spancat on ``quotes``).

Each article is tokenised with ``spacy.blank("en")`` (no model needed; ``spacy train``
retokenises nothing, so the training config should use the same tokenizer). Span groups:

- ``quotes``: every content fragment, label ``QUOTE`` (or the quote's kind with
  ``labels="kind"``);
- ``speakers``: speaker mentions, label ``SPEAKER``;
- ``cues``: cues, label ``CUE``.

Every span carries the quote id in ``Span.id_`` (so the fragments of one quote, its speaker
and its cue can be put back together) and the canonical speaker's registry id in
``Span.kb_id_`` (empty when the quote names none). Spans are aligned with
``char_span(alignment_mode="expand")``: a span that starts or ends inside a token grows to
the whole token. ``doc.user_data["quote_annotator"]`` keeps the article id, title, the
annotator and each quote's attributes (kind, stance, stance target, annotator, status,
origin); the stance target is also set on every span of the quote as the ``stance_target``
extension.

An article annotated by several annotators (an ``--all-annotators`` export) gives one Doc
per annotator, so no Doc holds two versions of the same quote.

A DocBin is one serialised object, so the docs are held (compactly) until :meth:`close`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.core.model import StoredArticle
from annotator.io.export_records import ExportQuote

QUOTES_KEY, SPEAKERS_KEY, CUES_KEY = "quotes", "speakers", "cues"
LABEL_MODES = ("quote", "kind")
#: The Span extension holding a quote's stance target (kept by ``DocBin(store_user_data=True)``).
TARGET_ATTR = "stance_target"


class DocBinWriter:
    """Collects one Doc per article and writes the DocBin on :meth:`close`."""

    def __init__(self, path: str | Path, labels: str = "quote") -> None:
        import spacy
        from spacy.tokens import DocBin, Span

        if not Span.has_extension(TARGET_ATTR):
            Span.set_extension(TARGET_ATTR, default=None)

        if labels not in LABEL_MODES:
            raise ValueError(f"labels must be one of {', '.join(LABEL_MODES)}")
        self.path = Path(path)
        self.labels = labels
        self._nlp = spacy.blank("en")
        self._docbin = DocBin(store_user_data=True)
        self.docs = 0
        self.spans = {QUOTES_KEY: 0, SPEAKERS_KEY: 0, CUES_KEY: 0}
        self.unaligned = 0
        #: spans grown to whole tokens (they started or ended inside one)
        self.moved = 0
        # fail now (not after a long export) when the file cannot be written
        self.path.touch()

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        """Add one Doc per annotator of ``quotes`` (in order of their first quote)."""
        groups: dict[str, list[ExportQuote]] = {}
        for q in quotes:
            groups.setdefault(q.quote.annotator or "", []).append(q)
        for annotator, members in groups.items():
            self._write_doc(article, members, annotator or None)

    def _write_doc(
        self, article: StoredArticle, quotes: Sequence[ExportQuote], annotator: str | None
    ) -> None:
        doc = self._nlp.make_doc(article.text)
        groups: dict[str, list[Any]] = {QUOTES_KEY: [], SPEAKERS_KEY: [], CUES_KEY: []}
        for q in quotes:
            quote = q.quote
            kb = "" if q.speaker_id is None else str(q.speaker_id)
            label = "QUOTE" if self.labels == "quote" else quote.kind
            for key, spans, lab in (
                (QUOTES_KEY, quote.content_spans, label),
                (SPEAKERS_KEY, quote.speaker_spans, "SPEAKER"),
                (CUES_KEY, quote.cue_spans, "CUE"),
            ):
                for a, b in spans:
                    span = doc.char_span(
                        a, b, label=lab, kb_id=kb, span_id=q.id, alignment_mode="expand"
                    )
                    if span is None or len(span) == 0:
                        self.unaligned += 1
                        continue
                    if (span.start_char, span.end_char) != (a, b):
                        self.moved += 1
                    if quote.stance_target:
                        span._.set(TARGET_ATTR, quote.stance_target)
                    groups[key].append(span)
        for key, spans_ in groups.items():
            doc.spans[key] = spans_
            self.spans[key] += len(spans_)
        doc.user_data["quote_annotator"] = {
            "article_id": article.id,
            "ext_id": article.ext_id,
            "title": article.title,
            "annotator": annotator,
            "quotes": [{"id": q.id, **q.quote.to_json()} for q in quotes],
        }
        self._docbin.add(doc)
        self.docs += 1

    def close(self) -> None:
        self._docbin.to_disk(self.path)
