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


def listing(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def printable(text: str) -> str:
    """``text`` with what would break a report line shown as escapes: control characters
    (a newline in a file name: ``\\n``) and the undecodable bytes of a file name
    (``os.fsdecode``'s surrogate escapes: ``\\xff``). Other text is unchanged."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte the file system name did not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def storable_name(name: str) -> str:
    """A file name as text the project can store: the bytes of ``name`` that are not UTF-8
    (surrogate escapes from ``os.fsdecode``) each become U+FFFD; a valid name is
    unchanged."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "replace")
        return raw.decode("utf-8", "replace")


def _only_escapes(name: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in name)
