"""Issue 16: the agreement's pair loops skip quotes whose bounds are apart and its word
sets are made per run of word characters; the figures must be those of comparing every
pair and every character, on quotes that touch, nest, split into fragments and tie."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.agreement import _words_touching, cluster_quotes
from annotator.core.model import Quote
from annotator.core.scoring import char_set, overlap_matching, word_char_set

TEXT = (
    "“Rates stay put,” said Ana Pérez, 52.\u00a0Then: ‘no 😀 comment’ — "
    "the board’s view, per O’Neill, was “unclear” — and markets fell 3% on it.\n"
) * 3


def _naive_word_chars(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(
        i for a, b in spans for i in range(a, min(b, len(text))) if re.match(r"\w", text[i])
    )


def _naive_clusters(versions: dict[str, list[Quote]]) -> list[dict[str, int]]:
    nodes = [(name, k) for name in sorted(versions) for k in range(len(versions[name]))]
    sets = {n: char_set(versions[n[0]][n[1]].content_spans) for n in nodes}
    edges = []
    for x, a in enumerate(nodes):
        for b in nodes[x + 1 :]:
            if a[0] != b[0] and sets[a] & sets[b]:
                edges.append((len(sets[a] & sets[b]), a, b))
    edges.sort(key=lambda e: -e[0])
    group = {n: {n[0]: n[1]} for n in nodes}
    for _, a, b in edges:
        ga, gb = group[a], group[b]
        if ga is gb or set(ga) & set(gb):
            continue
        ga.update(gb)
        for name, k in gb.items():
            group[(name, k)] = ga
    unique = {id(g): g for g in group.values()}.values()
    return sorted(
        unique,
        key=lambda g: min((versions[n][k].start, versions[n][k].end) for n, k in g.items()),
    )


def _random_spans(rng: random.Random) -> tuple[tuple[int, int], ...]:
    n = len(TEXT)
    out = []
    start = rng.randrange(0, n - 2)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if start >= n - 1:
            break
        end = min(n, start + rng.randrange(1, 40))
        out.append((start, end))
        start = end + rng.randrange(0, 15)
    return tuple(out)


@pytest.mark.parametrize("seed", range(12))
def test_word_chars_are_those_of_every_character(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        spans = list(_random_spans(rng))
        assert word_char_set(TEXT, spans) == _naive_word_chars(TEXT, spans)
    # a span running past the end of the text, an empty span, no span
    assert word_char_set(TEXT, [(len(TEXT) - 5, len(TEXT) + 9)]) == _naive_word_chars(
        TEXT, [(len(TEXT) - 5, len(TEXT) + 9)]
    )
    assert word_char_set(TEXT, [(4, 4)]) == frozenset() == word_char_set(TEXT, [])


@pytest.mark.parametrize("seed", range(12))
def test_clusters_and_matching_are_those_of_every_pair(seed: int) -> None:
    rng = random.Random(100 + seed)
    names = ["ann", "bob", "cy", "dee"][: rng.choice((2, 3, 4))]
    versions = {
        name: sorted(
            (
                Quote(content_spans=_random_spans(rng), annotator=name, kind="direct")
                for _ in range(rng.randrange(0, 14))
            ),
            key=lambda q: (q.start, q.end),
        )
        for name in names
    }
    # ties: the same quote twice for two annotators, and quotes sharing a start
    if versions[names[0]]:
        versions[names[1]].append(versions[names[0]][0])
    assert cluster_quotes(versions) == _naive_clusters(versions)
    a, b = versions[names[0]], versions[names[1]]
    naive = []
    for i, qa in enumerate(a):
        for j, qb in enumerate(b):
            n = len(char_set(qa.content_spans) & char_set(qb.content_spans))
            if n:
                naive.append((float(n), i, j))
    order = sorted(range(len(naive)), key=lambda k: -naive[k][0])
    expected: dict[int, int] = {}
    used: set[int] = set()
    for k in order:
        _, i, j = naive[k]
        if i not in expected and j not in used:
            expected[i] = j
            used.add(j)
    assert overlap_matching([q.content_spans for q in a], [q.content_spans for q in b]) == expected


def test_equal_overlaps_join_in_list_order_not_text_order() -> None:
    """Two of bob's quotes overlap ann's by as much: the one earlier in bob's list joins
    (the tie order of comparing every pair), even when it starts later in the text."""

    def q(a: int, b: int, who: str) -> Quote:
        return Quote(content_spans=((a, b),), annotator=who, kind="direct")

    versions = {"ann": [q(10, 30, "ann")], "bob": [q(20, 40, "bob"), q(0, 20, "bob")]}
    assert cluster_quotes(versions) == [{"bob": 1}, {"ann": 0, "bob": 0}]
    assert cluster_quotes(versions) == _naive_clusters(versions)


@given(
    text=st.text(alphabet="ab é_1 .\n🙂", max_size=60),
    chars=st.sets(st.integers(min_value=0, max_value=59), max_size=12),
)
def test_words_touching_reads_only_the_span_and_counts_as_over_the_whole_text(
    text: str, chars: set[int]
) -> None:
    """Issue 16: the count read every word of the text (1.1 s at 10 MB); now only from
    the first to the last character given, with the same count."""
    chars = {i for i in chars if i < len(text)}
    whole = sum(
        1 for m in re.finditer(r"\w+", text) if any(i in chars for i in range(m.start(), m.end()))
    )
    assert _words_touching(text, chars) == whole
