"""Frames of direct quotes: the cue and speaker that introduce or follow a quoted run.

A run's *frame* is the words after it up to the end of its sentence (``"...," she said``)
or before it from the start of its sentence (``She said: "..."``). :func:`find_frame`
looks after the run first, then before it, then at bylines (``"..." ― Carla Sanchez``),
colons (``X released the following statement:``) and, with a parse, any verb with a
subject next to the run. A frame whose cue has words between it and the run
(``said voting fraud is "a big, big problem"``) marks a mixed quote.

Heuristic sources: the attribution patterns of news style guides (AP: ``"...," she said``
after the first sentence of a quote) and of the PolNeAR annotation guidelines; the window
sizes and which side wins after a full stop were tuned on PolNeAR train.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Token

from annotator.nlp import lexicon as lx
from annotator.nlp.docindex import DocIndex, Span
from annotator.nlp.quotemarks import Segment
from annotator.nlp.speakers import (
    is_according,
    participle_subject,
    plausible_speaker,
    speaker,
    subject,
)

#: A colon token, alone or with the bracket spaCy keeps on it ("Rep. Ana Pike (R-Maine):").
_COLONS = frozenset({":", "):", "]:"})
#: Tokens a frame reaches at most, on either side of a run.
MAX_FRAME = 40
_DASHES = frozenset({"―", "—", "–", "-", "--", "~"})


@dataclass
class Frame:
    """A reporting verb near a quote and the speaker it gives."""

    cue: Token | None
    speaker: Span | None
    side: str  # "after" or "before"
    mixed_from: int | None = None  # start of a mixed quote's content, before the run
    label: bool = False  # a name before a colon without any verb ("From Carla Mendes:")
    tail: int | None = None  # last token of the quoted clause after the run, before ", said X"
    # a clause without a reporting verb before a colon gives the speaker as its subject
    # ("The board was blunt in its findings:", "Here's Ross in 2019:")
    colon_clause: bool = False


def frame_after(idx: DocIndex, end: int, para_end: int) -> tuple[int, int]:
    """Token range ``[first, last]`` after a run, to its sentence end or the next quote."""
    first = idx.token_at(end)
    last = first - 1
    i = first
    while i < idx.n and i - first < MAX_FRAME:
        if idx.in_quote[i] or idx.starts[i] >= para_end or idx.is_boundary(i):
            break
        last = i
        i += 1
    return first, last


def frame_before(idx: DocIndex, start: int, para_start: int) -> tuple[int, int]:
    """Token range ``[first, last]`` before a run, back to its sentence start."""
    last = idx.token_at(start) - 1
    first = last + 1
    i = last
    while i >= 0 and last - i < MAX_FRAME:
        if idx.in_quote[i] or idx.starts[i] < para_start or idx.is_boundary(i):
            break
        first = i
        i -= 1
    return first, last


def _last_word(idx: DocIndex, lo: int, hi: int) -> str:
    """The text of the last token of ``lo..hi`` that is no space ('' when none)."""
    while hi >= lo and idx.doc[hi].is_space:
        hi -= 1
    return idx.doc[hi].text if hi >= lo else ""


def introduces_run(idx: DocIndex, lo: int, hi: int) -> bool:
    """Do the frame tokens ``lo..hi``, between a run that ends its sentence and the next
    run, introduce that next run (``He added: "..."``, ``Cruz says, "That is ..."``)?

    True when they end with a colon, or with a comma when they hold a reporting verb and
    a name and the next run opens a sentence (a capital letter after its mark). PolNeAR
    annotates one attribution per cue: train, after ``."`` a comma frame with a reporting
    verb and a name then a capitalised run was a separate gold quote 6 times of 6
    (``Cruz says,``, ``But, said Solovey,``); with a pronoun (``He added,``, ``After all,
    he says,``) 4 times of 9, so those go on with the quote before.
    """
    last = _last_word(idx, lo, hi)
    if last == ":":
        return True
    if last != "," or hi + 1 >= idx.n:
        return False
    nxt = idx.text[idx.starts[hi + 1] : idx.starts[hi + 1] + 4].lstrip("\"“'‘«` \u00a0")
    if not nxt[:1].isupper():
        return False
    doc = idx.doc
    named = any(doc[i].pos_ == "PROPN" for i in range(lo, hi)) if idx.has_pos else False
    return named and any(idx.is_cue(doc[i]) for i in range(lo, hi))


def find_frame(idx: DocIndex, run: list[Segment], para: Span) -> Frame | None:
    """The cue and speaker of a quoted run, looked for after it, then before it.

    The ending of the quoted words decides which side wins: ``,"`` or ``?"`` call for
    ``she said`` after the quote; a full stop inside the marks mostly ends the matter, so
    only a short ``X said.`` right after it counts (PolNeAR train: a sentence that follows
    ``."`` is usually a new sentence about something else).
    """
    start, end = run[0].start, run[-1].end
    a_lo, a_hi = frame_after(idx, end, para[1])
    b_lo, b_hi = frame_before(idx, start, para[0])
    doc = idx.doc
    while b_hi >= b_lo and doc[b_hi].is_space:
        b_hi -= 1  # "in its findings:\u00a0"...": a no-break space is a token of its own
    if b_hi > b_lo and doc[b_hi].text in _COLONS:
        b_lo = _after_last_dash(idx, b_lo, b_hi)  # "HEADLINE - Ana Ruiz: "...""
    after_cue = next((i for i in range(a_lo, min(a_hi, a_lo + 30) + 1) if idx.is_cue(doc[i])), None)
    before_cue = next(
        (i for i in range(b_hi, b_lo - 1, -1) if idx.is_cue(doc[i]) or is_according(doc, i)),
        None,
    )
    byline = dash_byline(idx, a_lo, a_hi)
    if byline is None and a_hi < a_lo:
        byline = byline_below(idx, end)
    if byline is not None:
        return byline
    if before_cue is None and b_hi < b_lo and (run[0].start == para[0] or _after_colon(idx, start)):
        # "X released the following statement:" closing the previous paragraph, or the
        # previous sentence when the parser ended it at the colon ("... in its findings:")
        prev = colon_frame(idx, para[0] if run[0].start == para[0] else start)
        if prev is not None:
            return prev
    tail = idx.text[max(start, end - 3) : end]
    ends_open = any(ch in tail for ch in ",—-") or run[-1].open_end
    ends_question = any(ch in tail for ch in "?!")
    before_colon = b_hi >= b_lo and doc[b_hi].text in (*_COLONS, ",")
    leads_on = a_hi + 1 < idx.n and idx.in_quote[a_hi + 1]
    clause_end = None
    if after_cue is not None and not (ends_open or ends_question):
        clause_end = clause_tail(idx, run, b_lo, a_lo, after_cue)
    # the frame proper: after the comma that ends the clause's tail, if any
    f_lo = a_lo if clause_end is None else clause_end + 2
    if after_cue is not None and not slot_for_quote(idx, doc[after_cue], f_lo, a_hi):
        after_cue = None  # "Journalists started asking about the penalty": another clause
    if after_cue is not None:
        offset = after_cue - f_lo
        spk = speaker(idx, doc[after_cue], f_lo, a_hi, "after")
        # '"..." Miller, a retired worker, said pleasantly.': speaker and cue fill the frame
        whole_frame = (
            spk is not None
            and spk[0] <= idx.starts[f_lo] + 2
            and a_hi - after_cue <= 4
            and after_cue > f_lo
        )
        if ends_open:
            usable = not (leads_on and before_cue is not None and before_colon)
        elif ends_question:
            usable = offset <= 6 or doc[a_lo].is_lower or whole_frame
        else:
            # after a full stop inside the marks, "X said." must follow at once; "He
            # added:" before the next quote introduces that one instead
            usable = ((offset <= 4 and a_hi - f_lo <= 10) or whole_frame) and not (
                leads_on and introduces_run(idx, a_lo, a_hi)
            )
        if usable and before_cue is not None and before_colon and not ends_open:
            usable = False
        if usable and clause_end is not None and spk is not None and spk[0] >= idx.starts[f_lo]:
            return _reported_by(idx, Frame(doc[after_cue], spk, "after", tail=clause_end), a_hi)
        if usable and (spk is not None or before_cue is None):
            return _reported_by(idx, Frame(doc[after_cue], spk, "after"), a_hi)
    if (ends_open or ends_question) and after_cue is None and idx.has_pos:
        tagged_noun = _cue_tagged_noun(idx, a_lo, a_hi)
        if tagged_noun is not None:
            return tagged_noun
    if (
        (ends_open or ends_question)
        and after_cue is None
        and before_cue is None
        and idx.has_dep
        and a_hi >= a_lo
        and doc[a_lo].lower_ not in _NEW_CLAUSE
        and doc[a_lo].lower_ not in _RELATIVE_OPENERS
    ):
        # '"...," Oliver barked.' -- any verb right after an open-ended quote is its cue
        reach = 8 if ends_open else 3
        for i in range(a_lo, min(a_hi, a_lo + reach) + 1):
            if doc[i].pos_ == "VERB":
                if not slot_for_quote(idx, doc[i], a_lo, a_hi):
                    break  # "..., and the opposition welcomed her remarks"
                spk = subject(idx, doc[i], a_lo, a_hi)
                if spk is not None:
                    return Frame(doc[i], spk, "after")
                break
    if before_cue is not None and before_colon:
        inverted = inverted_colon_frame(idx, before_cue, b_lo, b_hi)
        if inverted is not None:
            return inverted
        if doc[b_hi].text == ":" and idx.has_dep:
            # 'Asked whether ..., Mr. Smith shot back: "..."', 'When Ross asked about
            # it, Pike snapped:': the cue is in a clause under a later verb with a subject
            # of its own, which introduces the quote; the cue's words are the question
            answer = verb_before_colon(idx, before_cue + 1, b_hi)
            if (
                answer is not None
                and answer.cue is not None
                and answer.speaker is not None
                and answer.speaker[0] > doc[before_cue].idx
                and answer.cue.is_ancestor(doc[before_cue])
            ):
                return answer
    if before_cue is not None:
        cue = doc[before_cue]
        spk = speaker(idx, cue, b_lo, b_hi, "before")
        if idx.has_dep and (spk is None or subject(idx, cue, b_lo, b_hi) is None):
            # 'Axelrod emailed her, calling her "Hillary" and telling her, "..."': the
            # subject sits before an earlier quote of the same sentence; it beats the
            # words found by position ("-- and, when asked again, insisting, ...")
            wide = max(cue.sent.start, idx.line_lo[cue.i])
            # 'Flea shared the news, writing "..."': a participle the parse gave no
            # subject speaks for the subject of the clause before it (not the words
            # before it, nor the speaker of the quote before)
            participle = participle_subject(idx, cue, wide, b_hi) if cue.tag_ == "VBG" else None
            spk = subject(idx, cue, wide, b_hi) or participle or spk
        between = [t for t in doc[before_cue + 1 : b_hi + 1] if not (t.is_punct or t.is_space)]
        if cue.lower_ == "according":
            between = []
        mixed_from = None
        if between and not (len(between) <= 3 and looks_like_addressee(between)):
            mixed_from = between[0].idx
        return Frame(cue, spk, "before", mixed_from)
    if before_colon and b_hi > b_lo and doc[b_hi].text in _COLONS:
        if doc[b_lo].lower_ in lx.SPEECH_FORMS:  # "Said Duarte:", the verb tagged a name
            inverted = inverted_colon_frame(idx, b_lo, b_lo, b_hi)
            if inverted is not None:
                return inverted
        frame = verb_before_colon(idx, b_lo, b_hi) if idx.has_dep else None
        frame = frame or label_before_colon(idx, b_lo, b_hi)
        return frame or (clause_before_colon(idx, b_lo, b_hi) if idx.has_dep else None)
    if before_colon and b_hi > b_lo and idx.has_dep:
        # "she boomed, ''...''": a verb with a subject just before the comma
        return verb_before_colon(idx, max(b_lo, b_hi - 5), b_hi, b_lo)
    return None


#: Tokens a clause may run on after its closing mark before ``, said X`` (see
#: :func:`clause_tail`).
MAX_TAIL = 15


def _reported_by(idx: DocIndex, frame: Frame, hi: int) -> Frame:
    """``"...," Sanders said, according to CNN.``: the frame after a quote goes on with
    ``, according to X`` (up to token ``hi``); the quote is then X's report, and PolNeAR
    gives X as its source and ``according`` as its cue (train: 5 of 5 such quotes).
    ``frame`` unchanged otherwise."""
    assert frame.cue is not None
    doc = idx.doc
    for i in range(frame.cue.i + 1, hi):
        if is_according(doc, i) and doc[i - 1].text == ",":
            spk = speaker(idx, doc[i], i, hi, "after")
            if spk is not None:
                return Frame(doc[i], spk, "after", tail=frame.tail)
            break
    return frame


def clause_tail(idx: DocIndex, run: list[Segment], b_lo: int, a_lo: int, cue: int) -> int | None:
    """The last token of the words that carry on the quoted clause after the run, up to the
    comma (or dash) before its frame: ``The plan is "a disaster" for farmers, said Jim
    Beam.`` gives the token of ``farmers``. The clause is what the cue reports, so those
    words are content and the speaker is looked for only after the comma.

    ``b_lo`` and ``a_lo`` are the first tokens of the frames before and after the run,
    ``cue`` the reporting verb after it. None when the run ends its sentence, when no word
    follows the closing mark at once, when no comma or dash comes within
    :data:`MAX_TAIL` tokens before the cue, or when the words are not part of the clause:
    they must start in lower case (``"Nonsense" Jim Beam, a farmer, said`` names the
    speaker) and, with a parse, one of them must hang on the words up to the closing mark
    (or one of those on them: ``Another "quoted" body, said ...``), or the clause up to
    it be the cue's complement (``Ports are "open" again, the minister said``).
    """
    doc = idx.doc
    seg = run[-1]
    if any(ch in idx.text[max(seg.start, seg.end - 3) : seg.end] for ch in ".?!,"):
        return None
    first = doc[a_lo].text
    if a_lo >= cue or not any(ch.isalnum() for ch in first) or first[:1].isupper():
        return None  # no words, or a name ('"Nonsense" Jim Beam, a farmer, said')
    comma = next(
        (
            k
            for k in range(a_lo + 1, min(cue, a_lo + MAX_TAIL + 1))
            if doc[k].text in (",", *_DASHES)
        ),
        None,
    )
    if comma is None or (comma + 1 < cue and doc[comma + 1].text == ","):
        return None
    if idx.has_dep:
        joined = (
            any(doc[t].head.i < a_lo for t in range(a_lo, comma))
            or any(a_lo <= doc[t].head.i < comma for t in range(b_lo, a_lo))
            # 'Ports are "open" again, the minister said': the clause is the cue's
            # complement, the parse hung the adverb on the cue
            or any(c.dep_ == "ccomp" and b_lo <= c.i < a_lo for c in doc[cue].children)
        )
    else:
        joined = True
    return comma - 1 if joined else None


def _after_last_dash(idx: DocIndex, lo: int, colon: int) -> int:
    """The first token after the last dash of ``lo..colon`` that has a name before the colon.

    ``POLLS MISSED THE SHIFT - Ana Ruiz: "..."``, ``Pollsters agree - Ana Ruiz:``: a
    headline, a dash, then the author of the quote (news digests). Only when the part
    after the dash is short (at most six tokens) and starts with a capital; else ``lo``.
    """
    doc = idx.doc
    if _bracket_before(idx, colon):
        return lo  # "Rep. Ana Pike (R-Maine):": the dash is inside the brackets
    for i in range(colon - 1, lo, -1):
        if doc[i].text in _DASHES and doc[i].is_punct:
            first = i + 1
            if 0 < colon - first <= 6 and doc[first].text[:1].isupper():
                return first
            return lo
    return lo


#: Determiners that open a source mention after a quote ("the email read").
_MENTION_OPENERS = lx.words("the a an his her its their our this that")
#: "read": the verb of a document's words (``"...," the email read``), no speech verb.
_READ_FORMS = lx.words("read reads")


def _cue_tagged_noun(idx: DocIndex, lo: int, hi: int) -> Frame | None:
    """``"...," the notice states.`` or ``"...," the email read.``: a reporting verb after
    a noun, which the tagger took for a compound noun (``notice states``, ``email read``)
    so that no cue is found; also after a longer mention (``"...," a voice-over in the ad
    states.``). The frame right after an open quote must be a determiner, up to six words
    (a hyphen and a prepositional phrase may be among them) and the verb form in lower
    case right after a noun when past three words (not ``the leader of the United
    States``), then the end of the clause (punctuation, a preposition or the end of
    the frame)."""
    doc = idx.doc
    if hi < lo + 1 or doc[lo].lower_ not in _MENTION_OPENERS:
        return None
    hyphen = False
    for i in range(lo + 1, min(hi, lo + 7) + 1):
        tok = doc[i]
        if (tok.is_punct and tok.tag_ != "HYPH") or tok.is_space:
            return None  # "a voice-over in the ad states": a hyphen stays inside the mention
        hyphen = hyphen or tok.is_punct
        verb_form = tok.lower_ in lx.SPEECH_FORMS or tok.lower_ in _READ_FORMS
        # past three words or a hyphen, only a lower-case form right after a noun
        # (not "the leader of the United States")
        longer = i > lo + 3 or hyphen
        if (
            verb_form
            and tok.pos_ in ("NOUN", "PROPN")
            and (not longer or (tok.text.islower() and doc[i - 1].pos_ in ("NOUN", "PROPN")))
        ):
            nxt = doc[i + 1] if i + 1 <= hi else None
            if nxt is None or nxt.is_punct or nxt.pos_ == "ADP":
                spk = idx.span_of(lo, i - 1)
                return Frame(tok, spk, "after") if spk is not None else None
    return None


# '"... through California," which votes June 7': a relative clause about the quote's
# last words, whose verb is no cue of the quote.
_RELATIVE_OPENERS = lx.words("which that")
# Words that open a new clause right after a quote: what follows is not its frame.
_NEW_CLAUSE = lx.words("and but or while whereas because so yet although though as")
# Verbs whose direct object is the person spoken to, not the words ("told reporters").
_ADDRESSEE_VERBS = lx.words("tell ask inform remind assure warn advise urge answer")
# Prepositions that give a verb its own topic ("asked about the penalty").
_TOPIC_PREPS = lx.words("about whether if for into")


def slot_for_quote(idx: DocIndex, verb: Token, lo: int, hi: int) -> bool:
    """Can the quote before ``verb`` fill its object slot (``"...," she said``)?

    Not when the frame ``lo..hi`` starts a new clause (``and``, ``but``), when the verb
    already has a clause or object of its own (``started asking about the penalty``,
    ``welcomed her remarks``; an addressee such as ``told reporters`` does not count), or
    when it hangs as a complement off a verb that is not a reporting verb. Source: the
    PARC/PolNeAR definition of a cue as the verb whose content the quote is; the cases are
    the faults of issue 12, point 3. Without a parse only the clause opener is checked.
    """
    if lo <= hi and idx.doc[lo].lower_ in _NEW_CLAUSE:
        return False
    if lo < hi and _new_sentence_part(idx, lo):
        return False
    if not idx.has_dep:
        return True
    if _object_relative(verb, lo):
        return False  # '"...", a charge ministers deny': the verb's object is its noun
    lemma = verb.lemma_.lower()
    if any(c.dep_ in ("ccomp", "dobj", "parataxis") and idx.in_quote[c.i] for c in verb.children):
        return True  # the parser hangs the quote on the verb: it fills the slot
    for child in verb.children:
        if child.i <= verb.i or child.i > hi:
            continue
        if any(t.text == "," for t in idx.doc[verb.i + 1 : child.left_edge.i]):
            continue  # '"...," she said, a hint of anger in her voice': an aside, no object
        if child.dep_ in ("ccomp", "xcomp", "attr", "oprd"):
            return False
        if child.dep_ == "dobj" and lemma not in _ADDRESSEE_VERBS and lemma != "put":
            if verb.i == lo and child.pos_ == "PROPN":
                continue  # ', added Jim Beam.': the inverted speaker taken for an object
            return False
        if child.dep_ == "prep" and child.lower_ in _TOPIC_PREPS:
            return False
    head = verb.head
    if verb.dep_ in ("xcomp", "ccomp", "conj") and lo <= head.i < verb.i and head.pos_ == "VERB":
        return idx.is_cue(head) or head.lemma_.lower() in ("go", "continue", "quote")
    return True


def _object_relative(verb: Token, lo: int) -> bool:
    """Is ``verb`` in a relative clause on a noun of the frame (from token ``lo``) with a
    subject of its own (``a charge [ministers deny]``, ``a view [the opposition
    shares]``)? That noun fills its object slot, so the quote cannot."""
    head = verb.head
    return (
        verb.dep_ in ("relcl", "acl")
        and lo <= head.i < verb.i
        and head.pos_ == "NOUN"
        and any(c.dep_ == "nsubj" and head.i < c.i < verb.i for c in verb.children)
    )


def _new_sentence_part(idx: DocIndex, lo: int) -> bool:
    """Does the frame after a quote open with a semicolon, or a dash then a word in lower
    case (``"..."; the opposition agreed``, ``"..." - a charge ministers deny``)? Then it
    is a clause of its own beside the quote, which its verb does not report (issue 12,
    kind 3); a signature (``"..." - Ana Ruiz``) is read by :func:`dash_byline`."""
    doc = idx.doc
    k = lo
    while k < idx.n and doc[k].is_space:
        k += 1
    if k + 1 >= idx.n or (doc[k].text != ";" and doc[k].text not in _DASHES):
        return False
    return doc[k].text == ";" or doc[k + 1].text[:1].islower()


def dash_byline(idx: DocIndex, lo: int, hi: int) -> Frame | None:
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
    # "-Alderman Joe Pike": the dash may stay glued to the first word
    if not words or not all(
        t.text.lstrip("―—–-~")[:1].isupper() or t.lower_ in ("of", "and", "de") for t in words
    ):
        return None
    if not words[0].text.lstrip("―—–-~")[:1].isupper():
        # "'...' -- and, when asked, ...": a sentence going on after a dashed aside,
        # not a signature
        return None
    spk = idx.span_of(first, last - 1)
    if spk is None:
        return None
    if spk[0] == doc[first].idx:  # not the glued dash: "-Joe Pike"
        spk = (spk[0] + len(doc[first].text) - len(doc[first].text.lstrip("―—–-~")), spk[1])
    return Frame(None, spk, "after")


def inverted_colon_frame(idx: DocIndex, cue: int, lo: int, hi: int) -> Frame | None:
    """``Said Ellis: "..."``, ``Added Gov. Ines Duarte: "..."``: a sentence that opens
    with the reporting verb, then the name and a colon (frame tokens ``lo..hi``, the colon
    at ``hi``). None unless the cue opens the frame and only a name (capitalised words,
    at most five) stands between it and the colon."""
    doc = idx.doc
    if doc[hi].text != ":" or cue != lo or not 2 <= hi - cue <= 6:
        return None
    words = [doc[i] for i in range(cue + 1, hi)]
    if not words[0].text[:1].isupper() or not all(
        t.text[:1].isupper() or t.text == "." or t.lower_ in ("de", "van", "von") for t in words
    ):
        return None
    spk = idx.span_of(cue + 1, hi - 1)
    return Frame(doc[cue], spk, "before") if spk is not None else None


def byline_below(idx: DocIndex, end: int) -> Frame | None:
    """``"...."`` then, on the next line, ``- Carla Sanchez.`` (or ``-President Obama,
    tweeting after the speech.``): a quote that ends its paragraph signed on the line
    below. None when the quote's line goes on or the next line is no dash byline."""
    doc = idx.doc
    i = idx.token_at(end)
    while i < idx.n and doc[i].is_punct and "\n" not in doc[i].text:
        i += 1  # the closing marks and a full stop after them
    if i >= idx.n or not (doc[i].is_space and "\n" in doc[i].text):
        return None
    while i < idx.n and doc[i].is_space:
        i += 1
    if i >= idx.n or doc[i].text[:1] not in _DASHES:
        return None
    return dash_byline(idx, i, idx.line_hi[i])


def verb_before_colon(
    idx: DocIndex, lo: int, hi: int, subject_lo: int | None = None
) -> Frame | None:
    """``Cruz called them on it:`` -- any verb with a subject introduces the quote."""
    for i in range(hi - 1, lo - 1, -1):
        tok = idx.doc[i]
        if tok.pos_ == "VERB" or idx.is_cue(tok):
            spk = subject(idx, tok, lo if subject_lo is None else subject_lo, hi)
            if spk is not None:
                return Frame(tok, spk, "before")
    return None


def _after_colon(idx: DocIndex, start: int) -> bool:
    """Is the last non-space character before ``start`` a colon (in the same line)?"""
    k = start - 1
    while k > 0 and idx.text[k] in " \t\u00a0":
        k -= 1
    return k >= 0 and idx.text[k] == ":"


def colon_frame(idx: DocIndex, para_start: int) -> Frame | None:
    """The frame of a quote opening a paragraph when the one before ends with a colon."""
    k = idx.token_at(para_start) - 1
    while k >= 0 and idx.doc[k].is_space:
        k -= 1
    if k < 1 or idx.doc[k].text not in _COLONS or idx.in_quote[k]:
        return None
    lo = k - 1
    while lo - 1 >= 0 and k - lo < MAX_FRAME and not idx.is_boundary(lo - 1):
        if idx.in_quote[lo - 1]:
            break
        lo -= 1
    cue = next((i for i in range(k - 1, lo - 1, -1) if idx.is_cue(idx.doc[i])), None)
    if cue is not None:
        spk = speaker(idx, idx.doc[cue], lo, k)
        if spk is not None:
            return Frame(idx.doc[cue], spk, "before")
    if idx.has_dep:
        frame = verb_before_colon(idx, lo, k)
        if frame is not None:
            return frame
    frame = label_before_colon(idx, lo, k)
    if frame is None and idx.has_dep:
        frame = clause_before_colon(idx, lo, k)
    return frame


#: Heads of subjects that name nobody ("The answer is simple:", "It was clear:").
_NO_SOURCE = lx.words("it this that there which what these those answer point reason")


def clause_before_colon(idx: DocIndex, lo: int, colon: int) -> Frame | None:
    """``The county board was blunt in its findings:``, ``Here's Ross in 2019:``: a clause
    before a colon with no reporting verb whose subject names someone; that subject is
    the speaker of the quote after the colon.

    The subject must be a name (PROPN or a named entity), a personal pronoun or an
    organisation noun (``the board``); a passive subject counts (``Quist is shown
    lecturing:``). Without one (``The answer is simple:``) the quote stays a cited one.
    Source: PolNeAR train 1-400, quotes after such colons had their clause's subject as
    gold source; the detector gave them no speaker.
    """
    doc = idx.doc
    for i in range(colon - 1, lo - 1, -1):
        tok = doc[i]
        verb = tok.pos_ in ("VERB", "AUX") or tok.lower_ in ("'s", "\u2019s")  # "Here’s X:"
        if not verb or idx.in_quote[i]:
            continue
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and lo <= c.i < colon]
        if not subj:
            continue  # "lecturing" in "is shown lecturing": its head has the subject
        head = subj[0].lower_
        names = subj[0].pos_ == "PROPN" or subj[0].ent_type_ in ("PERSON", "ORG", "NORP")
        person = head in lx.PERSON_PRONOUNS or head == "they"
        org = subj[0].lemma_.lower() in lx.ORG_NOUNS
        if head in _NO_SOURCE or not (names or person or org):
            return None  # the clause nearest the colon names nobody
        spk = subject(idx, tok, lo, colon - 1)
        return None if spk is None else Frame(None, spk, "before", colon_clause=True)
    return None


