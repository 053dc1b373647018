"""The trained part of the detector (annotator.nlp.learned) inside the quote detector."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from annotator.nlp.detect import DETECTOR_VERSION, detect_texts, detector_version
from annotator.nlp.docindex import DocIndex, QuoteRecord
from annotator.nlp.learned import (
    CALIBRATION_EDGES,
    CALIBRATION_PRIOR,
    MODEL_DECIDES,
    NO_CUE,
    OTHER_VERB,
    REPORTING_CUE,
    Calibration,
    article_uncertainty,
    fragment_cues,
    learned_spans,
    merge_learned,
    tag_doc,
    token_features,
    token_labels,
)
from annotator.nlp.pipeline import load_pipeline, rules_only_pipeline
from annotator.nlp.quotemarks import find_segments
from annotator.nlp.quotes import extract_quotes
from tests.conftest import HELD_OUT, HELD_OUT_CONTENT


def test_a_trained_model_adds_what_the_rules_miss(tiny_model: Path) -> None:
    (rules,) = detect_texts(rules_only_pipeline(), [HELD_OUT])
    assert rules == []
    nlp, info = load_pipeline(str(tiny_model))
    assert not info.rules_only
    assert nlp.pipe_names[-2:] == ["annotator_learned_quotes", "annotator_quotes"]
    (quotes,) = detect_texts(nlp, [HELD_OUT])
    assert [[HELD_OUT[a:b] for a, b in q.content_spans] for q in quotes] == [[HELD_OUT_CONTENT]]
    (quote,) = quotes
    assert quote.kind == "indirect" and quote.origin == "model"
    assert quote.confidence is not None and 0.5 < quote.confidence <= 1.0


def test_the_detector_version_names_the_model(tiny_model: Path) -> None:
    nlp, _ = load_pipeline(str(tiny_model))
    version = detector_version(nlp)
    assert version.startswith(DETECTOR_VERSION + " + tiny@")
    digest = version.rsplit("@", 1)[1]
    assert len(digest) == 8 and int(digest, 16) >= 0
    assert detector_version(rules_only_pipeline()) == DETECTOR_VERSION
    assert detector_version(None) == DETECTOR_VERSION


def test_the_version_of_a_model_folder_is_read_without_loading_it(
    tiny_model: Path, tmp_path: Path
) -> None:
    from annotator.nlp.detect import model_detector_version

    loaded = detector_version(spacy.load(tiny_model))
    assert loaded != DETECTOR_VERSION
    assert model_detector_version(str(tiny_model)) == loaded
    # no model, the rules alone, a package name, a folder that is no trained model
    for model in (None, "", "rules-only", "en_core_web_sm", str(tmp_path)):
        assert model_detector_version(model) == DETECTOR_VERSION
    # an untrained component (empty CRF) and an unreadable one are the rules'
    broken = tmp_path / "broken" / "annotator_learned_quotes"
    broken.mkdir(parents=True)
    (broken / "model.crfsuite").write_bytes(b"")
    (broken / "learned.json").write_text("{}", encoding="utf-8")
    assert model_detector_version(str(tmp_path / "broken")) == DETECTOR_VERSION
    (broken / "learned.json").write_text("{not json", encoding="utf-8")
    (broken / "model.crfsuite").write_bytes(b"x")
    assert model_detector_version(str(tmp_path / "broken")) == DETECTOR_VERSION


def test_uncertainty_is_on_the_doc(tiny_model: Path) -> None:
    nlp, _ = load_pipeline(str(tiny_model))
    sure = nlp(HELD_OUT)._.quote_uncertainty
    odd = nlp("Zebras juggle quietly that whether that.")._.quote_uncertainty
    assert 0.0 <= sure <= 0.5 and 0.0 <= odd <= 0.5
    assert nlp("")._.quote_uncertainty == 0.0


@pytest.mark.parametrize(
    ("p_outside", "expected"),
    [([], 0.0), ([1.0, 0.0], 0.0), ([0.5], 0.5), ([0.9, 0.7], 0.2), ([0.2, 1.0, 0.6], 0.2)],
)
def test_article_uncertainty(p_outside: list[float], expected: float) -> None:
    assert article_uncertainty(p_outside) == pytest.approx(expected)


def _idx(text: str) -> DocIndex:
    doc = rules_only_pipeline().make_doc(text)
    return DocIndex(doc, find_segments(text), False, text)


def _texts(text: str, records: list[QuoteRecord]) -> list[list[str]]:
    return [[text[a:b] for a, b in r.content] for r in records]


def test_overlap_rule_direct_quotes_keep_their_bounds() -> None:
    text = '"We will win," said Ann Lee. The mayor hopes the rain stops soon.'
    idx = _idx(text)
    rule = QuoteRecord(((1, 12),), (19, 26), (14, 18), "direct", 0.9, rule="direct_after")
    inside = (4, 11, 0.99)  # "will win" inside the direct quote
    across = (8, 40, 0.99)  # from inside the quote into the next sentence
    apart = (text.index("the rain"), text.index(" soon") + 5, 0.7)
    out = merge_learned(idx, [inside, across, apart], [rule])
    assert out[0] == rule
    assert _texts(text, out[1:]) == [["the rain stops soon"]]
    assert (out[1].kind, out[1].rule, out[1].confidence) == ("indirect", "learned", 0.7)


def test_overlap_rule_learned_bounds_for_reported_speech() -> None:
    text = "Ann Lee said that the dam holds, and the town cheered."
    idx = _idx(text)
    rule = QuoteRecord(
        ((text.index("that"), text.index(", and")),),
        (0, 7),
        (8, 12),
        "indirect",
        0.8,
        rule="indirect_speech_clause",
    )
    learned = (text.index("the dam"), text.index(" holds") + 6, 0.9)
    (out,) = merge_learned(idx, [learned], [rule])
    assert _texts(text, [out]) == [["the dam holds"]]
    assert (out.speaker, out.cue, out.rule, out.confidence) == ((0, 7), (8, 12), rule.rule, 0.8)
    # a fragment over the speaker, or over two rule quotes, changes nothing
    assert merge_learned(idx, [(0, 30, 0.9)], [rule]) == [rule]
    second = QuoteRecord(((text.index("the town"), len(text) - 1),), None, None, "indirect", 0.5)
    both = (text.index("the dam"), len(text) - 1, 0.9)
    assert merge_learned(idx, [both], [rule, second]) == [rule, second]


def test_learned_fragments_do_not_overlap_each_other() -> None:
    text = "The chief believes that the river will flood the lower town."
    idx = _idx(text)
    a = text.index("the river")
    out = merge_learned(idx, [(a, len(text) - 1, 0.8), (a + 4, a + 20, 0.6)], [])
    assert _texts(text, out) == [["the river will flood the lower town"]]


def test_a_fragment_with_quotation_marks_is_mixed() -> None:
    text = 'The chief said the plan was "a disaster" for the town.'
    idx = _idx(text)
    a = text.index("the plan")
    (rec,) = merge_learned(idx, [(a, len(text) - 1, 0.8)], [])
    assert rec.kind == "mixed"


def test_labels_mark_only_accepted_content() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Ann said the dam holds. Bob disagrees.")
    assert token_labels(doc, [(9, 22)]) == ["O", "O", "B", "I", "I", "O", "O", "O", "O"]
    assert token_labels(doc, []) == ["O"] * len(doc)
    # a span cut inside a word takes the whole word
    assert token_labels(doc, [(10, 14)])[2:4] == ["B", "I"]


def test_features_without_a_parse() -> None:
    doc = spacy.blank("en").make_doc('He warned that "the dam" fails.')
    feats = token_features(doc)
    assert len(feats) == len(doc)
    assert "cue" in feats[1] and "w=warned" in feats[1]
    assert "inquote" in feats[5] and not any(f.startswith("dep=") for f in feats[1])


def test_a_model_from_other_features_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(tiny_model, copy)
    meta_path = copy / "annotator_learned_quotes" / "learned.json"
    meta = json.loads(meta_path.read_text())
    meta["features_version"] = 0
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="train the model again"):
        spacy.load(copy)


def test_text_uncertainties(tiny_model: Path) -> None:
    from annotator.nlp.detect import text_uncertainties

    nlp, _ = load_pipeline(str(tiny_model))
    texts = [HELD_OUT, "bad \ud800 text", "Rain fell. Water rose."]
    values = list(text_uncertainties(nlp, texts, batch_size=2))
    assert len(values) == 3 and values[1] is None
    assert all(v is not None and 0.0 <= v <= 0.5 for v in (values[0], values[2]))
    assert list(text_uncertainties(rules_only_pipeline(), texts)) == [None, None, None]


@pytest.mark.slow
def test_with_the_english_parse_the_speaker_comes_from_the_cue(tmp_path: Path) -> None:
    from annotator.services.training import TrainOptions, train_from_project
    from tests.conftest import make_training_project

    db = make_training_project(tmp_path / "p.db")
    out = tmp_path / "en"
    result = train_from_project(db, out, TrainOptions(base_model="en_core_web_sm", rounds=(40,)))
    assert result.epochs == 1
    nlp, info = load_pipeline(str(out))
    assert "parser" in nlp.pipe_names and not info.rules_only
    # "grumbled" is in none of the rules' verb lists; the project taught it
    text = "Councillor Maya Brandt grumbled that the canal will dry up by August."
    assert list(detect_texts(load_pipeline("en_core_web_sm")[0], [text])) == [[]]
    (quotes,) = detect_texts(nlp, [text])
    found = {tuple(text[a:b] for a, b in q.content_spans): q for q in quotes}
    quote = found[("the canal will dry up by August",)]
    assert quote.speaker_text == "Councillor Maya Brandt"
    assert quote.speaker_name == "Maya Brandt"


@pytest.mark.parametrize(
    ("text", "phrase", "marked", "rule"),
    [
        (
            "The senator backed the cause of “fair pay for all” in her speech.",
            "the cause of “fair pay for all”",
            "fair pay for all",
            "direct_scare",
        ),
        (
            "Critics said the film ‘Lost Harbour’ was a waste of public money.",
            "the film ‘Lost Harbour’ was a waste of public money",
            "Lost Harbour",
            "direct_title",
        ),
        (
            "Reports call the deal a “workplace” and a “budget” issue for the town.",
            "the deal a “workplace” and a “budget” issue",
            "workplace",
            "direct_scare",
        ),
    ],
)
def test_a_trained_fragment_around_a_scare_quote_or_title_replaces_it(
    text: str, phrase: str, marked: str, rule: str
) -> None:
    idx = _idx(text)
    weak = []
    for word in ("fair pay for all", "Lost Harbour", "workplace", "budget"):
        if word in text:
            a = text.index(word)
            weak.append(QuoteRecord(((a, a + len(word)),), None, None, "direct", 0.2, rule=rule))
    a = text.index(phrase)
    (out,) = merge_learned(idx, [(a, a + len(phrase), 0.8)], weak)
    assert _texts(text, [out]) == [[phrase]]
    assert (out.kind, out.rule, out.confidence) == ("mixed", "learned", 0.8)
    assert marked in text[out.start : out.end]


@pytest.mark.parametrize(
    ("text", "marked", "rule"),
    [
        ("Her new show, “Night Shift,” opens in May.", "Night Shift", "direct_title"),
        ("Residents call it the 'quiet zone' of the city.", "quiet zone", "direct_scare"),
        ("He starred in ‘Harbour Lights’.", "Harbour Lights", "direct_title"),
        (
            "The sign read “Closed for the season.” all winter.",
            "Closed for the season.",
            "direct_cited",
        ),
    ],
)
@pytest.mark.parametrize("edges", ["marks", "marks and punctuation", "words only"])
def test_a_trained_fragment_that_is_only_the_run_in_marks_leaves_the_rules_guess(
    text: str, marked: str, rule: str, edges: str
) -> None:
    idx = _idx(text)
    a = text.index(marked)
    weak = QuoteRecord(((a, a + len(marked)),), None, None, "direct", 0.15, rule=rule)
    lo, hi = a, a + len(marked)
    if edges != "words only":  # the fragment takes the marks (and the comma) with it
        lo, hi = a - 1, a + len(marked) + 1
        if edges == "marks and punctuation" and text[hi] in ",.":
            hi += 1
    # no word outside the marks: not a learned quote of the model's confidence, the
    # title or scare quote stays with the rule's low confidence
    assert merge_learned(idx, [(lo, hi, 0.9)], [weak]) == [weak]


def test_a_trained_fragment_around_a_framed_quote_changes_nothing() -> None:
    text = "The coach said the game was “a disgrace to the league” on Sunday."
    idx = _idx(text)
    a = text.index("a disgrace")
    framed = QuoteRecord(((a, a + 26),), (0, 9), (10, 14), "direct", 0.9, rule="direct_framed")
    scare = replace(framed, rule="direct_scare", confidence=0.2)
    b = text.index("the game")
    frag = (b, text.index(" on Sunday"), 0.8)
    assert merge_learned(idx, [frag], [framed]) == [framed]
    # a scare quote only partly inside the fragment stays as it is too
    assert merge_learned(idx, [(b, a + 5, 0.8)], [scare]) == [scare]


def _parsed(words: list[str], heads: list[int], deps: list[str], pos: list[str]) -> Doc:
    """A Doc with a hand-written parse (lemmas: the lower-cased words, a final "ed" off)."""
    vocab = rules_only_pipeline().vocab
    return Doc(
        vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=[w.lower().removesuffix("ed") for w in words],
        sent_starts=[True] + [False] * (len(words) - 1),
    )


def test_fragment_cues_say_what_governs_a_fragment() -> None:
    # "Mayors warned prices rise" / "Mayors painted houses red" / "Prices rise"
    said = _parsed(
        ["Mayors", "warned", "prices", "rise"],  # lemma "warn"
        [1, 1, 3, 1],
        ["nsubj", "ROOT", "nsubj", "ccomp"],
        ["NOUN", "VERB", "NOUN", "VERB"],
    )
    painted = _parsed(
        ["Mayors", "painted", "houses", "red"],  # lemma "paint"
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "dobj", "oprd"],
        ["NOUN", "VERB", "NOUN", "ADJ"],
    )
    alone = _parsed(["Prices", "rise"], [1, 1], ["nsubj", "ROOT"], ["NOUN", "VERB"])
    assert fragment_cues(said, [(2, 4)]) == [REPORTING_CUE]
    assert fragment_cues(painted, [(2, 4)]) == [OTHER_VERB]
    assert fragment_cues(alone, [(0, 2)]) == [NO_CUE]
    assert fragment_cues(said, []) == []
    # without a parse nothing is known to govern a fragment
    flat = rules_only_pipeline()("Mayors warned prices rise")
    assert fragment_cues(flat, [(2, 4), (0, 1)]) == [NO_CUE, NO_CUE]


def test_calibration_bins_by_confidence_and_cue() -> None:
    # under a reporting verb always right, under nothing always wrong, same raw figure
    samples = [(0.8, REPORTING_CUE, True)] * 15 + [(0.8, NO_CUE, False)] * 15
    cal = Calibration.fit(samples)
    w = CALIBRATION_PRIOR
    assert cal.apply(0.8, REPORTING_CUE) == pytest.approx((15 + w * 0.8) / (15 + w))
    assert cal.apply(0.8, NO_CUE) == pytest.approx(w * 0.8 / (15 + w))
    assert cal.apply(0.8, REPORTING_CUE) > 0.9 > 0.3 > cal.apply(0.8, NO_CUE)
    # a bin with no dev fragment keeps the raw figure; so does no calibration at all
    assert cal.apply(0.55, OTHER_VERB) == 0.55
    assert Calibration().apply_all([0.3, 0.95], [NO_CUE, REPORTING_CUE]) == [0.3, 0.95]
    # stored and read back; other bin edges or junk read as no calibration
    again = Calibration.from_json(json.loads(json.dumps(cal.to_json())))
    assert again.cells == cal.cells
    for junk in (None, [], {"edges": [0.1], "cells": cal.cells}, {"edges": [0.6, 0.75, 0.9]}):
        assert Calibration.from_json(junk).cells == Calibration().cells


def test_training_stores_the_calibration_and_the_model_applies_it(tiny_model: Path) -> None:
    meta = json.loads((tiny_model / "annotator_learned_quotes" / "learned.json").read_text())
    stored = meta["info"]["calibration"]
    assert stored["edges"] == list(CALIBRATION_EDGES)
    nlp = spacy.load(tiny_model)
    component = nlp.get_pipe("annotator_learned_quotes")
    assert component.calibration.cells == Calibration.from_json(stored).cells
    # the confidence written on the doc is the calibrated one: a table of known values
    component.calibration = Calibration([0.11 * (k + 1) for k in range(3 * 4)])
    component.min_confidence = 0.0
    doc = nlp(HELD_OUT)
    spans, raw, _ = tag_doc(component._tagger, doc, token_features(doc))
    assert spans
    expected = [component.calibration.apply(r, c) for r, c in zip(raw, fragment_cues(doc, spans))]
    assert list(doc.spans["learned"].attrs["confidence"]) == pytest.approx(expected)
    assert all(any(abs(e - 0.11 * (k + 1)) < 1e-9 for k in range(12)) for e in expected)
    # a floor above every calibrated value leaves nothing
    component.min_confidence = 2.0
    assert list(nlp(HELD_OUT).spans["learned"]) == []


# -- what a trained model leaves out: weak runs in marks it did not tag, sourceless quotes ----


@pytest.mark.parametrize("rule", sorted(MODEL_DECIDES))
def test_with_a_model_weak_runs_in_marks_stay_only_where_it_tagged(rule: str) -> None:
    text = 'Critics call the film “a triumph” of sorts. "We will win," said Ann Lee.'
    idx = _idx(text)
    a = text.index("a triumph")
    weak = QuoteRecord(((a, a + 9),), None, None, "direct", 0.15, rule=rule)
    b = text.index("We will")
    framed = QuoteRecord(((b, b + 11),), (text.index("Ann"), len(text) - 1), None, "direct", 0.9)
    # the model tagged nothing here: the framed quote stays, the weak run goes
    assert merge_learned(idx, [], [weak, framed]) == [framed]
    # a fragment elsewhere changes nothing for it either
    far = (0, text.index(" call"), 0.9)
    assert weak not in merge_learned(idx, [far], [weak, framed])
    # a fragment over part of the run keeps it as the rules found it
    part = (text.index("triumph"), text.index(". "), 0.9)
    assert merge_learned(idx, [part], [weak, framed]) == [weak, framed]


@pytest.mark.parametrize("rule", ["direct_chant", "direct_cited", "direct_open_unframed"])
@pytest.mark.parametrize("where", ["no fragment", "a fragment elsewhere"])
def test_with_a_model_the_rules_shown_direct_quotes_stay_untagged(rule: str, where: str) -> None:
    text = 'The crowd chanted "Lock her up!" at the rally. Critics call the plan a failure.'
    idx = _idx(text)
    a = text.index("Lock")
    direct = QuoteRecord(((a, a + 12),), None, None, "direct", 0.5, rule=rule)
    frags = [] if where == "no fragment" else [(text.index("a failure"), len(text) - 1, 0.9)]
    assert rule not in MODEL_DECIDES
    assert direct in merge_learned(idx, frags, [direct])


def test_weak_runs_in_marks_go_only_when_a_model_tagged_the_text() -> None:
    text = "The film “Lost Harbour” opened on Friday. Critics call it a “triumph” of sorts."
    doc = rules_only_pipeline().make_doc(text)
    rules = extract_quotes(doc, use_parse=False)
    assert [(text[r.start : r.end], r.rule) for r in rules] == [
        ("Lost Harbour", "direct_title"),
        ("triumph", "direct_scare"),
    ]
    # no trained model (None) is not a model that found nothing ([])
    assert extract_quotes(doc, use_parse=False, learned=None) == rules
    assert extract_quotes(doc, use_parse=False, learned=[]) == []
    a = text.index("Harbour")
    (kept,) = extract_quotes(doc, use_parse=False, learned=[(a, a + 7, 0.8)])
    assert kept == rules[0]


def test_an_untrained_component_leaves_the_rules_alone() -> None:
    nlp = rules_only_pipeline()
    nlp.add_pipe("annotator_learned_quotes", before="annotator_quotes")
    text = "The film “Lost Harbour” opened on Friday."
    doc = nlp(text)
    assert learned_spans(doc) is None
    (quotes,) = detect_texts(nlp, [text])
    assert [text[q.start : q.end] for q in quotes] == ["Lost Harbour"]


def _subject_says(subject: list[str], verb: str) -> Doc:
    """``SUBJECT VERB taxes went unpaid .`` parsed by hand: the subject hangs on the verb,
    ``went`` is its clause."""
    n = len(subject)
    article = subject[0].lower() in ("the", "a")
    words = [*subject, verb, "taxes", "went", "unpaid", "."]
    heads = [n - 1] * (n - 1) + [n] + [n, n + 2, n, n + 2, n]
    deps = ["det" if article else "compound"] * (n - 1)
    deps += ["nsubj", "ROOT", "nsubj", "ccomp", "acomp", "punct"]
    head_pos = "PRON" if subject[-1].lower() in ("she", "it", "they") else "PROPN"
    if subject[-1].islower():
        head_pos = "NOUN"
    pos = ["DET" if article else "PROPN"] * (n - 1) + [head_pos]
    pos += ["VERB", "NOUN", "VERB", "ADJ", "PUNCT"]
    return _parsed(words, heads, deps, pos)


@pytest.mark.parametrize(
    ("subject", "verb", "kept"),
    [
        (["The", "losses"], "means", False),  # a verb of no speech, a subject naming nobody
        (["the", "losses"], "mean", False),
        (["It"], "means", False),
        (["This"], "means", False),
        (["Senator", "Lee"], "means", True),  # ... naming someone
        (["The", "Senate"], "means", True),
        (["She"], "means", True),
        (["They"], "means", True),
        (["The", "report"], "warned", True),  # under a reporting verb any subject is one
        (["It"], "warned", True),
    ],
)
def test_a_learned_quote_needs_a_source(subject: list[str], verb: str, kept: bool) -> None:
    doc = _subject_says(subject, verb)
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    a, b = text.index("taxes"), text.index(" .")
    out = merge_learned(idx, [(a, b, 0.9)], [])
    if not kept:
        assert out == []
        return
    (rec,) = out
    assert text[rec.start : rec.end] == "taxes went unpaid"
    assert rec.speaker is not None and text[slice(*rec.speaker)] == " ".join(subject)


def test_a_learned_fragment_with_no_source_still_gives_reported_speech_its_bounds() -> None:
    # "Taxes went unpaid ." alone: no verb above the fragment, no speaker: no quote of its own
    doc = _parsed(
        ["Taxes", "went", "unpaid", "."],
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "acomp", "punct"],
        ["NOUN", "VERB", "ADJ", "PUNCT"],
    )
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    assert merge_learned(idx, [(0, text.index(" ."), 0.9)], []) == []
    # with a rule quote of reported speech under it, the fragment sets its bounds
    rule = QuoteRecord(((0, len(text)),), None, None, "indirect", 0.6, rule="indirect_aside")
    (out,) = merge_learned(idx, [(0, text.index(" ."), 0.9)], [rule])
    assert out == replace(rule, content=((0, text.index(" .")),))


def _owned_claim(owner: list[str], owner_pos: str, verb: str) -> Doc:
    """``Critics VERB OWNER claim that taxes went unpaid .`` parsed by hand: the clause
    hangs on ``claim``, the owner's last word is its possessor (the words before it its
    compounds)."""
    n = len(owner)
    words = ["Critics", verb, *owner, "claim", "that", "taxes", "went", "unpaid", "."]
    claim = 2 + n
    went = claim + 3
    heads = [1, 1] + [1 + n] * (n - 1) + [claim, 1, went, went, claim, went, 1]
    deps = ["nsubj", "ROOT"] + ["compound"] * (n - 1) + ["poss"]
    deps += ["dobj", "mark", "nsubj", "acl", "acomp", "punct"]
    pos = ["NOUN", "VERB"] + ["PROPN"] * (n - 1) + [owner_pos]
    pos += ["NOUN", "SCONJ", "NOUN", "VERB", "ADJ", "PUNCT"]
    return _parsed(words, heads, deps, pos)


@pytest.mark.parametrize(
    ("owner", "owner_pos", "verb", "speaker"),
    [
        (["her"], "PRON", "doubted", "her"),  # not "Critics", the subject of the verb above
        (["his"], "PRON", "questioned", "his"),  # a reporting verb above changes nothing
        (["Senator", "Lee"], "PROPN", "doubted", "Senator Lee"),  # with the name's compounds
        (["the"], "DET", "doubted", "Critics"),  # no possessor: the verb's subject, as before
        (["their"], "ADJ", "doubted", "Critics"),  # a possessive the tagger took for no pronoun
    ],
)
def test_a_learned_quote_on_a_possessed_noun_is_the_possessors(
    owner: list[str], owner_pos: str, verb: str, speaker: str
) -> None:
    doc = _owned_claim(owner, owner_pos, verb)
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    a, b = text.index("taxes"), text.index(" .")
    (rec,) = merge_learned(idx, [(a, b, 0.9)], [])
    assert text[rec.start : rec.end] == "taxes went unpaid"
    assert rec.speaker is not None and text[slice(*rec.speaker)] == speaker
    if speaker != "Critics":
        assert rec.cue is not None and text[slice(*rec.cue)] == "claim"


def test_a_possessor_inside_the_fragment_or_in_marks_is_no_source() -> None:
    # the fragment holds "her claim that taxes went unpaid": the possessor is in it, so the
    # source is the subject of the verb the fragment hangs under
    doc = _owned_claim(["her"], "PRON", "doubted")
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    (rec,) = merge_learned(idx, [(text.index("her"), text.index(" ."), 0.9)], [])
    assert rec.speaker is not None and text[slice(*rec.speaker)] == "Critics"
    # "Critics doubted “her” claim ...": words in marks are nobody's mention
    words = ["Critics", "doubted", "“", "her", "”", "claim", "that", "taxes", "went", "unpaid"]
    words.append(".")
    heads = [1, 1, 3, 5, 3, 1, 8, 8, 5, 8, 1]
    deps = ["nsubj", "ROOT", "punct", "poss", "punct", "dobj", "mark", "nsubj", "acl"]
    deps += ["acomp", "punct"]
    pos = ["NOUN", "VERB", "PUNCT", "PRON", "PUNCT", "NOUN", "SCONJ", "NOUN", "VERB", "ADJ"]
    pos.append("PUNCT")
    marked = _parsed(words, heads, deps, pos)
    text = marked.text
    idx = DocIndex(marked, find_segments(text), True, text)
    out = merge_learned(idx, [(text.index("taxes"), text.index(" ."), 0.9)], [])
    assert [text[slice(*r.speaker)] for r in out if r.speaker is not None] == ["Critics"]


def _told(verb: str, lemma: str, between: list[tuple[str, str, str]]) -> Doc:
    """``Lee VERB [BETWEEN ...] he would run .`` parsed by hand: the words between (word,
    relation, part of speech) hang on the verb, ``run`` is its clause."""
    words = ["Lee", verb, *(w for w, _, _ in between), "he", "would", "run", "."]
    n = len(between)
    run = 4 + n
    heads = [1, 1, *([1] * n), run, run, 1, 1]
    deps = ["nsubj", "ROOT", *(d for _, d, _ in between), "nsubj", "aux", "ccomp", "punct"]
    pos = ["PROPN", "VERB", *(p for _, _, p in between), "PRON", "AUX", "VERB", "PUNCT"]
    vocab = rules_only_pipeline().vocab
    return Doc(
        vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=[w.lower() for w in words[:1]] + [lemma] + [w.lower() for w in words[2:]],
        sent_starts=[True] + [False] * (len(words) - 1),
    )


@pytest.mark.parametrize(
    ("verb", "lemma", "between", "content"),
    [
        # the person told or asked is outside the reported words (the gold convention)
        ("told", "tell", [("reporters", "dobj", "NOUN")], "he would run"),
        (
            "told",
            "tell",
            [("reporters", "dobj", "NOUN"), ("Tuesday", "npadvmod", "PROPN")],
            "he would run",
        ),
        ("assured", "assure", [("them", "dobj", "PRON")], "he would run"),
        ("warned", "warn", [("voters", "dative", "NOUN")], "he would run"),
        ("reminded", "remind", [("Pike", "dobj", "PROPN")], "he would run"),
        # a verb whose object is reported, or words that are not the verb's object: kept
        ("showed", "show", [("reporters", "dobj", "NOUN")], "reporters he would run"),
        ("described", "describe", [("plans", "dobj", "NOUN")], "plans he would run"),
        ("told", "tell", [("Tuesday", "npadvmod", "PROPN")], "Tuesday he would run"),
        ("told", "tell", [("anyway", "advmod", "ADV")], "anyway he would run"),
    ],
)
def test_a_learned_fragment_leaves_out_the_person_told(
    verb: str, lemma: str, between: list[tuple[str, str, str]], content: str
) -> None:
    doc = _told(verb, lemma, between)
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    a, b = text.index(between[0][0]), text.index(" .")
    (rec,) = merge_learned(idx, [(a, b, 0.9)], [])
    assert text[rec.start : rec.end] == content
    assert rec.speaker is not None and text[slice(*rec.speaker)] == "Lee"


def test_a_learned_fragment_of_the_clause_alone_is_unchanged() -> None:
    doc = _told("told", "tell", [("reporters", "dobj", "NOUN")])
    text = doc.text
    idx = DocIndex(doc, find_segments(text), True, text)
    a, b = text.index("he would"), text.index(" .")
    (rec,) = merge_learned(idx, [(a, b, 0.9)], [])
    assert text[rec.start : rec.end] == "he would run"
