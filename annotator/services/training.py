"""Train the detector's learned part on a project's own annotations (issue 13). No Qt.

:func:`train_from_project` reads a project (its own read-only connection: the window
runs it in a process of its own, :mod:`annotator.services.train_process`, while it keeps
writing), parses the annotated articles with the
base English pipeline, and trains the CRF of :mod:`annotator.nlp.learned` on them. The
result is a spaCy pipeline directory (the base pipeline's components plus
``annotator_learned_quotes``) that ``spacy.load`` opens and ``annotator detect --model
DIR`` uses with the rules (:func:`annotator.nlp.pipeline.load_pipeline`).

What it learns from:

- ``TrainOptions.annotators`` named: those annotators' accepted quotes; when several of
  them annotated one article, the article's quotes are their union (each content token
  labelled once).
- ``gold``: the reviewed (gold) quotes, of the reviewers named in ``annotators`` if any.
- neither: every annotator's accepted quotes, which needs one version per article, as
  export does: when two annotators annotated one article, :class:`TrainingError` asks to
  choose (``--annotator`` or ``--gold``).

An article counts as annotated when it has at least one accepted or rejected quote of the
chosen people (gold: at least one gold quote). Every token outside an accepted quote is a
negative (``O``): the tokens of rejected suggestions among them.

Training is a series of rounds ("epochs") of L-BFGS over the whole training part, each
with more iterations than the last (:data:`ROUNDS`), each scored on the dev part with the
full detector (rules + learned fragments, the product's own overlap rule) by
:mod:`annotator.core.scoring`, at each confidence floor of :data:`THRESHOLDS` on the
fragments' confidence as calibrated on that dev part (:class:`annotator.nlp.learned.
Calibration`, fitted on the fragments that overlap no rule quote). The best
round and floor so far (first those that keep the rules' own direct lenient F1 and
speaker accuracy on that dev part, :func:`_keeps_rules`; then by :func:`_objective`: the
mean of the all-attribution lenient and strict F1 and the direct lenient F1) are written
to ``out_dir`` at once, atomically (a temporary folder beside it, then a rename), so a
cancel, a Ctrl+C or a crash leaves the best model so far.

Memory: the training part is streamed (each text read, parsed, turned into features and
dropped); the dev part's parses wait in a temporary file between rounds (:class:`DevStore`)
and are read back one at a time. An accepted quote whose spans do not fit its text
(:func:`training_span_problem`) is left out and listed in :attr:`TrainResult.left_out`.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from annotator.core.errors import AnnotatorError
from annotator.core.model import Quote, quote_span_problem
from annotator.core.outputs import output_problem
from annotator.core.scoring import ScoredArticle, ScoredQuote
from annotator.services.locations import APP_NAME
from annotator.services.people import selection_problem
from annotator.store.project import Project
from annotator.store.selection import Selection, iter_gold_rows

#: L-BFGS iterations of each training round (the rounds restart from zero: CRFsuite keeps
#: no state between runs, and a short run is a regularised model of its own). On PolNeAR
#: (bench/bench_train.py, 50 to 840 articles) the 30-iteration round was chosen every
#: time and a third round of 100 never; two rounds keep the full set under 30 minutes.
ROUNDS: tuple[int, ...] = (30, 60)
#: CRFsuite's L1 and L2 penalties (c1, c2); L1 keeps the model small (a few MB at most).
C1, C2 = 0.05, 0.01
#: Fewer annotated articles than this cannot give both a training and a dev part.
MIN_ARTICLES = 4
#: With ``max_minutes``: the share of the limit that reading, parsing and the features of
#: both parts may use, and the dev part's parse alone (a share of the time left when the
#: model is loaded: the read and the load can take much of a short limit); the articles
#: not reached are left
#: out (both parts are shuffled, so those used are a random sample). The rest of the limit
#: is for the rounds (tester18 T12: on 100,000 articles the whole limit went to parsing
#: and nothing was written).
PARSE_SHARE = 0.5
DEV_SHARE = 0.1
#: The name of the trained component's marker in a model directory's meta.json.
META_KEY = "quote_annotator"


class TrainingError(AnnotatorError, ValueError):
    """Training cannot run as asked (no project, too few annotated articles, bad option,
    an output folder that is not a model); the message is one line."""


class TooFewArticles(TrainingError):
    """Fewer annotated articles than :data:`MIN_ARTICLES` (or none in one of the parts)."""


class TrainingCancelled(TrainingError):
    """Stopped before the first model was written: nothing is in ``out_dir``."""


@dataclass(frozen=True)
class TrainOptions:
    """What to train on and how long.

    ``annotators``: whose accepted quotes (with ``gold``: which reviewers' gold quotes);
    empty: everybody's (see the module doc for articles with several versions).
    ``dev_fraction``: share of the annotated articles held out to score each round
    (0 < f < 1; at least one article each side). ``seed``: the article shuffle.
    ``max_minutes``: the time limit of the whole run. Reading and parsing may use
    :data:`PARSE_SHARE` of it (the dev part :data:`DEV_SHARE` of the time left once the
    model is loaded): the articles not parsed by then are left out (a random sample is
    used). The first round always runs to its end, so a model is written (only a cancel
    stops it); a later round is stopped when the limit has passed, and the best model so
    far stays. ``base_model``: the pipeline whose parse the features read (None:
    the installed English model as :func:`annotator.nlp.pipeline.load_pipeline` picks it;
    ``"rules-only"``: a blank English pipeline, for tests and machines without a model).
    ``rounds``: L-BFGS iterations per round (default :data:`ROUNDS`).
    """

    annotators: tuple[str, ...] = ()
    gold: bool = False
    dev_fraction: float = 0.2
    seed: int = 0
    max_minutes: float | None = None
    base_model: str | None = None
    rounds: tuple[int, ...] = ROUNDS


def direct_f1(dev: dict[str, float]) -> float | None:
    """The direct lenient F1 of dev figures, or None when no direct quote was held out."""
    if dev.get("direct_gold", 1.0) == 0:
        return None
    return dev.get("direct_lenient_f1")


@dataclass(frozen=True)
class EpochReport:
    """One finished round: its number (1-based), seconds it took, the final training loss
    (CRFsuite's negative log-likelihood plus penalty), the dev figures (``dev``: fractions
    0..1 keyed ``all_lenient_f1``, ``all_strict_f1``, ``all_lenient_p``, ``all_lenient_r``,
    ``direct_lenient_f1``, ``direct_strict_f1``, ``speaker_name_acc``; the rules alone on
    the same part: ``rules_direct_lenient_f1``, ``rules_speaker_name_acc``; the floor
    chosen: ``min_confidence``; ``direct_gold``: the number of direct quotes held out, 0
    making the direct figures meaningless, see :func:`direct_f1`) and whether it is the
    best so far (then it is in ``out_dir``)."""

    epoch: int
    seconds: float
    loss: float
    dev: dict[str, float]
    best: bool


@dataclass(frozen=True)
class TrainResult:
    """The training run: where the model is, rounds run, the best round's dev figures,
    the articles of each part, the run's seconds, and whether it ended before its last
    round (cancel, Ctrl+C or ``max_minutes``).

    ``left_out``: the accepted quotes not learned from, one line each ("article 12, quote
    345: content span [-5, 99] starts before the text (negative offset)"), see
    :func:`training_span_problem`. ``peak_rss_mb``: the training process's peak resident
    memory in MB, when it ran in a process of its own (:mod:`annotator.services.
    train_process`); None otherwise."""

    model_dir: Path
    epochs: int
    best_dev: dict[str, float]
    train_articles: int
    dev_articles: int
    seconds: float
    stopped_early: bool
    left_out: tuple[str, ...] = ()
    peak_rss_mb: float | None = None
    #: the annotated articles of each part before ``max_minutes`` sampled them (0: all
    #: were used; see :data:`PARSE_SHARE`)
    train_available: int = 0
    dev_available: int = 0


@dataclass(frozen=True)
class TrainedModel:
    """A model directory written by :func:`train_from_project`."""

    name: str
    path: Path
    trained_at: str
    best_dev: dict[str, float] = field(default_factory=dict)


def default_models_dir() -> Path:
    """Where the window keeps trained models: ``<user data dir>/quote-annotator/models``
    (on Linux ``~/.local/share/quote-annotator/models``); created when missing."""
    path = user_data_path(APP_NAME, appauthor=False) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_info(path: Path) -> TrainedModel | None:
    """The model in ``path``, or None when ``path`` is not a trained model directory."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    info = meta.get(META_KEY) if isinstance(meta, dict) else None
    if not isinstance(info, dict):
        return None
    dev = info.get("best_dev") or {}
    return TrainedModel(
        name=path.name,
        path=path,
        trained_at=str(info.get("trained_at", "")),
        best_dev={str(k): float(v) for k, v in dev.items()},
    )


def list_trained_models(folder: Path | None = None) -> list[TrainedModel]:
    """The trained models in ``folder`` (default :func:`default_models_dir`), by name;
    hidden folders (a model being written) are left out."""
    base = default_models_dir() if folder is None else folder
    if not base.is_dir():
        return []
    # a hidden folder is a model being written (``.NAME.partial``, left whole or not by a
    # process killed while writing), never one to offer
    found = (
        model_info(p) for p in sorted(base.iterdir()) if p.is_dir() and not p.name.startswith(".")
    )
    return [m for m in found if m is not None]


# -- reading the project -------------------------------------------------------------------


@dataclass
class _Article:
    ident: int
    text: str
    content: list[tuple[int, int]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    #: each quote's id (its annotation's, or its gold quote's), in the order of ``quotes``
    quote_ids: list[int] = field(default_factory=list)


def training_span_problem(quote: Quote, length: int) -> str | None:
    """Why ``quote`` cannot be learned from in a text of ``length`` characters, or None.

    The import's and the exports' rules first (:func:`~annotator.core.model.
    quote_span_problem`: a content, speaker or cue span with a negative offset, empty or
    reversed, or reaching past the end of the text; no content span), then two content
    fragments that overlap one another (the editor joins such fragments: a project
    changed by hand may hold them, and each character of a quote is labelled once).
    """
    why = quote_span_problem(quote, length)
    if why is not None:
        return why
    spans = sorted(quote.content_spans)
    for (a, b), (c, d) in zip(spans, spans[1:]):
        if c < b:
            return f"content spans [{a}, {b}] and [{c}, {d}] overlap"
    return None


def _left_out_line(gold: bool, article_id: int, quote_id: int, why: str) -> str:
    """One line of :attr:`TrainResult.left_out`, worded as the exports' list."""
    return f"article {article_id}, {'gold quote' if gold else 'quote'} {quote_id}: {why}"


def _check_against_text(art: _Article, text: str, gold: bool, left_out: list[str]) -> None:
    """Leave out of ``art`` the quotes whose spans do not fit ``text`` (each named in
    ``left_out``); ``art.content`` is rebuilt from the quotes kept."""
    length = len(text)
    if all(b <= length for q in art.quotes for a, b in _all_spans(q)):
        return  # the other rules were checked when the quotes were read
    kept: list[Quote] = []
    ids: list[int] = []
    for q, ident in zip(art.quotes, art.quote_ids, strict=True):
        why = training_span_problem(q, length)
        if why is None:
            kept.append(q)
            ids.append(ident)
        else:
            left_out.append(_left_out_line(gold, art.ident, ident, why))
    art.quotes, art.quote_ids = kept, ids
    art.content = [s for q in kept for s in q.content_spans]


def _all_spans(quote: Quote) -> tuple[tuple[int, int], ...]:
    return quote.content_spans + quote.speaker_spans + quote.cue_spans


def _check_options(out_dir: Path, options: TrainOptions) -> None:
    if not 0.0 < options.dev_fraction < 1.0:
        raise TrainingError(
            f"--dev-fraction must be between 0 and 1 (exclusive), not {options.dev_fraction:g}"
        )
    if options.max_minutes is not None and not options.max_minutes > 0:
        raise TrainingError(f"--max-minutes must be positive, not {options.max_minutes:g}")
    if not options.rounds or any(r < 1 for r in options.rounds):
        raise TrainingError("every training round needs at least one iteration")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise TrainingError(f"{out_dir}: is a file; give a new folder for the model")
        if any(out_dir.iterdir()) and model_info(out_dir) is None:
            raise TrainingError(
                f"{out_dir}: exists and is not a trained model; nothing was written, "
                "choose a new folder"
            )
    why = output_problem(out_dir, folder=True)
    if why:
        raise TrainingError(f"{out_dir}: {why}")


#: The steps :func:`train_from_project` tells its ``stage`` callback: the held-out articles
#: parsed (done, total), the articles to learn from parsed and turned into features (done,
#: total), a round started (its number, the rounds).
STAGE_DEV, STAGE_TRAIN, STAGE_ROUND = "dev", "train", "round"

#: Rows read between two polls of the cancel while reading the annotations.
POLL_ROWS = 512


def _read_articles(
    project: Project,
    options: TrainOptions,
    over: Callable[[], bool] = lambda: False,
    left_out: list[str] | None = None,
) -> list[_Article]:
    """The annotated articles with their accepted quotes. ``over()`` is polled every
    :data:`POLL_ROWS` rows and inside each statement (:meth:`Project.stop_when`; at
    100,000 articles this read takes a minute); True raises :class:`TrainingCancelled`.
    An accepted quote whose spans cannot be right in any text (:func:`training_span_problem`
    but for the text's length, checked when the text is read) is left out and named in
    ``left_out``."""
    from annotator.store.db import was_interrupted

    project.stop_when(over)
    try:
        return _read_rows(project, options, over, [] if left_out is None else left_out)
    except Exception as exc:  # SQLite's "interrupted"
        if was_interrupted(exc) and over():
            raise TrainingCancelled(_CANCELLED_READING) from None
        raise
    finally:
        project.stop_when(None)


_CANCELLED_READING = "training was stopped while reading the annotations; nothing was written"


def _read_rows(
    project: Project, options: TrainOptions, over: Callable[[], bool], left_out: list[str]
) -> list[_Article]:
    by_id: dict[int, _Article] = {}
    why = selection_problem(
        project, options.annotators, options.gold, "train on the annotators' quotes"
    )
    if why:
        raise TrainingError(why)
    if options.gold:
        rows = (
            (g.article_id, g.id, g.quote)
            for g in iter_gold_rows(project, Selection(True, options.annotators))
        )
    else:
        if not options.annotators:
            shared = project.annotators_sharing_articles(("accepted", "rejected"))
            if shared:
                raise TrainingError(
                    f"articles of this project have versions by {len(shared)} annotators "
                    f"({', '.join(shared)}): choose --annotator NAME (repeatable) or --gold"
                )
        rows = (
            (r.article_id, r.id, r.quote)
            for r in project.iter_annotation_rows(
                options.annotators or None, ("accepted", "rejected")
            )
        )
    for n, (article_id, quote_id, quote) in enumerate(rows):
        if n % POLL_ROWS == 0 and over():
            raise TrainingCancelled(_CANCELLED_READING)
        art = by_id.get(article_id)
        if art is None:
            art = by_id[article_id] = _Article(article_id, "")
        if quote.status == "accepted":
            # what no text can hold is left out now; the text's end when it is read
            why = training_span_problem(quote, sys.maxsize)
            if why is not None:
                left_out.append(_left_out_line(options.gold, article_id, quote_id, why))
                continue
            art.content.extend(quote.content_spans)
            art.quotes.append(quote)
            art.quote_ids.append(quote_id)
    # the texts are not read here: each is read when it is parsed (see _texts)
    return [by_id[k] for k in sorted(by_id)]


def _texts(
    project: Project, articles: Sequence[_Article], over: Callable[[], bool]
) -> Iterator[tuple[_Article, str]]:
    """Each article of ``articles`` with its text, read from ``project`` a chunk of ids at
    a time (only that chunk's texts are held). ``over()`` is polled every
    :data:`POLL_ROWS` texts: True raises :class:`TrainingCancelled`."""
    ids = [a.ident for a in articles]
    for n, (art, stored) in enumerate(zip(articles, project.iter_articles(ids), strict=True)):
        if n % POLL_ROWS == 0 and over():
            raise TrainingCancelled(_CANCELLED_READING)
        yield art, stored.text


def _split(
    articles: list[_Article], options: TrainOptions
) -> tuple[list[_Article], list[_Article]]:
    n = len(articles)
    if n < MIN_ARTICLES:
        who = "gold" if options.gold else "annotated"
        raise TooFewArticles(
            f"only {n} {who} article{'s' if n != 1 else ''} to learn from; training needs at "
            f"least {MIN_ARTICLES} (accept or reject the suggestions of a few more articles)"
        )
    order = list(articles)
    random.Random(options.seed).shuffle(order)
    n_dev = min(n - 1, max(1, round(n * options.dev_fraction)))
    dev, train = order[:n_dev], order[n_dev:]
    if not any(a.content for a in train):
        raise TooFewArticles("no accepted quote in the training part: accept a few quotes first")
    return train, dev


# -- training ------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside CRFsuite's iteration callback to end a round."""


def _trainer_class() -> Any:
    import pycrfsuite

    class Trainer(pycrfsuite.Trainer):  # type: ignore[misc]
        """CRFsuite's trainer, quiet, calling ``tick(loss)`` after each iteration and
        ``poll()`` at every message of CRFsuite's log (its feature generation, before the
        first iteration, prints a progress mark every tenth of the data); either True
        ends the run."""

        tick: Callable[[float], bool] = staticmethod(lambda loss: False)
        poll: Callable[[], bool] = staticmethod(lambda: False)
        loss = math.nan

        def message(self, message: str) -> None:
            if self.poll():
                raise _Stop()
            event = self.logparser.feed(message)
            if event == "iteration":
                info = self.logparser.last_iteration
                self.loss = float(info.get("loss", math.nan))
                if self.tick(self.loss):
                    raise _Stop()

    return Trainer


#: Confidence floors tried for the learned fragments on the dev part each round (on the
#: calibrated confidence, :class:`annotator.nlp.learned.Calibration`).
THRESHOLDS: tuple[float, ...] = (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def _objective(figures: dict[str, float]) -> float:
    """What a round and a confidence floor are chosen by, among those that keep the rules'
    figures (:func:`_keeps_rules`): the mean of the all-attribution lenient and strict F1
    and the direct lenient F1 (the three targets of issue 13)."""
    return (figures["all_lenient_f1"] + figures["all_strict_f1"] + figures["direct_lenient_f1"]) / 3


def _keeps_rules(figures: dict[str, float]) -> bool:
    """Does the full detector keep what the rules alone reach on the same dev part: the
    direct lenient F1 (when direct quotes were held out) and the speaker name accuracy
    (``rules_direct_lenient_f1`` and ``rules_speaker_name_acc`` in ``figures``)? The
    trained part is there to add reported speech, not to cost direct quotes or speakers
    (every learned quote that overlaps no attribution costs direct precision too)."""
    eps = 1e-9
    direct_ok = figures.get("direct_gold", 1.0) == 0 or (
        figures["direct_lenient_f1"] + eps >= figures["rules_direct_lenient_f1"]
    )
    return direct_ok and figures["speaker_name_acc"] + eps >= figures["rules_speaker_name_acc"]


def _rank(figures: dict[str, float]) -> tuple[bool, float]:
    """The order rounds and floors are chosen in: keeping the rules' figures first, then
    :func:`_objective`."""
    return _keeps_rules(figures), figures["objective"]


def _charset(spans: Sequence[tuple[int, int]]) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


@dataclass(frozen=True)
class _DevItem:
    """What the dev scoring needs of one held-out article: its id, its gold quotes as the
    scorer sees them, the accepted content spans, and its parsed Doc (text included)."""

    ident: int
    gold: tuple[ScoredQuote, ...]
    content: tuple[tuple[int, int], ...]
    doc: Any


def _scored_gold(quotes: Iterable[Quote]) -> tuple[ScoredQuote, ...]:
    return tuple(
        ScoredQuote(q.content_spans, q.speaker_spans, q.speaker_text, q.kind == "direct")
        for q in quotes
    )


class DevStore:
    """The dev part's parsed articles on disk between rounds (issue 16: each parsed Doc
    is about 0.45 MB in memory and the dev part was held whole for every round).

    :meth:`add` writes an article's :class:`_DevItem` (the Doc as ``Doc.to_bytes``
    without its tok2vec tensor, which no step after the parse reads) to an anonymous
    temporary file, which the system deletes when it is closed or the process ends;
    iterating reads them back in order, one at a time, as often as asked. Memory: one Doc
    and one offset per article; disk: about 90 kB for an article of 700 tokens (341 kB
    with the tensor), read back in about 9 ms. A context manager."""

    def __init__(self, vocab: Any) -> None:
        import tempfile

        self.vocab = vocab
        # closed by close() / the with block (it lives across the rounds)
        self._file = tempfile.TemporaryFile(prefix="annotator-dev-")  # noqa: SIM115
        self._ends: list[int] = []

    def add(self, art: _Article, doc: Any) -> None:
        import pickle

        record = (
            art.ident,
            _scored_gold(art.quotes),
            tuple(art.content),
            doc.to_bytes(exclude=["tensor"]),
        )
        self._file.seek(0, 2)
        self._file.write(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        self._ends.append(self._file.tell())

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[_DevItem]:
        import pickle

        from spacy.tokens import Doc

        start = 0
        for end in self._ends:
            self._file.seek(start)
            ident, gold, content, data = pickle.loads(self._file.read(end - start))
            start = end
            yield _DevItem(ident, gold, content, Doc(self.vocab).from_bytes(data))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DevStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _DevInMemory:
    """The dev part as parsed Docs kept in memory (the benches' :class:`TrainingSet`)."""

    def __init__(self, dev: Sequence[_Article], docs: Sequence[Any]) -> None:
        self.dev, self.docs = dev, docs

    def __len__(self) -> int:
        return len(self.dev)

    def __iter__(self) -> Iterator[_DevItem]:
        for art, doc in zip(self.dev, self.docs, strict=True):
            yield _DevItem(art.ident, _scored_gold(art.quotes), tuple(art.content), doc)


def _dev_figures(
    tagger: Any,
    dev_items: Iterable[_DevItem],
    marks_inside: bool,
    over: Callable[[], bool] = lambda: False,
) -> tuple[dict[str, float], Any]:
    """The dev figures of the full detector (rules + learned fragments) at the confidence
    floor :func:`_pick_floor` chooses among :data:`THRESHOLDS` (that floor as
    ``min_confidence``), and the :class:`~annotator.nlp.learned.Calibration` fitted on the
    dev fragments that become quotes of their own (those overlapping no rule quote), which
    the floors apply to. See :func:`_dev_table`."""
    table, calibration = _dev_table(tagger, dev_items, marks_inside, over)
    return _pick_floor(table), calibration


def _dev_table(
    tagger: Any,
    dev_items: Iterable[_DevItem],
    marks_inside: bool,
    over: Callable[[], bool] = lambda: False,
    calibration: Any = None,
) -> tuple[list[dict[str, float]], Any]:
    """The dev figures of the full detector at every floor of :data:`THRESHOLDS` (one dict
    per floor, in that order, with ``min_confidence``, the rules' own figures and
    ``objective``), and the calibration they were scored with: ``calibration`` when given
    (the benches score held-out articles with the dev part's), else the one fitted here.

    ``dev_items`` is read twice, an article at a time (a :class:`DevStore`: memory does
    not grow with the dev part): once to tag it and fit the calibration, once to score
    the rules alone and every floor. ``over()`` is polled before each article of each
    pass: True raises :class:`_Stop` (the round is not scored: on a large dev part the
    passes take minutes)."""
    from annotator.core.scoring import Scores, score_article
    from annotator.nlp.learned import Calibration, fragment_cues, tag_doc, token_features
    from annotator.nlp.quotes import extract_quotes

    tagged: list[list[tuple[int, int, float, int]]] = []
    samples: list[tuple[float, int, bool]] = []
    for item in dev_items:
        if over():
            raise _Stop()
        doc = item.doc
        spans, conf, _ = tag_doc(tagger, doc, token_features(doc))
        cued = fragment_cues(doc, spans)
        frags = [
            (doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), c, q)
            for (a, b), c, q in zip(spans, conf, cued, strict=True)
        ]
        tagged.append(frags)
        if frags:
            ruled = _charset(
                [s for r in extract_quotes(doc, marks_inside=marks_inside) for s in r.content]
            )
            accepted = _charset(item.content)
            for a, b, c, q in frags:
                here = set(range(a, b))
                if not here & ruled:
                    samples.append((c, q, bool(here & accepted)))
    if calibration is None:
        calibration = Calibration.fit(samples)
    floors: tuple[float | None, ...] = (None, *THRESHOLDS)  # None: the rules alone
    counts = {(f, sub): Scores() for f in floors for sub in ("all", "direct")}

    def figures_of() -> float:
        """Add each article's counts at every floor; the direct quotes held out."""
        direct_gold = 0
        for item, frags in zip(dev_items, tagged, strict=True):
            if over():
                raise _Stop()
            gold = ScoredArticle(str(item.ident), item.doc.text, item.gold)
            direct_gold += sum(q.direct for q in item.gold)
            for floor in floors:
                learned = None
                if floor is not None:
                    learned = [
                        (a, b, p) for a, b, c, q in frags if (p := calibration.apply(c, q)) >= floor
                    ]
                records = extract_quotes(item.doc, marks_inside=marks_inside, learned=learned)
                pred = [
                    ScoredQuote(
                        r.content,
                        (r.speaker,) if r.speaker else (),
                        r.speaker_text,
                        r.kind == "direct",
                    )
                    for r in records
                ]
                for subset in ("all", "direct"):
                    counts[(floor, subset)] += score_article(gold, pred, subset)  # type: ignore[arg-type]
        return float(direct_gold)

    # with no direct quote held out, the direct F1 is 0 by definition: say n/a instead
    direct_gold = figures_of()

    def figures_at(floor: float | None) -> dict[str, float]:
        figures: dict[str, float] = {"direct_gold": direct_gold}
        for subset in ("all", "direct"):
            s = counts[(floor, subset)]
            p, r, f = s.lenient
            figures[f"{subset}_lenient_p"] = p
            figures[f"{subset}_lenient_r"] = r
            figures[f"{subset}_lenient_f1"] = f
            figures[f"{subset}_strict_f1"] = s.strict[2]
            if subset == "all":
                figures["speaker_name_acc"] = s.speaker_name_acc
        return figures

    rules = figures_at(None)
    table = []
    for floor in THRESHOLDS:
        figures = figures_at(floor)
        figures["min_confidence"] = floor
        figures["rules_direct_lenient_f1"] = rules["direct_lenient_f1"]
        figures["rules_speaker_name_acc"] = rules["speaker_name_acc"]
        figures["rules_all_lenient_f1"] = rules["all_lenient_f1"]
        figures["objective"] = _objective(figures)
        table.append(figures)
    return table, calibration


def _pick_floor(table: Sequence[dict[str, float]]) -> dict[str, float]:
    """The figures of the floor chosen from a round's ``table`` (:func:`_dev_table`): the
    best by :func:`_rank`; of equal ranks the lowest floor (the first)."""
    best: dict[str, float] | None = None
    for figures in table:
        if best is None or _rank(figures) > _rank(best):
            best = figures
    assert best is not None
    return best


def _better(a: dict[str, float], b: dict[str, float] | None) -> bool:
    return b is None or _rank(a) > _rank(b)


def _write_model(nlp: Any, out_dir: Path, data: bytes, info: dict[str, Any]) -> None:
    """Write ``nlp`` with the CRF ``data`` to ``out_dir``: a temporary folder, then renames."""
    component = nlp.get_pipe("annotator_learned_quotes")
    component.set_model(data, info)
    nlp.meta[META_KEY] = info
    tmp = out_dir.with_name(f".{out_dir.name}.partial")
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    nlp.to_disk(tmp)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def clear_partial(out_dir: Path) -> None:
    """Tidy what a training process killed while it worked on ``out_dir`` may leave
    beside it: the model being written (``.NAME.partial``), the round's CRFsuite file
    (``.NAME.crfsuite``), and, killed between :func:`_write_model`'s two renames, the
    previous model set aside as ``.NAME.old`` (put back when ``NAME`` is missing). Leaves
    ``out_dir`` holding a whole model or nothing."""
    out_dir = Path(out_dir)
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(out_dir.with_name(f".{out_dir.name}.partial"), ignore_errors=True)
    out_dir.with_name(f".{out_dir.name}.crfsuite").unlink(missing_ok=True)
    if old.is_dir() and not out_dir.exists():
        old.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def train_from_project(
    db_path: Path,
    out_dir: Path,
    options: TrainOptions,
    *,
    progress: Callable[[EpochReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    stage: Callable[[str, int, int], None] | None = None,
) -> TrainResult:
    """Train on the project at ``db_path`` and write the model directory ``out_dir``.

    ``progress`` gets an :class:`EpochReport` after each round; ``stage(what, done,
    total)`` is told the step under way (:data:`STAGE_DEV`, :data:`STAGE_TRAIN` with the
    articles parsed of the part's, :data:`STAGE_ROUND` with the round and the rounds, at
    its start); ``should_stop()`` is polled
    at every step of a fraction of a second (every few hundred annotation rows read,
    before each pipeline component of each article parsed, before each article's
    features, at every message of CRFsuite's log and after every L-BFGS iteration, before
    each dev article scored): True ends training there, leaving the best model so far in
    ``out_dir`` (a stopped round is never written; every model is written whole or not at
    all, see :func:`_write_model`). The project is opened read-only
    and never written. Accepted quotes whose spans do not fit their text are left out and
    named in the result's ``left_out`` (:func:`training_span_problem`), never an error.

    Raises:
        TrainingError: no project at ``db_path``, a bad option, an ``out_dir`` that exists
            and is not a trained model, annotators that are not in the project, or several
            annotators' versions of one article with no choice made.
        TooFewArticles: fewer than :data:`MIN_ARTICLES` annotated articles, or no accepted
            quote among the training part.
        TrainingCancelled: ``should_stop`` (or ``max_minutes``) ended training before the
            first round was written.
    """
    t0 = time.perf_counter()
    stop = should_stop or (lambda: False)
    out_dir = Path(out_dir)
    _check_options(out_dir, options)
    db_path = Path(db_path)
    if not db_path.is_file():
        raise TrainingError(f"{db_path}: no such project")
    deadline = None if options.max_minutes is None else t0 + 60.0 * options.max_minutes

    def over() -> bool:
        return stop() or (deadline is not None and time.perf_counter() > deadline)

    def past(share: float) -> bool:
        """The run is past ``share`` of ``max_minutes`` (never without a limit)."""
        limit = options.max_minutes
        return limit is not None and time.perf_counter() > t0 + share * 60.0 * limit

    dev_until: list[float] = []  # set when parsing starts (see below)

    def dev_past() -> bool:
        return bool(dev_until) and time.perf_counter() > dev_until[0]

    from annotator.core.errors import Stopped
    from annotator.nlp.detect import parse_polled
    from annotator.nlp.pipeline import load_pipeline

    parsing = "training was stopped while parsing; nothing was written"
    tell = stage or (lambda _what, _done, _total: None)
    left_out: list[str] = []
    with Project.open(db_path, create=False, readonly=True) as project:
        articles = _read_articles(project, options, over, left_out)
        marks_inside = project.marks_inside()
        train, dev = _split(articles, options)
        if over():
            raise TrainingCancelled(parsing)
        # a base model named on purpose must be the one used (ModelLoadError otherwise)
        nlp, loaded = load_pipeline(options.base_model, strict=options.base_model is not None)
        nlp.remove_pipe("annotator_quotes")

        def parsed(part: Sequence[_Article]) -> Generator[Any, None, None]:
            # a text at a time, one component at a time: a cancel waits for one step
            try:
                for art, text in _texts(project, part, over):
                    # spans past the text's end are left out before the text is learned
                    _check_against_text(art, text, options.gold, left_out)
                    yield parse_polled(nlp, text, over)
                    art.quotes, art.quote_ids = [], []  # the spans (content) are enough now
            except Stopped:
                raise TrainingCancelled(parsing) from None

        # the dev part is scored after every round: its Docs go to a temporary file and
        # are read back one at a time (DevStore: 0.45 MB a Doc were held for every dev
        # article, issue 16); the training part is streamed: each text is read, parsed,
        # turned into CRFsuite's features and dropped (train_parsed), so memory no longer
        # grows with the training part (tester17 F8: every Doc of 100,000 articles was held)
        dev_available = len(dev)
        if options.max_minutes is not None:
            # the dev part's share of the parse time left once the model is loaded (the
            # read and the load can take much of a short limit)
            now = time.perf_counter()
            left = max(0.0, t0 + 60.0 * options.max_minutes - now)
            dev_until.append(now + DEV_SHARE * left)
        with DevStore(nlp.vocab) as dev_store:
            docs = parsed(dev)
            for n, (art, doc) in enumerate(zip(dev, docs), 1):
                dev_store.add(art, doc)
                tell(STAGE_DEV, n, len(dev))
                art.quotes, art.quote_ids, art.content = [], [], []  # in the store now
                if dev_past() and n < len(dev):  # a sample of the dev part
                    dev = dev[:n]
                    break
            docs.close()
            result = train_parsed(
                nlp,
                TrainingSet(train, parsed(train), dev, dev_store, marks_inside, loaded.name),
                out_dir,
                options,
                progress=progress,
                over=over,
                started=t0,
                stage=stage,
                enough=lambda: past(PARSE_SHARE),
                cancel=stop,
            )
        sampled = result.dev_articles < dev_available
        return replace(
            result, left_out=tuple(left_out), dev_available=dev_available if sampled else 0
        )


@dataclass(frozen=True)
class TrainingSet:
    """Parsed articles to learn from (``train``) and to choose the round by (``dev``)."""

    train: Sequence[_Article]
    #: each train article's Doc, in order; read once (a generator: each Doc is dropped
    #: once its features are with CRFsuite)
    train_docs: Iterable[Any]
    dev: Sequence[_Article]
    #: each dev article's Doc, in order (a list), or a :class:`DevStore` of the dev part
    dev_docs: Sequence[Any] | DevStore
    marks_inside: bool = False
    base_model: str = ""


def train_parsed(
    nlp: Any,
    data: TrainingSet,
    out_dir: Path,
    options: TrainOptions,
    *,
    progress: Callable[[EpochReport], None] | None = None,
    over: Callable[[], bool] = lambda: False,
    started: float | None = None,
    stage: Callable[[str, int, int], None] | None = None,
    enough: Callable[[], bool] = lambda: False,
    cancel: Callable[[], bool] | None = None,
) -> TrainResult:
    """The rounds of :func:`train_from_project` on articles already parsed by ``nlp`` (the
    base pipeline without ``annotator_quotes``; the trained component is added to it).
    ``over()`` is polled as in :func:`train_from_project`: True ends training (before the
    first round is written: :class:`TrainingCancelled`) and ``stage`` told as there.
    ``enough()`` is polled after each training article's features: True ends the part
    there (once one article with a quote is in): the articles read so far are the
    training part. With ``cancel`` (the user's stop), the first round polls only that,
    not ``over()``: a time limit never leaves a run without a model.
    For benches that keep
    their parses (``bench/bench_train.py``)."""
    from annotator.nlp.learned import FACTORY, token_features, token_labels

    t0 = time.perf_counter() if started is None else started
    train, train_docs, dev = data.train, data.train_docs, data.dev
    dev_items = (
        data.dev_docs if isinstance(data.dev_docs, DevStore) else _DevInMemory(dev, data.dev_docs)
    )
    marks_inside = data.marks_inside
    nlp.add_pipe(FACTORY, config={"model_name": out_dir.name})
    # one trainer for every round: CRFsuite keeps the appended sequences (as attribute ids)
    trainer = _trainer_class()(verbose=False)
    # the first round stops only for a cancel (when given); later ones at the time limit
    # (called through one function, as ``over`` calls ``should_stop``)
    check: list[Callable[[], bool]] = [over if cancel is None else (lambda: cancel())]
    trainer.tick = lambda loss: over()  # set again for each round below
    trainer.poll = over
    tell = stage or (lambda _what, _done, _total: None)
    train_available = len(train)
    learned = False  # an article with a quote is in
    docs = iter(train_docs)
    for n, art in enumerate(train, 1):
        doc = next(docs)
        if over():  # 5-20 ms an article: the features of a long training part take minutes
            raise TrainingCancelled(
                "training was stopped while building the features; nothing was written"
            )
        trainer.append(token_features(doc), token_labels(doc, art.content))
        learned = learned or bool(art.content)
        tell(STAGE_TRAIN, n, len(train))
        if learned and n < len(train) and enough():  # a sample of the training part
            train = train[:n]
            break
    close = getattr(docs, "close", None)
    if close is not None:
        close()
    best: dict[str, float] | None = None
    epochs = 0
    stopped = False
    import pycrfsuite

    with_model = Path(out_dir.parent) / f".{out_dir.name}.crfsuite"
    try:
        for epoch, iterations in enumerate(options.rounds, 1):
            if epoch > 1:
                check[0] = over
            current = check[0]
            trainer.tick = lambda loss, current=current: current()
            trainer.poll = current
            if current():
                stopped = True
                break
            started = time.perf_counter()
            tell(STAGE_ROUND, epoch, len(options.rounds))
            trainer.set_params(
                {
                    "c1": C1,
                    "c2": C2,
                    "max_iterations": iterations,
                    "feature.possible_transitions": True,
                }
            )
            try:
                trainer.train(str(with_model))
            except _Stop:
                stopped = True
                break
            crf = with_model.read_bytes()
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(crf)
            try:
                figures, calibration = _dev_figures(tagger, dev_items, marks_inside, check[0])
            except _Stop:
                stopped = True
                break
            epochs = epoch
            is_best = _better(figures, best)
            if is_best:
                best = figures
                info = {
                    "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "base_model": data.base_model,
                    "train_articles": len(train),
                    "dev_articles": len(dev),
                    "round": epoch,
                    "iterations": iterations,
                    "best_dev": figures,
                    "min_confidence": figures["min_confidence"],
                    "calibration": calibration.to_json(),
                    "annotators": list(options.annotators),
                    "gold": options.gold,
                }
                _write_model(nlp, out_dir, crf, info)
            if progress is not None:
                progress(
                    EpochReport(
                        epoch, time.perf_counter() - started, trainer.loss, figures, is_best
                    )
                )
    finally:
        with_model.unlink(missing_ok=True)
    if best is None:
        raise TrainingCancelled(
            "training was stopped before the first round ended; nothing was written"
        )
    return TrainResult(
        model_dir=out_dir,
        epochs=epochs,
        best_dev=best,
        train_articles=len(train),
        dev_articles=len(dev),
        seconds=time.perf_counter() - t0,
        stopped_early=stopped,
        train_available=train_available if len(train) < train_available else 0,
    )
