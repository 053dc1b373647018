"""Direct and mixed quotes: quoted runs, their frames, titles and split quotes.

Each run of paired quotation marks (:mod:`annotator.nlp.quotemarks`) becomes a direct quote
attributed from its frame (:mod:`annotator.nlp.frames`), or a mixed quote when the frame's
cue has words between it and the marks. A run that follows another in the same paragraph
with only the first run's frame between them (``"A," she said, "B."``) joins it as a second
fragment. Runs that are titles (``"The Art of the Deal"``), scare quotes or cited documents
are kept with a low confidence (the annotator decides); a framed run without a speaker
inherits the previous quote's speaker.

Heuristic sources: the print conventions for split and multi-paragraph quotes (AP
Stylebook, "quotation marks"); the PolNeAR guideline that titles and scare quotes are not
attributions; the thresholds (word counts, distances) were tuned on PolNeAR train.

Every text look-up here reads a bounded window around a run, never the text from the
paragraph start, so that a paragraph with thousands of quotes stays linear (issue 14).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Token

from annotator.nlp import lexicon as lx
from annotator.nlp.confidence import CONFIDENCE
from annotator.nlp.docindex import EDGE_PUNCT, DocIndex, QuoteRecord, Span
from annotator.nlp.frames import (
    Frame,
    find_frame,
    frame_after,
    frame_before,
    governing_frame,
    introduces_run,
)
from annotator.nlp.quotemarks import Segment, paragraphs
from annotator.nlp.speakers import addressed, clip_subtree, run_subject, subject


@dataclass
class _Open:
    """A direct quote being built; later runs may still join it."""

    fragments: list[Span]
    speaker: Span | None
    cue: Span | None
    rule: str
    words: int
    paragraph: int
    after_end: int | None = None  # last token of its "..., she said" frame
    kind: str = "direct"

    def record(self) -> QuoteRecord:
        conf = CONFIDENCE[self.rule]
        return QuoteRecord(
            tuple(self.fragments), self.speaker, self.cue, self.kind, conf, rule=self.rule
        )


def direct_quotes(idx: DocIndex, runs: list[list[Segment]]) -> list[QuoteRecord]:
    """Direct and mixed quotes from the quoted runs, split quotes joined."""
    text = idx.text
    paras = paragraphs(text)
    headline_text = _is_headline(text, paras)  # one look at the first line per document
    out: list[QuoteRecord] = []
    prev: _Open | None = None
    for run in runs:
        para = paras[run[0].paragraph]
        last_para = paras[run[-1].paragraph]
        frame = find_frame(idx, run, (para[0], last_para[1]))
        fragments = [(s.start, s.end) for s in run]
        words = _word_count(text, fragments)
        if prev is not None and frame is None and _next_paragraph(idx, prev, run, words, paras):
            # '"A," she said.' then a paragraph that is all quote: PolNeAR's one quote
            prev.fragments.extend(fragments)
            prev.words += words
            prev.paragraph = run[-1].paragraph
            prev.after_end = None
            continue
        added = _added_cue(idx, prev, run, frame) if prev is not None else None
        if prev is not None and added is not None:
            # '"A," she said, adding: "B."': a second report of the same speaker, with
            # its own cue; PolNeAR annotates one attribution per cue
            out.append(prev.record())
            cue = (added.idx, added.idx + len(added.text))
            rule = "direct_framed" if prev.speaker is not None else "direct_cue_only"
            prev = _Open(fragments, prev.speaker, cue, rule, words, run[-1].paragraph)
            continue
        if prev is not None and _continues(idx, prev, run, frame):
            prev.fragments.extend(fragments)
            prev.words += words
            if frame is not None and frame.side == "after":
                prev.after_end = frame_after(idx, run[-1].end, last_para[1])[1]
            continue
        if prev is not None and _goes_on(idx, prev, run, frame):
            # '"A," she said. But "B."': a few words, then the same speaker goes on
            prev.fragments.extend(fragments)
            prev.words += words
            prev.after_end = None
            continue
        if prev is not None and _inside_frame(idx, prev, run, words, fragments):
            # '"A," Clinton said on ABC's "This Week" on Sunday. "B."': a title or scare
            # quote inside the frame of the quote before; that quote stays open for "B."
            rule = "direct_title" if _is_title(text, fragments, True) else "direct_scare"
            out.append(_weak(idx, run, rule))
            prev.after_end = max(
                prev.after_end or 0, frame_after(idx, run[-1].end, last_para[1])[1]
            )
            continue
        if prev is not None:
            out.append(prev.record())
        prev = None
        headline = run[0].paragraph == 0 and words >= 3 and headline_text
        if frame is None and headline:
            prev = _Open(fragments, None, None, "direct_headline", words, run[-1].paragraph)
            continue
        last_char, prev_word = _before_run(text, para[0], run[0].start)
        mid_sentence = last_char != "" and last_char not in ".?!:\"”'’"
        adjacent = (
            frame is not None
            and frame.cue is not None
            and frame.mixed_from is None
            and frame.speaker is not None
            and _next_to_run(idx, frame, run)
        )
        names_a_work = prev_word in _BEFORE_TITLES or prev_word.endswith(("'s", "’s"))
        if (
            words <= 10
            and not headline
            and (names_a_work or not adjacent)
            and _is_title(text, fragments, mid_sentence)
        ):
            # "The Art of the Deal," ''This Week'': a title; kept, the annotator decides
            out.append(_weak(idx, run, "direct_title"))
            continue
        governed = False
        if frame is None and words >= 4 and idx.has_dep and last_char != ":":
            # (after a colon the quote is what the colon introduces: "The reason was
            # plain enough: "..."" is no verb's object, below)
            frame = governing_frame(idx, run)
            governed = frame is not None
        if frame is None:
            if last_char == ":" or _after_colon_paragraph(text, para):
                # introduced by a colon that names nobody: mostly a cited document
                out.append(_weak(idx, run, "direct_cited"))
                continue
            if _opens_sentence_open(text, run, last_char) and words >= 3:
                # '"Keep the library open," read one banner.': a clause in marks opening
                # its sentence and ending with a comma, whose frame names no speaker the
                # rules can find: a quote, not a scare quote; the annotator adds who
                rec = _weak(idx, run, "direct_open_unframed")
                if rec.speaker is None:
                    spk = _inverted_subject(idx, run) or _subject_after(idx, run)
                    rec = replace(rec, speaker=spk)
                out.append(rec)
                continue
            if not _stands_alone(text, run, last_char):
                out.append(_weak(idx, run, "direct_scare"))  # a phrase in marks
                continue
            introduced = _introducing_subject(idx, run, para[0]) if words >= 4 else None
            if introduced is not None:
                # 'Dana Whit agreed. "We are out of time."': the sentence before speaks
                # no cue: that sentence's verb keeps its own reported speech
                prev = _Open(
                    fragments, introduced, None, "direct_introduced", words, run[-1].paragraph
                )
                continue
            rule = "direct_standalone" if words >= 6 else "direct_standalone_short"
            prev = _Open(fragments, None, None, rule, words, run[-1].paragraph)
            continue
        cue_span = (frame.cue.idx, frame.cue.idx + len(frame.cue.text)) if frame.cue else None
        if frame.mixed_from is not None:
            bounds: Span | None = (frame.mixed_from, run[-1].end)
            if frame.cue is not None:
                bounds = _mixed_bounds(idx, frame.cue, frame.mixed_from, run[0].start, run[-1].end)
            rule = "mixed_frame"
            if bounds is None and words < 4:
                # a few words in marks: the object phrase around them is the content
                bounds = (frame.mixed_from, run[-1].end)
            elif (
                bounds is None
                and frame.cue is not None
                and _names_words(frame.cue, _NAMING)
                and not _passive(frame.cue)
            ):
                # 'described the offer as "an insult to every nurse"': what is named and
                # the words in marks, as for "called the plan "a disaster"" (_weak)
                bounds = (frame.mixed_from, run[-1].end)
                rule = "mixed_named"
            elif (
                bounds is None
                and _word_before(text, frame.mixed_from, run[0].start)
                and not (frame.cue is not None and _passive(frame.cue))
            ):
                # 'pledged to "bomb the hell out of them"', 'she said, is "doing better"':
                # the words after the cue run straight into the marks (no comma, colon or
                # dash before them): the quoted words finish a reported clause, a mixed
                # quote; with punctuation before the marks ('told voters in Reno: "..."')
                # the words between are the frame and the quote stays direct
                bounds = (frame.mixed_from, run[-1].end)
                rule = "mixed_lead"
            if bounds is not None:
                conf = CONFIDENCE[rule]
                spk = frame.speaker
                out.append(QuoteRecord((bounds,), spk, cue_span, "mixed", conf, rule=rule))
                continue

        rule = "direct_framed" if frame.speaker is not None else "direct_cue_only"
        if frame.label:
            rule = "direct_colon_label"
        if frame.colon_clause:
            rule = "direct_colon_clause"
        if governed:
            rule = "direct_governed"  # the quote hangs off a verb that is not a reporting verb
        if words < 4 and not _ends_sentence(text, run[-1]):
            # a short phrase in marks is a title or a scare quote unless "X said" follows
            first_after = idx.token_at(run[-1].end)
            if frame.tail is not None:
                first_after = frame.tail + 2  # 'is "a disaster" for farmers, said X'
            close = frame.cue is not None and frame.cue.i - first_after <= 3
            if frame.speaker is not None and first_after < idx.n:
                # '"Carson is cratering," Texas-based Matt Mackowiak said.'
                close = close or frame.speaker[0] <= idx.starts[first_after] + 2
            if not (
                frame.side == "after" and close and frame.speaker is not None
            ) or _inside_subject(idx, frame.cue, run):
                out.append(_weak(idx, run, "direct_scare"))  # a short phrase in marks
                continue
            rule = "direct_short"
        prev = _Open(fragments, frame.speaker, cue_span, rule, words, run[-1].paragraph)
        if governed and frame.cue is not None:
            lead_frags = _governed_lead(idx, frame.cue, run[0].start)
            if lead_frags:
                prev.fragments = _join_lead(lead_frags, prev.fragments)
                prev.kind = "mixed"
                if _names_words(frame.cue, _NAMING):
                    prev.rule = "mixed_named"  # 'called the plan "a waste of money."'
        if frame.side == "after":
            prev.after_end = frame_after(idx, run[-1].end, last_para[1])[1]
            lead = _sentence_lead(idx, run[0].start, para[0])
            if lead is not None:
                # 'It is "undermining our values," he warned.': the words before the
                # marks belong to what is reported, a mixed quote from the sentence start
                prev.fragments[0] = (lead, prev.fragments[0][1])
                prev.kind = "mixed"
            if frame.tail is not None:
                # 'The plan is "a disaster" for farmers, said Jim Beam.': the words after
                # the marks up to the frame's comma are the rest of the reported clause
                last_tok = idx.doc[frame.tail]
                prev.fragments[-1] = (prev.fragments[-1][0], last_tok.idx + len(last_tok.text))
                prev.kind = "mixed"
    if prev is not None:
        out.append(prev.record())
    return _inherit_speakers(idx, out)


#: Rules of runs that look like titles, scare quotes or cited documents: kept with a low
#: confidence (the annotator decides), never given an inherited speaker, and dropped by
#: :func:`annotator.nlp.quotes.extract_quotes` when reported speech around them holds them.
WEAK_RULES = frozenset(
    {"direct_title", "direct_scare", "direct_cited", "direct_open_unframed", "direct_chant"}
)


def _weak(idx: DocIndex, run: list[Segment], rule: str) -> QuoteRecord:
    """A title, scare quote or cited document, kept with the low confidence of ``rule``.

    When the words in marks hang on a verb with a subject (``she called the ruling
    "outrageous"``, ``he described Putin as a "strong leader"``), that subject is given
    as the speaker: PolNeAR annotates such runs as mixed quotes of the verb's subject, and
    an annotator who accepts the suggestion gets the speaker with it.
    """
    fragments = tuple((s.start, s.end) for s in run)
    if rule in ("direct_scare", "direct_title") and _chanted(idx.text, run[0].start):
        rule = "direct_chant"
    speaker: Span | None = None
    cue: Span | None = None
    if rule == "direct_cited" and idx.has_dep:
        # a colon clause with no reporting verb: its subject or 'from X' is the source
        speaker = _colon_source(idx, run)
    # a cited quote's colon clause was looked at by the frame rules and names nobody else
    if idx.has_dep and rule != "direct_cited":
        frame = governing_frame(idx, run)
        if (
            frame is not None
            and frame.cue is not None
            and (rule != "direct_title" or _names_words(frame.cue))
        ):
            speaker, cue = frame.speaker, (frame.cue.idx, frame.cue.idx + len(frame.cue.text))
            named = _named_by_subject(idx, frame, run)
            if named is not None:
                return named
        if speaker is None and frame is None:
            # no verb with a subject near (a title read or appeared on keeps none): the
            # nearest subject or possessor up the parse
            # ("Reid has been pounding Trump as a "con artist"", speakers.governing_subject)
            speaker = run_subject(idx, run)
    if speaker is not None and speaker[0] < run[-1].end and speaker[1] > run[0].start:
        speaker = None  # the parse hung the run inside its own subject: no speaker
    return QuoteRecord(fragments, speaker, cue, "direct", CONFIDENCE[rule], rule=rule)


def _colon_source(idx: DocIndex, run: list[Segment]) -> Span | None:
    """The source named by the colon clause that introduces ``run`` without a reporting
    verb, or None.

    ``More from Blumenthal and Cohen: "..."`` and ``From Bush's Facebook post: "..."``: the
    object of ``from``; ``Clinton's response was: "..."``, ``Respondents are obliged to
    disclose: "..."``, ``the cleric is shown lecturing: "..."``: the clause's nominal
    subject (a noun or name, not ``it``/``there``). The clause is the words between the
    colon right before the run (also at the end of the paragraph before) and the last
    sentence end, dash or semicolon before it. Spans are code points.
    """
    doc = idx.doc
    k = idx.token_at(run[0].start) - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in _OPENING) and not idx.in_quote[k]:
        k -= 1
    if k <= 0 or doc[k].text != ":" or idx.in_quote[k]:
        return None
    hi = k - 1
    lo = hi
    while lo > 0 and hi - lo < 40:
        prev = doc[lo - 1]
        spaced = prev.whitespace_ or doc[lo - 2].whitespace_ if lo >= 2 else True
        if "\n" in prev.text or (
            prev.text in _CLAUSE_BREAKS
            and not idx.in_quote[prev.i]
            and (prev.text not in _DASHES or spaced)
        ):
            break
        lo -= 1
    clause = doc[lo : hi + 1]
    for tok in clause:
        if tok.lower_ == "from" and tok.dep_ == "prep":
            obj = next((c for c in tok.children if c.dep_ == "pobj" and c.i <= hi), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                return clip_subtree(idx, obj, lo, hi)
    for tok in clause:
        if (
            tok.dep_ in ("nsubj", "nsubjpass")
            and tok.pos_ in ("NOUN", "PROPN")
            and lo <= tok.head.i <= hi
            and (
                any(c.dep_ == "poss" for c in tok.children)
                or not any(c.dep_ in ("acomp", "attr") for c in tok.head.children)
            )
        ):
            # ('The reason was plain enough:' describes the quote, names nobody;
            # 'The company's reply was short:' names its owner)
            return clip_subtree(idx, tok, lo, hi)
    if not any(t.pos_ in ("VERB", "AUX") for t in clause):
        # 'Partial transcript as follows:', 'Her reply:' (no verb): the clause's head noun
        root = next((t for t in clause if not lo <= t.head.i <= hi or t.head is t), None)
        if root is not None and root.pos_ in ("NOUN", "PROPN"):
            return clip_subtree(idx, root, lo, hi)
    return None


#: Dashes: a clause break when spaced ('all along - More from X:'), not in 'al-Awlaki'.
_DASHES = frozenset({"—", "–", "-", "--"})
#: Tokens that end the clause before a colon: sentence ends, dashes and semicolons.
_CLAUSE_BREAKS = frozenset({".", "!", "?", ";", "—", "–", "-", "--"})


#: Words of a crowd's voice right before the marks: ``chanted "Lock her up!"``, ``chants
#: of "USA! USA!"``, ``someone shouted, "Cruz"`` (a verb, or a noun with ``of``).
_CHANT = re.compile(
    r"(?:\b(?:chant(?:s|ed|ing)?|shout(?:s|ed|ing)?|yell(?:s|ed|ing)?|scream(?:s|ed|ing)?"
    r"|echo(?:es|ed|ing)?|cr(?:y|ies|ied))[ \t,:]*"
    r"|\b(?:chants?|cries|cry|shouts?|screams?)\s+of\s*)$",
    re.IGNORECASE,
)


def _chanted(text: str, start: int) -> bool:
    """Do the words right before ``start`` (an opening mark) chant or shout the run?

    Short runs after them look like slogans or titles (``"Build the wall!"``, ``"USA!
    USA!"``), but a chant, shout or cry is speech: PolNeAR annotates it as a direct quote
    of the crowd (train: 14 such runs, all overlapping a gold attribution, 9 direct).
    Reads at most 32 characters back.
    """
    return _CHANT.search(text[max(0, start - 32) : start]) is not None


def _named_by_subject(idx: DocIndex, frame: Frame, run: list[Segment]) -> QuoteRecord | None:
    """``Jo Finn called the plan "a disaster"``, ``what he calls the "Washington cartel"``:
    a mixed quote of the naming verb's subject, or None when ``frame`` is not that.

    The content is the verb's object before the marks (or the relative pronoun that is
    its object) with the words in marks, as PolNeAR annotates these (train 1-400: 58
    runs in marks hung on a naming verb, none overlapping no gold attribution, 50 of them
    gold mixed quotes; they were scare quotes of kind ``direct`` before). None when the
    verb is not a naming verb, there is no speaker, or nothing stands between the verb
    and the marks (``the so-called "reset"``: no object to name).
    """
    cue = frame.cue
    if cue is None or frame.speaker is None or not _names_words(cue, _NAMING):
        return None
    lead = _governed_lead(idx, cue, run[0].start)
    if not lead:
        return None
    fragments = _join_lead(lead, [(s.start, s.end) for s in run])
    cue_span = (cue.idx, cue.idx + len(cue.text))
    conf = CONFIDENCE["mixed_named"]
    return QuoteRecord(tuple(fragments), frame.speaker, cue_span, "mixed", conf, rule="mixed_named")


def _inside_subject(idx: DocIndex, cue: Token | None, run: list[Segment]) -> bool:
    """``Peter Lenkov, who runs "Harbour Nights," was hired by CBS``: the words in marks
    sit inside the subject of the verb after them (or that verb only describes a noun,
    ``"Trump Revealed," a biography written by ...``), so the verb frames no quote."""
    if cue is None or not idx.has_dep:
        return False
    if cue.dep_ in ("acl", "relcl"):
        return True
    first = idx.token_at(run[0].start)
    # a subject in an earlier paragraph is the parser joining the title to the quote's
    # sentence ("Strike Vote\n\n'We are exhausted,' said ...", tester22 F3): no subject
    lo = idx.line_lo[first] if first < idx.n else 0
    return any(c.dep_ in ("nsubj", "nsubjpass") and lo <= c.i < first for c in cue.children)


def _passive(verb: Token) -> bool:
    """``was described by Ana Ruiz as "..."``: what is named is the verb's subject, and
    the words between the verb and the marks are its agent, no content."""
    return any(c.dep_ in ("agent", "auxpass", "nsubjpass") for c in verb.children)


#: Verbs whose subject a title in marks hanging on them belongs to (see :func:`_weak`).
_WORDS_OF_SUBJECT = lx.SPEECH_VERBS | lx.NAMING_VERBS
#: Verbs that name what their object is (``called``, ``described ... as``).
_NAMING = lx.NAMING_VERBS


def _names_words(verb: Token, verbs: frozenset[str] = _WORDS_OF_SUBJECT) -> bool:
    """Is ``verb`` one whose subject says or names the words in marks that hang on it
    (``called it "Miss Piggy"``), not one that only reads, watches or appears on them?
    ``verbs``: the lemmas that count (default: speech and naming verbs)."""
    return verb.lemma_.lower() in verbs


#: Subjects that name no speaker ("It was late.", "There were cheers.").
_NO_SPEAKER = lx.words("it this that there which what these those")


def _introducing_subject(idx: DocIndex, run: list[Segment], para_start: int) -> Span | None:
    """The subject of the sentence just before ``run`` in its paragraph.

    A quote without a frame that follows a sentence about someone (``Iowa's Dana Whit
    agreed. "..."``, ``She says people should vote. "..."``) is, in news prose, that
    person's (PolNeAR train: the quote's source is that subject far more often than the
    previous quote's speaker). None without a parse, at a paragraph start, or when the
    sentence has no nominal subject or one that names nobody (``it``, ``there``).
    """
    if not idx.has_dep:
        return None
    k = idx.token_at(run[0].start) - 1
    while k >= 0 and idx.doc[k].is_space:
        k -= 1
    if k < 0 or idx.doc[k].idx < para_start or idx.in_quote[k]:
        return None
    sent = idx.doc[k].sent
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or idx.in_quote[root.i]:
        return None
    lo = max(sent.start, idx.token_at(para_start))
    spk = subject(idx, root, lo, k)
    if spk is None or idx.text[spk[0] : spk[1]].lower() in _NO_SPEAKER:
        return None
    return spk


def _before_run(text: str, lo: int, pos: int) -> tuple[str, str]:
    """The last non-space character of ``text[lo:pos]`` and its last word, lower-cased.

    The word is stripped of ``,;:(`` and dashes (``"... (on ''This Week''"``). Reads only
    back to the previous space, and at most 64 characters of a longer word (such a word
    cannot be one of the short title words, and only its ending is looked at).
    """
    end = pos
    while end > lo and text[end - 1].isspace():
        end -= 1
    if end == lo:
        return "", ""
    start = end - 1
    while start > lo and not text[start - 1].isspace() and end - start < 64:
        start -= 1
    return text[end - 1], text[start:end].lower().strip(",;:(—–-")


def _after_colon_paragraph(text: str, para: Span) -> bool:
    """The paragraph before ``para`` ends with a colon."""
    k = para[0]
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return k > 0 and text[k - 1] == ":"


def _next_to_run(idx: DocIndex, frame: Frame, run: list[Segment]) -> bool:
    """Cue or speaker touch the quoted run: ``"...," X said`` or ``X said: "..."``."""
    assert frame.cue is not None and frame.speaker is not None
    if frame.side == "after":
        first = idx.token_at(run[-1].end)
        start = idx.starts[first] if first < idx.n else len(idx.text)
        return frame.cue.i - first <= 2 or frame.speaker[0] <= start + 2
    last = idx.token_at(run[0].start) - 1
    return last - frame.cue.i <= 2 or frame.speaker[1] >= idx.starts[max(last - 2, 0)]


def _is_headline(text: str, paras: list[Span]) -> bool:
    """The first line is a headline: more lines follow and it does not end a sentence."""
    if len(paras) < 2:
        return False
    first = text[paras[0][0] : paras[0][1]].rstrip("\"'”» ")
    return not first.endswith(".") and len(first) < 200


def _inherit_speakers(idx: DocIndex, records: list[QuoteRecord]) -> list[QuoteRecord]:
    """A direct quote without a frame belongs to the speaker of the quote just before it.

    The speaker mention given is that speaker's name nearest before the quote
    (:func:`_nearest_mention`), the one a reader links the quote to.
    """
    out = []
    last: QuoteRecord | None = None
    conf = CONFIDENCE["direct_inherited"]
    for rec in records:
        if (
            rec.speaker is None
            and rec.kind == "direct"
            and last is not None
            and rec.rule not in WEAK_RULES
            and rec.rule != "direct_standalone_short"  # a section heading, mostly
            and not _asked(idx, rec)  # "Ana Ruiz was asked, "..."": not the last speaker's
        ):
            spk = last.speaker
            if spk is not None:
                spk = _nearest_mention(idx, spk, rec.start)
            rec = QuoteRecord(rec.content, spk, last.cue, rec.kind, conf, rule="direct_inherited")
        out.append(rec)
        if rec.speaker is not None and rec.rule not in WEAK_RULES:
            last = rec  # a scare quote's speaker is a guess: not handed on
    return out


def _asked(idx: DocIndex, rec: QuoteRecord) -> bool:
    """Is ``rec``'s cue a passive verb of speaking to someone (``was asked``)? Its words
    are then the asker's, who is not named: no speaker is handed on to them."""
    if rec.cue is None or not idx.has_dep:
        return False
    k = idx.token_at(rec.cue[0])
    return k < idx.n and addressed(idx.doc[k])


#: How far back (characters) a later mention of an inherited speaker's name is looked for.
_MENTION_WINDOW = 1000


def _nearest_mention(idx: DocIndex, speaker: Span, before: int) -> Span:
    """The last mention of ``speaker``'s name between ``speaker`` and ``before``, else
    ``speaker``.

    ``"A," said Cecile Richards. [...] Richards spoke of her mother. "B."``: "B." is
    inherited from the quote before, but the reader (and PolNeAR's annotators) link it to
    "Richards", the name nearest before it. The name is the last proper noun of the
    mention (none: ``speaker`` is kept, as for pronouns and descriptions); the mention
    found is that word (same case) with the proper nouns next to it, outside quotation
    marks, at most :data:`_MENTION_WINDOW` characters before ``before``. Needs the tagger.
    """
    if not idx.has_pos:
        return speaker
    doc, text = idx.doc, idx.text
    first, stop = idx.token_at(speaker[0]), idx.token_at(speaker[1])
    names = [doc[i] for i in range(first, min(stop, idx.n)) if doc[i].pos_ == "PROPN"]
    if not names:
        return speaker
    name = names[-1].text
    lo = max(speaker[1], before - _MENTION_WINDOW)
    pos = text.rfind(name, lo, before)
    while pos >= 0:
        k = idx.token_at(pos)
        if (
            k < idx.n
            and idx.starts[k] == pos
            and doc[k].text == name  # the same word and case: the tagger may call it a noun
            and not idx.in_quote[k]
        ):
            a = k
            while a > 0 and doc[a - 1].pos_ == "PROPN" and not idx.in_quote[a - 1]:
                a -= 1
            b = k
            while b + 1 < idx.n and doc[b + 1].pos_ == "PROPN" and not idx.in_quote[b + 1]:
                b += 1
            return (idx.starts[a], idx.starts[b] + len(doc[b].text))
        pos = text.rfind(name, lo, pos)
    return speaker


def _goes_on(idx: DocIndex, prev: _Open, run: list[Segment], frame: Frame | None) -> bool:
    """Does ``run`` go on with ``prev`` after the end of its frame's sentence?

    ``"A," she said. But "B."``, ``"A," said Jo Finn. Now, "B."``: the sentence after the
    frame opens with at most three words, none a verb, then the run, which has no frame of
    its own with a speaker. PolNeAR annotates both runs as one quote of the first run's
    speaker. Needs the tagger (a verb in the lead starts a sentence of its own).
    """
    if (
        prev.after_end is None
        or prev.kind != "direct"
        or run[0].paragraph != prev.paragraph
        or not idx.has_pos
        or (frame is not None and frame.speaker is not None)
    ):
        return False
    doc = idx.doc
    end = prev.after_end + 1  # the token after the frame: its sentence end
    if end >= idx.n or doc[end].text not in (".", "!", "?"):
        return False
    lead = [t for t in doc[end + 1 : idx.token_at(run[0].start)] if not t.is_space]
    words = [t for t in lead if not t.is_punct]
    return (
        0 < len(words) <= 3
        and all(t.text in (",", "—", "–", "-") for t in lead if t.is_punct)
        and not any(t.pos_ in ("VERB", "AUX") or idx.in_quote[t.i] for t in lead)
    )


def _inside_frame(
    idx: DocIndex, prev: _Open, run: list[Segment], words: int, fragments: Sequence[Span]
) -> bool:
    """Is ``run`` a few words in marks inside the ``"...," she said`` frame of ``prev``?

    True when ``prev``'s frame after it stopped at this run (no sentence end between) and
    the run is short (under four words) or a title of at most six (``on ABC's "This
    Week"``, ``told NBC's "Meet the Press"``). PolNeAR joins the quote before such a
    frame with the quote after it (train 1-400: the second half was otherwise a quote of
    its own, Jaccard below 0.5 for both).
    """
    if prev.after_end is None or run[0].paragraph != prev.paragraph:
        return False
    first = idx.token_at(run[0].start)
    if first != prev.after_end + 1 or first >= idx.n or not idx.in_quote[first]:
        return False
    title = words <= 6 and _is_title(idx.text, fragments, True)
    if not (words < 4 or title):
        return False
    # a title is never what the frame's verb says (the parser hangs "Meet the Press"
    # on "told" as a clause); other words in marks may be ("had typed "back pain."")
    return title or prev.cue is None or not _says_run(idx, run, idx.token_at(prev.cue[0]))


def _says_run(idx: DocIndex, run: list[Segment], cue: int) -> bool:
    """Is ``run`` what the verb at token ``cue`` says (``a doctor had typed "homicidal
    ideation."``, ``she added the words, "Hillary Clinton."``)?

    True when the parse hangs the run on the verb as its object, clause or a conjunct,
    through nouns only; not through a preposition or another verb (``said on "This
    Week"``, ``who noted prices had "collapsed"``), nor as the person spoken to (``told
    NBC's "Today"``).
    """
    if not idx.has_dep or cue >= idx.n:
        return False
    lo, hi = idx.token_at(run[0].start), idx.token_at(run[-1].end) - 1
    doc = idx.doc
    tok = next(
        (doc[i] for i in range(lo, hi + 1) if not (doc[i].is_punct or lo <= doc[i].head.i <= hi)),
        None,
    )
    for _ in range(4):
        if tok is None or tok.head is tok:
            return False
        head = tok.head
        if head.i == cue:
            addressee = tok.dep_ in ("dobj", "dative") and head.lemma_.lower() in _TOLD
            return tok.dep_ in _ARGUMENTS and not addressee
        if head.pos_ in ("ADP", "VERB", "AUX"):
            return False
        tok = head
    return False


#: Dependencies of what a verb says (its object, clause or a conjunct of them); not the
#: loose noun phrases the parser hangs on it (``said on ABC's "This Week" on Sunday``).
_ARGUMENTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "oprd", "conj", "appos"})
#: Verbs whose object is the person spoken to ("told NBC's "Today"").
_TOLD = lx.words("tell ask inform remind assure advise answer")


