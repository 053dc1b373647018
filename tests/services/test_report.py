"""Quote reports: figures equal plain SQL counts; CSV, JSON and HTML outputs; the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.model import Article, Quote
from annotator.services.report import build_report, choose_source, report_csv
from annotator.store.project import Project
from annotator.store.reports import QuoteSource

ARTICLES = [
    (
        "Toll bridge",
        {"publisher": "Daily Star", "date": "2024-03-02"},
        "“Tolls must go,” said Marcus Obi. “No,” said Helen Brandt. Obi left. Brandt stayed.",
    ),
    (
        "Port",
        {"publisher": "Harbour News", "date": "2024-04-11"},
        "“We will not sell,” said Iain Ross. The union said it would strike. Ross agreed.",
    ),
]


def _q(
    text: str,
    piece: str,
    who: str,
    name: str | None,
    kind: str,
    stance: str | None,
    target: str | None = None,
) -> Quote:
    start = text.index(piece)
    return Quote(
        stance_target=target,
        content_spans=((start, start + len(piece)),),
        speaker_name=name,
        annotator=who,
        status="accepted",
        origin="manual",
        kind=kind,
        stance=stance,
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    (t1, m1, x1), (t2, m2, x2) = ARTICLES
    a1, _ = p.add_article(Article(t1, x1, meta=m1))
    a2, _ = p.add_article(Article(t2, x2, meta=m2))
    tolls = "bridge tolls"
    p.add_annotation(
        a1, "ann", _q(x1, "Tolls must go", "ann", "Marcus Obi", "direct", "oppose", tolls)
    )
    p.add_annotation(a1, "ann", _q(x1, "No", "ann", "Helen Brandt", "direct", "support", tolls))
    p.add_annotation(a2, "ann", _q(x2, "We will not sell", "ann", "Iain Ross", "direct", None))
    p.add_annotation(a2, "ann", _q(x2, "it would strike", "ann", "Port union", "indirect", None))
    p.add_annotation(a2, "bob", _q(x2, "We will not sell", "bob", "Iain Ross", "direct", None))
    rejected = _q(x2, "Ross agreed", "ann", "Iain Ross", "indirect", None)
    p.add_annotation(a2, "ann", Quote(**{**rejected.__dict__, "status": "rejected"}))
    pid = p.speaker_id("Port union")
    p.db.execute("UPDATE speakers SET kind = 'group', gender = 'unknown' WHERE id = ?", [pid])
    p.db.conn.commit()
    yield p
    p.close()


def _sql(project: Project, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in project.db.execute(sql).fetchall()]


def test_speaker_counts_equal_plain_sql(project: Project) -> None:
    report = build_report(project, QuoteSource(annotator="ann"))
    got = {r["value"]: (r["quotes"], r["articles"]) for r in report.tables["speaker"]}
    want = _sql(
        project,
        "SELECT s.name, count(*), count(DISTINCT a.article_id) FROM annotations a "
        "JOIN annotators n ON n.id = a.annotator_id LEFT JOIN speakers s ON s.id = a.speaker_id "
        "WHERE n.name = 'ann' AND a.status = 'accepted' GROUP BY s.name",
    )
    assert got == {name: (q, art) for name, q, art in want}
    assert report.total == 4
    assert sum(r["share"] for r in report.tables["speaker"]) == pytest.approx(1.0)


def test_publisher_month_kind_gender_stance(project: Project) -> None:
    report = build_report(project, QuoteSource(annotator="ann"))
    by = {d: {r["value"]: r["quotes"] for r in rows} for d, rows in report.tables.items()}
    assert by["publisher"] == {"Daily Star": 2, "Harbour News": 2}
    assert by["month"] == {"2024-03": 2, "2024-04": 2}
    assert by["kind"] == {"direct": 3, "indirect": 1}
    # the group has no gender: three quoted people, guessed from first names
    assert by["gender"] == {"male": 2, "female": 1}
    assert by["stance"] == {"oppose": 1, "support": 1, None: 2}
    obi = [r for r in report.stance_by_speaker if r["speaker"] == "Marcus Obi"]
    assert obi == [{"speaker": "Marcus Obi", "stance": "oppose", "quotes": 1}]
    assert by["target"] == {"bridge tolls": 2, None: 2}
    tolls = [r for r in report.stance_by_target if r["target"] == "bridge tolls"]
    assert sorted((r["stance"], r["quotes"]) for r in tolls) == [("oppose", 1), ("support", 1)]


def test_an_annotator_without_quotes_is_no_choice_to_make(tmp_path: Path) -> None:
    """A name that only opened the project (the first start's default name) does not make
    the report ask whose quotes to count (tester20 U11); a second name with quotes does."""
    with Project.open(tmp_path / "p.db") as p:
        aid, _ = p.add_article(Article("Tolls", 'Ms Lee said "no tolls" today.'))
        p.annotator_id("root")
        p.annotator_id("me")
        p.add_annotation(
            aid,
            "me",
            Quote(content_spans=((13, 21),), kind="direct", status="accepted", origin="manual"),
        )
        assert choose_source(p, None, False) == QuoteSource(annotator="me")
        p.add_annotation(
            aid,
            "root",
            Quote(content_spans=((13, 21),), kind="direct", status="rejected", origin="manual"),
        )
        with pytest.raises(AnnotatorError, match=r"me \(1\), root \(1\)"):
            choose_source(p, None, False)


def test_choose_source(project: Project) -> None:
    with pytest.raises(AnnotatorError, match=r"several annotators \(ann \(\d+\), bob \(\d+\)\)"):
        choose_source(project, None, False)
    with pytest.raises(AnnotatorError, match="no annotator 'zed'"):
        choose_source(project, "zed", False)
    assert choose_source(project, "bob", False) == QuoteSource(annotator="bob")
    # nobody has reviewed: --gold would count nothing, and says so instead
    with pytest.raises(AnnotatorError, match="no reviews"):
        choose_source(project, None, True)


def test_csv_table(project: Project) -> None:
    text = report_csv(build_report(project, QuoteSource(annotator="ann")), "speaker")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"speaker", "quotes", "share", "gender", "gender_guessed"}
    assert {r["speaker"]: int(r["quotes"]) for r in rows} == {
        "Marcus Obi": 1,
        "Helen Brandt": 1,
        "Iain Ross": 1,
        "Port union": 1,
    }


def test_report_cli_writes_html_json_csv(project: Project, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = str(project.path)
    html_out = tmp_path / "r.html"
    res = run_cli("report", path, "--annotator", "ann", "-o", str(html_out))
    assert res.returncode == 0, res.stderr
    page = html_out.read_text(encoding="utf-8")
    assert page.count("<svg") == 7 and "bridge tolls" in page
    assert "Marcus Obi" in page and "<script" not in page
    js = tmp_path / "r.json"
    assert (
        run_cli("report", path, "--annotator", "ann", "--by", "kind", "-o", str(js)).returncode == 0
    )
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["total_quotes"] == 4 and list(data["tables"]) == ["kind"]
    bad = run_cli("report", path, "-o", str(tmp_path / "x.csv"))
    assert bad.returncode == 1 and "several annotators" in bad.stderr
    assert not (tmp_path / "x.csv").exists()


def test_speakers_cli(project: Project, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("speakers", str(project.path), "--json")
    assert res.returncode == 0, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    # Iain Ross: ann's and bob's accepted versions (the rejected one does not count)
    assert rows["Iain Ross"]["quotes"] == 2 and rows["Iain Ross"]["articles"] == 1
    assert rows["Port union"]["type"] == "group"
    assert rows["Helen Brandt"]["gender"] == "female" and rows["Helen Brandt"]["gender_guessed"]
    text = run_cli("speakers", str(project.path)).stdout
    assert "female (guessed)" in text


def test_csv_export_carries_the_registry_type_and_gender(
    project: Project, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "q.csv"
    res = run_cli("export", str(project.path), "-f", "csv", "--annotator", "ann", "-o", str(out))
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    got = {
        r["speaker_name"]: (r["speaker_type"], r["speaker_gender"], r["speaker_gender_guessed"])
        for r in rows
    }
    assert got["Port union"] == ("group", "unknown", "0")
    assert got["Helen Brandt"] == ("person", "female", "1")  # type guessed from the name
    # a merge shows at once in the export: the canonical name follows the registry
    from annotator.services.speakers import plan_merge

    ids = {sp.name: sp.id for sp in project.speakers()}
    plan_merge(project, ids["Iain Ross"], [ids["Port union"]]).apply(project)
    res = run_cli("export", str(project.path), "-f", "csv", "--annotator", "ann", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sorted(r["speaker_name"] for r in rows) == [
        "Helen Brandt",
        "Iain Ross",
        "Iain Ross",
        "Marcus Obi",
    ]
