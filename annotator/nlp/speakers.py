"""Speaker mentions: which words of a frame name the source of a quote.

With a parse the speaker is the cue's subject with its modifiers and appositions
(``nsubj``), the agent of a passive (``by ...``) or the object of ``according to``; a
relative pronoun (``who said``) stands for the noun it hangs on. Without a parse the
speaker is found by position: the words just before the cue (``Smith, a spokesman,
said``), or after it in inverted order (``, said Smith``).

Heuristic sources: the source roles of the PARC 3.0 / PolNeAR attribution guidelines
(source = the subject or agent of the cue); the position rules and the word lists
(:mod:`annotator.nlp.lexicon`) were tuned on PolNeAR train.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from annotator.nlp import lexicon as lx
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span
from annotator.nlp.quotemarks import Segment

#: Relative pronouns that stand for the noun their clause hangs on ("Kamin, who said").
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
#: A speaker mention longer than this is cut down around its head.
MAX_SPEAKER_TOKENS = 30


def subject(idx: DocIndex, cue: Token, lo: int, hi: int) -> Span | None:
    """The speaker span of ``cue`` from the parse, inside tokens ``lo..hi`` and never
    before the start of the cue's line: a parse that runs a sentence over a line break
    (``12:15 p.m.`` then ``President Barack Obama says ...``) must not put the heading in
    the mention."""
    lo = max(lo, idx.line_lo[cue.i])
    recorded = _recorded_name(idx, cue)
    if recorded is not None:
        return clip_subtree(idx, recorded, lo, hi)
    tok: Token | None = cue
    for _ in range(3):
        if tok is None:
            break
        if tok is not cue and idx.in_quote[tok.i] and not idx.in_quote[cue.i]:
            # the parse hung the cue on a verb of the quoted words ("treating it as a
            # compliment -- ''...'' -- and, when asked, asserting, ''...''")
            return participle_subject(idx, cue, lo, hi) if cue.tag_ == "VBG" else None
        if tok.lower_ == "according":
            for child in tok.children:
                for grand in [child, *child.children]:
                    if grand.dep_ == "pobj":
                        return clip_subtree(idx, grand, lo, hi)
            return None
        # a parse may give a verb two subjects, one of them a dash ("made public ―
        # Trump boasted"): the word nearest the verb that has letters or digits
        nsubjs = [c for c in tok.children if c.dep_ == "nsubj"]
        if len(nsubjs) > 1 and any(not _has_word(c.text) for c in nsubjs):
            named = [c for c in nsubjs if _has_word(c.text)]
            skip = {c.i for c in nsubjs if c not in named[-1:]}
        else:
            skip = set()
        for child in tok.children:
            if child.dep_ == "nsubj" and child.i not in skip:
                if child.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                    # "Kamin, who said ...": the relative pronoun is the source mention
                    # (PolNeAR), its noun gives the name (speaker_names.resolve_names)
                    return clip_subtree(idx, child, lo, hi, head_only=True)
                if child.i < lo <= tok.i:
                    # the parse ran a heading into the sentence ("12:15 p.m.\n\nObama
                    # says"): the words of the cue's line before it
                    return _line_part(idx, lo, tok.i - 1)
                return clip_subtree(idx, child, lo, hi)
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return clip_subtree(idx, grand, lo, hi)
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _CAUSATIVES:
            # "The vote led Republicans to say ...": the object of "led" speaks
            obj = next((c for c in tok.head.children if c.dep_ == "dobj" and c.i < tok.i), None)
            if obj is not None:
                return clip_subtree(idx, obj, lo, hi)
        if (
            tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") or misparsed_conj(tok)
        ) and tok.head is not tok:
            tok = tok.head
            if (
                tok.dep_ == "prep"
                and tok.lower_ in _BY_PREPS
                and tok.head.pos_ == "VERB"
                and cue.lemma_.lower() in _BY_CUES
            ):
                tok = tok.head  # "began by saying ...": the verb the preposition hangs on
        else:
            break
    return None


def misparsed_conj(verb: Token) -> bool:
    """Is ``verb`` a second report the parser made a clause of the first one's verb:
    ``said the clinic had run out and warned that ...`` parsed with ``warned`` as a second
    ``ccomp`` of ``said``? A finite verb without a subject, right after ``and``/``but``,
    with a clause of the same head before it."""
    if verb.dep_ != "ccomp" or verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.i == 0:
        return False
    if verb.doc[verb.i - 1].lower_ not in ("and", "but"):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return False
    return any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.head.children)


#: Nouns of a recording that shows someone speaking ("footage of Ana Ruiz asking").
_RECORDINGS = frozenset(
    {"footage", "clip", "video", "recording", "tape", "audio", "film", "image", "excerpt"}
)


def _recorded_name(idx: DocIndex, cue: Token) -> Token | None:
    """The name a participle cue hangs on (``footage of Ana Ruiz asking, "..."``, ``a clip
    of Dario Feliciano saying``): the parse makes it the name's clause (``acl``) or, as
    often, a clause of the main verb (``The ad shows footage ...``), whose subject is not
    the speaker. None for other cues."""
    if cue.tag_ != "VBG" or cue.i == 0:
        return None
    name = idx.doc[cue.i - 1]
    if name.pos_ != "PROPN" or idx.in_quote[name.i]:
        return None
    if cue.dep_ == "acl" and cue.head.i == name.i:
        return name
    prep = name.head
    if name.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_.lower() in _RECORDINGS:
        return name
    return None


def participle_subject(idx: DocIndex, cue: Token, lo: int, hi: int) -> Span | None:
    """The subject of a participle cue whose parse climbs into quoted words: the nearest
    subject before it in its sentence, of a verb outside quotation marks."""
    for i in range(cue.i - 1, max(lo, cue.sent.start) - 1, -1):
        tok = idx.doc[i]
        if (
            tok.dep_ == "nsubj"
            and not idx.in_quote[i]
            and not idx.in_quote[tok.head.i]
            and tok.head.i < cue.i
            and tok.lower_ not in RELATIVE_PRONOUNS
        ):
            return clip_subtree(idx, tok, lo, hi)
    return None


#: Verbs that make someone else speak ("led Republicans to say", "prompted her to call").
_CAUSATIVES = frozenset(
    {"lead", "prompt", "cause", "force", "push", "drive", "spur", "inspire", "compel", "move"}
)
#: Prepositions that hang a participle cue on a verb whose subject speaks ("began by
#: saying", "responded by asking").
_BY_PREPS = frozenset({"by"})
#: Participles that report words after such a preposition (not "by telling them that
#: ...", "by asking prosecutors to ...", which PolNeAR mostly leaves unmarked).
_BY_CUES = frozenset({"say", "add", "note", "declare", "argue", "insist", "claim"})


def _has_word(text: str) -> bool:
    """Does ``text`` hold a letter or a digit (not a dash or other punctuation)?"""
    return any(ch.isalnum() for ch in text)


def _line_part(idx: DocIndex, first: int, last: int) -> Span | None:
    """Tokens ``first..last`` without the spaces and punctuation at their edges."""
    doc = idx.doc
    while first <= last and (doc[first].is_space or doc[first].is_punct):
        first += 1
    while last >= first and (doc[last].is_space or doc[last].is_punct):
        last -= 1
    return idx.span_of(first, last) if first <= last else None


def clip_subtree(
    idx: DocIndex, tok: Token, lo: int, hi: int, head_only: bool = False
) -> Span | None:
    """The subtree of ``tok`` clipped to tokens ``lo..hi`` (None inside quotation marks)."""
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
        right = min(_mention_end(tok), hi)
    if right - left >= MAX_SPEAKER_TOKENS:
        right = min(right, tok.i + 3)
        left = max(left, tok.i - 6)
    return idx.span_of(left, right)


#: Dependents after a mention's head that are not part of the mention.
_CLAUSES = frozenset({"relcl", "acl", "advcl", "parataxis"})


def _mention_end(tok: Token) -> int:
    """Last token of the mention headed by ``tok``: for a name, the subtree without
    relative clauses (``Priya Raman, who drives ...``), appositions (``Priya Raman, 41, a
    baker``) and brackets (``Rep. Gwen Moore (D-Wis.)``). A description keeps them: they
    name its source (``the minister, Lee In-young``, ``a study that appeared in ...``)."""
    right = _without_adjuncts(tok)
    if tok.pos_ != "PROPN":
        return right  # "a study that appeared in the BMJ": the clause names the source
    # a name in apposition may be the speaker ("the real Dred Scott, Chief Justice Roberts")
    doc = tok.doc
    named = any(
        c.dep_ == "appos" and c.pos_ == "PROPN" and doc[c.left_edge.i - 1].text != "("
        for c in tok.rights
    )
    if any(c.dep_ == "relcl" and c.lemma_.lower() in lx.SPEECH_VERBS for c in tok.rights):
        return right  # "Beck, who said ...": an attribution of its own, whose source is "who"
    for child in tok.rights:
        bracket = child.text == "(" or doc[child.left_edge.i - 1].text == "("
        if (
            child.dep_ in _CLAUSES
            or bracket
            or (not named and (child.dep_ == "appos" or child.text == ","))
        ):
            right = min(right, child.left_edge.i - 1)
            break
    while right > tok.i and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    return max(right, tok.i)


#: Nouns of the occasion or medium of speaking ("said Karl Olsen in a statement").
_OCCASIONS = frozenset(
    {
        *lx.words(
            """
            statement statements interview interviews meeting meetings conference briefing
            speech speeches hearing hearings email emails letter release post tweet tweets
            call rally debate session event address remarks radio television podcast
            video broadcast show appearance sidelines
            """
        )
    }
)
#: Nouns of a time ("on Friday", "during the night") when the tagger gives no entity.
_TIME_WORDS = lx.words(
    """
    monday tuesday wednesday thursday friday saturday sunday weekend morning afternoon
    evening night day week month year today yesterday tonight time
    """
)
#: Prepositions of a time only ("said Karl Olsen after the vote").
_TIME_PREPS = lx.words("during after before amid following since until upon ahead")
#: Entity labels of a time or a place after a name ("Karl Olsen on Friday", "in Oslo").
_TIME_ENTS = frozenset({"DATE", "TIME"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})


def _without_adjuncts(tok: Token) -> int:
    """Last token of ``tok``'s subtree without the time, place or occasion of the speaking
    that the parser hung on the mention (``said shipping agent Karl Olsen on Friday``,
    ``the agent in a statement``, ``Karl Olsen in Oslo``): a preposition after the head
    whose object is a date or time, an occasion (:data:`_OCCASIONS`), any object of a
    preposition of time (``after the vote``) and, after a name, a place (``in``, ``at``)
    or anything after ``on`` (``on Twitter``). ``of`` and ``from`` phrases stay (``Karl
    Olsen of the port authority``), and so does a preposition inside a name (``the
    Commission on Presidential Debates``)."""
    right = tok.right_edge.i
    for child in tok.rights:
        if child.dep_ != "prep" or child.lower_ in ("of", "from"):
            continue
        if child.ent_iob_ == "I" or child.text[:1].isupper():
            continue  # inside a name ("the Commission on Presidential Debates")
        obj = next((c for c in child.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        ents = {t.ent_type_ for t in obj.subtree}
        timed = bool(ents & _TIME_ENTS) or obj.lower_ in _TIME_WORDS
        timed = timed or child.lower_ in _TIME_PREPS
        named = tok.pos_ == "PROPN"
        placed = named and (
            child.lower_ == "on" or (obj.ent_type_ in _PLACE_ENTS and child.lower_ in ("in", "at"))
        )
        if timed or placed or obj.lemma_.lower() in _OCCASIONS or obj.lower_ in _OCCASIONS:
            right = min(right, child.left_edge.i - 1)
            break
    while right > tok.i and (tok.doc[right].is_punct or tok.doc[right].is_space):
        right -= 1
    return max(right, tok.i)


#: Lower-case words that open the time, place or occasion after an inverted speaker
#: found without a parse (``, said Karl Olsen in a statement``).
_ADJUNCT_OPENERS = lx.words(
    """
    on in at during after before amid following yesterday today tonight last earlier later
    this when
    while as to
    """
)


def speaker_by_position(idx: DocIndex, cue: int, lo: int, hi: int, side: str) -> Span | None:
    """Speaker without a parse: the words next to the cue in its frame."""
    doc = idx.doc
    if side == "after" and (cue - 1 < lo or only_punct(idx, lo, cue - 1)):
        # inverted order: ", said Smith, a spokesman."
        j = cue + 1
        while j <= hi and j - cue <= 8 and not doc[j].is_punct:
            if j > cue + 1 and doc[j].lower_ in _ADJUNCT_OPENERS:
                break  # ", said Karl Olsen on Friday.": the time is no part of the name
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
        if first == end and doc[end].like_num and j > lo and doc[j].text == ",":
            j -= 1  # "Ramos, 58, told AFP": the name before the age
            continue
        break
    while first <= end and doc[first].lower_ in lx.CLAUSE_OPENERS:
        first += 1
    return idx.span_of(first, end)


def is_relative_source(idx: DocIndex, span: Span) -> bool:
    """Is ``span`` the relative pronoun subject of a relative clause (``who`` in ``Kamin,
    who said``), which stands for the noun the clause hangs on?"""
    i = idx.token_at(span[0])
    if i >= idx.n or not idx.has_dep:
        return False
    tok = idx.doc[i]
    return tok.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "nsubj" and tok.head.dep_ == "relcl"


def only_punct(idx: DocIndex, lo: int, hi: int) -> bool:
    """Are tokens ``lo..hi`` all punctuation or space?"""
    return all(idx.doc[k].is_punct or idx.doc[k].is_space for k in range(lo, hi + 1))


def is_according(doc: Doc, i: int) -> bool:
    """Do tokens ``i, i+1`` read ``according to``?"""
    return doc[i].lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to"


def speaker(idx: DocIndex, cue: Token, lo: int, hi: int, side: str = "before") -> Span | None:
    """The speaker of ``cue`` within tokens ``lo..hi``: from the parse, else by position."""
    if idx.has_dep:
        spk = subject(idx, cue, lo, hi)
        if spk is not None and idx.text[spk[0] : spk[1]].lower() not in lx.CLAUSE_OPENERS:
            return spk
        if addressed(cue):
            return None  # "Ana Ruiz was asked, "..."": the words before are who is asked
    if cue.lower_ == "according":
        return idx.span_of(cue.i + 2, min(hi, cue.i + 8))
    spk = speaker_by_position(idx, cue.i, lo, hi, side)
    if spk is not None and not plausible_speaker(idx.text[spk[0] : spk[1]]):
        return None
    return spk


#: Verbs whose passive subject is the person spoken to (``was asked``, ``were told``).
ADDRESSEE_VERBS = lx.words("ask tell warn remind advise inform assure urge question instruct")


def addressed(cue: Token) -> bool:
    """Is ``cue`` a passive verb of speaking *to* someone (``Ana Ruiz was asked``, ``the
    staff were told``, ``Pike was warned about ...``), whose subject is the addressee?

    The source of the words is then the one who asked or told: the agent (``by a
    reporter``, found by :func:`subject`), or nobody named. PARC/PolNeAR take the source
    as the one who speaks; in PolNeAR train the quotes after ``X was asked,`` and ``X
    were told,`` have no source or another one, never X. Needs the parse.
    """
    return cue.lemma_.lower() in ADDRESSEE_VERBS and any(
        c.dep_ in ("nsubjpass", "auxpass") for c in cue.children
    )


def plausible_speaker(mention: str) -> bool:
    """A mention found by position must look like a name, a pronoun or "the ..."."""
    first = mention.split()[0] if mention.split() else ""
    if not first:
        return False
    if first.lower() in ("who", "which", "that"):
        return False
    if any(w[:1].isupper() for w in mention.split()[:4]):
        return True
    return first.lower() in lx.PRONOUNS or first.lower() in ("the", "a", "an", "one", "his", "her")


#: Subjects that name nobody (``It was late``, ``There were cheers``).
_EMPTY_SUBJECTS = frozenset({"it", "there", "this", "that", "what", "which"})
#: How far up the parse :func:`governing_subject` climbs from the words in marks.
_GOVERNING_HOPS = 8


def governing_subject(idx: DocIndex, tok: Token, lo: int, hi: int) -> Span | None:
    """The speaker of words in marks that hang on ``tok`` with no reporting verb of their own.

    Climbs from ``tok`` towards the root of its sentence (at most
    :data:`_GOVERNING_HOPS` steps) and gives the first of: the subject (or passive agent) of
    a verb outside quotation marks (``Reid has been pounding Trump as a "con artist"``,
    ``he blasted the media for being "dishonest"``, ``his operatives forced a change ...
    calling for "appropriate assistance"``); the possessor of a noun (``Trump's claim that
    there were "thousands of shootings"``, ``his claim that people would "learn
    nothing"``). A verb whose subject names nobody (``it``, ``there``) is passed over.
    None when the climb leaves tokens ``lo..hi`` or finds nothing.

    Heuristic source: PolNeAR train, where a scare quote's source is the subject of the
    clause that uses the words in marks (issue 12's "scare quotes with no verb to attach
    to", 122 speaker errors on train).
    """
    cur: Token = tok
    for _ in range(_GOVERNING_HOPS):
        if not lo <= cur.i <= hi:
            return None
        if not idx.in_quote[cur.i]:
            if cur.pos_ in ("VERB", "AUX"):
                spk = subject(idx, cur, lo, hi)
                if spk is not None and idx.text[spk[0] : spk[1]].lower() not in _EMPTY_SUBJECTS:
                    return spk
            elif cur.pos_ in ("NOUN", "PROPN"):
                for child in cur.children:
                    if child.dep_ == "poss" and child.pos_ in ("PRON", "PROPN"):
                        return clip_subtree(idx, child, lo, hi)
        if cur.head is cur:
            return None
        cur = cur.head
    return None


def run_subject(idx: DocIndex, run: Sequence[Segment]) -> Span | None:
    """:func:`governing_subject` of a quoted run (one paragraph): the climb starts at the
    head of the run's highest token, within the run's line."""
    lo, hi = idx.token_at(run[0].start), idx.token_at(run[-1].end) - 1
    if not idx.has_dep or hi < lo or run[0].paragraph != run[-1].paragraph:
        return None
    doc = idx.doc
    top = next((doc[i] for i in range(lo, hi + 1) if not lo <= doc[i].head.i <= hi), None)
    if top is None or top.head is top:
        return None
    return governing_subject(idx, top.head, idx.line_lo[lo], idx.line_hi[lo])


#: A transcript turn: a line opening with a speaker label in capitals and a colon
#: (``TAPPER: ...``, ``"SEN. KAINE: ...``), optionally after an opening quotation mark.
_TURN_LABEL = re.compile(
    r"[ \t]*[\"“‘'«]?[ \t]*(?P<label>[A-Z][A-Z.'’\-]*(?: [A-Z][A-Z.'’\-]*){0,3}):[ \t]"
)
#: Capitalised line openers that are no speaker's name.
_NOT_LABELS = frozenset(
    {
        *lx.words(
            "UPDATE UPDATED WATCH NOTE READ RELATED PHOTOS VIDEO BREAKING CORRECTION SEE "
            "ABSTRACT SOURCE SOURCES TRANSCRIPT WASHINGTON LONDON PS P.S."
        ),
        "EDITOR'S NOTE",
        "EDITOR’S NOTE",
        "READ MORE",
        "CLICK HERE",
        "ALSO READ",
        "NEW YORK",
        "FACT CHECK",
    }
)
#: Mentions that, inside a transcript turn, stand for the person whose turn it is.
_TURN_PRONOUNS = frozenset({"i", "we", "me", "us", "my", "our", "you"})
#: Rules whose speaker is a guess from elsewhere in the text, not from a frame.
_BORROWED_RULES = frozenset(
    {"direct_inherited", "direct_standalone", "direct_standalone_short", "direct_headline"}
)


def turn_label(text: str, pos: int, start: int | None = None) -> Span | None:
    """The speaker label of the transcript turn that holds character ``pos``: the capitals
    before the colon opening its line (``TAPPER: ...``), or None when the line opens with
    no such label (or with a heading word such as ``UPDATE:``). ``start``: where the line
    of ``pos`` starts, when known (else searched back from ``pos``)."""
    if start is None:
        start = text.rfind("\n", 0, pos) + 1
    m = _TURN_LABEL.match(text, start, min(len(text), start + 60))
    if m is None or m.start("label") > pos + 2:  # the quote may open just before the label
        return None
    label = m.group("label")
    if len(label.replace(".", "")) < 3 or label in _NOT_LABELS:
        return None
    return m.span("label")


#: A headline that opens with a name and a colon (``Sanders: Clinton needs to ...``).
_HEADLINE_LABEL = re.compile(
    r"[ \t]*(?P<label>[A-Z][\w.'’\-]*(?: (?:[A-Z][\w.'’\-]*|of|de|van|von)){0,3}):[ \t]+\S"
)
#: Headline openers that name no speaker (``Poll: ...``, ``Fact check: ...``).
_NOT_HEADLINE_LABELS = frozenset(
    {
        *lx.words(
            """
            poll polls analysis opinion editorial exclusive watch video breaking update
            updated live report review photos interview transcript fact check explainer
            read related note correction factcheck commentary column letters letter
            """
        ),
    }
)


def headline_label(text: str) -> Span | None:
    """The name that opens the headline (the text's first line) before a colon: the
    source of every quote in the headline (``Sanders: Clinton needs to 'get away from
    it'``). None when the first line opens otherwise, or with a heading word (``Poll:``,
    ``Fact check:``, :data:`_NOT_HEADLINE_LABELS`)."""
    end = text.find("\n")
    end = len(text) if end < 0 else end
    m = _HEADLINE_LABEL.match(text, 0, min(end, 300))
    if m is None:
        return None
    words = m.group("label").lower().split()
    if any(w.strip(".") in _NOT_HEADLINE_LABELS for w in words):
        return None
    return m.span("label")


def headline_quotes(idx: DocIndex, records: Sequence[QuoteRecord]) -> list[QuoteRecord]:
    """Quotes in a headline that opens with ``Name:`` belong to that name (PolNeAR train
    and dev: ``Lewandowski: FBI director acted as 'judge and jury'`` has Lewandowski as
    the source, whatever the words in the headline say)."""
    label = headline_label(idx.text)
    if label is None:
        return list(records)
    end = idx.text.find("\n")
    end = len(idx.text) if end < 0 else end
    return [replace(rec, speaker=label) if label[1] <= rec.start < end else rec for rec in records]


def transcript_turns(idx: DocIndex, records: Sequence[QuoteRecord]) -> list[QuoteRecord]:
    """Quotes inside a transcript turn (``TAPPER: ... I think ...``) belong to the turn's
    speaker when their own speaker is missing, borrowed from an earlier quote, or a first-
    or second-person pronoun (``I``, ``we``, ``you``), which in a transcript stands for
    whoever holds the turn. Other speakers (``TAPPER: Trump said ...``) are kept.

    Heuristic source: PolNeAR train and dev, whose interview transcripts mark the label
    as the source of every attribution in the turn.
    """
    out = []
    for rec in records:
        first = idx.token_at(rec.start)
        if first >= idx.n:
            out.append(rec)
            continue
        # the line's first token from the index: no search back over a long paragraph
        line_start = idx.starts[idx.line_lo[first]]
        if idx.text[line_start] == "\n":  # a newline token opens the line
            line_start += 1
        label = turn_label(idx.text, rec.start, min(line_start, rec.start))
        if label is not None and _borrowed(idx, rec, label):
            rec = replace(rec, speaker=label)
        out.append(rec)
    return out


def _borrowed(idx: DocIndex, rec: QuoteRecord, label: Span) -> bool:
    if rec.speaker is None or rec.rule in _BORROWED_RULES or rec.speaker[1] <= label[0]:
        return True
    return idx.text[rec.speaker[0] : rec.speaker[1]].lower() in _TURN_PRONOUNS


#: Nouns of what someone writes or passes (``published a letter disputing ...``,
#: ``approved a resolution condemning ...``): the author, the subject of the verb above
#: them, is the source of what the participle after them reports, not the noun itself.
_AUTHORED = frozenset(
    lx.words(
        "letter report article resolution statement memo tweet post column editorial "
        "book essay release email message speech video petition bill lawsuit complaint "
        "filing ruling order op-ed interview"
    )
)


def fragment_speaker(idx: DocIndex, first: int, last: int, cue: Token | None) -> Span | None:
    """Speaker of a trained model's fragment (tokens ``first..last``) whose cue gave none.

    The noun a participle cue hangs on (``staff members suggesting that ...``, ``911
    calls saying ...``), unless the noun is something written or passed (:data:`_AUTHORED`:
    ``published a letter disputing ...``); else :func:`governing_subject` from the cue
    (``Trump unleashed tweets criticizing X``: the participle's clause has no subject of
    its own), or, without a cue, from the head of
    the fragment's top token (``Many Democrats are afraid that ...``); within the cue's
    (or fragment's) line, and never a span inside the fragment. None without a parse.
    """
    if not idx.has_dep:
        return None
    doc = idx.doc
    if cue is None:
        top = next(
            (doc[i] for i in range(first, last + 1) if not first <= doc[i].head.i <= last), None
        )
        if top is None or top.head is top:
            return None
        cue = top.head
    lo, hi = idx.line_lo[cue.i], idx.line_hi[cue.i]
    spk = None
    noun = cue.head
    if (
        cue.dep_ == "acl"
        and cue.tag_ == "VBG"
        and noun.i < cue.i
        and noun.pos_ in ("NOUN", "PROPN")
        and not idx.in_quote[noun.i]
        and noun.lemma_.lower() not in _AUTHORED
    ):
        # "staff members suggesting that ...", "ads attacking ...": the participle's noun
        end = cue.i - 1
        while end > noun.i and doc[end].is_punct:
            end -= 1
        left = max(noun.left_edge.i, lo)
        if left <= end < first and end - left < MAX_SPEAKER_TOKENS:
            spk = idx.span_of(left, end)
    if spk is None:
        spk = governing_subject(idx, cue, lo, hi)
    if spk is None and cue.i < first:
        # a parse without the verb's subject ("... of the Post Trump said that ..."): the
        # words before the cue, as without a parse
        spk = speaker_by_position(idx, cue.i, lo, hi, "before")
        if spk is not None and not (
            plausible_speaker(idx.text[spk[0] : spk[1]]) and _ends_on_a_name(idx, spk)
        ):
            spk = None
    if spk is None or (spk[1] > idx.starts[first] and spk[0] < idx.starts[last] + 1):
        return None
    return spk


#: Parts of speech a mention found by position may end on: it names someone.
_NAMING_POS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


def _ends_on_a_name(idx: DocIndex, span: Span) -> bool:
    """Is ``span`` (words before a cue that the parse gave no subject) a noun phrase that
    can be a source: its last word a noun, a name, a pronoun or a number, its first word
    no empty subject (``it``, ``there``)? The words before a gerund, an infinitive or a
    passive are none: ``It goes without`` (saying), ``It is worth`` (noting), ``There's no
    way to`` (tell), ``The deal is`` (expected: the subject of a passive is no source).
    On PolNeAR dev 15 learned quotes came with such a mention (model trained on train):
    6 were no attribution, and of the 9 others 3 had a mention touching the source
    (``Clinton aides were``). True without part-of-speech tags (the capitalisation check
    of :func:`plausible_speaker` is all there is then)."""
    if not idx.has_pos:
        return True
    first, last = idx.token_at(span[0]), idx.token_at(span[1]) - 1
    if last < first or last >= idx.n:
        return False
    if idx.doc[first].lower_ in _EMPTY_SUBJECTS:
        return False
    return idx.doc[last].pos_ in _NAMING_POS
