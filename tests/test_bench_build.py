"""The scale bench's project builder (bench/build_scale.py) stores its suggestions under
the app's own detector version, so opening a built project detects nothing again (issue 16:
under "bench 1" every open re-detected all 100,000 articles in the background)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from annotator.nlp.detect import DETECTOR_VERSION
from annotator.store.project import Project

BENCH = Path(__file__).resolve().parents[1] / "bench"

TEXT_A = 'Rain fell all day. "We will open the bridge soon," said Mia Park on Monday.'
TEXT_B = 'The council met. "No money is left," Tom Lee told reporters. Talks went on.'


def _span(text: str, sub: str) -> list[int]:
    start = text.index(sub)
    return [start, start + len(sub)]


SOURCE: list[dict[str, Any]] = [
    {
        "title": "Bridge",
        "text": TEXT_A,
        "meta": {"publisher": "Daily"},
        "quotes": [
            {
                "content_spans": [_span(TEXT_A, "We will open the bridge soon,")],
                "speaker_spans": [_span(TEXT_A, "Mia Park")],
                "cue_spans": [_span(TEXT_A, "said")],
                "speaker_text": "Mia Park",
                "kind": "direct",
            }
        ],
    },
    {
        "title": "Council",
        "text": TEXT_B,
        "quotes": [
            {
                "content_spans": [_span(TEXT_B, "No money is left,")],
                "speaker_spans": [_span(TEXT_B, "Tom Lee")],
                "cue_spans": [_span(TEXT_B, "told")],
                "kind": "direct",
            },
            {"content_spans": [_span(TEXT_B, "Talks went on")], "kind": "indirect"},
            {"content_spans": [], "kind": "indirect"},  # no content: left out
        ],
    },
]


@pytest.fixture
def build_scale(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    path = BENCH / "build_scale.py"
    spec = importlib.util.spec_from_file_location("build_scale_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_builder_uses_the_app_detector_version(build_scale: ModuleType) -> None:
    assert build_scale.VERSION == DETECTOR_VERSION


@pytest.mark.parametrize("n", [1, 5, 7])
def test_built_articles_need_no_detection(build_scale: ModuleType, tmp_path: Path, n: int) -> None:
    with Project.open(tmp_path / "p.db") as p:
        build_scale.fill(p, SOURCE, n, extra=False)
        ids = [int(r[0]) for r in p.db.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) == n
        assert p.articles_without_suggestions(DETECTOR_VERSION) == []
        # the suggestions are there under that version, one per quote with content
        counts = [len(p.suggestions(aid, DETECTOR_VERSION)) for aid in ids]
        assert counts == [(1, 2)[i % 2] for i in range(n)]
        assert p.suggestions(ids[0], DETECTOR_VERSION)[0].quote.speaker_text == "Mia Park"
        # an older detector version would still find them all undetected
        assert p.articles_without_suggestions("bench 1") == ids


def test_extra_articles_are_detected_too(build_scale: ModuleType, tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.db") as p:
        build_scale.fill(p, SOURCE, 3, extra=True)
        titles = [str(r[0]) for r in p.db.execute("SELECT title FROM articles ORDER BY id")]
        assert titles[3:] == list(build_scale.EXTRA)
        assert p.articles_without_suggestions(DETECTOR_VERSION) == []
        q1000 = int(p.db.execute("SELECT id FROM articles WHERE title = 'q1000'").fetchone()[0])
        assert len(p.suggestions(q1000, DETECTOR_VERSION)) == 1000
