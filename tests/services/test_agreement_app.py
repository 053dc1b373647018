"""Agreement orchestration: what counts, pairs in order, per annotator and per article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.model import Article, Quote
from annotator.services.agreement import compute_agreement, load_versions
from annotator.store.project import Project

T1 = "“Taxes will fall,” the minister said. “Not this year,” replied Ms Okafor. Markets rose."
T2 = "Nobody was quoted in this short note about the weather."


def _q(
    a: int,
    b: int,
    who: str,
    stance: str | None = None,
    status: str = "accepted",
    spk: tuple[int, int] | None = None,
) -> Quote:
    return Quote(
        content_spans=((a, b),),
        speaker_spans=(spk,) if spk else (),
        annotator=who,
        status=status,
        origin="manual",
        stance=stance,
        kind="direct",
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    a1, _ = p.add_article(Article("Taxes", T1))
    a2, _ = p.add_article(Article("Weather", T2))
    # ann and bob agree on the first quote, disagree on stance of the second
    p.add_annotation(a1, "ann", _q(0, 18, "ann", "support", spk=(19, 31)))
    p.add_annotation(a1, "ann", _q(38, 54, "ann", "oppose", spk=(63, 72)))
    p.add_annotation(a1, "bob", _q(0, 18, "bob", "support", spk=(23, 31)))
    p.add_annotation(a1, "bob", _q(38, 54, "bob", "neutral", spk=(63, 72)))
    # a rejected suggestion is not bob's quote
    p.add_annotation(a1, "bob", _q(73, 86, "bob", "neutral", status="rejected"))
    # cy only found one quote, and marked the empty article done
    p.add_annotation(a1, "cy", _q(1, 17, "cy", "support", spk=(19, 31)))
    p.set_progress(a2, "cy", "done")
    p.set_progress(a1, "cy", "done")
    yield p
    p.close()


def test_pairs_in_given_order_and_figures(project: Project) -> None:
    report = compute_agreement(project, ["bob", "ann", "cy"])
    assert [(p.a, p.b) for p in report.pairs] == [("bob", "ann"), ("bob", "cy"), ("ann", "cy")]
    bob_ann = report.pairs[0]
    assert bob_ann.quote_f1_lenient == 1.0 and bob_ann.quote_f1_jaccard == 1.0
    assert bob_ann.speaker_agreement == 1.0
    assert bob_ann.quotes_a == 2 and bob_ann.quotes_b == 2 and bob_ann.matched == 2
    # labels (support, neutral) vs (support, oppose): observed 1/2, expected 1/4 -> 1/3
    assert bob_ann.stance_kappa == pytest.approx(1 / 3)
    assert bob_ann.disagreements == 1
    ann_cy = report.pair("ann", "cy")
    assert ann_cy is not None
    # ann has 2, cy 1 (overlapping ann's first): P = 1, R = 1/2
    assert ann_cy.quote_f1_lenient == pytest.approx(2 / 3)
    assert report.stance_alpha is not None and -1.0 <= report.stance_alpha < 1.0


def test_what_counts(project: Project) -> None:
    loaded = load_versions(project, ["ann", "bob", "cy"])
    by_id = {a.id: a for a in loaded.articles}
    first = by_id[str(project.article_ids()[0])]
    assert len(first.versions["bob"]) == 2  # the rejected one is left out
    # the weather note counts for cy (done, nothing found) and for nobody else
    second = by_id[str(project.article_ids()[1])]
    assert set(second.versions) == {"cy"} and second.versions["cy"] == []


def test_per_annotator_and_per_article(project: Project) -> None:
    report = compute_agreement(project)
    assert report.annotators == ["ann", "bob", "cy"]
    cy = next(a for a in report.per_annotator if a.name == "cy")
    assert (cy.accepted, cy.articles_done, cy.articles_total, cy.progress) == (1, 2, 2, 1.0)
    bob = next(a for a in report.per_annotator if a.name == "bob")
    assert (bob.accepted, bob.rejected, bob.total) == (2, 1, 3)
    [row] = report.per_article  # the weather note has one annotator: nothing to compare
    assert row.title == "Taxes" and row.annotators == 3 and row.quotes == 2
    assert row.contested == 2 and row.disagreements > 0
    as_json = report.as_dict()
    assert set(as_json["pairs"][0]) >= {
        "a",
        "b",
        "quote_f1_lenient",
        "quote_f1_jaccard",
        "speaker_agreement",
        "stance_kappa",
    }


def test_unknown_or_too_few_annotators(project: Project) -> None:
    with pytest.raises(AnnotatorError, match="zoe"):
        compute_agreement(project, ["ann", "zoe"])
    single = compute_agreement(project, ["ann"])
    assert single.pairs == [] and single.stance_alpha is None
