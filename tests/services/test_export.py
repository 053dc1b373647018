"""The export service and command: filters, gold, splits, cancel, round trips, PolNeAR counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.cli import main
from annotator.core.model import Article, Quote
from annotator.core.text import normalise_text
from annotator.services.export import (
    ExportError,
    ExportOptions,
    export_project,
    parse_split,
    part_paths,
    split_articles,
)
from annotator.services.importing import import_paths
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

REPO = Path(__file__).resolve().parents[2]
POLNEAR_DEV = REPO.parent / "shared" / "data" / "polnear" / "dev.jsonl"

RAW = (
    "Harbour {n} reopens 🚢\r\n\r\n"
    '"The harbour is safe," the minister said, "ships can dock."\r\n'
    "Unions\u00a0warned that pay talks had stalled, according to Ana Ruiz.\r\n"
    "Fishermen said the season was lost."
)


def sp(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def fill(project: Project, n_articles: int = 4) -> None:
    """Articles each with: alice's split direct quote (accepted), her indirect quote
    (accepted), a rejected suggestion, bob's version of the indirect quote, a pending one."""
    for n in range(1, n_articles + 1):
        text = normalise_text(RAW.replace("{n}", str(n)))
        art = Article(
            f"Harbour {n} reopens 🚢",
            text,
            {"publisher": "Test Post", "date": f"2024-01-0{n}"},
            f"harbour-{n}",
        )
        aid, _ = project.add_article(art)
        direct = Quote(
            content_spans=(sp(text, '"The harbour is safe,"'), sp(text, '"ships can dock."')),
            speaker_spans=(sp(text, "the minister"),),
            cue_spans=(sp(text, "said"),),
            speaker_text="the minister",
            speaker_name="Lee Min",
            kind="direct",
            stance="support",
            status="accepted",
            origin="model-corrected",
            confidence=0.9,
        )
        indirect = Quote(
            content_spans=(sp(text, "pay talks had stalled"),),
            speaker_spans=(sp(text, "Ana Ruiz"),),
            cue_spans=(sp(text, "according to"),),
            speaker_text="Ana Ruiz",
            kind="indirect",
            stance="oppose",
            status="accepted",
            origin="manual",
        )
        negative = Quote(content_spans=(sp(text, "Unions"),), kind="indirect", status="rejected")
        pending = Quote(
            content_spans=(sp(text, "the season was lost"),),
            speaker_spans=(sp(text, "Fishermen"),),
            kind="indirect",
            status="pending",
        )
        project.add_annotation(aid, "alice", direct)
        project.add_annotation(aid, "alice", indirect)
        project.add_annotation(aid, "alice", negative)
        project.add_annotation(aid, "bob", indirect.with_(stance="neutral"))
        project.add_annotation(aid, "bob", pending)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    fill(p)
    yield p
    p.close()


def opts(tmp_path: Path, fmt: str, name: str, **kw: object) -> ExportOptions:
    """Options for these tests: alice and bob share articles, so every version goes out
    (``all_annotators``) unless a test says otherwise."""
    kw.setdefault("all_annotators", True)
    return ExportOptions(format=fmt, output=tmp_path / name, **kw)  # type: ignore[arg-type]


def csv_rows(path: Path, bom: bool = False) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig" if bom else "utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_default_is_accepted_quotes_of_everyone(project: Project, tmp_path: Path) -> None:
    report = export_project(project, opts(tmp_path, "csv", "all.csv"))
    rows = csv_rows(tmp_path / "all.csv")
    assert len(rows) == report.quotes == 12 and report.articles == 4
    assert {r["status"] for r in rows} == {"accepted"}
    assert {r["annotator"] for r in rows} == {"alice", "bob"}
    first = rows[0]
    assert first["quote_text"] == '"The harbour is safe," … "ships can dock."'
    assert first["speaker_name"] == "Lee Min" and first["speaker_id"] != ""
    assert first["publisher"] == "Test Post" and first["article_ext_id"] == "harbour-1"