def _bracket_before(idx: DocIndex, colon: int) -> bool:
    """Does a closing bracket end the words before the colon at token ``colon`` (glued to
    it, ``):``, or a token of its own, ``] :``)?"""
    doc = idx.doc
    return doc[colon].text[:1] in ")]" or (colon > 0 and doc[colon - 1].text in (")", "]"))


def label_before_colon(idx: DocIndex, lo: int, colon: int) -> Frame | None:
    """``Frank Newport and Jim Harter:`` or ``Transcript as follows:`` -- a label.

    A bracket before the colon (``Rep. Ana Pike (R-Maine):``) belongs to the name: the
    name is read before it and the mention runs to the closing bracket.
    """
    doc = idx.doc
    if _bracket_before(idx, colon):
        opening = next((k for k in range(colon - 1, lo - 1, -1) if doc[k].text in "(["), None)
        if opening is not None and opening > lo:
            found = label_before_colon(idx, lo, opening)
            if found is None or found.speaker is None:
                return found
            closing = colon if doc[colon].text[:1] in ")]" else colon - 1
            return replace(found, speaker=(found.speaker[0], doc[closing].idx + 1))
    if colon - lo <= 4 and not (idx.has_pos and _has_verb(idx, lo, colon)):
        # not a clause ("The answer is simple:"): that is no name
        spk = idx.span_of(lo, colon - 1)
        if spk is not None and plausible_speaker(idx.text[spk[0] : spk[1]]):
            return Frame(None, spk, "before")
    i = colon - 1
    while i >= lo and (doc[i].text[:1].isupper() or doc[i].lower_ in ("and", ".")):
        i -= 1
    if i < colon - 1 and (i < lo or doc[i].is_punct):
        spk = idx.span_of(i + 1, colon - 1)
        if spk is not None and doc[i + 1].text[:1].isupper():
            return Frame(None, spk, "before")
    by_line = any(doc[j].lower_ == "by" for j in range(lo, colon))
    if i < colon - 2 and not by_line and not _has_verb(idx, lo, colon):
        # "And from union secretary Carla Mendes:" -- a name (two capitalised words at
        # least) ends a line without a verb: it introduces the quote. Not "..., by
        # DNAinfo's Nicole Levy:", the author of an excerpt (PolNeAR train).
        spk = idx.span_of(i + 1, colon - 1)
        if spk is not None and doc[i + 1].lower_ not in lx.NOT_NAMES:
            return Frame(None, spk, "before", label=True)
    return None


