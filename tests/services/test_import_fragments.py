"""Quotes of very many fragments at import (tester20 U10, :mod:`annotator.core.entry_checks`):
content fragments separated only by whitespace are joined (a converter writing one
fragment per token) with one note per quote; touching fragments and fragments separated
by anything else stay as given; a span list still over ``MAX_FRAGMENTS`` refuses its quote
with a line naming the file, the line and the count. Each test imports a file of its own
and reads the project's rows, the report's lines and the export's bytes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.core.entry_checks import JOIN_OVER, MAX_FRAGMENTS
from tests.conftest import CliRunner
from tests.services.import_files import import_articles, quote

WORDS = [f"w{i:03d}" for i in range(400)]
#: one paragraph of 400 words, then a second paragraph: "w000 w001 ... w399\n\nTail said."
SPACED = " ".join(WORDS) + "\n\nTail said."
#: the same words with a comma between each two: "w000,w001,..."
COMMAS = ",".join(WORDS) + "\n\nTail said."
SPEAKER = [[SPACED.index("Tail"), SPACED.index("Tail") + 4]]


def _words(n: int, sep: int = 1) -> list[list[int]]:
    """One fragment per word for the first ``n`` words (each word is 4 characters and
    ``sep`` characters lie between two words)."""
    return [[i * (4 + sep), i * (4 + sep) + 4] for i in range(n)]


def _quote(content: list[list[int]], **over: Any) -> dict[str, Any]:
    return quote(**{"content_spans": content, "speaker_spans": SPEAKER, **over})


def _import(
    run_cli: CliRunner, tmp_path: Path, text: str, quotes: list[dict[str, Any]]
) -> tuple[Path, list[str], int]:
    line = {"id": "frags", "title": "Fragments", "text": text, "quotes": quotes}
    other = {"id": "other", "text": "Line one.", "quotes": []}
    db, res = import_articles(run_cli, tmp_path, [other, line], "frags.jsonl")
    return db, res.stdout.splitlines(), res.returncode


def _content(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT content_spans FROM annotations ORDER BY id")]


def _export_rows(run_cli: CliRunner, db: Path) -> list[dict[str, str]]:
    out = db.with_suffix(".csv")
    run_cli("export", str(db), "-f", "csv", "-o", str(out), "--all-annotators", check=True)
    return list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"))))


def test_fragments_one_per_word_are_joined_into_one_with_one_note(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db, lines, code = _import(run_cli, tmp_path, SPACED, [_quote(_words(300))])
    assert code == 0
    assert _content(db) == [f"[[0, {299 * 5 + 4}]]"]
    notes = [x for x in lines if "separated only by whitespace" in x]
    assert len(notes) == 1
    assert "frags.jsonl, line 2: quote 1" in notes[0] and "300 fragments" in notes[0]
    (row,) = _export_rows(run_cli, db)
    assert row["content_spans"] == f"[[0, {299 * 5 + 4}]]"
    assert row["quote_text"].startswith("w000 w001") and row["quote_text"].endswith("w299")


@pytest.mark.parametrize("space", ["\t", "\u00a0", "  "])
def test_other_whitespace_between_fragments_is_joined_too(
    run_cli: CliRunner, tmp_path: Path, space: str
) -> None:
    text = space.join(WORDS) + "\n\nTail said."
    step = 4 + len(space)
    spans = [[i * step, i * step + 4] for i in range(250)]
    speaker = [[text.index("Tail"), text.index("Tail") + 4]]
    db, lines, code = _import(run_cli, tmp_path, text, [_quote(spans, speaker_spans=speaker)])
    assert code == 0
    assert _content(db) == [f"[[0, {249 * step + 4}]]"]
    assert len([x for x in lines if "joined into 1" in x]) == 1


def _paragraphs(n: int, brk: str) -> tuple[list[str], str, list[list[int]], list[list[int]]]:
    """``n`` paragraphs of 25 words joined by ``brk``, then "Tail said.": (paragraphs,
    text, one content fragment per word, the speaker span of "Tail")."""
    paragraphs = [" ".join(f"p{p}w{w:02}" for w in range(25)) for p in range(n)]
    text = brk.join(paragraphs) + "\n\nTail said."
    spans = []
    for para in paragraphs:
        start = text.index(para)
        spans += [[start + i * 6, start + i * 6 + 5] for i in range(25)]
    return paragraphs, text, spans, [[text.index("Tail"), text.index("Tail") + 4]]


@pytest.mark.parametrize("brk", ["\n\n", "\n", " \n "])
def test_fragments_are_joined_within_a_paragraph_not_across_a_line_break(
    run_cli: CliRunner, tmp_path: Path, brk: str
) -> None:
    """One fragment per word over ten paragraphs: one fragment per paragraph, none
    across a line break (review21 R11)."""
    paragraphs, text, spans, speaker = _paragraphs(10, brk)
    db, lines, code = _import(run_cli, tmp_path, text, [_quote(spans, speaker_spans=speaker)])
    assert code == 0
    want = [[text.index(para), text.index(para) + len(para)] for para in paragraphs]
    assert _content(db) == [json.dumps(want)]
    assert len([x for x in lines if "joined into 10" in x]) == 1


def test_touching_fragments_stay_apart(run_cli: CliRunner, tmp_path: Path) -> None:
    # one fragment per character of the first 50 words' letters: they touch, nothing between
    spans = [[i, i + 1] for i in range(150)]
    db, lines, code = _import(run_cli, tmp_path, COMMAS, [_quote(spans)])
    assert code == 0
    assert _content(db) == [json.dumps(spans)]
    assert not [x for x in lines if "note:" in x]


def test_fragments_separated_by_punctuation_stay_apart(run_cli: CliRunner, tmp_path: Path) -> None:
    spans = _words(MAX_FRAGMENTS)  # exactly the bound: kept
    db, lines, code = _import(run_cli, tmp_path, COMMAS, [_quote(spans)])
    assert code == 0
    assert _content(db) == [json.dumps(spans)]
    assert not [x for x in lines if "note:" in x or "skipped" in x]
    (row,) = _export_rows(run_cli, db)
    assert row["content_spans"] == json.dumps(spans)


def test_a_few_fragments_separated_by_whitespace_are_kept_as_given(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """A quote split at the paragraph breaks it crosses exports and imports unchanged."""
    spans = _words(JOIN_OVER)
    db, lines, code = _import(run_cli, tmp_path, SPACED, [_quote(spans)])
    assert code == 0
    assert _content(db) == [json.dumps(spans)]
    assert not [x for x in lines if "note:" in x]
    (row,) = _export_rows(run_cli, db)
    assert row["content_spans"] == json.dumps(spans)


#: a space after every third word, a comma after the others: joining leaves 267 of 400
THIRDS = "".join(f"{w}{' ' if i % 3 == 0 else ','}" for i, w in enumerate(WORDS)) + "\n\nTail said."


@pytest.mark.parametrize(
    ("text", "spans", "count"),
    [
        (COMMAS, _words(MAX_FRAGMENTS + 1), MAX_FRAGMENTS + 1),
        (COMMAS, _words(400), 400),
        (THIRDS, _words(400), 400 - 133),
    ],
    ids=["one over", "400 apart", "267 after joining"],
)
def test_a_quote_over_the_bound_is_refused_with_file_line_and_count(
    run_cli: CliRunner, tmp_path: Path, text: str, spans: list[list[int]], count: int
) -> None:
    speaker = [[text.index("Tail"), text.index("Tail") + 4]]
    good = _quote([[0, 4]], annotator="bob", speaker_spans=speaker)
    db, lines, code = _import(run_cli, tmp_path, text, [_quote(spans, speaker_spans=speaker), good])
    assert code == 1
    (refused,) = [x for x in lines if "this quote was skipped" in x]
    assert "frags.jsonl, line 2, quote 1:" in refused
    assert f"content_spans holds {count:,} fragments (at most {MAX_FRAGMENTS}" in refused
    # the article and its other quote are kept
    assert _content(db) == ["[[0, 4]]"]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone() == (2,)


def test_a_speaker_of_too_many_fragments_refuses_its_quote(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    speaker = [[i * 5, i * 5 + 4] for i in range(MAX_FRAGMENTS + 5)]
    db, lines, code = _import(
        run_cli,
        tmp_path,
        COMMAS,
        [_quote([[COMMAS.index("Tail"), len(COMMAS)]], speaker_spans=speaker)],
    )
    assert code == 1
    (refused,) = [x for x in lines if "this quote was skipped" in x]
    assert f"speaker_spans holds {MAX_FRAGMENTS + 5:,} fragments" in refused
    assert _content(db) == []


# -- a re-import finds a quote of many fragments again (review21 R11) --------------------


def _unjoin(db: Path, spans: list[list[int]]) -> None:
    """Store ``spans`` as the (only) annotation's content, as a version before the joining
    (or a merge before it applied the rule) left it."""
    with sqlite3.connect(db) as c:
        c.execute("UPDATE annotations SET content_spans = ?", (json.dumps(spans),))


def _reimport(run_cli: CliRunner, tmp_path: Path) -> list[str]:
    res = run_cli("import", str(tmp_path / "p.db"), str(tmp_path / "frags.jsonl"))
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


@pytest.mark.parametrize("n", [JOIN_OVER + 1, 300, 400])
def test_a_quote_stored_unjoined_is_found_again_on_re_import(
    run_cli: CliRunner, tmp_path: Path, n: int
) -> None:
    db, _, _ = _import(run_cli, tmp_path, SPACED, [_quote(_words(n))])
    _unjoin(db, _words(n))
    lines = _reimport(run_cli, tmp_path)
    assert _content(db) == [json.dumps(_words(n))]  # left as it was, no second quote
    assert any(
        x.endswith("frags.jsonl: skipped: 2 articles and 1 quote already in the project")
        for x in lines
    )


def test_a_quote_joined_per_paragraph_is_found_again(run_cli: CliRunner, tmp_path: Path) -> None:
    _, text, spans, speaker = _paragraphs(3, "\n\n")
    db, _, _ = _import(run_cli, tmp_path, text, [_quote(spans, speaker_spans=speaker)])
    _unjoin(db, spans)
    _reimport(run_cli, tmp_path)
    assert _content(db) == [json.dumps(spans)]


def test_re_importing_twice_keeps_one_joined_quote(run_cli: CliRunner, tmp_path: Path) -> None:
    db, _, _ = _import(run_cli, tmp_path, SPACED, [_quote(_words(300))])
    _reimport(run_cli, tmp_path)
    _reimport(run_cli, tmp_path)
    assert _content(db) == [f"[[0, {299 * 5 + 4}]]"]


def test_another_annotator_or_other_words_are_still_a_new_quote(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """The joined comparison does not swallow real differences."""
    db, _, _ = _import(run_cli, tmp_path, SPACED, [_quote(_words(300))])
    _unjoin(db, _words(300))
    src = tmp_path / "frags.jsonl"
    more = [_quote(_words(300), annotator="bob"), _quote(_words(299))]
    line = {"id": "frags", "title": "Fragments", "text": SPACED, "quotes": more}
    src.write_text(json.dumps(line) + "\n", "utf-8")
    _reimport(run_cli, tmp_path)
    assert _content(db) == [
        json.dumps(_words(300)),
        f"[[0, {299 * 5 + 4}]]",
        f"[[0, {298 * 5 + 4}]]",
    ]


def test_a_suggestion_stored_unjoined_is_found_again(run_cli: CliRunner, tmp_path: Path) -> None:
    """A detector's suggestion of many fragments: the re-import leaves the stored one (and
    the decision linked to it) in place instead of replacing the run."""
    sugg = {
        "content_spans": _words(300),
        "speaker_spans": SPEAKER,
        "kind": "direct",
        "origin": "model",
        "confidence": 0.9,
    }
    db, _, _ = _import(run_cli, tmp_path, SPACED, [sugg])
    with sqlite3.connect(db) as c:
        c.execute("UPDATE suggestions SET content_spans = ?", (json.dumps(_words(300)),))
        before = c.execute("SELECT id, content_spans FROM suggestions").fetchall()
    lines = _reimport(run_cli, tmp_path)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT id, content_spans FROM suggestions").fetchall() == before
    assert any("already in the project" in x for x in lines)
