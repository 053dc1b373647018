"""Tests of annotator.nlp.propn: PROPN words of speaker mentions, tagged once per article."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.nlp.propn import SpacyPropn, load_tagger


class FakeToken:
    def __init__(self, idx: int, text: str, pos: str) -> None:
        self.idx, self.text, self.pos_ = idx, text, pos


class FakeTagger:
    """Tags capitalised words PROPN and counts how often it is run."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> list[FakeToken]:
        self.calls += 1
        out, pos = [], 0
        for word in text.split(" "):
            out.append(FakeToken(pos, word, "PROPN" if word[:1].isupper() else "NOUN"))
            pos += len(word) + 1
        return out


def test_words_starting_inside_spans_and_cache_per_article() -> None:
    tagger = FakeTagger()
    propn = SpacyPropn(tagger)
    text = "Senator Tim Kaine and aide Bob said"
    assert propn("a", text, [(0, 17)]) == {"Senator", "Tim", "Kaine"}
    # a token counts when its first character is inside the span ("Tim" starts at 8)
    assert propn("a", text, [(9, 13), (27, 28)]) == {"Kaine", "Bob"}
    assert tagger.calls == 1
    assert propn("b", text, [(0, 3)]) == {"Senator"}
    assert tagger.calls == 2
    # the same id with another text is tagged again rather than answered from the cache
    assert propn("a", "Ann said", [(0, 3)]) == {"Ann"}
    assert tagger.calls == 3


@pytest.mark.slow
def test_real_tagger_finds_names_not_titles() -> None:
    try:
        nlp: Any = load_tagger()
    except OSError:
        pytest.skip("no English spaCy pipeline installed")
    assert "parser" not in nlp.pipe_names and "ner" not in nlp.pipe_names
    text = "Republican nominee Donald Trump's campaign manager said on Monday that he agreed."
    words = SpacyPropn(nlp)("x", text, [(0, 47)])
    assert {"Donald", "Trump"} <= words
    assert "campaign" not in words and "nominee" not in words
