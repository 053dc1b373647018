"""One attribution per cue: nested and coordinated reported speech, the PolNeAR way.

The rules of :mod:`annotator.nlp.indirect` run once per cue verb, so one sentence may give
records whose contents hold another record's cue. PolNeAR's gold never does that (on
train lines 1-400 no gold content holds the cue of another gold attribution); it
annotates two shapes:

- **a nested report** (``She said she believes the council acted too late``): one
  attribution, cue ``said``, content ``she believes the council acted too late``; the
  inner verb is part of what was said. The inner record (cue ``believes``) is dropped
  when its source is a pronoun or missing, as is any such report inside another one's
  content that is not joined to it as below (``said he recoiled when it began``). A named
  inner source (``I think the council said ...``) keeps its own quote.
- **coordinated or following reports** (``He urged voters to wait and proposed a ban``,
  ``said A and added that B``, ``said A, but warned that B``, ``said A, adding that B``):
  two attributions with the same source, each with its own cue and content. The parser
  often hangs the second verb inside the first one's clause (``reopen ... and added``), so
  the first content runs over the second report; it is cut before the second report
  (and the ``and``/``but``/comma joining them), and the second one takes the first one's
  source when the parse gave it a subject from inside the first content.

A report of another source joined by ``and``, ``but``, ``while`` or ``whereas`` (``say
A, while about a third say B``) ends the first content too, each keeping its source.
The same cut applies to mixed quotes (``said the plan was "a disaster" and called the
protest "a stunt"``). A second report no rule proposed (its content was inside the first
one's) is split off by :func:`split_joined` (``said A and accused B of C``, ``said A,
calling the old one "a fire trap"``), with the first one's speaker. A trained model's
fragment that runs over a second report with a source of its own is cut the same way by
:func:`split_inner_reports`.

Measured with ``bench/score_cached.py`` on PolNeAR train (see the commit messages).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc, Token

from annotator.nlp import lexicon as lx
from annotator.nlp.confidence import CONFIDENCE
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span, kind_of
from annotator.nlp.speakers import subject

#: Words that join a second report to the first one and belong to neither content.
_JOINERS = frozenset(
    {"and", "but", "then", "also", "while", "whereas", "yet", "before", "after", "later", "so"}
)


def _is_mark(word: str) -> bool:
    """Is ``word`` a quotation mark (a closing mark stays with the words it closes)?"""
    return bool(word) and all(ch in "\"'“”‘’«»" for ch in word)


def _covers(spans: tuple[Span, ...], char: int) -> bool:
    return any(a <= char < b for a, b in spans)


def _same_source(idx: DocIndex, inner: QuoteRecord) -> bool:
    """Is the nested report's source a pronoun (``said she believes``: most often the
    outer speaker) or missing? A named inner source (``I think the council said ...``)
    keeps its own quote: it says who else spoke (measured: dropping those too gains 0.2
    strict F1 on train but costs 0.1 lenient F1 on dev)."""
    if inner.speaker is None:
        return True
    words = idx.text[inner.speaker[0] : inner.speaker[1]].lower().split()
    return len(words) == 1 and words[0] in _PRONOUNS


_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "you", "who", "which", "that"})


def _coordinated(
    outer_cue: Token, inner_cue: Token, verbs: frozenset[str] = lx.CLAUSE_VERBS
) -> bool:
    """Is ``inner_cue`` a second report of the same source, joined to the first one:
    ``said A and added B`` (a verb of the same form, without a subject of its own, after
    ``and``/``but``/a comma) or ``said A, adding that B`` (a participle of a reporting
    or belief verb after a comma, or after ``and`` when it is coordinated)? The parser
    may hang it on any verb of the first content."""
    if inner_cue.i <= outer_cue.i or any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in inner_cue.children
    ):
        return False
    doc = inner_cue.doc
    before = inner_cue.i - 1
    while before > outer_cue.i and doc[before].dep_ == "advmod":
        before -= 1  # "and then added"
    prev = doc[before]
    if inner_cue.dep_ == "conj" and _tense(inner_cue) == _tense(outer_cue):
        return prev.lower_ in _JOINERS or prev.text in (",", ";")
    if inner_cue.dep_ in ("advcl", "conj", "xcomp") and inner_cue.tag_ == "VBG":
        joined = prev.text in (",", ";") or (
            (inner_cue.dep_ == "conj" or outer_cue.tag_ == "VBG") and prev.lower_ in _JOINERS
        )
        return joined and inner_cue.lemma_.lower() in verbs
    return False


def _indirect(rec: QuoteRecord) -> bool:
    return rec.rule.startswith("indirect") or rec.rule == "according_to"


def _reported(rec: QuoteRecord) -> bool:
    return _indirect(rec) or rec.rule.startswith("mixed") or rec.kind == "mixed"


def _tense(verb: Token) -> str:
    """The verb's tag, or its ``do`` auxiliary's (``did say`` is past, as ``said`` is)."""
    if verb.tag_ == "VB":
        aux = next((c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "do"), None)
        if aux is not None:
            return aux.tag_
    return verb.tag_


def untangle(idx: DocIndex, records: list[QuoteRecord]) -> list[QuoteRecord]:
    """``records`` with no content holding another record's cue (see the module doc).

    Only reported speech and mixed quotes are changed (records whose rule starts with
    ``indirect`` or ``mixed``, ``according_to``, or of kind ``mixed``); only reported
    speech is dropped as nested; direct quotes are left as they are. Returns a new list,
    in the input order; records may be dropped, shortened or given another speaker.
    Cost: O(n log n) in the number of records, plus the pairs found.
    """
    reported = [k for k, r in enumerate(records) if r.cue is not None and _reported(r)]
    if len(reported) < 2:
        return records
    doc = idx.doc
    cue_at = {k: r.cue[0] for k, r in enumerate(records) if r.cue is not None}
    cue_tok = {k: doc[idx.token_at(cue_at[k])] for k in reported}
    by_cue = sorted((cue_at[k], k) for k in reported)
    starts = [c for c, _ in by_cue]

    def inside(rec: QuoteRecord, k: int) -> list[int]:
        """The reports other than ``k`` whose cue is in ``rec``'s content, in text order."""
        found: list[int] = []
        for a, b in rec.content:
            found.extend(j for _, j in by_cue[bisect_left(starts, a) : bisect_left(starts, b)])
        return [j for j in found if j != k]

    out: list[QuoteRecord | None] = list(records)
    dropped: set[int] = set()
    # nested reports first: "said she believes X" keeps the outer one only; a report
    # joined to the first one ("said A and added B") is cut apart below instead
    for k in reported:
        for j in inside(records[k], k):
            if j in dropped or not (_indirect(records[k]) and _indirect(records[j])):
                continue
            if (
                not _coordinated(cue_tok[k], cue_tok[j])
                and _clause_start(cue_tok[j]) is None
                and _same_source(idx, records[j])
            ):
                dropped.add(j)
                out[j] = None
    # then coordinated / following reports: cut the first content before the second
    for k in reported:
        if k in dropped:
            continue
        rec = out[k] or records[k]  # its speaker may be fixed already
        inner = [
            j
            for j in inside(rec, k)
            if j not in dropped
            and (_coordinated(cue_tok[k], cue_tok[j]) or _clause_start(cue_tok[j]) is not None)
        ]
        if not inner:
            continue
        j = min(inner, key=lambda j: cue_at[j])
        start = _clause_start(cue_tok[j])
        cut = _cut(idx, rec, records[j], cue_tok[j], None if start is None else doc[start].idx)
        if cut is None:
            continue
        out[k] = cut
        other = out[j] or records[j]
        if (
            other.speaker is not None
            and _covers(rec.content, other.speaker[0])
            and rec.speaker is not None
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in cue_tok[j].children)
        ):
            # "said the bridge would reopen and added that ...": the parse took "the
            # bridge" as the subject of "added"; both reports are the first speaker's
            out[j] = replace(other, speaker=rec.speaker, speaker_text=rec.speaker_text)
    return [r for r in out if r is not None]


