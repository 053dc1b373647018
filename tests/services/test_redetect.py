"""Re-detecting undecided articles, the detector choice, and the next most useful article
(issue 13): rows in the project, checked before and after."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.model import Article, Quote
from annotator.nlp.detect import DETECTOR_VERSION
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.services.detection import (
    articles_to_detect,
    next_most_useful,
    redetect_undecided,
    undecided_articles,
)
from annotator.services.project_settings import detector_choice, set_detector_choice
from annotator.store.learning import most_doubtful, most_uncertain, replace_open_suggestions
from annotator.store.project import Project

OLD = "old detector 0.1"
# every text has one direct quote the rules find, and a clause they do not
TEXTS = {
    "fresh": "“The bridge will reopen in May,” said engineer Ana Silva. Costs rose.",
    "decided": "“Prices will fall,” said trader Bo Lind. The market was calm.",
    "pending": "“We need more nurses,” said Dr Kim Park. Hospitals agreed.",
    "done": "“Nothing changes,” said mayor Eva Holm. The council met.",
}


def span(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def q(text: str, sub: str, conf: float | None = 0.5, kind: str = "indirect") -> Quote:
    return Quote(content_spans=(span(text, sub),), kind=kind, confidence=conf)


def rows(project: Project, table: str) -> list[dict[str, Any]]:
    return list(project.db.query(f"SELECT * FROM {table} ORDER BY id"))


@pytest.fixture
def project(tmp_path: Path) -> Any:
    with Project.open(tmp_path / "p.db") as p:
        yield p


def build(p: Project) -> dict[str, int]:
    ids = {k: p.add_article(Article(k, t, {}))[0] for k, t in TEXTS.items()}
    for key, text in TEXTS.items():
        p.set_suggestions(ids[key], OLD, [q(text, "Costs rose" if key == "fresh" else ".")])
    t = TEXTS["decided"]
    (s,) = p.set_suggestions(ids["decided"], OLD, [q(t, "The market was calm")])
    p.add_annotation(ids["decided"], "alice", accepted(q(t, "Prices will fall")), None)
    t = TEXTS["pending"]
    kept, _other = p.set_suggestions(
        ids["pending"], OLD, [q(t, "We need more nurses", kind="direct"), q(t, "Hospitals")]
    )
    pending = Quote(content_spans=(span(t, "We need more nurses"),), kind="direct")
    p.add_annotation(ids["pending"], "bob", pending, kept)
    p.set_progress(ids["done"], "bob", "done")
    return ids


def accepted(quote: Quote) -> Quote:
    return replace(quote, status="accepted", origin="manual", confidence=None)


def test_only_undecided_articles_get_new_suggestions(project: Project) -> None:
    ids = build(project)
    assert undecided_articles(project) == [ids["fresh"], ids["pending"]]
    before_ann = rows(project, "annotations")
    before_sugg = {r["id"]: r for r in rows(project, "suggestions")}

    report = redetect_undecided(project, rules_only_pipeline())

    assert report.articles == 2
    after = rows(project, "suggestions")
    # decided articles: every suggestion row exactly as before
    for key in ("decided", "done"):
        old = [r for r in before_sugg.values() if r["article_id"] == ids[key]]
        assert [r for r in after if r["article_id"] == ids[key]] == old
    # undecided: the old open suggestions are gone, the new ones carry the model's version
    fresh = [r for r in after if r["article_id"] == ids["fresh"]]
    assert {r["detector_version"] for r in fresh} == {DETECTOR_VERSION}
    text = TEXTS["fresh"]
    assert [text[a:b] for r in fresh for a, b in _spans(r)] == ["The bridge will reopen in May"]
    # the suggestion bob's pending annotation points at stays, unduplicated; the other goes
    pend = [r for r in after if r["article_id"] == ids["pending"]]
    assert [r["detector_version"] for r in pend] == [OLD]
    assert pend[0]["id"] in before_sugg
    # annotations are never touched
    assert rows(project, "annotations") == before_ann
    assert report.kept == 1 and report.added == 1 and report.removed == 2
    # the rules' version counts as run there: "detect new articles" leaves them alone
    assert ids["fresh"] not in articles_to_detect(project)


def _spans(row: dict[str, Any]) -> list[list[int]]:
    import json

    return json.loads(row["content_spans"])


def test_redetect_twice_replaces_its_own_suggestions(project: Project) -> None:
    ids = build(project)
    redetect_undecided(project, rules_only_pipeline(), [ids["fresh"]])
    first = [r for r in rows(project, "suggestions") if r["article_id"] == ids["fresh"]]
    redetect_undecided(project, rules_only_pipeline(), [ids["fresh"]])
    second = [r for r in rows(project, "suggestions") if r["article_id"] == ids["fresh"]]
    assert len(first) == len(second) == 1
    assert first[0]["detector_version"] == second[0]["detector_version"] == DETECTOR_VERSION
    assert first[0]["created_at"] <= second[0]["created_at"]


def test_cancel_keeps_the_articles_done(project: Project) -> None:
    ids = build(project)
    before = rows(project, "suggestions")
    report = redetect_undecided(project, rules_only_pipeline(), cancel=lambda: True)
    assert report.articles == 0
    assert rows(project, "suggestions") == before
    assert ids


def test_the_detector_choice_is_a_project_setting(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        assert detector_choice(p) is None
        assert set_detector_choice(p, "my model", "alice") is True
        assert set_detector_choice(p, "my model", "alice") is False
    with Project.open(path) as p:
        assert detector_choice(p) == "my model"
        assert set_detector_choice(p, "  ", "alice") is True
        assert detector_choice(p) is None
        p.set_setting("detector_model", 42)  # a foreign file's odd value: rules
        assert detector_choice(p) is None


def doubt_project(p: Project, confidences: dict[str, list[float | None]]) -> dict[str, int]:
    ids = {}
    for key, confs in confidences.items():
        text = f"Article {key}. " + " ".join(f"Clause {i} is here." for i in range(len(confs)))
        aid = ids[key] = p.add_article(Article(key, text, {}))[0]
        quotes = [q(text, f"Clause {i} is here", c) for i, c in enumerate(confs)]
        p.set_suggestions(aid, OLD, quotes)
    return ids


def test_next_most_useful_is_the_least_certain_undecided_article(project: Project) -> None:
    ids = doubt_project(
        project,
        {
            "sure": [0.95, 0.9, 0.97],
            "unsure": [0.5, 0.45, 0.6],
            "one": [0.5],
            "decided": [0.5, 0.5, 0.5, 0.5],
            "done": [0.5, 0.5, 0.5, 0.5],
            "unknown": [None, None],
        },
    )
    t = project.article(ids["decided"]).text
    project.add_annotation(ids["decided"], "alice", accepted(q(t, "Article decided")))
    project.set_progress(ids["done"], "bob", "done")

    best = next_most_useful(project)
    assert best is not None and best.article_id == ids["unsure"]
    assert "3 open suggestions" in best.reason and "3 near 0.5" in best.reason
    ranked = [d.article_id for d in most_doubtful(project, limit=10)]
    assert ranked == [ids["unsure"], ids["one"], ids["sure"]]
    # the open article is left out: the next one after it
    nxt = next_most_useful(project, exclude=ids["unsure"])
    assert nxt is not None and nxt.article_id == ids["one"]


def test_decided_suggestions_and_older_runs_do_not_count(project: Project) -> None:
    ids = doubt_project(project, {"a": [0.5, 0.5, 0.9], "b": [0.6, 0.6]})
    # two of a's doubtful suggestions get a pending annotation: no longer open
    a_sugg = project.suggestions(ids["a"])
    for s in a_sugg[:2]:
        project.add_annotation(ids["a"], "alice", s.quote, s.id)
    best = next_most_useful(project)
    assert best is not None and best.article_id == ids["b"]
    # b is re-run by a newer, sure detector: only that run counts
    text = project.article(ids["b"]).text
    project.set_suggestions(ids["b"], "newer 2", [q(text, "Clause 0 is here", 0.99)])
    best = next_most_useful(project)
    assert best is not None and best.article_id == ids["a"]


def test_no_useful_article_without_confidences(project: Project) -> None:
    doubt_project(project, {"x": [None]})
    assert next_most_useful(project) is None


@Language.component("test_boom")
def _boom(doc: Doc) -> Doc:
    if "BOOM" in doc.text:
        raise RuntimeError("this text breaks the pipeline")
    return doc


def test_a_text_the_pipeline_fails_on_keeps_its_suggestions(project: Project) -> None:
    ids = build(project)
    broken = "“Fine,” said Al. BOOM."
    bad, _ = project.add_article(Article("broken", broken, {}))
    (old,) = project.set_suggestions(bad, OLD, [q(broken, "Fine")])
    nlp = rules_only_pipeline()
    nlp.add_pipe("test_boom", first=True)
    report = redetect_undecided(project, nlp, [ids["fresh"], bad])
    assert report.articles == 2
    assert [s.id for s in project.suggestions(bad)] == [old]
    (fresh,) = project.suggestions(ids["fresh"])
    assert fresh.detector_version == DETECTOR_VERSION


def test_the_models_uncertainty_ranks_first_and_is_replaced(project: Project) -> None:
    ids = doubt_project(project, {"a": [0.5, 0.5], "b": [0.9], "c": [0.8], "d": [0.7]})
    text = {k: project.article(v).text for k, v in ids.items()}
    model = "annotator_quotes 1.2 + tiny@0123abcd"
    # b and c were re-detected by a model: its figures rank them ahead of a's doubt
    for key, unc in (("b", 0.05), ("c", 0.2)):
        replace_open_suggestions(
            project, ids[key], model, [q(text[key], "Clause 0 is here", 0.9)], uncertainty=unc
        )
    best = next_most_useful(project)
    assert best is not None and best.article_id == ids["c"]
    assert best.reason == "tiny is least sure here (uncertainty 0.200 of 0.5)"
    assert [m.article_id for m in most_uncertain(project, limit=5)] == [ids["c"], ids["b"]]
    # c decided: b next; b excluded (open): back to the suggestions' doubt, a first
    t = text["c"]
    project.add_annotation(ids["c"], "alice", accepted(q(t, "Clause 0 is here")))
    nxt = next_most_useful(project)
    assert nxt is not None and nxt.article_id == ids["b"] and nxt.uncertainty == 0.05
    fallback = next_most_useful(project, exclude=ids["b"])
    assert fallback is not None and fallback.article_id == ids["a"]
    assert fallback.uncertainty is None and fallback.reason.startswith("least sure here")
    # a later run without a model's figure (the rules) drops b's old figure
    replace_open_suggestions(project, ids["b"], DETECTOR_VERSION, [])
    assert most_uncertain(project, limit=5) == []
    # out-of-range figures are clamped into 0..0.5, never refused
    replace_open_suggestions(project, ids["d"], model, [], uncertainty=0.7)
    assert most_uncertain(project)[0].uncertainty == 0.5
