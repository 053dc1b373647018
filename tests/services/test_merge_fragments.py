"""``annotator merge`` applies the import's fragment rules to the other file's quotes
(verify21 V11, :mod:`annotator.core.entry_checks`): content fragments separated only by
spaces are joined in a quote of more than ``JOIN_OVER``, with a line naming the other
file, the article and the row; a span list still over ``MAX_FRAGMENTS`` refuses the quote
(the same names and the count); the duplicate checks compare the joined forms, so merging
twice, or a quote stored unjoined by an older version, adds nothing. Each test builds its
own two projects and reads this project's rows and the report's lines."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.core.entry_checks import JOIN_OVER, MAX_FRAGMENTS
from annotator.core.model import Article, Quote, Span
from annotator.services.merge import merge_project
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore
from tests.conftest import CliRunner

WORDS = [f"w{i:03d}" for i in range(400)]
#: 400 words in one paragraph, spaces between: "w000 w001 ... w399\n\nTail said."
SPACED = " ".join(WORDS) + "\n\nTail said."
#: the same words with commas between: nothing to join
COMMAS = ",".join(WORDS) + "\n\nTail said."
#: an article both projects share, for the quotes that are fine
PLAIN = "Plain article.\n\nA short line, said Ann."


def _words(n: int) -> tuple[Span, ...]:
    """One fragment per word for the first ``n`` words (4 characters, 1 between)."""
    return tuple((i * 5, i * 5 + 4) for i in range(n))


def _q(content: tuple[Span, ...], annotator: str = "ann", **kw: Any) -> Quote:
    return Quote(content, annotator=annotator, status="accepted", origin="manual", **kw)


def _other(tmp_path: Path, text: str, quotes: list[Quote], title: str = "Fragments") -> Path:
    """OTHER.db: the article of ``text`` with ``quotes`` (stored as given, as an older
    version could hold them), and a plain article with one plain quote."""
    path = tmp_path / "other.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article(title, text))
        for q in quotes:
            p.add_annotation(aid, q.annotator or "ann", q)
        bid, _ = p.add_article(Article("Plain", PLAIN))
        p.add_annotation(bid, "ann", _q(((16, 28),)))
    return path


def _contents(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [
            r[0]
            for r in c.execute(
                "SELECT a.content_spans FROM annotations a JOIN articles t ON t.id = a.article_id"
                " WHERE t.title = 'Fragments' ORDER BY a.id"
            )
        ]


@pytest.mark.parametrize("n", [JOIN_OVER + 1, 300, 400])
def test_a_quote_of_spaced_fragments_is_joined_and_said(tmp_path: Path, n: int) -> None:
    other = _other(tmp_path, SPACED, [_q(_words(n))])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    assert report.annotations_added == 2
    assert _contents(tmp_path / "mine.db") == [f"[[0, {(n - 1) * 5 + 4}]]"]
    (line,) = report.joined
    assert line.startswith("annotations row 1 (article 1 'Fragments'): ")
    assert f"content_spans: {n:,} fragments separated only by whitespace were joined into 1" in line
    text = "\n".join(report.lines())
    assert f"quotes of the other file {other} with their fragments joined (1):" in text
    assert not report.skipped


#: a space after every third word, a comma after the others: joining leaves 267 of 400
THIRDS = "".join(f"{w}{' ' if i % 3 == 0 else ','}" for i, w in enumerate(WORDS)) + "\n\nTail said."
#: a space after every other word: 400 fragments join into exactly the bound
PAIRS = "".join(f"{w}{' ' if i % 2 == 0 else ','}" for i, w in enumerate(WORDS)) + "\n\nTail said."


@pytest.mark.parametrize(
    ("text", "n", "count"),
    [
        (COMMAS, MAX_FRAGMENTS + 1, MAX_FRAGMENTS + 1),
        (COMMAS, 400, 400),
        (THIRDS, 400, 267),
    ],
    ids=["one over", "400 apart", "267 after joining"],
)
def test_a_quote_over_the_bound_is_refused_with_its_names_and_count(
    tmp_path: Path, text: str, n: int, count: int
) -> None:
    other = _other(tmp_path, text, [_q(_words(n))])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    assert _contents(tmp_path / "mine.db") == []
    assert report.annotations_added == 1  # the plain article's quote
    (line,) = report.skipped
    assert line.startswith("annotations row 1 (article 1 'Fragments'): ")
    assert f"content_spans holds {count:,} fragments (at most {MAX_FRAGMENTS}" in line
    assert line.endswith("; skipped")
    assert f"skipped as invalid in the other file {other} (1):" in "\n".join(report.lines())


def test_a_quote_joined_down_to_the_bound_is_taken(tmp_path: Path) -> None:
    other = _other(tmp_path, PAIRS, [_q(_words(400))])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    (content,) = _contents(tmp_path / "mine.db")
    assert len(json.loads(content)) == MAX_FRAGMENTS
    assert "400 fragments separated only by whitespace were joined into 200" in report.joined[0]
    assert not report.skipped


def test_20000_fragments_are_refused_and_the_rest_of_the_article_kept(tmp_path: Path) -> None:
    """verify21 V11's file: one-character fragments, 20,000 of them, none joinable."""
    text = "a," * 20_000 + "\n\nTail said."
    big = tuple((2 * i, 2 * i + 1) for i in range(20_000))
    other = _other(tmp_path, text, [_q(big), _q(((0, 7),), annotator="bob")])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    assert _contents(tmp_path / "mine.db") == ["[[0, 7]]"]
    (line,) = report.skipped
    assert "annotations row 1 (article 1 'Fragments')" in line
    assert "content_spans holds 20,000 fragments" in line


