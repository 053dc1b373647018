"""The faster quote-JSONL import (issue 16: plain tuples from the reader, a staging table
for articles, CHECKs evaluated in Python) stores exactly what the import stored before.

``import_same_rows.json`` holds the rows (articles, annotations, suggestions, speakers,
annotators, progress, change log without its timestamps) and the full-text search results
that commit a5f8487 (the import before the change) stored for the files below; the test
imports the same files now, in small and in large groups, with the reader in this process
and in its worker, and compares. Regenerate (only when a change to the stored rows is
meant): ``python tests/services/test_import_same_rows.py``. Regenerated twice since: when new
registry entries began to get a type guessed from the name (two speakers became ``person``),
and when a bad quote began to cost only itself, not its line (a.jsonl line 4, ``bad-span``,
is now stored without its quote, ahead of the later line with the same text; the report
names the quote), and when the import began to fill a missing ``speaker_text`` from the
quote's ``speaker_spans`` (tester18 T1: five annotations got the text under their spans).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.services.importing import import_paths
from annotator.store.project import Project

SNAPSHOT = Path(__file__).with_name("import_same_rows.json")

HARBOUR = (
    "Harbour vote delayed\n\n"
    '"We need another month," said Mara Lind, the harbour master.\n\n'
    "The council agreed. Tomas Berg called the delay a mistake.\n\n"
    '"It costs the fishermen money," he said.'
)
SCHOOL = (
    "School roof repaired\n\n"
    "The head teacher said the roof was finally dry.\n\n"
    '"Pupils can use the hall again," she told parents on Monday.'
)
# Windows line ends: the reader normalises them and moves the quote offsets
FERRY = 'Ferry timetable\r\n\r\n"Boats will leave every hour," the operator said.\r\n'
# decomposed accents (NFD): normalised to NFC, offsets moved; a character outside the BMP
CAFE = (
    "Cafe\u0301 owners object 🍰\n\n"
    '"The rent doubled," said Rene\u0301e Olsen, who runs the cafe\u0301 by the river.'
)
PLAIN = "Weather report\n\nRain is expected in the valley until Thursday."


def _find(text: str, part: str) -> list[list[int]]:
    start = text.index(part)
    return [[start, start + len(part)]]


def _lines_a() -> list[str]:
    harbour_quotes: list[dict[str, Any]] = [
        {
            "content_spans": _find(HARBOUR, "We need another month,"),
            "speaker_spans": _find(HARBOUR, "Mara Lind"),
            "cue_spans": _find(HARBOUR, "said"),
            "speaker_text": "Mara Lind",
            "speaker_name": "Mara Lind",
            "speaker_type": "person",
            "speaker_gender": "female",
            "kind": "direct",
            "annotator": "alice",
            "stance": "support",
            "stance_target": "  the delay ",
            "confidence": 0.5,
            "note": "checked twice",
            "source_row": 7,
        },
        {  # the same quote by the same annotator: present, not stored twice
            "content_spans": _find(HARBOUR, "We need another month,"),
            "speaker_spans": _find(HARBOUR, "Mara Lind"),
            "cue_spans": _find(HARBOUR, "said"),
            "annotator": "alice",
        },
        {  # the same spans by another annotator: a quote of their own
            "content_spans": _find(HARBOUR, "We need another month,"),
            "speaker_spans": _find(HARBOUR, "Mara Lind"),
            "cue_spans": _find(HARBOUR, "said"),
            "annotator": "bob",
            "status": "pending",
            "origin": "model-corrected",
        },
        {  # two content spans, given out of order; nobody named: the import's annotator
            "content_spans": [
                _find(HARBOUR, "It costs the fishermen money,")[0],
                _find(HARBOUR, "called the delay a mistake")[0],
            ],
            "speaker_spans": _find(HARBOUR, "Tomas Berg"),
            "speaker_name": "Tomas Berg",
            "kind": "mixed",
        },
        {  # a detector suggestion: origin model, no annotator
            "content_spans": _find(HARBOUR, "The council agreed."),
            "origin": "model",
            "kind": "indirect",
            "confidence": 0.25,
            "detector_version": "rules-9",
        },
    ]
    school_quotes: list[dict[str, Any]] = [
        {
            "content_spans": _find(SCHOOL, "Pupils can use the hall again,"),
            "cue_spans": _find(SCHOOL, "told"),
            "speaker_spans": _find(SCHOOL, "she"),
            "speaker_text": "she",
            "annotator": "bob",
            "kind": "direct",
        },
        {
            "content_spans": _find(SCHOOL, "the roof was finally dry"),
            "speaker_spans": _find(SCHOOL, "The head teacher"),
            "speaker_name": "Head teacher",
            "speaker_gender_guessed": True,
            "speaker_gender": "unknown",
            "annotator": "alice",
        },
    ]
    ferry_quotes = [{"content_spans": [[18, 45]], "cue_spans": [[64, 68]], "annotator": "alice"}]
    cafe_quotes = [
        {
            "content_spans": [[29, 44]],
            "speaker_spans": [[51, 63]],
            "speaker_name": "Renée Olsen",
            "annotator": "carla",
        }
    ]
    return [
        json.dumps(
            {
                "id": "h-1",
                "title": "Harbour",
                "text": HARBOUR,
                "quotes": harbour_quotes,
                "meta": {"desk": "city", "page": 3},
                "section": "local",
            }
        ),  # fmt: skip
        "{not json at all",
        json.dumps({"id": 42, "text": SCHOOL, "quotes": school_quotes}),
        json.dumps({"id": "bad-span", "text": PLAIN, "quotes": [{"content_spans": [[5, 999]]}]}),
        json.dumps({"id": "ferry", "title": "  ", "text": FERRY, "quotes": ferry_quotes}),
        json.dumps({"text": CAFE, "quotes": cafe_quotes, "meta": {"lang": "en"}}),
        json.dumps({"id": "plain", "title": "Weather", "text": PLAIN}),
        "",
        json.dumps({"id": "again", "text": PLAIN, "quotes": []}),  # a text already here
    ]


def _lines_b() -> list[str]:
    return [
        json.dumps(
            {
                "id": "h-2",
                "text": HARBOUR,
                "quotes": [
                    {
                        "content_spans": _find(HARBOUR, "We need another month,"),
                        "speaker_spans": _find(HARBOUR, "Mara Lind"),
                        "cue_spans": _find(HARBOUR, "said"),
                        "annotator": "alice",
                    },  # present already
                    {
                        "content_spans": _find(HARBOUR, "The council agreed."),
                        "annotator": "dan",
                        "speaker_name": "mara lind",
                    },  # new quote on a known article; known speaker
                ],
            }
        ),  # fmt: skip
        json.dumps({"id": "s", "text": SCHOOL, "quotes": [{"content_spans": [[0, 6]]}]}),
    ]


def write_inputs(folder: Path) -> tuple[Path, Path]:
    a, b = folder / "a.jsonl", folder / "b.jsonl"
    a.write_text("\n".join(_lines_a()) + "\n", encoding="utf-8")
    b.write_text("\n".join(_lines_b()) + "\n", encoding="utf-8")
    return a, b


def _rows(project: Project, sql: str) -> list[list[Any]]:
    return [list(r) for r in project.db.execute(sql).fetchall()]


def snapshot(project: Project, reports: list[list[str]], folder: Path) -> dict[str, Any]:
    """Everything the imports stored, without timestamps; paths relative to ``folder``."""

    def rel(value: Any) -> Any:
        return value.replace(str(folder) + "/", "") if isinstance(value, str) else value

    log = []
    sql = "SELECT id, actor, action, entity, entity_id, payload FROM changelog ORDER BY id"
    for row in _rows(project, sql):
        payload = json.loads(row[5])
        if "source" in payload:
            payload["source"] = rel(payload["source"])
        log.append([*row[:5], payload])
    searches = {}
    for word in ("harbour", "roof", "boats", "rent", "café", "valley", "month", "nothing"):
        searches[word] = project.search_articles(word)
    return {
        "reports": [[rel(line) for line in lines] for lines in reports],
        "articles": [
            [*r[:6], rel(r[6])]
            for r in _rows(
                project,
                "SELECT id, ext_id, title, text, meta, content_hash, source FROM articles"
                " ORDER BY id",
            )
        ],
        "annotations": _rows(
            project,
            "SELECT id, article_id, annotator_id, suggestion_id, content_spans, speaker_spans,"
            " cue_spans, speaker_text, kind, confidence, speaker_id, stance, stance_target,"
            " status, origin, note, extra FROM annotations ORDER BY id",
        ),
        "suggestions": _rows(
            project,
            "SELECT id, article_id, detector_version, content_spans, speaker_spans, cue_spans,"
            " speaker_text, kind, confidence, speaker_name FROM suggestions ORDER BY id",
        ),
        "detections": _rows(
            project, "SELECT article_id, detector_version FROM detections ORDER BY 1, 2"
        ),
        "annotators": _rows(project, "SELECT id, name FROM annotators ORDER BY id"),
        "speakers": _rows(
            project,
            "SELECT id, name, kind, aliases, gender, gender_guessed FROM speakers ORDER BY id",
        ),
        "progress": _rows(
            project,
            "SELECT article_id, annotator_id, status, current_quote FROM article_progress"
            " ORDER BY 1, 2",
        ),
        "changelog": log,
        "search": searches,
    }


def run_imports(folder: Path) -> dict[str, Any]:
    """Import a.jsonl and b.jsonl (owner "kim" for unnamed quotes), then a.jsonl again."""
    a, b = write_inputs(folder)
    with Project.open(folder / "p.db") as project:
        # one commit per call, so the change log's batch rows do not depend on timing
        first = import_paths(project, [a, b], annotator="kim", commit_interval=3600)
        again = import_paths(project, [a], commit_interval=3600)
        return snapshot(project, [first.lines(), again.lines()], folder)


def _joined(log: list[list[Any]]) -> list[list[Any]]:
    """The change log with each run of import batch rows joined into one row (ids
    concatenated, empty lists dropped, rows renumbered)."""
    out: list[list[Any]] = []
    for _id, actor, action, entity, entity_id, payload in json.loads(json.dumps(log)):
        if out and (action, entity) == ("import", "batch") and out[-1][2:4] == [action, entity]:
            merged = out[-1][5]
            for key, value in payload.items():
                if isinstance(value, list):
                    merged.setdefault(key, []).extend(value)
                else:
                    merged[key] = value
        else:
            out.append([0, actor, action, entity, entity_id, dict(payload)])
    for n, row in enumerate(out, 1):
        row[0] = n
        row[5] = {k: v for k, v in row[5].items() if v != []}
    return out


@pytest.mark.parametrize("flush_rows", [1, 4, 1000], ids=["one", "small groups", "one group"])
@pytest.mark.parametrize("parallel", [False, True], ids=["in process", "worker"])
def test_the_import_stores_the_same_rows_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flush_rows: int, parallel: bool
) -> None:
    from annotator.io import quote_jsonl

    monkeypatch.setattr(importing, "FLUSH_ROWS", flush_rows)
    monkeypatch.setattr(importing, "LONG_FLUSH_ROWS", flush_rows)
    monkeypatch.setattr(quote_jsonl, "PARALLEL_MIN_BYTES", 0 if parallel else 2**40)
    got = run_imports(tmp_path)
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    # each group of an import is a commit of its own, with its change-log row (tester17
    # F14: short transactions): the rows of a run of groups together log what one did
    got["changelog"], want["changelog"] = _joined(got["changelog"]), _joined(want["changelog"])
    # compared table by table, so a difference names its table
    assert sorted(got) == sorted(want)
    for key in want:
        assert json.loads(json.dumps(got[key])) == want[key], key


if __name__ == "__main__":  # regenerate the snapshot (see the module docstring)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = run_imports(Path(tmp))
    SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
