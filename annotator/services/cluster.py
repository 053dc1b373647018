"""Quote detection on a Dask cluster: resumable, one quote-JSONL shard per partition.

The inputs are read here, on the machine that runs the command, with the readers of
``annotator import`` (quote JSONL, .txt files and folders, CSV, Prodigy, brat). Their
articles are numbered in input order and cut into partitions of ``partition_size``; each
partition's texts go to a Dask worker, which runs the pipeline it loaded once at start
(:class:`~annotator.services.cluster_worker.DetectorPlugin`) and sends back only the
quotes. The shard of the partition is then written into OUT_DIR under a temporary name and
renamed, so the workers need neither the input files nor OUT_DIR (no shared filesystem).

``manifest.json`` records the inputs (SHA-256), the detector version, the model and the
partition size. A rerun with the same inputs and settings skips every shard already there
and does only the rest (after a crash, Ctrl-C or a lost worker); a rerun with changed
inputs or settings is refused, so one folder never mixes two runs. Dask itself retries a
partition whose worker died (``distributed.scheduler.allowed-failures``, default 3).

Dask (``pip install "quote-annotator[cluster]"``) is imported only when a run starts.
"""

from __future__ import annotations

import logging
import math
import os
import time
import uuid
from asyncio import CancelledError
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import Article
from annotator.core.wording import count_noun
from annotator.io.brat import FileNote
from annotator.io.decode import NotTextError
from annotator.io.detect_output import (
    InputFile,
    Manifest,
    ShardInfo,
    count_lines,
    input_sha256,
    read_manifest,
    remove_stale_temporaries,
    shard_name,
    write_manifest,
    write_shard,
)
from annotator.io.quote_jsonl import LineNote, QuoteError, article_to_json, iter_jsonl
from annotator.services.importing import FORMATS, detect_format, expand_paths

if TYPE_CHECKING:
    from annotator.services.cluster_worker import PartitionResult

#: Articles per partition when none is given. At about 8k tokens/s per core (spaCy's
#: small English model on this project's machines, bench/bench_detect.py) and 800-token
#: news articles, 200 articles are some 20 s of work: Dask's per-task cost (milliseconds)
#: vanishes against it, and a lost worker costs little to redo.
DEFAULT_PARTITION_SIZE = 200
#: Seconds between two saves of the manifest during a run (and one at the end).
MANIFEST_EVERY = 10.0

Task = Callable[[list[str]], "PartitionResult"]
Progress = Callable[[int, int], None]
Notice = Callable[[str], None]


class ClusterError(AnnotatorError):
    """A cluster run cannot start or go on (no Dask, bad scheduler, folder of another run)."""


@dataclass(frozen=True)
class Scheduler:
    """Where to run: a local cluster of ``workers`` processes, or a scheduler ``address``."""

    address: str | None = None
    workers: int | None = None

    @property
    def is_local(self) -> bool:
        return self.address is None


def parse_scheduler(spec: str) -> Scheduler:
    """``local`` | ``local:N`` | ``SCHEME://HOST:PORT`` (e.g. ``tcp://10.0.0.5:8786``).

    Raises ClusterError for anything else.
    """
    text = spec.strip()
    if text == "local":
        return Scheduler()
    if text.startswith("local:"):
        n = text.removeprefix("local:")
        if not n.isdigit() or int(n) < 1:
            raise ClusterError(f"--scheduler {spec}: the number of local workers must be 1 or more")
        return Scheduler(workers=int(n))
    scheme, sep, rest = text.partition("://")
    if sep and scheme and rest and ":" in rest:
        return Scheduler(address=text)
    raise ClusterError(
        f"--scheduler {spec}: expected local, local:N or a scheduler address like tcp://HOST:8786"
    )


@dataclass
class ClusterReport:
    """What a run did: partitions written now, found done, failed (with reasons)."""

    out_dir: Path
    manifest: Manifest
    written: int = 0
    already_done: int = 0
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        m = self.manifest
        parts = [
            f"{len(m.shards)} of {m.partitions} partitions done ({self.written} now, "
            f"{self.already_done} from an earlier run)",
            f"{sum(s.articles for s in m.shards)} of {count_noun(m.articles, 'article')}",
            count_noun(m.quotes, "quote"),
        ]
        if self.failed:
            parts.append(f"{len(self.failed)} partitions failed: run the same command again")
        return f"{self.out_dir}: " + ", ".join(parts)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- inputs ---------------------------------------------------------------------------------


