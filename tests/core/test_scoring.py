"""Tests of annotator.core.scoring: hand-computed cases and equality with the reference scorer."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.core.scoring import (
    ScoredQuote,
    Scores,
    capitalised_words,
    greedy_one_to_one,
    normalise_word,
    predictions_from_json,
    score,
    score_article,
    scored_quote,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "eval" / "score_quotes.py"
DEV = SHARED / "data" / "polnear" / "dev.jsonl"

TEXT = (
    'Lee said "we will talk to them soon." The ministry said talks were possible. '
    "Kim's aide claimed nothing."
)


def at(text: str, sub: str, nth: int = 0) -> list[int]:
    """[start, end] of the nth occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return [start, start + len(sub)]


def q(
    content: list[list[int]], speaker: list[list[int]] | None = None, **kw: Any
) -> dict[str, Any]:
    return {"content_spans": content, "speaker_spans": speaker or [], **kw}


def gold_article(
    quotes: list[dict[str, Any]], text: str = TEXT, ident: str = "a1"
) -> dict[str, Any]:
    return {"id": ident, "text": text, "quotes": quotes}


# Gold: G0 direct (speaker Lee), G1 indirect (speaker The ministry), G2 indirect, no speaker.
G0 = q([at(TEXT, '"we will talk to them soon."')], [at(TEXT, "Lee")], kind="direct")
G1 = q([at(TEXT, "talks were possible")], [at(TEXT, "The ministry")], kind="indirect")
G2 = q([at(TEXT, "nothing")], kind="indirect")
# P0: G0 without its quotation marks (strict match), right speaker
P0 = q([at(TEXT, "we will talk to them soon.")], [at(TEXT, "Lee")], speaker_text="Lee")
# P1: 8 of G1's 19 characters plus ". Kim" (Jaccard 8/24, coverage 8/19), wrong speaker
P1 = q([at(TEXT, "possible. Kim")], [at(TEXT, "Kim")], speaker_text="Kim")
# P2: overlaps no gold quote
P2 = q([at(TEXT, "The ministry said")])
# P3: exactly G2, but with a speaker where gold has none
P3 = q([at(TEXT, "nothing")], [at(TEXT, "Kim")])


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


def test_all_subset_every_metric_by_hand() -> None:
    s = score([gold_article([G0, G1, G2])], {"a1": [P0, P1, P2, P3]}, "all")
    assert (s.n_gold, s.n_pred, s.n_pred_ignored) == (3, 4, 0)
    # lenient: P0, P1, P3 overlap gold; all three gold quotes are hit
    assert s.lenient == pytest.approx((3 / 4, 3 / 3, f1(3 / 4, 1.0)), abs=1e-12)
    # Jaccard: P0-G0 (26/28) and P3-G2 (1.0); P1-G1 is 8/24
    assert s.jaccard == pytest.approx((2 / 4, 2 / 3, f1(2 / 4, 2 / 3)), abs=1e-12)
    # strict: P0 = G0 without quote marks; P3 = G2
    assert s.strict_tp == 2
    # GGT coverage: G0 26/28, G1 8/19 (> .3, < .8), G2 1.0
    assert (s.ggt30_tp, s.ggt80_tp) == (3, 2)
    assert s.ggt30 == pytest.approx((3 / 4, 1.0, f1(3 / 4, 1.0)), abs=1e-12)
    # speaker: G0 right (P0), G1 wrong (P1), G2 has no gold speaker
    assert (s.speaker_n, s.speaker_span_ok, s.speaker_name_ok, s.gold_without_source) == (
        2,
        1,
        1,
        1,
    )
    assert s.speaker_span_acc == 0.5 and s.speaker_name_acc == 0.5
    # e2e: G0-P0 right; G1-P1 wrong speaker; G2-P3 predicted speaker where gold has none
    assert s.e2e == pytest.approx((1 / 4, 1 / 3, f1(1 / 4, 1 / 3)), abs=1e-12)


