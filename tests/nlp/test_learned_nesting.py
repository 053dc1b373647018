"""Learned quotes cut at the reports with a source of their own that they hold
(annotator.nlp.nesting.split_inner_reports, called by annotator.nlp.learned.merge_learned),
and learned quotes of weak shapes kept as hidden suggestions."""

from __future__ import annotations

from spacy.tokens import Doc

from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.nlp.docindex import DocIndex, QuoteRecord
from annotator.nlp.learned import merge_learned
from annotator.nlp.nesting import split_inner_reports
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.nlp.quotemarks import find_segments

CUES = frozenset({"say", "note", "doubt", "charge", "show", "hope"})


def _doc(rows: list[tuple[str, int, str, str, str]]) -> Doc:
    """A Doc parsed by hand: one (word, head, dep, pos, lemma) per token."""
    words, heads, deps, pos, lemmas = (list(col) for col in zip(*rows))
    return Doc(
        rules_only_pipeline().vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=lemmas,
        sent_starts=[True] + [False] * (len(words) - 1),
    )


def _index(doc: Doc) -> DocIndex:
    return DocIndex(doc, find_segments(doc.text), True, doc.text)


def _span(text: str, words: str) -> tuple[int, int]:
    a = text.index(words)
    return a, a + len(words)


def _split(doc: Doc, frag: str, speaker: str, cue: str) -> list[tuple[str, str, str]]:
    """(content, speaker, cue) of the records ``split_inner_reports`` makes of a learned
    quote of content ``frag``, speaker ``speaker`` and cue ``cue``."""
    text = doc.text
    rec = QuoteRecord(
        (_span(text, frag),),
        _span(text, speaker),
        _span(text, cue),
        "indirect",
        0.8,
        rule="learned",
    )
    out = split_inner_reports(_index(doc), rec, lambda tok: tok.lemma_ in CUES)
    assert all(r.confidence == 0.8 and r.rule == "learned" for r in out)
    return [
        (
            " ".join(text[a:b] for a, b in r.content),
            text[slice(*r.speaker)] if r.speaker else "",
            text[slice(*r.cue)] if r.cue else "",
        )
        for r in out
    ]


def _noted_then_said(inner_subject: list[str]) -> Doc:
    """``The mayor noted that taxes rose sharply , SUBJECT said families file suits .``:
    ``noted`` an adverbial clause of ``said``, the sentence's root."""
    n = len(inner_subject)
    said = 8 + n
    rows = [
        ("The", 1, "det", "DET", "the"),
        ("mayor", 2, "nsubj", "NOUN", "mayor"),
        ("noted", said, "advcl", "VERB", "note"),
        ("that", 5, "mark", "SCONJ", "that"),
        ("taxes", 5, "nsubj", "NOUN", "tax"),
        ("rose", 2, "ccomp", "VERB", "rise"),
        ("sharply", 5, "advmod", "ADV", "sharply"),
        (",", said, "punct", "PUNCT", ","),
    ]
    for k, word in enumerate(inner_subject):
        last = k == n - 1
        pos = "PRON" if word in ("he", "she") else ("NOUN" if last else "DET")
        rows.append((word, said if last else 7 + n, "nsubj" if last else "det", pos, word))
    rows += [
        ("said", said, "ROOT", "VERB", "say"),
        ("families", said + 2, "nsubj", "NOUN", "family"),
        ("file", said, "ccomp", "VERB", "file"),
        ("suits", said + 2, "dobj", "NOUN", "suit"),
        (".", said, "punct", "PUNCT", "."),
    ]
    return _doc(rows)


def test_a_second_clause_with_its_own_source_is_a_quote_of_its_own() -> None:
    doc = _noted_then_said(["the", "clerk"])
    frag = "that taxes rose sharply , the clerk said families file suits"
    assert _split(doc, frag, "The mayor", "noted") == [
        ("that taxes rose sharply", "The mayor", "noted"),
        ("families file suits", "the clerk", "said"),
    ]
    # a pronoun source of a clause of its own is split off the same way
    doc = _noted_then_said(["he"])
    frag = "that taxes rose sharply , he said families file suits"
    assert _split(doc, frag, "The mayor", "noted") == [
        ("that taxes rose sharply", "The mayor", "noted"),
        ("families file suits", "he", "said"),
    ]


