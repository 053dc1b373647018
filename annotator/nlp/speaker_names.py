"""Speaker names: from the mention a quote's speaker span holds to the person it names.

A mention that contains a PERSON (or ORG) entity names it, as its full name in the article
(``Lee`` -> ``Lee In-young``; ``Kulik`` -> ``Andrey Kulik`` even when the full form comes
later, provided the article gives only one); titles and glued place words are role, not
name (``Ambassador to Seoul Andrey Kulik``). A name that only modifies a common noun
(``X's lawyer``, ``the Trump campaign``) and a description of someone's representative
(``a spokeswoman for X``) do not make X the speaker.

A pronoun (``he``, ``she``) refers to the nearest person named before it outside
quotation marks, or else the last named speaker, among those whose gender agrees: gender
from an honorific in the article (``Ms. Brandt``), from a pronoun already resolved to the
person, else from the first-name list of ``gender-guesser`` (offline, via
:func:`annotator.core.speakers.guess_gender`); unknown agrees with both. ``it`` and
``they`` refer to the last named organisation; a description (``the minister``, ``the
agency``) to the nearest earlier entity it names or that carries that noun as a title
(``Minister Lee``), or, for a title, one named just after in the same paragraph; a
capitalised mention the tagger missed (``Obi``) to the last person whose name holds it.

Heuristic sources: the recency preference of pronoun resolution in news (the nearest
compatible antecedent, as in Hobbs-style and rule-based coreference resolvers such as
Stanford's multi-pass sieve, whose number and gender agreement filters this follows); the
title abbreviations follow AP style (``Gov.``, ``Sen.``).

Every look-up goes through :class:`NameIndex`, built once per document: word -> entities,
label -> entities outside quotation marks, so that a quote costs a binary search, not a
walk back over all earlier entities (issue 16). Results are the same as that walk's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping
from functools import partial

from annotator.core.speakers import HONORIFIC_GENDER, guess_gender
from annotator.nlp import lexicon as lx
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span
from annotator.nlp.speakers import headline_quotes, is_relative_source, transcript_turns

#: How many earlier people a pronoun looks back over for one that agrees in gender.
MAX_PRONOUN_CANDIDATES = 8
#: Words before a name that mark a place in a title ("Ambassador to Seoul Andrey Kulik").
_PLACE_PREPOSITIONS = frozenset({"to", "of", "in", "from", "for"})
#: Prepositions that make a description someone else's representative ("a spokeswoman
#: for X", "an aide to X", "a source close to X"): X is not the speaker.
_FOR_SOMEONE = frozenset(
    {"for", "to", "of", "with", "from", "at", "close", "near", "representing", "behind"}
)
_PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}

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


def _strip_possessive(text: str) -> str:
    return text.removesuffix("'s").removesuffix("’s")


def _first_name(word: str) -> bool:
    """Is ``word`` in the first-name list (gender-guesser, via core.speakers)?"""
    return word[:1].isupper() and guess_gender(word) != "unknown"


def _is_title(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in lx.TITLES or w in HONORIFIC_GENDER


#: Reporting verbs that open an inverted frame and get glued to the name by the tagger
#: ("Said Duarte:", "Added Lutz:").
_INVERTED_CUES = frozenset({"said", "added", "says", "adds", "wrote", "writes", "asked"})


def clean_person_name(text: str, word_before: str = "") -> str:
    """A person's name without the title and place words the tagger glued to it.

    ``"Minister Lee's"`` -> ``"Lee"``; ``"Seoul Andrey Kulik"`` after ``"to"`` ->
    ``"Andrey Kulik"`` (a capitalised word that is not a first name, in front of one, after
    a preposition of a title: "Ambassador to Seoul ..."). First names: gender-guesser list.
    """
    words = _strip_possessive(text.strip("'\"“”‘’ ")).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and (_is_title(words[0]) or words[0].lower() in _INVERTED_CUES):
        words = words[1:]  # "Said Duarte: ...": the inverted reporting verb is no name
    if (
        len(words) >= 3
        and word_before.lower() in _PLACE_PREPOSITIONS
        and not _first_name(words[0])
        and _first_name(words[1])
    ):
        words = words[1:]
    return " ".join(words)


class NameIndex:
    """The entities of one document, indexed for the name look-ups of the quotes.

    Entity ``k`` is ``idx.ents[k]``; lists of entity numbers are in document order.
    ``labels[k]``/``texts[k]`` are the entity's label and text as names: an ORG the tagger
    gave a person's name (``"Councillor Marcus Obi"``: title, then a first name from the
    gender-guesser list) counts as a PERSON, and person names lose titles and glued place
    words (:func:`clean_person_name`).
    """

    def __init__(self, idx: DocIndex, genders: Mapping[str, str] | None = None) -> None:
        self.idx = idx
        #: canonical name or alias -> ``female``/``male``, as the analyst set it in the
        #: project's speaker registry (compared case-insensitively)
        self.registry_gender = {
            k.casefold(): v for k, v in (genders or {}).items() if v in ("female", "male")
        }
        ents = idx.ents
        self.labels: list[str] = []
        self.texts: list[str] = []
        title_end = _title_end(idx.text)
        for start, _end, label, text in ents:
            before = idx.text[max(0, start - 20) : start].split()
            word_before = before[-1] if before else ""
            if start < title_end or "\n" in text:
                # the title's words name no speaker of the article's quotes, and a name
                # never crosses a paragraph break ("City Hospital\n\nNurses at ..."):
                # no label, so that no look-up finds them (tester22 F2)
                self.labels.append("")
                self.texts.append(text)
            elif label in ("PERSON", "ORG"):
                clean = clean_person_name(text, word_before)
                if label == "ORG" and not self._person_like(text, clean):
                    clean = text
                else:
                    label = "PERSON"
                self.labels.append(label)
                self.texts.append(clean or text)
            else:
                self.labels.append(label)
                self.texts.append(text)
        # PERSON entities by each word of their text (for surnames and full names)
        self._person_by_word: dict[str, list[int]] = {}
        for k, text in enumerate(self.texts):
            if self.labels[k] == "PERSON":
                for word in dict.fromkeys(text.split()):
                    self._person_by_word.setdefault(word, []).append(k)
        # the fullest form of a one-word name after each entity that holds it
        self._fullest: dict[str, tuple[list[int], list[str]]] = {}
        self._only_full: dict[str, str | None] = {}
        self._outside: dict[str, list[int]] = {}  # label -> entities outside quotes
        self._noun_hits: dict[tuple[str, str], list[int]] = {}
        self._by_word: dict[str, list[int]] | None = None
        #: gender of a canonical name, learned from pronouns resolved to it
        self.learned_gender: dict[str, str] = {}
        self._honorific_gender: dict[str, str] | None = None

    @staticmethod
    def _person_like(text: str, clean: str) -> bool:
        """Is an ORG entity a person's name ("Councillor Marcus Obi", "Seoul Andrey Kulik")?

        Only when a title or place word was cut off and a first name remains first.
        """
        words = clean.split()
        if clean == _strip_possessive(text) or not 2 <= len(words) <= 4:
            return False  # no title nor place was cut off: "Morgan Stanley" stays an ORG
        if not _first_name(words[0]):
            return False
        return all(w[:1].isupper() and w.lower() not in lx.ORG_NOUNS for w in words)

    def full_name(self, text: str, label: str, before: int) -> str:
        """``Lee`` -> ``Lee In-young`` when the longer form was mentioned before ``before``.

        Titles (``Minister``), ``the`` and a possessive ``'s`` are dropped first.
        """
        text = _strip_possessive(text).lstrip("-–—―~")  # "--Councillor Rosa Lind" (byline)
        if text.lower().startswith("the "):
            text = text[4:]
        if label == "PERSON":
            words = text.split()
            while len(words) > 1 and words[0].lower().rstrip(".") in lx.TITLES:
                words = words[1:]
            text = " ".join(words)
        if label != "PERSON" or " " in text:
            return text
        starts, bests = self._fullest_forms(text)
        j = bisect_left(starts, before)
        return bests[j - 1] if j > 0 else text

    def canonical(self, text: str, label: str, at: int) -> str:
        """The full name of a mention at ``at``: its fullest earlier form, else the fullest
        form anywhere in the article (``Kulik`` -> ``Andrey Kulik`` named later)."""
        name = self.full_name(text, label, at)
        if label == "PERSON" and " " not in name:
            return self._only_full_name(name) or name
        return name

    def _only_full_name(self, word: str) -> str | None:
        """The one full name of the article holding ``word`` (the longest, when every other
        is a part of it), else None; computed once per word per article (issue 16: a
        quote-dense article repeats a surname thousands of times)."""
        if word in self._only_full:
            return self._only_full[word]
        fuller = {
            self.texts[k]
            for k in self._person_by_word.get(word, ())
            if " " in self.texts[k] and self.labels[k] == "PERSON"
        }
        # only when the article gives one full name ("Obama": Barack or Michelle?)
        longest = max(fuller, key=len, default=None)
        if longest is not None and not all(set(f.split()) <= set(longest.split()) for f in fuller):
            longest = None
        self._only_full[word] = longest
        return longest

    def _fullest_forms(self, word: str) -> tuple[list[int], list[str]]:
        """For ``word``: entity starts, and the longest form seen up to each of them.

        A form replaces the current one only when it is longer than it (possessive
        stripped), so ties keep the earlier form.
        """
        cached = self._fullest.get(word)
        if cached is None:
            ents = self.idx.ents
            starts: list[int] = []
            bests: list[str] = []
            best = word
            for k in self._person_by_word.get(word, ()):
                other = self.texts[k]
                if len(other) > len(best):
                    best = _strip_possessive(other)
                starts.append(ents[k][0])
                bests.append(best)
            cached = self._fullest[word] = (starts, bests)
        return cached

    def last_person_with(self, word: str, at: int) -> int | None:
        """The last PERSON entity starting before ``at`` whose text holds ``word``."""
        ks = self._person_by_word.get(word)
        if not ks:
            return None
        j = bisect_left(ks, bisect_left(self.idx.ent_starts, at))
        return ks[j - 1] if j > 0 else None

    def person_with(self, word: str) -> bool:
        """Does any PERSON entity of the article hold ``word``?"""
        return word in self._person_by_word

    def _matching(self, key: str, test: Callable[[int], bool]) -> list[int]:
        cached = self._outside.get(key)
        if cached is None:
            ents = self.idx.ents
            cached = [
                k for k in range(len(ents)) if not self.idx.char_in_quote(ents[k][0]) and test(k)
            ]
            self._outside[key] = cached
        return cached

    def nearest(
        self,
        at: int,
        label: str,
        noun: str | None,
        not_before: int = -1,
        ahead: bool = False,
    ) -> tuple[str | None, str | None]:
        """The nearest entity of ``label`` before ``at``; with ``noun``, one it names or follows.

        Names inside quotation marks are skipped (a speaker rarely quotes himself by name),
        and so is anything before ``not_before``. For ``ORG`` with a noun, the nearest
        organisation is the fallback. ``ahead``: when nothing before fits, the first one
        after ``at`` (``"the mayor" said ... Mayor Dana Whitfield``).
        """
        ents = self.idx.ents
        limit = bisect_left(self.idx.ent_starts, at)
        of_label = self._matching(label, lambda k: self.labels[k] == label)
        if noun is None:
            hits = of_label
        else:
            # computed once per distinct noun ("minister", "agency") in the document
            found = self._noun_hits.get((label, noun))
            if found is None:
                # only entities holding the noun or with it among the three words before
                # can name it (:meth:`_names_noun`); the word index makes this linear in
                # the entities instead of entities x distinct nouns (issue 16)
                wanted = set(of_label)
                found = [k for k in self._noun_candidates(noun) if k in wanted]
                found = [k for k in found if self._names_noun(k, noun)]
                self._noun_hits[(label, noun)] = found
            hits = found
        j = bisect_left(hits, limit)
        if j > 0 and ents[hits[j - 1]][0] >= not_before:
            k = hits[j - 1]
            return self.full_name(self.texts[k], self.labels[k], ents[k][0]), self.labels[k]
        if noun is not None and label == "ORG":
            j = bisect_left(of_label, limit)
            if j > 0 and ents[of_label[j - 1]][0] >= not_before and self.texts[of_label[j - 1]]:
                return self.texts[of_label[j - 1]], label
        if ahead and j < len(hits) and self._close_after(at, ents[hits[j]][0]):
            k = hits[j]
            return self.canonical(self.texts[k], self.labels[k], ents[k][0]), self.labels[k]
        return None, None

    def _close_after(self, at: int, start: int) -> bool:
        """Is ``start`` in the same paragraph as ``at`` and at most 250 characters on?"""
        return start - at <= 250 and "\n" not in self.idx.text[at:start]

    def _noun_candidates(self, noun: str) -> list[int]:
        """Entities (ascending indexes) whose text or three words before hold ``noun`` or
        its title abbreviation: every entity :meth:`_names_noun` can accept, from a word
        index built once per document."""
        if self._by_word is None:
            by_word: dict[str, list[int]] = {}
            text = self.idx.text
            for k, (start, _end, _label, ent_text) in enumerate(self.idx.ents):
                words = set(ent_text.lower().split())
                words.update(w.lower() for w in text[max(0, start - 40) : start].split()[-3:])
                for word in words:
                    by_word.setdefault(word, []).append(k)
            self._by_word = by_word
        found = self._by_word.get(noun, [])
        abbrev = _TITLE_ABBREVIATIONS.get(noun)
        if abbrev and abbrev in self._by_word:
            found = sorted({*found, *self._by_word[abbrev]})
        return found

    def _names_noun(self, k: int, noun: str) -> bool:
        """Entity ``k`` holds ``noun`` or follows it as a title (``Minister Lee``).

        Between the noun and the name there may be only capitalised words and, after a
        title, ``of``/``to`` (``Ambassador to Seoul``); ``a source close to X`` or
        ``a spokesman for X`` does not make X ``the source`` or ``the spokesman``.
        """
        start, _end, _label, text = self.idx.ents[k]
        if noun in text.lower().split():
            return True
        context = self.idx.text[max(0, start - 40) : start].split()[-3:]
        abbrev = _TITLE_ABBREVIATIONS.get(noun)
        lowered = [w.lower() for w in context]
        for p in range(len(lowered) - 1, -1, -1):
            if lowered[p] == noun or (abbrev and lowered[p] == abbrev):
                between = context[p + 1 :]
                return all(
                    w[:1].isupper() or (w in ("of", "to") and noun in lx.TITLES) for w in between
                )
        return False

    def honorific_gender(self, name: str) -> str | None:
        """Gender an honorific gives ``name`` anywhere in the article ("Ms. Brandt")."""
        if self._honorific_gender is None:
            found: dict[str, str] = {}
            ents = self.idx.ents
            for k, (start, _end, _label, text) in enumerate(ents):
                if self.labels[k] != "PERSON":
                    continue
                before = self.idx.text[max(0, start - 12) : start].split()[-1:]
                for word in [*before, *text.split()[:1]]:
                    g = HONORIFIC_GENDER.get(word.lower().rstrip("."))
                    if g is not None:
                        canon = self.canonical(self.texts[k], "PERSON", start)
                        found.setdefault(canon, g)
                        for part in canon.split():
                            found.setdefault(part, g)
            self._honorific_gender = found
        return self._honorific_gender.get(name)

    def gender(self, name: str) -> str:
        """``female``/``male``/``unknown`` for a canonical person name of this article.

        The analyst's gender in the project's speaker registry decides (``genders`` given
        to :func:`resolve_names`), then an honorific in the article, then a pronoun already
        resolved to the name, then the first-name list
        (:func:`annotator.core.speakers.guess_gender`).
        """
        return (
            self.registry_gender.get(name.casefold())
            or self.honorific_gender(name)
            or self.learned_gender.get(name)
            or guess_gender(name)
        )

    def _has_label(self, label: str, k: int) -> bool:
        return self.labels[k] == label

    def nearest_group(self, at: int, labels: tuple[str, ...], not_before: int = -1) -> str | None:
        """The text of the nearest organisation or group (entity labels ``labels``) named
        outside quotes before ``at`` and not before ``not_before``, or None."""
        ents = self.idx.ents
        limit = bisect_left(self.idx.ent_starts, at)
        best: int | None = None
        for label in labels:
            hits = self._matching(label, partial(self._has_label, label))
            j = bisect_left(hits, limit)
            if (
                j > 0
                and ents[hits[j - 1]][0] >= not_before
                and (best is None or hits[j - 1] > best)
            ):
                best = hits[j - 1]
        if best is None:
            return None
        return _strip_possessive(self.texts[best]).removeprefix("the ").removeprefix("The ")

    def nearest_agreeing(self, at: int, gender: str, not_before: int = -1) -> str | None:
        """The nearest person named outside quotes before ``at`` whose gender agrees.

        Looks back over at most :data:`MAX_PRONOUN_CANDIDATES` people; unknown gender
        agrees with both.
        """
        ents = self.idx.ents
        hits = self._matching("PERSON", lambda k: self.labels[k] == "PERSON")
        j = bisect_left(hits, bisect_left(self.idx.ent_starts, at))
        for step in range(j - 1, max(-1, j - 1 - MAX_PRONOUN_CANDIDATES), -1):
            k = hits[step]
            if ents[k][0] < not_before:
                break
            name = self.canonical(self.texts[k], "PERSON", ents[k][0])
            if agrees(self.gender(name), gender):
                return name
        return None


#: Longest first line that counts as the article's title.
_TITLE_MAX = 200


def _title_end(text: str) -> int:
    """Where the article's title ends: the end of its first line when more lines follow
    and that line is a headline (at most :data:`_TITLE_MAX` characters, no full stop at
    its end, as :func:`annotator.nlp.direct` reads headlines); 0 when the text has none.
    A first line that ends a sentence may be the lead naming the speakers."""
    first = text.find("\n")
    if first < 0 or not text[first:].strip():
        return 0
    line = text[:first].strip().rstrip("\"'”» ")
    if not line or len(line) > _TITLE_MAX or line.endswith("."):
        return 0
    return first


def agrees(have: str, want: str) -> bool:
    """Does a person of gender ``have`` fit a pronoun of gender ``want``?"""
    return "unknown" in (have, want) or have == want


def resolve_names(
    idx: DocIndex, records: list[QuoteRecord], genders: Mapping[str, str] | None = None
) -> list[QuoteRecord]:
    """Fill speaker_text and speaker_name: the mention, and the named speaker it refers to.

    ``genders``: canonical speaker name or alias -> ``female``/``male`` from the project's
    speaker registry (set by the analyst); it overrides the article's own gender signals
    when a pronoun is resolved (:meth:`NameIndex.gender`).
    """
    names = NameIndex(idx, genders)
    records = transcript_turns(idx, records)  # "TAPPER: ... I think ...": the label
    records = headline_quotes(idx, records)  # "Sanders: Clinton needs 'a change'"
    out = []
    last_person: str | None = None
    last_person_at = -1
    last_org: str | None = None
    last_org_at = -1
    for rec in records:
        if rec.speaker is None:
            out.append(rec)
            continue
        a, b = rec.speaker
        mention = idx.text[a:b]
        # "Kamin, who said": the noun the relative clause hangs on names the speaker
        named = _relative_antecedent(idx, rec.speaker) or rec.speaker
        named_text = idx.text[named[0] : named[1]]
        if for_someone_else(named_text):
            name, label = None, None
        else:
            name, label = _name_in(idx, names, named)
            if name is None and label is None:
                name, label = _resolve_reference(
                    names, named_text, named[0], last_person, last_org, last_person_at, last_org_at
                )
        if name is not None:
            if label == "PERSON":
                last_person, last_person_at = name, a
                pronoun = _PRONOUN_GENDER.get(mention.lower().split()[-1])
                if pronoun is not None and names.gender(name) == "unknown":
                    names.learned_gender[name] = pronoun
            elif label == "ORG":
                last_org, last_org_at = name, a
        out.append(
            QuoteRecord(
                rec.content,
                rec.speaker,
                rec.cue,
                rec.kind,
                rec.confidence,
                mention,
                name,
                rec.rule,
            )
        )
    return out


def _relative_antecedent(idx: DocIndex, span: Span) -> Span | None:
    """For a relative pronoun mention (``who`` in ``Mr. Kamin, who said``), the noun its
    clause hangs on with the names and titles before it; None for any other mention."""
    if not is_relative_source(idx, span):
        return None
    noun = idx.doc[idx.token_at(span[0])].head.head
    left = noun.i
    while (
        left - 1 >= 0
        and idx.doc[left - 1].head.i == noun.i
        and idx.doc[left - 1].dep_
        in (
            "compound",
            "det",
            "amod",
            "poss",
        )
    ):
        left -= 1
    return idx.span_of(left, noun.i)


def for_someone_else(mention: str) -> bool:
    """Does ``mention`` describe someone else's representative, not a named speaker?

    ``a spokeswoman for X``, ``an aide to X``, ``a source close to X``: a lower-case noun,
    then a preposition before a capitalised name. A title with ``of``/``to`` (``Secretary
    of State Kerry``), a name holding a preposition (``the Center for Media Justice``) and
    an apposition after a comma (``the head of the agency, John Smith``) do not count.
    Possessives (``X's lawyer``) are told by the parse in :func:`_name_in`.
    """
    words = mention.split()
    if len(words) < 3 or "," in mention:
        return False
    lowered = [w.lower() for w in words]
    for p in range(1, len(words) - 1):
        prev = words[p - 1]
        if (
            lowered[p] in _FOR_SOMEONE
            and prev[:1].islower()
            and lowered[p - 1] not in lx.TITLES
            and lowered[p - 1] not in ("to", "close")
        ):
            return any(x[:1].isupper() for x in words[p + 1 :])
    return False


def _name_in(idx: DocIndex, names: NameIndex, span: Span) -> tuple[str | None, str | None]:
    """The first named entity inside ``span``, expanded to its full name in the article."""
    a, b = span
    k = bisect_left(idx.ent_starts, a)
    found: list[tuple[int, str, str, int]] = []
    modifiers = 0
    while k < len(idx.ents) and idx.ents[k][0] < b:
        start, end, _label, _text = idx.ents[k]
        label, text = names.labels[k], names.texts[k]
        if idx.has_dep and _modifies_a_noun(idx, start, end):
            modifiers += 1  # "Victor Osei's lawyer", "Trump campaign spokesman Jason Miller"
            k += 1
            continue
        if label == "ORG" and " " not in text and names.person_with(_strip_possessive(text)):
            label = "PERSON"  # "Kulik" tagged ORG, "Andrey Kulik" a person
        if label in ("PERSON", "ORG"):
            found.append((start, label, text, end))
        k += 1
    # a PERSON first, and a capitalised one ("harbour master Iain Ross": not the role)
    for start, label, text, end in sorted(
        found, key=lambda f: (f[1] != "PERSON", f[2][:1].islower())
    ):
        if label == "PERSON":
            whole = _whole_name(idx.text, start, end, b)
            if len(whole) > end - start:  # the tagger stopped early: "Dr. Amara Obi"
                text = clean_person_name(whole)
        return names.canonical(text, label, start), label
    if modifiers:
        return None, "someone else"
    person = _first_name_run(idx.text[a:b])
    if person is not None:
        # "said nurse Helen Park", "nurse Jim Street": a first name and a surname that is
        # also a place noun, which the tagger took for a place (FAC), no PERSON
        return names.canonical(person, "PERSON", a), "PERSON"
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
            return names.full_name(" ".join(caps), "PERSON", a), "PERSON"
    return None, None


#: Words before a name that make it a place ("a nurse at Helen Park").
_NAME_PLACE_PREPS = lx.words("at in of for from near to on by")


def _first_name_run(mention: str) -> str | None:
    """The name ending ``mention`` after a lower-case role word (``nurse Helen Park``,
    ``ward sister Jim Street``): two or three capitalised words, the first one in the
    first-name list; None for anything else (``the Helen Park clinic`` does not end with
    the name, ``Mayor Park`` has no first name)."""
    words = mention.split()
    k = len(words)
    while k > 0 and words[k - 1][:1].isupper() and len(words) - k < 3:
        k -= 1
    run = words[k:]
    if not 2 <= len(run) <= 3 or k == 0 or not words[k - 1][:1].islower():
        return None
    if words[k - 1].lower() in _NAME_PLACE_PREPS:
        return None
    if not _first_name(run[0]) or not all(w.strip(".,").isalpha() for w in run):
        return None
    return " ".join(w.strip(".,") for w in run)


def _modifies_a_noun(idx: DocIndex, start: int, end: int) -> bool:
    """Is the name at characters ``start..end`` a possessive or compound of a common noun
    (``X's lawyer``, ``the Trump campaign``), by the parse?"""
    first, last = idx.token_at(start), idx.token_at(end) - 1
    for i in range(first, min(last, idx.n - 1) + 1):
        tok = idx.doc[i]
        head = tok.head
        if not first <= head.i <= last:
            return tok.dep_ in ("poss", "compound") and head.pos_ == "NOUN"
    return False


def _whole_name(text: str, start: int, end: int, limit: int) -> str:
    """A PERSON entity with the capitalised words that follow it up to ``limit``.

    The tagger sometimes stops early (``Dr. Amara Obi`` -> ``Amara``); a byline or
    speaker span that goes on in capitals still names the same person.
    """
    while end < limit:
        k = end
        while k < limit and text[k] == " ":
            k += 1
        j = k
        while j < limit and (text[j].isalpha() or text[j] in "’'-"):
            j += 1
        if k == end or j == k or not text[k].isupper():
            break
        end = j
    return text[start:end]


def _resolve_reference(
    names: NameIndex,
    mention: str,
    at: int,
    last_person: str | None,
    last_org: str | None,
    last_person_at: int = -1,
    last_org_at: int = -1,
) -> tuple[str | None, str | None]:
    """A pronoun or description ("he", "the minister") -> the nearest compatible name.

    ``he``/``she`` take the nearer of the last named speaker and the last person named
    outside quotes after it, among those whose gender agrees (:meth:`NameIndex.gender`),
    else the nearest agreeing person before; ``it``/``they`` the last organisation.
    A title noun (``the mayor``) may take the name that carries it just after.
    """
    words = mention.lower().split()
    if not words:
        return None, None
    head = words[-1]
    if head in ("he", "she", "him", "her", "i"):
        want = _PRONOUN_GENDER.get(head, "unknown")
        name = names.nearest_agreeing(at, want, last_person_at)
        if name is not None:
            return name, "PERSON"
        if last_person is not None and agrees(names.gender(last_person), want):
            return last_person, "PERSON"
        name = names.nearest_agreeing(at, want)
        return (name, "PERSON") if name is not None else (None, None)
    if head in ("it", "they", "them"):
        # organisations and groups first: the nearer of the last organisation speaker and
        # the last organisation (or, for "they", group: NORP) named outside quotes
        labels = ("ORG", "NORP") if head != "it" else ("ORG",)
        near = names.nearest_group(at, labels, not_before=last_org_at)
        if near is not None:
            return near, "ORG"
        return (last_org, "ORG") if last_org else (None, None)
    if mention[:1].isupper() and words[0] not in ("the", "a", "an", "this", "that"):
        # a name the tagger missed: "Obi" after "Councillor Marcus Obi"
        surname = _strip_possessive(mention.split()[-1])
        k = names.last_person_with(surname, at)
        if k is not None:
            start = names.idx.ents[k][0]
            return names.canonical(names.texts[k], names.labels[k], start), names.labels[k]
        if len(mention.split()) <= 4 and all(w[:1].isupper() for w in mention.split()):
            return names.canonical(mention, "PERSON", at), "PERSON"
        return None, None
    if words[0] not in ("the", "a", "an", "this", "that"):
        return None, None
    if head in lx.ORG_NOUNS:
        return names.nearest(at, "ORG", head)
    return names.nearest(at, "PERSON", head, ahead=head in lx.TITLES)