def _next_paragraph(
    idx: DocIndex, prev: _Open, run: list[Segment], words: int, paras: list[Span]
) -> bool:
    """Does ``run``, a paragraph of its own without a frame, go on with ``prev``?

    ``"A," she said.`` ending a paragraph, then a paragraph that is a whole quote (four
    words at least) with nobody named: news prose goes on with the same speaker, and
    PolNeAR annotates both as one quote (train 1-400: 26 of 31 such pairs, the rest
    two quotes of the same speaker). ``prev`` must be a direct quote with a speaker whose
    paragraph ends with it or its frame, in the paragraph just before ``run``.
    """
    text = idx.text
    para = paras[run[0].paragraph]
    if (
        prev.kind != "direct"
        or prev.speaker is None
        or words < 4
        or run[0].paragraph != prev.paragraph + 1
        or run[0].start != para[0]
        or not _stands_alone(text, run, "")
        or _heading(text, run)
    ):
        return False
    end = prev.fragments[-1][1]
    if prev.after_end is not None:
        tok = idx.doc[prev.after_end]
        end = max(end, tok.idx + len(tok.text))
    rest = text[end : paras[prev.paragraph][1]]
    return not any(ch.isalnum() for ch in rest)


def _heading(text: str, run: list[Segment]) -> bool:
    """Is ``run`` in Title Case, full stop or not (``"All Bets Are Off."``): a heading?"""
    inner = " ".join(text[s.start : s.end] for s in run).strip("\"'“”„«» ,.?!")
    words = [w for w in inner.split() if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def _continues(idx: DocIndex, prev: _Open, run: list[Segment], frame: Frame | None) -> bool:
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
    if _word_before(idx.text, prev.fragments[-1][1], run[0].start):
        # '"A," she said, adding that "B"': the second run hangs off a word of the frame
        # (a mixed or new quote of its own), not the frame's end (PolNeAR train 1-400)
        return False
    if _introduces_next(idx, prev, run):
        return False
    # a run with its own "..., he added" frame is a new quote
    return frame is None or frame.side != "after" or frame.speaker is None


def _introduces_next(idx: DocIndex, prev: _Open, run: list[Segment]) -> bool:
    """``... "men should not be going there." Cruz says, "That is reasonable."``: the
    words between two runs introduce the second one, not close the first.

    True when ``prev``'s last run ends its sentence inside the marks and those words end
    with a colon, or with a comma after a mixed quote (whose cue came before its marks)
    or before a capitalised run with a reporting verb between
    (:func:`~annotator.nlp.frames.introduces_run`): a frame of the second run, which is a
    quote of its own (PolNeAR train: 11 such joined runs, all separate gold quotes;
    '"A," he said. "B."' keeps joining). Reads only the few tokens around the gap.
    """
    text = idx.text
    a, b = prev.fragments[-1]
    last = text[max(a, b - 8) : b].rstrip(_CLOSING + " \u00a0")
    if not last.endswith((".", "?", "!")):
        return False
    gap = text[b : run[0].start].rstrip(_OPENING + " \u00a0")
    if gap.endswith(",") and prev.kind == "mixed":
        return True
    lo, hi = idx.token_at(b), idx.token_at(run[0].start) - 1
    return gap.endswith((":", ",")) and lo <= hi and introduces_run(idx, lo, hi)


#: Closing and opening quotation marks, as read around a gap between two runs.
_CLOSING = "\"”'’»"
_OPENING = "\"“'‘«"

#: Sentence ends, between a second reporting verb of a frame and the next run.
_SENTENCE_END = frozenset({".", "!", "?"})


def _added_cue(idx: DocIndex, prev: _Open, run: list[Segment], frame: Frame | None) -> Token | None:
    """``"A," she said, adding: "B."``: the second reporting verb of the frame between
    ``prev`` and ``run``, when ``run`` would otherwise go on with ``prev``
    (:func:`_continues`); else None.

    The verb (``adding``, ``and then predicted``, ``noting that``) is a speech verb other
    than ``prev``'s cue, in lower case and outside its speaker (``said engineer Omar
    Said``), no adjective (``screaming supporters``), with no sentence end
    between it and ``run``: ``run`` is what it reports, a quote of its own (PolNeAR train:
    16 of 19 such runs are a separate gold quote; frames without a second verb: 1,509 of
    1,527 joined). Looks at most 40 tokens back from ``run``.
    """
    if prev.kind != "direct" or not idx.has_pos or not _continues(idx, prev, run, frame):
        return None
    doc = idx.doc
    lo = max(idx.token_at(prev.fragments[-1][1]), idx.token_at(run[0].start) - 40)
    for k in range(idx.token_at(run[0].start) - 1, lo - 1, -1):
        tok = doc[k]
        if tok.text in _SENTENCE_END and not idx.in_quote[k]:
            return None
        if (
            tok.pos_ == "VERB"
            and tok.dep_ != "amod"
            and tok.text[:1].islower()  # "said engineer Omar Said": a name
            and (prev.cue is None or tok.idx != prev.cue[0])
            and not (prev.speaker is not None and prev.speaker[0] <= tok.idx < prev.speaker[1])
            and idx.is_cue(tok)
        ):
            return tok
    return None


_RELATIVES = frozenset({"what", "which", "that", "whom", "who"})


def _governed_lead(idx: DocIndex, verb: Token, start: int) -> list[Span]:
    """The words that PolNeAR adds to a quoted run hanging off a non-reporting ``verb``.

    ``called the political system "rotten"``: the words between the verb and the opening
    mark (the verb's object); ``what he called "a disaster"``: the relative pronoun that
    is the verb's object. Empty when neither applies (more than 12 words between, or a
    sentence end). Spans are code points; PolNeAR train 1-400: 89 of 136 governed runs
    matched gold mixed quotes that start earlier.
    """
    lo = idx.token_at(start)
    if verb.i < lo:
        between = idx.doc[verb.i + 1 : lo]
        plain = not any(idx.in_quote[t.i] or t.text in ".?!" for t in between)
        if 0 < len(between) <= 12 and plain and any(t.is_alpha for t in between):
            span = idx.span_of(verb.i + 1, lo - 1)
            return [span] if span is not None else []
        rel = [c for c in verb.children if c.dep_ == "dobj" and c.i < verb.i]
        if rel and rel[0].lower_ in _RELATIVES:
            return [(rel[0].idx, rel[0].idx + len(rel[0].text))]
    return []


def _join_lead(lead: list[Span], fragments: list[Span]) -> list[Span]:
    """``lead`` spans before the run's fragments; one that touches the first fragment
    (only spaces between) is merged into it."""
    first = fragments[0]
    *others, last = lead
    return (
        [*others, (last[0], first[1]), *fragments[1:]]
        if last[1] >= first[0] - 1
        else [
            *lead,
            *fragments,
        ]
    )


def _sentence_lead(idx: DocIndex, start: int, para_start: int) -> int | None:
    """Where the words before a quoted run's opening mark start, if its sentence has any.

    The start (code points) of the first word of the run's sentence when words (letters or
    digits) stand between it and the mark; None when the run opens its sentence. PolNeAR's
    content of ``It is "undermining our values," he warned.`` is everything but the
    source and the cue (PolNeAR train 1-400: 157 such quotes scored as mixed).
    """
    first, last = frame_before(idx, start, para_start)
    if first > last:
        return None
    lead = idx.text[idx.starts[first] : start]
    if not any(ch.isalnum() for ch in lead) or lead.rstrip()[-1:] in ":—–-":
        return None  # "His verdict: "..."": a label before a colon or dash is no content
    tok = idx.doc[first]
    while tok.i < last and not any(ch.isalnum() for ch in tok.text):
        tok = idx.doc[tok.i + 1]
    return idx.starts[tok.i]


def _word_before(text: str, lo: int, pos: int) -> bool:
    """Is the last non-space character in ``text[lo:pos]`` a letter or digit?

    Between the halves of a split quote (``"A," she said, "B."``) the frame ends with a
    comma, colon or full stop; ``she said, adding that "B"`` ends with a word.
    """
    i = pos - 1
    while i >= lo and text[i].isspace():
        i -= 1
    return i >= lo and text[i].isalnum()


def _mixed_bounds(
    idx: DocIndex, cue: Token, start: int, run_start: int, run_end: int
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
            while end > run_end and idx.text[end - 1] in EDGE_PUNCT:
                end -= 1
            return (begin, run_end if reporters_tail(idx, run_end, end) else end)
        if child.dep_ == "ccomp" and cue.idx < begin < run_start:
            # the parser hung the quoted words elsewhere; the clause still opens here
            end = max(end, run_end)
            return (begin, run_end if reporters_tail(idx, run_end, end) else end)
    return None


#: Words that open a clause of time after a quote (``"..." as the opposition cheered``,
#: ``before leaving the chamber``): the reporter's, not the source's.
_TIME_OPENERS = lx.words("as while when before after")
#: Words after ``as`` that keep it a comparison inside the quoted clause (``as well``).
_AS_COMPARISON = lx.words("well much many long far soon if though to for")
#: Words after a comma that open a comment on the quote (``, which the opposition echoed``).
_RELATIVE_COMMENT = lx.words("which who whom whose where")
#: Determiners that open an appositive comment (``, a view the opposition shares``).
_APPOSITIVE_OPENERS = lx.words("a an")
_TAIL_DASHES = frozenset({";", "—", "–", "-", "--", "―"})
_WEEKDAYS = lx.words("monday tuesday wednesday thursday friday saturday sunday")
_DATE_WORDS = _WEEKDAYS | lx.words("yesterday today tonight earlier later last")


def reporters_tail(idx: DocIndex, run_end: int, end: int) -> bool:
    """Are the words right after a mixed quote's closing mark (at ``run_end``) the
    reporter's own, so that the quote ends at its mark?

    True when they open with a semicolon or a dash (``"..."; the opposition agreed``,
    ``"..." - a charge ministers deny``); after a comma, with a relative pronoun, a
    participle or an appositive noun phrase (``, which the opposition quickly echoed``,
    ``, prompting jeers``, ``, a view the opposition shares``); with a clause of time
    (``as the opposition cheered``, ``before leaving the chamber``); or with a day
    (``on Tuesday, hours after ...``, ``yesterday``). Words that go on with the quoted
    clause (``"ripe for abuse" and lack seriousness``, ``"obsessed" with guns``,
    ``because ...``, ``after the caucuses``) are the source's: False, as when more words
    in marks follow before ``end`` (the clause's end: ``"a lightweight" while Cruz is "a
    basket case"``). PolNeAR train: 39% of gold mixed quotes go on past their last mark,
    mostly with other openings. Issue 12, kind 3. Reads the tokens up to ``end``.
    """
    doc, text = idx.doc, idx.text
    k = idx.token_at(run_end)
    while k < idx.n and (doc[k].is_space or doc[k].text in _QUOTE_CLOSERS):
        k += 1
    if k >= idx.n or idx.in_quote[k] or "\n" in text[run_end : idx.starts[k]]:
        return False
    if any(idx.in_quote[i] for i in range(k, min(idx.token_at(end), idx.n))):
        return False  # more of the source's words in marks follow
    if doc[k].text in _TAIL_DASHES:
        # '"..." - a charge ministers deny'; not '"..." - and more'
        return not (k + 1 < idx.n and doc[k + 1].lower_ in ("and", "or", "but"))
    # the comma after the words in marks, printed outside or inside them ('backwards,"')
    comma = doc[k].text == "," or "," in text[max(0, run_end - 3) : run_end]
    if doc[k].text == ",":
        k += 1
        if k >= idx.n or idx.in_quote[k]:
            return False
    tok = doc[k]
    nxt = doc[k + 1] if k + 1 < idx.n else None
    if comma and (
        tok.lower_ in _RELATIVE_COMMENT or tok.lower_ in _APPOSITIVE_OPENERS or tok.tag_ == "VBG"
    ):
        return True
    low = tok.lower_
    if low in _TIME_OPENERS:
        if low == "as" and nxt is not None and nxt.lower_ in _AS_COMPARISON:
            return False
        return _opens_clause(idx, k + 1)
    if low == "on" and nxt is not None:
        return nxt.lower_ in _WEEKDAYS or nxt.ent_type_ in ("DATE", "TIME")
    return low in _DATE_WORDS


def _opens_clause(idx: DocIndex, k: int) -> bool:
    """Do the words from token ``k`` (after ``as``, ``before``...) make a clause: a
    participle at once (``before leaving``) or a subject with its verb within five words
    (``as the opposition cheered``)? Not a noun phrase (``after the caucuses``) nor a
    bare past participle (``as required by law``)."""
    doc = idx.doc
    if k >= idx.n:
        return False
    if doc[k].tag_ == "VBG":
        return True
    for i in range(k, min(k + 5, idx.n)):
        tok = doc[i]
        if tok.is_punct:
            return False
        head = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass") and head.i > i and head.pos_ in ("VERB", "AUX"):
            return True
    return False


_QUOTE_CLOSERS = frozenset({'"', "”", "’", "'", "''", "»"})


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


def _inverted_subject(idx: DocIndex, run: list[Segment]) -> Span | None:
    """``"...," read one banner``, ``"...," tweeted a local teacher``: the noun phrase
    right after the verb that follows an open-ended quote (English puts the subject after
    the verb there; the parser often calls it the object). None without a tagger, when no
    verb comes right after the closing mark, or when no noun phrase follows the verb."""
    if not idx.has_dep:
        return None
    doc = idx.doc
    i = idx.token_at(run[-1].end)
    while i < idx.n and (doc[i].is_punct or doc[i].is_space) and not idx.in_quote[i]:
        i += 1
    if i >= idx.n or idx.in_quote[i] or doc[i].pos_ not in ("VERB", "AUX"):
        return None
    verb = doc[i]
    lo, hi = i + 1, min(idx.line_hi[i], verb.sent.end - 1)
    for child in verb.children:
        if child.i > verb.i and child.dep_ in ("nsubj", "dobj", "attr") and child.pos_ in _NOMINAL:
            return clip_subtree(idx, child, lo, hi)
    return None


_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


def _subject_after(idx: DocIndex, run: list[Segment]) -> Span | None:
    """``"Go back to Univision," Trump barked``, ``"...," the conference speaker says into
    the camera``: the subject that opens the clause right after the closing mark (its
    first word is the first word after the mark), whatever its verb; None without a
    parse or when the clause after starts otherwise (``"...," as his father dreamed``)."""
    if not idx.has_dep:
        return None
    doc = idx.doc
    i = idx.token_at(run[-1].end)
    while i < idx.n and (doc[i].is_punct or doc[i].is_space) and not idx.in_quote[i]:
        i += 1
    if i >= idx.n or idx.in_quote[i]:
        return None
    hi = min(idx.line_hi[i], doc[i].sent.end - 1)
    for k in range(i, min(i + 6, hi + 1)):
        tok = doc[k]
        # ('Trump barked': the parser may call a name before its verb a compound)
        subject = tok.dep_ in ("nsubj", "nsubjpass") or (
            tok.dep_ == "compound" and tok.pos_ == "PROPN" and tok.head.pos_ == "VERB"
        )
        if subject and tok.pos_ in _NOMINAL and tok.left_edge.i == i and tok.head.i > k:
            return clip_subtree(idx, tok, i, hi)
    return None


def _opens_sentence_open(text: str, run: list[Segment], last_char: str) -> bool:
    """A run that starts its sentence and ends with a comma (``"We will win," ...``)."""
    tail = text[max(run[-1].start, run[-1].end - 3) : run[-1].end]
    return (not last_char or last_char in ".?!\"”'") and "," in tail


def _stands_alone(text: str, run: list[Segment], last_char: str) -> bool:
    """A run that is a whole sentence or paragraph, not a phrase inside a sentence.

    ``last_char`` is the last non-space character before the run in its paragraph.
    """
    after = text[run[-1].end : min(len(text), run[-1].end + 2)].strip()
    starts_ok = not last_char or last_char in ".?!:\"”'"
    ends_ok = _ends_sentence(text, run[-1]) or not after or after[0] in ".?!"
    return starts_ok and ends_ok
