"""Quote extraction as pure functions: a parsed ``Doc`` in, quote records out.

No I/O, no Qt, no SQL. The pipeline component (``component.py``) only calls
:func:`extract_quotes` and stores its records on the Doc.

The rules, in order:

1. Direct quotes come from paired double quotation marks (``quotemarks.py``). Each quoted
   run is attributed from its *frame*: the words after it up to the end of its sentence
   (``"...," she said``) or before it from the start of its sentence (``She said: "..."``).
   A run whose frame holds a reporting verb with words between the verb and the run
   (``said voting fraud is "a big, big problem"``) becomes a mixed quote.
2. A run that follows another one in the same paragraph with only the first run's frame
   between them (``"A," she said, "B."``) is the same quote: one record, two fragments.
3. Indirect quotes: a reporting, belief or intention verb governing a clause (``ccomp``),
   ``according to X``, ``..., saying that ...`` (the subject is the governing verb's), an
   aside ``Otherwise, she said, ...`` and a few stance verbs with their object
   (``criticized the plan``).
4. Speakers: the subject of the cue (with its appositions), the agent of a passive, the
   object of ``according to``; pronouns and descriptions ("the minister") are resolved to
   the nearest compatible named mention before them, which becomes ``speaker_name``.

Without a parser (rules-only mode) steps 1 and 2 run on word forms and capitalisation, and
no indirect quotes are proposed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from annotator.nlp import lexicon as lx
from annotator.nlp.quotemarks import Segment, find_segments, group_runs, paragraphs

Span = tuple[int, int]

_SENT_END = frozenset({".", "?", "!", "...", "…"})
_EDGE_PUNCT = " \n\t,.;:—–-"
_MAX_FRAME = 40
_MAX_SPEAKER_TOKENS = 30


@dataclass(frozen=True)
class QuoteRecord:
    """One detected quote: fragments, speaker mention, cue, kind and confidence."""

    content: tuple[Span, ...]
    speaker: Span | None
    cue: Span | None
    kind: str
    confidence: float
    speaker_text: str | None = None
    speaker_name: str | None = None

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


@dataclass
class _Frame:
    """A reporting verb near a quote and the speaker it gives."""

    cue: Token | None
    speaker: Span | None
    side: str  # "after" or "before"
    mixed_from: int | None = None  # start of a mixed quote's content, before the run


class _DocIndex:
    """Per-doc precomputed lookups, so that extraction stays linear in the tokens."""

    def __init__(self, doc: Doc, segments: Sequence[Segment], use_parse: bool = True) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        self.has_dep = use_parse and doc.has_annotation("DEP")
        self.has_lemma = use_parse and doc.has_annotation("LEMMA")
        self.has_pos = use_parse and doc.has_annotation("POS")
        n = len(doc)
        self.in_quote = [False] * n
        si = 0
        segs = list(segments)
        self.seg_starts = [sg.start for sg in segs]
        self.seg_ends = [sg.end for sg in segs]
        for i, tok in enumerate(doc):
            while si < len(segs) and segs[si].end <= tok.idx:
                si += 1
            if si < len(segs) and segs[si].start <= tok.idx < segs[si].end:
                self.in_quote[i] = True
        # first and last token of each token's line (paragraph), for clipping clauses
        self.line_lo = [0] * n
        self.line_hi = [n - 1] * n
        lo = 0
        for i, tok in enumerate(doc):
            if "\n" in tok.text:
                for k in range(lo, i):
                    self.line_hi[k] = i - 1
                lo = i + 1
                self.line_lo[i] = i
                self.line_hi[i] = i
            else:
                self.line_lo[i] = lo
        self.ents = [
            (e.start_char, e.end_char, e.label_, e.text)
            for e in (doc.ents if use_parse else ())
            if e.label_ in ("PERSON", "ORG", "NORP", "GPE")
        ]
        self.ent_starts = [e[0] for e in self.ents]

    def char_in_quote(self, char: int) -> bool:
        """Is the character at ``char`` inside a quoted segment?"""
        k = bisect_left(self.seg_starts, char + 1) - 1
        return k >= 0 and char < self.seg_ends[k]

    def token_at(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        return bisect_left(self.starts, char)

    def is_boundary(self, i: int) -> bool:
        tok = self.doc[i]
        return "\n" in tok.text or (tok.text in _SENT_END and not self.in_quote[i])

    def is_cue(self, tok: Token) -> bool:
        if tok.lower_ == "put" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "it":
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
        while a < b and (self.text[a] in _EDGE_PUNCT or self.text[a].isspace()):
            a += 1
        while b > a and (self.text[b - 1] in _EDGE_PUNCT or self.text[b - 1].isspace()):
            b -= 1
        return (a, b) if b > a else None


def extract_quotes(doc: Doc, use_parse: bool = True) -> list[QuoteRecord]:
    """All quotes of ``doc`` (direct, mixed, indirect), ordered by their first fragment.

    With ``use_parse`` False, or on a doc without a parse, only the rules that need no
    trained model run (direct quotes, speakers by position and capitalisation).
    """
    segments = find_segments(doc.text)
    idx = _DocIndex(doc, segments, use_parse)
    direct = _direct_quotes(idx, group_runs(segments))
    records = list(direct)
    if idx.has_dep:
        taken = _charset(records)
        used_cues = {r.cue[0] for r in records if r.cue is not None}
        records.extend(_indirect_quotes(idx, taken, used_cues))
    records.sort(key=lambda r: (r.start, r.end))
    return _resolve_names(idx, records)


def _charset(records: Sequence[QuoteRecord]) -> list[Span]:
    return sorted(span for r in records for span in r.content)


# --- direct and mixed quotes -------------------------------------------------------------


def _frame_after(idx: _DocIndex, end: int, para_end: int) -> tuple[int, int]:
    """Token range ``[first, last]`` after a run, to its sentence end or the next quote."""
    first = idx.token_at(end)
    last = first - 1
    n = len(idx.doc)
    i = first
    while i < n and i - first < _MAX_FRAME:
        if idx.in_quote[i] or idx.doc[i].idx >= para_end or idx.is_boundary(i):
            break
        last = i
        i += 1
    return first, last


def _frame_before(idx: _DocIndex, start: int, para_start: int) -> tuple[int, int]:
    """Token range ``[first, last]`` before a run, back to its sentence start."""
    last = idx.token_at(start) - 1
    first = last + 1
    i = last
    while i >= 0 and last - i < _MAX_FRAME:
        if idx.in_quote[i] or idx.doc[i].idx < para_start or idx.is_boundary(i):
            break
        first = i
        i -= 1
    return first, last


def _subject(idx: _DocIndex, cue: Token, lo: int, hi: int) -> Span | None:
    """The speaker span of ``cue`` from the parse, inside tokens ``lo..hi``."""
    tok: Token | None = cue
    for _ in range(3):
        if tok is None:
            break
        if tok.lower_ == "according":
            for child in tok.children:
                for grand in [child, *child.children]:
                    if grand.dep_ == "pobj":
                        return _clip_subtree(idx, grand, lo, hi)
            return None
        for child in tok.children:
            if child.dep_ == "nsubj":
                if child.lower_ in ("who", "that", "which") and tok.dep_ == "relcl":
                    return _clip_subtree(idx, tok.head, lo, hi, head_only=True)
                return _clip_subtree(idx, child, lo, hi)
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return _clip_subtree(idx, grand, lo, hi)
        if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and tok.head is not tok:
            tok = tok.head
        else:
            break
    return None


def _clip_subtree(
    idx: _DocIndex, tok: Token, lo: int, hi: int, head_only: bool = False
) -> Span | None:
    if idx.in_quote[tok.i] or not lo <= tok.i <= hi:
        return None
    if head_only:
        left, right = tok.i, tok.i
        # keep the compound names and titles in front of the head ("Minister Lee")
        while (
            left - 1 >= lo
            and idx.doc[left - 1].head.i == tok.i
            and idx.doc[left - 1].dep_ in ("compound", "det", "amod", "poss")
        ):
            left -= 1
    else:
        left = max(tok.left_edge.i, lo)
        right = min(tok.right_edge.i, hi)
    if right - left >= _MAX_SPEAKER_TOKENS:
        right = min(right, tok.i + 3)
        left = max(left, tok.i - 6)
    return idx.span_of(left, right)


def _speaker_by_position(idx: _DocIndex, cue: int, lo: int, hi: int, side: str) -> Span | None:
    """Speaker without a parse: the words next to the cue in its frame."""
    doc = idx.doc
    if side == "after" and (cue - 1 < lo or _only_punct(idx, lo, cue - 1)):
        # inverted order: ", said Smith, a spokesman."
        j = cue + 1
        while j <= hi and j - cue <= 8 and not doc[j].is_punct:
            j += 1
        return idx.span_of(cue + 1, j - 1)
    j = cue - 1
    while j >= lo and (doc[j].lower_ in lx.ADVERBS_BEFORE_CUE or doc[j].text == ","):
        j -= 1
    for _ in range(2):
        end = j
        while j >= lo and end - j < 8 and not doc[j].is_punct and "\n" not in doc[j].text:
            j -= 1
        first = j + 1
        if first <= end and doc[first].lower_ in ("who", "which") and j > lo:
            j -= 1  # "Smith, who toured the valley, said": the name before the clause
            continue
        break
    while first <= end and doc[first].lower_ in lx.CLAUSE_OPENERS:
        first += 1
    return idx.span_of(first, end)


def _only_punct(idx: _DocIndex, lo: int, hi: int) -> bool:
    return all(idx.doc[k].is_punct or idx.doc[k].is_space for k in range(lo, hi + 1))


def _find_frame(idx: _DocIndex, run: list[Segment], para: Span) -> _Frame | None:
    """The cue and speaker of a quoted run, looked for after it, then before it.

    The ending of the quoted words decides which side wins: ``,"`` or ``?"`` call for
    ``she said`` after the quote; a full stop inside the marks mostly ends the matter, so
    only a short ``X said.`` right after it counts (PolNeAR train: a sentence that follows
    ``."`` is usually a new sentence about something else).
    """
    start, end = run[0].start, run[-1].end
    a_lo, a_hi = _frame_after(idx, end, para[1])
    b_lo, b_hi = _frame_before(idx, start, para[0])
    doc = idx.doc
    after_cue = next((i for i in range(a_lo, min(a_hi, a_lo + 30) + 1) if idx.is_cue(doc[i])), None)
    before_cue = next(
        (i for i in range(b_hi, b_lo - 1, -1) if idx.is_cue(doc[i]) or _is_according(doc, i)),
        None,
    )
    byline = _dash_byline(idx, a_lo, a_hi)
    if byline is not None:
        return byline
    if before_cue is None and b_hi < b_lo and run[0].start == para[0]:
        # "X released the following statement:" closing the previous paragraph
        prev = _colon_frame(idx, para[0])
        if prev is not None:
            return prev
    tail = idx.text[max(start, end - 3) : end]
    ends_open = any(ch in tail for ch in ",—-") or run[-1].open_end
    ends_question = any(ch in tail for ch in "?!")
    before_colon = b_hi >= b_lo and doc[b_hi].text in (":", ",")
    leads_on = a_hi + 1 < len(doc) and idx.in_quote[a_hi + 1]
    if after_cue is not None:
        offset = after_cue - a_lo
        spk = _speaker(idx, doc[after_cue], a_lo, a_hi, "after")
        # '"..." Miller, a retired worker, said pleasantly.': speaker and cue fill the frame
        whole_frame = (
            spk is not None
            and spk[0] <= doc[a_lo].idx + 2
            and a_hi - after_cue <= 4
            and after_cue > a_lo
        )
        if ends_open:
            usable = not (leads_on and before_cue is not None and before_colon)
        elif ends_question:
            usable = offset <= 6 or doc[a_lo].is_lower or whole_frame
        else:
            # after a full stop inside the marks, "X said." must follow at once
            usable = (offset <= 4 and a_hi - a_lo <= 10) or whole_frame
        if usable and before_cue is not None and before_colon and not ends_open:
            usable = False
        if usable and (spk is not None or before_cue is None):
            return _Frame(doc[after_cue], spk, "after")
    if (ends_open or ends_question) and after_cue is None and idx.has_dep and a_hi >= a_lo:
        # '"...," Oliver barked.' -- any verb right after an open-ended quote is its cue
        reach = 8 if ends_open else 3
        for i in range(a_lo, min(a_hi, a_lo + reach) + 1):
            if doc[i].pos_ == "VERB":
                spk = _subject(idx, doc[i], a_lo, a_hi)
                if spk is not None:
                    return _Frame(doc[i], spk, "after")
                break
    if before_cue is not None:
        cue = doc[before_cue]
        spk = _speaker(idx, cue, b_lo, b_hi, "before")
        between = [t for t in doc[before_cue + 1 : b_hi + 1] if not (t.is_punct or t.is_space)]
        if cue.lower_ == "according":
            between = []
        mixed_from = None
        if between and not (len(between) <= 3 and _looks_like_addressee(between)):
            mixed_from = between[0].idx
        return _Frame(cue, spk, "before", mixed_from)
    if before_colon and b_hi > b_lo and doc[b_hi].text == ":":
        frame = _verb_before_colon(idx, b_lo, b_hi) if idx.has_dep else None
        return frame or _label_before_colon(idx, b_lo, b_hi)
    if before_colon and b_hi > b_lo and idx.has_dep:
        # "she boomed, ''...''": a verb with a subject just before the comma
        return _verb_before_colon(idx, max(b_lo, b_hi - 5), b_hi, b_lo)
    return None


_DASHES = frozenset({"―", "—", "–", "-", "--", "~"})


def _dash_byline(idx: _DocIndex, lo: int, hi: int) -> _Frame | None:
    """``"...." ― Carla Sanchez``: a quote signed with a dash and a name."""
    doc = idx.doc
    while lo <= hi and doc[lo].is_space:
        lo += 1
    if hi < lo:
        return None
    first = lo
    if doc[first].text not in _DASHES:
        if not (doc[first].text[:1] in _DASHES and len(doc[first].text) > 1):
            return None
    else:
        first += 1
    last = first
    while last <= hi and last - first < 7 and not doc[last].is_punct:
        last += 1
    # the name must end the frame (sentence end, paragraph end or the next quote)
    if last <= hi and doc[last].text not in (".", ",") or last == first:
        return None
    words = [t for t in doc[first:last] if not t.is_space]
    if not words or not all(t.text[:1].isupper() or t.lower_ in ("of", "and", "de") for t in words):
        return None
    spk = idx.span_of(first, last - 1)
    return _Frame(None, spk, "after") if spk is not None else None


def _verb_before_colon(
    idx: _DocIndex, lo: int, hi: int, subject_lo: int | None = None
) -> _Frame | None:
    """``Cruz called them on it:`` -- any verb with a subject introduces the quote."""
    for i in range(hi - 1, lo - 1, -1):
        tok = idx.doc[i]
        if tok.pos_ == "VERB" or idx.is_cue(tok):
            spk = _subject(idx, tok, lo if subject_lo is None else subject_lo, hi)
            if spk is not None:
                return _Frame(tok, spk, "before")
    return None


def _colon_frame(idx: _DocIndex, para_start: int) -> _Frame | None:
    """The frame of a quote opening a paragraph when the one before ends with a colon."""
    k = idx.token_at(para_start) - 1
    while k >= 0 and idx.doc[k].is_space:
        k -= 1
    if k < 1 or idx.doc[k].text != ":" or idx.in_quote[k]:
        return None
    lo = k - 1
    while lo - 1 >= 0 and k - lo < _MAX_FRAME and not idx.is_boundary(lo - 1):
        if idx.in_quote[lo - 1]:
            break
        lo -= 1
    cue = next((i for i in range(k - 1, lo - 1, -1) if idx.is_cue(idx.doc[i])), None)
    if cue is not None:
        spk = _speaker(idx, idx.doc[cue], lo, k)
        if spk is not None:
            return _Frame(idx.doc[cue], spk, "before")
    if idx.has_dep:
        frame = _verb_before_colon(idx, lo, k)
        if frame is not None:
            return frame
    return _label_before_colon(idx, lo, k)


def _label_before_colon(idx: _DocIndex, lo: int, colon: int) -> _Frame | None:
    """``Frank Newport and Jim Harter:`` or ``Transcript as follows:`` -- a label."""
    doc = idx.doc
    if colon - lo <= 4:
        spk = idx.span_of(lo, colon - 1)
        if spk is not None and _plausible_speaker(idx.text[spk[0] : spk[1]]):
            return _Frame(None, spk, "before")
    i = colon - 1
    while i >= lo and (doc[i].text[:1].isupper() or doc[i].lower_ in ("and", ".")):
        i -= 1
    if i < colon - 1 and (i < lo or doc[i].is_punct):
        spk = idx.span_of(i + 1, colon - 1)
        if spk is not None and doc[i + 1].text[:1].isupper():
            return _Frame(None, spk, "before")
    return None


def _looks_like_addressee(words: list[Token]) -> bool:
    """``told reporters``, ``told CNN``, ``said on Monday``: no content before the quote."""
    return all(
        w.lower_ in ("reporters", "him", "her", "them", "us", "me", "on", "in", "at")
        or w.is_title
        or w.like_num
        or w.lower_ in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
        or w.lower_ in ("sunday", "today", "yesterday", "later", "also", "then", "a", "the")
        for w in words
    )


def _is_according(doc: Doc, i: int) -> bool:
    return doc[i].lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to"


def _speaker(idx: _DocIndex, cue: Token, lo: int, hi: int, side: str = "before") -> Span | None:
    """The speaker of ``cue`` within tokens ``lo..hi``: from the parse, else by position."""
    if idx.has_dep:
        spk = _subject(idx, cue, lo, hi)
        if spk is not None and idx.text[spk[0] : spk[1]].lower() not in lx.CLAUSE_OPENERS:
            return spk
    if cue.lower_ == "according":
        return idx.span_of(cue.i + 2, min(hi, cue.i + 8))
    spk = _speaker_by_position(idx, cue.i, lo, hi, side)
    if spk is not None and not _plausible_speaker(idx.text[spk[0] : spk[1]]):
        return None
    return spk


def _plausible_speaker(mention: str) -> bool:
    """A mention found by position must look like a name, a pronoun or "the ..."."""
    first = mention.split()[0] if mention.split() else ""
    if not first:
        return False
    if first.lower() in ("who", "which", "that"):
        return False
    if any(w[:1].isupper() for w in mention.split()[:4]):
        return True
    return first.lower() in lx.PRONOUNS or first.lower() in ("the", "a", "an", "one", "his", "her")


def _direct_quotes(idx: _DocIndex, runs: list[list[Segment]]) -> list[QuoteRecord]:
    """Direct and mixed quotes from the quoted runs, split quotes joined."""
    paras = paragraphs(idx.text)
    out: list[QuoteRecord] = []
    prev: _Open | None = None
    for run in runs:
        para = paras[run[0].paragraph]
        last_para = paras[run[-1].paragraph]
        frame = _find_frame(idx, run, (para[0], last_para[1]))
        fragments = [(s.start, s.end) for s in run]
        words = _word_count(idx.text, fragments)
        if prev is not None and _continues(idx, prev, run, frame):
            prev.fragments.extend(fragments)
            prev.words += words
            if frame is not None and frame.side == "after":
                prev.after_end = _frame_after(idx, run[-1].end, last_para[1])[1]
            continue
        if prev is not None:
            out.append(prev.record())
        prev = None
        headline = run[0].paragraph == 0 and words >= 3 and _is_headline(idx.text, paras)
        if frame is None and headline:
            prev = _Open(fragments, None, None, "direct", 0.5, words, run[-1].paragraph)
            continue
        before = idx.text[para[0] : run[0].start].rstrip()
        mid_sentence = bool(before) and before[-1] not in ".?!:\"”'’"
        adjacent = (
            frame is not None
            and frame.cue is not None
            and frame.mixed_from is None
            and frame.speaker is not None
            and _next_to_run(idx, frame, run)
        )
        prev_word = before.split()[-1].lower().strip(",;:(—–-") if before.split() else ""
        names_a_work = prev_word in _BEFORE_TITLES or prev_word.endswith(("'s", "’s"))
        if (
            words <= 10
            and not headline
            and (names_a_work or not adjacent)
            and _is_title(idx.text, fragments, mid_sentence)
        ):
            continue  # "The Art of the Deal," ''This Week'': a title, not a quote
        governed = False
        if frame is None and words >= 4 and idx.has_dep:
            frame = _governing_frame(idx, run)
            governed = frame is not None
        if frame is None:
            if before.endswith(":") or _after_colon_paragraph(idx.text, para):
                continue  # introduced by a colon that names nobody: a cited document
            if words < 6 or not _stands_alone(idx, run, para):
                continue  # a title or scare quote, not a quote of somebody
            prev = _Open(fragments, None, None, "direct", 0.45, words, run[-1].paragraph)
            continue
        cue_span = (frame.cue.idx, frame.cue.idx + len(frame.cue.text)) if frame.cue else None
        if frame.mixed_from is not None:
            bounds: Span | None = (frame.mixed_from, run[-1].end)
            if frame.cue is not None:
                bounds = _mixed_bounds(idx, frame.cue, frame.mixed_from, run[0].start, run[-1].end)
            if bounds is None and words < 4:
                # a few words in marks: the object phrase around them is the content
                bounds = (frame.mixed_from, run[-1].end)
            if bounds is not None:
                out.append(QuoteRecord((bounds,), frame.speaker, cue_span, "mixed", 0.7))
                continue

        conf = 0.9 if frame.speaker is not None else 0.6
        if governed:
            conf = 0.65  # the quote hangs off a verb that is not a reporting verb
        if words < 4 and not _ends_sentence(idx.text, run[-1]):
            # a short phrase in marks is a title or a scare quote unless "X said" follows
            first_after = idx.token_at(run[-1].end)
            close = frame.cue is not None and frame.cue.i - first_after <= 3
            if frame.speaker is not None and first_after < len(idx.doc):
                # '"Carson is cratering," Texas-based Matt Mackowiak said.'
                close = close or frame.speaker[0] <= idx.doc[first_after].idx + 2
            if not (frame.side == "after" and close and frame.speaker is not None):
                continue
            conf = 0.6
        prev = _Open(fragments, frame.speaker, cue_span, "direct", conf, words, run[-1].paragraph)
        if frame.side == "after":
            prev.after_end = _frame_after(idx, run[-1].end, last_para[1])[1]
    if prev is not None:
        out.append(prev.record())
    return _inherit_speakers(out)


def _after_colon_paragraph(text: str, para: Span) -> bool:
    """The paragraph before ``para`` ends with a colon."""
    return text[: para[0]].rstrip().endswith(":")


def _next_to_run(idx: _DocIndex, frame: _Frame, run: list[Segment]) -> bool:
    """Cue or speaker touch the quoted run: ``"...," X said`` or ``X said: "..."``."""
    assert frame.cue is not None and frame.speaker is not None
    if frame.side == "after":
        first = idx.token_at(run[-1].end)
        start = idx.doc[first].idx if first < len(idx.doc) else len(idx.text)
        return frame.cue.i - first <= 2 or frame.speaker[0] <= start + 2
    last = idx.token_at(run[0].start) - 1
    return last - frame.cue.i <= 2 or frame.speaker[1] >= idx.doc[max(last - 2, 0)].idx


def _is_headline(text: str, paras: list[Span]) -> bool:
    """The first line is a headline: more lines follow and it does not end a sentence."""
    if len(paras) < 2:
        return False
    first = text[paras[0][0] : paras[0][1]].rstrip("\"'”» ")
    return not first.endswith(".") and len(first) < 200


def _governing_frame(idx: _DocIndex, run: list[Segment]) -> _Frame | None:
    """``She called his actions "a crucial step forward"``: the verb the quote depends on."""
    lo, hi = idx.token_at(run[0].start), idx.token_at(run[-1].end) - 1
    if hi < lo or run[0].paragraph != run[-1].paragraph:
        return None
    doc = idx.doc
    root = next((doc[i] for i in range(lo, hi + 1) if not lo <= doc[i].head.i <= hi), None)
    if root is None:
        return None
    tok = root.head
    line_lo, line_hi = idx.line_lo[lo], idx.line_hi[lo]
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") and not idx.in_quote[tok.i]:
            spk = _subject(idx, tok, line_lo, line_hi)
            if spk is None:
                return None
            return _Frame(tok, spk, "before" if tok.i < lo else "after")
        if tok.head is tok:
            return None
        tok = tok.head
    return None


def _inherit_speakers(records: list[QuoteRecord]) -> list[QuoteRecord]:
    """A direct quote without a frame belongs to the speaker of the quote just before it."""
    out = []
    last: QuoteRecord | None = None
    for rec in records:
        if rec.speaker is None and rec.kind == "direct" and last is not None:
            rec = QuoteRecord(rec.content, last.speaker, last.cue, rec.kind, 0.55)
        out.append(rec)
        if rec.speaker is not None:
            last = rec
    return out


@dataclass
class _Open:
    """A direct quote being built; later runs may still join it."""

    fragments: list[Span]
    speaker: Span | None
    cue: Span | None
    kind: str
    confidence: float
    words: int
    paragraph: int
    after_end: int | None = None  # last token of its "..., she said" frame

    def record(self) -> QuoteRecord:
        return QuoteRecord(
            tuple(self.fragments), self.speaker, self.cue, self.kind, self.confidence
        )


def _continues(idx: _DocIndex, prev: _Open, run: list[Segment], frame: _Frame | None) -> bool:
    """Does ``run`` go on with ``prev`` ("A," she said, "B.") rather than start a quote?"""
    if run[0].paragraph != prev.paragraph:
        return False
    gap_start = prev.fragments[-1][1]
    if prev.after_end is not None:
        after_tok = idx.doc[prev.after_end]
        gap_start = max(gap_start, after_tok.idx + len(after_tok.text))
    gap = idx.text[gap_start : run[0].start]
    if gap.strip(" ,.;:—–-\u00a0") != "":
        return False
    # a run with its own "..., he added" frame is a new quote
    return frame is None or frame.side != "after" or frame.speaker is None


def _mixed_bounds(
    idx: _DocIndex, cue: Token, start: int, run_start: int, run_end: int
) -> Span | None:
    """A mixed quote's content: the cue's complement clause around the quoted run.

    None when the run is not inside a clause of the cue (``called his actions "..."``,
    ``described the damage as "..."``): PolNeAR then takes the quoted words alone.
    """
    if not idx.has_dep:
        return (start, run_end)
    lo, hi = idx.line_lo[cue.i], idx.line_hi[cue.i]
    for child in cue.children:
        if child.dep_ not in ("ccomp", "xcomp", "advcl"):
            continue
        left = idx.doc[max(child.left_edge.i, lo)]
        right = idx.doc[min(child.right_edge.i, hi)]
        begin, end = left.idx, right.idx + len(right.text)
        if begin <= run_start and end >= run_end and begin > cue.idx:
            while end > run_end and idx.text[end - 1] in _EDGE_PUNCT:
                end -= 1
            return (begin, end)
        if child.dep_ == "ccomp" and cue.idx < begin < run_start:
            # the parser hung the quoted words elsewhere; the clause still opens here
            return (begin, max(end, run_end))
    return None


# Words after which Title Case words in marks name a work ("on ''This Week''").
_BEFORE_TITLES = lx.words(
    """
    on of in with to from for the his her their its about called titled entitled named
    headlined book books film movie show series novel memoir autobiography song album
    program programme column play musical documentary slogan hashtag
    """
)
_SMALL_WORDS = lx.words("a an the of for and or in on to at with by from as is my")


def _is_title(text: str, fragments: Sequence[Span], mid_sentence: bool = False) -> bool:
    """Title Case words in marks: a book, show or film, not a quote.

    A final full stop counts against a title unless the marks sit inside a sentence
    (``according to his book ''The Art of the Deal.''``).
    """
    inner = " ".join(text[a:b] for a, b in fragments).strip("\"'“”„«» ,")
    if not inner or (inner[-1] in ".?!" and not mid_sentence):
        return False
    words = [w for w in inner.split() if w[:1].isalpha()]
    if not words or not words[0][:1].isupper() or (mid_sentence and len(words) < 2):
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def _word_count(text: str, fragments: Sequence[Span]) -> int:
    return sum(len(text[a:b].split()) for a, b in fragments)


def _ends_sentence(text: str, seg: Segment) -> bool:
    tail = text[max(seg.start, seg.end - 3) : seg.end]
    return any(ch in tail for ch in ".?!")


def _stands_alone(idx: _DocIndex, run: list[Segment], para: Span) -> bool:
    """A run that is a whole sentence or paragraph, not a phrase inside a sentence."""
    before = idx.text[para[0] : run[0].start].rstrip()
    after_end = min(len(idx.text), run[-1].end + 2)
    after = idx.text[run[-1].end : after_end].strip()
    starts_ok = not before or before[-1] in ".?!:\"”'"
    ends_ok = _ends_sentence(idx.text, run[-1]) or not after or after[0] in ".?!"
    return starts_ok and ends_ok


# --- indirect quotes ---------------------------------------------------------------------


def _indirect_quotes(idx: _DocIndex, taken: list[Span], used_cues: set[int]) -> list[QuoteRecord]:
    """Reported speech; ``used_cues`` are the cues of direct quotes, not reused here."""
    doc = idx.doc
    out: list[QuoteRecord] = []
    for tok in doc:
        if idx.in_quote[tok.i] or tok.idx in used_cues:
            continue
        if tok.lower_ == "according" and _is_according(doc, tok.i):
            rec = _according_to(idx, tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in lx.CLAUSE_VERBS:
            rec = _clause_quote(idx, tok)
            if rec is None and tok.dep_ == "parataxis":
                rec = _parenthetical_quote(idx, tok)
            if rec is None and tok.lemma_.lower() in lx.OBJECT_VERBS:
                rec = _object_quote(idx, tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in lx.OBJECT_VERBS:
            rec = _object_quote(idx, tok)
        else:
            continue
        if rec is None or _overlaps(rec.content, taken):
            continue
        if all(idx.char_in_quote(a) and idx.char_in_quote(b - 1) for a, b in rec.content):
            continue  # a clause inside quotation marks belongs to the quote
        out.append(rec)
    return out


def _clause_quote(idx: _DocIndex, verb: Token) -> QuoteRecord | None:
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if not comps or any(c.dep_ == "neg" for c in verb.children):
        return None  # "did not say that ...": nothing was said
    comp = comps[-1]  # "In a statement, Cruz said he ...": the clause after the verb
    if comp.i < verb.i and not _inverted_report(idx, comp, verb):
        return None
    left = max(comp.left_edge.i, idx.line_lo[verb.i])
    right = min(comp.right_edge.i, idx.line_hi[verb.i])
    if left <= verb.i <= right:
        return None
    content = idx.span_of(left, right)
    if content is None or content[1] - content[0] < 8:
        return None
    sent = verb.sent
    lo, hi = sent.start, sent.end - 1
    speaker = _subject(idx, verb, lo, hi)
    if speaker is None or _overlaps((speaker,), [content]):
        return None  # without a source, PolNeAR rarely sees an attribution
    if idx.text[speaker[0] : speaker[1]].lower() in ("it", "which", "this", "that"):
        return None
    if verb.dep_ == "relcl" and verb.head.lemma_.lower() in lx.POLL_GROUPS:
        return None  # "those who said the economy was their top issue": a poll group
    if len(idx.text[content[0] : content[1]].split()) < 3:
        return None
    if idx.doc[left].lower_ in ("himself", "herself", "itself", "themselves", "myself"):
        return None  # "found himself embroiled": a state, not a report
    text = idx.text[content[0] : content[1]]
    kind = "mixed" if any(ch in text for ch in '"“”«»') or "''" in text else "indirect"
    conf = 0.7 if verb.lemma_.lower() in lx.SPEECH_VERBS else 0.55
    if speaker is None:
        conf -= 0.2
    cue = (verb.idx, verb.idx + len(verb.text))
    return QuoteRecord((content,), speaker, cue, kind, round(conf, 2))


def _parenthetical_quote(idx: _DocIndex, verb: Token) -> QuoteRecord | None:
    """``Otherwise, she said, countries may steal growth``: the sentence around the aside.

    The parser hangs the aside on the main verb (``parataxis``); the content is the main
    clause without it, in two fragments as PolNeAR annotates it.
    """
    if verb.lemma_.lower() not in lx.SPEECH_VERBS or any(c.dep_ == "neg" for c in verb.children):
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children):
        return None
    head = verb.head
    lo, hi = idx.line_lo[verb.i], idx.line_hi[verb.i]
    left, right = max(head.left_edge.i, lo), min(head.right_edge.i, hi)
    aside_lo, aside_hi = verb.left_edge.i, verb.right_edge.i
    if not left < aside_lo or idx.in_quote[head.i]:
        return None
    fragments = tuple(
        f
        for f in (idx.span_of(left, aside_lo - 1), idx.span_of(aside_hi + 1, right))
        if f is not None and any(ch.isalnum() for ch in idx.text[f[0] : f[1]])
    )
    words = sum(len(idx.text[a:b].split()) for a, b in fragments)
    if not fragments or words < 3:
        return None
    speaker = _clip_subtree(idx, subj, lo, hi)
    if speaker is None or idx.text[speaker[0] : speaker[1]].lower() in ("it", "which", "that"):
        return None
    text = " ".join(idx.text[a:b] for a, b in fragments)
    kind = "mixed" if any(ch in text for ch in '"“”«»') or "''" in text else "indirect"
    cue = (verb.idx, verb.idx + len(verb.text))
    return QuoteRecord(fragments, speaker, cue, kind, 0.7)


def _object_quote(idx: _DocIndex, verb: Token) -> QuoteRecord | None:
    """``Smith criticized the plan``, ``urged voters to ...``, ``called for a recount``.

    PolNeAR counts stances and intentions as attributions: the object (or the infinitive)
    of such a verb is the content, its subject the source.
    """
    comp = None
    for child in verb.children:
        if child.dep_ in ("dobj", "xcomp") and child.i > verb.i:
            comp = child
            break
        if child.dep_ == "prep" and child.lower_ == "for" and child.i == verb.i + 1:
            comp = child
            break
    if comp is None:
        return None
    left = max(comp.left_edge.i, idx.line_lo[verb.i])
    if comp.dep_ == "prep":
        left = comp.i + 1
    right = min(comp.right_edge.i, idx.line_hi[verb.i])
    content = idx.span_of(left, right)
    if content is None or len(idx.text[content[0] : content[1]].split()) < 2:
        return None
    sent = verb.sent
    speaker = _subject(idx, verb, sent.start, sent.end - 1)
    if speaker is None or _overlaps((speaker,), [content]):
        return None
    if idx.text[speaker[0] : speaker[1]].lower() in ("it", "which", "this", "that", "who"):
        return None
    text = idx.text[content[0] : content[1]]
    kind = "mixed" if any(ch in text for ch in '"“”«»') or "''" in text else "indirect"
    cue = (verb.idx, verb.idx + len(verb.text))
    return QuoteRecord((content,), speaker, cue, kind, 0.5)


def _inverted_report(idx: _DocIndex, comp: Token, verb: Token) -> bool:
    """``Cooperation is important, the ministry said``: a whole clause, then a comma."""
    if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in comp.children):
        return False
    nxt = comp.right_edge.i + 1
    while nxt < verb.i and idx.doc[nxt].text in ("'", "’", "”", '"', "''"):
        nxt += 1
    return nxt < verb.i and idx.doc[nxt].text == ","


def _according_to(idx: _DocIndex, tok: Token) -> QuoteRecord | None:
    to = idx.doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    sent = tok.sent
    pp_first = tok.i
    pp_last = max(pobj.right_edge.i, to.i)
    sent_first = max(sent.start, idx.line_lo[tok.i])
    sent_last = min(sent.end - 1, idx.line_hi[tok.i])
    # the sentence without the "according to X" phrase; a short opener before it
    # ("In addition, according to ...") is not part of what X says
    left = idx.span_of(sent_first, pp_first - 1) if pp_first - sent_first > 2 else None
    right = idx.span_of(pp_last + 1, sent_last) if sent_last - pp_last > 2 else None
    if left is not None and right is not None and pp_first - sent_first < 5:
        left = None
    fragments = tuple(
        f for f in (left, right) if f is not None and len(idx.text[f[0] : f[1]].split()) >= 3
    )
    if not fragments:
        return None
    speaker = idx.span_of(pobj.left_edge.i, pobj.right_edge.i)
    text = " ".join(idx.text[a:b] for a, b in fragments)
    kind = "mixed" if any(ch in text for ch in '"“”«»') else "indirect"
    return QuoteRecord(fragments, speaker, (tok.idx, to.idx + len(to.text)), kind, 0.7)


def _overlaps(spans: Sequence[Span], taken: Sequence[Span]) -> bool:
    for a, b in spans:
        k = bisect_left(taken, (a, a))
        for j in (k - 1, k):
            if 0 <= j < len(taken) and taken[j][0] < b and a < taken[j][1]:
                return True
        if k < len(taken) and taken[k][0] < b:
            return True
    return False


# --- speaker names -----------------------------------------------------------------------


def _resolve_names(idx: _DocIndex, records: list[QuoteRecord]) -> list[QuoteRecord]:
    """Fill speaker_text and speaker_name: the mention, and the named speaker it refers to."""
    out = []
    last_person: str | None = None
    last_person_at = -1
    last_org: str | None = None
    for rec in records:
        if rec.speaker is None:
            out.append(rec)
            continue
        a, b = rec.speaker
        mention = idx.text[a:b]
        name, label = _name_in(idx, rec.speaker)
        if name is None:
            name, label = _resolve_reference(idx, mention, a, last_person, last_org, last_person_at)
        if name is not None:
            if label == "PERSON":
                last_person, last_person_at = name, a
            elif label == "ORG":
                last_org = name
        out.append(
            QuoteRecord(rec.content, rec.speaker, rec.cue, rec.kind, rec.confidence, mention, name)
        )
    return out


def _name_in(idx: _DocIndex, span: Span) -> tuple[str | None, str | None]:
    """The first named entity inside ``span``, expanded to its fullest earlier form."""
    a, b = span
    k = bisect_left(idx.ent_starts, a)
    found: list[tuple[int, str, str]] = []
    while k < len(idx.ents) and idx.ents[k][0] < b:
        start, _end, label, text = idx.ents[k]
        if label in ("PERSON", "ORG"):
            found.append((start, label, text))
        k += 1
    for start, label, text in sorted(found, key=lambda f: f[1] != "PERSON"):
        return _full_name(idx, text, label, start), label
    if not idx.ents and not idx.has_dep:
        # rules-only: a capitalised mention is a name
        words = idx.text[a:b].split()
        caps: list[str] = []
        for w in words:
            if not w[:1].isupper() or w.lower().strip(",.") in lx.NOT_NAMES:
                if caps:
                    break
                continue
            caps.append(w.strip(",.;:"))
        if caps and caps[0].lower() not in lx.PRONOUNS:
            return _full_name(idx, " ".join(caps), "PERSON", a), "PERSON"
    return None, None


def _full_name(idx: _DocIndex, text: str, label: str, before: int) -> str:
    """``Lee`` -> ``Lee In-young`` when the longer form was mentioned earlier."""
    text = text.removesuffix("'s").removesuffix("’s")
    if text.lower().startswith("the "):
        text = text[4:]
    if label == "PERSON":
        words = text.split()
        while len(words) > 1 and words[0].lower().rstrip(".") in lx.TITLES:
            words = words[1:]
        text = " ".join(words)
    if label != "PERSON" or " " in text:
        return text
    best = text
    for start, _end, lab, other in idx.ents:
        if start >= before:
            break
        if lab == "PERSON" and len(other) > len(best) and text in other.split():
            best = other.removesuffix("'s").removesuffix("’s")
    return best


def _resolve_reference(
    idx: _DocIndex,
    mention: str,
    at: int,
    last_person: str | None,
    last_org: str | None,
    last_person_at: int = -1,
) -> tuple[str | None, str | None]:
    """A pronoun or description ("he", "the minister") -> the nearest compatible name."""
    words = mention.lower().split()
    if not words:
        return None, None
    head = words[-1]
    if head in ("he", "she", "him", "her", "i"):
        # the nearer of the last named speaker and the last person named outside quotes
        name, _label = _nearest_entity(idx, at, "PERSON", None, last_person_at)
        if name is not None:
            return name, "PERSON"
        return (last_person, "PERSON") if last_person is not None else (None, None)
    if head in ("it", "they"):
        return (last_org, "ORG") if last_org else (None, None)
    if mention[:1].isupper() and words[0] not in ("the", "a", "an", "this", "that"):
        # a name the tagger missed: "Obi" after "Councillor Marcus Obi"
        surname = mention.split()[-1].removesuffix("'s").removesuffix("’s")
        k = bisect_left(idx.ent_starts, at) - 1
        while k >= 0:
            _start, _end, lab, text = idx.ents[k]
            if lab == "PERSON" and surname in text.split():
                return _full_name(idx, text, lab, _start), lab
            k -= 1
        if len(mention.split()) <= 4 and all(w[:1].isupper() for w in mention.split()):
            return mention.removesuffix("'s").removesuffix("’s"), "PERSON"
        return None, None
    if words[0] not in ("the", "a", "an", "this", "that"):
        return None, None
    if head in lx.ORG_NOUNS:
        return _nearest_entity(idx, at, "ORG", head)
    return _nearest_entity(idx, at, "PERSON", head)


_TITLE_ABBREVIATIONS = {
    "governor": "gov.",
    "senator": "sen.",
    "representative": "rep.",
    "president": "pres.",
    "general": "gen.",
    "lieutenant": "lt.",
    "doctor": "dr.",
    "professor": "prof.",
}


def _nearest_entity(
    idx: _DocIndex, at: int, label: str, noun: str | None, not_before: int = -1
) -> tuple[str | None, str | None]:
    """The nearest earlier entity of ``label``; with ``noun``, one it names or follows.

    Names inside quotation marks are skipped (a speaker rarely quotes himself by name),
    and so is anything before ``not_before``.
    """
    k = bisect_left(idx.ent_starts, at) - 1
    fallback: str | None = None
    while k >= 0:
        start, _end, lab, text = idx.ents[k]
        if start < not_before:
            break
        if idx.char_in_quote(start):
            k -= 1
            continue
        if lab == label:
            if noun is None:
                return _full_name(idx, text, lab, start), lab
            context = idx.text[max(0, start - 40) : start].lower().split()[-3:]
            abbrev = _TITLE_ABBREVIATIONS.get(noun)
            if noun in text.lower() or noun in context or (abbrev and abbrev in context):
                return _full_name(idx, text, lab, start), lab
            if fallback is None and label == "ORG":
                fallback = text
        k -= 1
    return (fallback, label) if fallback else (None, None)
