"""Exports follow their format's rules (issue 15): Prodigy spans on token boundaries, and no
raw U+2028/U+2029/U+0085 in any JSONL writer's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from annotator.cli import main
from annotator.core.model import Article, Quote
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = (
    "Officials from the U.S. arrived. "
    '"Trade is open," wrote @AnaRuiz on Monday, and the U.S. envoy agreed.'
)


def sp(sub: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(sub, i + 1)
    return i, i + len(sub)


# hand-made spans that end or start inside a token
MISALIGNED = [
    Quote(((0, sp("the U.S")[1]),), kind="indirect", status="accepted"),  # "the U.S" of U.S.
    Quote(
        (sp('Trade is open,"'),),
        speaker_spans=(sp("AnaRuiz"),),  # inside the token @AnaRuiz
        cue_spans=(sp("wrot"),),  # a cue cut short
        kind="direct",
        status="accepted",
    ),
    Quote(((sp("he U.S. envoy")),), kind="indirect", status="accepted"),  # starts mid-word
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Envoys", TEXT))
        for quote in MISALIGNED:
            p.add_annotation(aid, "alice", quote)
    return path


def test_prodigy_spans_load_in_spacy_on_token_boundaries(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tasks.jsonl"
    assert main(["export", str(db), "--format", "prodigy", "-o", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    # the U.S, AnaRuiz, wrot, he U.S. envoy (the speaker span is written once)
    assert "4 spans started or ended inside a word" in printed
    (task,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    tokens = task["tokens"]
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
    assert doc.text == task["text"]
    texts = {}
    for s in task["spans"]:
        span = doc.char_span(s["start"], s["end"], label=s["label"])  # strict: None if inside
        assert span is not None, s
        assert (span.start, span.end - 1) == (s["token_start"], s["token_end"]), s
        texts.setdefault(s["label"], []).append(span.text)
    assert texts["QUOTE"] == ["Officials from the U.S.", 'Trade is open,"', "the U.S. envoy"]
    assert texts["SPEAKER"] == ["@AnaRuiz"] and texts["CUE"] == ["wrote"]
    for rel in task["relations"]:
        assert rel["head"] == rel["head_span"]["token_end"]
        assert doc.char_span(rel["child_span"]["start"], rel["child_span"]["end"]) is not None
    # the per-quote meta agrees with the spans, so importing the file keeps every quote
    with Project.open(tmp_path / "back.db") as back:
        report = import_paths(back, [out])
        assert report.quotes_added == 3, report.lines()
        quotes = [r.quote for r in back.annotations(back.article_ids()[0])]
        assert sorted(TEXT[q.content_spans[0][0] : q.content_spans[-1][1]] for q in quotes) == [
            "Officials from the U.S.",
            'Trade is open,"',
            "the U.S. envoy",
        ]


def test_aligned_spans_are_left_alone_and_not_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Envoys", TEXT))
        p.add_annotation(aid, "alice", Quote((sp("Officials from the U.S."),), status="accepted"))
    out = tmp_path / "tasks.jsonl"
    assert main(["export", str(path), "--format", "prodigy", "-o", str(out), "--quiet"]) == 0
    assert "inside a word" not in capsys.readouterr().out
    (task,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(s["start"], s["end"]) for s in task["spans"]] == [sp("Officials from the U.S.")]


BREAKS = "\u2028\u2029\u0085"


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
def test_jsonl_writers_escape_unicode_line_breaks(tmp_path: Path, fmt: str) -> None:
    text = f'Line one\u2028still one. "Quoted\u2029part," said Kim\u0085Lee. {BREAKS}'
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Title with\u2028a break", text, {"note": "a\u0085b"}))
        start = text.index("Quoted")
        p.add_annotation(
            aid,
            "alice",
            Quote(((start, start + len("Quoted\u2029part,")),), status="accepted", note="x\u2029y"),
        )
        stored = p.article(aid)
    out = tmp_path / f"out.{fmt}.jsonl"
    assert main(["export", str(path), "--format", fmt, "-o", str(out), "--quiet"]) == 0
    raw = out.read_bytes().decode("utf-8")
    for ch in BREAKS:
        assert ch not in raw
    lines = raw.splitlines()  # what a line-splitting reader sees
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["text"] == stored.text
    # and the file imports back to the same text
    with Project.open(tmp_path / "back.db") as back:
        assert import_paths(back, [out]).articles_added == 1
        assert back.article(back.article_ids()[0]).text == stored.text
