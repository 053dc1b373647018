"""The text as the article view's document holds it (issue 16): paragraphs too long for Qt
to lay out at once are cut into blocks, at a sentence end's space (positions unchanged) or,
in a run with no space, by a separator put in (positions after it move by one).

Checked against the document a QTextCursor would build from ``display`` (UTF-16 units,
one position per block separator), recomputed here from the strings, not from the map."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.text import BLOCK_CHARS, RUN_CHARS, Utf16Map, ViewText

SEP = "\u2029"
BREAKS = "\n\r\u2029\ufdd0\ufdd1"


def _units(s: str) -> list[str]:
    """``s`` as Qt holds it: one entry per UTF-16 unit (an astral character's second unit
    is an empty string)."""
    out: list[str] = []
    for ch in s:
        out.append(ch)
        if ord(ch) > 0xFFFF:
            out.append("")
    return out


def _blocks(display: str) -> list[str]:
    """The blocks a QTextCursor.insertText of ``display`` makes (code points)."""
    out, cur = [], []
    for ch in display:
        if ch in BREAKS:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    return [*out, "".join(cur)]


def _check(text: str, block_chars: int = BLOCK_CHARS, run_chars: int = RUN_CHARS) -> ViewText:
    v = ViewText(text, block_chars, run_chars)
    units = _units(v.display)
    # the stored text comes back: spaces cut put back, separators put in taken out
    back = list(v.display)
    k = 0
    rebuilt = []
    ins = set(v.inserted)
    rep = set(v.replaced)
    for i, ch in enumerate(text):
        if i in ins:
            assert back[k] == SEP
            k += 1
        if i in rep:
            assert ch in " \t\u3000" and back[k] == SEP
            rebuilt.append(ch)
        else:
            rebuilt.append(back[k] if back[k] != SEP or ch == SEP else ch)
        k += 1
    assert k == len(back)
    assert "".join(rebuilt) == text
    # every character sits where to_view says, and comes back from there
    for i, ch in enumerate(text):
        p = v.to_view(i)
        assert units[p] == (SEP if i in rep or ch == "\r" else ch)
        assert v.from_view(p) == i
        if i in ins:  # the separator's own position belongs to the character after it
            assert units[p - 1] == SEP and v.from_view(p - 1) == i
    assert v.to_view(len(text)) == len(units)
    assert v.from_view(len(units)) == len(text)
    # blocks: where Qt starts them, none longer than block_chars
    starts = [0] + [p + 1 for p, u in enumerate(units) if u and u in BREAKS]
    assert v.block_starts16 == starts
    assert v.block_starts == [0] + [i + 1 for i, ch in enumerate(v.display) if ch in BREAKS]
    assert v.block_count == len(_blocks(v.display))
    assert all(len(b) <= block_chars for b in _blocks(v.display))
    # the separators the view made, as indices of ``display``: one per cut
    assert len(v.soft_breaks) == len(v.replaced) + len(v.inserted)
    assert all(v.display[i] == SEP for i in v.soft_breaks)
    made = [i for i in v.soft_breaks if i >= 0]
    own = [i for i, ch in enumerate(v.display) if ch == SEP and i not in set(made)]
    assert len(own) == text.count(SEP) + text.count("\r")
    return v


def test_short_paragraphs_are_shown_as_they_are() -> None:
    text = "Headline 🙂\n\nShe said:\u00a0“Café 👍” at noon.\nEnd"
    v = _check(text)
    assert v.display == text and not v.replaced and not v.inserted
    assert v.block_count == 4
    m = Utf16Map(text)
    assert [v.to_view(i) for i in range(len(text) + 1)] == [
        m.to_utf16(i) for i in range(len(text) + 1)
    ]


@pytest.mark.parametrize("n", [3001, 20_000, 250_000])
def test_flat_sentences_are_cut_at_sentence_ends_keeping_positions(n: int) -> None:
    text = ("Lorem ipsum dolor sit amet. " * (n // 28 + 1))[:n]
    v = _check(text) if n < 100_000 else ViewText(text)
    assert v.replaced and not v.inserted
    assert all(text[c - 1] == "." for c in v.replaced)  # after the full stop
    assert len(v.display) == len(text)  # one position each: nothing moves
    assert max(len(b) for b in _blocks(v.display)) <= BLOCK_CHARS
    assert v.display.replace(SEP, " ") == text


def test_flat_text_without_sentence_ends_is_cut_at_spaces() -> None:
    text = ("word " * 3000).strip()
    v = _check(text)
    assert v.replaced and not v.inserted
    assert all(text[c] == " " for c in v.replaced)


@pytest.mark.parametrize(
    "unit",
    [
        "Loremipsumdolorsitamet",  # one word: separators put in
        "Lorem🙂ipsum\U0001f44d\U0001f3fddolor\u00a0sit",  # emoji, a skin tone, a NBSP
        "我们今天讨论一下这个问题。",  # CJK: after the full stop
        "e\u0301\u0301a\u200d",  # combining marks and a joiner never start a block
    ],
)
def test_runs_without_a_space_get_separators_put_in(unit: str) -> None:
    text = (unit * (12_000 // len(unit) + 1))[:12_000]
    v = _check(text)
    assert v.inserted and not v.replaced
    assert all(len(b) <= RUN_CHARS for b in _blocks(v.display)[:-1])
    for c in v.inserted:
        assert text[c] not in "\u0301\u200d" and text[c - 1] != "\u200d"
        assert not "\U0001f3fb" <= text[c] <= "\U0001f3ff"
    if "。" in unit:
        assert all(text[c - 1] == "。" for c in v.inserted)


def test_long_paragraph_among_short_ones_is_the_only_one_cut() -> None:
    long = "A sentence of the long paragraph goes on. " * 200
    text = f"Short one.\n\n{long.strip()}\nShort two 🙂.\n" + "x" * 7000
    v = _check(text)
    cut_at = sorted(v.replaced + v.inserted)
    assert all(13 < c < 13 + len(long) for c in v.replaced)
    assert len(v.inserted) >= (7000 - BLOCK_CHARS) // RUN_CHARS
    assert all(c > text.index("two") for c in v.inserted)
    assert len(cut_at) >= 2


def test_breaks_qt_makes_of_stored_characters_are_blocks_too() -> None:
    # a paragraph separator or a CR in the stored text is a block in Qt: the map knows it
    text = "One\u2029two\rthree\ufdd0four"
    v = _check(text)
    assert v.block_count == 4 and v.block_starts16 == [0, 4, 8, 14]


@pytest.mark.parametrize("text", ["a\rb", "One\rtwo\rthree", "x" * 50 + "\r" + "y" * 50])
def test_a_carriage_return_in_an_ascii_text_is_a_block_too(text: str) -> None:
    """\r is ASCII: an ASCII text holding one still gets its block (review21 R9)."""
    v = _check(text)
    assert v.block_count == text.count("\r") + 1


@pytest.mark.parametrize(("block", "run"), [(1, 1), (10, 1), (10, 11)])
def test_block_and_run_chars_must_leave_room(block: int, run: int) -> None:
    with pytest.raises(ValueError):
        ViewText("abc", block, run)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .。\n\u00a0\u0301\u200d🙂\U0001f3fd\u2029"), max_size=80),
    st.integers(2, 12),
    st.integers(2, 12),
)
def test_map_holds_for_any_text(text: str, block_chars: int, run_chars: int) -> None:
    _check(text, max(block_chars, run_chars), min(block_chars, run_chars))


_PIECES = ["ab", " ", ". ", "\n", "🙂", "é", "\u0301", "。", "\u200d", "\t", "x" * 40, "y" * 90]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=300),
    st.lists(st.integers(1, 120), min_size=1, max_size=40),
)
def test_a_lazy_map_cut_in_steps_is_the_map_cut_at_once(
    pieces: list[str], steps: list[int]
) -> None:
    # the article view cuts a long text as its fill goes on (issue 16): every step must
    # give the blocks and offsets the text cut at once gives, whatever the steps' sizes
    text = "".join(pieces)
    whole = ViewText(text, 60, 20)
    lazy = ViewText(text, 60, 20, lazy=True)
    k = done = 0
    while not lazy.complete:
        lazy.extend(lazy.built + steps[k % len(steps)])
        k += 1
        n = len(lazy.block_starts16)
        assert lazy.block_starts16[-1] == whole.block_starts16[n - 1]
        # offsets up to the part cut so far are exact without cutting more
        built = lazy.built
        for off in range(done, built + 1):
            assert lazy.to_view(off) == whole.to_view(off)
        assert lazy.built == built
        end = lazy.block_starts[-1]
        start = lazy.block_starts[max(0, n - 3)]
        assert lazy.display_slice(start, end) == whole.display[start:end]
        done = built
    assert lazy.block_starts16 == whole.block_starts16
    assert lazy.block_starts == whole.block_starts
    assert lazy.display == whole.display
    assert (lazy.replaced, lazy.inserted) == (whole.replaced, whole.inserted)
    assert lazy.soft_breaks == whole.soft_breaks
    for pos in range(whole.to_view(len(text)) + 1):
        assert lazy.from_view(pos) == whole.from_view(pos)


def test_a_lazy_map_of_a_long_line_cuts_no_more_than_asked() -> None:
    text = "word " * 200_000  # one line of a million characters
    lazy = ViewText(text, lazy=True)
    lazy.extend(50_000)
    assert 50_000 <= lazy.built < 50_000 + BLOCK_CHARS and not lazy.complete
    assert lazy.to_view(40_000) == 40_000
    lazy.extend_blocks(lazy.block_count + 3)
    assert not lazy.complete
    assert lazy.view_end(3) == ViewText(text).view_end(3)