def _clause_start(verb: Token) -> int | None:
    """Where a second report with a subject of its own begins when it is a clause joined
    to the first one (``said A, while another firm says B``, ``said A, and he railed
    against B``): the token index of its subject's first word, after ``and``, ``but``,
    ``while`` or ``whereas`` (with or without a comma before). None for any other shape,
    such as a relative clause (``the mayor, who said B``)."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.i > verb.i or subj.lower_ in ("who", "which", "that", "what"):
        return None
    start = subj.left_edge.i
    if start == 0 or verb.dep_ not in ("conj", "advcl", "ccomp"):
        return None
    before = verb.doc[start - 1]
    if before.lower_ in ("and", "but", "while", "whereas"):
        return start
    return None


def _cut(
    idx: DocIndex, rec: QuoteRecord, other: QuoteRecord, cue: Token, begin: int | None = None
) -> QuoteRecord | None:
    """``rec`` ending before ``other`` (whose cue token is ``cue``) begins (at character
    ``begin`` when given: the start of its clause), the joining words left out; None
    when too little (under three words) would be left, or when ``other`` begins before
    ``rec``'s content."""
    assert other.cue is not None
    if begin is None:
        # no subject of its own (see _coordinated): its speaker, if any, is the parse's
        # guess from inside rec's content, replaced by rec's speaker
        begin = min(other.cue[0], other.content[0][0])
    if begin <= rec.start:
        return None
    doc = idx.doc
    last = idx.token_at(begin) - 1
    while last >= 0 and (
        (doc[last].is_punct and not idx.in_quote[last] and not _is_mark(doc[last].text))
        or doc[last].lower_ in _JOINERS
    ):
        last -= 1
    if last < 0 or doc[last].idx + len(doc[last].text) <= rec.start:
        return None
    limit = doc[last].idx + len(doc[last].text)
    content: list[Span] = []
    for a, b in rec.content:
        if a >= limit:
            break
        end = min(b, limit)
        span = idx.span_of(idx.token_at(a), idx.token_at(end) - 1) if end < b else (a, b)
        if span is not None:
            content.append(span)
    text = " ".join(idx.text[a:b] for a, b in content)
    if len(text.split()) < 3:
        return None
    return replace(rec, content=tuple(content), kind=kind_of(text))


