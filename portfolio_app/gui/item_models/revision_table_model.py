"""The list of an entry's saved versions in the history dialog, newest first."""

from __future__ import annotations

from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Qt
from typing_extensions import override

from portfolio_app.core.domain.records import Revision
from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel

#: The revision id (str).
RevisionIdRole = Qt.ItemDataRole.UserRole + 1
#: True when the version's title and text are those of the entry now.
IsCurrentRole = Qt.ItemDataRole.UserRole + 2

CURRENT_TEXT = "same as now"


def format_saved(revision: Revision) -> str:
    """When a version was saved, in local time ("12 Mar 2025, 14:05")."""
    return revision.saved.astimezone().strftime("%d %b %Y, %H:%M").lstrip("0")


class _RevisionRow(NamedTuple):
    revision: Revision
    is_current: bool


def _saved_text(row: _RevisionRow) -> str:
    saved = format_saved(row.revision)
    return f"{saved} ({CURRENT_TEXT})" if row.is_current else saved


#: In the order of RevisionTableModel's column constants.
_COLUMNS: tuple[Column[_RevisionRow], ...] = (
    Column("Saved", _saved_text),
    Column(
        "Words",
        lambda r: str(r.revision.entry.word_count),
        alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    ),
    Column("Title", lambda r: r.revision.entry.title),
)


class RevisionTableModel(ColumnTableModel[_RevisionRow]):
    """Saved time, word count and title of each revision."""

    SAVED, WORDS, TITLE = range(3)
    HEADERS = tuple(column.title for column in _COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: _RevisionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            note = "This version is the same as the entry now." if row.is_current else ""
            return f"Saved {format_saved(row.revision)}. {note}".strip()
        if role == RevisionIdRole:
            return str(row.revision.id)
        if role == IsCurrentRole:
            return row.is_current
        return None

    def set_revisions(self, revisions: list[Revision], current_rows: set[int]) -> None:
        """Show these revisions; ``current_rows`` are the ones equal to the entry now."""
        current = set(current_rows)
        self.set_rows(
            _RevisionRow(revision, row in current) for row, revision in enumerate(revisions)
        )

    def revision_at(self, row: int) -> Revision:
        """The revision shown in ``row``."""
        return self.row_at(row).revision
