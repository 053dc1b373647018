"""A background import commits in small steps: another writer is never locked out."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.importing import import_paths
from annotator.store.project import Project


@pytest.mark.slow  # about 15 s: 4,000 articles imported while another connection writes
def test_user_writes_succeed_while_a_big_import_runs(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Project.open(db) as p:
        aid, _ = p.add_article(Article("Mine", '"Yes," she said.'))
    src = tmp_path / "big.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for n in range(4000):
            text = f'Article {n}\n\n"We will build it," the mayor said. Item {n}.'
            q = {"content_spans": [[len(f"Article {n}") + 2, len(f"Article {n}") + 21]]}
            fh.write(json.dumps({"id": str(n), "text": text, "quotes": [q]}) + "\n")

    done = threading.Event()
    result: dict[str, object] = {}

    def importer() -> None:
        try:
            with Project.open(db, create=False) as own:
                result["report"] = import_paths(own, [src], annotator="bulk")
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            result["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=importer, daemon=True)
    writes = 0
    with Project.open(db, create=False) as user:
        # a short busy timeout: an import holding the file for seconds fails this write
        user.db.execute("PRAGMA busy_timeout = 2000")
        worker.start()
        while not done.is_set() or writes < 5:
            user.add_annotation(aid, "alice", Quote(((0, 6),), annotator="alice", note=str(writes)))
            writes += 1
        worker.join(120)
        assert "error" not in result, result
        report = result["report"]
        assert report.articles_added == 4000  # type: ignore[attr-defined]
        assert len(user.annotations(aid, "alice")) == writes
