"""The training process's protocol (issue 16): what it says on stdout, and that the end of
its input (the window closed or died) or a cancel stops it, never a process left behind."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.services import train_process
from annotator.services.training import EpochReport, TrainOptions, TrainResult
from tests.conftest import make_training_project


def _events(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class _Held(io.StringIO):
    """An input that gives ``lines`` then never ends (a window still there): reading more
    waits until the test releases it."""

    def __init__(self, *lines: str) -> None:
        super().__init__()
        import threading

        self.lines = lines
        self.release = threading.Event()

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.lines
        self.release.wait()


@pytest.mark.parametrize(
    "options",
    [
        TrainOptions(base_model="rules-only", rounds=(5,)),
        TrainOptions(("ann", "bo b"), False, 0.35, 4, 2.5, None, (3, 9)),
        TrainOptions((), True, 0.5, 0, None, "en_core_web_sm", (1,)),
    ],
)
def test_options_result_and_rounds_come_through_json_unchanged(options: TrainOptions) -> None:
    assert train_process.options_from_json(train_process.options_to_json(options)) == options
    report = EpochReport(2, 1.5, 12.25, {"all_lenient_f1": 0.5, "direct_gold": 0.0}, True)
    line = json.dumps(train_process.epoch_to_json(report))
    assert train_process.epoch_from_json(json.loads(line)) == report
    result = TrainResult(
        Path("/m/x"), 2, {"a": 0.25}, 9, 3, 4.5, True, ("article 1, quote 2: why",), 312.5
    )
    line = json.dumps(train_process.result_to_json(result))
    assert train_process.result_from_json(json.loads(line)) == result


def test_a_training_says_its_rounds_then_its_result(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    out = io.StringIO()
    held = _Held()
    options = TrainOptions(base_model="rules-only", rounds=(4, 6))
    try:
        code = train_process.run(db, tmp_path / "m", options, held, out)
    finally:
        held.release.set()
    events = _events(out.getvalue())
    assert code == 0
    said = [list(e) for e in events if "stage" not in e]
    assert said == [["epoch"], ["epoch"], ["result"]]
    result = train_process.result_from_json(events[-1]["result"])  # type: ignore[arg-type]
    stages = [tuple(e["stage"]) for e in events if "stage" in e]  # type: ignore[arg-type]
    # each step's last article is always said, and every round's start
    assert ("dev", result.dev_articles, result.dev_articles) in stages
    assert ("train", result.train_articles, result.train_articles) in stages
    assert [s for s in stages if s[0] == "round"] == [("round", 1, 2), ("round", 2, 2)]
    kinds = [s[0] for s in stages]
    assert kinds == sorted(kinds, key=["dev", "train", "round"].index)
    assert result.model_dir == tmp_path / "m" and result.epochs == 2
    assert result.peak_rss_mb is not None and result.peak_rss_mb > 0
    assert (tmp_path / "m" / "meta.json").is_file()


@pytest.mark.parametrize(
    "lines",
    [
        None,  # the end of the input: the window closed or died
        ('{"cancel": true}\n',),
        ("not json\n", "[1, 2]\n", "\n", '{"cancel": 1}\n'),
    ],
)
def test_the_end_of_input_or_a_cancel_stops_it_before_anything_is_written(
    tmp_path: Path, lines: tuple[str, ...] | None
) -> None:
    db = make_training_project(tmp_path / "p.db")
    out = io.StringIO()
    stdin = io.StringIO("") if lines is None else _Held(*lines)
    options = TrainOptions(base_model="rules-only", rounds=(5,) * 30)
    try:
        code = train_process.run(db, tmp_path / "m", options, stdin, out)
    finally:
        if isinstance(stdin, _Held):
            stdin.release.set()
    (event,) = _events(out.getvalue())
    assert code == 1 and event["expected"] is True
    assert "nothing was written" in str(event["failed"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]


def test_a_bad_choice_is_said_as_its_message(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    out = io.StringIO()
    held = _Held()
    try:
        code = train_process.run(
            db,
            tmp_path / "m",
            TrainOptions(annotators=("nobody",), base_model="rules-only"),
            held,
            out,
        )
    finally:
        held.release.set()
    (event,) = _events(out.getvalue())
    assert code == 1 and event["expected"] is True and "nobody" in str(event["failed"])


@pytest.mark.parametrize(
    "argv", [[], ["p.db", "out"], ["p.db", "out", "{not json"], ["p.db", "out", '{"gold": 1}']]
)
def test_bad_arguments_end_with_status_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_process.main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_the_process_ends_when_its_window_goes_away(tmp_path: Path) -> None:
    """A real child: its input closed (the window's process died) ends it, and its
    last word says training stopped."""
    db = make_training_project(tmp_path / "p.db")
    options = TrainOptions(base_model="rules-only", rounds=(5,) * 200)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "annotator.services.train_process",
            str(db),
            str(tmp_path / "m"),
            train_process.options_to_json(options),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    for line in child.stdout:  # until the first round ended: training is under way
        if "epoch" in json.loads(line):
            break
    child.stdin.close()
    rest = child.stdout.read()
    assert child.wait(timeout=120) == 0
    events = _events(rest)
    result = train_process.result_from_json(events[-1]["result"])  # type: ignore[arg-type]
    assert result.stopped_early and result.epochs < 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "p.db"]


@pytest.mark.parametrize(
    ("left", "kept"),
    [
        ((".m.partial", ".m.crfsuite"), None),  # killed while writing the first model
        (("m", ".m.partial", ".m.crfsuite"), "m"),  # killed while writing a later one
        ((".m.old", ".m.partial"), ".m.old"),  # killed between the two renames
        (("m", ".m.old"), "m"),  # killed before the old model was removed
        (("m",), "m"),  # nothing to tidy
    ],
)
def test_what_a_killed_training_leaves_is_tidied(
    tmp_path: Path, left: tuple[str, ...], kept: str | None
) -> None:
    from annotator.services.training import clear_partial

    for name in left:
        if name.endswith(".crfsuite"):
            (tmp_path / name).write_bytes(b"crf")
        else:
            (tmp_path / name).mkdir()
            (tmp_path / name / "meta.json").write_text(name, encoding="utf-8")
    clear_partial(tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kept is None else ["m"])
    if kept is not None:  # the whole model that was there, never the half-written one
        assert (tmp_path / "m" / "meta.json").read_text(encoding="utf-8") == kept
