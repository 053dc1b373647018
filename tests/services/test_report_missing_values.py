"""``annotator report``: a missing value is "(none)" in CSV (as in HTML) and null in JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project
from tests.conftest import CliRunner

#: Three articles: one with full metadata, one without any, one with blank strings.
FULL = "“The dam holds,” said Engineer Tove Lind. A clerk said the gates were shut."
BARE = "“Fish came back,” the warden said. Nobody else spoke about the river that week."
BLANK = "“Bring boots,” said Coach Ren Ito. The match was moved indoors after the rain."


def _quote(
    text: str,
    piece: str,
    speaker: str | None,
    stance: str | None,
    target: str | None,
    kind: str = "direct",
) -> Quote:
    start = text.index(piece)
    return Quote(
        content_spans=((start, start + len(piece)),),
        speaker_name=speaker,
        annotator="ann",
        status="accepted",
        origin="manual",
        kind=kind,
        stance=stance,
        stance_target=target,
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    full, _ = p.add_article(
        Article("Dam", FULL, meta={"publisher": "Valley Post", "date": "2025-06-01"})
    )
    bare, _ = p.add_article(Article("River", BARE, meta={}))
    blank, _ = p.add_article(Article("Match", BLANK, meta={"publisher": "", "date": ""}))
    p.add_annotation(full, "ann", _quote(FULL, "The dam holds", "Tove Lind", "support", "dam"))
    # reported speech with no canonical speaker, no stance and no target
    p.add_annotation(
        full, "ann", _quote(FULL, "the gates were shut", None, None, None, kind="indirect")
    )
    p.add_annotation(bare, "ann", _quote(BARE, "Fish came back", None, "neutral", None))
    p.add_annotation(blank, "ann", _quote(BLANK, "Bring boots", "Ren Ito", None, "travel"))
    yield p
    p.close()


def _csv(run_cli: CliRunner, project: Project, tmp_path: Path, by: str) -> bytes:
    out = tmp_path / f"{by}.csv"
    run_cli("report", str(project.path), "--by", by, "-o", str(out), check=True)
    return out.read_bytes()


def test_speaker_table_bytes(project: Project, tmp_path: Path, run_cli: CliRunner) -> None:
    data = _csv(run_cli, project, tmp_path, "speaker")
    lines = data.split(b"\r\n")
    assert lines[0] == b"speaker,quotes,articles,speakers,share,speaker_type,gender,gender_guessed"
    # two quotes have no canonical speaker: one row, every speaker field "(none)"
    assert lines[1] == b"(none),2,2,0,0.5000,(none),(none),False"
    # a known speaker's "unknown" gender is a value, not a missing one (Tove: guessed female)
    assert lines[2:] == [
        b"Ren Ito,1,1,1,0.2500,unknown,unknown,False",
        b"Tove Lind,1,1,1,0.2500,person,female,True",
        b"",
    ]
    assert b",," not in data and not data.startswith(b",") and b",\r\n" not in data


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("publisher", {b"(none)": b"2", b"Valley Post": b"2"}),  # no key and "" alike
        ("month", {b"(none)": b"2", b"2025-06": b"2"}),
        ("stance", {b"(none)": b"2", b"support": b"1", b"neutral": b"1"}),
        ("target", {b"(none)": b"2", b"dam": b"1", b"travel": b"1"}),
        ("kind", {b"direct": b"3", b"indirect": b"1"}),  # never missing: no "(none)" row
    ],
)
def test_each_table_writes_none_for_a_missing_value(
    project: Project, tmp_path: Path, run_cli: CliRunner, by: str, expected: dict[bytes, bytes]
) -> None:
    data = _csv(run_cli, project, tmp_path, by)
    head, *rows, end = data.split(b"\r\n")
    assert head == f"{by},quotes,articles,speakers,share".encode()
    assert end == b""
    assert {r.split(b",")[0]: r.split(b",")[1] for r in rows} == expected
    assert all(r.split(b",")[0] for r in rows)  # no empty first cell
    assert b",," not in data


def test_gender_table_counts_speakerless_quotes_under_none(
    project: Project, tmp_path: Path, run_cli: CliRunner
) -> None:
    data = _csv(run_cli, project, tmp_path, "gender")
    rows = data.split(b"\r\n")[1:-1]
    firsts = [r.split(b",")[0] for r in rows]
    assert b"(none)" in firsts and b"" not in firsts
    none_row = rows[firsts.index(b"(none)")]
    assert none_row.split(b",")[1] == b"2"


def test_json_keeps_null_and_html_shows_none(
    project: Project, tmp_path: Path, run_cli: CliRunner
) -> None:
    js = tmp_path / "r.json"
    run_cli("report", str(project.path), "-o", str(js), check=True)
    tables = json.loads(js.read_text("utf-8"))["tables"]
    for dim in ("speaker", "publisher", "month", "stance", "target"):
        values = [r["value"] for r in tables[dim]]
        assert "(none)" not in values
        assert None in values or "" in values, dim
    (speakerless,) = [r for r in tables["speaker"] if r["value"] is None]
    assert speakerless["gender"] is None and speakerless["speaker_type"] is None
    page = tmp_path / "r.html"
    run_cli("report", str(project.path), "-o", str(page), check=True)
    assert "<td>(none)</td>" in page.read_text("utf-8")


def test_help_says_how_a_missing_value_is_written(run_cli: CliRunner) -> None:
    res = run_cli("report", "--help")
    assert res.returncode == 0
    flat = " ".join(res.stdout.split())
    assert "written as (none) in CSV and HTML, and as null in JSON" in flat
    assert "csv and html write a missing value as (none), json as null" in flat