def _has_verb(idx: DocIndex, lo: int, hi: int) -> bool:
    """Is any token of ``lo..hi`` a verb (a reporting verb's form without a tagger)?"""
    if idx.has_pos:
        return any(idx.doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi))
    return any(idx.doc[i].lower_ in lx.SPEECH_FORMS for i in range(lo, hi))


_ADDRESSEE_WORDS = lx.words(
    """
    reporters him her them us me on in at monday tuesday wednesday thursday friday
    saturday sunday today yesterday later also then a the
    """
)


def looks_like_addressee(words: list[Token]) -> bool:
    """``told reporters``, ``told CNN``, ``said on Monday``: no content before the quote."""
    return all(w.lower_ in _ADDRESSEE_WORDS or w.is_title or w.like_num for w in words)


def governing_frame(idx: DocIndex, run: list[Segment]) -> Frame | None:
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
            if tok.i > hi and _new_sentence_part(idx, idx.token_at(run[-1].end)):
                return None  # '"..." - a promise ministers repeated': a clause beside it
            spk = subject(idx, tok, line_lo, line_hi)
            if spk is None or (spk[0] < run[-1].end and spk[1] > run[0].start):
                # none, or the parse put the quote inside its own speaker ("The answer is
                # simple: "Build ..."" with the quote hung on "answer")
                return None
            empty = idx.text[spk[0] : spk[1]].lower() in _EMPTY_SUBJECTS
            if empty and tok.lemma_.lower() not in _SAYS_OR_NAMES:
                # ("what it calls "..."": the subject of a verb that says or names the
                # words is their source, an organisation's "it" too)
                spk = _speaker_above(idx, tok, line_lo, line_hi) or spk
            return Frame(tok, spk, "before" if tok.i < lo else "after")
        if tok.head is tok:
            return None
        tok = tok.head
    return None