def test_direct_subset_ignores_predictions_on_other_gold_quotes() -> None:
    s = score([gold_article([G0, G1, G2])], {"a1": [P0, P1, P2, P3]}, "direct")
    # P1 and P3 only touch indirect gold: ignored; P2 touches nothing: a false positive
    assert (s.n_gold, s.n_pred, s.n_pred_ignored) == (1, 2, 2)
    assert s.lenient == pytest.approx((0.5, 1.0, f1(0.5, 1.0)), abs=1e-12)
    assert (s.jaccard_tp, s.strict_tp, s.ggt30_tp, s.ggt80_tp, s.e2e_tp) == (1, 1, 1, 1, 1)
    assert (s.speaker_n, s.speaker_span_ok, s.gold_without_source) == (1, 1, 0)


def test_direct_key_overrides_kind() -> None:
    g = q([at(TEXT, "nothing")], kind="indirect", direct=True)
    s = score([gold_article([g])], {"a1": [q([at(TEXT, "nothing")])]}, "direct")
    assert (s.n_gold, s.lenient_tp_gold) == (1, 1)


def test_lenient_is_not_one_to_one_but_jaccard_is() -> None:
    text = "x" * 40
    gold = q([[0, 10], [20, 30]])  # one discontinuous quote
    halves = [q([[0, 10]]), q([[20, 30]])]
    s = score([gold_article([gold], text)], {"a1": halves})
    assert s.lenient == pytest.approx((1.0, 1.0, 1.0))
    # each half has Jaccard exactly 0.5 (10 / 20): one of them matches, the other is a FP
    assert s.jaccard_tp == 1
    assert s.jaccard == pytest.approx((0.5, 1.0, f1(0.5, 1.0)))


def test_greedy_ties_follow_gold_then_prediction_order() -> None:
    text = "x" * 30
    gold = [q([[0, 10]]), q([[10, 20]])]
    # P0 covers both gold quotes, P1 only the first: every GGT coverage is 1.0, so the
    # first pair (G0, P0) wins and blocks both others: one match, not the maximum two
    preds = [q([[0, 20]]), q([[0, 10]])]
    s = score([gold_article(gold, text)], {"a1": preds})
    assert (s.ggt30_tp, s.ggt80_tp) == (1, 1)
    # Jaccard: G0-P1 = 1.0 first, then G1-P0 = 0.5
    assert s.jaccard_tp == 2
    # e2e by overlap size (all 10): (G0, P0) first again
    assert s.e2e_tp == 1
    assert greedy_one_to_one([(1.0, 0, 0), (1.0, 0, 1), (1.0, 1, 0)]) == {0: 0}


def test_speaker_uses_the_most_overlapping_prediction_ties_to_the_later() -> None:
    text = "x" * 50
    gold = [q([[0, 10]], [[30, 33]])]
    wrong = q([[0, 5]], [[40, 43]])
    right = q([[5, 10]], [[30, 33]])
    assert score([gold_article(gold, text)], {"a1": [wrong, right]}).speaker_span_ok == 1
    assert score([gold_article(gold, text)], {"a1": [right, wrong]}).speaker_span_ok == 0
    bigger = q([[0, 6]], [[40, 43]])
    assert score([gold_article(gold, text)], {"a1": [bigger, right]}).speaker_span_ok == 0


def test_speaker_name_by_equal_string_or_shared_proper_noun() -> None:
    text = "President Barack Obama said it. The minister said it. Obama's aide said it."
    gold = [
        q([at(text, "it")], [at(text, "President Barack Obama")]),
        q([at(text, "it", 1)], [at(text, "The minister")]),
    ]
    preds = [
        # no span overlap, but shares the proper noun "Obama" (possessive stripped)
        q([at(text, "it")], [at(text, "Obama's")], speaker_text="Obama's"),
        # same string ignoring case and outer spaces
        q([at(text, "it", 1)], [at(text, "Obama's")], speaker_text=" the MINISTER "),
    ]
    s = score([gold_article(gold, text)], {"a1": preds})
    assert (s.speaker_n, s.speaker_span_ok, s.speaker_name_ok) == (2, 0, 2)
    # without speaker_text the mention's own text is used: "Obama's" shares nothing
    # with "The minister" ("The" is not a name)
    preds[1] = q([at(text, "it", 1)], [at(text, "Obama's")])
    assert score([gold_article(gold, text)], {"a1": preds}).speaker_name_ok == 1


