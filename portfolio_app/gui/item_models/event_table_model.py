"""The table of IPL events in the catalogue dialog: one row per event, named columns."""

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

from portfolio_app.core.domain.events import Event

#: The event's id (str).
EventIdRole = Qt.ItemDataRole.UserRole + 1
#: A value that sorts naturally (ISO dates, lower-cased text, 0/1 for attended).
SortRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
#: Default ``parent`` argument (one shared invalid index, not a call per default).
_NO_PARENT = QModelIndex()

NO_DATE_TEXT = "No date"


def format_day(day: Any) -> str:
    """A date as people read it ("12 Mar 2025"), or "No date"."""
    return day.strftime("%d %b %Y").lstrip("0") if day is not None else NO_DATE_TEXT


class EventTableModel(QAbstractTableModel):
    """Events with their date, kind, title, place, professions present and attendance."""

    DATE, KIND, TITLE, PLACE, PROFESSIONS, ATTENDED = range(6)
    HEADERS = ("Date", "Kind", "Title", "Place", "Professions present", "Attended")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []

    @override
    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._events)

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
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(event, column)
        if role == SortRole:
            return self._sort_key(event, column)
        if role == EventIdRole:
            return str(event.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return event.notes.strip() or event.title
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

    def _text(self, event: Event, column: int) -> str:
        if column == self.DATE:
            return format_day(event.on)
        if column == self.KIND:
            return event.kind.label
        if column == self.TITLE:
            return event.title
        if column == self.PLACE:
            return event.place
        if column == self.PROFESSIONS:
            return ", ".join(event.professions_present)
        if column == self.ATTENDED:
            return "Yes" if event.attended else "No"
        return ""

    def _sort_key(self, event: Event, column: int) -> str:
        if column == self.DATE:
            return event.on.isoformat() if event.on else ""
        return self._text(event, column).casefold()

    def set_events(self, events: list[Event]) -> None:
        """Show these events (in the given order)."""
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def event_at(self, row: int) -> Event:
        """The event shown in ``row``."""
        return self._events[row]

    def row_of(self, event_id: str) -> int | None:
        """The row of an event, or None."""
        for row, event in enumerate(self._events):
            if event.id == event_id:
                return row
        return None
