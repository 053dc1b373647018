"""Speaker-registry rules without storage: name keys, merge suggestions, gender guesses.

Merge suggestions follow what analysts found splitting their counts (issue 11: "Lee" /
"Lee In-young", "Post" / "New York Post", "Kulik" / "Andrey Kulik"): a name whose words are
a subset of another's, the same surname within one article, and case or accent variants.
Gender guesses come from honorifics and from a first-name list (the ``gender-guesser``
package: Jörg Michael's list of about 40,000 first names by country, offline); a guess is
always marked as such until the analyst confirms it.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.model import Speaker

#: Honorifics and titles that tell a person's gender (English news usage, plus the
#: German/French forms seen in wire copy).
HONORIFIC_GENDER: dict[str, str] = {
    "mr": "male",
    "mister": "male",
    "sir": "male",
    "lord": "male",
    "king": "male",
    "prince": "male",
    "herr": "male",
    "monsieur": "male",
    "m.": "male",
    "mrs": "female",
    "ms": "female",
    "miss": "female",
    "madam": "female",
    "madame": "female",
    "mme": "female",
    "mlle": "female",
    "dame": "female",
    "lady": "female",
    "queen": "female",
    "princess": "female",
    "frau": "female",
}

#: Words that are roles or titles, never part of a person's name (for name keys).
TITLE_WORDS = frozenset(
    {
        *HONORIFIC_GENDER,
        "dr",
        "prof",
        "professor",
        "president",
        "minister",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "mayor",
        "judge",
        "councillor",
        "councilor",
        "ambassador",
        "secretary",
        "chancellor",
        "general",
        "gen",
        "col",
        "capt",
        "rev",
        "the",
    }
)

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name (``"Ángela  MERKEL"`` -> ``"angela merkel"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def name_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name without titles and honorifics (``"Mr. Lee In-young"`` ->
    ``("lee", "in-young")``)."""
    words = [w for w in _WORD.findall(fold(name))]
    return tuple(w for w in words if w.rstrip(".") not in TITLE_WORDS)


@dataclass(frozen=True)
class MergeSuggestion:
    """Merge ``other`` into ``keep`` (the fuller name), and why."""

    keep: int
    other: int
    reason: str


def merge_suggestions(
    speakers: Iterable[Speaker], articles: Mapping[int, set[int]] | None = None
) -> list[MergeSuggestion]:
    """Pairs of registry entries that are probably one speaker, most certain first.

    Args:
        speakers: the registry.
        articles: speaker id -> articles where quotes name it (for "same surname in one
            article"); None skips that rule.

    Returns:
        One suggestion per pair: case/accent variants first, then a name whose words all
        occur in exactly one longer name, then a shared surname in a shared article.
        Organisations are only paired with organisations or unknowns, people with people
        or unknowns.
    """
    entries = list(speakers)
    out: list[MergeSuggestion] = []
    seen: set[tuple[int, int]] = set()

    def add(keep: Speaker, other: Speaker, reason: str) -> None:
        pair = (min(keep.id, other.id), max(keep.id, other.id))
        if pair in seen or not _kinds_fit(keep, other):
            return
        seen.add(pair)
        out.append(MergeSuggestion(keep.id, other.id, reason))

    by_fold: dict[str, list[Speaker]] = {}
    for sp in entries:
        by_fold.setdefault(fold(sp.name), []).append(sp)
    for group in by_fold.values():
        for other in group[1:]:
            add(
                group[0],
                other,
                f"“{other.name}” differs from “{group[0].name}” only in case or accents",
            )

    tokens = {sp.id: set(name_tokens(sp.name)) for sp in entries}
    # the entries whose words strictly include an entry's, in registry order, through a
    # word -> entries index (issue 16: comparing every pair took 2.4 s for 3,000 speakers)
    by_word: dict[str, set[int]] = {}
    for i, sp in enumerate(entries):
        for word in tokens[sp.id]:
            by_word.setdefault(word, set()).add(i)

    def fuller_than(i: int) -> list[Speaker]:
        st = tokens[entries[i].id]
        common = set.intersection(*(by_word[w] for w in st))
        return [
            entries[j]
            for j in sorted(common)
            if entries[j].id != entries[i].id and st < tokens[entries[j].id]
        ]

    fuller_of = {i: fuller_than(i) for i, sp in enumerate(entries) if tokens[sp.id]}
    for i, short in enumerate(entries):
        fuller = fuller_of.get(i)
        if fuller is not None and len(fuller) == 1:
            add(fuller[0], short, f"every word of “{short.name}” is in “{fuller[0].name}”")

    if articles is not None:
        # A surname shared by several fuller names is ambiguous project-wide ("Obi": Marcus
        # Obi, Grace Obi) but not inside the one article where both are quoted.
        for i, short in enumerate(entries):
            for full in fuller_of.get(i, ()):
                if name_tokens(short.name)[-1] != name_tokens(full.name)[-1]:
                    continue
                if articles.get(short.id, set()) & articles.get(full.id, set()):
                    add(full, short, f"same surname as “{full.name}” in the same article")
    return out


