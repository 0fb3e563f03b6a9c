"""The table of IPL events in the catalogue dialog: one row per event, named columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from typing_extensions import override

from portfolio_app.core.domain.events import Event, format_hours
from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel

#: The event's id (str).
EventIdRole = Qt.ItemDataRole.UserRole + 1
#: A value that sorts naturally (ISO dates, lower-cased text, 0/1 for attended).
SortRole = Qt.ItemDataRole.UserRole + 2

NO_DATE_TEXT = "No date"


def format_day(day: Any) -> str:
    """A date as people read it ("12 Mar 2025"), or "No date"."""
    return day.strftime("%d %b %Y").lstrip("0") if day is not None else NO_DATE_TEXT


#: In the order of EventTableModel's column constants.
_COLUMNS: tuple[Column[Event], ...] = (
    Column("Date", lambda e: format_day(e.on), lambda e: e.on.isoformat() if e.on else ""),
    Column("Kind", lambda e: e.kind.label),
    Column("Title", lambda e: e.title),
    Column("Place", lambda e: e.place),
    Column("Professions present", lambda e: ", ".join(e.professions_present)),
    Column("Attended", lambda e: "Yes" if e.attended else "No"),
    Column(
        "Hours",
        lambda e: format_hours(e.hours),
        lambda e: f"{e.hours or 0:012.2f}",
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    ),
)


class EventTableModel(ColumnTableModel[Event]):
    """Events with their date, kind, title, place, professions present and attendance."""

    DATE, KIND, TITLE, PLACE, PROFESSIONS, ATTENDED, HOURS = range(7)
    HEADERS = tuple(column.title for column in _COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: Event, column: int, role: int) -> Any:
        if role == SortRole:
            return self.sort_key(row, column)
        if role == EventIdRole:
            return str(row.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole text of a cell the column may cut short; the notes on the title.
            if column != self.TITLE:
                return self._columns[column].text(row) or None
            return row.notes.strip() or row.title
        return None

    def set_events(self, events: list[Event]) -> None:
        """Show these events (in the given order)."""
        self.set_rows(events)

    def event_at(self, row: int) -> Event:
        """The event shown in ``row``."""
        return self.row_at(row)

    def row_of(self, event_id: str) -> int | None:
        """The row of an event, or None."""
        for row, event in enumerate(self._rows):
            if event.id == event_id:
                return row
        return None
