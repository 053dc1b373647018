"""Prodigy task JSONL: the task shape, and reading tasks back (ours and other tools')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote, StoredArticle
from annotator.core.text import normalise_text
from annotator.io.export_records import ExportQuote
from annotator.io.prodigy import (
    ProdigyWriter,
    is_prodigy_file,
    iter_prodigy,
    prodigy_tasks,
)
from annotator.io.quote_jsonl import LineError, LineNote

RAW = (
    "Port reopens 🚢\r\n\r\n"
    '"The harbour is safe," the minister said on Monday, "and ships can dock."\r\n'
    "Unions\u00a0warned that pay talks had stalled, according to Ana Ruiz."
)
TEXT = normalise_text(RAW)


def sp(sub: str, start: int = 0) -> tuple[int, int]:
    i = TEXT.index(sub, start)
    return i, i + len(sub)


SPLIT = Quote(
    content_spans=(sp('"The harbour is safe,"'), sp('"and ships can dock."')),
    speaker_spans=(sp("the minister"),),
    cue_spans=(sp("said"),),
    speaker_text="the minister",
    speaker_name="Lee Min",
    kind="direct",
    stance="support",
    annotator="alice",
    status="accepted",
    origin="model-corrected",
    confidence=0.8,
    note="check the date",
    extra={"topic": "ports"},
)
INDIRECT = Quote(
    content_spans=(sp("pay talks had stalled"),),
    speaker_spans=(sp("Ana Ruiz"),),
    cue_spans=(sp("according to"),),
    speaker_text="Ana Ruiz",
    kind="indirect",
    annotator="alice",
    status="accepted",
    origin="manual",
)
NEGATIVE = Quote(
    content_spans=(sp("Unions"),),
    kind="indirect",
    annotator="alice",
    status="rejected",
    origin="model",
    confidence=0.2,
)
BOB = INDIRECT.with_(annotator="bob", stance="oppose")


def stored() -> StoredArticle:
    return StoredArticle(3, "Port reopens 🚢", TEXT, {"publisher": "Test Post"}, "h", "port-1")


def exported(*quotes: Quote) -> list[ExportQuote]:
    return [ExportQuote(str(i), q) for i, q in enumerate(quotes, 1)]


def test_task_shape() -> None:
    tasks = prodigy_tasks(stored(), exported(SPLIT, NEGATIVE, INDIRECT, BOB))
    # one task per annotator and status, in order of their first quote
    assert [(t["meta"]["annotator"], t["answer"]) for t in tasks] == [
        ("alice", "accept"),
        ("alice", "reject"),
        ("bob", "accept"),
    ]
    task = tasks[0]
    assert task["text"] == TEXT
    assert task["_annotator_id"] == "alice"
    assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
    tokens = task["tokens"]
    assert all(TEXT[t["start"] : t["end"]] == t["text"] for t in tokens)
    labels = [(s["label"], TEXT[s["start"] : s["end"]]) for s in task["spans"]]
    assert labels == [
        ("QUOTE", '"The harbour is safe,"'),
        ("SPEAKER", "the minister"),
        ("CUE", "said"),
        ("QUOTE", '"and ships can dock."'),
        ("QUOTE", "pay talks had stalled"),
        ("CUE", "according to"),
        ("SPEAKER", "Ana Ruiz"),
    ]
    for s in task["spans"]:  # token_end is inclusive
        assert tokens[s["token_start"]]["start"] == s["start"]
        assert tokens[s["token_end"]]["end"] == s["end"]
    rels = [
        (
            r["label"],
            TEXT[r["head_span"]["start"] : r["head_span"]["end"]],
            TEXT[r["child_span"]["start"] : r["child_span"]["end"]],
        )
        for r in task["relations"]
    ]
    assert ("SAID_BY", '"The harbour is safe,"', "the minister") in rels
    assert ("SAID_BY", '"and ships can dock."', "the minister") in rels
    assert ("CONTINUES", '"The harbour is safe,"', '"and ships can dock."') in rels
    assert ("CUED_BY", "pay talks had stalled", "according to") in rels
    assert ("SAID_BY", "pay talks had stalled", "Ana Ruiz") in rels
    assert all(r["head"] == r["head_span"]["token_end"] for r in task["relations"])
    meta = task["meta"]
    assert meta["id"] == "port-1" and meta["title"] == "Port reopens 🚢"
    assert meta["article_meta"] == {"publisher": "Test Post"}
    first = meta["quotes"][0]
    assert (first["seq"], first["kind"], first["stance"], first["speaker_name"]) == (
        0,
        "direct",
        "support",
        "Lee Min",
    )
    assert (first["annotator"], first["status"], first["origin"]) == (
        "alice",
        "accepted",
        "model-corrected",
    )


def test_round_trip_restores_every_quote_in_order(tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    w = ProdigyWriter(out)
    w.write(stored(), exported(SPLIT, NEGATIVE, INDIRECT, BOB))
    w.close()
    assert is_prodigy_file(out)
    items = list(iter_prodigy(out))
    assert len(items) == 1  # the three tasks share one text: one article
    art = items[0]
    assert isinstance(art, Article)
    assert (art.title, art.text, art.ext_id, art.meta) == (
        "Port reopens 🚢",
        TEXT,
        "port-1",
        {"publisher": "Test Post"},
    )
    assert art.quotes == [SPLIT, NEGATIVE, INDIRECT, BOB]
    assert art.quotes[0].extra == {"topic": "ports"}


def test_tasks_from_another_tool(tmp_path: Path) -> None:
    """No meta of ours: quotes come from spans and relations, status from the answer."""
    text = 'He said: "Go home." She thinks it is late. 🌙'

    def s(sub: str, label: str) -> dict[str, object]:
        i = text.index(sub)
        return {"start": i, "end": i + len(sub), "label": label}

    quote, speaker, cue = s('"Go home."', "QUOTE"), s("He", "SPEAKER"), s("said", "CUE")
    tasks = [
        {
            "text": text,
            "spans": [speaker, cue, quote, s("it is late", "quote")],
            "relations": [
                {
                    "head": 0,
                    "child": 0,
                    "head_span": speaker,
                    "child_span": quote,
                    "label": "SAID_BY",
                },
                {"head": 0, "child": 0, "head_span": quote, "child_span": cue, "label": "CUE"},
            ],
            "answer": "accept",
            "meta": {"source": "feed"},
            "_annotator_id": "news-dana",
        },
        {"text": "Nothing here.", "spans": [], "answer": "reject"},
    ]
    path = tmp_path / "db-out.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tasks) + "\n", encoding="utf-8")
    first, second = list(iter_prodigy(path))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.meta == {"source": "feed"} and first.title == text
    q1, q2 = first.quotes
    assert q1.content_spans == ((9, 19),) and q1.speaker_spans == ((0, 2),)
    assert q1.cue_spans == ((3, 7),) and q1.speaker_text == "He"
    assert (q1.kind, q1.status, q1.annotator, q1.origin) == (
        "direct",
        "accepted",
        "news-dana",
        "manual",
    )
    assert q2.speaker_spans == () and q2.kind == "indirect"
    assert second.quotes == []


def test_crlf_text_moves_the_spans(tmp_path: Path) -> None:
    raw = 'Title\r\n\r\n"Hi," said Al 😀.\u00a0Bye.'
    i = raw.index('"Hi,"')
    task = {"text": raw, "spans": [{"start": i, "end": i + 5, "label": "QUOTE"}]}
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    (art,) = list(iter_prodigy(path))
    assert isinstance(art, Article)
    (q,) = art.quotes
    a, b = q.content_spans[0]
    assert art.text[a:b] == '"Hi,"'


def test_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    good = {"text": "Fine text.", "spans": [{"start": 0, "end": 4, "label": "QUOTE"}]}
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        b"{broken\n"
        + json.dumps({"text": "x", "spans": [{"start": 0, "end": 9, "label": "QUOTE"}]}).encode()
        + b"\n\xff\xfe\n"
        + json.dumps(good).encode()
        + b"\n"
    )
    items = list(iter_prodigy(path))
    errors = [i for i in items if isinstance(i, LineError)]
    assert [e.line for e in errors] == [1, 3]
    # a span outside the text costs only that span: the task's article is kept
    (note,) = [i for i in items if isinstance(i, LineNote)]
    assert note.line == 2 and "outside the text (1 characters)" in note.message
    arts = [i for i in items if isinstance(i, Article)]
    assert [a.text for a in arts] == ["x", "Fine text."]
    assert arts[0].quotes == [] and arts[1].quotes[0].content_spans == ((0, 4),)


BRIDGE = 'Mayor Ann Lee said "We will rebuild the bridge." Critics disagreed.'


def _task_items(tmp_path: Path, *tasks: dict[str, object]) -> list[object]:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tasks) + "\n", encoding="utf-8")
    return list(iter_prodigy(path))


def _q(sub: str, label: str, text: str = BRIDGE) -> dict[str, object]:
    i = text.index(sub)
    return {"start": i, "end": i + len(sub), "label": label}


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"start": 10, "end": 5, "label": "CUE"}, "(CUE) [10, 5] is empty or reversed"),
        ({"start": 14, "end": 14, "label": "SPEAKER"}, "(SPEAKER) [14, 14] is empty"),
        ({"start": 500, "end": 510, "label": "SPEAKER"}, "outside the text (67 characters)"),
        ({"start": -3, "end": 4, "label": "CUE"}, "outside the text"),
        ({"label": "QUOTE"}, "(QUOTE) has no start/end offsets"),
        ({"start": "a", "end": 4, "label": "CUE"}, "are not whole numbers"),
        ({"start": 1.5, "end": 4, "label": "CUE"}, "are not whole numbers"),
        ({"start": True, "end": 4, "label": "CUE"}, "are not whole numbers"),
        ({"start": 0, "end": 4, "label": "WEIRD"}, "label 'WEIRD' is not one of QUOTE"),
        ({"start": 0, "end": 4}, "label None is not one of"),
        ("QUOTE 0 4", "is not an object"),
        ({"token_start": 0, "token_end": 50, "label": "QUOTE"}, "the task has no tokens"),
    ],
)
def test_a_bad_span_is_left_out_with_a_note_and_the_rest_of_the_task_kept(
    tmp_path: Path, bad: object, said: str
) -> None:
    good = _q('"We will rebuild the bridge."', "QUOTE")
    items = _task_items(tmp_path, {"text": BRIDGE, "spans": [good, bad], "answer": "accept"})
    assert not [i for i in items if isinstance(i, LineError)]
    (note,) = [i for i in items if isinstance(i, LineNote)]
    assert note.line == 1 and said in note.message and "span 2" in note.message
    assert "left out, the task was kept" in note.message
    (art,) = [i for i in items if isinstance(i, Article)]
    (q,) = art.quotes
    assert BRIDGE[slice(*q.content_spans[0])] == '"We will rebuild the bridge."'
    assert q.status == "accepted"


def test_spans_given_by_tokens_only_are_read_from_the_tasks_tokens(tmp_path: Path) -> None:
    raw = 'Mayor Ann\u00a0Lee said\r\n"We rebuild." 🌉 Fine.'
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", raw)]
    tokens = [{"text": raw[a:b], "start": a, "end": b, "id": i} for i, (a, b) in enumerate(words)]
    # "We rebuild." is tokens 4-5 ('"We', 'rebuild."'), the speaker tokens 1-2
    spans = [
        {"token_start": 4, "token_end": 5, "label": "QUOTE"},
        {"token_start": 1, "token_end": 2, "label": "SPEAKER"},
        {"token_start": 7, "token_end": 9, "label": "CUE"},
    ]
    relations = [{"head": 5, "child": 2, "label": "SAID_BY"}]
    items = _task_items(
        tmp_path, {"text": raw, "tokens": tokens, "spans": spans, "relations": relations}
    )
    (art,) = [i for i in items if isinstance(i, Article)]
    (q,) = art.quotes
    assert art.text[slice(*q.content_spans[0])] == '"We rebuild."'
    assert [art.text[a:b] for a, b in q.speaker_spans] == ["Ann\u00a0Lee"]
    (note,) = [i for i in items if isinstance(i, LineNote)]
    assert "span 3 (CUE) tokens 7-9 are not tokens of the task (it has 8, 0-7)" in note.message


def test_an_unknown_answer_is_read_as_accept_and_said(tmp_path: Path) -> None:
    good = _q('"We will rebuild the bridge."', "QUOTE")
    items = _task_items(
        tmp_path,
        {"text": BRIDGE, "spans": [good], "answer": "maybe"},
        {"text": BRIDGE + " More.", "spans": [], "answer": "maybe"},
    )
    notes = [i for i in items if isinstance(i, LineNote)]
    assert [(n.line, "answer 'maybe'" in n.message) for n in notes] == [(1, True)]
    arts = [i for i in items if isinstance(i, Article)]
    assert [len(a.quotes) for a in arts] == [1, 0]
    assert arts[0].quotes[0].status == "accepted"


def test_quote_jsonl_is_not_taken_for_prodigy(tmp_path: Path) -> None:
    p = tmp_path / "q.jsonl"
    p.write_text(json.dumps({"text": "a", "quotes": [], "spans": []}) + "\n", encoding="utf-8")
    assert not is_prodigy_file(p)


@pytest.mark.parametrize(
    "bad",
    [
        {"start": 0, "end": 400, "label": "SPEAKER", "token_end": 1},
        {"start": 7, "end": 0, "label": "SPEAKER"},
        {"start": "x", "end": 3, "label": "SPEAKER"},
    ],
)
def test_a_relation_to_a_span_left_out_adds_nothing_and_keeps_the_task(
    tmp_path: Path, bad: dict[str, object]
) -> None:
    text = "Ann Lee said: the pier will close in May."
    quote = {"start": 14, "end": 40, "label": "QUOTE", "token_end": 9}
    rel = {"head_span": quote, "child_span": bad, "head": 9, "child": 1, "label": "SAID_BY"}
    items = _task_items(tmp_path, {"text": text, "spans": [quote, bad], "relations": [rel]})
    assert not [i for i in items if isinstance(i, LineError)]
    (art,) = [i for i in items if isinstance(i, Article)]
    (q,) = art.quotes
    assert q.content_spans == ((14, 40),) and q.speaker_spans == ()


@pytest.mark.parametrize("as_text", [False, True])
def test_offsets_as_digit_strings_move_with_the_text_like_numbers(
    tmp_path: Path, as_text: bool
) -> None:
    raw = "Intro line.\r\nSecond 🚢 line.\r\nAnn said: the pier will close."
    a, b = raw.index("the pier"), raw.index("close.") + 5
    ann = raw.index("Ann")

    def offset(n: int) -> object:
        return str(n) if as_text else n

    spans = [
        {"start": offset(a), "end": offset(b), "label": "QUOTE"},
        {"start": offset(ann), "end": offset(ann + 3), "label": "SPEAKER"},
    ]
    rel = {"head_span": spans[0], "child_span": spans[1], "label": "SAID_BY"}
    items = _task_items(tmp_path, {"text": raw, "spans": spans, "relations": [rel]})
    (art,) = [i for i in items if isinstance(i, Article)]
    (q,) = art.quotes
    assert art.text[slice(*q.content_spans[0])] == "the pier will close"
    assert [art.text[x:y] for x, y in q.speaker_spans] == ["Ann"]


def test_a_quote_jsonl_line_among_tasks_is_said(tmp_path: Path) -> None:
    good = _q('"We will rebuild the bridge."', "QUOTE")
    line = {"text": "Ann said it.", "quotes": [{"content_spans": [[4, 11]], "kind": "indirect"}]}
    items = _task_items(tmp_path, {"text": BRIDGE, "spans": [good]}, line)
    (note,) = [i for i in items if isinstance(i, LineNote)]
    assert note.line == 2 and "looks like quote JSONL" in note.message
    assert [len(a.quotes) for a in items if isinstance(a, Article)] == [1, 0]