def test_merge_learned_splits_the_fragment_it_makes_a_quote_of() -> None:
    doc = _noted_then_said(["the", "clerk"])
    text = doc.text
    a, b = _span(text, "that taxes rose sharply , the clerk said families file suits")
    out = merge_learned(_index(doc), [(a, b, 0.9)], [])
    got = [(text[r.start : r.end], text[slice(*r.speaker)] if r.speaker else None) for r in out]
    assert got == [
        ("that taxes rose sharply", "The mayor"),
        ("families file suits", "the clerk"),
    ]
    assert [r.confidence for r in out] == [0.9, 0.9]
    assert [r.rule for r in out] == ["learned", "learned"]


def _said_but(inner: str, inner_pos: str) -> Doc:
    """``Officials said costs rose sharply , but INNER doubt the figures hold .``"""
    return _doc(
        [
            ("Officials", 1, "nsubj", "NOUN", "official"),
            ("said", 1, "ROOT", "VERB", "say"),
            ("costs", 3, "nsubj", "NOUN", "cost"),
            ("rose", 1, "ccomp", "VERB", "rise"),
            ("sharply", 3, "advmod", "ADV", "sharply"),
            (",", 3, "punct", "PUNCT", ","),
            ("but", 3, "cc", "CCONJ", "but"),
            (inner, 8, "nsubj", inner_pos, inner.lower()),
            ("doubt", 3, "conj", "VERB", "doubt"),
            ("the", 10, "det", "DET", "the"),
            ("figures", 11, "nsubj", "NOUN", "figure"),
            ("hold", 8, "ccomp", "VERB", "hold"),
            (".", 1, "punct", "PUNCT", "."),
        ]
    )


def test_a_report_joined_by_but_is_cut_off_whatever_its_source() -> None:
    for inner, pos in (("we", "PRON"), ("economists", "NOUN")):
        doc = _said_but(inner, pos)
        frag = f"costs rose sharply , but {inner} doubt the figures hold"
        assert _split(doc, frag, "Officials", "said") == [
            ("costs rose sharply", "Officials", "said"),
            ("the figures hold", inner, "doubt"),
        ]


def test_a_fragment_beginning_with_its_own_named_source_is_that_source_s() -> None:
    # "Ms. Gil said the council hopes its plan works": the fragment took the second
    # source and cue in; nothing is left of the first report
    doc = _doc(
        [
            ("Gil", 1, "nsubj", "PROPN", "gil"),
            ("said", 1, "ROOT", "VERB", "say"),
            ("the", 3, "det", "DET", "the"),
            ("council", 4, "nsubj", "NOUN", "council"),
            ("hopes", 1, "ccomp", "VERB", "hope"),
            ("its", 6, "poss", "PRON", "its"),
            ("plan", 7, "nsubj", "NOUN", "plan"),
            ("works", 4, "ccomp", "VERB", "work"),
            (".", 1, "punct", "PUNCT", "."),
        ]
    )
    assert _split(doc, "the council hopes its plan works", "Gil", "said") == [
        ("its plan works", "the council", "hopes"),
    ]


