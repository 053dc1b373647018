"""``annotator evaluate``: score predicted quotes against gold, the reference scorer's figures.

``annotator evaluate GOLD.jsonl PRED.jsonl`` scores a prediction file; ``--detect`` runs the
detector on the gold texts instead. Both print one line for all attributions and one for
direct quotes (the format of ``score_quotes.py``), then the lenient precision of the
predictions per confidence band, or a JSON object with ``--json``. Only the predictions the
window shows by default are scored (confidence at least
:data:`~annotator.core.model.DEFAULT_MIN_CONFIDENCE`); ``--min-confidence X`` sets another
threshold, 0 scores them all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from annotator.commands import CliError
from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.core.scoring import (
    SUBSETS,
    PropnWords,
    ScoredArticle,
    ScoredQuote,
    Scores,
    capitalised_words,
    precision_by_band,
    predictions_from_json,
    score,
    scored_article,
    scored_quote,
)
from annotator.core.wording import count_noun, plural
from annotator.io.quote_jsonl import LineError

NO_ID = 'no "id"'


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = sub.add_parser(
        "evaluate",
        help="score predicted quotes against gold quote JSONL",
        description=(
            "Score predicted quotes against gold quote JSONL with the figures of the "
            "reference scorer (lenient, Jaccard>=0.5, strict, GGT-0.3/0.8, speaker accuracy, "
            "end-to-end), for all attributions and for direct quotes."
        ),
    )
    parser.add_argument("gold", metavar="GOLD.jsonl", help="gold quote JSONL")
    parser.add_argument(
        "pred", metavar="PRED.jsonl", nargs="?", help="predicted quote JSONL (or use --detect)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--no-spacy",
        action="store_true",
        help="find proper nouns of speaker names by capitalisation, without spaCy",
    )
    parser.add_argument(
        "--detect", action="store_true", help="run the detector on the gold texts and score it"
    )
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline for --detect")
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=DEFAULT_MIN_CONFIDENCE,
        metavar="X",
        help="score only predictions with a confidence of at least X (0..1; predictions "
        "without a confidence are kept); the bands are printed for all of them. Default "
        f"{DEFAULT_MIN_CONFIDENCE:g}: what the window shows until View > Hide suggestions "
        "below confidence is changed; 0 scores every suggestion",
    )
    parser.add_argument(
        "--marks-inside",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --detect: direct quotes include their quotation marks (default: the "
        "detector's default, marks left out as the guidelines say)",
    )
    parser.set_defaults(func=run)


def _warn(message: str) -> None:
    print(f"annotator: warning: {message}", file=sys.stderr)


def _open(path: Path) -> BinaryIO:
    """Open ``path`` for reading, or fail with a one-line CliError."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror})") from None


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each readable line; broken lines are reported and skipped."""
    with _open(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                _warn(f"{LineError(str(path), lineno, f'not UTF-8 ({exc.reason})')}; skipped")
                continue
            except json.JSONDecodeError as exc:
                reason = f"broken JSON ({exc.msg}, column {exc.colno})"
                _warn(f"{LineError(str(path), lineno, reason)}; skipped")
                continue
            if not isinstance(obj, dict):
                _warn(f"{LineError(str(path), lineno, 'not a JSON object')}; skipped")
                continue
            if obj.get("id") is None:
                _warn(f"{LineError(str(path), lineno, NO_ID)}; skipped")
                continue
            yield lineno, obj


def _check_inside(article: ScoredArticle) -> None:
    """Raise ValueError when a gold span reaches past the end of the article's text."""
    n = len(article.text)
    for k, quote in enumerate(article.quotes, 1):
        for a, b in (*quote.content, *quote.speaker):
            if b > n:
                raise ValueError(f"quote {k}: span [{a}, {b}] reaches past the end of the text")


def read_gold(path: Path) -> list[ScoredArticle]:
    """The gold articles of ``path``; CliError when there is nothing to score against."""
    articles = []
    for lineno, obj in _json_lines(path):
        try:
            article = scored_article(obj)
            _check_inside(article)
        except ValueError as exc:
            _warn(f"{LineError(str(path), lineno, str(exc))}; skipped")
            continue
        articles.append(article)
    if not articles:
        raise CliError(f"{path}: no gold articles")
    if not any(a.quotes for a in articles):
        raise CliError(f"{path}: the gold articles have no quotes to score against")
    return articles


def read_predictions(path: Path) -> tuple[dict[str, list[ScoredQuote]], set[str]]:
    """Predicted quotes by article id and the ids whose line reports an error."""
    good: list[Mapping[str, Any]] = []
    for lineno, obj in _json_lines(path):
        try:
            predictions_from_json([obj])
        except ValueError as exc:
            _warn(f"{LineError(str(path), lineno, str(exc))}; skipped")
            continue
        good.append(obj)
    return predictions_from_json(good)


