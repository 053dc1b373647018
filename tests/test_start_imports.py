"""What a launch of the window imports (issue 16: window visible under 2 s at 100,000
articles). The window's modules leave spaCy to the detection process and pydantic to the
readers that check quote JSONL; ``annotator PROJECT.db`` imports the ``open`` command's
module alone, not the importers, exporters and agreement maths of the other commands."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from annotator import cli

REPO = Path(__file__).resolve().parents[1]

#: What the window's process has imported once its modules are in, as JSON.
PROBE = """
import json, sys
import annotator.cli as cli
cli.build_parser("open")
import annotator.ui.application
import annotator.ui.main_window
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert res.returncode == 0, res.stderr
    return set(json.loads(res.stdout.strip().splitlines()[-1]))


def test_the_windows_modules_leave_spacy_pydantic_and_other_commands_out() -> None:
    mods = _modules_after(PROBE)
    assert "annotator.ui.main_window" in mods  # the probe did import the window
    for heavy in ("spacy", "thinc", "pydantic", "pydantic_core", "charset_normalizer", "numpy"):
        assert heavy not in mods, heavy
    others = [m for m in cli.COMMAND_MODULES if m in mods]
    # open_cmd checks an old project with upgrade_cmd's steps
    assert others == ["annotator.commands.open_cmd", "annotator.commands.upgrade_cmd"]
    assert not [m for m in mods if m.startswith("annotator.nlp")]


def test_reading_quote_jsonl_still_checks_quotes_with_the_schema() -> None:
    """Quote.from_json imports the schema where it is needed: a bad quote is refused."""
    mods = _modules_after(
        "import json, sys\n"
        "from annotator.core.model import Quote\n"
        "assert 'pydantic' not in sys.modules\n"
        "try:\n"
        "    Quote.from_json({'content_spans': [[5, 2]]}, 10)\n"
        "except ValueError as exc:\n"
        "    assert 'empty or reversed' in str(exc), exc\n"
        "else:\n"
        "    raise SystemExit('a reversed span was accepted')\n"
        "q = Quote.from_json({'content_spans': [[0, 4]], 'mood': 'wry'}, 10)\n"
        "assert q.extra == {'mood': 'wry'}, q.extra\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    assert "pydantic" in mods


def _registered(parser: argparse.ArgumentParser) -> list[str]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(subs[0].choices)


def test_each_command_is_found_by_its_name_alone() -> None:
    """The table the command line picks one module from names every command each module
    registers, in the order --help shows them."""
    full = _registered(cli.build_parser())
    assert full == list(cli.COMMANDS)
    for name in full:
        assert _registered(cli.build_parser(name)) == [name]


def test_a_command_parses_the_same_with_its_module_alone() -> None:
    argv = ["import", "p.db", "a.txt", "--quiet"]
    alone = vars(cli.build_parser("import").parse_args(argv))
    every = vars(cli.build_parser().parse_args(argv))
    assert alone == every
    assert alone["command"] == "import"


def test_the_store_leaves_numpy_out_and_numpy_still_imports() -> None:
    """sqlite-utils is imported without numpy (the window never needs it); numpy imports
    as usual afterwards (the agreement maths and the detector use it), and the store
    writes and reads a project all the same."""
    mods = _modules_after(
        "import json, sys, tempfile, pathlib\n"
        "import annotator.store.project as sp\n"
        "from annotator.core.model import Article\n"
        "assert 'numpy' not in sys.modules and 'sqlite_utils' in sys.modules\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        "    with sp.Project.open(pathlib.Path(d) / 'p.db') as p:\n"
        "        aid, _ = p.add_article(Article('T', 'Some text.'))\n"
        "        assert p.count_articles() == 1\n"
        "import numpy\n"
        "assert numpy.arange(3).sum() == 3\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    assert "numpy" in mods
