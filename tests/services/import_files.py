"""Quote JSONL files written by a test and imported with ``annotator import``: shared by
the tests of what an import checks in each quote (entry checks, fragments)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import CliResult, CliRunner


def quote(**fields: Any) -> dict[str, Any]:
    """A quote-JSONL quote: a direct, accepted, manual quote of ``ann`` with ``fields``
    (``content_spans`` and the rest) set over those defaults."""
    q: dict[str, Any] = {
        "kind": "direct",
        "annotator": "ann",
        "status": "accepted",
        "origin": "manual",
    }
    q.update(fields)
    return q


def import_articles(
    run_cli: CliRunner, tmp_path: Path, articles: list[dict[str, Any]], name: str
) -> tuple[Path, CliResult]:
    """Write ``articles`` (one JSON object a line) to ``tmp_path/name`` and import the
    file into ``tmp_path/p.db``; return the project's path and the run."""
    src = tmp_path / name
    src.write_text("".join(json.dumps(a) + "\n" for a in articles), "utf-8")
    db = tmp_path / "p.db"
    return db, run_cli("import", str(db), str(src))
