"""Quote extraction as pure functions: a parsed ``Doc`` in, quote records out.

No I/O, no Qt, no SQL. The pipeline component (``component.py``) only calls
:func:`extract_quotes` and stores its records on the Doc. The rules live in one module per
family, each citing the sources of its heuristics:

1. :mod:`~annotator.nlp.direct` with :mod:`~annotator.nlp.frames`: direct quotes come from
   paired double quotation marks (:mod:`~annotator.nlp.quotemarks`). Each quoted run is
   attributed from its *frame*: the words after it up to the end of its sentence
   (``"...," she said``) or before it from the start of its sentence (``She said: "..."``).
   A run whose frame holds a reporting verb with words between the verb and the run
   (``said voting fraud is "a big, big problem"``) becomes a mixed quote. A run that
   follows another one in the same paragraph with only the first run's frame between them
   (``"A," she said, "B."``) is the same quote: one record, two fragments.
2. :mod:`~annotator.nlp.indirect`: reported speech. A reporting, belief or intention verb
   governing a clause (``ccomp``), ``according to X``, an aside ``Otherwise, she said,
   ...`` and a few stance verbs with their object (``criticized the plan``).
   :mod:`~annotator.nlp.nesting` then leaves one attribution per cue, as PolNeAR
   annotates them: ``said A and added that B`` is two quotes of one speaker (the first
   content cut before the second report, also when the first one is a mixed quote and
   when no rule proposed the second one), ``said she believes that B`` one quote.
3. :mod:`~annotator.nlp.speakers`: the speaker mention, the subject of the cue (with its
   appositions), the agent of a passive, the object of ``according to``.
4. :mod:`~annotator.nlp.speaker_names`: pronouns and descriptions ("the minister") are
   resolved to the nearest compatible named mention before them, which becomes
   ``speaker_name``.

:mod:`~annotator.nlp.docindex` holds the per-document index all of them share, and
:mod:`~annotator.nlp.confidence` the confidence of each rule with its measured precision.

Without a parser (rules-only mode) step 1 runs on word forms and capitalisation, and no
indirect quotes are proposed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Doc

from annotator.core.model import MARKS_INSIDE_DEFAULT
from annotator.nlp.direct import WEAK_RULES, direct_quotes
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span, overlaps
from annotator.nlp.indirect import indirect_quotes
from annotator.nlp.learned import merge_learned
from annotator.nlp.nesting import split_joined, untangle
from annotator.nlp.quotemarks import (
    find_segments,
    group_runs,
    join_coordinated,
    strip_closing_mark,
    strip_marks,
)
from annotator.nlp.speaker_names import resolve_names

__all__ = ["QuoteRecord", "Span", "extract_quotes"]


def extract_quotes(
    doc: Doc,
    use_parse: bool = True,
    marks_inside: bool = MARKS_INSIDE_DEFAULT,
    genders: Mapping[str, str] | None = None,
    learned: Sequence[tuple[int, int, float]] | None = None,
) -> list[QuoteRecord]:
    """All quotes of ``doc`` (direct, mixed, indirect), ordered by their first fragment.

    ``marks_inside`` is the project setting of the same name: when False (the default
    guidelines' rule), a direct quote's fragments leave out their quotation marks and the
    comma before the closing mark (:func:`~annotator.nlp.quotemarks.strip_marks`); a mixed
    quote loses only the closing mark that ends it (and the comma before it), as its
    other marks sit inside the content. ``genders`` maps speaker
    names (and aliases) of the project's registry to the gender the analyst set
    (``female``/``male``), used by pronoun resolution before the article's own signals.

    ``learned``: content fragments of a trained model (start, end, confidence), added
    where the rules found nothing (:func:`~annotator.nlp.learned.merge_learned` holds
    the overlap rule); None without a trained model, empty when it found nothing (then
    the rules' titles and scare quotes are left out too, as the model did not tag them).

    Spans are character offsets (code points) into ``doc.text``. With ``use_parse`` False,
    or on a doc without a parse, only the rules that need no trained model run (direct
    quotes, speakers by position and capitalisation). Never raises on odd text; the cost
    is linear in the length of the document.
    """
    text = doc.text  # Doc.text joins every token: read it once
    segments = find_segments(text)
    idx = DocIndex(doc, segments, use_parse, text)
    found = direct_quotes(idx, join_coordinated(text, group_runs(segments)))
    records = [r for r in found if r.rule not in WEAK_RULES]
    weak = [r for r in found if r.rule in WEAK_RULES]
    if idx.has_dep:
        taken = _charset(records)
        used_cues = {r.cue[0] for r in records if r.cue is not None}
        records.extend(indirect_quotes(idx, taken, used_cues))
        records = split_joined(idx, untangle(idx, records))
    # a title or scare quote inside reported speech belongs to it; elsewhere it stays
    held = _charset(records)
    records.extend(r for r in weak if not overlaps(r.content, held))
    if learned is not None:
        records = merge_learned(idx, learned, records)
    if not marks_inside:
        records = [_without_marks(text, r) for r in records]
    records.sort(key=lambda r: (r.start, r.end))
    return resolve_names(idx, records, genders)


def _without_marks(text: str, rec: QuoteRecord) -> QuoteRecord:
    """``rec`` with its edge marks left out: every fragment of a direct quote; the closing
    mark ending a mixed quote and the marks of its fragments that are all in marks (its
    other marks are inside the content); an indirect quote as it is."""
    if rec.kind == "direct":
        content = tuple(strip_marks(text, a, b) for a, b in rec.content)
    elif rec.kind == "mixed" and rec.content:
        # a fragment that is all words in marks (``what | "sensible rules."``) loses both
        # marks as a direct quote's does; the last one, its closing mark
        *head, last = (
            strip_marks(text, a, b) if _all_quoted(text, a, b) else (a, b) for a, b in rec.content
        )
        content = (*head, strip_closing_mark(text, *last))
    else:
        return rec
    return replace(rec, content=content)


def _all_quoted(text: str, a: int, b: int) -> bool:
    """Does ``text[a:b]`` open with a quotation mark and end with one, with no mark
    between (one run of words in marks)?"""
    inner = text[a + 1 : b - 1]
    return (
        b - a > 2
        and text[a] in _OPENING_MARKS
        and text[b - 1] in _CLOSING_MARKS
        and not any(ch in _OPENING_MARKS or ch in _CLOSING_MARKS for ch in inner.replace("’", ""))
    )


_OPENING_MARKS = "\"“„«‘'"
_CLOSING_MARKS = "\"”»’'"


def _charset(records: Sequence[QuoteRecord]) -> list[Span]:
    return sorted(span for r in records for span in r.content)
