"""Where the annotator stopped: in QSettings and in the project after a pause, and at once
on an article change or quit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from annotator.core.errors import ProjectLockedError
from annotator.services.items import ItemKey

#: After the last quote move, write the position into QSettings and the project this much
#: later (ms): moving between quotes costs no transaction and no rewrite of the settings
#: file (QSettings writes the whole file at the next turn of the event loop after a change:
#: 2.6 ms, up to 8 ms on a busy disk, after every key), yet a crash loses only a few seconds.
POSITION_WRITE_DELAY_MS = 4000

Position = tuple[int, ItemKey | None]


class PositionController(QObject):
    """Remembers (article id, item key) per project file and annotator.

    ``write`` records the session's position in the project (it returns False when
    nothing was written); ``failed(message)`` says when that write raised. ``try_write``
    (default: ``write``) does the same only if the project's write lock is free at once,
    else raises ProjectLockedError: used on article changes and after a pause, so this
    thread never waits for another writer (an import) for a position.
    """

    failed = Signal(str)

    def __init__(
        self,
        project_path: Path,
        settings: QSettings,
        write: Callable[[], object],
        readonly: bool,
        parent: QObject | None = None,
        try_write: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.readonly = readonly
        self.annotator = ""
        self._write = write
        self._try_write = try_write or write
        self._digest = hashlib.sha1(str(project_path.resolve()).encode()).hexdigest()[:16]
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(POSITION_WRITE_DELAY_MS)
        self.timer.timeout.connect(self.record_if_free)
        #: (annotator, position) remembered but not yet in QSettings
        self._pending: tuple[str, Position] | None = None

    def _key(self) -> str:
        return f"position/{self._digest}/{self.annotator}"

    def saved(self) -> Position | None:
        """This machine's record for the annotator (None: none, or unreadable)."""
        if self._pending is not None and self._pending[0] == self.annotator:
            return self._pending[1]
        key = self._key()
        article = self.settings.value(f"{key}/article")
        quote = self.settings.value(f"{key}/quote")
        try:
            return int(str(article)), (ItemKey.parse(str(quote)) if quote else None)
        except ValueError:
            return None

    def choose(self, in_project: Position | None, ids: set[int]) -> Position | None:
        """Where to open: the project's record (it travels with the file), else this
        machine's (the only record kept for a read-only file); only existing articles."""
        found = [in_project, self.saved()]
        if self.readonly:
            found.reverse()
        return next((p for p in found if p is not None and p[0] in ids), None)

    def remember(self, article_id: int, key: ItemKey | None) -> None:
        """Remember the position: in QSettings and the project after a pause, or at the
        next :meth:`record` (:meth:`saved` gives it meanwhile)."""
        self._pending = (self.annotator, (article_id, key))
        self.timer.start()

    def _to_settings(self) -> None:
        if self._pending is None:
            return
        annotator, (article_id, key) = self._pending
        self._pending = None
        base = f"position/{self._digest}/{annotator}"
        self.settings.setValue(f"{base}/article", article_id)
        self.settings.setValue(f"{base}/quote", str(key) if key else "")

    def record(self) -> None:
        """Write the position into QSettings and the project now (article change, quit,
        after a pause)."""
        self.timer.stop()
        self._to_settings()
        try:
            self._write()
        except Exception as exc:  # a busy or vanished file must not stop the annotator
            self.failed.emit(f"The position was not saved in the project: {exc}")

    def record_if_free(self) -> None:
        """:meth:`record` on an article change or after a pause: into the project only if
        its write lock is free now; else after another pause (a key never waits for
        another writer's transaction for a position; quit writes it with :meth:`record`)."""
        self.timer.stop()
        self._to_settings()
        try:
            self._try_write()
        except ProjectLockedError:
            self.timer.start()
        except Exception as exc:  # a vanished file must not stop the annotator
            self.failed.emit(f"The position was not saved in the project: {exc}")
