"""Long texts are parsed in pieces (bounded memory) and give the quotes of one whole parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.nlp import detect
from annotator.nlp.detect import cut_pieces, detect_texts
from annotator.nlp.pipeline import load_pipeline, rules_only_pipeline
from tests.conftest import HELD_OUT, tiny_training_articles


@pytest.mark.parametrize(
    "text",
    [
        "First paragraph here.\n\nSecond one follows.\n\n" * 40,
        "One line after another.\n" * 60,
        "A sentence. " * 90,
        "x" * 1000,  # no space at all: hard cuts
        "\U0001f600" * 700 + " tail",  # a long emoji run
        "short",
    ],
)
def test_pieces_join_to_the_text_and_respect_the_size(text: str) -> None:
    pieces = cut_pieces(text, 200)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= 200 for p in pieces)


def test_pieces_end_at_a_paragraph_break_when_there_is_one() -> None:
    text = ("word " * 20 + "\n\n") * 10
    pieces = cut_pieces(text, 250)
    assert len(pieces) > 1
    assert all(p.endswith("\n\n") for p in pieces[:-1])


def _long_article() -> str:
    paragraphs = []
    for k in range(30):
        paragraphs.append(f"Councillor Dana Whitfield{k} spoke to reporters on day {k}.")
        paragraphs.append(f"“We will rebuild bridge number {k},” she said. “Then the school.”")
    return "\n\n".join(paragraphs)


def _same_quotes_whole_and_in_pieces(
    nlp: object, text: str, monkeypatch: pytest.MonkeyPatch
) -> list[object]:
    [whole] = list(detect_texts(nlp, [text]))  # type: ignore[arg-type]
    monkeypatch.setattr(detect, "PIECE_CHARS", 300)
    assert len(cut_pieces(text)) > 5
    [pieced] = list(detect_texts(nlp, [text]))  # type: ignore[arg-type]
    assert pieced == whole
    return list(whole)


def test_rules_find_the_same_quotes_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _long_article()
    quotes = _same_quotes_whole_and_in_pieces(rules_only_pipeline(), text, monkeypatch)
    assert len(quotes) == 30  # every paragraph's quote, two fragments each
    assert all(len(q.content_spans) == 2 for q in quotes)  # type: ignore[attr-defined]


def test_a_trained_models_fragments_survive_the_pieces(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp, _ = load_pipeline(str(tiny_model), strict=True)
    texts = [t for t, _ in tiny_training_articles(12)] + [HELD_OUT]
    text = "\n\n".join(texts * 3)
    quotes = _same_quotes_whole_and_in_pieces(nlp, text, monkeypatch)
    # the model's reported speech in each copy of the held-out text (the rules miss it)
    starts = [i for i in range(len(text)) if text.startswith(HELD_OUT, i)]
    assert len(starts) == 3
    for start in starts:
        assert any(
            start <= q.content_spans[0][0] < start + len(HELD_OUT)  # type: ignore[attr-defined]
            for q in quotes
        )
    uncertainties = list(detect.text_uncertainties(nlp, [text]))
    assert uncertainties[0] is not None
