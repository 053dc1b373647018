"""brat standoff in the PolNeAR convention: the .ann lines, reading back, PolNeAR's layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote, StoredArticle
from annotator.core.text import normalise_text
from annotator.io.brat import (
    CONF_MARKER,
    BratWriter,
    FileError,
    ann_lines,
    guess_kind,
    is_brat_folder,
    iter_brat,
)
from annotator.io.export_records import ExportQuote

RAW = (
    "Dam plan 😀 approved\r\n\r\n"
    '"It is a good day," the governor said, "for the valley."\r\n'
    "Farmers\u00a0fear floods, the report says.\r\n"
    '"The water will rise\r\nand stay," a farmer told us.'
)
TEXT = normalise_text(RAW)


def sp(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


SPLIT = Quote(
    content_spans=(sp('"It is a good day,"'), sp('"for the valley."')),
    speaker_spans=(sp("the governor"),),
    cue_spans=(sp("said"),),
    speaker_text="the governor",
    speaker_name="Kim Park",
    kind="direct",
    stance="support",
    annotator="alice",
    status="accepted",
    origin="model-corrected",
    confidence=0.75,
)
NO_SOURCE = Quote(
    content_spans=(sp("Farmers\u00a0fear floods"),),
    cue_spans=(sp("says"),),
    kind="indirect",
    stance="no opinion",
    annotator="alice",
    status="rejected",
    origin="model",
)
ACROSS_LINES = Quote(
    content_spans=(sp('"The water will rise\nand stay,"'),),
    speaker_spans=(sp("a farmer"),),
    cue_spans=(sp("told"),),
    speaker_text="a farmer",
    kind="direct",
    annotator="bob",
    status="accepted",
    origin="manual",
    note="line break inside",
    extra={"topic": "water"},
)


def test_ann_lines_follow_polnear() -> None:
    lines = ann_lines(TEXT, [SPLIT, NO_SOURCE])
    c1, c2 = SPLIT.content_spans
    assert lines[:6] == [
        f"T1\tSource {sp('the governor')[0]} {sp('the governor')[1]}\tthe governor",
        f"T2\tCue {sp('said')[0]} {sp('said')[1]}\tsaid",
        f'T3\tContent {c1[0]} {c1[1]};{c2[0]} {c2[1]}\t"It is a good day," "for the valley."',
        f"T4\tAttribution {sp('said')[0]} {sp('said')[1]}\tsaid",
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        "A1\tKind E1 direct",
    ]
    assert lines[6] == "A2\tStance E1 support"
    note = lines[7].split("\t")
    assert note[:2] == ["#1", "AnnotatorNotes E1"]
    assert json.loads(note[2]) == {
        "speaker_name": "Kim Park",
        "annotator": "alice",
        "origin": "model-corrected",
        "confidence": 0.75,
    }
    # a quote with no speaker is still an Attribution event, without a Source role
    assert "E2\tAttribution:T7 Cue:T5 Content:T6" in lines
    assert "A4\tStance E2 no_opinion" in lines and "A5\tStatus E2 rejected" in lines
    assert all("\n" not in line for line in lines)


def test_a_span_over_a_line_break_is_cut_for_brat_and_kept_exact() -> None:
    lines = ann_lines(TEXT, [ACROSS_LINES])
    a, b = ACROSS_LINES.content_spans[0]
    nl = TEXT.index("\n", a)
    assert f'T3\tContent {a} {nl};{nl + 1} {b}\t"The water will rise and stay,"' in lines
    note = json.loads(next(x for x in lines if x.startswith("#1")).split("\t")[2])
    assert note["content_spans"] == [[a, b]]


def test_folder_round_trip(tmp_path: Path) -> None:
    art = StoredArticle(5, "Dam plan 😀 approved", TEXT, {"publisher": "Valley News"}, "h", "dam/1")
    w = BratWriter(tmp_path / "out")
    w.write(art, [ExportQuote(str(i), q) for i, q in enumerate([SPLIT, NO_SOURCE, ACROSS_LINES])])
    w.close()
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        ".quote-annotator-export.json",
        "annotation.conf",
        "dam_1.ann",
        "dam_1.json",
        "dam_1.txt",
    ]
    assert (tmp_path / "out" / "dam_1.txt").read_bytes() == TEXT.encode("utf-8")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert (
        conf.startswith(CONF_MARKER) and "Stance\tArg:Attribution, Value:no_opinion|support" in conf
    )
    assert is_brat_folder(tmp_path / "out")
    (got,) = list(iter_brat(tmp_path / "out"))
    assert isinstance(got, Article)
    assert (got.title, got.text, got.ext_id, got.meta) == (
        "Dam plan 😀 approved",
        TEXT,
        "dam/1",
        {"publisher": "Valley News"},
    )
    assert got.quotes == [SPLIT, NO_SOURCE, ACROSS_LINES]
    assert got.quotes[2].extra == {"topic": "water"}


def test_polnear_layout(tmp_path: Path) -> None:
    """attributions/NAME_ANNOTATOR.ann with text/NAME.txt, Attribution-no-source, Discard."""
    raw = 'Senator 🇺🇸 speaks\r\n\r\nThe senator said\u00a0taxes will fall. "No," critics replied.'
    text = normalise_text(raw)
    (tmp_path / "corpus" / "text").mkdir(parents=True)
    (tmp_path / "corpus" / "attributions").mkdir()
    (tmp_path / "corpus" / "text" / "nyt_story.txt").write_bytes(raw.encode("utf-8"))

    def loc(sub: str) -> str:  # offsets into the file as written (CRLF)
        i = raw.index(sub)
        return f"{i} {i + len(sub)}"

    ann = "\n".join(
        [
            f"T1\tSource {loc('The senator')}\tThe senator",
            f"T2\tCue {loc('said')}\tsaid",
            f"T3\tContent {loc('taxes will fall')}\ttaxes will fall",
            f"T4\tAttribution {loc('said')}\tsaid",
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            "T5\tContent " + loc('"No,"') + '\t"No,"',
            f"T6\tCue {loc('replied')}\treplied",
            f"T7\tAttribution-no-source {loc('replied')}\treplied",
            "E2\tAttribution-no-source:T7 Cue:T6 Content:T5",
            f"T8\tDiscard {loc('Senator')}\tSenator",
            "",
        ]
    )
    (tmp_path / "corpus" / "attributions" / "nyt_story_ef2d.ann").write_text(ann, encoding="utf-8")
    (tmp_path / "corpus" / "attributions" / "broken_ef2d.ann").write_text("T1\tSource 1 2\tx\n")
    items = list(iter_brat(tmp_path / "corpus"))
    errors = [i for i in items if isinstance(i, FileError)]
    arts = [i for i in items if isinstance(i, Article)]
    assert len(errors) == 1 and "no .txt" in errors[0].reason
    (art,) = arts
    assert art.text == text and art.ext_id == "nyt_story" and art.title == "Senator 🇺🇸 speaks"
    q1, q2 = art.quotes
    assert text[slice(*q1.content_spans[0])] == "taxes will fall"
    assert text[slice(*q1.speaker_spans[0])] == "The senator"
    assert (q1.kind, q1.annotator, q1.status, q1.speaker_text) == (
        "indirect",
        "ef2d",
        "accepted",
        "The senator",
    )
    assert text[slice(*q2.content_spans[0])] == '"No,"'
    assert q2.speaker_spans == () and q2.kind == "direct"


def test_bad_ann_line_costs_only_itself(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text here.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tSource one two\tSome\n", encoding="utf-8")
    err, article = list(iter_brat(tmp_path))
    assert isinstance(err, FileError) and "line 1" in err.reason
    assert isinstance(article, Article) and article.text == "Some text here."


BRAT_LEE = '"We stay," said Ann Lee. Others left.'
ANN_LEE = [
    'T1\tContent 0 10\t"We stay,"',
    "T2\tSource 16 23\tAnn Lee",
    "T3\tCue 11 15\tsaid",
    "T4\tAttribution 11 15\tsaid",
    "E1\tAttribution:T4 Source:T2 Cue:T3 Content:T1",
]


def _read_lee(tmp_path: Path, extra: list[str]) -> tuple[list[str], list[Article]]:
    (tmp_path / "a.txt").write_text(BRAT_LEE, encoding="utf-8")
    (tmp_path / "a.ann").write_text("\n".join(ANN_LEE + extra) + "\n", encoding="utf-8")
    items = list(iter_brat(tmp_path))
    said = [str(i) for i in items if not isinstance(i, Article)]
    return said, [i for i in items if isinstance(i, Article)]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["T1\tSource 99999 100010\tfoo"], "line 6: T1 is already defined on line 1"),
        (["T2\tCue 25 31\tOthers"], "line 6: T2 is already defined on line 2"),
        (["E1\tAttribution:T4 Content:T3"], "line 6: E1 is already defined on line 5"),
    ],
)
def test_an_id_defined_twice_keeps_the_first_and_says_so(
    tmp_path: Path, extra: list[str], said: str
) -> None:
    problems, (article,) = _read_lee(tmp_path, extra)
    assert any(said in p and "this line skipped" in p for p in problems), problems
    (q,) = article.quotes
    assert [BRAT_LEE[a:b] for a, b in q.content_spans] == ['"We stay,"']
    assert [BRAT_LEE[a:b] for a, b in q.speaker_spans] == ["Ann Lee"]
    assert [BRAT_LEE[a:b] for a, b in q.cue_spans] == ["said"]


@pytest.mark.parametrize("line", ["broken", "Q7\tSomething 1 2", "T", "R1", "Rx\tRel"])
def test_a_line_that_is_not_brat_standoff_is_said(tmp_path: Path, line: str) -> None:
    problems, (article,) = _read_lee(tmp_path, [line])
    assert any("line 6" in p and "not brat standoff" in p for p in problems), problems
    assert len(article.quotes) == 1


@pytest.mark.parametrize(
    "line",
    ["R1\tRelated Arg1:T1 Arg2:T2", "N1\tReference T2 Wikidata:Q42\tAnn Lee", "*\tEquiv T1 T3"],
)
def test_brat_lines_quotes_do_not_use_are_read_past_quietly(tmp_path: Path, line: str) -> None:
    problems, (article,) = _read_lee(tmp_path, [line])
    assert problems == []
    assert len(article.quotes) == 1


def test_guess_kind() -> None:
    t = "\"All of it,\" he said. He said that \"some\" went. He said that none went. ''Yes.''"

    def at(sub: str) -> list[tuple[int, int]]:
        i = t.index(sub)
        return [(i, i + len(sub))]

    assert guess_kind(t, at('"All of it,"')) == "direct"
    assert guess_kind(t, at('that "some" went')) == "mixed"
    assert guess_kind(t, at("that none went")) == "indirect"
    assert guess_kind(t, at("''Yes.''")) == "direct"
    assert guess_kind(t, at('"All of it,"') + at("he said")) == "mixed"
