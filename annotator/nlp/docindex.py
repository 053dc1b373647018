"""The per-document index every rule family shares, and the record the rules produce.

:class:`DocIndex` is built once per ``Doc`` and answers in constant or logarithmic time
what the rules ask again and again: is a token inside quotation marks, where its line
(paragraph) starts and ends, is a token a reporting verb, which characters a token range
covers. Nothing here walks the whole document per quote; that is what keeps extraction
linear in the length of the text (issue 14).

Heuristic sources: the reporting-verb test follows the cue definitions of the PARC 3.0 and
PolNeAR attribution guidelines (speech, writing, belief and intention verbs, word lists in
:mod:`annotator.nlp.lexicon`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Token

from annotator.nlp import lexicon as lx
from annotator.nlp.quotemarks import Segment

#: A character range ``(start, end)`` in code points, end exclusive.
Span = tuple[int, int]

SENT_END = frozenset({".", "?", "!", "...", "…"})
EDGE_PUNCT = " \n\t,.;:—–-"
#: Entity labels a speaker name can come from.
NAME_LABELS = ("PERSON", "ORG", "NORP", "GPE")


@dataclass(frozen=True)
class QuoteRecord:
    """One detected quote: fragments, speaker mention, cue, kind and confidence.

    Spans are character offsets (code points) into ``doc.text``. ``rule`` names the rule
    that proposed the quote (a key of :data:`annotator.nlp.confidence.CONFIDENCE`).
    """

    content: tuple[Span, ...]
    speaker: Span | None
    cue: Span | None
    kind: str
    confidence: float
    speaker_text: str | None = None
    speaker_name: str | None = None
    rule: str = ""

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


class DocIndex:
    """Per-doc precomputed lookups, so that extraction stays linear in the tokens.

    ``use_parse`` False (rules-only mode) hides the parse, lemmas, tags and entities even
    when the Doc has them.
    """

    def __init__(
        self,
        doc: Doc,
        segments: Sequence[Segment],
        use_parse: bool = True,
        text: str | None = None,
    ) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text  # ``Doc.text`` joins every token
        self.n = n = len(doc)
        # token offsets and lengths from spaCy's arrays: no Token object per token
        cols = doc.to_array([IDX, LENGTH]).reshape((n, 2))
        self.starts: list[int] = cols[:, 0].tolist()
        ends: list[int] = (cols[:, 0] + cols[:, 1]).tolist()
        self.has_dep = use_parse and doc.has_annotation("DEP")
        self.has_lemma = use_parse and doc.has_annotation("LEMMA")
        self.has_pos = use_parse and doc.has_annotation("POS")
        self.in_quote = [False] * n
        si = 0
        segs = list(segments)
        self.seg_starts = [sg.start for sg in segs]
        self.seg_ends = [sg.end for sg in segs]
        for i, start in enumerate(self.starts):
            while si < len(segs) and segs[si].end <= start:
                si += 1
            if si < len(segs) and segs[si].start <= start < segs[si].end:
                self.in_quote[i] = True
        # first and last token of each token's line (paragraph), for clipping clauses;
        # a token holding a newline is a line of its own
        self.line_lo = [0] * n
        self.line_hi = [n - 1] * n
        lo = 0
        for i in self._newline_tokens(ends):
            for k in range(lo, i):
                self.line_lo[k] = lo
                self.line_hi[k] = i - 1
            self.line_lo[i] = i
            self.line_hi[i] = i
            lo = i + 1
        for k in range(lo, n):
            self.line_lo[k] = lo
        self.ents = [
            (e.start_char, e.end_char, e.label_, e.text)
            for e in (doc.ents if use_parse else ())
            if e.label_ in NAME_LABELS
        ]
        self.ent_starts = [e[0] for e in self.ents]

    def _newline_tokens(self, ends: list[int]) -> list[int]:
        """Indices of the tokens whose text holds a newline (``ends``: their end offsets)."""
        out: list[int] = []
        pos = self.text.find("\n")
        while pos >= 0:
            i = bisect_right(self.starts, pos) - 1
            if i >= 0 and pos < ends[i]:
                out.append(i)
                pos = self.text.find("\n", ends[i])
            else:
                pos = self.text.find("\n", pos + 1)
        return out

    def char_in_quote(self, char: int) -> bool:
        """Is the character at ``char`` inside a quoted segment?"""
        k = bisect_left(self.seg_starts, char + 1) - 1
        return k >= 0 and char < self.seg_ends[k]

    def token_at(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        return bisect_left(self.starts, char)

    def is_boundary(self, i: int) -> bool:
        """Does token ``i`` end a sentence or a line (outside quotation marks)?"""
        tok = self.doc[i]
        return "\n" in tok.text or (tok.text in SENT_END and not self.in_quote[i])

    def is_cue(self, tok: Token) -> bool:
        """Is ``tok`` a reporting verb (by lemma and tag, or by word form without a parse)?"""
        if tok.lower_ == "put" and tok.i + 1 < self.n and self.doc[tok.i + 1].lower_ == "it":
            return True  # "as Vulture put it, ..."
        if self.has_lemma and self.has_pos:
            if tok.pos_ not in ("VERB", "AUX") and tok.tag_ not in ("VBD", "VBZ", "VBP", "VBG"):
                return False
            return tok.lemma_.lower() in lx.SPEECH_VERBS
        return tok.lower_ in lx.SPEECH_FORMS

    def span_of(self, first: int, last: int) -> Span | None:
        """Characters of tokens ``first..last`` (inclusive), edge punctuation trimmed."""
        if last < first:
            return None
        a = self.doc[first].idx
        b = self.doc[last].idx + len(self.doc[last].text)
        while a < b and (self.text[a] in EDGE_PUNCT or self.text[a].isspace()):
            a += 1
        while b > a and (self.text[b - 1] in EDGE_PUNCT or self.text[b - 1].isspace()):
            b -= 1
        return (a, b) if b > a else None


def overlaps(spans: Sequence[Span], taken: Sequence[Span]) -> bool:
    """Does any of ``spans`` share a character with the sorted, disjoint ``taken``?"""
    for a, b in spans:
        k = bisect_left(taken, (a, a))
        for j in (k - 1, k):
            if 0 <= j < len(taken) and taken[j][0] < b and a < taken[j][1]:
                return True
        if k < len(taken) and taken[k][0] < b:
            return True
    return False


def kind_of(text: str, with_nyt_marks: bool = True) -> str:
    """``mixed`` when reported content holds quotation marks, else ``indirect``."""
    if any(ch in text for ch in '"“”«»') or (with_nyt_marks and "''" in text):
        return "mixed"
    return "indirect"