def _read(path: Path, fmt: str, notice: Notice | None = None) -> Iterator[object]:
    """The items of one input; ``notice`` is told the encoding guessed for a file that is
    not UTF-8 (the detector reads the text as decoded, so the user must know the guess)."""
    items, note = FORMATS[fmt](path)
    if note and notice is not None:
        notice(f"{path}: {note}")
    yield from items


def scan_inputs(
    paths: Sequence[str | os.PathLike[str]], notice: Notice, skip: Path | None = None
) -> list[InputFile]:
    """Every input file with its hash, format and article count (first pass over the input).

    Files inside the folder ``skip`` (the output folder, when it sits inside an input
    folder) are left out.

    Raises ClusterError for a path that does not exist or has a format import cannot read.
    Bad entries inside a file, and files that turn out unreadable, are reported through
    ``notice`` (naming file and line) and counted, never fatal; so are the encoding guessed
    for a file that is not UTF-8 and a folder with no file to read.
    """
    for raw in paths:
        if not Path(raw).exists():
            raise ClusterError(f"{raw}: no such file or folder")
    inputs = []
    skip = None if skip is None else skip.resolve()
    for path in expand_paths(paths):
        if skip is not None and path.resolve().is_relative_to(skip):
            continue
        fmt = detect_format(path)
        if fmt is None and path.is_dir():  # a folder with nothing to read
            notice(f"skipped {path}: is a folder with no files to read in it")
            continue
        if fmt is None:
            raise ClusterError(
                f"{path}: unsupported input {path.suffix or '(no extension)'!r} "
                "(use quote JSONL, .txt files or folders, CSV, Prodigy JSONL or brat folders)"
            )
        entry = InputFile(str(path.resolve()), input_sha256(path), fmt)
        try:
            for item in _read(path, fmt, notice):
                if isinstance(item, Article):
                    entry.articles += 1
                elif isinstance(item, QuoteError | LineNote | FileNote):
                    # a bad quote of an input article, or a note on one the import would
                    # make: the detector reads no quotes
                    continue
                else:
                    entry.bad_entries += 1
                    notice(f"skipped {item}")
        except (NotTextError, OSError, ValueError) as exc:
            entry.problem = str(exc)
            notice(f"skipped {path}: {exc}")
        inputs.append(entry)
    return inputs


def iter_articles(inputs: Sequence[InputFile]) -> Iterator[Article]:
    """The articles of the inputs, in the order :func:`scan_inputs` counted them."""
    for entry in inputs:
        if entry.problem:
            continue
        n = 0
        for item in _read(Path(entry.path), entry.format):
            if isinstance(item, Article):
                n += 1
                yield item
        if n != entry.articles:
            raise ClusterError(f"{entry.path} changed while it was being read; run again")


def partitions(inputs: Sequence[InputFile], size: int) -> Iterator[tuple[int, int, list[Article]]]:
    """(partition number, index of its first article, its articles), in input order."""
    batch: list[Article] = []
    index = 0
    for article in iter_articles(inputs):
        batch.append(article)
        if len(batch) == size:
            yield index, index * size, batch
            index += 1
            batch = []
    if batch:
        yield index, index * size, batch


# -- the output folder ----------------------------------------------------------------------


def _check_same_run(old: Manifest, new: Manifest, out_dir: Path) -> None:
    """Raise ClusterError when ``out_dir`` holds a run with other inputs or settings."""
    why = ""
    if old.detector_version != new.detector_version:
        why = f"detector {old.detector_version!r} there, {new.detector_version!r} now"
    elif (old.model_requested or None) != (new.model_requested or None):
        why = f"--model {old.model_requested!r} there, {new.model_requested!r} now"
    elif old.partition_size != new.partition_size:
        why = f"--partition-size {old.partition_size} there, {new.partition_size} now"
    elif [i.sha256 for i in old.inputs] != [i.sha256 for i in new.inputs]:
        old_names = [Path(i.path).name for i in old.inputs]
        new_names = [Path(i.path).name for i in new.inputs]
        if old_names != new_names:
            why = f"inputs {', '.join(old_names)} there, {', '.join(new_names)} now"
        else:
            changed = next(
                n.path for o, n in zip(old.inputs, new.inputs, strict=True) if o.sha256 != n.sha256
            )
            why = f"{changed} has changed since (its SHA-256 differs)"
    if why:
        raise ClusterError(
            f"{out_dir} holds the output of another detection run ({why}); "
            "give another output folder, or delete this one to start over"
        )


