"""Texts longer than spaCy's ``max_length`` are searched to their end (tester18 T15): in
sections cut at paragraph breaks, with the quotes' offsets into the whole text. The cap
is set small here for speed; one real 1,200,000-character text is marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.nlp.detect import detect_texts, sections
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.services.detection import detect_articles, redetect_undecided
from annotator.store.project import Project


def _article(n: int = 40, sep: str = "\n\n") -> str:
    out = []
    for k in range(n):
        out.append(f"Councillor Dana Whitfield{k} spoke to reporters on day {k}.")
        out.append(f"“We will rebuild bridge number {k},” Whitfield{k} said.")
    return sep.join(out)


def _contents(text: str, quotes: list[Quote]) -> set[str]:
    return {"".join(text[a:b] for a, b in q.content_spans) for q in quotes}


def _bridges(text: str, quotes: list[Quote]) -> set[int]:
    found = set()
    for content in _contents(text, quotes):
        words = content.replace(",", " ").split()
        if "bridge" in words:
            found.add(int(words[words.index("number") + 1]))
    return found


@pytest.fixture
def nlp():  # type: ignore[no-untyped-def]
    return rules_only_pipeline()


@pytest.mark.parametrize("cap", [600, 1_500, 2_100])
def test_every_quote_is_found_past_the_cap(nlp, cap: int) -> None:  # type: ignore[no-untyped-def]
    text = _article()
    assert len(text) > 2 * cap
    [whole] = list(detect_texts(nlp, [text]))
    assert _bridges(text, whole) == set(range(40))
    nlp.max_length = cap
    [cut] = list(detect_texts(nlp, [text]))
    # the cuts fall at paragraph breaks, between one article's paragraphs: same quotes
    assert _bridges(text, cut) == set(range(40))
    assert _contents(text, cut) == _contents(text, whole)
    # the offsets point into the whole text: each speaker span reads the speaker's name
    for q in cut:
        (content,) = _contents(text, [q])
        k = content.split("number ")[1].split(",")[0]
        assert [text[a:b] for a, b in q.speaker_spans] == [f"Whitfield{k}"]


def test_texts_over_and_under_the_cap_keep_their_order(nlp) -> None:  # type: ignore[no-untyped-def]
    long = _article()
    short = "“The ferry is cancelled,” said Captain Mira Holt.\n\nNothing else."
    nlp.max_length = 2_000
    results = list(detect_texts(nlp, [short, long, "", short, long]))
    assert len(results) == 5
    assert _contents(short, results[0]) == {"The ferry is cancelled"}
    assert _bridges(long, results[1]) == set(range(40))
    assert results[2] == []
    assert results[3] == results[0]
    assert results[4] == results[1]


def test_a_text_without_paragraph_breaks_is_cut_anyway(nlp) -> None:  # type: ignore[no-untyped-def]
    text = _article(sep=" ")
    nlp.max_length = 1_200
    parts = sections(text, 1_200)
    assert len(parts) > 2 and "".join(p for _s, p in parts) == text
    assert all(len(p) <= 1_200 for _s, p in parts)
    assert [s for s, _p in parts] == [sum(len(p) for _s, p in parts[:i]) for i in range(len(parts))]
    [cut] = list(detect_texts(nlp, [text]))
    # a sentence end is the cut when there is no line break: at most a quote per cut lost
    assert len(_bridges(text, cut)) >= 40 - (len(parts) - 1)
    assert 39 in _bridges(text, cut)  # the end of the text is searched
    assert all(0 <= a < b <= len(text) for q in cut for a, b in q.content_spans)


def test_a_failing_section_is_reported_with_its_place(nlp) -> None:  # type: ignore[no-untyped-def]
    text = _article() + "\n\nbad \udcff surrogate"
    nlp.max_length = 2_000
    problems: list[tuple[int, str]] = []
    [found] = list(detect_texts(nlp, [text], on_error=lambda i, m: problems.append((i, m))))
    assert len(problems) == 1 and problems[0][0] == 0
    assert "the part from character" in problems[0][1]
    # the other sections' quotes are kept; the failing one's are not
    assert set(range(30)) <= _bridges(text, found) != set(range(40))


@pytest.mark.parametrize("cancel", [None, lambda: False], ids=["batch", "polled"])
def test_a_project_stores_the_quotes_past_the_cap(
    tmp_path: Path,
    nlp,  # type: ignore[no-untyped-def]
    cancel: object,
) -> None:
    text = _article()
    nlp.max_length = 2_000
    with Project.open(tmp_path / "p.db") as project:
        aid, _ = project.add_article(Article("Bridges", text, {}))
        assert detect_articles(project, nlp, [aid]) == 1
        stored = [s.quote for s in project.suggestions(aid)]
        assert _bridges(text, stored) == set(range(40))
        # re-detection (the window's "detect again") goes through its own path
        report = redetect_undecided(project, nlp, [aid], cancel=cancel)  # type: ignore[arg-type]
        assert report.articles == 1
        again = [s.quote for s in project.suggestions(aid)]
        assert _bridges(text, again) == set(range(40))


@pytest.mark.slow
def test_a_real_text_over_a_million_characters(nlp) -> None:  # type: ignore[no-untyped-def]
    filler = "The committee met again and the minutes were read aloud.\n\n" * 20_500
    text = 'Anna Berg said "we start today".\n\n' + filler + 'Carl Olsen said "we finish tomorrow".'
    assert len(text) > nlp.max_length == 1_000_000
    [found] = list(detect_texts(nlp, [text]))
    assert {"we start today", "we finish tomorrow"} <= {
        c.strip('".') for c in _contents(text, found)
    }
