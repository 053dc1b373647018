"""The one checkable list of annotators (or reviewers) with their counts, shared by the
agreement dashboard, the review window and the export dialog, and the one rule of who is
chosen by default (the Quote summary's choice follows it too).

Counting each annotator's quotes is a project-wide read (about a second at 100,000
articles), so the counts come from a pool thread (:class:`~annotator.ui.workers.PeopleTask`)
and the list is filled when they arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from annotator.core.wording import plural
from annotator.services.report import default_person as default_person

#: The name of the item's person (the text also shows the count).
NAME_ROLE = Qt.ItemDataRole.UserRole + 7


def person_label(name: str, count: int | None) -> str:
    """``name (1,234)``, or the name alone when the count is not known."""
    return name if count is None else f"{name} ({count:,})"


def with_quotes(counts: Mapping[str, int]) -> list[str]:
    """The people chosen by default: those with at least one quote, in the given order
    (a reviewer who annotated nothing is offered, never chosen for a comparison)."""
    return [name for name, n in counts.items() if n > 0]


def sharing_default(counts: Mapping[str, int], sharing: Iterable[str]) -> list[str]:
    """The people an agreement compares by default: those with at least one quote
    (:func:`with_quotes`) who share an annotated article with another of them
    (``sharing``: :meth:`~annotator.store.project.Project.annotators_who_share`), in the
    order of ``counts``; a pair with no article in common has nothing to compare."""
    shared = set(sharing)
    return [name for name in with_quotes(counts) if name in shared]


class PeopleList(QListWidget):
    """Checkable people, each shown with their count (``alice (1,204)``).

    ``ticked_changed(names)`` is emitted when the user ticks or unticks someone, never
    when the program sets the list (:meth:`set_people`, :meth:`tick`).
    """

    ticked_changed = Signal(list)

    def __init__(self, noun: str = "accepted quote", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self._counts: dict[str, int | None] = {}
        self.itemChanged.connect(lambda _it: self.ticked_changed.emit(self.ticked()))

    def set_people(
        self,
        people: Mapping[str, int] | Sequence[str],
        ticked: Iterable[str] | None = None,
    ) -> None:
        """List ``people`` (name -> count, or names without counts) in this order.

        Args:
            ticked: the names to tick; None ticks those with at least one quote
                (:func:`with_quotes`; nobody when the counts are not known).
        """
        counts: dict[str, int | None] = (
            dict(people) if isinstance(people, Mapping) else dict.fromkeys(people)
        )
        if ticked is None:
            known = {n: c for n, c in counts.items() if c is not None}
            ticked = with_quotes(known)
        chosen = set(ticked)
        self._counts = counts
        self.blockSignals(True)
        self.clear()
        for name, n in counts.items():
            it = QListWidgetItem(person_label(name, n))
            it.setData(NAME_ROLE, name)
            if n is not None:
                it.setToolTip(f"{n:,} {plural(n, self.noun)}")
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.addItem(it)
        self.blockSignals(False)

    def names(self) -> list[str]:
        """Everyone listed, in order."""
        return [str(self.item(i).data(NAME_ROLE)) for i in range(self.count())]

    def counts(self) -> dict[str, int | None]:
        """Name -> count (None: not known) of everyone listed."""
        return dict(self._counts)

    def ticked(self) -> list[str]:
        """The ticked names, in the list's order."""
        return [
            str(self.item(i).data(NAME_ROLE))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def tick(self, names: Iterable[str]) -> None:
        """Tick exactly ``names`` (no :attr:`ticked_changed`)."""
        chosen = set(names)
        self.blockSignals(True)
        for i in range(self.count()):
            it = self.item(i)
            want = it.data(NAME_ROLE) in chosen
            it.setCheckState(Qt.CheckState.Checked if want else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def add_tip(self, name: str, words: str) -> None:
        """Add ``words`` to ``name``'s tooltip (no :attr:`ticked_changed`: a tooltip is
        not a tick)."""
        it = self.item_of(name)
        if it is not None:
            self.blockSignals(True)
            it.setToolTip(f"{it.toolTip()}{words}")
            self.blockSignals(False)

    def item_of(self, name: str) -> QListWidgetItem | None:
        """The item of ``name`` (None: not listed)."""
        for i in range(self.count()):
            if self.item(i).data(NAME_ROLE) == name:
                return self.item(i)
        return None
