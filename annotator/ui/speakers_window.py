"""The Speakers window: the registry with counts; rename, merge, split, delete, type, gender.

A thin adapter over :mod:`annotator.services.speakers`: every action is a ``RegistryOp``
pushed on the annotation window's undo stack (Ctrl+Z here or there undoes it), and after
each one the window's views refresh from a change notice. The registry and its merge
suggestions are read on a pool thread (:class:`~annotator.ui.workers.SpeakersLoadTask`;
1.3 s in the GUI thread at 100,000 articles), "Loading speakers…" meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.speakers import MergeSuggestion
from annotator.core.wording import count_noun
from annotator.services.speakers import (
    RegistryOp,
    SpeakerStats,
    plan_delete,
    plan_edit,
    plan_merge,
    plan_rename,
    plan_split_alias,
)
from annotator.store.schema import GENDERS, SPEAKER_KINDS
from annotator.ui.undo import ApplyCommand
from annotator.ui.workers import SpeakersLoadTask, TaskRunner

LOADING = "Loading speakers…"

COLUMNS = ("Name", "Type", "Gender", "Role", "Aliases", "Quotes", "Articles")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class SpeakerTableModel(QAbstractTableModel):
    """Rows of :class:`SpeakerStats`; guessed genders are shown as such."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SpeakerStats] = []

    def set_rows(self, rows: list[SpeakerStats]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        st = self.rows[index.row()]
        sp = st.speaker
        if role == ID_ROLE:
            return sp.id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == 0:
            return sp.name
        if col == 1:
            return sp.kind
        if col == 2:
            return f"{sp.gender} (guessed)" if sp.gender_guessed else sp.gender
        if col == 3:
            return sp.role or ""
        if col == 4:
            return ", ".join(sp.aliases)
        return st.quotes if col == 5 else st.articles


class SpeakersWindow(QDialog):
    """Curate the project's speakers (opened from Review > Speakers…).

    Args:
        window: the annotation window: its ``session.project`` is written, its
            ``undo_stack`` holds the actions, its views refresh after each one.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.project = window.session.project
        self.path = Path(window.project_path)
        self._reads = TaskRunner(self)
        self._generation = 0
        self._chosen: set[int] = set()
        self.setWindowTitle("Speakers")
        self.resize(900, 560)
        self.model = SpeakerTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.suggestions = QListWidget()
        self.suggestions.setToolTip("Enter merges the selected suggestion")
        self.suggestions.itemActivated.connect(self._accept_suggestion)
        buttons = QHBoxLayout()
        self._buttons: dict[str, QPushButton] = {}
        for name, text, slot, key in (
            ("rename", "&Rename…", self.rename, "F2"),
            ("merge", "&Merge selected", self.merge_selected, "Ctrl+M"),
            ("split", "S&plit alias…", self.split_alias, None),
            ("type", "&Type…", self.set_type, None),
            ("gender", "&Gender…", self.set_gender, None),
            ("role", "R&ole…", self.set_role, None),
            ("delete", "&Delete", self.delete, "Del"),
        ):
            b = QPushButton(text)
            # Enter belongs to the suggestion list (merge), never to a default button.
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            if key:
                act = QAction(self)
                act.setShortcut(QKeySequence(key))
                act.triggered.connect(slot)
                self.addAction(act)
                b.setToolTip(key)
            buttons.addWidget(b)
            self._buttons[name] = b
        buttons.addStretch(1)
        undo = window.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = window.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.addActions([undo, redo])
        self.empty_hint = QLabel(
            "No speakers yet: a canonical speaker enters the registry when a quote naming it "
            "is accepted or edited (detector suggestions alone do not add one)."
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        self.status = QLabel(LOADING)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Probable duplicates (Enter merges the selected one):"))
        layout.addWidget(self.suggestions, 1)
        self.reload()

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the registry and the merge suggestions again on a pool thread ("Loading
        speakers…" meanwhile); the selection is kept by id when they arrive."""
        if not self.loading():
            self._chosen = set(self.selected_ids())
        self._generation += 1
        self.status.setText(LOADING)
        self._reads.cancel_all()
        self._reads.start(
            SpeakersLoadTask(self.path, self._generation), self._loaded, self._load_failed
        )

    def loading(self) -> bool:
        """True while the registry is being read."""
        return self._reads.busy()

    def _loaded(self, result: object) -> None:
        generation, stats, merges = cast(
            tuple[int, list[SpeakerStats], list[MergeSuggestion]], result
        )
        if generation != self._generation:
            return  # an action since: its reading is on its way
        self.model.set_rows(stats)
        self.empty_hint.setVisible(not stats)
        self.status.setText(f"{count_noun(len(stats), 'speaker')}, most quoted first")
        sel = self.table.selectionModel()
        for row, st in enumerate(stats):
            if st.speaker.id in self._chosen:
                sel.select(
                    self.model.index(row, 0),
                    sel.SelectionFlag.Select | sel.SelectionFlag.Rows,
                )
        names = {st.speaker.id: st.speaker.name for st in stats}
        self.suggestions.clear()
        for s in merges:
            if s.keep not in names or s.other not in names:
                continue
            item = QListWidgetItem(f"{names[s.other]}  →  {names[s.keep]}   ({s.reason})")
            item.setData(ID_ROLE, (s.keep, s.other))
            self.suggestions.addItem(item)
        if self.suggestions.count():
            self.suggestions.setCurrentRow(0)

    def _load_failed(self, message: str) -> None:
        self.status.setText(f"The speakers could not be read: {message}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self._reads.close()  # a read under way is not waited for
        super().closeEvent(event)

    def selected_ids(self) -> list[int]:
        """Ids of the selected speakers, in table order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].speaker.id for r in rows]

    def select_ids(self, ids: list[int]) -> None:
        """Select these speakers in the table (for keyboard use and tests)."""
        self.table.clearSelection()
        sel = self.table.selectionModel()
        for row, st in enumerate(self.model.rows):
            if st.speaker.id in ids:
                sel.select(
                    self.model.index(row, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows
                )

    # -- actions ---------------------------------------------------------------------------

    def _run(self, plan: Any) -> bool:
        """Plan an op (showing why not, if it cannot be) and push it on the undo stack."""
        if self.window_.read_only.refuse():
            return False
        try:
            op = plan()
        except AnnotatorError as exc:
            QMessageBox.information(self, "Speakers", str(exc))
            return False
        self.window_.undo_stack.push(ApplyCommand(op, self._apply))
        return True

    def _apply(self, op: RegistryOp) -> RegistryOp | None:
        try:
            inverse = op.apply(self.project)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Speakers", f"The change was not saved:\n{exc}")
            return None
        self.window_.session.refresh(None)
        self.reload()
        return inverse

    def _one(self) -> int | None:
        ids = self.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, "Speakers", "Select one speaker.")
            return None
        return ids[0]

    def rename(self) -> None:
        sid = self._one()
        if sid is None:
            return
        current = next(st.speaker.name for st in self.model.rows if st.speaker.id == sid)
        name, ok = QInputDialog.getText(self, "Rename speaker", "New name:", text=current)
        if ok:
            self._run(lambda: plan_rename(self.project, sid, name, self.window_.session.annotator))

    def merge_selected(self) -> None:
        """Merge the selected speakers into the one with the most quotes (then longest name)."""
        ids = self.selected_ids()
        if len(ids) < 2:
            QMessageBox.information(self, "Speakers", "Select two or more speakers to merge.")
            return
        stats = {st.speaker.id: st for st in self.model.rows}
        keep = max(ids, key=lambda i: (stats[i].quotes, len(stats[i].speaker.name)))
        others = [i for i in ids if i != keep]
        self._run(lambda: plan_merge(self.project, keep, others, self.window_.session.annotator))

    def _accept_suggestion(self, item: QListWidgetItem | None = None) -> None:
        item = item or self.suggestions.currentItem()
        if item is None:
            return
        keep, other = item.data(ID_ROLE)
        actor = self.window_.session.annotator
        # Later: the list is rebuilt after the merge, and Qt is still inside this item's signal.
        QTimer.singleShot(
            0, lambda: self._run(lambda: plan_merge(self.project, keep, [other], actor))
        )

    def split_alias(self) -> None:
        sid = self._one()
        if sid is None:
            return
        sp = next(st.speaker for st in self.model.rows if st.speaker.id == sid)
        if not sp.aliases:
            QMessageBox.information(self, "Speakers", f"“{sp.name}” has no aliases.")
            return
        alias, ok = QInputDialog.getItem(
            self, "Split alias", "Make this alias a speaker of its own:", list(sp.aliases), 0, False
        )
        if ok:
            self._run(
                lambda: plan_split_alias(self.project, sid, alias, self.window_.session.annotator)
            )

    def _choose(self, title: str, options: tuple[str, ...], field: str) -> None:
        sid = self._one()
        if sid is None:
            return
        value, ok = QInputDialog.getItem(self, title, f"{title}:", list(options), 0, False)
        if ok:
            kwargs = {field: value, "actor": self.window_.session.annotator}
            self._run(lambda: plan_edit(self.project, sid, **kwargs))

    def set_type(self) -> None:
        self._choose("Type", SPEAKER_KINDS, "kind")

    def set_gender(self) -> None:
        self._choose("Gender", GENDERS, "gender")

    def set_role(self) -> None:
        sid = self._one()
        if sid is None:
            return
        role, ok = QInputDialog.getText(self, "Role", "Role or title:")
        if ok:
            actor = self.window_.session.annotator
            self._run(lambda: plan_edit(self.project, sid, role=role, actor=actor))

    def delete(self) -> None:
        sid = self._one()
        if sid is not None:
            self._run(lambda: plan_delete(self.project, sid, self.window_.session.annotator))
