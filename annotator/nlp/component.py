"""The ``annotator_quotes`` spaCy component: a thin wrapper around :mod:`quotes`.

It writes three span groups, ``quotes`` (one span per content fragment, label = kind),
``speakers`` (label ``SPEAKER``) and ``cues`` (label ``CUE``). All spans of one quote share
``Span.id_`` (``q0``, ``q1``...); the canonical speaker name is in ``Span.kb_id_``; each
quote's confidence is in ``doc.spans["quotes"].attrs["confidence"][id]``. The full records
are also kept, as plain data that survives ``Doc.to_bytes``, in ``doc._.quote_records``.
When a trained component (:mod:`annotator.nlp.learned`) ran before it, its fragments are
merged with the rules' quotes by the overlap rule of
:func:`annotator.nlp.learned.merge_learned`.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from annotator.core.model import MARKS_INSIDE_DEFAULT
from annotator.nlp.learned import learned_spans
from annotator.nlp.quotes import QuoteRecord, extract_quotes

QUOTES, SPEAKERS, CUES = "quotes", "speakers", "cues"

if not Doc.has_extension("quote_records"):
    Doc.set_extension("quote_records", default=None)


class QuoteDetector:
    """Finds quotes, speakers and cues; see :func:`annotator.nlp.quotes.extract_quotes`."""

    def __init__(
        self,
        name: str = "annotator_quotes",
        rules_only: bool = False,
        marks_inside: bool = MARKS_INSIDE_DEFAULT,
    ) -> None:
        self.name = name
        self.rules_only = rules_only
        #: the project setting: direct quotes include their quotation marks (True) or not
        self.marks_inside = marks_inside
        #: speaker registry genders set by the analyst (name or alias -> female/male)
        self.genders: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        records = extract_quotes(
            doc,
            use_parse=not self.rules_only,
            marks_inside=self.marks_inside,
            genders=self.genders,
            learned=learned_spans(doc),
        )
        write_records(doc, records)
        # The tok2vec tensor is not needed after the parse; dropping it makes docs much
        # cheaper to send back from worker processes (nlp.pipe with n_process > 1).
        doc.tensor = numpy.zeros((0,), dtype="float32")
        return doc


@Language.factory(
    "annotator_quotes",
    default_config={"rules_only": False, "marks_inside": MARKS_INSIDE_DEFAULT},
)
def make_quote_detector(
    nlp: Language, name: str, rules_only: bool, marks_inside: bool
) -> QuoteDetector:
    """Factory registered with spaCy (``nlp.add_pipe("annotator_quotes")``).

    ``marks_inside``: direct quotes include their quotation marks and the comma before the
    closing mark (the project setting ``quote_marks_inside``; default False, as the
    default guidelines say).
    """
    return QuoteDetector(name, rules_only, marks_inside)


def _snap(doc: Doc, span: tuple[int, int] | None, label: str, qid: str, kb: str) -> Span | None:
    if span is None:
        return None
    out = doc.char_span(span[0], span[1], label=label, alignment_mode="expand")
    if out is None or len(out) == 0:
        return None
    out.id_ = qid
    out.kb_id_ = kb
    return out


def _merge_overlaps(doc: Doc, spans: list[Span]) -> list[Span]:
    """Fragments in order, merged where snapping to tokens made them overlap."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda sp: (sp.start, sp.end)):
        if out and span.start < out[-1].end:
            last = out.pop()
            merged = doc[last.start : max(last.end, span.end)]
            merged.label_, merged.id_, merged.kb_id_ = last.label_, last.id_, last.kb_id_
            span = merged
        out.append(span)
    return out


def write_records(doc: Doc, records: list[QuoteRecord]) -> None:
    """Store ``records`` on ``doc``: span groups, confidences and ``doc._.quote_records``."""
    quotes: list[Span] = []
    speakers: list[Span] = []
    cues: list[Span] = []
    confidence: dict[str, float] = {}
    plain: list[dict[str, Any]] = []
    for n, rec in enumerate(records):
        qid = f"q{n}"
        kb = rec.speaker_name or ""
        frags = _merge_overlaps(
            doc, [s for s in (_snap(doc, c, rec.kind, qid, kb) for c in rec.content) if s]
        )
        if not frags:
            continue
        quotes.extend(frags)
        spk = _snap(doc, rec.speaker, "SPEAKER", qid, kb)
        cue = _snap(doc, rec.cue, "CUE", qid, kb)
        if spk is not None:
            speakers.append(spk)
        if cue is not None:
            cues.append(cue)
        confidence[qid] = rec.confidence
        plain.append(
            {
                "id": qid,
                "content": [[s.start_char, s.end_char] for s in frags],
                "speaker": [spk.start_char, spk.end_char] if spk is not None else None,
                "cue": [cue.start_char, cue.end_char] if cue is not None else None,
                "kind": rec.kind,
                "confidence": rec.confidence,
                "speaker_text": spk.text if spk is not None else None,
                "speaker_name": rec.speaker_name,
            }
        )
    doc.spans[QUOTES] = quotes
    doc.spans[SPEAKERS] = speakers
    doc.spans[CUES] = cues
    doc.spans[QUOTES].attrs["confidence"] = confidence
    doc._.quote_records = plain