def test_filters(project: Project, tmp_path: Path) -> None:
    r = export_project(project, opts(tmp_path, "csv", "a.csv", annotators=("alice",)))
    assert r.quotes == 8
    r = export_project(project, opts(tmp_path, "csv", "neg.csv", statuses=("accepted", "rejected")))
    rows = csv_rows(tmp_path / "neg.csv")
    assert r.quotes == 16 and sum(row["status"] == "rejected" for row in rows) == 4
    r = export_project(project, opts(tmp_path, "csv", "any.csv", statuses=()))
    assert r.quotes == 20
    r = export_project(project, opts(tmp_path, "csv", "d.csv", kinds=("direct",)))
    assert r.quotes == 4 and {x["kind"] for x in csv_rows(tmp_path / "d.csv")} == {"direct"}
    with pytest.raises(ExportError, match="no annotator 'carol'.*alice, bob"):
        export_project(project, opts(tmp_path, "csv", "c.csv", annotators=("carol",)))
    with pytest.raises(ExportError, match="unknown status"):
        export_project(project, opts(tmp_path, "csv", "c.csv", statuses=("done",)))


def test_gold_needs_reviews_then_exports_them(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no reviewed \\(gold\\) quotes yet"):
        export_project(project, opts(tmp_path, "jsonl", "g.jsonl", gold=True))
    assert not (tmp_path / "g.jsonl").exists()
    store = ReviewStore(project)
    recs = project.annotations(1)
    alice_direct = next(r for r in recs if r.quote.kind == "direct")
    bob_indirect = next(
        r for r in recs if r.quote.annotator == "bob" and r.quote.status == "accepted"
    )
    store.put_gold(
        1, "carol", ["alice", "bob"], GoldState(alice_direct.quote, "agreed", alice_direct.id)
    )
    store.put_gold(
        1, "carol", ["alice", "bob"], GoldState(bob_indirect.quote, "picked", bob_indirect.id)
    )
    store.set_status(1, "carol", "done")
    report = export_project(project, opts(tmp_path, "jsonl", "g.jsonl", gold=True))
    assert report.quotes == 2 and report.articles == 1 and not report.warnings
    (line,) = (tmp_path / "g.jsonl").read_text(encoding="utf-8").splitlines()
    obj = json.loads(line)
    assert [q["annotator"] for q in obj["quotes"]] == ["carol", "carol"]
    assert [q["review_decision"] for q in obj["quotes"]] == ["agreed", "picked"]
    assert obj["quotes"][0]["origin"] == "model-corrected"
    assert obj["quotes"][1]["stance"] == "neutral"  # bob's version was picked
    # the annotators' export now says what the review did with each quote
    export_project(project, opts(tmp_path, "csv", "r.csv", annotators=("alice", "bob")))
    rows = [r for r in csv_rows(tmp_path / "r.csv") if r["article_id"] == "1"]
    decisions = {(r["annotator"], r["kind"]): (r["review_decision"], r["reviewer"]) for r in rows}
    assert decisions == {
        ("alice", "direct"): ("agreed", "carol"),
        ("alice", "indirect"): ("dropped", "carol"),
        ("bob", "indirect"): ("picked", "carol"),
    }
    csv_gold = export_project(project, opts(tmp_path, "csv", "gc.csv", gold=True))
    assert {r["quote_id"][0] for r in csv_rows(tmp_path / "gc.csv")} == {"g"}
    assert csv_gold.quotes == 2
    with pytest.raises(ExportError, match="no gold quotes by reviewer 'dan'"):
        export_project(project, opts(tmp_path, "csv", "x.csv", gold=True, annotators=("dan",)))
    with pytest.raises(ExportError, match="gold quotes have no status"):
        export_project(project, opts(tmp_path, "csv", "x.csv", gold=True, statuses=("rejected",)))


def test_split_by_article(tmp_path: Path) -> None:
    with Project.open(tmp_path / "big.db") as project:
        fill(project, 20)
        o = opts(tmp_path, "jsonl", "out.jsonl", split=(0.8, 0.1, 0.1), seed=7)
        report = export_project(project, o)
        assert [(p.name, p.articles) for p in report.parts] == [
            ("train", 16),
            ("dev", 2),
            ("test", 2),
        ]
        ids = {}
        for part in ("train", "dev", "test"):
            path = tmp_path / f"out.{part}.jsonl"
            lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
            ids[part] = {x["id"] for x in lines}
            assert (
                sum(len(x["quotes"]) for x in lines)
                == report.parts[["train", "dev", "test"].index(part)].quotes
            )
        assert not (ids["train"] & ids["dev"]) and not (ids["train"] & ids["test"])
        assert len(ids["train"] | ids["dev"] | ids["test"]) == 20
        # the same seed gives the same split; articles keep their part across formats
        again = export_project(
            project, opts(tmp_path, "csv", "out.csv", split=(0.8, 0.1, 0.1), seed=7)
        )
        dev_rows = csv_rows(tmp_path / "out.dev.csv")
        assert {r["article_ext_id"] for r in dev_rows} == ids["dev"]
        assert [p.articles for p in again.parts] == [16, 2, 2]
        b = export_project(project, opts(tmp_path, "brat", "bratout", split=(0.5, 0.5)))
        assert [p.name for p in b.parts] == ["train", "dev"]
        assert len(list((tmp_path / "bratout" / "dev").glob("*.ann"))) == 10


def test_split_helpers() -> None:
    assert parse_split("0.8,0.1,0.1") == (0.8, 0.1, 0.1)
    with pytest.raises(ExportError, match="add up to 1"):
        parse_split("0.8,0.1")
    with pytest.raises(ExportError, match="two or three"):
        parse_split("1")
    assign = split_articles(range(1, 11), (0.8, 0.1, 0.1), seed=3)
    assert (
        sorted(assign.values()).count(0) == 8
        and split_articles(range(1, 11), (0.8, 0.1, 0.1), 3) == assign
    )
    o = ExportOptions("spacy", Path("/x/data.spacy"), split=(0.5, 0.5))
    assert [p.name for _, p in part_paths(o)] == ["data.train.spacy", "data.dev.spacy"]
    o = ExportOptions("csv", Path("/x/data"), split=(0.5, 0.5))
    assert [p.name for _, p in part_paths(o)] == ["data.train.csv", "data.dev.csv"]


def test_cancel_writes_nothing_and_keeps_an_earlier_file(project: Project, tmp_path: Path) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("earlier export\n", encoding="utf-8")
    seen = []
    report = export_project(
        project,
        opts(tmp_path, "csv", "keep.csv"),
        progress=lambda done, total: seen.append((done, total)),
        cancel=lambda: len(seen) > 1,
    )
    assert report.cancelled and report.lines() == ["Export cancelled; nothing was written."]
    assert target.read_text(encoding="utf-8") == "earlier export\n"
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]
    report = export_project(
        project, opts(tmp_path, "csv", "keep.csv"), progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (12, 12) and len(csv_rows(target)) == 12


def test_brat_refuses_a_foreign_folder_but_replaces_its_own(
    project: Project, tmp_path: Path
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("do not touch", encoding="utf-8")
    with pytest.raises(ExportError, match="did not write .notes.txt."):
        export_project(project, opts(tmp_path, "brat", "mine"))
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "do not touch"
    export_project(project, opts(tmp_path, "brat", "b"))
    export_project(project, opts(tmp_path, "brat", "b", annotators=("bob",)))
    assert len(list((tmp_path / "b").glob("*.ann"))) == 4
    assert all("alice" not in p.read_text(encoding="utf-8") for p in (tmp_path / "b").glob("*.ann"))


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("jsonl", "q.jsonl"), ("prodigy", "tasks.jsonl"), ("brat", "brat")],
)
def test_round_trip_gives_identical_files(
    project: Project, tmp_path: Path, fmt: str, name: str
) -> None:
    """Export, import into a new project, export again: the same bytes."""
    statuses = ("accepted", "rejected", "pending")
    first = tmp_path / "one" / name
    first.parent.mkdir()
    export_project(project, ExportOptions(fmt, first, statuses=statuses, all_annotators=True))
    with Project.open(tmp_path / "new.db") as fresh:
        report = import_paths(fresh, [first])
        assert not report.failed, report.lines()
        assert report.quotes_added == 20
        second = tmp_path / "two" / name
        second.parent.mkdir()
        export_project(fresh, ExportOptions(fmt, second, statuses=statuses, all_annotators=True))
    if fmt == "brat":
        files = sorted(p.name for p in first.iterdir())
        assert files == sorted(p.name for p in second.iterdir()) and len(files) == 14
        for f in files:
            assert (first / f).read_bytes() == (second / f).read_bytes(), f
    else:
        assert first.read_bytes() == second.read_bytes()


