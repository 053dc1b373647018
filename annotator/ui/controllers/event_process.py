"""The window's side of a child that speaks JSON lines (the detection and training
processes, :class:`~annotator.core.processes.EventWriter`): a :class:`QProcess`, so its
events arrive on the GUI thread as signals and nothing here blocks."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QProcess, Signal

from annotator.core.processes import EventLines, module_argv


class EventProcess(QProcess):
    """A child ``python -m MODULE ARGS`` of this program (:func:`module_argv`: never from
    the current folder); its standard error goes to the window's, each event it writes
    comes as ``said(dict)`` (a line that is not a JSON object is passed over)."""

    said = Signal(dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self._lines = EventLines()
        self.readyReadStandardOutput.connect(self.drain)

    def start_module(self, module: str, *args: str) -> None:
        """Start ``python -m module args``."""
        program, *argv = module_argv(module, *args)
        self.start(program, argv)

    def drain(self) -> None:
        """Say the events of the whole lines read so far."""
        for event in self._lines.feed(bytes(self.readAllStandardOutput().data())):
            self.said.emit(event)

    def tell(self, **command: object) -> None:
        """Write ``command`` as one JSON line, when the child runs."""
        if self.state() == QProcess.ProcessState.Running:
            self.write((json.dumps(command) + "\n").encode("utf-8"))
