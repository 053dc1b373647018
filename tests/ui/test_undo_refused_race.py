"""A refused undo/redo (project locked by another program) is taken back on the stack at the
next turn of the event loop; a key handled before that turn must never be stepped back, and
a command whose place was lost is dropped rather than written the wrong way round."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from annotator.ui.undo import KEPT, ApplyCommand, Kept


@dataclass(frozen=True)
class Op:
    """A value to write (``value``) over the one stored (``old``)."""

    label: str
    value: str
    old: str


class Store:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.locked = False
        self.writes: list[tuple[str, str]] = []

    def apply(self, op: Op) -> Op | Kept:
        if self.locked:
            return KEPT
        self.values[op.label] = op.value
        self.writes.append((op.label, op.value))
        return Op(op.label, op.old, op.value)


def _push(stack: QUndoStack, store: Store, label: str, value: str) -> None:
    old = store.values.get(label, "")
    inverse = store.apply(Op(label, value, old))
    assert isinstance(inverse, Op)
    stack.push(ApplyCommand(inverse, store.apply, applied=True, stack=stack))


def test_refused_undo_is_taken_back_when_nothing_moved(qtbot: QtBot) -> None:
    stack, store = QUndoStack(), Store()
    _push(stack, store, "a", "accepted")
    store.locked = True
    stack.undo()
    qtbot.waitUntil(lambda: stack.index() == 1)
    store.locked = False
    stack.undo()
    assert store.values["a"] == "" and stack.index() == 0


def test_a_key_pushed_before_the_step_back_of_a_refused_redo_stays(qtbot: QtBot) -> None:
    stack, store = QUndoStack(), Store()
    _push(stack, store, "a", "accepted")
    stack.undo()  # a: '' (written)
    store.locked = True
    stack.redo()  # refused: nothing written, a step back is due
    store.locked = False
    _push(stack, store, "b", "rejected")  # a key handled before the step back
    qtbot.wait(20)
    assert store.values == {"a": "", "b": "rejected"}
    assert stack.index() == stack.count()  # b is done on the stack as in the store
    stack.undo()
    assert store.values["b"] == ""


def test_a_second_undo_before_the_step_back_of_a_refused_one(qtbot: QtBot) -> None:
    stack, store = QUndoStack(), Store()
    _push(stack, store, "a", "accepted")
    _push(stack, store, "b", "rejected")
    store.locked = True
    stack.undo()  # b refused
    store.locked = False
    stack.undo()  # a undone before the step back of b
    qtbot.wait(20)
    writes = list(store.writes)
    # a was undone once; b was never written back and is not redone later by the timer
    assert store.values == {"a": "", "b": "rejected"}
    for _ in range(stack.count() - stack.index()):
        stack.redo()
    # whatever redo does now, b is never written to its old value ('') by a stale op
    assert ("b", "") not in store.writes[len(writes) :]
    assert store.values["b"] == "rejected"
