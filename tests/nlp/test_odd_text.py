"""The detector survives any text: odd articles are reported and skipped, the rest detected.

Also checks that long and dense inputs (thousands of quotation marks in one paragraph, text
without spaces, emoji runs) give the same quotes as their short pieces, so the paths made
linear for long articles keep their meaning. Sizes are small here; speed is in
``bench/bench_detect_scale.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from annotator.cli import main
from annotator.nlp.detect import detect_texts, text_problem
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.nlp.quotemarks import find_segments
from tests.nlp.test_properties import check_quotes

GOOD_A = "“We will rebuild the bridge,” Mayor Ana Ruiz said."
GOOD_B = '"The river rose fast," said Tom Okafor, a farmer.'

ODD_TEXTS = [
    "Odd \ud800 text. “Fine,” Lee said.",  # a lone high surrogate inside
    "\udfff“Closed,” she said.",  # a lone low surrogate first
    "“Closed,” she said.\udbff",  # and last
    "Two halves \ud83d\ude00 of an emoji, as a broken JSON escape leaves them.",
]


def _run(nlp: Language, texts: list[str], n_process: int = 1) -> tuple[list, list]:
    errors: list[tuple[int, str]] = []
    found = list(
        detect_texts(
            nlp, texts, n_process=n_process, batch_size=2, on_error=lambda *e: errors.append(e)
        )
    )
    return found, errors


@pytest.mark.parametrize("odd", ODD_TEXTS)
def test_a_text_with_a_lone_surrogate_is_reported_and_the_others_detected(
    rules_nlp: Language, odd: str
) -> None:
    found, errors = _run(rules_nlp, [GOOD_A, odd, GOOD_B, odd])
    assert len(found) == 4
    assert found[1] == [] and found[3] == []
    assert [pos for pos, _msg in errors] == [1, 3]
    assert all("lone surrogate" in msg for _pos, msg in errors)
    assert [GOOD_A[a:b] for a, b in found[0][0].content_spans] == ["We will rebuild the bridge"]
    assert found[2][0].speaker_text == "Tom Okafor"


def test_odd_texts_in_forked_workers(rules_nlp: Language) -> None:
    texts = [GOOD_A, *ODD_TEXTS, GOOD_B]
    found, errors = _run(rules_nlp, texts, n_process=2)
    assert [pos for pos, _msg in errors] == [1, 2, 3, 4]
    assert len(found[0]) == 1 and len(found[-1]) == 1
    assert found[1:-1] == [[], [], [], []]


@pytest.mark.slow
def test_odd_texts_with_the_english_model(en_nlp: Language) -> None:
    found, errors = _run(en_nlp, [ODD_TEXTS[0], GOOD_B])
    assert [pos for pos, _msg in errors] == [0]
    assert found[0] == [] and found[1][0].speaker_name == "Tom Okafor"


def test_text_problem_names_the_offset_and_passes_good_text() -> None:
    assert text_problem("plain") is None
    assert text_problem("Café “déjà vu” 😀 \u200b\x00") is None
    problem = text_problem("abc\ud800")
    assert problem is not None and "character 3" in problem and "U+D800" in problem


_FAILING = "failing_for_the_tests"


@Language.component(_FAILING)
def _fail_on_boom(doc: Doc) -> Doc:
    if "BOOM" in doc.text:
        raise ValueError("the component broke")
    return doc


def test_a_text_that_breaks_the_pipeline_costs_only_itself() -> None:
    nlp = rules_only_pipeline()
    nlp.add_pipe(_FAILING, first=True)
    texts = [GOOD_A, "BOOM “Loud,” he said.", GOOD_B, GOOD_A]
    found, errors = _run(nlp, texts)
    assert [len(q) for q in found] == [1, 0, 1, 1]
    assert errors == [(1, "detection failed: ValueError: the component broke")]


def test_without_on_error_the_skip_is_logged(
    rules_nlp: Language, caplog: pytest.LogCaptureFixture
) -> None:
    found = list(detect_texts(rules_nlp, [ODD_TEXTS[0], GOOD_A]))
    assert found[0] == [] and len(found[1]) == 1
    assert "skipped text 0" in caplog.text and "lone surrogate" in caplog.text


def test_cli_detect_reports_the_article_and_keeps_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": GOOD_A},
        {"id": "odd", "text": ODD_TEXTS[0]},
        {"id": "b", "text": GOOD_B},
    ]
    # ensure_ascii writes the lone surrogate as the escape \ud800, as broken exports do
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(src), "-o", str(out), "--quiet"]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == ["a", "odd", "b"]
    assert len(lines[0]["quotes"]) == 1 and len(lines[2]["quotes"]) == 1
    assert lines[1]["quotes"] == [] and "lone surrogate" in lines[1]["error"]
    assert lines[1]["text"] == ODD_TEXTS[0]  # written back exactly as read
    err = capsys.readouterr().err
    assert f"{src}:2: article 'odd' not detected" in err
    assert "3 articles written" in err and "1 of them not detected" in err


# --- long and dense inputs keep their meaning ---------------------------------------------


def _shifted(quotes: list, shift: int) -> list[tuple]:
    return [
        (
            tuple((a + shift, b + shift) for a, b in q.content_spans),
            tuple((a + shift, b + shift) for a, b in q.speaker_spans),
            q.speaker_text,
            q.kind,
        )
        for q in quotes
    ]


@pytest.mark.parametrize(
    "unit",
    [
        '"Yes," he said. "No," Smith told reporters. ',  # many marks in one paragraph
        "“The dam holds,” said Vera Ng. ",
        "😀😀😀 “We won,” she said. 🎉👍🎉👍 ",  # emoji runs between quotes
    ],
)
def test_a_paragraph_of_many_quotes_gives_each_of_them(rules_nlp: Language, unit: str) -> None:
    (one,) = detect_texts(rules_nlp, [unit])
    assert one, "the unit itself has quotes"
    n = 150  # 300 to 600 quotation marks in a single paragraph
    (many,) = detect_texts(rules_nlp, [unit * n])
    expected = [row for k in range(n) for row in _shifted(one, k * len(unit))]
    assert _shifted(many, 0) == expected


STORMS = [
    'Quote:"abc,"said-Lee.Xyz' * 100,
    '"' * 2000,
    "“”" * 500 + "„" * 500,
    "''" * 1000 + " said Lee.",
    "x" * 5000,
    "😀" * 1000 + '"Hi," Ann said.',
]


def _storms_stay_sane(nlp: Language) -> None:
    found, errors = _run(nlp, STORMS)
    assert errors == []
    for text, quotes in zip(STORMS, found):
        check_quotes(text, quotes)
    assert [q.speaker_text for q in found[-1]] == ["Ann"]


def test_text_without_spaces_and_mark_storms_stay_sane(rules_nlp: Language) -> None:
    _storms_stay_sane(rules_nlp)


@pytest.mark.slow
def test_storms_with_the_english_model(en_nlp: Language) -> None:
    _storms_stay_sane(en_nlp)


def test_marks_inside_many_markup_tags_are_not_quotes() -> None:
    unit = '<a href="x.html"> "Go," she said. '
    n = 500
    segments = find_segments(unit * n)
    first = unit.index('"Go,"')
    assert [(s.start, s.end) for s in segments] == [
        (k * len(unit) + first, k * len(unit) + first + len('"Go,"')) for k in range(n)
    ]


ANY_CHARS = st.text(
    alphabet=st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from('"“”')),
    max_size=80,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANY_CHARS, min_size=1, max_size=5))
def test_any_texts_give_one_answer_each_and_never_raise(
    rules_nlp: Language, texts: list[str]
) -> None:
    errors: list[tuple[int, str]] = []
    found = list(detect_texts(rules_nlp, texts, batch_size=2, on_error=lambda *e: errors.append(e)))
    assert len(found) == len(texts)
    assert [pos for pos, _m in errors] == [i for i, t in enumerate(texts) if text_problem(t)]
    for text, quotes in zip(texts, found):
        check_quotes(text, quotes)


def test_marks_are_stripped_against_one_copy_of_the_text(
    rules_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doc.text joins every token: read per quote it made extraction quotes x tokens
    (a 100k-character article of short quotes took 10x its parse; bench_detect_scale)."""
    from annotator.nlp import quotes as quotes_mod

    seen: list[str] = []
    strip = quotes_mod._without_marks

    def spy(text: str, rec: object) -> object:
        seen.append(text)  # kept alive, so a fresh copy per quote would be a new object
        return strip(text, rec)  # type: ignore[arg-type]

    monkeypatch.setattr(quotes_mod, "_without_marks", spy)
    text = " ".join(f'"Point {i} stands," she said.' for i in range(5))
    with rules_nlp.select_pipes(disable=["annotator_quotes"]):
        doc = rules_nlp(text)
    found = quotes_mod.extract_quotes(doc, marks_inside=False)
    assert len(found) == 5 and len(seen) == 5
    assert all(t is seen[0] for t in seen)
