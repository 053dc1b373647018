"""One undo command for every window: an operation that, applied, returns its inverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Generic, Protocol, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


T = TypeVar("T", bound=Labelled)


class Kept:
    """The type of :data:`KEPT` (one instance)."""


#: What ``apply`` returns when it changed nothing and the op still fits what is stored
#: (the project was locked by another program): the command stays where it was on the
#: stack, so the same Ctrl+Z (or redo) can be pressed again once the lock is free.
KEPT: Final = Kept()


class ApplyCommand(QUndoCommand, Generic[T]):
    """Redo and undo both call ``apply(op)`` on the op held and keep the inverse it returns.

    Args:
        op: the operation (``applied``: already done, so its inverse).
        apply: writes an op and returns the op that undoes it (None: it failed, e.g. it met
            another window's change, and the command is dropped from the stack, on redo as
            on undo: its op no longer fits what is stored; :data:`KEPT`: nothing was
            written and the op still fits: an undo or redo is taken back on ``stack`` (at
            the next turn of the event loop), a new command is dropped as with None).
        applied: the first redo (QUndoStack.push calls it) does nothing; the edit is done.
        stack: the stack the command is pushed on (needed for :data:`KEPT`).
    """

    def __init__(
        self,
        op: T,
        apply: Callable[[T], T | None | Kept],
        applied: bool = False,
        stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(op.label)
        self._op = op
        self._apply = apply
        self._skip = applied
        self._skip_undo = False
        self._pushed = applied
        self._stack = stack

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        first, self._pushed = not self._pushed, True
        inverse = self._apply(self._op)
        if isinstance(inverse, Kept) and not first and self._stack is not None:
            # the stack now counts this command as done: take that step back, no write
            self._skip_undo = True
            self._step_back_later(self._stack.index() + 1, undo=True)
        elif inverse is None or isinstance(inverse, Kept):
            self.setObsolete(True)
        else:
            self._op = inverse

    def _step_back_later(self, index: int, undo: bool) -> None:
        """After a refused write, put the stack back where it was (no write), at the next
        turn of the event loop, and only if nothing moved it meanwhile (stack at
        ``index``, this command next to it): a key handled in between must never be
        stepped back. When something did move it, this command is dropped (obsolete), as
        the stack no longer says whether it is done; nothing is written either way."""
        stack = self._stack
        assert stack is not None

        def back() -> None:
            mine = index - 1 if undo else index
            if stack.index() == index and 0 <= mine < stack.count() and stack.command(mine) is self:
                (stack.undo if undo else stack.redo)()
            else:
                self._skip = self._skip_undo = False
                self.setObsolete(True)

        QTimer.singleShot(0, back)

    def undo(self) -> None:
        if self._skip_undo:
            self._skip_undo = False
            return
        inverse = self._apply(self._op)
        if isinstance(inverse, Kept) and self._stack is not None:
            # the stack now counts this command as undone: take that step back, no write
            self._skip = True
            self._step_back_later(self._stack.index() - 1, undo=False)
        elif inverse is None or isinstance(inverse, Kept):
            self.setObsolete(True)  # QUndoStack.undo then deletes the command
        else:
            self._op = inverse
