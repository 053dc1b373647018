"""Property tests: on any text the detector never raises and its spans are sane."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from annotator.core.model import Quote
from annotator.nlp.detect import detect_texts
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.nlp.quotemarks import find_segments, group_runs

# Text made of the pieces that matter to the rules: marks, cues, names, newlines.
PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "''",
        "'",
        "‘",
        "’",
        "«",
        "»",
        "„",
        ",",
        ".",
        ":",
        "?",
        "—",
        " ",
        "\n",
        "\n\n",
        "said",
        "says",
        "told",
        "according to",
        "she",
        "he",
        "the minister",
        "Lee In-young",
        "Smith",
        "that",
        "We will win",
        "no",
        "😀",
        "\u00a0",
        '<a b="c">',
    ]
)
TEXTS = st.one_of(
    st.lists(PIECES, max_size=40).map(" ".join),
    st.lists(PIECES, max_size=40).map("".join),
    st.text(max_size=200),
)


def check_quotes(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert q.content_spans, "a quote without content"
        spans = [*q.content_spans, *q.speaker_spans, *q.cue_spans]
        for a, b in spans:
            assert 0 <= a < b <= len(text)
        for (a1, b1), (a2, _b2) in zip(q.content_spans, q.content_spans[1:]):
            assert a1 < b1
            assert b1 <= a2, f"fragments overlap or are out of order: {q.content_spans}"
        assert q.kind in ("direct", "mixed", "indirect")
        assert q.confidence is not None and 0.0 <= q.confidence <= 1.0


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_segments_lie_inside_the_text_in_order(text: str) -> None:
    segs = find_segments(text)
    last = 0
    for seg in segs:
        assert last <= seg.start < seg.end <= len(text)
        last = seg.end
    assert sum(len(run) for run in group_runs(segs)) == len(segs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_rules_only_detector_never_raises(rules_nlp: Language, text: str) -> None:
    (quotes,) = list(detect_texts(rules_nlp, [text]))
    check_quotes(text, quotes)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(TEXTS)
def test_english_detector_never_raises(en_nlp: Language, text: str) -> None:
    (quotes,) = list(detect_texts(en_nlp, [text]))
    check_quotes(text, quotes)


def test_marks_glued_inside_words_give_ordered_fragments(en_nlp: Language) -> None:
    # found by mutating real articles: token snapping used to make fragments overlap
    text = "Center in said  the wake of her Sunday mor\"ing health crisis, so''\"urces said.\n"
    for nlp in (en_nlp, rules_only_pipeline()):
        (quotes,) = list(detect_texts(nlp, [text]))
        check_quotes(text, quotes)
