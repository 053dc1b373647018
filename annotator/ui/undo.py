"""One undo command for every window: an operation that, applied, returns its inverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from PySide6.QtGui import QUndoCommand


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


T = TypeVar("T", bound=Labelled)


class ApplyCommand(QUndoCommand, Generic[T]):
    """Redo and undo both call ``apply(op)`` on the op held and keep the inverse it returns.

    Args:
        op: the operation (``applied``: already done, so its inverse).
        apply: writes an op and returns the op that undoes it (None: it failed, e.g. it met
            another window's change, and the command is dropped from the stack, on redo as
            on undo: its op no longer fits what is stored).
        applied: the first redo (QUndoStack.push calls it) does nothing; the edit is done.
    """

    def __init__(self, op: T, apply: Callable[[T], T | None], applied: bool = False) -> None:
        super().__init__(op.label)
        self._op = op
        self._apply = apply
        self._skip = applied

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        inverse = self._apply(self._op)
        if inverse is None:
            self.setObsolete(True)
        else:
            self._op = inverse

    def undo(self) -> None:
        inverse = self._apply(self._op)
        if inverse is None:
            self.setObsolete(True)  # QUndoStack.undo then deletes the command
        else:
            self._op = inverse
