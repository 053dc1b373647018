"""Run the quote detector over texts and turn its span groups into :class:`Quote` objects."""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult

from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.model import Quote
from annotator.nlp.component import CUES, QUOTES, SPEAKERS, QuoteDetector

DETECTOR_VERSION = "annotator_quotes 1.2"


def detect_texts(
    nlp: Language,
    texts: Iterable[str],
    n_process: int = 1,
    batch_size: int = 16,
    marks_inside: bool | None = None,
) -> Iterator[list[Quote]]:
    """One list of detected quotes per text, in the order of ``texts``.

    A text longer than ``nlp.max_length`` is searched up to that length only (spaCy
    refuses longer ones, and one huge article must not stop a whole batch).
    ``marks_inside`` (the project setting): direct quotes include their quotation marks
    and the comma before the closing mark; None keeps the pipeline's configured value,
    anything else sets it on the pipeline's ``annotator_quotes`` component.
    """
    if marks_inside is not None and "annotator_quotes" in nlp.pipe_names:
        component = nlp.get_pipe("annotator_quotes")
        if isinstance(component, QuoteDetector):
            component.marks_inside = marks_inside
    limit = nlp.max_length
    capped = (text if len(text) <= limit else text[:limit] for text in texts)
    if n_process > 1 and sys.platform == "linux":
        yield from _detect_forked(nlp, capped, n_process, batch_size)
        return
    for doc in nlp.pipe(capped, n_process=n_process, batch_size=batch_size):
        yield detect_doc(doc)


# The pipeline the forked workers inherit (set just before the pool starts).
_WORKER_NLP: Language | None = None


def _detect_batch(texts: list[str]) -> list[list[Quote]]:
    assert _WORKER_NLP is not None
    return [detect_doc(doc) for doc in _WORKER_NLP.pipe(texts, batch_size=len(texts))]


def _detect_forked(
    nlp: Language, texts: Iterable[str], n_process: int, batch_size: int
) -> Iterator[list[Quote]]:
    """Detection in forked worker processes that send back quotes, not Docs.

    ``nlp.pipe(n_process=...)`` serialises every parsed Doc back to the parent and deals
    batches round-robin; returning only the small quote lists and handing batches to
    whichever worker is free is cheaper and keeps both cores busy.
    """
    global _WORKER_NLP
    _WORKER_NLP = nlp
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(n_process) as pool:
        # a bounded window of batches in flight: input is read lazily, memory stays flat,
        # and results come back in input order
        window: deque[AsyncResult[list[list[Quote]]]] = deque()
        for batch in _chunks(texts, max(1, batch_size)):
            window.append(pool.apply_async(_detect_batch, (batch,)))
            if len(window) >= 2 * n_process:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def detect_doc(doc: Doc) -> list[Quote]:
    """The quotes of a processed ``doc``, read from its span groups.

    Fragments, speaker and cue of one quote share ``Span.id_``; the kind is the fragment
    label and the canonical speaker name is ``Span.kb_id_``.
    """
    if QUOTES not in doc.spans:
        return []
    group = doc.spans[QUOTES]
    confidence = group.attrs.get("confidence", {})
    order: list[str] = []
    content: dict[str, list[tuple[int, int]]] = {}
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    for span in group:
        qid = span.id_
        if qid not in content:
            order.append(qid)
            content[qid] = []
        content[qid].append((span.start_char, span.end_char))
        kinds[qid] = span.label_
        names[qid] = span.kb_id_
    speakers = _by_id(doc, SPEAKERS)
    cues = _by_id(doc, CUES)
    out = []
    for qid in order:
        spk = speakers.get(qid, [])
        conf = confidence.get(qid)
        out.append(
            Quote(
                content_spans=tuple(sorted(content[qid])),
                speaker_spans=tuple(spk),
                cue_spans=tuple(cues.get(qid, [])),
                speaker_text=doc.text[spk[0][0] : spk[0][1]] if spk else None,
                speaker_name=names[qid] or None,
                kind=kinds[qid],
                status="pending",
                origin="model",
                confidence=None if conf is None else float(conf),
            )
        )
    return out


def _by_id(doc: Doc, key: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    if key in doc.spans:
        for span in doc.spans[key]:
            out.setdefault(span.id_, []).append((span.start_char, span.end_char))
    return out
