"""The table of experiences (placements, supervision...) in the catalogue dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from typing_extensions import override

from portfolio_app.core.domain.events import Experience, format_hours
from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel
from portfolio_app.gui.item_models.event_table_model import SortRole, format_day

#: The experience's id (str).
ExperienceIdRole = Qt.ItemDataRole.UserRole + 1

__all__ = ["ExperienceIdRole", "ExperienceTableModel", "SortRole"]

#: In the order of ExperienceTableModel's column constants.
_COLUMNS: tuple[Column[Experience], ...] = (
    Column("Kind", lambda x: x.kind.label),
    Column("Title", lambda x: x.title),
    Column("Setting", lambda x: x.setting),
    Column("Supervisor", lambda x: x.supervisor),
    Column(
        "Starts",
        lambda x: format_day(x.starts_on),
        lambda x: x.starts_on.isoformat() if x.starts_on else "",
    ),
    Column(
        "Ends",
        lambda x: format_day(x.ends_on),
        lambda x: x.ends_on.isoformat() if x.ends_on else "",
    ),
    Column(
        "Hours",
        lambda x: format_hours(x.hours),
        lambda x: f"{x.hours or 0:012.2f}",
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    ),
    Column("Confirmed by", lambda x: x.confirmed_by),
)


class ExperienceTableModel(ColumnTableModel[Experience]):
    """Experiences with their kind, title, setting, supervisor and dates."""

    KIND, TITLE, SETTING, SUPERVISOR, STARTS, ENDS, HOURS, CONFIRMED_BY = range(8)
    HEADERS = tuple(column.title for column in _COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: Experience, column: int, role: int) -> Any:
        if role == SortRole:
            return self.sort_key(row, column)
        if role == ExperienceIdRole:
            return str(row.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole text of a cell the column may cut short; the notes on the title.
            if column != self.TITLE:
                return self._columns[column].text(row) or None
            return row.notes.strip() or row.title
        return None

    def set_experiences(self, experiences: list[Experience]) -> None:
        """Show these experiences (in the given order)."""
        self.set_rows(experiences)

    def experience_at(self, row: int) -> Experience:
        """The experience shown in ``row``."""
        return self.row_at(row)

    def row_of(self, experience_id: str) -> int | None:
        """The row of an experience, or None."""
        for row, experience in enumerate(self._rows):
            if experience.id == experience_id:
                return row
        return None
