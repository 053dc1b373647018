"""Help > About names the detector version without importing spaCy on the GUI thread
(tester18 T10: the first About froze the window 1.5-3.4 s importing spaCy)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.core.versions import DETECTOR_VERSION
from annotator.nlp import detect

PROBE = """
import sys
from PySide6.QtWidgets import QApplication
from annotator.core.model import Article
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow

path = sys.argv[1]
with Project.open(path) as p:
    p.add_article(Article("Ferry", "The ferry runs again, the captain said."))
app = QApplication([])
w = MainWindow(path, annotator="ann", load_model=False)
before = "spacy" in sys.modules
text = w.about_text()
named = text.split("Detector: ")[1].split(";")[0]
print(before, "spacy" in sys.modules, "Detector: " in text, named)
w.close()
"""


def test_about_names_the_detector_without_importing_spacy(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "p.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out[:3] == ["False", "False", "True"], out
    assert " ".join(out[3:]) == DETECTOR_VERSION


def test_the_detector_and_the_about_box_name_one_version() -> None:
    assert detect.DETECTOR_VERSION is DETECTOR_VERSION
    assert detect.detector_version(None) == DETECTOR_VERSION
