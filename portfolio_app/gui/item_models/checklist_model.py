"""A flat list of checkable choices (events, experiences, professions, competencies) for the editor.

Ticking an item emits ``check_toggled`` (the student's intent); the editor's controller turns
it into an undoable command. Setting the ticks from an entry (:meth:`set_checked`) emits
nothing, so showing an entry never looks like an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from typing_extensions import override

from portfolio_app.gui.widgets.plain_text import plain_tooltip

#: The choice's key (an id, a profession, "framework-id:code").
ChoiceKeyRole = Qt.ItemDataRole.UserRole + 1
#: Text the filter box matches against (label plus extra words).
SearchTextRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class Choice:
    """One item that can be ticked."""

    key: str
    label: str
    tooltip: str = ""
    search_text: str = ""


class ChecklistModel(QAbstractListModel):
    """Checkable choices with a stable order."""

    check_toggled = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._choices: list[Choice] = []
        self._checked: set[str] = set()

    @override
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._choices)

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        choice = self._choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return choice.label
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if choice.key in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            # Titles, places and imported competency statements: literal, never rich text.
            return plain_tooltip(choice.tooltip or choice.label)
        if role == ChoiceKeyRole:
            return choice.key
        if role == SearchTextRole:
            return f"{choice.label} {choice.search_text}"
        return None

    @override
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        key = self._choices[index.row()].key
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        if ticked == (key in self._checked):
            return True
        if ticked:
            self._checked.add(key)
        else:
            self._checked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.check_toggled.emit(key, ticked)
        return True

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def set_choices(self, choices: list[Choice]) -> None:
        """Replace the choices (the ticks of keys that remain are kept)."""
        self.beginResetModel()
        self._choices = list(choices)
        keys = {c.key for c in choices}
        self._checked &= keys
        self.endResetModel()

    def set_checked(self, keys: set[str] | frozenset[str]) -> None:
        """Tick exactly these keys, silently (showing an entry is not an edit)."""
        if set(keys) == self._checked:
            return
        self._checked = set(keys)
        if self._choices:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._choices) - 1), [Qt.ItemDataRole.CheckStateRole]
            )

    def checked(self) -> set[str]:
        """The ticked keys."""
        return set(self._checked)

    def checked_in_order(self) -> list[str]:
        """The ticked keys in list order."""
        return [c.key for c in self._choices if c.key in self._checked]

    def choices(self) -> list[Choice]:
        """Every choice."""
        return list(self._choices)