def _kinds_fit(a: Speaker, b: Speaker) -> bool:
    kinds = {a.kind, b.kind} - {"unknown"}
    return len(kinds) <= 1


_DETECTOR_LOCK = threading.Lock()
#: Lines of the first-name list one :func:`warm_up_step` parses by default (about 3 ms).
WARM_UP_LINES = 250


class _FirstNames:
    """gender_guesser's first-name detector, its list parsed a slice of lines at a time
    (the library parses all of it, 0.75 s of Python, in its constructor)."""

    def __init__(self) -> None:
        self.detector: Any = None
        self.available = True
        self._lines: Iterator[str] | None = None
        #: Lines parsed so far (tests check that none is parsed twice).
        self.parsed = 0

    def _start(self) -> None:
        try:
            import gender_guesser.detector as gd  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - a dependency of the package
            self.available = False
            return

        class _Unparsed(gd.Detector):  # type: ignore[misc]
            def _parse(self, filename: str) -> None:
                self.names: dict[str, dict[str, str]] = {}
                self.source = filename

        detector = _Unparsed(case_sensitive=False)
        with open(detector.source, encoding="utf-8") as fh:
            self._lines = iter(fh.read().splitlines())
        self.detector = detector

    def read(self) -> None:
        """Import the library and read the list's lines (file reading, no parsing)."""
        if self._lines is None and self.available:
            self._start()

    def step(self, max_lines: int | None) -> bool:
        """Parse up to ``max_lines`` more lines (None: the rest); True once all are."""
        self.read()
        if self._lines is None:
            return True
        eat = self.detector._eat_name_line
        taken = 0
        for line in itertools.islice(self._lines, max_lines):
            taken += 1
            text = line.strip()
            if text:  # a blank line names nobody
                eat(text)
        self.parsed += taken
        if max_lines is None or taken < max_lines:
            self._lines = iter(())
            return True
        return False


_FIRST_NAMES = _FirstNames()


def warm_up_step(max_lines: int = WARM_UP_LINES) -> bool:
    """Parse ``max_lines`` more lines of the first-name list (a few milliseconds); True
    once it is all parsed. A window calls it from an idle timer on its own thread until it
    says True, so the first new speaker never waits 0.75 s for the whole list, and no
    thread of Python parsing competes with the window's thread for the interpreter lock
    (a pool thread doing it delayed the window by up to 0.3 s, issue 16)."""
    with _DETECTOR_LOCK:
        return _FIRST_NAMES.step(max_lines)


def warm_up_read() -> None:
    """Import the first-name library and read its list file (no parsing): the disk part of
    the warm-up, for a pool thread (reading the file on a window's thread took 0.2 s while
    the disk was busy), before the :func:`warm_up_step` calls."""
    with _DETECTOR_LOCK:
        _FIRST_NAMES.read()


