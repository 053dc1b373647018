"""Normalisation and offset conversion: emoji, non-breaking space and CRLF in every case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.text import (
    TITLE_CHARS,
    Utf16Map,
    content_hash,
    normalise_text,
    normalise_with_map,
    title_and_body,
)

SAMPLE = "\ufeffHeadline \U0001f600\r\n\r\nShe said:\u00a0\u201cCafe\u0301 \U0001f44d\u201d\rEnd"


def test_normalise_crlf_bom_nfc() -> None:
    out = normalise_text(SAMPLE)
    assert out == "Headline \U0001f600\n\nShe said:\u00a0\u201cCaf\u00e9 \U0001f44d\u201d\nEnd"
    assert content_hash(SAMPLE) == content_hash(out)


def test_title_is_first_non_empty_line() -> None:
    title, body = title_and_body("\n\n  Title here \nbody")
    assert title == "Title here"
    assert body == "\n\n  Title here \nbody"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("word " * 100_000, ("word " * 39).strip() + "…"),
        ("x" * 1_000_000 + "\nbody", "x" * 199 + "…"),
        ("\n  " + "🙂" * 300, "🙂" * 199 + "…"),
        ("  short title  \n" + "y" * 500, "short title"),
        ("a" * 200, "a" * 200),
    ],
)
def test_a_title_from_a_long_first_line_is_cut(text: str, title: str) -> None:
    """A scraped page flattened to one line made a title of megabytes (issue 16)."""
    got, body = title_and_body(text)
    assert got == title and len(got) <= TITLE_CHARS
    assert body == text


def test_utf16_map_matches_qt_counting() -> None:
    text = normalise_text(SAMPLE)
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert m.to_utf16(i) == units
        assert m.from_utf16(units) == i
    # a UTF-16 offset in the middle of the emoji's surrogate pair rounds down
    emoji = text.index("\U0001f600")
    assert m.from_utf16(m.to_utf16(emoji) + 1) == emoji


def test_map_keeps_spans_on_the_same_characters() -> None:
    norm, offsets = normalise_with_map(SAMPLE)
    assert norm == normalise_text(SAMPLE)
    start = SAMPLE.index("\u201c")
    end = SAMPLE.index("\u201d") + 1
    assert norm[offsets[start] : offsets[end]] == "\u201cCaf\u00e9 \U0001f44d\u201d"


@given(st.text(alphabet=st.sampled_from("ab \r\n\u00a0\u0301e\U0001f600\ufeff")))
def test_map_is_monotone_and_consistent(text: str) -> None:
    norm, offsets = normalise_with_map(text)
    assert norm == normalise_text(text)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(norm)
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))


def _chunked_reference(text: str) -> tuple[str, list[int]]:
    """The character-by-character walk normalise_with_map used before its regex (issue 16)."""
    import unicodedata

    bom = 1 if text.startswith("\ufeff") else 0
    mapping: list[int] = [0] if bom else []
    out: list[str] = []
    pos, i, n = 0, bom, len(text)
    while i < n:
        j = i + 1
        while j < n and not text[j].isspace():
            j += 1
        chunk = text[i:j]
        if chunk == "\r" and j < n and text[j] == "\n":
            mapping.append(pos)
            i = j
            continue
        if chunk.startswith("\r"):
            chunk = "\n" + chunk[1:]
        norm = unicodedata.normalize("NFC", chunk)
        if norm == chunk:
            mapping.extend(range(pos, pos + len(chunk)))
        else:
            mapping.extend(
                pos + len(unicodedata.normalize("NFC", chunk[:k])) for k in range(len(chunk))
            )
        out.append(norm)
        pos += len(norm)
        i = j
    mapping.append(pos)
    return "".join(out), mapping


_PIECES = ["a", " ", "\r", "\n", "\r\n", "e\u0301", "\u0301", "\u2028", "\u00a0", "\u3000"]
_PIECES += ["\x1c", "\u0085", "\t", "\ufeff", "A\u030a", "\U0001f600", "\u1100\u1161"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_map_of_non_nfc_text_is_the_per_character_walk(text: str) -> None:
    text = "e\u0301" + text  # never NFC: the chunked path
    norm, offsets = normalise_with_map(text)
    ref_norm, ref_offsets = _chunked_reference(text)
    assert norm == ref_norm and list(offsets) == ref_offsets