def test_nested_reports_of_the_same_source_or_complements_stay_one_quote() -> None:
    # "The mayor noted that she doubts the figures hold": "she" is most often the mayor
    doc = _doc(
        [
            ("The", 1, "det", "DET", "the"),
            ("mayor", 2, "nsubj", "NOUN", "mayor"),
            ("noted", 2, "ROOT", "VERB", "note"),
            ("that", 5, "mark", "SCONJ", "that"),
            ("she", 5, "nsubj", "PRON", "she"),
            ("doubts", 2, "ccomp", "VERB", "doubt"),
            ("the", 7, "det", "DET", "the"),
            ("figures", 8, "nsubj", "NOUN", "figure"),
            ("hold", 5, "ccomp", "VERB", "hold"),
            (".", 2, "punct", "PUNCT", "."),
        ]
    )
    frag = "that she doubts the figures hold"
    assert _split(doc, frag, "The mayor", "noted") == [(frag, "The mayor", "noted")]
    # "Police charged that a video showed the man left": the inner clause is what was
    # charged (a complement with "that"), not a report of the video's
    doc = _doc(
        [
            ("Police", 1, "nsubj", "NOUN", "police"),
            ("charged", 1, "ROOT", "VERB", "charge"),
            ("that", 5, "mark", "SCONJ", "that"),
            ("a", 4, "det", "DET", "a"),
            ("video", 5, "nsubj", "NOUN", "video"),
            ("showed", 1, "ccomp", "VERB", "show"),
            ("the", 7, "det", "DET", "the"),
            ("man", 8, "nsubj", "NOUN", "man"),
            ("left", 5, "ccomp", "VERB", "leave"),
            (".", 1, "punct", "PUNCT", "."),
        ]
    )
    frag = "that a video showed the man left"
    assert _split(doc, frag, "Police", "charged") == [(frag, "Police", "charged")]


def test_a_fragment_ending_with_its_own_cue_and_source_is_theirs() -> None:
    # "Experts agreed : taxes rose sharply , he said ." with ", he said" in the fragment
    doc = _doc(
        [
            ("Experts", 1, "nsubj", "NOUN", "expert"),
            ("agreed", 1, "ROOT", "VERB", "agree"),
            (":", 1, "punct", "PUNCT", ":"),
            ("taxes", 4, "nsubj", "NOUN", "tax"),
            ("rose", 8, "ccomp", "VERB", "rise"),
            ("sharply", 4, "advmod", "ADV", "sharply"),
            (",", 8, "punct", "PUNCT", ","),
            ("he", 8, "nsubj", "PRON", "he"),
            ("said", 1, "parataxis", "VERB", "say"),
            (".", 1, "punct", "PUNCT", "."),
        ]
    )
    assert _split(doc, "taxes rose sharply , he said", "Experts", "agreed") == [
        ("taxes rose sharply", "he", "said"),
    ]


# -- learned quotes of shapes that are mostly no attribution: hidden suggestions ------------


def _lee_warned(rest: list[tuple[str, int, str, str, str]]) -> Doc:
    """``Lee warned REST .``: ``warned`` the root (token 1), REST's heads absolute."""
    rows = [("Lee", 1, "nsubj", "PROPN", "lee"), ("warned", 1, "ROOT", "VERB", "warn")]
    rows += rest
    rows.append((".", 1, "punct", "PUNCT", "."))
    return _doc(rows)


def _learned(doc: Doc, frag: str) -> list[tuple[str, str | None, float]]:
    """(content, speaker, confidence) of the quotes merge_learned makes of ``frag`` (0.9)."""
    text = doc.text
    a, b = _span(text, frag)
    return [
        (text[r.start : r.end], text[slice(*r.speaker)] if r.speaker else None, r.confidence)
        for r in merge_learned(_index(doc), [(a, b, 0.9)], [])
    ]


TAXES_WENT_UNPAID = [
    ("taxes", 3, "nsubj", "NOUN", "tax"),
    ("went", 1, "ccomp", "VERB", "go"),
    ("unpaid", 3, "acomp", "ADJ", "unpaid"),
]


def test_a_reported_clause_keeps_the_model_s_confidence() -> None:
    doc = _lee_warned(TAXES_WENT_UNPAID)
    assert _learned(doc, "taxes went unpaid") == [("taxes went unpaid", "Lee", 0.9)]


