"""Speaker-name look-ups through the per-document NameIndex give what a walk back gives.

The reference functions below walk back over all earlier entities for every query (the
detector's rule as first written, quadratic on long articles); the index answers with a
binary search. Documents are built word by word with entities set by hand, so the test
needs no model and every case is known.
"""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from annotator.nlp import lexicon as lx
from annotator.nlp.docindex import DocIndex
from annotator.nlp.quotemarks import find_segments
from annotator.nlp.speaker_names import NameIndex

WORDS = ["Lee", "In-young", "Obi", "Marcus", "Minister", "Agency", "the", "said", "minister"]
WORDS += ["Lee's", '"', "agency", "Gov.", "Ruiz", "Ana", ".", "and"]
LABELS = ["PERSON", "PERSON", "ORG", "GPE"]


VOCAB = Vocab()


def _doc(words: list[str], ents: list[tuple[int, int, str]]) -> DocIndex:
    doc = Doc(VOCAB, words=words)
    spans, last = [], 0
    for start, length, label in sorted(ents):
        if start >= last and start + length <= len(words):
            spans.append(Span(doc, start, start + length, label=label))
            last = start + length
    doc.ents = spans
    return DocIndex(doc, find_segments(doc.text), use_parse=True)


def _walk_full_name(idx: DocIndex, text: str, before: int) -> str:
    names = NameIndex(idx)  # entity labels and texts as names (titles, places cut off)
    best = text
    for k, (start, _end, _lab, _text) in enumerate(idx.ents):
        lab, other = names.labels[k], names.texts[k]
        if start >= before:
            break
        if lab == "PERSON" and len(other) > len(best) and text in other.split():
            best = other.removesuffix("'s").removesuffix("’s")
    return best


def _walk_nearest(
    idx: DocIndex, at: int, label: str, noun: str | None, not_before: int
) -> tuple[str | None, str | None]:
    names = NameIndex(idx)
    k = bisect_left(idx.ent_starts, at) - 1
    fallback = None
    while k >= 0:
        start = idx.ents[k][0]
        lab, text = names.labels[k], names.texts[k]
        if start < not_before:
            break
        if idx.char_in_quote(start):
            k -= 1
            continue
        if lab == label:
            if noun is None or names._names_noun(k, noun):
                return names.full_name(text, lab, start), lab
            if fallback is None and label == "ORG":
                fallback = text
        k -= 1
    return (fallback, label) if fallback else (None, None)


def _walk_last_person_with(idx: DocIndex, word: str, at: int) -> int | None:
    names = NameIndex(idx)
    k = bisect_left(idx.ent_starts, at) - 1
    while k >= 0:
        if names.labels[k] == "PERSON" and word in names.texts[k].split():
            return k
        k -= 1
    return None


DOCS = st.tuples(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=60),
    st.lists(
        st.tuples(st.integers(0, 59), st.integers(1, 3), st.sampled_from(LABELS)), max_size=15
    ),
)


@settings(max_examples=200, deadline=None)
@given(DOCS, st.data())
def test_index_answers_as_the_walk_back(doc_spec: tuple, data: st.DataObject) -> None:
    idx = _doc(*doc_spec)
    names = NameIndex(idx)
    n = len(idx.text)
    for _ in range(5):
        at = data.draw(st.integers(0, n + 1))
        not_before = data.draw(st.integers(-1, n))
        word = data.draw(st.sampled_from(WORDS))
        noun = data.draw(st.sampled_from([None, "minister", "agency", "governor", "lee"]))
        label = data.draw(st.sampled_from(["PERSON", "ORG"]))
        assert names.nearest(at, label, noun, not_before) == _walk_nearest(
            idx, at, label, noun, not_before
        )
        assert names.last_person_with(word, at) == _walk_last_person_with(idx, word, at)
        if word.lower().rstrip(".") not in lx.TITLES:
            bare = word.removesuffix("'s")  # full_name drops the possessive first
            assert names.full_name(word, "PERSON", at) == _walk_full_name(idx, bare, at)


def test_fullest_earlier_form_and_ties_keep_the_first() -> None:
    words = ["Lee", "Jun", "met", "Lee", "Kim", ".", "Lee", "Minho's", "aide", "."]
    words += ["Lee", "Jun-ho", "left"]
    idx = _doc(words, [(0, 2, "PERSON"), (3, 2, "PERSON"), (6, 2, "PERSON"), (10, 2, "PERSON")])
    names = NameIndex(idx)
    starts = [e[0] for e in idx.ents]
    assert [e[3] for e in idx.ents] == ["Lee Jun", "Lee Kim", "Lee Minho's", "Lee Jun-ho"]
    assert names.full_name("Lee", "PERSON", starts[0]) == "Lee"  # nothing before it
    assert names.full_name("Lee", "PERSON", starts[2]) == "Lee Jun"  # a tie keeps the first
    assert names.full_name("Lee", "PERSON", starts[3]) == "Lee Minho"  # possessive dropped
    # longer than "Lee Minho" once its possessive is gone
    assert names.full_name("Lee", "PERSON", len(idx.text)) == "Lee Jun-ho"
    assert names.full_name("Minister Lee's", "PERSON", starts[1]) == "Lee Jun"
    assert names.full_name("Kim", "PERSON", len(idx.text)) == "Lee Kim"


def test_descriptions_skip_names_inside_quotation_marks() -> None:
    words = ["Minister", "Ana", "Ruiz", "spoke", ".", '"', "Minister", "Obi", "lied", '"', "."]
    words += ["the", "minister", "said"]
    idx = _doc(words, [(1, 2, "PERSON"), (7, 1, "PERSON")])
    names = NameIndex(idx)
    at = idx.text.index("the minister")
    assert names.nearest(at, "PERSON", "minister") == ("Ana Ruiz", "PERSON")
    assert names.nearest(at, "PERSON", None) == ("Ana Ruiz", "PERSON")
    assert names.nearest(at, "PERSON", None, not_before=idx.ents[1][0]) == (None, None)
