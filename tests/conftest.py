"""Shared test configuration: offscreen Qt, and paths to the data that sits beside the repo."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from contextlib import chdir, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


@pytest.fixture
def shared_dir() -> Path:
    """The shared data folder beside the checkout (PolNeAR, the reference scorer)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@dataclass(frozen=True)
class CliResult:
    """What one ``annotator`` run printed and returned (like subprocess.CompletedProcess)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def run_cli() -> CliRunner:
    """Run ``annotator ARGS...`` in this process: ``cli.main`` with stdout and stderr
    captured and argparse's SystemExit turned into the exit code, as ``python -m annotator``
    would give it (the module only does ``raise SystemExit(main())``). ``cwd`` sets the
    working folder for the run; ``check=True`` fails the test on a non-zero exit.

    In process instead of a subprocess: each run saves the interpreter start and the
    imports (about 2 s a run here); ``tests/test_cli.py`` keeps one real subprocess run.
    """
    from annotator.cli import main

    def run(*args: str, cwd: Path | None = None, check: bool = False) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with chdir(cwd or Path.cwd()), redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        result = CliResult(tuple(args), code, out.getvalue(), err.getvalue())
        if check:
            assert code == 0, f"annotator {' '.join(args)} exited {code}: {result.stderr}"
        return result

    return run


# -- a tiny training corpus of our own (issue 13: `annotator train` tests) ------------------

_SUBJECTS = (
    "The mayor",
    "Councillor Ruth Abbot",
    "The harbour master",
    "A spokeswoman",
    "The union leader",
    "Professor Lin Osei",
    "The fire chief",
    "The school board",
    "Farmer Joe Pike",
    "The bishop",
    "The treasurer",
    "The ferry operator",
)
_VERBS = (
    "believes that",
    "argued that",
    "warned that",
    "grumbled that",
    "insisted that",
    "thinks that",
)
_CONTENTS = (
    "the new bridge will cut traffic by half",
    "the budget leaves nothing for the libraries",
    "the storm season will be longer this year",
    "the tunnel was never safe for cyclists",
    "local schools need more teachers before spring",
    "the market should stay open on Sundays",
    "the river is cleaner than it was a decade ago",
    "taxes must rise to pay for the new hospital",
    "the old mill can be turned into housing",
    "nobody asked the fishermen about the plan",
    "the festival brought thousands of visitors to town",
    "the bus fares are too high for students",
)
_NEUTRAL = (
    "The meeting lasted three hours.",
    "Rain fell on the town square all afternoon.",
    "The council will meet again next month.",
    "About forty residents came to the hall.",
)


def tiny_training_articles(n: int = 12) -> list[tuple[str, list[tuple[int, int]]]]:
    """``n`` short articles of our own with reported speech: (text, content spans).

    Each article has two ``SUBJECT VERB that CONTENT.`` sentences (the content, without
    the full stop, is the annotated quote) and one neutral sentence.
    """
    out = []
    for k in range(n):
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for j in (0, 1):
            subj = _SUBJECTS[(k + 5 * j) % len(_SUBJECTS)]
            verb = _VERBS[(k + j) % len(_VERBS)]
            content = _CONTENTS[(3 * k + 7 * j) % len(_CONTENTS)]
            head = f"{subj} {verb} "
            start = pos + len(head)
            spans.append((start, start + len(content)))
            sentence = f"{head}{content}."
            parts.append(sentence)
            pos += len(sentence) + 1
            if j == 0:
                neutral = _NEUTRAL[k % len(_NEUTRAL)]
                parts.append(neutral)
                pos += len(neutral) + 1
        out.append((" ".join(parts), spans))
    return out


#: A held-out text: reported speech the rules-only detector cannot see (no parse).
HELD_OUT = "The harbour master warned that the ferry will stop running in the winter."
HELD_OUT_CONTENT = "the ferry will stop running in the winter"


def make_training_project(
    path: Path, n: int = 12, annotator: str = "ann", status: str = "accepted"
) -> Path:
    """A project at ``path`` with :func:`tiny_training_articles`, quotes by ``annotator``."""
    from annotator.core.model import Article, Quote
    from annotator.store.project import Project

    with Project.open(path) as project:
        for k, (text, spans) in enumerate(tiny_training_articles(n)):
            aid, _ = project.add_article(Article(f"Article {k}", text, {}))
            for span in spans:
                quote = Quote(content_spans=(span,), kind="indirect", status=status)
                project.add_annotation(aid, annotator, quote)
    return path


def old_project(path: Path) -> bytes:
    """A project at ``path`` one migration behind (the last one not applied), with one
    article titled "Old" (text "Old text"); returns the file's bytes as written."""
    from sqlite_utils import Database

    from annotator.store.schema import known_migration_names, migrations

    db = Database(path)
    migrations.apply(db, stop_before=known_migration_names()[-1])
    db.execute(
        "INSERT INTO articles (title, text, meta, content_hash, imported_at) "
        "VALUES ('Old', 'Old text', '{}', 'h1', '2020-01-01')"
    )
    db.close()
    return path.read_bytes()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained in seconds on :func:`tiny_training_articles` (rules-only base)."""
    from annotator.services.training import TrainOptions, train_from_project

    folder = tmp_path_factory.mktemp("tiny-model")
    db = make_training_project(folder / "p.db")
    out = folder / "tiny"
    train_from_project(db, out, TrainOptions(base_model="rules-only", rounds=(30, 60)))
    return out