def test_injected_propn_words_are_lower_cased_and_possessive_stripped() -> None:
    text = "the boss said it. smith agreed."
    gold = [q([at(text, "it")], [at(text, "the boss")])]
    pred = [q([at(text, "it")], [at(text, "smith")], speaker_text="smith")]
    calls: list[tuple[str, str, list[tuple[int, int]]]] = []

    def propn(article_id: str, txt: str, spans: Any) -> set[str]:
        calls.append((article_id, txt, list(spans)))
        return {"Smith's"}

    s = score([gold_article(gold, text)], {"a1": pred}, propn_words=propn)
    assert s.speaker_name_ok == 1
    assert calls == [("a1", text, [(0, 8)])]
    assert score([gold_article(gold, text)], {"a1": pred}).speaker_name_ok == 0


def test_strict_needs_word_characters() -> None:
    text = 'He said " - " and left.'
    gold = [q([at(text, " - ")])]
    s = score([gold_article(gold, text)], {"a1": [q([at(text, " - ")])]})
    assert (s.jaccard_tp, s.strict_tp) == (1, 0)


def test_e2e_counts_both_speakers_absent() -> None:
    text = "x" * 30
    s = score([gold_article([q([[0, 10]])], text)], {"a1": [q([[2, 8]])]})
    assert (s.e2e_tp, s.speaker_n, s.gold_without_source) == (1, 0, 1)


def test_missing_prediction_errors_and_gold_source_key() -> None:
    text = "x" * 30
    gold = [
        gold_article([q([[0, 10]], [], source_spans=[[20, 25]])], text, "a1"),
        gold_article([q([[0, 10]])], text, "a2"),
    ]
    pred, errors = predictions_from_json(
        [
            {"id": "a1", "error": "boom", "quotes": []},
            {"id": "a1", "quotes": [q([[0, 10]], [[21, 22]])]},
            {"id": "zz", "error": "boom", "quotes": []},
        ]
    )
    assert errors == {"zz"}  # the last line of an id wins
    s = score(gold, pred, errors={"a2"})
    assert (s.n_gold, s.n_pred, s.docs_with_error) == (2, 1, 1)
    assert (s.speaker_n, s.speaker_span_ok, s.e2e_tp) == (1, 1, 1)
    assert s.lenient == pytest.approx((1.0, 0.5, f1(1.0, 0.5)))


def test_zero_denominators_give_zero() -> None:
    s = score([gold_article([], "abc")], {})
    assert s.lenient == (0.0, 0.0, 0.0) and s.speaker_span_acc == 0.0


def test_quote_and_article_objects_score_like_dicts() -> None:
    quotes = [Quote.from_json(x) for x in (G0, G1, G2)]
    art = Article(title="t", text=TEXT, ext_id="a1", quotes=quotes)
    preds = [Quote.from_json({**x, "kind": "direct"}) for x in (P0, P1, P2, P3)]
    a = score([art], {"a1": preds}, "direct")
    b = score([gold_article([G0, G1, G2])], {"a1": [P0, P1, P2, P3]}, "direct")
    assert a == b
    assert scored_quote(quotes[0], gold=True) == ScoredQuote(((9, 37),), ((0, 3),), None, True)


def test_scores_add_up_per_article() -> None:
    one = score_article(gold_article([G0, G1, G2]), [P0, P1])
    two = score_article(gold_article([G0], ident="a2"), [P2, P3])
    both = score(
        [gold_article([G0, G1, G2]), gold_article([G0], ident="a2")],
        {"a1": [P0, P1], "a2": [P2, P3]},
    )
    assert one + two == both
    assert set(Scores().as_dict()) >= {
        "lenient_p",
        "lenient_r",
        "lenient_f1",
        "jaccard_f1",
        "strict_f1",
        "ggt30_f1",
        "ggt80_f1",
        "speaker_span_acc",
        "speaker_name_acc",
        "e2e_f1",
        "n_gold",
        "n_pred",
        "n_pred_ignored",
        "gold_without_source",
        "docs_with_error",
    }


