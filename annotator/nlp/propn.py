"""Proper-noun words of gold speaker mentions from spaCy's tagger, for the ``spk_name`` score.

The reference scorer tags each gold article once with the small English pipeline (parser,
NER and lemmatizer off) and takes the PROPN tokens that start inside a speaker span; this
class does the same and plugs into :func:`annotator.core.scoring.score` as ``propn_words``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.model import Span
from annotator.nlp.models import ENGLISH_MODELS

_DISABLED = ["parser", "ner", "lemmatizer"]


def load_tagger(names: Sequence[str] = ENGLISH_MODELS) -> Any:
    """The first installed pipeline of ``names`` with only what POS tags need; OSError if none."""
    import spacy

    for name in names:
        try:
            return spacy.load(name, disable=_DISABLED)
        except OSError:
            continue
    raise OSError(f"no English spaCy pipeline installed (tried {', '.join(names)})")


class SpacyPropn:
    """``propn_words(article_id, text, spans)`` backed by a spaCy tagger, cached per article."""

    def __init__(self, nlp: Any = None) -> None:
        self._nlp = nlp
        self._cache: dict[str, tuple[str, list[tuple[int, str]]]] = {}

    @property
    def nlp(self) -> Any:
        """The tagger, loaded on first use."""
        if self._nlp is None:
            self._nlp = load_tagger()
        return self._nlp

    def _propn_tokens(self, article_id: str, text: str) -> list[tuple[int, str]]:
        cached = self._cache.get(article_id)
        if cached is None or cached[0] != text:
            doc = self.nlp(text)
            cached = (text, [(t.idx, t.text) for t in doc if t.pos_ == "PROPN"])
            self._cache[article_id] = cached
        return cached[1]

    def __call__(self, article_id: str, text: str, spans: Sequence[Span]) -> set[str]:
        """Surface forms of PROPN tokens whose first character lies inside ``spans``."""
        return {
            word
            for start, word in self._propn_tokens(article_id, text)
            if any(a <= start < b for a, b in spans)
        }