#: Verbs that start a second report joined to a first one (``said A and accused B of C``,
#: ``said A, calling it B``): verbs of saying, stance and naming. Left out, measured on
#: PolNeAR train 1-400, verbs that PolNeAR mostly keeps inside the first report's content
#: when joined to it (``said the figures were worse, showing ...``, ``said she was tired
#: and wanted ...``): show, push, want, support, write, demand, add, rail, note.
_SECOND_VERBS = lx.words(
    """
    say tell accuse criticize criticise praise condemn call describe label dub brand
    consider promise vow pledge suggest echo warn insist argue claim deny admit concede
    acknowledge assert question blame blast attack denounce dismiss slam decry deride
    rebuke
    """
)


def split_joined(idx: DocIndex, records: list[QuoteRecord]) -> list[QuoteRecord]:
    """A second report joined to a first one that no rule proposed, split off it.

    ``said the plan was "a disaster" and accused the board of hiding the costs`` or
    ``said A, calling it B``: the first content runs over the second report (a verb of
    :data:`_SECOND_VERBS` without a subject of its own, joined as :func:`_coordinated`
    says). The first content is cut before it (:func:`_cut`) and the second report
    becomes a quote of the same speaker: cue the verb (with its particle, ``called
    for``), content the words after it up to where the first content ended. Runs on
    reported speech and mixed quotes whose cue is outside their content; returns a new
    list (records added at the end). Cost: linear in the content tokens.
    """
    cues = {r.cue[0] for r in records if r.cue is not None}
    out: list[QuoteRecord] = []
    for rec in records:
        if rec.cue is not None and _reported(rec) and not _covers(rec.content, rec.cue[0]):
            out.extend(_split(idx, rec, cues))
        else:
            out.append(rec)
    return out


def _split(idx: DocIndex, rec: QuoteRecord, cues: set[int]) -> list[QuoteRecord]:
    """``rec`` and the second reports split off it (:func:`split_joined`); ``cues`` (the
    cue starts of all records) gets the new cues."""
    out: list[QuoteRecord] = []
    while True:
        second = _joined_record(idx, rec, cues)
        if second is None or second.cue is None:
            break
        cut = _cut(idx, rec, second, idx.doc[idx.token_at(second.cue[0])])
        if cut is None:
            break
        cues.add(second.cue[0])
        out.append(second)
        if cut.kind != "mixed" and not _has_verb(idx, cut):
            # 'wrote a letter to the board, calling the reports "false"': the marks were
            # all in the second report, and what is left of the first (no clause, no
            # marks) is no quote
            return out
        rec = cut
    out.append(rec)
    return out


def _has_verb(idx: DocIndex, rec: QuoteRecord) -> bool:
    """Does ``rec``'s content hold a verb (a reported clause, not only an object)?"""
    doc = idx.doc
    return any(
        doc[i].pos_ in ("VERB", "AUX")
        for a, b in rec.content
        for i in range(idx.token_at(a), idx.token_at(b - 1) + 1)
    )


