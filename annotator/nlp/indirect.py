"""Reported speech (indirect and mixed quotes without their own marks); needs a parse.

Four patterns, each over the dependency parse:

- a reporting, belief or intention verb governing a clause (``ccomp``): ``She said the
  plan failed``, also inverted (``The plan failed, the ministry said``);
- an aside inside the reported sentence (``Otherwise, she said, countries may ...``),
  which the parser hangs on the main verb as ``parataxis``;
- ``according to X``: the rest of the sentence is what X says;
- a stance or intention verb with its object (``criticized the plan``, ``urged voters
  to ...``, ``called for a recount``).

Heuristic sources: the PolNeAR annotation guidelines (Newell, Margolin and Ruths, LREC
2018), which count beliefs, intentions and stances as attributions; the verb lists
(:mod:`annotator.nlp.lexicon`) and filters were measured on PolNeAR train.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy
from spacy.attrs import LOWER, POS
from spacy.symbols import VERB
from spacy.tokens import Token

from annotator.nlp import lexicon as lx
from annotator.nlp.confidence import CONFIDENCE
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span, kind_of, overlaps
from annotator.nlp.speakers import (
    clip_subtree,
    is_according,
    is_relative_source,
    misparsed_conj,
    subject,
)


def indirect_quotes(idx: DocIndex, taken: list[Span], used_cues: set[int]) -> list[QuoteRecord]:
    """Reported speech outside ``taken`` (sorted content spans of the direct quotes).

    ``used_cues`` are the start offsets of the direct quotes' cues, not reused here.
    """
    doc = idx.doc
    out: list[QuoteRecord] = []
    for i in _candidates(idx):
        tok = doc[i]
        if tok.idx in used_cues:
            continue
        if tok.lower_ == "according" and is_according(doc, tok.i):
            rec = _according_to(idx, tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in lx.CLAUSE_VERBS:
            rec = _clause_quote(idx, tok)
            if rec is None and tok.dep_ == "parataxis":
                rec = _parenthetical_quote(idx, tok)
            if rec is None and tok.lemma_.lower() in lx.OBJECT_VERBS:
                rec = _object_quote(idx, tok)
            if rec is None:
                rec = _family_quote(idx, tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in lx.OBJECT_VERBS:
            rec = _object_quote(idx, tok)
        elif tok.pos_ == "VERB":
            rec = _family_quote(idx, tok) or _naming_quote(idx, tok)
            if rec is None:
                continue
        else:
            continue
        if rec is None or overlaps(rec.content, taken):
            continue
        if all(idx.char_in_quote(a) and idx.char_in_quote(b - 1) for a, b in rec.content):
            continue  # a clause inside quotation marks belongs to the quote
        out.append(rec)
    return out


def _candidates(idx: DocIndex) -> list[int]:
    """Tokens outside quotation marks that may carry reported speech: verbs and "according".

    Read from spaCy's token arrays, so that no Token object is made for the other tokens.
    """
    cols = idx.doc.to_array([POS, LOWER]).reshape((idx.n, 2))
    according = idx.doc.vocab.strings["according"]
    found = numpy.flatnonzero((cols[:, 0] == VERB) | (cols[:, 1] == according)).tolist()
    return [i for i in found if not idx.in_quote[i]]


def _clause_quote(idx: DocIndex, verb: Token) -> QuoteRecord | None:
    """``She said the plan failed``: the verb's clause complement is the content."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if not comps or any(c.dep_ == "neg" for c in verb.children):
        return None  # "did not say that ...": nothing was said
    comp = comps[-1]  # "In a statement, Cruz said he ...": the clause after the verb
    second = None
    if len(comps) > 1 and misparsed_conj(comp):
        # "said the clinic had run out and warned that ...": "warned" is a second report
        second, comp = comp, comps[-2]
    if comp.i < verb.i and not _inverted_report(idx, comp, verb):
        return None
    left = max(comp.left_edge.i, idx.line_lo[verb.i])
    right = min(comp.right_edge.i, idx.line_hi[verb.i])
    if second is not None:
        right = min(right, second.i - 1)
    right = _without_joiners(idx, left, right)
    if left <= verb.i <= right:
        return None
    content = idx.span_of(left, right)
    if content is None or content[1] - content[0] < 8:
        return None
    sent = verb.sent
    lo, hi = sent.start, sent.end - 1
    speaker = subject(idx, verb, lo, hi)
    if speaker is None or overlaps((speaker,), [content]):
        return None  # without a source, PolNeAR rarely sees an attribution
    if _not_a_source(idx, speaker, ("it", "which", "this", "that")):
        return None
    if verb.dep_ == "relcl" and verb.head.lemma_.lower() in lx.POLL_GROUPS:
        return None  # "those who said the economy was their top issue": a poll group
    if len(idx.text[content[0] : content[1]].split()) < 3:
        return None
    if idx.doc[left].lower_ in ("himself", "herself", "itself", "themselves", "myself"):
        return None  # "found himself embroiled": a state, not a report
    kind = kind_of(idx.text[content[0] : content[1]])
    speech = verb.lemma_.lower() in lx.SPEECH_VERBS
    rule = "indirect_speech_clause" if speech else "indirect_belief_clause"
    cue = (verb.idx, verb.idx + len(verb.text))
    return QuoteRecord((content,), speaker, cue, kind, CONFIDENCE[rule], rule=rule)


