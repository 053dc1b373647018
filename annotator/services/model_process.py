"""The spaCy pipeline in a process of its own, for the window (issue 16).

The window must not load or run spaCy in its own process: loading a pipeline and parsing
hold Python's global interpreter lock through long stretches of compiled code, and while
they do the window's thread cannot run at all. Measured with a 20 ms heartbeat in the real
window on a 1,000-article project: ``spacy.load`` in a pool thread stopped the window for up
to 0.3 s at a time, detection in a pool thread for up to 0.6 s. So the window starts::

    python -m annotator.services.model_process PROJECT.db MODEL

``MODEL`` is what :func:`annotator.nlp.pipeline.load_pipeline` takes (a package name, a
model folder, ``rules-only``), or ``""`` for the product's default order. The process runs
at a lower CPU priority (the window comes first), reads commands on stdin and writes events
on stdout, one JSON object per line:

commands
    ``{"detect": true}``: detect the articles the detector has not run on (in a thread;
    jobs run one at a time in the order asked, a detect asked while one runs runs again
    after it); ``{"cancel": true}``: stop that job after its chunk and drop the waiting
    ones; ``{"names": [article_id, text]}``: the PERSON/ORG names of a text;
    ``{"redetect": true}``: re-detect the undecided articles (after a detection running).
    End of input ends the process.
events
    ``{"model": {"name": ..., "rules_only": ..., "message": ..., "entities": ...,
    "note": ...}}`` once the pipeline is loaded (``note``: what the window must say, e.g.
    that the model folder asked for does not exist and which model stands in for it),
    or ``{"error": message}`` (then the process ends);
    ``{"total": n}`` (articles to detect), ``{"progress": [done, total], "stored": [ids]}``
    after each stored chunk (the ids of that chunk: the window never parses one list of
    100,000 ids at once),
    ``{"skip": [article_id, title, reason]}``, ``{"done": n}`` or
    ``{"detect_error": message}`` for a detection; ``{"names": [article_id, [names]]}``;
    ``{"redetect_progress": [done, total]}``, then ``{"redetected": {"articles": n,
    "added": n}}`` or ``{"redetect_error": message}`` for a re-detection. ``model`` also
    says ``detector``: the version the suggestions are stored under (a trained model's
    name@hash8 included).

A kill loses at most the chunk in progress: SQLite rolls back the open transaction.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from annotator.core.processes import EventWriter, lower_priority


class Server:
    """Serves one project with one loaded pipeline (see the module's protocol)."""

    def __init__(self, project_path: Path, nlp: Any, out: EventWriter) -> None:
        from annotator.services.names import entities_only, has_entities

        self.project_path = project_path
        self.nlp = nlp
        self.out = out
        self.parse = entities_only(nlp) if has_entities(nlp) else None
        self.cancel = threading.Event()
        #: The thread doing the jobs (one at a time, in the order asked).
        self.detecting: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending: list[str] = []  # "detect" / "redetect", each at most once
        self._running = False
        from annotator.nlp.detect import DETECTOR_VERSION, detector_version

        #: A trained pipeline (it includes the rules): what it detects counts as the
        #: rules' run too, so new articles are not detected again with the rules alone.
        self.trained = detector_version(nlp) != DETECTOR_VERSION

    def handle(self, command: dict[str, Any]) -> None:
        """Do one command (unknown ones are ignored, so older windows keep working)."""
        if command.get("detect"):
            self._submit("detect")
        elif command.get("redetect"):
            self._submit("redetect")
        elif command.get("cancel"):
            self.stop()
        elif "names" in command:
            article_id, text = command["names"]
            self.out.say(names=[article_id, self.names(str(text))])

    def _submit(self, job: str) -> None:
        """Queue ``job`` ("detect" or "redetect") after the job running, if any.

        A job asked for while the same one waits is asked once; asked while the same one
        runs, it runs again after it (a detection already under way has its list of
        articles, so articles added since need another run). Checked under a lock with
        the worker's own end, so a request that comes as the last job says ``done`` is
        never dropped."""
        with self._lock:
            if job not in self._pending:
                self._pending.append(job)
            if self._running:
                return
            self._running = True
        self.detecting = threading.Thread(target=self._work, daemon=True)
        self.detecting.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                job = self._pending.pop(0)
                self.cancel.clear()
            if job == "detect":
                self._detect()
            else:
                self._redetect()

    def stop(self) -> None:
        """Stop the job running after its chunk and drop the ones waiting."""
        with self._lock:
            self._pending.clear()
            self.cancel.set()

    def names(self, text: str) -> list[str]:
        from annotator.services.names import entity_names

        return [] if self.parse is None else entity_names(text, self.parse)

    def _detect(self) -> None:
        from annotator.services.detection import articles_to_detect, detect_articles
        from annotator.store.project import Project

        try:
            with Project.open(self.project_path, create=False) as project:
                ids = articles_to_detect(project)
                self.out.say(total=len(ids))

                sent = [0]  # articles already said stored

                def progress(done: int, total: int) -> None:
                    if self.trained and done > sent[0]:
                        from annotator.services.detection import record_rules_run

                        record_rules_run(project, ids[sent[0] : done])
                    self.out.say(progress=[done, total], stored=ids[sent[0] : done])
                    sent[0] = done

                def skip(article_id: int, reason: str) -> None:
                    title = project.article(article_id).title
                    self.out.say(skip=[article_id, title, reason])

                done = detect_articles(
                    project,
                    self.nlp,
                    ids,
                    progress=progress,
                    cancel=lambda: self.cancel.is_set() or self.out.closed,
                    on_skip=skip,
                )
            self.out.say(done=done)
        except Exception as exc:  # shown in the window's status bar
            self.out.say(detect_error=f"{type(exc).__name__}: {exc}")

    def _redetect(self) -> None:
        from annotator.services.detection import redetect_undecided
        from annotator.store.project import Project

        try:
            with Project.open(self.project_path, create=False) as project:
                report = redetect_undecided(
                    project,
                    self.nlp,
                    progress=lambda done, total: self.out.say(redetect_progress=[done, total]),
                    cancel=lambda: self.cancel.is_set() or self.out.closed,
                )
            self.out.say(redetected={"articles": report.articles, "added": report.added})
        except Exception as exc:  # shown in the window's status bar
            self.out.say(redetect_error=f"{type(exc).__name__}: {exc}")

    def busy(self) -> bool:
        """A detection or re-detection is running or waiting (it holds the project open)."""
        with self._lock:
            return self._running

    def wait(self) -> None:
        """Let a running detection finish its chunk after a cancel."""
        if self.detecting is not None:
            self.detecting.join()


def _detector_version(nlp: Any) -> str:
    from annotator.nlp.detect import detector_version

    return detector_version(nlp)


def missing_folder(model: str) -> str:
    """``model`` when it names a folder (a path, not a package name such as
    ``en_core_web_sm``) that does not exist, else "". The window then uses the default
    model instead and says so, rather than loading no model at all."""
    if not model or model == "rules-only":
        return ""
    looks_like_path = os.sep in model or "/" in model or model.startswith((".", "~"))
    return model if looks_like_path and not Path(model).expanduser().is_dir() else ""


def serve(
    project_path: Path,
    model: str,
    stdin: TextIO,
    stdout: TextIO,
    leave: Callable[[int], Any] = os._exit,
) -> int:
    """Load ``model`` ("" for the default order) and serve ``stdin`` until it ends;
    return the exit status (0; 1 when the pipeline could not be loaded).

    The end of ``stdin`` means the window went away (closed, or killed). When a job is
    running then, the process leaves at once through ``leave(0)`` (``os._exit``: no
    cleanup) and the chunk in progress rolls back, instead of finishing the chunk and
    closing its connection: closing the last connection checkpoints and deletes
    ``NAME.db-wal`` by its name, and seconds after its window died a child doing so could
    hit the log of a new project the user made under the same name (a tester saw such a
    project come out malformed after deleting the files of one whose window had been
    killed). SQLite's "How To Corrupt An SQLite Database File", section 2.4 (unlinking or
    renaming a database file while in use)."""
    out = EventWriter(stdout)
    missing = missing_folder(model)
    try:
        from annotator.nlp.pipeline import load_pipeline
        from annotator.services.names import has_entities

        # a folder the user chose must load as it is (no silent stand-in under its name)
        strict = bool(model) and not missing and Path(model).expanduser().is_dir()
        nlp, info = load_pipeline(None if missing or not model else model, strict=strict)
    except Exception as exc:  # the window says the model could not be loaded, and why
        out.say(error=f"{type(exc).__name__}: {exc}")
        return 1
    note = ""
    if missing:
        instead = "the rules only" if info.rules_only else f"the base model {info.name}"
        note = f"The model folder {missing} does not exist; using {instead} instead."
    out.say(
        model={
            "name": info.name,
            "rules_only": info.rules_only,
            "message": f"{note} {info.message}".strip(),
            "entities": has_entities(nlp),
            "note": note,
            "missing": missing,
            "detector": _detector_version(nlp),
        }
    )
    server = Server(project_path, nlp, out)
    for line in stdin:
        if line.strip():
            server.handle(json.loads(line))
    server.stop()
    if server.busy():
        stdout.flush()
        leave(0)
    server.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``PROJECT MODEL``; 2 on bad arguments, 3 when the window went away
    (its end of the pipe closed) while the process was writing to it."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m annotator.services.model_process PROJECT MODEL", file=sys.stderr)
        return 2
    lower_priority()
    try:
        return serve(Path(args[0]), args[1], sys.stdin, sys.stdout)
    except BrokenPipeError:
        # nobody to tell: end quietly (stdout is closed, so keep Python from flushing it)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
