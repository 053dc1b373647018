"""Quotes with origin ``model`` and no annotator are imported as suggestions (PRODUCT.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.services.importing import FALLBACK_ANNOTATOR, import_paths
from annotator.services.suggestion_import import IMPORTED_DETECTOR
from annotator.store.project import Project

TEXT = (
    'Harbour news\n\n"The cranes stay until May," said Pia Holm. '
    "“Nobody asked us,” a docker said. Pia Holm runs the port."
)


def _span(part: str) -> list[int]:
    start = TEXT.index(part)
    return [start, start + len(part)]


def _quote(content: str, **extra: Any) -> dict[str, Any]:
    return {"content_spans": [_span(content)], "kind": "direct", **extra}


CRANES = '"The cranes stay until May,"'
NOBODY = "“Nobody asked us,”"


def _write(path: Path, quotes: list[dict[str, Any]], text: str = TEXT) -> Path:
    row = {"id": "h1", "title": "Harbour news", "text": text, "quotes": quotes}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "p.db") as p:
        yield p


@pytest.mark.parametrize("annotator", [None, "carol"])
def test_model_quotes_without_annotator_become_suggestions(
    project: Project, tmp_path: Path, annotator: str | None
) -> None:
    src = _write(
        tmp_path / "mixed.jsonl",
        [
            _quote(CRANES, origin="model", status="pending", confidence=0.8),
            _quote(NOBODY, origin="model", confidence=0.35, detector_version="other 2.0"),
            _quote(CRANES, origin="model", annotator="alice", status="accepted"),
            _quote(NOBODY, origin="manual"),
        ],
    )
    report = import_paths(project, [src], annotator=annotator)
    (file_report,) = report.files
    assert (file_report.suggestions_added, file_report.quotes_added) == (2, 2)
    assert "imported 1 article, 2 quotes and 2 suggestions" in file_report.line()
    assert "1 article, 2 quotes and 2 suggestions" in report.summary()
    (aid,) = project.article_ids()
    imported = project.suggestions(aid, IMPORTED_DETECTOR)
    other = project.suggestions(aid, "other 2.0")
    assert [(s.quote.content_spans, s.quote.confidence) for s in imported] == [
        ((tuple(_span(CRANES)),), 0.8)
    ]
    assert [(s.quote.content_spans, s.quote.confidence) for s in other] == [
        ((tuple(_span(NOBODY)),), 0.35)
    ]
    # only the quotes that name an annotator, or were made by hand, are annotations
    owners = sorted((r.quote.annotator, r.quote.origin) for r in project.annotations(aid))
    assert owners == [("alice", "model"), (annotator or FALLBACK_ANNOTATOR, "manual")]
    # suggestions are nobody's: an annotator without quotes of their own has those of the
    # newest detector run open (the window shows one run)
    newest = project.suggestions(aid)
    assert [s.detector_version for s in newest] == ["other 2.0"]
    for who in ("bob", "zoe"):
        (summary,) = project.article_summaries(who)
        assert (summary.quotes_total, summary.n_annotations, summary.quotes_done) == (1, 0, 0)


def test_importing_suggestions_twice_adds_nothing_and_keeps_decisions_linked(
    project: Project, tmp_path: Path
) -> None:
    src = _write(tmp_path / "s.jsonl", [_quote(CRANES, origin="model", confidence=0.9)])
    import_paths(project, [src])
    (aid,) = project.article_ids()
    (sugg,) = project.suggestions(aid)
    decided = project.add_annotation(
        aid, "bob", sugg.quote.with_(annotator="bob", status="accepted"), suggestion_id=sugg.id
    )
    again = import_paths(project, [src])
    assert (again.suggestions_added, again.files[0].suggestions_present) == (0, 1)
    assert again.files[0].status == "skipped"
    assert [s.id for s in project.suggestions(aid)] == [sugg.id]
    assert project.annotation(decided).suggestion_id == sugg.id

    # a newer file from the same detector replaces that detector's suggestions
    newer = _write(
        tmp_path / "newer.jsonl",
        [_quote(CRANES, origin="model", confidence=0.9), _quote(NOBODY, origin="model")],
    )
    report = import_paths(project, [newer])
    assert (report.suggestions_added, report.files[0].suggestions_present) == (1, 1)
    assert len(project.suggestions(aid, IMPORTED_DETECTOR)) == 2


def test_output_of_detect_imports_as_suggestions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "in.jsonl", [])
    out = tmp_path / "detected.jsonl"
    assert main(["detect", str(src), "-o", str(out), "--model", "rules-only", "--quiet"]) == 0
    detected = json.loads(out.read_text(encoding="utf-8"))["quotes"]
    assert len(detected) >= 2 and {q["origin"] for q in detected} == {"model"}
    db = tmp_path / "p.db"
    assert main(["import", str(db), str(out), "--annotator", "dana", "--quiet"]) == 0
    assert f"and {len(detected)} suggestions" in capsys.readouterr().out
    with Project.open(db) as project:
        (aid,) = project.article_ids()
        assert project.annotations(aid) == []
        assert project.annotators() == []
        stored = project.suggestions(aid)
        assert [list(s.quote.content_spans[0]) for s in stored] == [
            q["content_spans"][0] for q in detected
        ]
        assert [s.quote.speaker_name for s in stored] == [q["speaker_name"] for q in detected]
