"""Where the annotator stopped: in QSettings at once, in the project after a pause."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from annotator.services.items import ItemKey

#: After the last quote move, write the position into the project this much later (ms):
#: moving between quotes costs no transaction, yet a crash loses only a few seconds.
POSITION_WRITE_DELAY_MS = 4000

Position = tuple[int, ItemKey | None]


class PositionController(QObject):
    """Remembers (article id, item key) per project file and annotator.

    ``write`` records the session's position in the project (it returns False when
    nothing was written); ``failed(message)`` says when that write raised.
    """

    failed = Signal(str)

    def __init__(
        self,
        project_path: Path,
        settings: QSettings,
        write: Callable[[], object],
        readonly: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.readonly = readonly
        self.annotator = ""
        self._write = write
        self._digest = hashlib.sha1(str(project_path.resolve()).encode()).hexdigest()[:16]
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(POSITION_WRITE_DELAY_MS)
        self.timer.timeout.connect(self.record)

    def _key(self) -> str:
        return f"position/{self._digest}/{self.annotator}"

    def saved(self) -> Position | None:
        """This machine's record for the annotator (None: none, or unreadable)."""
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
        """Remember the position in QSettings now, and in the project after a pause."""
        base = self._key()
        self.settings.setValue(f"{base}/article", article_id)
        self.settings.setValue(f"{base}/quote", str(key) if key else "")
        if not self.readonly:
            self.timer.start()

    def record(self) -> None:
        """Write the position into the project now (article change, quit, after a pause)."""
        self.timer.stop()
        try:
            self._write()
        except Exception as exc:  # a busy or vanished file must not stop the annotator
            self.failed.emit(f"The position was not saved in the project: {exc}")
