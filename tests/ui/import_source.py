"""A quote JSONL to import from the window, and what it left in the project: shared by the
tests that cancel an import or close the window while one runs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

TEXT = 'Budget\n\n"We will balance it," the minister said on Tuesday.'
QUOTE: dict[str, Any] = {"content_spans": [[8, 31]], "annotator": "alice", "status": "accepted"}


def import_source(tmp_path: Path, n: int) -> Path:
    """``tmp_path/incoming.jsonl``: ``n`` articles "New 0".."New n-1" (distinct texts),
    each with one quote of alice's."""
    path = tmp_path / "incoming.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"title": f"New {i}", "text": f"{TEXT} ({i})", "quotes": [QUOTE]}))
            f.write("\n")
    return path


def new_rows(db: Path) -> tuple[int, int, int, str]:
    """What the import of :func:`import_source` left in ``db``: (new articles, their
    annotations, new articles without one, SQLite's integrity_check)."""
    c = sqlite3.connect(db)
    try:
        new = "SELECT id FROM articles WHERE title LIKE 'New %'"
        arts = c.execute(f"SELECT count(*) FROM ({new})").fetchone()[0]
        anns = c.execute(f"SELECT count(*) FROM annotations WHERE article_id IN ({new})")
        bare = c.execute(
            f"SELECT count(*) FROM ({new}) WHERE id NOT IN (SELECT article_id FROM annotations)"
        )
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
        return arts, anns.fetchone()[0], bare.fetchone()[0], ok
    finally:
        c.close()