def _not_a_source(idx: DocIndex, rec: QuoteRecord) -> bool:
    """Is ``rec``'s speaker missing or a pronoun that names nobody (``which``, ``it``)?"""
    if rec.speaker is None:
        return True
    return idx.text[rec.speaker[0] : rec.speaker[1]].lower() in ("which", "that", "it", "this")


def _second_report(cue: Token, verb: Token) -> bool:
    """Does ``verb`` start a second report joined to the one of ``cue``: a verb of
    :data:`_SECOND_VERBS` without a subject of its own (:func:`_coordinated`)? (A joined
    clause with a subject of its own, ``said A, while about 4 in 10 want B``, made a
    quote of its own too was measured: +0.1 jacc50 F on train, -0.1 on dev; left out.)"""
    return verb.lemma_.lower() in _SECOND_VERBS and _coordinated(cue, verb, _SECOND_VERBS)


def _not_a_report(verb: Token) -> bool:
    """``considering the party is ...`` (given that), ``denying him a victory`` (keeping
    it from him): participles of report verbs that report nothing (PolNeAR train 401-840)."""
    lemma = verb.lemma_.lower()
    if verb.tag_ == "VBG" and lemma == "consider":
        return True
    return lemma == "deny" and not any(c.dep_ == "ccomp" for c in verb.children)


def _joined_record(idx: DocIndex, rec: QuoteRecord, cues: set[int]) -> QuoteRecord | None:
    """The first second report inside ``rec``'s content (see :func:`split_joined`)."""
    assert rec.cue is not None
    doc = idx.doc
    cue = doc[idx.token_at(rec.cue[0])]
    first, last = idx.token_at(rec.start), idx.token_at(rec.end - 1)
    for i in range(first + 1, last):
        tok = doc[i]
        if (
            tok.pos_ != "VERB"
            or idx.in_quote[i]
            or tok.idx in cues
            or not _second_report(cue, tok)
            or _not_a_source(idx, rec)
            or _not_a_report(tok)
        ):
            continue
        begin = i + 1
        particles = lx.CALL_FOR.get(tok.lemma_.lower(), ()) + ("to", "against", "out")
        while (
            begin <= last and doc[begin].dep_ in ("prt", "prep") and doc[begin].lower_ in particles
        ):
            begin += 1  # "called for", "referring to", "railed against"
        end = last
        while end > begin and doc[end].is_punct and not _is_mark(doc[end].text):
            end -= 1
        content = idx.span_of(begin, end)
        if content is None:
            continue
        text = idx.text[content[0] : content[1]]
        if len(text.split()) < 2:
            continue
        kind = kind_of(text)
        rule = "mixed_joined" if kind == "mixed" else "indirect_joined"
        cue_end = doc[begin - 1].idx + len(doc[begin - 1].text)
        return QuoteRecord(
            (content,),
            rec.speaker,
            (tok.idx, cue_end),
            kind,
            CONFIDENCE[rule],
            speaker_text=rec.speaker_text,
            rule=rule,
        )
    return None


#: The dependents after a verb that make what follows it its report (``said [ccomp]``,
#: ``urged [dobj] to [xcomp]``, ``argued [prep] for``).
_REPORT_COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "prep", "dative", "prt", "attr"})


def split_inner_reports(
    idx: DocIndex, rec: QuoteRecord, is_cue: Callable[[Token], bool]
) -> list[QuoteRecord]:
    """``rec`` (a learned quote: one content fragment tagged by the trained model) cut
    at the reports it holds that have a source of their own, each of them a quote of
    that source, by the rules of :func:`untangle`.

    A long fragment may swallow a second report: ``that Trump had not answered, the
    candidate said families file lawsuits`` (a cue of :func:`is_cue <annotator.nlp.
    learned._is_cue>` with its subject inside the fragment). As in :func:`untangle`:

    - a named source, or any source of a clause joined by ``and``/``but``/``while``/
      ``whereas`` (:func:`_clause_start`), starts a second quote: cue the verb, speaker
      its subject (:func:`~annotator.nlp.speakers.subject`), content the words after the
      verb up to the end of its subtree within the fragment; the first one is cut before
      that clause (:func:`_cut`; dropped when under three words are left, as when the
      fragment begins with the second source: ``The council hopes its plan works``);
    - a pronoun source not so joined is a nested report of the same speaker (``she
      believes``) and stays inside the first content, as PolNeAR annotates it;
    - the fragment's own cue and source at its end (``taxes went unpaid, he said``,
      the verb's clause before it) make the words before them a quote of that source.

    Returns the records in text order (``rec`` itself when nothing is cut); each keeps
    ``rec``'s confidence and rule. Cost: linear in the fragment's tokens.
    """
    out: list[QuoteRecord] = []
    while True:
        found = _inner_report(idx, rec, is_cue)
        if found is None:
            break
        first, second = found
        if first is not None:
            out.append(first)
        if second is None:
            return out
        rec = second
    out.append(rec)
    return out