def test_learned_quotes_of_weak_shapes_stay_as_hidden_suggestions() -> None:
    hidden = round(0.9 * DEFAULT_MIN_CONFIDENCE, 3)
    assert hidden < DEFAULT_MIN_CONFIDENCE
    # a prepositional phrase: "Lee warned about unpaid taxes"
    doc = _lee_warned(
        [
            ("about", 1, "prep", "ADP", "about"),
            ("unpaid", 4, "amod", "ADJ", "unpaid"),
            ("taxes", 2, "pobj", "NOUN", "tax"),
        ]
    )
    assert _learned(doc, "about unpaid taxes") == [("about unpaid taxes", "Lee", hidden)]
    # a number first: "Lee warned 3 taxes went unpaid" (the clause itself is no weak shape)
    doc = _lee_warned(
        [
            ("3", 3, "nummod", "NUM", "3"),
            ("taxes", 4, "nsubj", "NOUN", "tax"),
            ("went", 1, "ccomp", "VERB", "go"),
            ("unpaid", 4, "acomp", "ADJ", "unpaid"),
        ]
    )
    assert _learned(doc, "3 taxes went unpaid") == [("3 taxes went unpaid", "Lee", hidden)]
    # a relative clause: "Lee warned voters who paid taxes"
    doc = _lee_warned(
        [
            ("voters", 1, "dobj", "NOUN", "voter"),
            ("who", 4, "nsubj", "PRON", "who"),
            ("paid", 2, "relcl", "VERB", "pay"),
            ("taxes", 4, "dobj", "NOUN", "tax"),
        ]
    )
    assert _learned(doc, "who paid taxes") == [("who paid taxes", "Lee", hidden)]


def test_a_learned_quote_whose_source_is_a_relative_pronoun_is_hidden() -> None:
    # "Lee , who warned taxes went unpaid , left ."
    doc = _doc(
        [
            ("Lee", 8, "nsubj", "PROPN", "lee"),
            (",", 0, "punct", "PUNCT", ","),
            ("who", 3, "nsubj", "PRON", "who"),
            ("warned", 0, "relcl", "VERB", "warn"),
            ("taxes", 5, "nsubj", "NOUN", "tax"),
            ("went", 3, "ccomp", "VERB", "go"),
            ("unpaid", 5, "acomp", "ADJ", "unpaid"),
            (",", 0, "punct", "PUNCT", ","),
            ("left", 8, "ROOT", "VERB", "leave"),
            (".", 8, "punct", "PUNCT", "."),
        ]
    )
    hidden = round(0.9 * DEFAULT_MIN_CONFIDENCE, 3)
    assert _learned(doc, "taxes went unpaid") == [("taxes went unpaid", "who", hidden)]


def test_a_learned_quote_whose_source_comes_after_it_is_hidden() -> None:
    # "Taxes went unpaid , Lee warned ." / "Taxes went unpaid , the clerk warned ."
    for subject in (["Lee"], ["the", "clerk"]):
        n = len(subject)
        warned = 4 + n
        rows = [
            ("Taxes", 1, "nsubj", "NOUN", "tax"),
            ("went", warned, "ccomp", "VERB", "go"),
            ("unpaid", 1, "acomp", "ADJ", "unpaid"),
            (",", warned, "punct", "PUNCT", ","),
        ]
        for k, word in enumerate(subject):
            last = k == n - 1
            pos = "PROPN" if word == "Lee" else ("NOUN" if last else "DET")
            rows.append((word, warned if last else 3 + n, "nsubj" if last else "det", pos, word))
        rows += [("warned", warned, "ROOT", "VERB", "warn"), (".", warned, "punct", "PUNCT", ".")]
        doc = _doc(rows)
        hidden = round(0.9 * DEFAULT_MIN_CONFIDENCE, 3)
        assert _learned(doc, "Taxes went unpaid") == [
            ("Taxes went unpaid", " ".join(subject), hidden)
        ]


def test_a_fragment_that_ends_the_text_is_read_to_its_last_word() -> None:
    # "Officials said costs rose sharply , but we doubt the figures hold" (no full stop)
    doc = _said_but("we", "PRON")
    words = [t.text for t in doc][:-1]
    rows = [(t.text, t.head.i, t.dep_, t.pos_, t.lemma_) for t in doc][:-1]
    doc = _doc(rows)
    assert [t.text for t in doc] == words
    frag = "costs rose sharply , but we doubt the figures hold"
    assert _split(doc, frag, "Officials", "said") == [
        ("costs rose sharply", "Officials", "said"),
        ("the figures hold", "we", "doubt"),
    ]


