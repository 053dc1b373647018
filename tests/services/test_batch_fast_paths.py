"""The batch paths' fast code (issue 16) against their old semantics, on a project of our
own texts: the import's one-call validation against the per-quote schema (same rows, so
byte-identical exports) and the scorer's C-level character sets against the per-character
definitions (same agreement figures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core import agreement as core_agreement
from annotator.core import schema, scoring
from annotator.io import quote_jsonl
from annotator.services.agreement import compute_agreement
from annotator.services.export import ExportOptions, export_project
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXTS = [
    "“The levy stays,” the treasurer said. Farmers disagreed: “It ruins us,” one wrote.",
    "Ms Ruiz said the port would reopen in spring, while the union warned of more strikes.",
    "“We are not moving,” said Amal Haddad, 41, outside the court. Police declined to comment.",
    "Cafe\u0301 owners said rents doubled.\r\n“Nobody listens,” Leo Brandt told the council.",
]


def _spans(text: str, words: str) -> list[list[int]]:
    start = text.index(words)
    return [[start, start + len(words)]]


def _lines() -> list[str]:
    out = []
    for n, text in enumerate(TEXTS):
        first, second = text.split(".", 1)[0][:20], text.rsplit(" ", 3)[-3]
        quotes: list[dict[str, Any]] = []
        for who, stance in (("alice", "support"), ("bob", "oppose" if n % 2 else "support")):
            quotes.append(
                {
                    "content_spans": _spans(text, first),
                    "speaker_spans": _spans(text, second),
                    "kind": "direct",
                    "stance": stance,
                    "annotator": who,
                    "status": "accepted",
                    "confidence": 0.25 * (n % 4),
                    "note": None if n else "first",
                    "tag": {"n": n},
                }
            )
        if n == 2:  # bob alone finds a second quote; alice rejects one
            quotes.append({"content_spans": _spans(text, "Police declined"), "annotator": "bob"})
            quotes.append(
                {
                    "content_spans": _spans(text, "outside"),
                    "annotator": "alice",
                    "status": "rejected",
                }
            )
        lines_obj = {"id": f"own-{n}", "title": f"Own {n}", "text": text, "quotes": quotes}
        out.append(json.dumps(lines_obj, ensure_ascii=False))
    out.insert(2, '{"text": "bad", "quotes": [{"content_spans": [[0, 9]]}]}')  # past the end
    return out


def _reference_char_set(spans: Any) -> frozenset[int]:
    return frozenset(i for a, b in spans for i in range(a, b))


def _reference_word_char_set(text: str, spans: Any) -> frozenset[int]:
    n = len(text)
    return frozenset(
        i for a, b in spans for i in range(a, min(b, n)) if scoring._WORD_CHAR.match(text[i])
    )


def _run(tmp_path: Path, name: str) -> tuple[bytes, bytes, dict[str, Any], list[str]]:
    src = tmp_path / "own.jsonl"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    with Project.open(tmp_path / f"{name}.db") as p:
        report = import_paths(p, [src])
        problems = [pr for f in report.files for pr in f.problems]
        out = []
        for fmt in ("jsonl", "csv"):
            dest = tmp_path / f"{name}.{fmt}"
            statuses = ("accepted", "rejected", "pending")
            export_project(p, ExportOptions(fmt, dest, statuses=statuses, all_annotators=True))
            out.append(dest.read_bytes())
        figures = compute_agreement(p, ["alice", "bob"]).as_dict()
    return out[0], out[1], figures, problems


def _stamp_free(data: bytes) -> bytes:
    """The export without its created/updated times (they differ between two imports)."""
    import re

    return re.sub(rb"20\d\d-\d\d-\d\dT[0-9:.+\-Z]+", b"T", data)


def test_fast_paths_give_the_old_bytes_and_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _run(tmp_path, "fast")
    with monkeypatch.context() as m:
        m.setattr(quote_jsonl, "check_article_fast", lambda obj: None)
        m.setattr(scoring, "char_set", _reference_char_set)
        m.setattr(core_agreement, "char_set", _reference_char_set)
        m.setattr(scoring, "word_char_set", _reference_word_char_set)
        assert schema.check_article_fast({"text": "x"}) is not None  # only the reader's is off
        old = _run(tmp_path, "old")
    assert _stamp_free(fast[0]) == _stamp_free(old[0]) and b"Leo Brandt" in fast[0]
    assert _stamp_free(fast[1]) == _stamp_free(old[1]) and fast[1].count(b"\n") > 8
    assert fast[2] == old[2]
    assert fast[2]["pairs"][0]["articles"] == 4 and fast[2]["pairs"][0]["matched"] >= 4
    assert fast[3] == old[3] and len(fast[3]) == 1 and "line 3" in fast[3][0]
