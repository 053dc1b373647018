"""core.model.quotes_inside, the one-loop check an article runs over its quotes as it opens,
answers exactly as quote_span_problem over each quote (issue 16)."""

from __future__ import annotations

import random

import pytest

from annotator.core.model import Quote, quote_span_problem, quotes_inside


def _spans(rng: random.Random, n: int) -> tuple[tuple[int, int], ...]:
    out = []
    for _ in range(n):
        a = rng.choice((-1, 0, 3, 10, 19, 20, 21))
        b = a + rng.choice((-2, 0, 1, 5))
        out.append((a, b))
    return tuple(out)


@pytest.mark.parametrize("seed", range(6))
def test_same_answer_as_the_per_quote_check(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        length = rng.choice((0, 20, 25))
        quotes = [
            Quote(
                _spans(rng, rng.choice((0, 1, 1, 2))),
                _spans(rng, rng.choice((0, 1))),
                _spans(rng, rng.choice((0, 1))),
            )
            for _ in range(rng.randrange(0, 4))
        ]
        want = not any(quote_span_problem(q, length) for q in quotes)
        assert quotes_inside(quotes, length) is want, (quotes, length)
        assert quotes_inside(iter(quotes), length) is want


def test_each_fault_alone() -> None:
    good = Quote(((0, 5),), ((6, 8),), ((9, 12),))
    assert quotes_inside([good, good], 20)
    for bad in (
        Quote(()),
        Quote(((0, 5),), ((-1, 2),)),
        Quote(((0, 5),), (), ((12, 12),)),
        Quote(((5, 3),)),
        Quote(((0, 5),), ((6, 21),)),
    ):
        assert not quotes_inside([good, bad], 20), bad
        assert quote_span_problem(bad, 20) is not None