def _parenthetical_quote(idx: DocIndex, verb: Token) -> QuoteRecord | None:
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
    speaker = clip_subtree(idx, subj, lo, hi)
    if speaker is None or _not_a_source(idx, speaker, ("it", "which", "that")):
        return None
    kind = kind_of(" ".join(idx.text[a:b] for a, b in fragments))
    cue = (verb.idx, verb.idx + len(verb.text))
    conf = CONFIDENCE["indirect_aside"]
    return QuoteRecord(fragments, speaker, cue, kind, conf, rule="indirect_aside")


def _object_quote(idx: DocIndex, verb: Token) -> QuoteRecord | None:
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
    not_sources = ("it", "which", "this", "that", "who")
    return _object_record(idx, verb, left, right, not_sources, "indirect_stance_object")


def _object_record(
    idx: DocIndex, verb: Token, left: int, right: int, not_sources: Collection[str], rule: str
) -> QuoteRecord | None:
    """The quote of ``rule`` whose content is tokens ``left``..``right`` (at least two
    words), whose source is ``verb``'s subject (not overlapping the content, not one of
    ``not_sources``) and whose cue is ``verb``; None when any of these is missing."""
    content = idx.span_of(left, _without_joiners(idx, left, right))
    if content is None or len(idx.text[content[0] : content[1]].split()) < 2:
        return None
    sent = verb.sent
    speaker = subject(idx, verb, sent.start, sent.end - 1)
    if speaker is None or overlaps((speaker,), [content]):
        return None
    if _not_a_source(idx, speaker, not_sources):
        return None
    if rule in _STANCE_RULES and _asks_the_reader(idx, verb, speaker):
        rule = "indirect_reader_question"
    kind = kind_of(idx.text[content[0] : content[1]])
    cue = (verb.idx, verb.idx + len(verb.text))
    return QuoteRecord((content,), speaker, cue, kind, CONFIDENCE[rule], rule=rule)


#: Rules of a stance held towards an object (``supports Smith``, ``criticized the plan``).
_STANCE_RULES = frozenset(
    {"indirect_position_object", "indirect_support_object", "indirect_stance_object"}
)


def _asks_the_reader(idx: DocIndex, verb: Token, speaker: Span) -> bool:
    """``Do you support Donald Trump?``: a question put to *you*, which reports no stance.

    Such reader polls close many articles of one PolNeAR publisher (PolNeAR train: 11
    stance objects of ``you`` in a question, none overlapping a gold attribution); they
    are kept as ``indirect_reader_question`` with a low confidence, the annotator decides.
    True when the verb's subject is ``you`` and its sentence ends with a question mark.
    """
    if idx.text[speaker[0] : speaker[1]].lower() != "you":
        return False
    sent = verb.sent
    last = sent.end - 1
    while last > sent.start and (idx.doc[last].is_space or idx.doc[last].is_quote):
        last -= 1
    return idx.doc[last].text.endswith("?")


def _without_joiners(idx: DocIndex, left: int, right: int) -> int:
    """``right`` moved left past a trailing ``and``/``but`` (and punctuation): the parse
    may end a content with the conjunction that joins the next report (``urged residents
    to stay indoors and promised ...``)."""
    doc = idx.doc
    while right > left and (doc[right].dep_ == "cc" or doc[right].is_punct):
        right -= 1
    return right


_NOT_SOURCES = frozenset({"it", "which", "this", "that", "who", "there", "what"})


