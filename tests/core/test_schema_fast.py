"""The import's fast validation (issue 16) accepts exactly what the per-quote schema
accepts, and builds the same quotes; anything it refuses goes the old way for the reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from annotator.core.model import Quote
from annotator.core.schema import SchemaError, check_article, check_article_fast, check_quote
from annotator.io.quote_jsonl import article_from_json

TEXT = "The mayor said the bridge would open in May. Critics said it would not."


def _quote(**changes: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "content_spans": [[15, 44]],
        "speaker_spans": [[0, 9]],
        "cue_spans": [[10, 14]],
        "speaker_name": "The mayor",
        "kind": "indirect",
        "annotator": "ana",
        "status": "accepted",
        "origin": "manual",
        "confidence": 0.5,
    }
    q.update(changes)
    return q


GOOD_QUOTES = [
    _quote(),
    _quote(speaker_spans=None, cue_spans=[], confidence=None, kind=None, status=None),
    _quote(content_spans=[[45, 71], [15, 20]], confidence=1, stance="support"),
    _quote(confidence=0, stance_target="  the bridge ", note="checked"),
    _quote(speaker_type="person", speaker_gender="female", speaker_gender_guessed=False),
    _quote(my_field={"nested": [1, 2]}, annotator=None),
    _quote(content_spans=[[0, len(TEXT)]]),
]

BAD_QUOTES = [
    _quote(content_spans=[]),
    _quote(content_spans=[[5, 5]]),
    _quote(content_spans=[[9, 3]]),
    _quote(content_spans=[[-1, 3]]),
    _quote(content_spans=[[0, len(TEXT) + 1]]),
    _quote(speaker_spans=[[0, 500]]),
    _quote(cue_spans=[[1, 2, 3]]),
    _quote(content_spans=[[True, 3]]),
    _quote(content_spans=[[1.0, 3]]),
    _quote(content_spans=[["1", 3]]),
    _quote(confidence=1.5),
    _quote(confidence=-0.1),
    _quote(confidence=True),
    _quote(confidence="0.5"),
    _quote(annotator="   "),
    _quote(annotator=3),
    _quote(kind="quoted"),
    _quote(status="done"),
    _quote(origin="human"),
    _quote(stance_target=7),
    _quote(speaker_type="robot"),
    _quote(speaker_gender_guessed="yes"),
    _quote(speaker_name=["x"]),
    "not an object",
    ["content_spans", [[0, 3]]],
]


def _slow_ok(obj: dict[str, Any]) -> bool:
    try:
        checked = check_article(obj)
        for q in checked.quotes or []:
            check_quote(q, len(obj["text"]))
    except SchemaError:
        return False
    return True


@pytest.mark.parametrize("quote", GOOD_QUOTES)
def test_fast_path_accepts_and_builds_the_same_quote(quote: dict[str, Any]) -> None:
    obj = {"id": 4, "title": "Bridge", "text": TEXT, "quotes": [quote, _quote()], "x": 1}
    fast = check_article_fast(copy.deepcopy(obj))
    assert fast is not None and _slow_ok(obj)
    _top, checked = fast
    for c, raw in zip(checked, obj["quotes"], strict=True):
        made = Quote.from_checked(c, raw)
        old = Quote.from_json(raw, len(TEXT))
        assert made == old
        assert made.extra == old.extra and made.speaker_facts == old.speaker_facts


@pytest.mark.parametrize("quote", BAD_QUOTES)
def test_fast_path_refuses_what_the_schema_refuses(quote: Any) -> None:
    obj = {"text": TEXT, "quotes": [_quote(), quote]}
    assert check_article_fast(obj) is None
    assert not _slow_ok(obj)
    # the line's reason is the per-quote schema's, naming the quote
    with pytest.raises(SchemaError) as err:
        article_from_json(obj)
    assert "quote 2" in str(err.value) or "quotes.1" in str(err.value)


@pytest.mark.parametrize(
    "obj",
    [
        {"text": 5},
        {"title": "no text"},
        {"text": TEXT, "id": 1.5},
        {"text": TEXT, "title": ["t"]},
        {"text": TEXT, "meta": "m"},
        {"text": TEXT, "quotes": {"a": 1}},
        "a string",
    ],
)
def test_fast_path_refuses_bad_top_levels(obj: Any) -> None:
    assert check_article_fast(obj) is None
    with pytest.raises(SchemaError):
        article_from_json(obj)


def test_article_is_the_same_either_way() -> None:
    """A text NFC changes goes the per-quote way (spans are moved); both give one Article
    shape: meta keeps unknown keys, quotes in file order."""
    obj = {"id": 9, "text": TEXT, "quotes": GOOD_QUOTES, "source": "wire", "meta": {"a": 1}}
    art = article_from_json(copy.deepcopy(obj))
    assert art.ext_id == "9" and art.meta == {"a": 1, "source": "wire"}
    assert art.quotes == [Quote.from_json(q, len(TEXT)) for q in GOOD_QUOTES]
    decomposed = {**obj, "text": "Cafe\u0301 " + TEXT, "quotes": [_quote(content_spans=[[6, 10]])]}
    art2 = article_from_json(decomposed)
    assert art2.text.startswith("Caf\u00e9 The")
    assert art2.text[slice(*art2.quotes[0].content_spans[0])] == "The "