def detect_predictions(
    gold: Sequence[ScoredArticle], model: str | None, marks_inside: bool | None = None
) -> dict[str, list[ScoredQuote]]:
    """Run the detector on the gold texts; its quotes by article id."""
    from annotator.nlp.detect import detect_texts
    from annotator.nlp.pipeline import load_pipeline

    try:
        nlp, info = load_pipeline(model, strict=True) if model else load_pipeline()
    except OSError as exc:
        raise CliError(f"cannot load the detector pipeline: {exc}") from None
    message = getattr(info, "message", "")
    if message:
        print(message, file=sys.stderr)
    out: dict[str, list[ScoredQuote]] = {}
    found = detect_texts(nlp, [a.text for a in gold], n_process=1, marks_inside=marks_inside)
    for article, quotes in zip(gold, found, strict=False):
        out[article.id] = [scored_quote(q, gold=False) for q in quotes]
    return out


def _propn(no_spacy: bool) -> PropnWords:
    """spaCy's PROPN tags as the reference scorer uses them, else the capitalisation guess."""
    if no_spacy:
        return capitalised_words
    try:
        from annotator.nlp.propn import SpacyPropn, load_tagger

        return SpacyPropn(load_tagger())
    except (ImportError, OSError) as exc:
        _warn(f"spaCy unavailable ({exc}); using capitalisation heuristic for PROPN")
        return capitalised_words


def canonical_name_accuracy(
    gold: Sequence[ScoredArticle],
    pred: Mapping[str, Sequence[ScoredQuote]],
    propn: PropnWords,
    errors: set[str],
) -> dict[str, float | None]:
    """The scorer's ``spk_name`` (fraction 0..1 per subset, None without gold quotes of the
    subset) with each prediction's canonical speaker (``speaker_name``) compared instead of
    its mention (``speaker_text``); empty when no prediction names a canonical speaker.

    The mention ("the minister") is what the reference scorer compares; the canonical name
    ("Lee In-young") is what a registry and the speaker reports count, so both are printed.
    """
    if not any(q.speaker_name for quotes in pred.values() for q in quotes):
        return {}
    named = {k: [q.with_canonical_name() for q in v] for k, v in pred.items()}
    out: dict[str, float | None] = {}
    for subset in SUBSETS:
        scores = score(gold, named, subset, propn, errors)
        out[subset] = scores.speaker_name_acc if scores.n_gold else None
    return out


def run(args: argparse.Namespace) -> int:
    """Score and print; exit code 0, or a CliError for unusable input."""
    if args.detect and args.pred:
        raise CliError("give either PRED.jsonl or --detect, not both")
    if not args.detect and not args.pred:
        raise CliError("give PRED.jsonl, or --detect to score the detector")
    if args.model and not args.detect:
        raise CliError("--model only applies with --detect")
    if args.marks_inside is not None and not args.detect:
        raise CliError("--marks-inside only applies with --detect")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise CliError(f"--min-confidence must be between 0 and 1, not {args.min_confidence}")
    gold = read_gold(Path(args.gold))
    errors: set[str] = set()
    if args.detect:
        pred = detect_predictions(gold, args.model, args.marks_inside)
        label = f"detector ({args.model})" if args.model else "detector"
    else:
        pred, errors = read_predictions(Path(args.pred))
        label = args.pred
        missing = sum(1 for a in gold if a.id not in pred)
        if missing:
            _warn(
                f"{args.pred}: {count_noun(missing, 'gold article')} {plural(missing, 'has')}"
                " no prediction line"
            )
    bands, without = precision_by_band(gold, pred)
    has_bands = any(b.n_pred for b in bands)  # only when predictions carry a confidence
    if args.min_confidence > 0 and has_bands:  # without confidences nothing is left out
        pred = {
            k: [q for q in v if q.confidence is None or q.confidence >= args.min_confidence]
            for k, v in pred.items()
        }
        label += f" conf>={args.min_confidence:g}"
    propn = _propn(args.no_spacy)
    results: dict[str, Scores] = {
        subset: score(gold, pred, subset, propn, errors) for subset in SUBSETS
    }
    canonical = canonical_name_accuracy(gold, pred, propn, errors)
    if args.json:
        out: dict[str, Any] = {k: v.as_dict() for k, v in results.items()}
        if has_bands:
            out["confidence_bands"] = [
                {"low": b.low, "high": b.high, "predicted": b.n_pred, "precision": b.precision}
                for b in bands
            ]
            out["without_confidence"] = without
        if canonical:
            out["speaker_name_acc_canonical"] = canonical
        print(json.dumps(out, indent=1))
    else:
        for subset in SUBSETS:
            print(f"{label:<40} {subset:<6} {results[subset].line(subset)}")
        if canonical:
            figures = ", ".join(
                f"{subset} {100 * acc:.1f}%" for subset, acc in canonical.items() if acc is not None
            )
            print(f"spk_name with the canonical speaker instead of the mention: {figures}")
        if has_bands:
            print("precision per confidence band (all attributions, lenient):")
            for band in bands:
                print(f"  {band.line()}")
            if without:
                print(f"  {without} predictions without a confidence")
    return 0
