"""What runs inside a Dask worker: the pipeline, loaded once per worker, and the partition task.

This module imports ``distributed`` at the top; only :mod:`annotator.services.cluster`
imports it, lazily, so the base install works without Dask. Every worker must have the
``annotator`` package (and the model named with ``--model``) installed.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from distributed import WorkerPlugin, get_worker

from annotator.core.model import Quote

#: Name under which the plugin is registered on every worker.
PLUGIN_NAME = "annotator-detector"

# Pipelines loaded in this process (a worker loads once; a restarted worker is a new process).
_LOADS = 0


class DetectorPlugin(WorkerPlugin):
    """Loads the detection pipeline when a worker starts (or joins later) and keeps it.

    ``model`` is what ``--model`` named (None: the default order of
    :func:`annotator.nlp.pipeline.load_pipeline`). When the model was named and the worker
    has not got it, every task on that worker fails with a message naming the worker,
    instead of quietly detecting with another pipeline.
    """

    def __init__(self, model: str | None, batch_size: int = 16) -> None:
        self.model = model
        self.batch_size = batch_size
        self._reset()

    def _reset(self) -> None:
        self.nlp: Any = None
        self.model_name = ""
        self.detector_version = ""
        self.problem = ""
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # sent to the scheduler and the workers before setup: no pipeline, no lock
        return {"model": self.model, "batch_size": self.batch_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.model = state["model"]
        self.batch_size = state["batch_size"]
        self._reset()

    def setup(self, worker: Any) -> None:
        global _LOADS
        from annotator.nlp.detect import detector_version
        from annotator.nlp.pipeline import RULES_ONLY, load_pipeline

        self.nlp, info = load_pipeline(self.model)
        _LOADS += 1
        version = "" if info.rules_only else str(self.nlp.meta.get("version", ""))
        self.model_name = f"{info.name} {version}".strip()
        self.detector_version = detector_version(self.nlp)
        if self.model and info.name != self.model and self.model != RULES_ONLY:
            self.problem = (
                f"worker {worker.address} (host {os.uname().nodename}) cannot load the model "
                f"{self.model!r}: install it on every worker"
            )


@dataclass(frozen=True)
class PartitionResult:
    """What a partition task sends back: one quote list per text, and who made them."""

    quotes: list[list[Quote]]
    model: str
    worker: str
    pipeline_loads: int  # pipelines loaded by that worker process so far (1 when loaded once)
    detector_version: str = ""  # :func:`annotator.nlp.detect.detector_version` of its pipeline


class WorkerSetupError(RuntimeError):
    """The worker has no usable pipeline (the named model is missing there)."""


def detect_partition(texts: list[str]) -> PartitionResult:
    """Detect quotes in ``texts`` with the pipeline the worker loaded at start.

    Raises WorkerSetupError when the worker could not load the named model.
    """
    from annotator.nlp.detect import detect_texts

    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, DetectorPlugin) or plugin.nlp is None:
        raise WorkerSetupError(f"worker {worker.address} has no detection pipeline loaded")
    if plugin.problem:
        raise WorkerSetupError(plugin.problem)
    # a worker started with several threads shares one pipeline: one partition at a time
    with plugin.lock:
        quotes = list(detect_texts(plugin.nlp, texts, batch_size=plugin.batch_size))
    return PartitionResult(
        quotes, plugin.model_name, str(worker.address), _LOADS, plugin.detector_version
    )
