"""Tests of annotator.core.agreement: published worked examples and the reference scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Hashable, Mapping, Sequence
from itertools import permutations
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import (
    AnnotatedArticle,
    Disagreement,
    article_disagreements,
    cluster_quotes,
    cohen_kappa,
    compare_annotators,
    compare_pair,
    describe_differences,
    disagreement_counts,
    group_versions,
    krippendorff_alpha_nominal,
    match_quotes,
    same_speaker,
    stance_alpha,
    stance_units,
)
from annotator.core.model import Article, Quote
from annotator.io.quote_jsonl import iter_jsonl

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "eval" / "score_quotes.py"
MULTI = SHARED / "data" / "polnear" / "dev_multiannotator.jsonl"


def at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return (start, start + len(sub))


# ---- Cohen's kappa ------------------------------------------------------------------------


def table(yy: int, yn: int, ny: int, nn: int) -> list[tuple[str, str]]:
    """Rater pairs from a 2x2 table: (A yes, B yes), (A yes, B no), (A no, B yes), (A no, B no)."""
    return [("yes", "yes")] * yy + [("yes", "no")] * yn + [("no", "yes")] * ny + [("no", "no")] * nn


def test_cohen_kappa_wikipedia_worked_examples() -> None:
    # Wikipedia, "Cohen's kappa", simple example: 50 proposals, p_o = 0.7, p_e = 0.5
    assert cohen_kappa(table(20, 5, 10, 15)) == pytest.approx(0.4, abs=1e-12)
    # same page, "Same percentages but different numbers": both p_o = 0.6
    assert cohen_kappa(table(45, 15, 25, 15)) == pytest.approx(0.1304, abs=5e-5)
    assert cohen_kappa(table(25, 35, 5, 35)) == pytest.approx(0.2593, abs=5e-5)


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa([]) is None
    assert cohen_kappa([("support", "support")] * 3) is None  # undefined: p_e = 1
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0


# ---- Krippendorff's alpha -----------------------------------------------------------------

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: reliability
# data of 4 observers and 12 units, with missing values; nominal alpha = 0.743
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def units_of(
    matrix: Sequence[Sequence[float]], labels: Mapping[float, Hashable]
) -> list[dict[str, Hashable | None]]:
    names = ["A", "B", "C", "D", "E", "F"]
    return [
        {names[c]: (None if row[u] != row[u] else labels[row[u]]) for c, row in enumerate(matrix)}
        for u in range(len(matrix[0]))
    ]


def coincidence_alpha(units: Sequence[Mapping[str, Hashable | None]]) -> float:
    """Nominal alpha from the coincidence matrix, written out as in Krippendorff (2011)."""
    o: dict[tuple[Hashable, Hashable], float] = {}
    for unit in units:
        values = [v for v in unit.values() if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    o[(c, k)] = o.get((c, k), 0.0) + 1 / (m - 1)
    n_c: dict[Hashable, float] = {}
    for (c, _), w in o.items():
        n_c[c] = n_c.get(c, 0.0) + w
    n = sum(n_c.values())
    disagree = sum(w for (c, k), w in o.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    return 1 - (n - 1) * disagree / expected


def test_alpha_krippendorff_worked_example() -> None:
    labels = {1.0: "support", 2.0: "oppose", 3.0: "neutral", 4.0: "unclear", 5.0: "other"}
    alpha = krippendorff_alpha_nominal(units_of(KRIPPENDORFF_EXAMPLE, labels))
    assert alpha == pytest.approx(0.743, abs=5e-4)
    package = krippendorff.alpha(
        reliability_data=np.array(KRIPPENDORFF_EXAMPLE), level_of_measurement="nominal"
    )
    assert alpha == pytest.approx(package, abs=1e-12)
    assert alpha == pytest.approx(coincidence_alpha(units_of(KRIPPENDORFF_EXAMPLE, labels)))


def test_alpha_undefined_cases() -> None:
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([{"a": "x", "b": "x"}, {"a": "x", "b": None}]) is None
    assert krippendorff_alpha_nominal([{"a": "x"}, {"b": "y"}]) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {c: st.one_of(st.none(), st.sampled_from(["s", "o", "n"])) for c in "abcd"}
        ),
        min_size=1,
        max_size=25,
    )
)
def test_alpha_matches_the_package_and_the_coincidence_matrix(
    units: list[dict[str, str | None]],
) -> None:
    alpha = krippendorff_alpha_nominal(units)
    pairable = [u for u in units if sum(v is not None for v in u.values()) >= 2]
    if len({v for u in pairable for v in u.values() if v is not None}) < 2:
        assert alpha is None  # undefined: no variation among comparable labels
        return
    code = {"s": 0.0, "o": 1.0, "n": 2.0}
    data = np.array(
        [[np.nan if u[c] is None else code[u[c]] for u in units] for c in "abcd"]  # type: ignore[index]
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha == pytest.approx(expected, abs=1e-9)
    assert alpha == pytest.approx(coincidence_alpha(units), abs=1e-9)


# ---- matching, clusters, differences ----------------------------------------------------

TEXT = (
    'Flynn said "we will win this race easily," adding that polls lie. '
    "Trump said the debate was rigged. Pence agreed. Clinton said nothing new."
)


def quote(content: str, speaker: str | None = None, nth: int = 0, **kw: object) -> Quote:
    spans = (at(TEXT, speaker),) if speaker else ()
    return Quote(content_spans=(at(TEXT, content, nth),), speaker_spans=spans, **kw)  # type: ignore[arg-type]


def test_match_quotes_is_one_to_one_largest_overlap_first() -> None:
    a = [quote("we will win this race easily"), quote("polls lie")]
    b = [quote("win"), quote("we will win this race"), quote("polls")]
    assert match_quotes(a, b) == [(0, 1), (1, 2)]


def test_same_speaker_prefers_canonical_names() -> None:
    flynn = quote("polls lie", "Flynn", speaker_name="Michael Flynn")
    assert same_speaker(flynn, quote("polls lie", "Trump", speaker_name=" michael FLYNN"))
    assert not same_speaker(flynn, quote("polls lie", "Flynn", speaker_name="Mike Pence"))
    assert same_speaker(flynn, quote("polls lie", "Flynn"))  # one name missing: spans
    assert not same_speaker(flynn, quote("polls lie", "Trump"))
    assert same_speaker(quote("polls lie"), quote("polls"))  # neither has a speaker
    assert not same_speaker(quote("polls lie"), flynn)


def test_describe_differences_phrases() -> None:
    a = quote('"we will win this race easily,"', "Flynn", kind="direct", stance="support")
    assert describe_differences(a, a, TEXT) == []
    assert describe_differences(a, None, TEXT, "alice", "bob") == ["only in alice's"]
    shorter = a.with_(content_spans=(at(TEXT, "we will win this race"),))
    assert describe_differences(a, shorter, TEXT) == ["boundary differs by 1 word"]
    three = a.with_(content_spans=(at(TEXT, '"we will win'),))
    assert describe_differences(a, three, TEXT) == ["boundary differs by 3 words"]
    marks = a.with_(content_spans=(at(TEXT, "we will win this race easily"),))
    assert describe_differences(a, marks, TEXT) == [
        "boundary differs only in punctuation or spacing"
    ]
    he = a.with_(speaker_spans=(at(TEXT, "Trump"),))
    assert describe_differences(a, he, TEXT) == ["same quote, different speaker (Flynn vs Trump)"]
    both = shorter.with_(speaker_spans=(), kind="mixed", stance="oppose")
    assert describe_differences(a, both, TEXT, "alice", "bob") == [
        "boundary differs by 1 word",
        "different speaker (Flynn vs none)",
        "kind direct vs mixed",
        "stance support vs oppose",
    ]
    assert describe_differences(a, a.with_(stance=None), TEXT) == ["stance support vs none"]
    cued = a.with_(cue_spans=(at(TEXT, "said"),))
    assert describe_differences(a, cued, TEXT) == ["different cue"]


def test_pair_on_one_article_counts_by_hand() -> None:
    a = [
        quote("we will win this race easily", "Flynn", stance="support"),
        quote("the debate was rigged", "Trump", stance="oppose"),
        quote("nothing new", "Clinton", stance="neutral"),
    ]
    b = [
        quote("we will win this race easily", "Flynn", stance="support"),
        quote("the debate was rigged", "Pence", stance="support"),
        quote("polls lie", "Flynn", stance="oppose"),
    ]
    r = compare_pair("x", TEXT, a, b)
    assert (r.matched, r.speaker_agree, r.disagreements) == (2, 1, 3)
    assert r.lenient_f1 == pytest.approx(2 / 3) and r.jaccard_f1 == pytest.approx(2 / 3)
    assert r.speaker_span_acc == 0.5 and r.speaker_agreement == 0.5
    assert r.stance_pairs == [("support", "support"), ("oppose", "support")]
    # kappa of two pairs: p_o = 1/2; p_e = (1/2)(2/2) = 1/2 -> 0
    assert r.stance_kappa == pytest.approx(0.0)
    found = article_disagreements(TEXT, a, b, "alice", "bob")
    assert found == [
        Disagreement(None, 2, ("only in bob's",)),
        Disagreement(
            1, 1, ("same quote, different speaker (Trump vs Pence)", "stance oppose vs support")
        ),
        Disagreement(2, None, ("only in alice's",)),
    ]
    art = AnnotatedArticle("x", TEXT, {"alice": a, "bob": b, "carol": []})
    assert disagreement_counts([art], "alice", "bob") == {"x": 3}
    assert disagreement_counts([art], "alice", "dave") == {}
    total = compare_annotators([art, art], "alice", "bob")
    assert (total.matched, total.disagreements, total.scores.n_gold) == (4, 6, 6)
    assert compare_annotators([art], "alice", "carol").lenient_f1 == 0.0


def test_clusters_hold_one_quote_per_annotator_and_give_stance_alpha() -> None:
    versions = {
        "a": [
            quote("we will win this race", stance="support"),
            quote("polls lie", stance="oppose"),
        ],
        "b": [quote("win this race easily", stance="support"), quote("polls", stance="oppose")],
        # two quotes of c both overlap a's first quote: only the larger joins it
        "c": [quote("we will", stance="oppose"), quote("win this race", stance="support")],
    }
    clusters = cluster_quotes(versions)
    assert clusters == [{"c": 0}, {"a": 0, "b": 0, "c": 1}, {"a": 1, "b": 1}]
    art = AnnotatedArticle("x", TEXT, versions)
    assert stance_units([art]) == [
        {"c": "oppose"},
        {"a": "support", "b": "support", "c": "support"},
        {"a": "oppose", "b": "oppose"},
    ]
    assert stance_alpha([art]) == pytest.approx(1.0)
    versions["b"][1] = versions["b"][1].with_(stance="support")
    alpha = stance_alpha([AnnotatedArticle("x", TEXT, versions)])
    units = stance_units([AnnotatedArticle("x", TEXT, versions)])
    assert alpha == pytest.approx(coincidence_alpha(units))
    assert alpha is not None and alpha < 1


def test_group_versions_splits_lines_by_annotator() -> None:
    q1 = quote("polls lie", annotator="a")
    q2 = quote("polls", annotator="b")
    arts = [
        Article("t", TEXT, ext_id="x", quotes=[q1]),
        Article("t", TEXT, ext_id="x", quotes=[q2]),
        Article("t", TEXT, ext_id="y", quotes=[q1, q2]),
    ]
    grouped = group_versions(arts)
    assert [(g.id, dict(g.versions)) for g in grouped] == [
        ("x", {"a": [q1], "b": [q2]}),
        ("y", {"a": [q1], "b": [q2]}),
    ]


# ---- against the reference scorer on six real annotators ----------------------------------


@pytest.mark.skipif(
    not (REFERENCE.exists() and MULTI.exists()), reason="../shared (reference scorer, data) absent"
)
def test_pairwise_agreement_equals_reference_scorer(tmp_path: Path) -> None:
    lines = [json.loads(x) for x in MULTI.read_text(encoding="utf-8").splitlines() if x]
    by_annotator: dict[str, list[str]] = {}
    for line in lines:
        (name,) = {q["annotator"] for q in line["quotes"]}
        by_annotator.setdefault(name, []).append(json.dumps(line))
    names = sorted(by_annotator)
    assert len(names) == 6
    files = {}
    for name in names:
        files[name] = tmp_path / f"{name}.jsonl"
        files[name].write_text("\n".join(by_annotator[name]) + "\n", encoding="utf-8")
    articles = group_versions(a for a in iter_jsonl(MULTI) if isinstance(a, Article))
    assert len(articles) == 2
    compared = 0
    for gold in names:
        out = tmp_path / f"ref-{gold}.json"
        preds = [str(files[n]) for n in names if n != gold]
        subprocess.run(
            [
                sys.executable,
                str(REFERENCE),
                str(files[gold]),
                *preds,
                "--json",
                str(out),
                "--no-spacy",
            ],
            check=True,
            capture_output=True,
        )
        ref = json.loads(out.read_text())
        for pred in names:
            if pred == gold:
                continue
            want = ref[str(files[pred])]["all"]
            got = compare_annotators(articles, gold, pred)
            assert got.lenient_f1 == pytest.approx(want["lenient"][2], abs=1e-9)
            assert got.jaccard_f1 == pytest.approx(want["j50"][2], abs=1e-9)
            assert got.speaker_span_acc == pytest.approx(want["spk_span_acc"], abs=1e-9)
            assert got.scores.n_gold == want["n_gold"] and got.scores.n_pred == want["n_pred"]
            compared += 1
    assert compared == len(list(permutations(names, 2))) == 30
