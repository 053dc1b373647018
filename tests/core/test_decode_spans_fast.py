"""decode_spans reads what encode_spans writes without the JSON parser, and still refuses
what is not a list of integer pairs (tester17 F10: an article of 20,000 suggestions)."""

from __future__ import annotations

import pytest

from annotator.core.model import decode_spans, encode_spans


@pytest.mark.parametrize(
    "spans",
    [((0, 1),), ((10, 14), (20, 31)), ((0, 0), (5, 99999999), (7, 8)), ((123456789012, 5),)],
)
def test_round_trip(spans: tuple[tuple[int, int], ...]) -> None:
    assert decode_spans(encode_spans(spans)) == spans


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("[[-5, 99999999]]", ((-5, 99999999),)),  # read as it is; checked against the text later
        ("[[300,100]]", ((300, 100),)),
        ("[ [1, 2] ]", ((1, 2),)),
        ("", ()),
        ("[]", ()),
    ],
)
def test_other_json_spellings_still_read(text: str, want: object) -> None:
    assert decode_spans(text) == want


@pytest.mark.parametrize(
    "text", ["[[01, 2]]", "[[1, 2, 3]]", '[["1", 2]]', "[[1.5, 2]]", "[[true, 2]]", "[1, 2]", "x"]
)
def test_bad_values_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decode_spans(text)