def test_malformed_spans_are_refused() -> None:
    for bad in ([[1]], [[1, "2"]], [[-1, 3]], "0-3", [[True, 3]]):
        with pytest.raises(ValueError):
            scored_quote({"content_spans": bad}, gold=False)


def test_capitalised_words_and_normalise_word() -> None:
    text = "The Rev. Al Sharpton and I"
    assert capitalised_words("x", text, [(0, len(text))]) == {"rev.", "al", "sharpton"}
    assert [normalise_word(w) for w in ("Trump's", "Jones'", "Obama’s", "US")] == [
        "trump",
        "jones",
        "obama",
        "us",
    ]


# ---- equality with the reference scorer on perturbed PolNeAR dev ---------------------------


def perturb(articles: list[dict[str, Any]], seed: int = 11) -> list[dict[str, Any]]:
    """Predictions made from gold by deterministic damage: every kind of scorer decision."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    speakers = [q["speaker_spans"] for a in articles for q in a["quotes"] if q["speaker_spans"]]
    for k, art in enumerate(articles):
        if k % 17 == 5:
            continue  # no prediction line at all
        n = len(art["text"])
        preds: list[dict[str, Any]] = []
        for gq in art["quotes"]:
            if rng.random() < 0.12:
                continue  # missed
            content = [list(s) for s in gq["content_spans"]]
            speaker = [list(s) for s in gq["speaker_spans"]]
            r = rng.random()
            if r < 0.3:  # shift boundaries
                a, b = content[0]
                a = min(max(0, a + rng.randint(-10, 10)), n)
                content[0] = [a, min(max(a, b + rng.randint(-10, 10)), n)]
            elif r < 0.4:  # trim one character at each end (often the quote marks)
                a, b = content[0]
                content[0] = [a + 1, max(a + 1, content[-1][1] - 1)]
                content = content[:1]
            elif r < 0.5 and len(content) > 1:  # a split quote predicted as two
                preds.append({"content_spans": [content.pop()], "speaker_spans": speaker})
            elif r < 0.55:  # a huge span
                content = [[max(0, content[0][0] - 300), min(n, content[-1][1] + 300)]]
            r = rng.random()
            text_of: str | None = gq.get("speaker_text")
            if r < 0.12:
                speaker, text_of = [], None
            elif r < 0.25:
                speaker = rng.choice(speakers)
                text_of = rng.choice([None, "he", text_of, (text_of or "x") + "'s"])
            elif r < 0.3:
                speaker = [[speaker[0][0], speaker[0][0]]] if speaker else [[3, 3]]
            elif r < 0.4 and speaker:
                s0 = speaker[0][0] + rng.randint(-5, 5)
                speaker = [[max(0, s0), max(0, s0) + rng.randint(1, 6)]]
                text_of = None
            preds.append(
                {"content_spans": content, "speaker_spans": speaker, "speaker_text": text_of}
            )
        for _ in range(rng.randint(0, 3)):  # false quotes, some on top of real ones
            a = rng.randrange(0, max(1, n - 30))
            preds.append(
                {"content_spans": [[a, min(n, a + rng.randint(5, 150))]], "speaker_spans": []}
            )
        if preds and rng.random() < 0.3:
            preds.append(dict(rng.choice(preds)))  # a duplicate
        rng.shuffle(preds)
        line: dict[str, Any] = {"id": art["id"], "quotes": preds}
        if k % 23 == 3:
            line["error"] = "unbalanced quotation marks"
        if k % 29 == 7:  # an earlier line for the same id: the last one counts
            out.append({"id": art["id"], "quotes": [], "error": "stale"})
        out.append(line)
    return out


def run_reference(gold: Path, pred: Path, out: Path, no_spacy: bool = True) -> dict[str, Any]:
    """The reference scorer's --json results for one prediction file."""
    cmd = [sys.executable, str(REFERENCE), str(gold), str(pred), "--json", str(out)]
    if no_spacy:
        cmd.append("--no-spacy")
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.read_text())[str(pred)]
    return result


