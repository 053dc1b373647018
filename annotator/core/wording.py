"""Counted nouns in messages: ``1 article``, ``2 articles``, ``1 entry``, ``3 entries``."""

from __future__ import annotations

#: Plurals English does not make by adding "s" (the nouns our messages count).
_IRREGULAR = {
    "entry": "entries",
    "copy": "copies",
    "match": "matches",
    "process": "processes",
    "status": "statuses",
    "this": "these",
    "was": "were",
    "has": "have",
    "is": "are",
}


def plural(count: int, singular: str) -> str:
    """``singular`` for a count of 1 (or -1), else its plural.

    The last word of ``singular`` is inflected (``gold quote`` -> ``gold quotes``); a word
    in :data:`_IRREGULAR` takes its listed plural, any other gets an "s".
    """
    if abs(count) == 1:
        return singular
    head, _, last = singular.rpartition(" ")
    many = _IRREGULAR.get(last, last + "s")
    return f"{head} {many}" if head else many


def count_noun(count: int, singular: str) -> str:
    """``count`` and the noun, agreeing: ``count_noun(1, "article") == "1 article"``."""
    return f"{count} {plural(count, singular)}"