def test_a_speaker_or_cue_of_too_many_fragments_refuses_its_quote(tmp_path: Path) -> None:
    many = _words(MAX_FRAGMENTS + 3)
    end = len(COMMAS)
    quotes = [
        _q(((COMMAS.index("Tail"), end),), speaker_spans=many),
        _q(((COMMAS.index("Tail"), end),), annotator="bob", cue_spans=many),
    ]
    other = _other(tmp_path, COMMAS, quotes)
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    assert _contents(tmp_path / "mine.db") == []
    assert len(report.skipped) == 2
    assert (
        f"speaker_spans holds {MAX_FRAGMENTS + 3:,} fragments (at most {MAX_FRAGMENTS})"
        in (report.skipped[0])
    )
    assert "annotations row 2 " in report.skipped[1] and "cue_spans holds" in report.skipped[1]


def test_fragments_are_joined_per_paragraph(tmp_path: Path) -> None:
    paragraphs = [" ".join(f"p{p}w{w:02}" for w in range(25)) for p in range(4)]
    text = "\n".join(paragraphs) + "\n\nTail said."
    spans: list[Span] = []
    for para in paragraphs:
        start = text.index(para)
        spans += [(start + i * 6, start + i * 6 + 5) for i in range(25)]
    other = _other(tmp_path, text, [_q(tuple(spans))])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    want = [[text.index(p), text.index(p) + len(p)] for p in paragraphs]
    assert _contents(tmp_path / "mine.db") == [json.dumps(want)]
    assert "100 fragments separated only by whitespace were joined into 4" in report.joined[0]


def test_a_few_spaced_fragments_are_kept_as_given(tmp_path: Path) -> None:
    other = _other(tmp_path, SPACED, [_q(_words(JOIN_OVER))])
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, other)
    assert _contents(tmp_path / "mine.db") == [json.dumps([list(s) for s in _words(JOIN_OVER)])]
    assert not report.joined and not report.skipped


def test_merging_twice_adds_the_joined_quote_once(tmp_path: Path) -> None:
    other = _other(tmp_path, SPACED, [_q(_words(300))])
    with Project.open(tmp_path / "mine.db") as mine:
        merge_project(mine, other)
        again = merge_project(mine, other)
    assert again.annotations_added == 0 and again.annotations_present == 2
    assert not again.conflicts
    assert len(_contents(tmp_path / "mine.db")) == 1


def test_a_quote_stored_unjoined_here_is_the_same_quote(tmp_path: Path) -> None:
    """This project holds the 300-fragment version (stored before the joining): the
    colleague's copy of it is already here, not a second quote nor a conflict."""
    other = _other(tmp_path, SPACED, [_q(_words(300), stance="oppose")])
    mine_path = tmp_path / "mine.db"
    with Project.open(mine_path) as mine:
        aid, _ = mine.add_article(Article("Fragments", SPACED))
        mine.add_annotation(aid, "ann", _q(_words(300), stance="oppose"))
        report = merge_project(mine, other)
    assert report.annotations_present == 1 and report.annotations_added == 1  # the plain one
    assert not report.conflicts
    assert len(_contents(mine_path)) == 1


