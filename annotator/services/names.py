"""Person and organisation names of an article from a spaCy pipeline, for speaker completion.

Pure functions over a callable ``text -> Doc``; no Qt and no spaCy import, so the window's
worker can hand in whatever pipeline is loaded and tests can hand in a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: Entity labels worth offering as a canonical speaker (OntoNotes labels of en_core_web_*).
SPEAKER_LABELS: tuple[str, ...] = ("PERSON", "ORG")
#: Pipes that set or feed ``doc.ents``; the rest (tagger, parser, the quote detector…) is
#: skipped when parsing only for names, which makes the parse several times cheaper.
ENTITY_PIPES: frozenset[str] = frozenset(
    {"tok2vec", "transformer", "ner", "entity_ruler", "span_ruler"}
)
# Leading words that spaCy's small English models often keep inside a PERSON/ORG span.
_LEADING = frozenset({"the", "a", "an", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."})


def clean_name(text: str) -> str:
    """An entity's text as a name: one line, no leading article or title, no possessive."""
    words = text.split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    name = " ".join(words)
    for tail in ("'s", "’s"):
        if name.endswith(tail):
            name = name[: -len(tail)]
    return name.strip(" \t,.;:\"'“”‘’()")


def entity_names(
    text: str, nlp: Callable[[str], Any], labels: Iterable[str] = SPEAKER_LABELS
) -> list[str]:
    """PERSON and ORG names in ``text``, in order of first mention, without duplicates.

    Args:
        text: the article text.
        nlp: a callable returning a spaCy ``Doc`` (anything with ``.ents`` of spans that
            have ``label_`` and ``text``).
        labels: the entity labels to keep.
    """
    wanted = set(labels)
    seen: dict[str, None] = {}
    for ent in nlp(text).ents:
        if ent.label_ not in wanted:
            continue
        name = clean_name(ent.text)
        if len(name) > 1 and any(c.isupper() for c in name):
            seen.setdefault(name, None)
    return list(seen)


def has_entities(nlp: Any) -> bool:
    """True when the pipeline has a component that recognises entities."""
    names = set(getattr(nlp, "pipe_names", ()))
    return bool(names & (ENTITY_PIPES - {"tok2vec", "transformer"}))


def entities_only(nlp: Any) -> Callable[[str], Any]:
    """A ``text -> Doc`` callable that runs only the pipes ``doc.ents`` needs.

    Uses ``nlp(text, disable=...)`` per call rather than ``select_pipes``, which would change
    the shared pipeline under a detection running on another thread.
    """
    skip = [name for name in getattr(nlp, "pipe_names", ()) if name not in ENTITY_PIPES]

    def parse(text: str) -> Any:
        return nlp(text, disable=skip)

    return parse