def test_learned_noun_phrases_and_adverbial_clauses_are_hidden() -> None:
    hidden = round(0.9 * DEFAULT_MIN_CONFIDENCE, 3)
    # a noun phrase with no verb: "Lee warned the entire council"
    doc = _lee_warned(
        [
            ("the", 4, "det", "DET", "the"),
            ("entire", 4, "amod", "ADJ", "entire"),
            ("council", 1, "dobj", "NOUN", "council"),
        ]
    )
    assert _learned(doc, "the entire council") == [("the entire council", "Lee", hidden)]
    # the same words with a verb are a report: "Lee warned the council was late"
    doc = _lee_warned(
        [
            ("the", 3, "det", "DET", "the"),
            ("council", 4, "nsubj", "NOUN", "council"),
            ("was", 1, "ccomp", "AUX", "be"),
            ("late", 4, "acomp", "ADJ", "late"),
        ]
    )
    assert _learned(doc, "the council was late") == [("the council was late", "Lee", 0.9)]
    # a clause of time or manner: "Lee warned as the council voted"
    doc = _lee_warned(
        [
            ("as", 5, "mark", "SCONJ", "as"),
            ("the", 4, "det", "DET", "the"),
            ("council", 5, "nsubj", "NOUN", "council"),
            ("voted", 1, "advcl", "VERB", "vote"),
        ]
    )
    assert _learned(doc, "as the council voted") == [("as the council voted", "Lee", hidden)]


def test_a_learned_quote_whose_source_is_it_is_hidden() -> None:
    # "It shows taxes went unpaid ." / "Lee shows taxes went unpaid ."
    for subject, pos, conf in (
        ("It", "PRON", round(0.9 * DEFAULT_MIN_CONFIDENCE, 3)),
        ("Lee", "PROPN", 0.9),
    ):
        doc = _doc(
            [
                (subject, 1, "nsubj", pos, subject.lower()),
                ("shows", 1, "ROOT", "VERB", "show"),
                ("taxes", 3, "nsubj", "NOUN", "tax"),
                ("went", 1, "ccomp", "VERB", "go"),
                ("unpaid", 3, "acomp", "ADJ", "unpaid"),
                (".", 1, "punct", "PUNCT", "."),
            ]
        )
        assert _learned(doc, "taxes went unpaid") == [("taxes went unpaid", subject, conf)]


def _received_calls(noun: list[tuple[str, str]]) -> Doc:
    """``Police received NOUN saying shots were fired .``: ``saying`` a participle on the
    noun (its last word)."""
    n = len(noun)
    head, saying = 2 + n - 1, 2 + n
    rows = [("Police", 1, "nsubj", "PROPN", "police"), ("received", 1, "ROOT", "VERB", "receive")]
    for k, (word, pos) in enumerate(noun):
        last = k == n - 1
        dep = "dobj" if last else ("det" if pos == "DET" else "compound")
        rows.append((word, 1 if last else head, dep, pos, word))
    rows += [
        ("saying", head, "acl", "VERB", "say"),
        ("shots", saying + 2, "nsubjpass", "NOUN", "shot"),
        ("were", saying + 2, "auxpass", "AUX", "be"),
        ("fired", saying, "ccomp", "VERB", "fire"),
        (".", 1, "punct", "PUNCT", "."),
    ]
    doc = _doc(rows)
    doc[saying].tag_ = "VBG"
    return doc


def test_a_participle_on_a_noun_makes_the_noun_the_source() -> None:
    # "Police received 911 calls saying shots were fired": the calls said it
    doc = _received_calls([("911", "NUM"), ("calls", "NOUN")])
    assert _learned(doc, "shots were fired") == [("shots were fired", "911 calls", 0.9)]
    doc = _received_calls([("staff", "NOUN"), ("emails", "NOUN")])
    assert _learned(doc, "shots were fired") == [("shots were fired", "staff emails", 0.9)]
    # what someone writes is no source: the author, the subject above it, is
    doc = _received_calls([("a", "DET"), ("letter", "NOUN")])
    assert _learned(doc, "shots were fired") == [("shots were fired", "Police", 0.9)]