def _shard_info_from_file(path: Path, partition: int, first: int, model: str) -> ShardInfo:
    quotes = 0
    n = 0
    for item in iter_jsonl(path):
        if isinstance(item, Article):
            n += 1
            quotes += len(item.quotes)
    return ShardInfo(path.name, partition, first, n, quotes, model)


def _prepare_folder(out_dir: Path, manifest: Manifest) -> Manifest:
    """Create ``out_dir`` or check it holds the same run; return the manifest to go on with.

    Shards already complete (present under their final name, with the expected number of
    lines) are kept and listed; anything else is redone.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise ClusterError(f"{out_dir}: the output must be a folder, and this is a file")
    out_dir.mkdir(parents=True, exist_ok=True)
    old = read_manifest(out_dir)
    if old is None:
        if any(out_dir.iterdir()):
            raise ClusterError(
                f"{out_dir} is not empty and holds no detection manifest: give an empty "
                "or new folder"
            )
        return manifest
    _check_same_run(old, manifest, out_dir)
    remove_stale_temporaries(out_dir)
    manifest.started_at = old.started_at or manifest.started_at
    manifest.model_loaded = old.model_loaded
    known = {s.partition: s for s in old.shards}
    size = manifest.partition_size
    for part in range(manifest.partitions):
        path = out_dir / shard_name(part)
        if not path.is_file():
            continue
        expected = min(size, manifest.articles - part * size)
        if count_lines(path) != expected:
            path.unlink()  # not ours or damaged: redo it
            continue
        info = known.get(part) or _shard_info_from_file(
            path, part, part * size, old.model_loaded or ""
        )
        manifest.shards.append(info)
    return manifest


# -- the run --------------------------------------------------------------------------------


def _require_dask() -> None:
    """Raise ClusterError, saying how to install it, when Dask's distributed is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(
            'detection on a cluster needs Dask: pip install "quote-annotator[cluster]"'
        ) from None


def _connect(scheduler: Scheduler) -> tuple[Any, Any]:
    """A Dask client (and the local cluster it owns, if any)."""
    _require_dask()
    from distributed import Client, LocalCluster

    if scheduler.is_local:
        n = scheduler.workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster
    try:
        return Client(scheduler.address, timeout="30s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {scheduler.address}: {exc}"
        ) from None