def test_command_line(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "p.db")
    out = tmp_path / "cli.csv"
    code = main(
        [
            "export",
            db,
            "--format",
            "csv",
            "-o",
            str(out),
            "--status",
            "accepted,rejected",
            "--annotator",
            "alice",
            "--bom",
            "--quiet",
        ]
    )
    assert code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(csv_rows(out, bom=True)) == 12
    assert "Exported 12 quotes from 4 articles" in capsys.readouterr().out
    code = main(
        [
            "export",
            db,
            "-f",
            "jsonl",
            "-o",
            str(tmp_path / "s.jsonl"),
            "--split",
            "0.5,0.5",
            "--seed",
            "1",
            "--all-annotators",
            "--quiet",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0 and "train: 2 articles" in printed and "dev: 2 articles" in printed
    assert main(["export", db, "-f", "csv", "-o", str(tmp_path / "g.csv"), "--gold"]) == 1
    assert "no reviewed (gold) quotes yet" in capsys.readouterr().err
    assert main(["export", db, "-f", "csv", "-o", str(tmp_path / "g.csv"), "--split", "0.5"]) == 2


@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="../shared/data/polnear/dev.jsonl is absent")
def test_polnear_dev_counts(tmp_path: Path) -> None:
    with Project.open(tmp_path / "polnear.db") as project:
        report = import_paths(project, [POLNEAR_DEV])
        assert report.quotes_added == 2192
        n_fragments = sum(
            len(q["content_spans"])
            for line in POLNEAR_DEV.read_text(encoding="utf-8").splitlines()
            for q in json.loads(line)["quotes"]
        )
        for fmt, name in (
            ("csv", "d.csv"),
            ("jsonl", "d.jsonl"),
            ("brat", "brat"),
            ("spacy", "d.spacy"),
        ):
            assert export_project(project, ExportOptions(fmt, tmp_path / name)).quotes == 2192
    assert len(csv_rows(tmp_path / "d.csv")) == 2192
    lines = (tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum(len(json.loads(x)["quotes"]) for x in lines) == 2192
    events = [
        line
        for ann in (tmp_path / "brat").glob("*.ann")
        for line in ann.read_text(encoding="utf-8").splitlines()
        if line.startswith("E") and line.split("\t")[1].startswith("Attribution:")
    ]
    assert len(events) == 2192
    docs = list(DocBin().from_disk(tmp_path / "d.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == 84
    assert sum(len(d.spans["quotes"]) for d in docs) == n_fragments


def test_never_writes_over_the_project_or_into_a_missing_folder(
    project: Project, tmp_path: Path
) -> None:
    before = (tmp_path / "p.db").stat().st_size
    with pytest.raises(ExportError, match="is the project file itself"):
        export_project(project, ExportOptions("csv", tmp_path / "p.db"))
    with pytest.raises(ExportError, match="does not exist"):
        export_project(project, ExportOptions("jsonl", tmp_path / "nowhere" / "x.jsonl"))
    assert (tmp_path / "p.db").stat().st_size == before and project.count_articles() == 4


def test_a_failure_halfway_leaves_no_partial_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.io.csv_export import CsvWriter

    real = CsvWriter.write
    calls = []

    def flaky(self: CsvWriter, article: object, quotes: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        real(self, article, quotes)  # type: ignore[arg-type]

    monkeypatch.setattr(CsvWriter, "write", flaky)
    (tmp_path / "out.csv").write_text("earlier\n", encoding="utf-8")
    # said about the user's file (the window and the command line show it as it is)
    with pytest.raises(ExportError, match=r"/out\.csv: disk full; nothing was written$"):
        export_project(project, opts(tmp_path, "csv", "out.csv"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "earlier\n"
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]