def warm_up() -> None:
    """Parse what is left of the first-name list now, on this thread."""
    _first_name_detector()


def _first_name_detector() -> Any:
    # One parse, whichever thread asks first; a second caller waits for it instead of
    # parsing the list again.
    with _DETECTOR_LOCK:
        _FIRST_NAMES.step(None)
        return _FIRST_NAMES.detector


def guess_gender(name: str, role: str | None = None) -> str:
    """``female``, ``male`` or ``unknown`` for a speaker name (a guess, never a fact).

    An honorific in the name or role decides ("Ms Adeyemi", "Sir Keir"); otherwise the
    first word of the name is looked up in the first-name list, where only "female",
    "mostly_female", "male" and "mostly_male" count ("andy", "unknown" give unknown).
    """
    words = [w.rstrip(".") for w in _WORD.findall(fold(f"{role or ''} {name}"))]
    for w in words:
        if w in HONORIFIC_GENDER:
            return HONORIFIC_GENDER[w]
    first = next((w for w in name_tokens(name)), None)
    if first is None or len(first) < 2:
        return "unknown"
    detector = _first_name_detector()
    if detector is None:
        return "unknown"
    verdict = detector.get_gender(first.capitalize())
    if verdict in ("female", "mostly_female"):
        return "female"
    if verdict in ("male", "mostly_male"):
        return "male"
    return "unknown"


def _wordset(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``."""
    return frozenset(text.split())


#: Words that make a speaker name an organisation's: the head of "Unification Ministry",
#: "New York Post", "Ministry of Defence" (before "of"). Common English news usage.
ORGANISATION_HEADS = _wordset(
    """
    ministry department agency office company firm government administration campaign
    committee commission council party court police army navy military organization
    organisation association union bank board bureau institute university college school
    foundation embassy network newspaper station channel service authority parliament
    congress senate house team league club corporation corp inc ltd llc plc center centre
    coalition alliance federation group trust fund council cabinet kremlin pentagon
    post times news herald tribune journal gazette telegraph guardian press radio tv
    television magazine reuters ap afp xinhua sputnik tass yonhap bbc cnn nbc cbs abc fox
    """
)

#: Plural nouns of people that make a speaker a group ("officials", "local residents").
GROUP_HEADS = _wordset(
    """
    officials residents critics protesters protestors experts lawmakers legislators analysts
    activists democrats republicans conservatives liberals voters workers employees members
    leaders sources investors supporters opponents scientists researchers doctors nurses
    teachers parents students farmers economists authorities witnesses neighbours neighbors
    people diplomats negotiators prosecutors organisers organizers locals citizens
    shareholders executives officers soldiers campaigners environmentalists villagers
    families victims fans players others observers commentators historians
    """
)


def guess_kind(name: str, gender: str = "unknown") -> str:
    """``person``, ``organisation``, ``group`` or ``unknown`` for a speaker name (a guess).

    A gender guess (honorific or first name, :func:`guess_gender`) makes a person; a last
    word in :data:`GROUP_HEADS` a group ("local officials"); a last word, or the word before
    "of", in :data:`ORGANISATION_HEADS` an organisation ("Unification Ministry", "Ministry of
    Defence", "New York Post"); a title before a name (:data:`TITLE_WORDS`, "Councillor Obi")
    a person. Anything else stays ``unknown`` for the analyst.
    """
    words = [w.rstrip(".") for w in _WORD.findall(fold(name))]
    if not words:
        return "unknown"
    if gender in ("female", "male"):
        return "person"
    last = words[-1]
    if last in GROUP_HEADS:
        return "group"
    before_of = words[words.index("of") - 1] if "of" in words[1:] else ""
    if last in ORGANISATION_HEADS or before_of in ORGANISATION_HEADS:
        return "organisation"
    if len(words) >= 2 and words[0] in TITLE_WORDS - {"the"} and name[:1].isupper():
        return "person"
    return "unknown"
