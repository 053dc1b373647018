"""The quote-JSONL reader's plain rows (issue 16) are exactly the rows of the Article it
reads: the fast path (no Quote objects) and the object path agree on every field."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.quote_rows import article_row, quote_of_row, quote_row
from annotator.core.text import content_hash
from annotator.io.quote_jsonl import article_from_json, article_row_from_json

TEXT = 'Dam\n\n"The water is rising," the engineer warned. Farmers said they would wait.'


def _q(**kw: Any) -> dict[str, Any]:
    return {"content_spans": [[6, 26]], **kw}


OBJECTS: list[dict[str, Any]] = [
    {"text": TEXT},
    {"text": TEXT, "title": "  ", "id": 17, "quotes": []},
    {"text": TEXT, "title": " Dam story ", "meta": {"a": [1, 2]}, "desk": "rural"},
    {"text": TEXT, "quotes": [_q()]},
    {"text": TEXT, "quotes": [_q(content_spans=[[50, 57], [6, 26]], speaker_spans=[[28, 40]])]},
    {"text": TEXT, "quotes": [_q(stance_target="   ", stance="oppose")]},
    {"text": TEXT, "quotes": [_q(stance_target=" the dam ", confidence=1, note="n")]},
    {"text": TEXT, "quotes": [_q(confidence=0.75, kind="mixed", status="rejected")]},
    {"text": TEXT, "quotes": [_q(origin="model"), _q(origin="model", annotator="al")]},
    {"text": TEXT, "quotes": [_q(speaker_name="Eve Dahl", speaker_type="person")]},
    {"text": TEXT, "quotes": [_q(speaker_gender="female", speaker_gender_guessed=False)]},
    {"text": TEXT, "quotes": [_q(row=3, tags=["x"], detector_version="v2", annotator="b")]},
    {"text": TEXT, "quotes": [_q(speaker_spans=None, cue_spans=None)]},
    {"text": TEXT.replace("\n", "\r\n"), "quotes": [_q(content_spans=[[8, 28]])]},
    {"text": "\ufeff" + TEXT, "quotes": [_q(content_spans=[[7, 27]])]},
    {"text": "Cafe\u0301\n\nIt was cafe\u0301 time.", "quotes": [_q(content_spans=[[7, 23]])]},
    {"text": "Emoji 🐟\n\nFish 🐟 jumped.", "quotes": [_q(content_spans=[[9, 22]])]},
]


@pytest.mark.parametrize("obj", OBJECTS)
def test_the_fast_row_is_the_row_of_the_article(obj: dict[str, Any]) -> None:
    article = article_from_json(obj)
    row = article_row_from_json(obj)
    assert row == article_row(article, content_hash(article.text))
    # and the rows give the quotes back (suggestions are rebuilt from them)
    assert [quote_of_row(q) for q in row[5]] == article.quotes
    assert [quote_of_row(q).extra for q in row[5]] == [q.extra for q in article.quotes]
    assert [quote_row(quote_of_row(q)) for q in row[5]] == list(row[5])


@pytest.mark.parametrize(
    "obj",
    [
        {"text": TEXT, "quotes": [_q(content_spans=[[6, 999]])]},
        {"text": TEXT, "quotes": [_q(kind="loud")]},
        {"text": TEXT, "quotes": [_q(confidence=2)]},
        {"text": TEXT, "quotes": [_q(annotator="  ")]},
        {"text": TEXT, "quotes": ["not a quote"]},
        {"text": 5},
        {"title": "no text"},
    ],
)
def test_the_fast_row_refuses_what_the_reader_refuses_with_its_message(
    obj: dict[str, Any],
) -> None:
    with pytest.raises(ValueError) as want:
        article_from_json(obj)
    with pytest.raises(ValueError) as got:
        article_row_from_json(obj)
    assert str(got.value) == str(want.value)
