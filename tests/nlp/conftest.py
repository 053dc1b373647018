"""Fixtures of the quote-detector tests: the real English pipeline, loaded once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language

from annotator.core.model import Quote
from annotator.nlp.detect import detect_texts
from annotator.nlp.pipeline import load_pipeline, rules_only_pipeline

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def en_nlp() -> Language:
    """The trained English pipeline with the detector; skips when none is installed."""
    nlp, info = load_pipeline()
    if info.rules_only:
        pytest.skip(info.message)
    return nlp


@pytest.fixture(scope="session")
def rules_nlp() -> Language:
    """The rules-only pipeline (no trained model)."""
    return rules_only_pipeline()


Detect = Callable[[str], list[Quote]]


def _detector(nlp: Language) -> Detect:
    def run(text: str) -> list[Quote]:
        return next(detect_texts(nlp, [text]))

    return run


@pytest.fixture(scope="session")
def detect(en_nlp: Language) -> Detect:
    """Detect quotes in one text with the English pipeline."""
    return _detector(en_nlp)


@pytest.fixture(scope="session")
def detect_rules(rules_nlp: Language) -> Detect:
    """Detect quotes in one text in rules-only mode."""
    return _detector(rules_nlp)


def content(text: str, quote: Quote) -> list[str]:
    """The text of each content fragment of ``quote``."""
    return [text[a:b] for a, b in quote.content_spans]


def speaker(text: str, quote: Quote) -> str | None:
    """The text of the speaker mention of ``quote``."""
    return " ".join(text[a:b] for a, b in quote.speaker_spans) or None


def cue_of(text: str, quote: Quote) -> str:
    """The text of the cue of ``quote`` (its fragments joined by a space)."""
    return " ".join(text[a:b] for a, b in quote.cue_spans)


def two_quotes(text: str, quotes: list[Quote], first: str, second: str) -> tuple[Quote, Quote]:
    """The two different quotes whose contents are exactly ``first`` and ``second``
    (each one fragment); asserts both."""
    q1, q2 = find(text, quotes, first), find(text, quotes, second)
    assert q1 is not q2
    assert content(text, q1) == [first]
    assert content(text, q2) == [second]
    return q1, q2


def find(text: str, quotes: list[Quote], words: str) -> Quote:
    """The one quote whose content contains ``words``."""
    hits = [q for q in quotes if any(words in frag for frag in content(text, q))]
    assert len(hits) == 1, f"{len(hits)} quotes contain {words!r}: {quotes}"
    return hits[0]
