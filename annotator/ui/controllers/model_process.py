"""The window's side of :mod:`annotator.services.model_process`: the pipeline in a child
process, driven through a :class:`QProcess` (its output arrives on the GUI thread as
signals; nothing here blocks or holds the interpreter lock for long)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, Signal

from annotator.ui.controllers.event_process import EventProcess

#: Milliseconds the window waits at close for an idle child to end by itself (end of its
#: input) before killing it: a child in the middle of a chunk would take seconds, and the
#: window must close at once (the chunk's transaction is rolled back, nothing half-stored).
STOP_WAIT_MS = 100


class ModelProcess(QObject):
    """One child process with the pipeline ``model`` ("" : the default order).

    Signals:
        loaded(info): a dict with ``name``, ``rules_only``, ``message``, ``entities``.
        failed(message): the pipeline could not be loaded (the child said why), or the
            child could not be started.
        crashed(how): the child ended when nobody asked it to (killed from outside, out
            of memory, a crash in compiled code), before or after it loaded.
        stored(list): the articles of a chunk just stored (before its ``progress``).
        progress(done, total): articles detected and stored so far.
        skipped(article_id, title, reason): the detector failed on an article.
        detected(n): the detection ended (done or cancelled) after ``n`` articles.
        detect_failed(message): the detection stopped on an error.
        names(article_id, names): the PERSON/ORG names of a text asked for.
        redetect_progress(done, total): undecided articles re-detected so far.
        redetected(report): the re-detection ended: a dict with ``articles``, ``added``.
        redetect_failed(message): the re-detection stopped on an error.
    """

    loaded = Signal(dict)
    failed = Signal(str)
    crashed = Signal(str)
    stored = Signal(list)
    progress = Signal(int, int)
    skipped = Signal(int, str, str)
    detected = Signal(int)
    detect_failed = Signal(str)
    names = Signal(int, list)
    redetect_progress = Signal(int, int)
    redetected = Signal(dict)
    redetect_failed = Signal(str)

    def __init__(self, project_path: Path, model: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project_path = project_path
        self.model = model
        self.ready = False
        self.proc = EventProcess(self)
        self.proc.said.connect(self._event)
        self.proc.finished.connect(self._ended)
        self.proc.errorOccurred.connect(self._error)
        self._stopping = False
        self._said_error = False

    def start(self) -> None:
        """Start the child (it loads the pipeline, then says ``loaded``)."""
        self.proc.start_module(
            "annotator.services.model_process", str(self.project_path), self.model
        )

    def send(self, **command: object) -> None:
        """Write one command (see :mod:`annotator.services.model_process`)."""
        self.proc.tell(**command)

    def detect(self) -> None:
        self.send(detect=True)

    def cancel(self) -> None:
        self.send(cancel=True)

    def redetect(self) -> None:
        self.send(redetect=True)

    def request_names(self, article_id: int, text: str) -> None:
        self.send(names=[article_id, text])

    def stop(self, wait_ms: int = STOP_WAIT_MS, reap: bool = True) -> None:
        """End the child: it may end by itself within ``wait_ms`` milliseconds (end of its
        input), else it is killed (a detection loses its chunk in progress). With
        ``reap=False`` a killed child is not waited for here: call :meth:`reap` later
        (a closing window does its other work meanwhile: the end of a child holding a
        spaCy pipeline took 0.27 s at load 7)."""
        self._stopping = True
        if self.proc.state() == QProcess.ProcessState.NotRunning:
            return
        self.send(cancel=True)
        self.proc.closeWriteChannel()
        if not self.proc.waitForFinished(wait_ms):
            self.proc.kill()
            if reap:
                self.proc.waitForFinished(-1)

    def reap(self) -> None:
        """Wait for a child :meth:`stop` killed to be gone (at once when it is)."""
        if self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.waitForFinished(-1)

    def _event(self, event: dict[str, Any]) -> None:
        if "model" in event:
            self.ready = True
            self.loaded.emit(event["model"])
        elif "error" in event:
            self._said_error = True
            self.failed.emit(str(event["error"]))
        elif "progress" in event:
            done, total = event["progress"]
            self.stored.emit([int(i) for i in event.get("stored", ())])
            self.progress.emit(int(done), int(total))
        elif "skip" in event:
            ident, title, reason = event["skip"]
            self.skipped.emit(int(ident), str(title), str(reason))
        elif "done" in event:
            self.detected.emit(int(event["done"]))
        elif "detect_error" in event:
            self.detect_failed.emit(str(event["detect_error"]))
        elif "redetect_progress" in event:
            done, total = event["redetect_progress"]
            self.redetect_progress.emit(int(done), int(total))
        elif "redetected" in event:
            self.redetected.emit(dict(event["redetected"]))
        elif "redetect_error" in event:
            self.redetect_failed.emit(str(event["redetect_error"]))
        elif "names" in event:
            ident, names = event["names"]
            self.names.emit(int(ident), [str(n) for n in names])

    def _ended(self, code: int, status: QProcess.ExitStatus) -> None:
        self.ready = False
        if self._stopping or (code == 1 and self._said_error):  # it said why (``error``)
            return
        if status == QProcess.ExitStatus.CrashExit:
            self.crashed.emit("the detection process was killed or crashed")
        else:
            self.crashed.emit(f"the detection process ended (status {code})")

    def _error(self, error: QProcess.ProcessError) -> None:
        if not self._stopping and error == QProcess.ProcessError.FailedToStart:
            self.failed.emit("the model process could not be started")