def _inner_report(
    idx: DocIndex, rec: QuoteRecord, is_cue: Callable[[Token], bool]
) -> tuple[QuoteRecord | None, QuoteRecord | None] | None:
    """(what is left of ``rec`` before the first report with a source of its own in its
    content, that report; either None when nothing is left of it), or None when
    ``rec`` holds no such report (see :func:`split_inner_reports`)."""
    doc = idx.doc
    first, last = idx.token_at(rec.start), idx.token_at(rec.end) - 1
    for i in range(first + 1, last + 1):
        verb = doc[i]
        if verb.pos_ != "VERB" or idx.in_quote[i] or not is_cue(verb):
            continue
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None or subj.lower_ in _RELATIVES:
            continue
        if subj.left_edge.i < first or subj.i > last:
            continue  # the subject is outside: the fragment's own cue and source
        lo, hi = idx.line_lo[verb.i], idx.line_hi[verb.i]
        speaker = subject(idx, verb, lo, hi) or idx.span_of(subj.left_edge.i, subj.i)
        if speaker is None:
            continue
        cue = (verb.idx, verb.idx + len(verb.text))
        comp = next((c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i), None)
        if comp is not None and comp.left_edge.i >= first and subj.i > comp.i:
            # "taxes went unpaid, he said": the words before the cue are its report
            end = min(subj.left_edge.i, verb.i) - 1
            while end > first and (doc[end].is_punct and not _is_mark(doc[end].text)):
                end -= 1
            span = idx.span_of(first, end)
            if span is None or len(idx.text[span[0] : span[1]].split()) < 3:
                continue
            text = idx.text[span[0] : span[1]]
            return None, replace(rec, content=(span,), speaker=speaker, cue=cue, kind=kind_of(text))
        begin = _clause_start(verb)
        after = [c for c in verb.children if c.i > verb.i and c.dep_ in _REPORT_COMPLEMENTS]
        if not after:
            continue
        if begin is None and not _apart(doc, verb, subj, first, last):
            # the verb is inside the fragment's own clause: a nested report, one
            # attribution for PolNeAR (its gold never has a content holding another
            # attribution's cue), unless a named source reports a clause of its own
            # ("information that investigators said they found"), not as the
            # complement of the first one ("that a video showed he grabbed ...")
            if _same_source(idx, replace(rec, speaker=speaker)):
                continue
            if not any(c.dep_ == "ccomp" for c in after) or any(
                c.dep_ == "mark" for c in verb.children
            ):
                continue
        right = min(last, verb.right_edge.i)
        while right > verb.i and doc[right].is_punct and not _is_mark(doc[right].text):
            right -= 1
        span = idx.span_of(verb.i + 1, right)
        if span is None or len(idx.text[span[0] : span[1]].split()) < 2:
            continue
        text = idx.text[span[0] : span[1]]
        second = replace(
            rec, content=(span,), speaker=speaker, cue=cue, kind=kind_of(text), speaker_text=None
        )
        start = subj.left_edge.i if begin is None else begin
        return _cut(idx, rec, second, verb, doc[start].idx), second
    return None


_RELATIVES = frozenset({"who", "which", "that", "what", "whom"})


def _apart(doc: Doc, verb: Token, subj: Token, first: int, last: int) -> bool:
    """Does the fragment of tokens ``first..last`` hold ``verb`` (whose subject is
    ``subj``) as a clause of its own after another one: ``verb``'s head is outside the
    fragment (or ``verb`` is the sentence's root) and some word before its subject
    hangs outside the fragment too (``that Trump had not answered, the candidate said
    ...``)?"""
    if first <= verb.head.i <= last and verb.head.i != verb.i:
        return False
    return any(
        not (first <= doc[j].head.i <= last)
        and not doc[j].is_punct
        and doc[j].dep_ not in ("cc", "mark")
        for j in range(first, subj.left_edge.i)
    )