def detect_on_cluster(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    scheduler: Scheduler,
    *,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    model: str | None = None,
    batch_size: int = 16,
    progress: Progress | None = None,
    notice: Notice | None = None,
    task: Task | None = None,
) -> ClusterReport:
    """Detect quotes in the articles of ``paths`` on a Dask cluster; write shards to ``out_dir``.

    Args:
        paths: files and folders, read as ``annotator import`` reads them.
        out_dir: new or empty folder, or the folder of an unfinished run of the same inputs
            and settings (its finished shards are kept).
        scheduler: from :func:`parse_scheduler`.
        partition_size: articles per partition (and per shard).
        model: the spaCy pipeline each worker loads (name or path valid on the worker),
            ``"rules-only"``, or None for the default order of ``load_pipeline``.
        progress: called as progress(partitions done, partitions in all).
        notice: receives one line per skipped input entry (file, line, reason).
        task: the partition task (default
            :func:`~annotator.services.cluster_worker.detect_partition`); tests wrap it.

    Returns the report; failed partitions are listed in it (the shards of the others are
    written). Raises ClusterError when the run cannot start.
    """
    from annotator.nlp.detect import model_detector_version

    if partition_size < 1:
        raise ClusterError("--partition-size must be at least 1")
    _require_dask()  # before anything is written
    say = notice or (lambda _line: None)
    out = Path(out_dir)
    inputs = scan_inputs(paths, say, skip=out)
    n_articles = sum(i.articles for i in inputs)
    manifest = Manifest(
        # a trained model's name and hash too, as the workers will report them
        detector_version=model_detector_version(model),
        model_requested=model,
        partition_size=partition_size,
        inputs=inputs,
        articles=n_articles,
        partitions=math.ceil(n_articles / partition_size),
        started_at=_now(),
    )
    manifest = _prepare_folder(out, manifest)
    report = ClusterReport(out, manifest, already_done=len(manifest.shards))
    report.problems = [f"{i.path}: {i.problem}" for i in inputs if i.problem]
    done = {s.partition for s in manifest.shards}
    total = manifest.partitions
    if progress is not None:
        progress(len(done), total)
    write_manifest(out, manifest)
    if len(done) == total:
        manifest.complete = True
        manifest.updated_at = _now()
        write_manifest(out, manifest)
        return report

    from distributed import as_completed

    from annotator.services.cluster_worker import PLUGIN_NAME, DetectorPlugin, detect_partition

    client, cluster = _connect(scheduler)
    try:
        client.register_plugin(DetectorPlugin(model, batch_size), name=PLUGIN_NAME)
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        window = max(4, 2 * threads)
        run = task or detect_partition
        # task keys unique to this run: a shared scheduler may serve other runs at once
        token = uuid.uuid4().hex[:12]
        running: dict[Any, tuple[int, int, list[Article]]] = {}
        finished = as_completed()
        last_save = time.monotonic()

        def collect(future: Any) -> None:
            nonlocal last_save
            part, first, articles = running.pop(future)
            failure = _store(out, manifest, future, part, first, articles)
            future.release()
            if failure:
                report.failed.append(failure)
            else:
                report.written += 1
                if progress is not None:
                    progress(len(manifest.shards), total)
            if time.monotonic() - last_save > MANIFEST_EVERY:
                manifest.updated_at = _now()
                write_manifest(out, manifest)
                last_save = time.monotonic()

        for part, first, articles in partitions(inputs, partition_size):
            if part in done:
                continue
            future = client.submit(
                run,
                [a.text for a in articles],
                key=f"annotator-detect-{token}-{part:05d}",
                pure=False,
            )
            running[future] = (part, first, articles)
            finished.add(future)
            while finished.count() >= window:
                collect(next(finished))
        for future in finished:
            collect(future)
    finally:
        manifest.shards.sort(key=lambda s: s.partition)
        manifest.complete = len(manifest.shards) == total
        manifest.updated_at = _now()
        write_manifest(out, manifest)
        client.close()
        if cluster is not None:
            cluster.close()
    return report


def _store(
    out: Path, manifest: Manifest, future: Any, part: int, first: int, articles: list[Article]
) -> str:
    """Write the shard of a finished partition; return "" or why the partition failed."""
    where = f"partition {part} (articles {first + 1} to {first + len(articles)})"
    try:
        result: PartitionResult = future.result()
    except (Exception, CancelledError) as exc:  # a worker died, a task raised, the scheduler
        # went away: the partition is redone next time
        name = type(exc).__name__
        if name == "KilledWorker":
            return f"{where}: the workers running it died ({exc})"
        return f"{where}: {name}: {exc}"
    if len(result.quotes) != len(articles):
        return (
            f"{where}: {count_noun(len(result.quotes), 'result')} came back"
            f" for {count_noun(len(articles), 'article')}"
        )
    if manifest.model_loaded is None:
        manifest.model_loaded = result.model
    elif result.model != manifest.model_loaded:
        return (
            f"{where}: worker {result.worker} ran {result.model!r} but this run uses "
            f"{manifest.model_loaded!r}; install the same model on every worker"
        )
    if result.detector_version != manifest.detector_version:
        return (
            f"{where}: worker {result.worker} ran the detector {result.detector_version!r} but "
            f"this run records {manifest.detector_version!r}; give every worker the same model"
        )
    rows = [article_to_json(a, q) for a, q in zip(articles, result.quotes, strict=True)]
    path = write_shard(out, part, rows)
    n_quotes = sum(len(q) for q in result.quotes)
    manifest.shards.append(
        ShardInfo(
            path.name,
            part,
            first,
            len(articles),
            n_quotes,
            result.model,
            result.worker,
            result.pipeline_loads,
        )
    )
    return ""