def _family_quote(idx: DocIndex, verb: Token) -> QuoteRecord | None:
    """Position, intention and call-for verbs with their object, infinitive or ``for``.

    ``Smith opposes the plan`` (``indirect_position_object``), ``wants to raise taxes``
    (``indirect_intention``), ``called for a recount`` / ``called on Congress to act``
    (``indirect_call_for``). PolNeAR counts these as attributions (beliefs, intentions and
    stances); each family's verb list was pruned by precision on PolNeAR train 1-400.
    """
    lemma = verb.lemma_.lower()
    if any(c.dep_ == "neg" for c in verb.children):
        return None
    comp: Token | None = None
    rule = ""
    left_of: int | None = None
    for child in verb.children:
        if child.i <= verb.i:
            continue
        if (
            lemma in lx.CALL_FOR
            and child.dep_ in ("prep", "prt")
            and child.lower_ in lx.CALL_FOR[lemma]
            and child.i <= verb.i + 2
        ):
            comp, rule = child, "indirect_call_for"
            left_of = child.i + 1
            break
        if (
            lemma in lx.REQUEST_VERBS
            and child.dep_ in ("xcomp", "ccomp")
            and child.pos_ in ("VERB", "AUX")
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children)
        ):
            # "asked residents to boil their water": addressee and infinitive
            obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < child.i), None)
            subj = next((g for g in child.children if g.dep_ == "nsubj"), None)
            addressee = obj or subj
            if addressee is not None:
                comp, rule = child, "indirect_request"
                left_of = addressee.left_edge.i
                break
        if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
            if lemma in lx.INTENTION_VERBS:
                comp, rule = child, "indirect_intention"
                break
            if lemma in lx.WISH_VERBS:
                comp, rule = child, "indirect_wish"
                break
        if child.dep_ == "dobj":
            if lemma in lx.POSITION_VERBS:
                comp, rule = child, "indirect_position_object"
                break
            if lemma in lx.SUPPORT_VERBS:
                comp, rule = child, "indirect_support_object"
                break
    if comp is None:
        return None
    if rule == "indirect_support_object" and _describes_someone(verb):
        return None
    if rule == "indirect_position_object" and _agenda(verb):
        rule = "indirect_agenda"
    if rule == "indirect_wish" and _advice(verb):
        rule = "indirect_advice"
    if rule == "indirect_intention" and _prospect(verb):
        rule = "indirect_prospect"
    lo, hi = idx.line_lo[verb.i], idx.line_hi[verb.i]
    if rule == "indirect_call_for":
        # the preposition's object and whatever follows it in the verb's phrase
        last = max(
            (c.right_edge.i for c in verb.children if c.i > comp.i), default=comp.right_edge.i
        )
        right = min(max(comp.right_edge.i, last), hi)
    elif rule in _OBJECT_RULES:
        # "slammed the plan as reckless": the description is part of the content
        last = max(
            (c.right_edge.i for c in verb.children if c.i > comp.i and _describes(c)),
            default=comp.right_edge.i,
        )
        right = min(max(comp.right_edge.i, last), hi)
    else:
        right = min(comp.right_edge.i, hi)
    left = max(comp.left_edge.i if left_of is None else left_of, lo)
    return _object_record(idx, verb, left, right, _NOT_SOURCES, rule)


#: Rules whose object may be followed by what the speaker says it is ("slammed the plan as
#: reckless", "called the deal a disaster"), part of the content in PolNeAR.
_OBJECT_RULES = frozenset({"indirect_position_object", "indirect_support_object"})


#: Naming verbs whose participle after a comma says what the source calls something
#: (``criticized the plan, calling it a waste of money``).
_NAMING_PARTICIPLES = lx.words("call describe label brand dub term")


def _naming_quote(idx: DocIndex, verb: Token) -> QuoteRecord | None:
    """``pushed back, calling it the mark of a desperate campaign``: rule ``indirect_naming``.

    A participle of a naming verb after a comma, with an object and what the object is
    called (an object predicate, an adjective or ``as`` + phrase) and no quotation
    marks (those are mixed quotes, :mod:`annotator.nlp.direct`): the object and its
    description are the content, the subject of the verb the participle hangs on the
    source. None for any other shape.
    """
    if verb.tag_ != "VBG" or verb.lemma_.lower() not in _NAMING_PARTICIPLES:
        return None
    if verb.i == 0 or idx.doc[verb.i - 1].text != "," or verb.dep_ not in ("advcl", "conj"):
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None:
        return None
    described = [c for c in verb.children if c.i > obj.i and _describes(c)]
    if not described:
        return None
    lo, hi = idx.line_lo[verb.i], idx.line_hi[verb.i]
    left = max(obj.left_edge.i, lo)
    right = min(max(c.right_edge.i for c in described), hi)
    return _object_record(idx, verb, left, right, _NOT_SOURCES, "indirect_naming")


