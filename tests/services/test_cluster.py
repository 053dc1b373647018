"""``annotator detect --scheduler``: detection on a local Dask cluster of worker processes.

The cluster tests (marked ``slow`` and ``cluster``: ``pytest -m slow`` runs them) start real
worker processes (2, as on the CI machine's 2 cores) and use the rules-only pipeline so that
each worker is up in seconds. Timeouts are generous: the machine may be shared. Texts are
our own.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402  (installed with distributed)
import dask  # noqa: E402

from annotator.cli import main  # noqa: E402
from annotator.core.model import Article  # noqa: E402
from annotator.io.detect_output import MANIFEST_NAME, read_manifest, shard_name  # noqa: E402
from annotator.io.quote_jsonl import iter_jsonl  # noqa: E402
from annotator.nlp.detect import DETECTOR_VERSION, detect_texts  # noqa: E402
from annotator.nlp.pipeline import rules_only_pipeline  # noqa: E402
from annotator.services.cluster import (  # noqa: E402
    ClusterError,
    Scheduler,
    detect_on_cluster,
    parse_scheduler,
)
from annotator.services.cluster_worker import PartitionResult, detect_partition  # noqa: E402
from annotator.services.importing import import_paths  # noqa: E402
from annotator.store.project import Project  # noqa: E402

# the functions below run inside the workers: ship them by value, the test module is not
# importable there
cloudpickle.register_pickle_by_value(sys.modules[__name__])

NAMES = ["Ana Ruiz", "Tom Hale", "Lee Kim", "Mara Osei", "Ivo Berg", "Sofia Lind"]
TOPICS = ["the bridge", "the harbour", "bus fares", "the school roof", "flood walls", "the park"]


def _article(i: int) -> str:
    a, b = NAMES[i % len(NAMES)], NAMES[(i + 2) % len(NAMES)]
    topic = TOPICS[i % len(TOPICS)]
    if i % 4 == 3:  # no quotation marks at all
        return f"The council met on day {i}. It talked about {topic} for an hour and adjourned."
    if i % 4 == 2:  # a quote split around its cue
        return (
            f"“We are not finished with {topic},” {a} said on day {i}, “and we will "
            f"not give up.” The vote is next week."
        )
    return (
        f'"Work on {topic} starts on day {i}," {a} said. Others were less sure. '
        f"“It is far too late for that,” said {b}, who leads the opposition."
    )


TEXTS = [_article(i) for i in range(14)]


def _write_inputs(root: Path) -> list[Path]:
    """The texts as quote JSONL (8), a folder of .txt files (3) and a CSV (3)."""
    root.mkdir(parents=True, exist_ok=True)
    jsonl = root / "articles.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        for i, text in enumerate(TEXTS[:8]):
            fh.write(json.dumps({"id": f"j{i}", "title": f"Article {i}", "text": text}) + "\n")
    folder = root / "txt"
    folder.mkdir()
    for i, text in enumerate(TEXTS[8:11], 8):
        (folder / f"t{i}.txt").write_text(f"Letter {i}\n\n{text}\n", encoding="utf-8")
    table = root / "table.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "headline", "body"])
        for i, text in enumerate(TEXTS[11:], 11):
            writer.writerow([f"c{i}", f"Row {i}", text])
    return [jsonl, folder, table]


def _read_inputs(paths: list[Path]) -> list[Article]:
    """The articles as import reads them (the reference for the cluster run)."""
    from annotator.services.importing import FORMATS, detect_format, expand_paths

    out = []
    for path in expand_paths(paths):
        fmt = detect_format(path)
        assert fmt is not None
        out += [a for a in FORMATS[fmt](path)[0] if isinstance(a, Article)]
    return out


def _shard_rows(out: Path) -> list[Article]:
    rows: list[Article] = []
    for part in range(len(list(out.glob("part-*.jsonl")))):
        items = list(iter_jsonl(out / shard_name(part)))
        assert all(isinstance(a, Article) for a in items)
        rows += [a for a in items if isinstance(a, Article)]
    return rows


def _expected(articles: list[Article]) -> list[list[dict[str, Any]]]:
    nlp = rules_only_pipeline()
    return [[q.to_json() for q in qs] for qs in detect_texts(nlp, [a.text for a in articles])]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local cluster of 2 worker processes (scheduler in this process); its address.

    ``allowed-failures`` 1: a partition whose worker dies is retried once, and fails when
    its worker dies twice (the default, 3, would cost more worker restarts).
    """
    with dask.config.set(
        {
            "distributed.scheduler.allowed-failures": 1,
            "distributed.comm.timeouts.connect": "120s",
            "distributed.deploy.lost-worker-timeout": "120s",
        }
    ):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
        try:
            yield str(cluster.scheduler_address)
        finally:
            cluster.close()