def test_suggestions_of_a_new_article_are_joined_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Fragments", SPACED))
        p.set_suggestions(aid, "rules-1", [Quote(_words(300), kind="direct")])
        bid, _ = p.add_article(Article("Commas", COMMAS))
        p.set_suggestions(
            bid, "rules-1", [Quote(_words(250), kind="direct"), Quote(((0, 4),), kind="direct")]
        )
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, path)
    assert report.suggestions_added == 2
    with sqlite3.connect(tmp_path / "mine.db") as c:
        rows = sorted(r[0] for r in c.execute("SELECT content_spans FROM suggestions"))
    assert rows == ["[[0, 1499]]", "[[0, 4]]"]
    assert report.joined == [
        "suggestions row 1 (article 1 'Fragments'): content_spans: 300 fragments separated "
        "only by whitespace were joined into 1"
    ]
    (line,) = report.skipped
    assert line.startswith("suggestions row 2 (article 2 'Commas'): content_spans holds 250")


def test_gold_quotes_are_joined_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Fragments", SPACED))
        ann = p.add_annotation(aid, "ann", _q(((0, 4),)))
        store = ReviewStore(p)
        store.put_gold(aid, "rev", ["ann"], GoldState(_q(_words(300)), "edited"))
        store.put_gold(aid, "rev", ["ann"], GoldState(_q(((0, 4),)), "agreed", ann))
        bid, _ = p.add_article(Article("Commas", COMMAS))
        p.add_annotation(bid, "ann", _q(((0, 4),)))
        ReviewStore(p).put_gold(bid, "rev", ["ann"], GoldState(_q(_words(400)), "edited"))
    with Project.open(tmp_path / "mine.db") as mine:
        report = merge_project(mine, path)
        again = merge_project(mine, path)
    with sqlite3.connect(tmp_path / "mine.db") as c:
        rows = sorted(r[0] for r in c.execute("SELECT content_spans FROM gold_quotes"))
    assert rows == ["[[0, 1499]]", "[[0, 4]]"]
    assert report.gold_quotes_added == 2 and report.reviews_added == 2
    assert report.joined == [
        "gold_quotes row 1 (article 1 'Fragments'): content_spans: 300 fragments separated "
        "only by whitespace were joined into 1"
    ]
    (line,) = report.skipped
    assert line.startswith("gold_quotes row 3 (article 2 'Commas'): content_spans holds 400")
    # the second merge finds both reviews the same (the joined gold compared joined)
    assert again.reviews_present == 2 and not again.review_conflicts


def test_the_command_line_says_which_quote(run_cli: CliRunner, tmp_path: Path) -> None:
    other = _other(
        tmp_path, SPACED, [_q(_words(300)), _q(_words(MAX_FRAGMENTS + 1), annotator="bob")]
    )
    # bob's 201 spaced words are joined (taken); cat's 201 in a commas article are refused
    with Project.open(other) as p:
        cid, _ = p.add_article(Article("Commas", COMMAS))
        p.add_annotation(cid, "cat", _q(_words(MAX_FRAGMENTS + 1), annotator="cat"))
    mine = tmp_path / "mine.db"
    with Project.open(mine):
        pass
    res = run_cli("merge", str(mine), str(other))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert f"quotes of the other file {other} with their fragments joined (2):" in lines
    assert any(
        x.strip().startswith("annotations row 1 (article 1 'Fragments'): content_spans: 300")
        for x in lines
    )
    (refused,) = [x for x in lines if "holds" in x]
    assert refused.strip().startswith("annotations row 4 (article 3 'Commas'): content_spans")
    assert f"{MAX_FRAGMENTS + 1:,} fragments" in refused
    with sqlite3.connect(mine) as c:
        got = {
            r[0]
            for r in c.execute(
                "SELECT an.name FROM annotations a JOIN annotators an ON an.id = a.annotator_id"
            )
        }
    assert got == {"ann", "bob"}