#: Subjects that name nobody: the verb a quote hangs on says nothing of who speaks
#: (``said that this was a "new" demand``, ``a clause that requires "..."``).
_EMPTY_SUBJECTS = lx.words("it this that what which there")
#: Verbs whose subject says or names the words in marks, whatever it is.
_SAYS_OR_NAMES = lx.SPEECH_VERBS | lx.NAMING_VERBS
#: How many heads above the verb :func:`_speaker_above` climbs.
_ABOVE_HOPS = 6


def _speaker_above(idx: DocIndex, verb: Token, lo: int, hi: int) -> Span | None:
    """The subject of the nearest verb above ``verb`` (outside quotation marks, within
    tokens ``lo..hi``) whose subject names someone, or None.

    ``Ana Ruiz said that this was a "new" demand``, ``Jo Finn said it would be "a
    disaster"``, ``the plan, which Ruiz claims will "save the port"``: the quote hangs on
    a verb whose subject is ``this``, ``it`` or a relative pronoun; the one who speaks is
    the subject of the clause around it (PolNeAR train: 22 of 25 such governed quotes had
    another source, mostly that one). Climbs at most :data:`_ABOVE_HOPS` heads.
    """
    tok = verb
    for _ in range(_ABOVE_HOPS):
        if tok.head is tok or not lo <= tok.head.i <= hi:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX") and not idx.in_quote[tok.i]:
            spk = subject(idx, tok, lo, hi)
            if spk is not None and idx.text[spk[0] : spk[1]].lower() not in _EMPTY_SUBJECTS:
                return spk
    return None