def assert_same_as_reference(mine: Scores, ref: dict[str, Any]) -> None:
    counts = {
        "n_gold": mine.n_gold,
        "n_pred": mine.n_pred,
        "n_pred_ignored": mine.n_pred_ignored,
        "docs_with_error": mine.docs_with_error,
        "len_tp_p": mine.lenient_tp_pred,
        "len_tp_r": mine.lenient_tp_gold,
        "j50_tp": mine.jaccard_tp,
        "strict_tp": mine.strict_tp,
        "ggt30_tp": mine.ggt30_tp,
        "ggt80_tp": mine.ggt80_tp,
        "spk_den": mine.speaker_n,
        "spk_span": mine.speaker_span_ok,
        "spk_name": mine.speaker_name_ok,
        "spk_gold_nosource": mine.gold_without_source,
        "e2e_tp": mine.e2e_tp,
    }
    assert counts == {k: ref[k] for k in counts}
    figures = {
        "lenient": mine.lenient,
        "j50": mine.jaccard,
        "strict": mine.strict,
        "ggt30": mine.ggt30,
        "ggt80": mine.ggt80,
        "e2e": mine.e2e,
    }
    for key, value in figures.items():
        assert list(value) == pytest.approx(ref[key], abs=1e-9), key
    assert mine.speaker_span_acc == pytest.approx(ref["spk_span_acc"], abs=1e-9)
    assert mine.speaker_name_acc == pytest.approx(ref["spk_name_acc"], abs=1e-9)


@pytest.mark.skipif(
    not (REFERENCE.exists() and DEV.exists()), reason="../shared (reference scorer, data) absent"
)
def test_identical_to_reference_scorer_on_perturbed_dev(tmp_path: Path) -> None:
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    lines = perturb(gold)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    ref = run_reference(DEV, pred_path, tmp_path / "ref.json")
    pred, errors = predictions_from_json(lines)
    for subset in ("all", "direct"):
        mine = score(gold, pred, subset, capitalised_words, errors)
        assert_same_as_reference(mine, ref[subset])
        # the perturbation reaches every branch of the scorer
        assert 0 < mine.jaccard_tp < mine.lenient_tp_gold < mine.n_gold
        assert 0 < mine.speaker_span_ok < mine.speaker_name_ok < mine.speaker_n
        assert mine.docs_with_error > 0 and mine.gold_without_source > 0
    assert ref["direct"]["n_pred_ignored"] > 0


def test_source_spans_and_speaker_names_in_odd_places() -> None:
    gold = Quote.from_json({"content_spans": [[0, 5]], "source_spans": [[8, 10]]})
    assert scored_quote(gold, gold=True).speaker == ((8, 10),)
    assert scored_quote(gold, gold=False).speaker == ()
    # a "speaker" holding a name is no span: ignored rather than refused
    assert scored_quote({"content_spans": [[0, 5]], "speaker": "Trump"}, gold=False).speaker == ()
    assert scored_quote({"content": [0, 5], "speaker": [6, 9]}, gold=False) == ScoredQuote(
        ((0, 5),), ((6, 9),)
    )


def test_scores_without_gold_quotes_read_n_a() -> None:
    empty = Scores(n_pred=2)
    assert "n/a (no direct quote in the gold)" in empty.line("direct")
    assert "n/a (no quote in the gold)" in empty.line()
    assert "pred=2" in empty.line("direct")
    figures = empty.as_dict()
    assert figures["lenient_p"] is None and figures["speaker_name_acc"] is None
    assert figures["n_pred"] == 2
    assert Scores(n_gold=1).as_dict()["lenient_r"] == 0.0
