"""Who else has a project open: one small record per window, in a folder beside the file.

``.NAME.db.open/`` holds one JSON file per open window (pid, host, annotator, start time).
Each window writes and removes only its own record, so windows never race on one file. A
crash leaves its record behind: records of dead processes on this host are ignored (and
removed when the folder is writable); records from another host (a shared drive) count
for :data:`FOREIGN_HOST_TTL_S` after their last write. A read-only folder simply keeps no
record (the window then cannot be seen by others; it still sees theirs). No SQL here, and
nothing is written into the project itself, so a copy of the ``.db`` stays one clean file.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

#: Seconds a record written on another machine counts as open (no way to ask its pid).
FOREIGN_HOST_TTL_S = 24 * 3600
#: Tokens of the records this process wrote and has not closed (another window of the
#: same process is live only while its token is here: pids of crashed runs are reused).
_MINE: set[str] = set()


@dataclass(frozen=True)
class OpenSession:
    """One window that has the project open (not this one).

    Attributes:
        pid: its process id; host: the machine's name; annotator: who annotates there;
        started: when it opened (ISO 8601, UTC); same_process: a window of this process.
    """

    pid: int
    host: str
    annotator: str
    started: str
    same_process: bool = False

    def describe(self) -> str:
        """``alice, in another window of this program`` / ``bob, process 4242 on laptop``."""
        if self.same_process:
            where = "in another window of this program"
        elif self.host == socket.gethostname():
            where = f"in another program (process {self.pid})"
        else:
            where = f"on {self.host} (process {self.pid})"
        return f"{self.annotator}, {where}, since {self.started[11:16]} UTC"


def folder_for(project: Path) -> Path:
    """The folder of records beside ``project`` (``.NAME.open``)."""
    return project.with_name(f".{project.name}.open")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


class SessionRecord:
    """This window's record; :meth:`close` removes it. Created by :func:`register`."""

    def __init__(self, path: Path | None, token: str, data: dict[str, object]) -> None:
        self.path = path
        self.token = token
        self.data = data

    def set_annotator(self, annotator: str) -> None:
        """The window now annotates as ``annotator`` (File > Switch annotator)."""
        self.data["annotator"] = annotator
        if self.path is not None:
            _write(self.path, self.data)

    def close(self) -> None:
        """Remove the record (the window closed); never raises."""
        _MINE.discard(self.token)
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()  # only when empty
            self.path = None


def _write(path: Path, data: dict[str, object]) -> bool:
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def register(project: Path, annotator: str) -> SessionRecord:
    """Record that this window has ``project`` open as ``annotator``.

    Never raises: when the folder cannot be written (read-only disk) the record exists in
    memory only (``path`` None) and other windows do not see this one.
    """
    token = uuid.uuid4().hex
    data: dict[str, object] = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "annotator": annotator,
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "token": token,
    }
    _MINE.add(token)
    folder = folder_for(project)
    path: Path | None = folder / f"{data['pid']}-{token}.json"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        path = None
    if path is not None and not _write(path, data):
        path = None
    return SessionRecord(path, token, data)


def others(project: Path, mine: SessionRecord | None = None) -> list[OpenSession]:
    """The windows other than ``mine`` that have ``project`` open now, oldest first.

    Stale records (a dead process on this host, an old one from another host, unreadable
    files) are skipped and removed when possible. Never raises.
    """
    folder = folder_for(project)
    try:
        files = sorted(folder.glob("*.json"))
    except OSError:
        return []
    host, pid, now = socket.gethostname(), os.getpid(), time.time()
    found: list[OpenSession] = []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            rec = OpenSession(
                int(data["pid"]),
                str(data["host"]),
                str(data["annotator"]),
                str(data["started"]),
                same_process=int(data["pid"]) == pid and str(data["host"]) == host,
            )
            token = str(data["token"])
            age = now - f.stat().st_mtime
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-written or foreign: not a record of ours
        if mine is not None and token == mine.token:
            continue
        if rec.host == host:
            live = token in _MINE if rec.same_process else _alive(rec.pid)
        else:
            live = age < FOREIGN_HOST_TTL_S
        if not live:
            with contextlib.suppress(OSError):
                f.unlink()
            continue
        found.append(rec)
    found.sort(key=lambda r: r.started)
    return found
