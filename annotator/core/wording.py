"""Counts in messages: ``1 article``, ``2 articles``, ``1 entry``, ``3 entries``,
``100,004 articles`` (every count the user reads, written by :func:`figure`)."""

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


def figure(count: int) -> str:
    """A count as the user reads it, thousands separated by commas: ``figure(100004) ==
    "100,004"`` (one form in the window, the terminal and the reports)."""
    return f"{count:,}"


def count_noun(count: int, singular: str) -> str:
    """``count`` and the noun, agreeing: ``count_noun(1, "article") == "1 article"``,
    ``count_noun(12000, "quote") == "12,000 quotes"``."""
    return f"{figure(count)} {plural(count, singular)}"