# -- tasks that misbehave (they run in the workers) ------------------------------------------


def _kill_once(marker: str, trigger: str, texts: list[str]) -> PartitionResult:
    """Kill this worker process the first time it gets ``trigger``; then detect normally."""
    if trigger in texts and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
    return detect_partition(texts)


def _kill_always(trigger: str, texts: list[str]) -> PartitionResult:
    """Kill every worker that gets ``trigger`` (that partition can never finish)."""
    if trigger in texts:
        os.kill(os.getpid(), signal.SIGKILL)
    return detect_partition(texts)


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.cluster
def test_two_local_workers_find_exactly_the_quotes_of_one_process(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    args = [*map(str, inputs), "-o", str(out), "--scheduler", "local:2"]
    code = main(["detect", *args, "--partition-size", "3", "--model", "rules-only", "--quiet"])
    assert code == 0
    articles = _read_inputs(inputs)
    rows = _shard_rows(out)
    assert len(articles) == 14
    # every article once, in input order, with the single-process detector's quotes
    assert [(a.ext_id, a.text) for a in rows] == [(a.ext_id, a.text) for a in articles]
    assert [[q.to_json() for q in a.quotes] for a in rows] == _expected(articles)
    # and the same as `annotator detect` in one process on the JSONL input
    single = tmp_path / "single.jsonl"
    assert main(["detect", str(inputs[0]), "-o", str(single), "--model", "rules-only"]) == 0
    with open(single, encoding="utf-8") as fh:
        one = [json.loads(line)["quotes"] for line in fh]
    assert one == [[q.to_json() for q in a.quotes] for a in rows[:8]]
    assert sum(map(len, one)) > 8  # the texts do have quotes

    manifest = read_manifest(out)
    assert manifest is not None and manifest.complete
    assert (manifest.articles, manifest.partitions, len(manifest.shards)) == (14, 5, 5)
    assert manifest.quotes == sum(len(a.quotes) for a in rows)
    assert manifest.detector_version == DETECTOR_VERSION
    assert manifest.model_loaded == "rules-only"
    assert [i.format for i in manifest.inputs] == ["jsonl", "txt", "txt", "txt", "csv"]
    assert [i.articles for i in manifest.inputs] == [8, 1, 1, 1, 3]
    # each worker loaded the pipeline once, however many partitions it ran (5 on 2 workers)
    assert {s.pipeline_loads for s in manifest.shards} == {1}
    assert not list(out.glob(".*"))  # no temporary file left


@pytest.mark.slow
@pytest.mark.cluster
def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost(
    cluster: str, tmp_path: Path
) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    marker = tmp_path / "killed"
    report = detect_on_cluster(
        inputs,
        out,
        Scheduler(address=cluster),
        partition_size=2,
        model="rules-only",
        task=partial(_kill_once, str(marker), TEXTS[7]),  # partition 3 of 7
    )
    assert marker.exists()  # a worker really died
    assert report.failed == []
    articles = _read_inputs(inputs)
    rows = _shard_rows(out)
    assert [a.ext_id for a in rows] == [a.ext_id for a in articles]
    assert [[q.to_json() for q in a.quotes] for a in rows] == _expected(articles)


@pytest.mark.slow
@pytest.mark.cluster
def test_rerun_after_lost_workers_finishes_without_duplicates(cluster: str, tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    first = detect_on_cluster(
        inputs,
        out,
        Scheduler(address=cluster),
        partition_size=2,
        model="rules-only",
        task=partial(_kill_always, TEXTS[5]),  # partition 2: its workers die every time
    )
    # partition 2 fails; a partition queued on a dying worker may go down with it
    failed = sorted(int(f.split()[1]) for f in first.failed)
    assert 2 in failed and all("died" in f for f in first.failed)
    manifest = read_manifest(out)
    assert manifest is not None and not manifest.complete
    done = sorted(s.partition for s in manifest.shards)
    assert done == [p for p in range(7) if p not in failed]
    assert sorted(p.name for p in out.glob("part-*.jsonl")) == [shard_name(p) for p in done]
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")}

    # the same command again: only the missing partition is run
    code = main(
        ["detect", *map(str, inputs), "-o", str(out), "--scheduler", cluster]
        + ["--partition-size", "2", "--model", "rules-only", "--quiet"]
    )
    assert code == 0
    assert {n: (out / n).stat().st_mtime_ns for n in kept} == kept  # untouched
    articles = _read_inputs(inputs)
    rows = _shard_rows(out)
    ids = [a.ext_id for a in rows]
    assert len(ids) == len(set(ids)) == 14
    assert ids == [a.ext_id for a in articles]
    assert [[q.to_json() for q in a.quotes] for a in rows] == _expected(articles)
    manifest = read_manifest(out)
    assert manifest is not None and manifest.complete and len(manifest.shards) == 7


@pytest.mark.slow
@pytest.mark.cluster
def test_rerun_after_the_command_itself_died(cluster: str, tmp_path: Path) -> None:
    """As after a kill -9 of the command: manifest not updated, a temporary file, a shard cut."""
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    run = partial(
        detect_on_cluster,
        inputs,
        out,
        Scheduler(address=cluster),
        partition_size=3,
        model="rules-only",
    )
    assert run().failed == []
    complete = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    died = dict(complete, shards=complete["shards"][:1], complete=False)
    (out / MANIFEST_NAME).write_text(json.dumps(died), encoding="utf-8")
    (out / shard_name(4)).unlink()  # never written
    cut = (out / shard_name(2)).read_text(encoding="utf-8").splitlines(keepends=True)
    (out / shard_name(2)).write_text("".join(cut[:1]), encoding="utf-8")  # damaged
    (out / f".{shard_name(4)}.tmp-99999").write_text(cut[0], encoding="utf-8")
    kept = {n: (out / n).stat().st_mtime_ns for n in map(shard_name, (0, 1, 3))}

    report = run()
    assert (report.already_done, report.written, report.failed) == (3, 2, [])
    assert {n: (out / n).stat().st_mtime_ns for n in kept} == kept
    assert not list(out.glob(".*"))
    articles = _read_inputs(inputs)
    rows = _shard_rows(out)
    assert [a.ext_id for a in rows] == [a.ext_id for a in articles]
    assert [[q.to_json() for q in a.quotes] for a in rows] == _expected(articles)
    again = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    strip = ("worker", "pipeline_loads")
    assert [{k: v for k, v in s.items() if k not in strip} for s in again["shards"]] == [
        {k: v for k, v in s.items() if k not in strip} for s in complete["shards"]
    ]
    assert again["complete"] and again["quotes"] == complete["quotes"]


@pytest.mark.slow
@pytest.mark.cluster
def test_rerun_of_a_finished_run_does_nothing_and_a_changed_input_is_refused(
    cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    args = ["detect", *map(str, inputs), "-o", str(out), "--scheduler", cluster, "--quiet"]
    assert main([*args, "--model", "rules-only"]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")}
    assert main([*args, "--model", "rules-only"]) == 0
    assert "1 of 1 partitions done (0 now, 1 from an earlier run)" in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")} == before

    # other settings, or an input that changed, never mix into this folder
    assert main([*args, "--model", "rules-only", "--partition-size", "5"]) == 1
    assert "--partition-size 200 there, 5 now" in capsys.readouterr().err
    assert main(args) == 1
    assert "--model 'rules-only' there, None now" in capsys.readouterr().err
    with open(inputs[2], "a", encoding="utf-8") as fh:
        fh.write("c99,Row 99,One more row.\n")
    assert main([*args, "--model", "rules-only"]) == 1
    err = capsys.readouterr().err
    assert f"{inputs[2]} has changed since" in err and "another output folder" in err
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")} == before


@pytest.mark.slow
@pytest.mark.cluster
def test_import_of_the_output_folder_gives_suggestions_not_annotations(
    cluster: str, tmp_path: Path
) -> None:
    _write_inputs(tmp_path / "in")
    out = tmp_path / "in" / "detected"  # inside the input folder: not read as input
    report = detect_on_cluster(
        [tmp_path / "in"], out, Scheduler(address=cluster), partition_size=4, model="rules-only"
    )
    assert report.failed == []
    with Project.open(tmp_path / "p.db") as project:
        result = import_paths(project, [out], annotator="alice")
        assert [Path(f.path).name for f in result.files] == [shard_name(i) for i in range(4)]
        assert result.articles_added == 14 and result.quotes_added == 0
        assert result.suggestions_added == report.manifest.quotes > 0
        assert project.annotators() == []
        stats = project.stats()
        assert stats.get("annotations", 0) == 0
        rows = _shard_rows(out)
        for art, row in zip(project.iter_articles(), rows, strict=True):
            stored = project.suggestions(art.id)
            assert {s.detector_version for s in stored} <= {DETECTOR_VERSION}
            assert [s.quote.content_spans for s in stored] == [q.content_spans for q in row.quotes]
            assert [s.quote.confidence for s in stored] == [q.confidence for q in row.quotes]
        # every annotator sees them; nothing is anybody's yet
        for who in ("alice", "bob"):
            summaries = project.article_summaries(who)
            assert sum(s.quotes_total for s in summaries) == report.manifest.quotes
            assert sum(s.n_annotations for s in summaries) == 0
        # the window's detector sees these articles as done by this detector version
        # (articles without quotes too: the run is recorded for them)
        assert any(not row.quotes for row in rows)
        assert project.articles_without_suggestions(DETECTOR_VERSION) == []
        again = import_paths(project, [out, out / shard_name(1)])
        assert again.articles_added == again.quotes_added == again.suggestions_added == 0
        assert len(again.files) == 5
    rerun = detect_on_cluster(
        [tmp_path / "in"], out, Scheduler(address=cluster), partition_size=4, model="rules-only"
    )
    assert (rerun.already_done, rerun.written, rerun.manifest.articles) == (4, 0, 14)


# -- without a cluster -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("local", Scheduler()),
        ("local:3", Scheduler(workers=3)),
        ("tcp://10.0.0.5:8786", Scheduler(address="tcp://10.0.0.5:8786")),
        ("tls://sched.example:8786", Scheduler(address="tls://sched.example:8786")),
    ],
)
def test_scheduler_specs(spec: str, expected: Scheduler) -> None:
    assert parse_scheduler(spec) == expected


@pytest.mark.parametrize("spec", ["", "local:0", "local:x", "10.0.0.5:8786", "tcp://", "yarn"])
def test_bad_scheduler_specs_are_refused(spec: str) -> None:
    with pytest.raises(ClusterError, match="--scheduler"):
        parse_scheduler(spec)


def _cli_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) != 0
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--partition-size", "5"], "--partition-size applies only with --scheduler"),
        (["SECOND"], "several inputs need --scheduler"),
        (["--scheduler", "local:2", "--n-process", "2"], "--n-process does not apply"),
        (["--scheduler", "local:2", "--marks-inside"], "--marks-inside is not available"),
        (["--scheduler", "local:2", "--partition-size", "0"], "at least 1"),
        (["--scheduler", "somewhere"], "expected local, local:N"),
    ],
)
def test_option_mistakes_are_reported(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": TEXTS[0]}) + "\n", encoding="utf-8")
    extra = [str(src) if x == "SECOND" else x for x in extra]
    err = _cli_error(["detect", str(src), *extra, "-o", str(tmp_path / "out")], capsys)
    assert message in err


def test_output_folder_of_something_else_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    argv = ["detect", *map(str, inputs), "-o", str(out), "--scheduler", "local:1"]
    assert "is not empty and holds no detection manifest" in _cli_error(argv, capsys)
    (out / "notes.txt").unlink()
    (out / MANIFEST_NAME).write_text("{broken", encoding="utf-8")
    assert f"{out / MANIFEST_NAME}: cannot read the manifest" in _cli_error(argv, capsys)
    argv = ["detect", str(tmp_path / "missing.jsonl"), "-o", str(out), "--scheduler", "local"]
    assert "missing.jsonl: no such file or folder" in _cli_error(argv, capsys)
    assert (out / MANIFEST_NAME).read_text(encoding="utf-8") == "{broken"


def test_the_base_install_runs_without_dask(tmp_path: Path) -> None:
    """Without Dask the command says how to get it; nothing else imports Dask."""
    import subprocess

    inputs = _write_inputs(tmp_path / "in")
    code = (
        "import sys\n"
        "sys.modules['distributed'] = None\n"  # as if it were not installed
        "from annotator.cli import main\n"
        "import annotator.services.cluster, annotator.services.importing\n"
        "assert 'dask' not in sys.modules, 'dask imported'\n"
        f"sys.exit(main(['detect', {str(inputs[0])!r}, '-o', {str(tmp_path / 'o')!r},"
        " '--scheduler', 'local:1', '--model', 'rules-only']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert 'pip install "quote-annotator[cluster]"' in done.stderr


@pytest.mark.slow
@pytest.mark.cluster
def test_a_model_missing_on_the_workers_fails_every_partition_clearly(
    cluster: str, tmp_path: Path
) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    report = detect_on_cluster(
        inputs, out, Scheduler(address=cluster), partition_size=7, model="no_such_model_x"
    )
    assert len(report.failed) == 2
    for line in report.failed:
        assert "cannot load the model 'no_such_model_x': install it on every worker" in line
    assert not list(out.glob("part-*"))
    manifest = read_manifest(out)
    assert manifest is not None and not manifest.complete and manifest.shards == []


@pytest.mark.slow
@pytest.mark.cluster
def test_a_trained_model_is_recorded_as_the_detector_of_the_run_and_its_suggestions(
    cluster: str, tmp_path: Path, tiny_model: Path
) -> None:
    from annotator.nlp.detect import detector_version
    from annotator.nlp.pipeline import load_pipeline

    nlp, _ = load_pipeline(str(tiny_model), strict=True)
    version = detector_version(nlp)
    assert version.startswith(DETECTOR_VERSION + " + tiny@")
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    report = detect_on_cluster(
        inputs, out, Scheduler(address=cluster), partition_size=5, model=str(tiny_model)
    )
    assert report.failed == []
    assert report.manifest.detector_version == version
    manifest = read_manifest(out)
    assert manifest is not None and manifest.complete and manifest.detector_version == version
    rows = _shard_rows(out)
    articles = _read_inputs(inputs)
    expected = [[q.to_json() for q in qs] for qs in detect_texts(nlp, [a.text for a in articles])]
    assert [[q.to_json() for q in a.quotes] for a in rows] == expected
    with Project.open(tmp_path / "p.db") as project:
        import_paths(project, [out])
        arts = list(project.iter_articles())
        versions = {s.detector_version for art in arts for s in project.suggestions(art.id)}
        assert versions == {version}
        assert project.articles_without_suggestions(version) == []
        assert len(project.articles_without_suggestions(DETECTOR_VERSION)) == len(articles)


def _other_detector(texts: list[str]) -> PartitionResult:
    """A worker whose pipeline is another detector than the one the run records."""
    result = detect_partition(texts)
    return PartitionResult(
        result.quotes, result.model, result.worker, result.pipeline_loads, "something else 9"
    )


@pytest.mark.slow
@pytest.mark.cluster
def test_a_worker_running_another_detector_fails_its_partitions(
    cluster: str, tmp_path: Path
) -> None:
    inputs = _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    report = detect_on_cluster(
        inputs,
        out,
        Scheduler(address=cluster),
        partition_size=7,
        model="rules-only",
        task=_other_detector,
    )
    assert len(report.failed) == 2
    for line in report.failed:
        assert "ran the detector 'something else 9'" in line
        assert f"this run records {DETECTOR_VERSION!r}" in line
    assert not list(out.glob("part-*"))


@pytest.mark.slow
@pytest.mark.cluster
def test_bad_lines_are_named_and_the_run_exits_1_with_every_good_article(
    cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As without --scheduler: the good articles are all written, the bad lines named, and
    the exit status is 1. A bad quote inside a line costs nothing (no input quote is read)."""
    src = tmp_path / "in.jsonl"
    bad_quote = {"id": "q", "text": TEXTS[1], "quotes": [{"content_spans": [[9, 2]]}]}
    lines = [
        json.dumps({"id": "g0", "text": TEXTS[0]}),
        "{broken",
        json.dumps(bad_quote),
        json.dumps({"id": "t", "text": 42}),
        json.dumps({"id": "g2", "text": TEXTS[2]}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["detect", str(src), "-o", str(out), "--scheduler", cluster, "--quiet"]
    assert main([*argv, "--model", "rules-only"]) == 1
    err = capsys.readouterr().err
    assert f"skipped {src}, line 2: " in err and f"skipped {src}, line 4: " in err
    assert "line 3" not in err
    assert "annotator detect: 2 bad entries skipped (named above)" in err
    assert [a.ext_id for a in _shard_rows(out)] == ["g0", "q", "g2"]