def _describes(child: Token) -> bool:
    """Is ``child`` (a dependent of the verb after its object) the speaker's description
    of the object: ``as`` + phrase, an object predicate or an adjective complement? Time and
    place (``on Tuesday``, ``at the depot``) are not: where, not what."""
    return (child.dep_ == "prep" and child.lower_ == "as") or child.dep_ in ("oprd", "acomp")


#: Verbs whose object is a topic talked over, not a position held ("to discuss the
#: situation in the region").
_TOPIC_VERBS = lx.words("discuss")


def _describes_someone(verb: Token) -> bool:
    """``Peter Thiel, who backed Ron Paul in 2008, said ...``: a support verb heading a
    relative clause is the writer's description of someone, mostly no attribution.

    PolNeAR train 1-400: 13 of 43 such support objects overlapped no gold attribution
    (lenient precision 70%, against 88% for the rule's others); 401-840: 14 of 33. They
    are left out, not lowered: every suggestion the detector writes is scored.
    """
    return verb.dep_ == "relcl"


def _agenda(verb: Token) -> bool:
    """``met Kulik to discuss the situation in the region``: the purpose of a meeting.

    A topic verb as a ``to`` infinitive hanging on another verb names what a meeting was
    for, not what anyone said or holds: kept with a low confidence (``indirect_agenda``),
    the annotator decides.
    """
    return (
        verb.lemma_.lower() in _TOPIC_VERBS
        and verb.dep_ in ("advcl", "xcomp", "acl", "relcl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    )


def _advice(verb: Token) -> bool:
    """``Donald Trump may want to check his stats``: the writer's advice, not a wish.

    ``may``/``might want to`` is the idiom of a suggestion made *to* the subject (PolNeAR
    train: 5 such wishes, 4 overlapping no gold attribution); kept with a low confidence
    (``indirect_advice``), the annotator decides. Other modals (``would want to``) keep
    the wish.
    """
    return verb.lemma_.lower() == "want" and any(
        c.dep_ == "aux" and c.lower_ in ("may", "might") for c in verb.children
    )


#: Nouns of events and measures, which can "threaten" or "promise" what is likely but
#: intend nothing ("the primary threatens to knock one of them out").
_EVENT_NOUNS = lx.words(
    """
    debate primary caucus election race contest case trial lawsuit suit initiative measure
    bill law proposal policy deal crisis storm war scandal controversy issue retirement
    change move decision ruling vote referendum economy recession shift trend event
    """
)


def _prospect(verb: Token) -> bool:
    """``The debate promised to be a crucial moment``: what is likely, not an intention.

    ``threaten``/``promise`` with an event or a measure as subject (also through a
    relative pronoun: ``a case that had threatened to cripple public unions``) say what
    may happen; nobody holds the intention (PolNeAR train: 6 such suggestions, 5 of them
    overlapping no gold attribution). Kept as ``indirect_prospect`` with a low confidence.
    """
    if verb.lemma_.lower() not in ("threaten", "promise"):
        return False
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ in ("that", "which") and verb.dep_ == "relcl":
        subj = verb.head
    return subj is not None and subj.lemma_.lower() in _EVENT_NOUNS


def _not_a_source(idx: DocIndex, speaker: Span, words: Collection[str]) -> bool:
    """Is the speaker mention one of ``words`` (``it``, ``which``...) that names no source?

    A relative pronoun subject of a relative clause (``Kamin, who said ...``) is a source:
    it stands for the noun the clause hangs on (:func:`annotator.nlp.speakers.subject`).
    """
    mention = idx.text[speaker[0] : speaker[1]].lower()
    if mention not in words:
        return False
    return not is_relative_source(idx, speaker)


def _inverted_report(idx: DocIndex, comp: Token, verb: Token) -> bool:
    """``Cooperation is important, the ministry said``: a whole clause, then a comma."""
    if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in comp.children):
        return False
    nxt = comp.right_edge.i + 1
    while nxt < verb.i and idx.doc[nxt].text in ("'", "’", "”", '"', "''"):
        nxt += 1
    return nxt < verb.i and idx.doc[nxt].text == ","


def _according_to(idx: DocIndex, tok: Token) -> QuoteRecord | None:
    """``According to the agency, exports fell``: the sentence without the phrase."""
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
    kind = kind_of(" ".join(idx.text[a:b] for a, b in fragments), with_nyt_marks=False)
    cue = (tok.idx, to.idx + len(to.text))
    conf = CONFIDENCE["according_to"]
    return QuoteRecord(fragments, speaker, cue, kind, conf, rule="according_to")
