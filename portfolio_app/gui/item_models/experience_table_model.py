"""The table of experiences (placements, supervision...) in the catalogue dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from typing_extensions import override

from portfolio_app.core.domain.events import Experience
from portfolio_app.gui.item_models.event_table_model import SortRole, format_day

#: The experience's id (str).
ExperienceIdRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
#: Default ``parent`` argument (one shared invalid index, not a call per default).
_NO_PARENT = QModelIndex()

__all__ = ["ExperienceIdRole", "ExperienceTableModel", "SortRole"]


class ExperienceTableModel(QAbstractTableModel):
    """Experiences with their kind, title, setting, supervisor and dates."""

    KIND, TITLE, SETTING, SUPERVISOR, STARTS, ENDS = range(6)
    HEADERS = ("Kind", "Title", "Setting", "Supervisor", "Starts", "Ends")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._experiences: list[Experience] = []

    @override
    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._experiences)

    @override
    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return super().headerData(section, orientation, role)

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._experiences):
            return None
        experience = self._experiences[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(experience, column)
        if role == SortRole:
            return self._sort_key(experience, column)
        if role == ExperienceIdRole:
            return str(experience.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return experience.notes.strip() or experience.title
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def _text(self, experience: Experience, column: int) -> str:
        if column == self.KIND:
            return experience.kind.label
        if column == self.TITLE:
            return experience.title
        if column == self.SETTING:
            return experience.setting
        if column == self.SUPERVISOR:
            return experience.supervisor
        if column == self.STARTS:
            return format_day(experience.starts_on)
        if column == self.ENDS:
            return format_day(experience.ends_on)
        return ""

    def _sort_key(self, experience: Experience, column: int) -> str:
        if column == self.STARTS:
            return experience.starts_on.isoformat() if experience.starts_on else ""
        if column == self.ENDS:
            return experience.ends_on.isoformat() if experience.ends_on else ""
        return self._text(experience, column).casefold()

    def set_experiences(self, experiences: list[Experience]) -> None:
        """Show these experiences (in the given order)."""
        self.beginResetModel()
        self._experiences = list(experiences)
        self.endResetModel()

    def experience_at(self, row: int) -> Experience:
        """The experience shown in ``row``."""
        return self._experiences[row]

    def row_of(self, experience_id: str) -> int | None:
        """The row of an experience, or None."""
        for row, experience in enumerate(self._experiences):
            if experience.id == experience_id:
                return row
        return None
