"""A .txt whose file name is not UTF-8 is imported, its name stored with the odd bytes
replaced and said so; report lines show control characters as escapes (tester17 F11)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from annotator.services.importing import import_paths
from annotator.store.project import Project


@pytest.mark.parametrize(
    ("raw", "shown", "stored"),
    [
        (b"bad\xffname.txt", "bad\\xffname.txt", "bad\ufffdname.txt"),
        (b"bad\xffname\nx.txt", "bad\\xffname\\nx.txt", "bad\ufffdname\nx.txt"),
        (
            b"caf\xe9 \xe0 la carte.txt",
            "caf\\xe9 \\xe0 la carte.txt",
            "caf\ufffd \ufffd la carte.txt",
        ),
        (b"tab\there.txt", "tab\\there.txt", "tab\there.txt"),
    ],
)
def test_odd_file_names(tmp_path: Path, raw: bytes, shown: str, stored: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), raw), "wb") as fh:
        fh.write(b'Epsilon said "fine".\nThe text is fine.\n')
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [folder])
    assert report.articles_added == 1
    lines = report.lines()
    assert all("\n" not in line for line in [*lines, report.summary()])
    assert lines[0].endswith(f"{shown}: imported 1 article")
    with sqlite3.connect(tmp_path / "p.db") as c:
        (source, ext_id, meta, text) = c.execute(
            "SELECT source, ext_id, meta, text FROM articles"
        ).fetchone()
    assert source.endswith(stored) and stored.startswith(ext_id)
    assert json.loads(meta)["filename"] == stored
    assert "The text is fine." in text
    said = any("not valid UTF-8" in line for line in lines)
    assert said == (b"\xff" in raw or b"\xe9" in raw)
