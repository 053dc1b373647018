"""The quote panel shows the words under the speaker spans (tester18 T1): for a quote
imported with spans and no ``speaker_text``, and for a row stored without one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.ui.conftest import open_window

TEXT = 'Pier news\n\nMarit\u00a0Oyen said "the pier reopens in May" \U0001f6a2. Nobody else spoke.'


def _at(part: str) -> list[list[int]]:
    start = TEXT.index(part)
    return [[start, start + len(part)]]


@pytest.mark.parametrize("stored_null", [False, True])
def test_the_panel_shows_the_text_under_the_speaker_span(
    qtbot: Any, run_cli: CliRunner, tmp_path: Path, stored_null: bool
) -> None:
    quote = {
        "content_spans": _at("the pier reopens in May"),
        "speaker_spans": _at("Marit\u00a0Oyen"),
        "cue_spans": _at("said"),
        "kind": "direct",
        "annotator": "alice",
        "status": "accepted",
        "origin": "manual",
    }
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "pier", "text": TEXT, "quotes": [quote]}), "utf-8")
    db = tmp_path / "p.db"
    run_cli("import", str(db), str(src), "--quiet", check=True)
    if stored_null:  # a row written before the import filled the mention
        with sqlite3.connect(db) as c:
            c.execute("UPDATE annotations SET speaker_text = NULL")
    w = open_window(qtbot, db, "alice")
    qtbot.waitUntil(lambda: w.panel.cue_label.text() == "said")
    assert w.panel.mention_label.text() == "Marit\u00a0Oyen"
