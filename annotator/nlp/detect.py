"""Run the quote detector over texts and turn its span groups into :class:`Quote` objects.

One bad text never stops a run: a text spaCy cannot take (a lone surrogate such as
``\\ud800``, which has no UTF-8 form) or that makes the pipeline fail is reported through
``on_error`` with its position in the input and gets an empty quote list; every other
text is detected as usual.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from multiprocessing.pool import AsyncResult

from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.errors import Stopped
from annotator.core.model import Quote
from annotator.core.text import utf8_problem
from annotator.core.versions import DETECTOR_VERSION as DETECTOR_VERSION
from annotator.nlp.component import CUES, QUOTES, SPEAKERS, QuoteDetector
from annotator.nlp.learned import FACTORY, LearnedQuotes


def detector_version(nlp: Language | None = None) -> str:
    """The version string stored with the suggestions ``nlp`` makes.

    The rules' :data:`DETECTOR_VERSION`; with a trained component in ``nlp``, followed by
    the model's name and the first 8 hex digits of its hash, e.g.
    ``annotator_quotes 1.4 + mymodel@1a2b3c4d``, so a project knows which detector made
    which suggestions.
    """
    if FACTORY not in getattr(nlp, "pipe_names", ()):  # None, or a stand-in in tests
        return DETECTOR_VERSION
    assert nlp is not None
    component = nlp.get_pipe(FACTORY)
    if not isinstance(component, LearnedQuotes) or not component.model_hash:
        return DETECTOR_VERSION
    return _with_model(component.model_name, component.model_hash)


def _with_model(model_name: str, model_hash: str) -> str:
    return f"{DETECTOR_VERSION} + {model_name or 'model'}@{model_hash[:8]}"


def model_detector_version(model: str | None) -> str:
    """The version string :func:`detector_version` gives once ``model`` is loaded, read
    from the model folder's files without loading spaCy (``annotator detect --scheduler``
    records it in its manifest before any worker has loaded the model).

    ``model`` is what ``--model`` takes: None, ``"rules-only"`` or an installed package
    name give :data:`DETECTOR_VERSION`; the path of a trained model folder gives the
    rules' version followed by the model's name and hash. A folder whose trained part
    cannot be read gives :data:`DETECTOR_VERSION` (loading it reports the problem).
    """
    from pathlib import Path

    from annotator.nlp.learned import model_identity

    if not model:
        return DETECTOR_VERSION
    found = model_identity(Path(model) / FACTORY)
    if found is None:
        return DETECTOR_VERSION
    return _with_model(*found)


#: ``on_error(position, message)``: text number ``position`` (0-based, in input order) was
#: skipped for the reason ``message``.
OnError = Callable[[int, str], None]

# A text's quotes, or the reason it was skipped.
_Result = list[Quote] | str

_log = logging.getLogger(__name__)


def text_problem(text: str) -> str | None:
    """Why spaCy cannot parse ``text`` (a one-line message), or None when it can.

    spaCy hashes every token as UTF-8, so a text without a UTF-8 form (a lone surrogate,
    see :func:`annotator.core.text.utf8_problem`, whose message this is) cannot be parsed.
    """
    return utf8_problem(text)


def _log_error(position: int, message: str) -> None:
    _log.warning("quote detection skipped text %d: %s", position, message)


def detect_texts(
    nlp: Language,
    texts: Iterable[str],
    n_process: int = 1,
    batch_size: int = 16,
    on_error: OnError | None = None,
    marks_inside: bool | None = None,
    genders: Mapping[str, str] | None = None,
) -> Iterator[list[Quote]]:
    """One list of detected quotes per text, in the order of ``texts``; never raises for a text.

    A text longer than ``nlp.max_length`` is searched in sections of at most that length,
    cut at paragraph breaks (:func:`sections`), and the sections' quotes come back with
    offsets into the whole text (a quote that crosses a cut can be missed). A text that
    cannot be parsed (:func:`text_problem`) or whose processing fails gives an empty list
    and a call ``on_error(position, message)`` (default: a logged warning). With
    ``n_process`` > 1 on Linux, batches run in forked worker processes; elsewhere in this
    process. ``marks_inside`` (the project setting): direct quotes include their quotation
    marks and the comma before the closing mark; None keeps the pipeline's configured
    value, anything else sets it on the pipeline's ``annotator_quotes`` component.
    ``genders`` (speaker name or alias -> ``female``/``male``, from the project's speaker
    registry as the analyst set it) is given to pronoun resolution; None leaves the
    component's as it is.
    """
    report = on_error or _log_error
    if "annotator_quotes" in nlp.pipe_names:
        component = nlp.get_pipe("annotator_quotes")
        if isinstance(component, QuoteDetector):
            if marks_inside is not None:
                component.marks_inside = marks_inside
            if genders is not None:
                component.genders = dict(genders)
    limit = nlp.max_length
    # each text's section offsets, noted as its sections go in (results come out later)
    starts: deque[list[int]] = deque()

    def flat() -> Iterator[str]:
        for text in texts:
            parts = sections(text, limit)
            starts.append([start for start, _part in parts])
            yield from (part for _start, part in parts)

    batches = _chunks(flat(), max(1, batch_size))
    if n_process > 1 and sys.platform == "linux":
        results = _detect_forked(nlp, batches, n_process)
    else:
        results = (result for batch in batches for result in _detect_batch(nlp, batch))
    for position, first in enumerate(results):
        offsets = starts.popleft()
        found: list[Quote] = []
        problems: list[str] = []
        for k, start in enumerate(offsets):
            result = first if k == 0 else next(results)
            if isinstance(result, str):
                where = f" (the part from character {start:,})" if len(offsets) > 1 else ""
                problems.append(result + where)
            else:
                found.extend(shift_quotes(result, start))
        for problem in problems:
            report(position, problem)
        yield [] if problems and not found else found


def sections(text: str, limit: int) -> list[tuple[int, str]]:
    """``text`` as ``(offset, part)`` pairs of at most ``limit`` code points each, cut
    after a paragraph break where there is one (:func:`cut_pieces`); one pair when the
    text fits. spaCy refuses texts over ``nlp.max_length`` (1,000,000 by default), and a
    Doc of a 64 MB article would not fit in memory: each part is parsed on its own."""
    if len(text) <= limit:
        return [(0, text)]
    out = []
    start = 0
    for part in cut_pieces(text, limit):
        out.append((start, part))
        start += len(part)
    return out


def shift_quotes(quotes: list[Quote], offset: int) -> list[Quote]:
    """``quotes`` with every span moved ``offset`` code points later (a section's quotes
    as offsets into the whole text); the same list when ``offset`` is 0."""
    if not offset:
        return quotes

    def moved(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((a + offset, b + offset) for a, b in spans)

    return [
        q.with_(
            content_spans=moved(q.content_spans),
            speaker_spans=moved(q.speaker_spans),
            cue_spans=moved(q.cue_spans),
        )
        for q in quotes
    ]


#: Texts longer than this many code points are parsed in pieces cut at paragraph breaks
#: (:func:`parse_long`): spaCy's parse of one 1M-character text peaks at about 3.3 GB
#: (bench/bench_detect_scale.py), while pieces of this size keep it near that of one
#: piece. The quote rules still run once over the whole text, so speakers and pronouns
#: resolve across pieces.
PIECE_CHARS = 100_000


def cut_pieces(text: str, size: int | None = None) -> list[str]:
    """``text`` cut into consecutive pieces of at most about ``size`` code points (default
    :data:`PIECE_CHARS`), each ending after a paragraph break, else a line break, else a
    sentence end, else a space, else at ``size`` exactly; ``"".join(pieces) == text``."""
    size = PIECE_CHARS if size is None else max(1, size)
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            at = window.rfind(sep)
            if at > size // 4:  # a piece far shorter than size only for a hard cut
                cut = at + len(sep)
                break
        if cut <= 0:
            cut = size
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _check(stop: Callable[[], bool] | None) -> None:
    if stop is not None and stop():
        raise Stopped("parse stopped")


def parse_long(nlp: Language, text: str, stop: Callable[[], bool] | None = None) -> Doc:
    """``nlp(text)`` for a long text: every component but the quote rules runs on the
    pieces of :func:`cut_pieces`, the pieces are joined into one Doc (the same text), and
    the quote rules (``annotator_quotes``) run once on it. A trained component's fragments
    and uncertainty (:mod:`annotator.nlp.learned`) are carried over to the joined Doc.
    ``stop()`` (None: never) is polled before each component of each piece; True raises
    :class:`~annotator.core.errors.Stopped`."""
    from annotator.nlp.learned import LEARNED, learned_spans

    docs: list[Doc] = []
    fragments: list[tuple[int, int, float]] = []
    tagged = False  # a trained component tagged the pieces (even if it found nothing)
    weighted = 0.0
    measured = 0
    offset = 0
    for piece in cut_pieces(text):
        doc = nlp.make_doc(piece)
        for name, proc in nlp.pipeline:
            if name != "annotator_quotes":
                _check(stop)
                doc = proc(doc)
        found = learned_spans(doc)
        if found is not None:
            tagged = True
            fragments.extend((a + offset, b + offset, c) for a, b, c in found)
        value = doc._.quote_uncertainty if Doc.has_extension("quote_uncertainty") else None
        if value is not None:
            weighted += float(value) * len(doc)
            measured += len(doc)
        docs.append(doc)
        offset += len(piece)
    joined = Doc.from_docs(docs, ensure_whitespace=False, exclude=["spans", "user_data"])  # type: ignore[call-arg]
    if tagged:
        spans = [joined.char_span(a, b, label="CONTENT") for a, b, _ in fragments]
        kept = [(span, c) for span, (_, _, c) in zip(spans, fragments, strict=True) if span]
        joined.spans[LEARNED] = [span for span, _ in kept]
        joined.spans[LEARNED].attrs["confidence"] = [c for _, c in kept]
    if measured:
        joined._.quote_uncertainty = weighted / measured
    if "annotator_quotes" in nlp.pipe_names:
        _check(stop)
        joined = nlp.get_pipe("annotator_quotes")(joined)
    return joined


def parse_polled(nlp: Language, text: str, stop: Callable[[], bool]) -> Doc:
    """:func:`parse_text` of ``text`` one pipeline component at a time, polling ``stop()``
    before each (make the cancel of a parse wait for one component of one text, not a
    batch of texts: 16 news articles take 3-6 s through the English pipeline on a loaded
    machine, one component of one 4,000-character article 0.01-0.3 s).

    Raises:
        Stopped: ``stop()`` was true; the text is left unparsed.
    """
    if len(text) > PIECE_CHARS:
        return parse_long(nlp, text, stop)
    _check(stop)
    doc = nlp.make_doc(text)
    for _name, proc in nlp.pipeline:
        _check(stop)
        doc = proc(doc)
    return doc


def parse_texts(nlp: Language, texts: list[str]) -> Iterator[Doc]:
    """The processed Doc of each text, in order: short texts through ``nlp.pipe`` in one
    batch, texts over :data:`PIECE_CHARS` through :func:`parse_long`."""
    if all(len(t) <= PIECE_CHARS for t in texts):
        yield from nlp.pipe(texts, batch_size=max(1, len(texts)))
        return
    for text in texts:
        yield nlp(text) if len(text) <= PIECE_CHARS else parse_long(nlp, text)


def parse_text(nlp: Language, text: str) -> Doc:
    """:func:`parse_texts` of one text."""
    return nlp(text) if len(text) <= PIECE_CHARS else parse_long(nlp, text)


def _detect_batch(nlp: Language, texts: list[str]) -> list[_Result]:
    """Quotes of each text, parsed as one batch; a failing batch is redone text by text."""
    out: list[_Result | None] = [text_problem(text) for text in texts]
    todo = [i for i, problem in enumerate(out) if problem is None]
    try:
        docs = parse_texts(nlp, [texts[i] for i in todo])
        for i, doc in zip(todo, docs):
            out[i] = detect_doc(doc)
    except Exception:  # isolate the text that fails, below
        for i in todo:
            if out[i] is None:
                out[i] = _detect_one(nlp, texts[i])
    return [[] if r is None else r for r in out]


def _detect_one(nlp: Language, text: str) -> _Result:
    try:
        return detect_doc(parse_text(nlp, text))
    except Exception as exc:  # one text must not stop the others
        return f"detection failed: {type(exc).__name__}: {exc}"


# The pipeline the forked workers inherit (set just before the pool starts).
_WORKER_NLP: Language | None = None


def _detect_in_worker(texts: list[str]) -> list[_Result]:
    assert _WORKER_NLP is not None
    return _detect_batch(_WORKER_NLP, texts)


def _detect_forked(
    nlp: Language, batches: Iterable[list[str]], n_process: int
) -> Iterator[_Result]:
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
        window: deque[AsyncResult[list[_Result]]] = deque()
        for batch in batches:
            window.append(pool.apply_async(_detect_in_worker, (batch,)))
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
    speakers: dict[str, list[tuple[int, int]]] = {}
    cues = _by_id(doc, CUES)
    # the text of each quote's first speaker span (not Doc.text: it joins every token)
    speaker_texts: dict[str, str] = {}
    if SPEAKERS in doc.spans:
        for span in doc.spans[SPEAKERS]:
            # '"..." -Alderman Joe Pike': the tokenizer glues a byline's dash to the name,
            # and the span grows to that token; the dash is no part of the mention
            words = span.text
            cut = len(words) - len(words.lstrip(_GLUED_DASHES))
            if not words[cut : cut + 1].isalpha():
                cut = 0
            speakers.setdefault(span.id_, []).append((span.start_char + cut, span.end_char))
            speaker_texts.setdefault(span.id_, words[cut:])
    out = []
    for qid in order:
        spk = speakers.get(qid, [])
        conf = confidence.get(qid)
        out.append(
            Quote(
                content_spans=tuple(sorted(content[qid])),
                speaker_spans=tuple(spk),
                cue_spans=tuple(cues.get(qid, [])),
                speaker_text=speaker_texts.get(qid) if spk else None,
                speaker_name=names[qid] or None,
                kind=kinds[qid],
                status="pending",
                origin="model",
                confidence=None if conf is None else float(conf),
            )
        )
    return out


#: Dashes a byline glues to the name after it (``-Alderman``).
_GLUED_DASHES = "―—–-~"


def _by_id(doc: Doc, key: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    if key in doc.spans:
        for span in doc.spans[key]:
            out.setdefault(span.id_, []).append((span.start_char, span.end_char))
    return out


def text_uncertainties(
    nlp: Language, texts: Iterable[str], batch_size: int = 16
) -> Iterator[float | None]:
    """The trained model's uncertainty about each text, in input order (for "next most
    useful article": highest first).

    Each value is :func:`annotator.nlp.learned.article_uncertainty` of the text's tokens,
    a float in 0..0.5; None for every text when ``nlp`` has no trained component, and for
    a text spaCy cannot take (:func:`text_problem`). Runs the whole pipeline, so it costs
    what detection costs.
    """
    if FACTORY not in nlp.pipe_names:
        for _ in texts:
            yield None
        return
    limit = nlp.max_length
    batch: list[str] = []
    for text in [*texts, None]:
        if text is not None:
            batch.append(text[:limit])
            if len(batch) < batch_size:
                continue
        ok = [t for t in batch if text_problem(t) is None]
        docs = parse_texts(nlp, ok)
        for t in batch:
            if text_problem(t) is None:
                value = next(docs)._.quote_uncertainty
                yield None if value is None else float(value)
            else:
                yield None
        batch = []
