"""Speaker names: from the mention a quote's speaker span holds to the person it names.

A mention that contains a PERSON (or ORG) entity names it, expanded to its fullest earlier
form (``Lee`` -> ``Lee In-young``). A pronoun (``he``, ``she``) refers to the nearest
person named before it outside quotation marks, or else the last named speaker; ``it`` and
``they`` to the last named organisation; a description (``the minister``, ``the agency``)
to the nearest earlier entity it names or that follows that noun (``Minister Lee``); a
capitalised mention the tagger missed (``Obi``) to the last person whose name holds it.

Heuristic sources: the recency preference of pronoun resolution in news (the nearest
compatible antecedent, as in Hobbs-style and rule-based coreference resolvers such as
Stanford's multi-pass sieve); the title abbreviations follow AP style (``Gov.``, ``Sen.``).

Every look-up goes through :class:`NameIndex`, built once per document: word -> entities,
label -> entities outside quotation marks, so that a quote costs a binary search, not a
walk back over all earlier entities (issue 16). Results are the same as that walk's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from annotator.nlp import lexicon as lx
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span

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


class NameIndex:
    """The entities of one document, indexed for the name look-ups of the quotes.

    Entity ``k`` is ``idx.ents[k]``; lists of entity numbers are in document order.
    """

    def __init__(self, idx: DocIndex) -> None:
        self.idx = idx
        ents = idx.ents
        # PERSON entities by each word of their text (for surnames and full names)
        self._person_by_word: dict[str, list[int]] = {}
        for k, (_start, _end, label, text) in enumerate(ents):
            if label == "PERSON":
                for word in dict.fromkeys(text.split()):
                    self._person_by_word.setdefault(word, []).append(k)
        # the fullest form of a one-word name after each entity that holds it
        self._fullest: dict[str, tuple[list[int], list[str]]] = {}
        self._outside: dict[str, list[int]] = {}  # label -> entities outside quotes
        self._noun_hits: dict[tuple[str, str], list[int]] = {}

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
                start, _end, _label, other = ents[k]
                if len(other) > len(best):
                    best = _strip_possessive(other)
                starts.append(start)
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
        self, at: int, label: str, noun: str | None, not_before: int = -1
    ) -> tuple[str | None, str | None]:
        """The nearest entity of ``label`` before ``at``; with ``noun``, one it names or follows.

        Names inside quotation marks are skipped (a speaker rarely quotes himself by name),
        and so is anything before ``not_before``. For ``ORG`` with a noun, the nearest
        organisation is the fallback.
        """
        ents = self.idx.ents
        limit = bisect_left(self.idx.ent_starts, at)
        of_label = self._matching(label, lambda k: ents[k][2] == label)
        if noun is None:
            hits = of_label
        else:
            # computed once per distinct noun ("minister", "agency") in the document
            found = self._noun_hits.get((label, noun))
            if found is None:
                found = [k for k in of_label if self._names_noun(k, noun)]
                self._noun_hits[(label, noun)] = found
            hits = found
        j = bisect_left(hits, limit)
        if j > 0 and ents[hits[j - 1]][0] >= not_before:
            start, _end, lab, text = ents[hits[j - 1]]
            return self.full_name(text, lab, start), lab
        if noun is not None and label == "ORG":
            j = bisect_left(of_label, limit)
            if j > 0 and ents[of_label[j - 1]][0] >= not_before and ents[of_label[j - 1]][3]:
                return ents[of_label[j - 1]][3], label
        return None, None

    def _names_noun(self, k: int, noun: str) -> bool:
        """Entity ``k`` holds ``noun`` or follows it (``the minister`` ~ ``Minister Lee``)."""
        start, _end, _label, text = self.idx.ents[k]
        context = self.idx.text[max(0, start - 40) : start].lower().split()[-3:]
        abbrev = _TITLE_ABBREVIATIONS.get(noun)
        return noun in text.lower() or noun in context or bool(abbrev and abbrev in context)


def resolve_names(idx: DocIndex, records: list[QuoteRecord]) -> list[QuoteRecord]:
    """Fill speaker_text and speaker_name: the mention, and the named speaker it refers to."""
    names = NameIndex(idx)
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
        name, label = _name_in(idx, names, rec.speaker)
        if name is None:
            name, label = _resolve_reference(
                names, mention, a, last_person, last_org, last_person_at
            )
        if name is not None:
            if label == "PERSON":
                last_person, last_person_at = name, a
            elif label == "ORG":
                last_org = name
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


def _name_in(idx: DocIndex, names: NameIndex, span: Span) -> tuple[str | None, str | None]:
    """The first named entity inside ``span``, expanded to its fullest earlier form."""
    a, b = span
    k = bisect_left(idx.ent_starts, a)
    found: list[tuple[int, str, str]] = []
    while k < len(idx.ents) and idx.ents[k][0] < b:
        start, _end, label, text = idx.ents[k]
        if label in ("PERSON", "ORG"):
            found.append((start, label, text))
        k += 1
    # a PERSON first, and a capitalised one ("harbour master Iain Ross": not the role)
    for start, label, text in sorted(found, key=lambda f: (f[1] != "PERSON", f[2][:1].islower())):
        if label == "PERSON":
            text = _whole_name(idx.text, start, start + len(text), b)
        return names.full_name(text, label, start), label
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
) -> tuple[str | None, str | None]:
    """A pronoun or description ("he", "the minister") -> the nearest compatible name."""
    words = mention.lower().split()
    if not words:
        return None, None
    head = words[-1]
    if head in ("he", "she", "him", "her", "i"):
        # the nearer of the last named speaker and the last person named outside quotes
        name, _label = names.nearest(at, "PERSON", None, last_person_at)
        if name is not None:
            return name, "PERSON"
        return (last_person, "PERSON") if last_person is not None else (None, None)
    if head in ("it", "they"):
        return (last_org, "ORG") if last_org else (None, None)
    if mention[:1].isupper() and words[0] not in ("the", "a", "an", "this", "that"):
        # a name the tagger missed: "Obi" after "Councillor Marcus Obi"
        surname = _strip_possessive(mention.split()[-1])
        k = names.last_person_with(surname, at)
        if k is not None:
            start, _end, lab, text = names.idx.ents[k]
            return names.full_name(text, lab, start), lab
        if len(mention.split()) <= 4 and all(w[:1].isupper() for w in mention.split()):
            return names.full_name(mention, "PERSON", at), "PERSON"
        return None, None
    if words[0] not in ("the", "a", "an", "this", "that"):
        return None, None
    if head in lx.ORG_NOUNS:
        return names.nearest(at, "ORG", head)
    return names.nearest(at, "PERSON", head)
