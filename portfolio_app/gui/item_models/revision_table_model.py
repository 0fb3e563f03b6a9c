"""The list of an entry's saved versions in the history dialog, newest first."""

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

from portfolio_app.core.domain.records import Revision

#: The revision id (str).
RevisionIdRole = Qt.ItemDataRole.UserRole + 1
#: True when the version's title and text are those of the entry now.
IsCurrentRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
#: Default ``parent`` argument (one shared invalid index, not a call per default).
_NO_PARENT = QModelIndex()

CURRENT_TEXT = "same as now"


def format_saved(revision: Revision) -> str:
    """When a version was saved, in local time ("12 Mar 2025, 14:05")."""
    return revision.saved.astimezone().strftime("%d %b %Y, %H:%M").lstrip("0")


class RevisionTableModel(QAbstractTableModel):
    """Saved time, word count and title of each revision."""

    SAVED, WORDS, TITLE = range(3)
    HEADERS = ("Saved", "Words", "Title")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._revisions: list[Revision] = []
        self._current: set[int] = set()

    @override
    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._revisions)

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
        if not index.isValid() or not 0 <= index.row() < len(self._revisions):
            return None
        revision = self._revisions[index.row()]
        is_current = index.row() in self._current
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.SAVED:
                saved = format_saved(revision)
                return f"{saved} ({CURRENT_TEXT})" if is_current else saved
            if column == self.WORDS:
                return str(revision.entry.word_count)
            if column == self.TITLE:
                return revision.entry.title
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.WORDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            note = "This version is the same as the entry now." if is_current else ""
            return f"Saved {format_saved(revision)}. {note}".strip()
        if role == RevisionIdRole:
            return str(revision.id)
        if role == IsCurrentRole:
            return is_current
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

    def set_revisions(self, revisions: list[Revision], current_rows: set[int]) -> None:
        """Show these revisions; ``current_rows`` are the ones equal to the entry now."""
        self.beginResetModel()
        self._revisions = list(revisions)
        self._current = set(current_rows)
        self.endResetModel()

    def revision_at(self, row: int) -> Revision:
        """The revision shown in ``row``."""
        return self._revisions[row]
