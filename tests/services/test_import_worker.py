"""Large quote-JSONL files are read in a worker process (issue 16): same items, same
messages, same rows as reading them in the importing process.

The worker is forced on small files here (``parallel=True``, or PARALLEL_MIN_BYTES set to
0); every file mixes good lines with bad ones of several kinds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from annotator.core.quote_rows import article_row
from annotator.core.text import content_hash
from annotator.io import quote_jsonl
from annotator.io.decode import NotTextError
from annotator.io.quote_jsonl import LineError, QuoteError, iter_jsonl, iter_jsonl_rows
from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Harbour\n\n"The pier will reopen in May," the mayor said. Fishers doubt it.'


def _quote(**over: Any) -> dict[str, Any]:
    quote = {
        "content_spans": [[10, 38]],
        "speaker_spans": [[40, 49]],
        "cue_spans": [[50, 54]],
        "speaker_text": "the mayor",
        "kind": "direct",
        "annotator": "alice",
    }
    quote.update(over)
    return quote


def _line(n: int, **over: Any) -> bytes:
    obj: dict[str, Any] = {
        "id": f"a{n}",
        "title": f"Harbour {n}",
        "text": TEXT + f" ({n})",
        "quotes": [_quote(), _quote(annotator="bob", speaker_spans=[])],
    }
    obj.update(over)
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _mixed(path: Path, good: int = 250) -> Path:
    """``good`` good lines (more than a worker's chunk) with bad lines of each kind among
    them: broken JSON, not UTF-8, a wrong type, a blank line, a CRLF text (normalised,
    offsets moved), a repeated text, a BOM at the start, and a line whose only quote has a
    span past the text (it costs that quote; its text repeats the line before it)."""
    lines = [b"\xef\xbb\xbf" + _line(0)]
    for n in range(1, good):
        lines.append(_line(n))
        if n == 7:
            lines.append(b'{"text": "unfinished')
        if n == 120:
            lines.append(b'{"text": "caf\xe9 au lait"}')
        if n == 121:
            lines.append(_line(n, quotes=[_quote(content_spans=[[10, 9999]])]))
        if n == 160:
            lines.append(b"   ")
            lines.append(_line(n, title=["not", "a", "title"]))
        if n == 200:
            crlf = TEXT.replace("\n", "\r\n")
            # offsets count the \r of the file's text (two before the quote)
            moved = _quote(content_spans=[[12, 40]], speaker_spans=[[42, 51]])
            lines.append(_line(n, text=crlf, quotes=[{**moved, "cue_spans": [[52, 56]]}]))
        if n == 230:
            lines.append(_line(5))  # the same text again: stored once
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_worker_gives_the_same_items_as_the_caller(tmp_path: Path) -> None:
    path = _mixed(tmp_path / "mixed.jsonl")
    here = list(iter_jsonl_rows(path, parallel=False))
    there = list(iter_jsonl_rows(path, parallel=True))
    assert there == here
    errors = [item for item in there if isinstance(item, LineError)]
    assert [(e.line, e.path) for e in errors] == [
        (9, str(path)),
        (123, str(path)),
        (166, str(path)),
    ]
    # was a LineError: the bad quote now costs only itself, and its line gives a row
    (bad_quote,) = [item for item in there if isinstance(item, QuoteError)]
    assert (bad_quote.line, bad_quote.quote, bad_quote.path) == (125, 1, str(path))
    assert "past the end" in bad_quote.reason
    rows = [item for item in there if not isinstance(item, LineError | QuoteError)]
    assert len(rows) == 250 + 3  # the CRLF text, the repeated one and line 125's
    # lines 124 and 125 share a text: 124 with its two quotes, 125 without its bad one
    assert [len(r[5]) for r in rows if r[3] == TEXT + " (121)"] == [2, 0]
    # each row is what the Article reader's article makes, hash included
    articles = [a for a in iter_jsonl(path) if not isinstance(a, LineError | QuoteError)]
    assert rows == [article_row(a, content_hash(a.text)) for a in articles]


def _rows(project: Project) -> list[tuple[Any, ...]]:
    return project.db.execute(
        "SELECT ar.ext_id, ar.title, ar.text, an.name, a.content_spans, a.speaker_spans,"
        " a.cue_spans, a.kind FROM annotations a JOIN articles ar ON ar.id = a.article_id"
        " JOIN annotators an ON an.id = a.annotator_id ORDER BY a.id"
    ).fetchall()


@pytest.mark.parametrize("interval", [0.05, 0.0, 60.0])
def test_import_through_the_worker_stores_what_the_caller_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interval: float
) -> None:
    path = _mixed(tmp_path / "mixed.jsonl")
    with Project.open(tmp_path / "here.db") as here:
        report_here = import_paths(here, [path], commit_interval=interval)
        rows_here = _rows(here)
    monkeypatch.setattr(quote_jsonl, "PARALLEL_MIN_BYTES", 0)
    with Project.open(tmp_path / "there.db") as there:
        report_there = import_paths(there, [path], commit_interval=interval)
        rows_there = _rows(there)
        again = import_paths(there, [path], commit_interval=interval)  # adds nothing
        assert _rows(there) == rows_there
    assert rows_there == rows_here
    assert len(rows_there) == 2 * 250 + 1  # two per good text, one in the CRLF one
    got = report_there.files[0]
    assert got.problems == report_here.files[0].problems
    assert [p.split(": ")[0] for p in got.problems] == [
        f"{path}, line 9",
        f"{path}, line 123",
        f"{path}, line 125, quote 1",  # its article repeats line 124's text: stored once
        f"{path}, line 166",
    ]
    assert (got.articles_added, got.quotes_added, got.quotes_present) == (251, 501, 2)
    assert again.files[0].status == "skipped"
    assert again.files[0].quotes_present == 501 + 2


def _children() -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        out.update(int(p) for p in (task / "children").read_text().split())
    return out


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_stopping_early_ends_the_worker(tmp_path: Path) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", good=2000)
    before = _children()
    items = iter_jsonl_rows(path, parallel=True)
    assert not isinstance(next(items), LineError)
    assert _children() - before  # the worker runs
    items.close()
    assert _children() == before


@pytest.mark.parametrize("parallel", [False, True])
def test_a_file_that_cannot_be_read_raises_the_same_in_both(tmp_path: Path, parallel: bool) -> None:
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    with pytest.raises(NotTextError) as caught:
        list(iter_jsonl_rows(folder, parallel=parallel))
    with pytest.raises(NotTextError) as expected:
        list(iter_jsonl_rows(folder, parallel=False))
    assert type(caught.value) is type(expected.value)
    assert str(caught.value) == str(expected.value)


def test_every_import_reader_gives_articles_or_line_errors(tmp_path: Path) -> None:
    """FORMATS is also read by the cluster and by tools: its JSONL reader gives articles and
    LineErrors, not the import writer's (article, hash, spans) tuples."""
    from annotator.core.model import Article
    from annotator.services.importing import FORMATS

    src = tmp_path / "a.jsonl"
    src.write_text(
        '{"id": "a", "text": "Ann said \\"yes.\\"", "quotes": []}\n{broken\n', encoding="utf-8"
    )
    items = list(FORMATS["jsonl"](src)[0])
    assert [type(i).__name__ for i in items] == ["Article", "LineError"]
    assert isinstance(items[0], Article) and items[0].text == 'Ann said "yes."'


@pytest.mark.parametrize("lines", [5, 3000])
def test_a_worker_whose_reader_went_away_ends_without_a_traceback(
    tmp_path: Path, lines: int
) -> None:
    """The reader is killed (a window quit during its import, or Ctrl+C): the worker's
    next write finds the pipe broken and it ends quietly (it printed a BrokenPipeError
    traceback into the terminal when that was its last frame)."""
    import subprocess
    import sys

    path = _mixed(tmp_path / "mixed.jsonl", good=lines)
    code = "import sys; from annotator.io.quote_jsonl import _worker_main as m; m(sys.argv[1])"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first frame
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
