"""Possible patient identifiers found before an export: where, what kind, the text, advice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from typing_extensions import override

from portfolio_app.core.export.identifiers import ExportFinding
from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel

#: The entry id the finding is in (str), or None (final reflection, an event...).
FindingEntryIdRole = Qt.ItemDataRole.UserRole + 1
#: What else holds it: "event:<id>", "experience:<id>", "final-reflection", or "".
FindingSourceRole = Qt.ItemDataRole.UserRole + 2

#: In the order of FindingTableModel's column constants.
_COLUMNS: tuple[Column[ExportFinding], ...] = (
    Column("Where", lambda f: f.where),
    Column("Kind", lambda f: f.kind_label),
    Column("Text found", lambda f: f.excerpt),
    Column("What to do", lambda f: f.advice),
)


class FindingTableModel(ColumnTableModel[ExportFinding]):
    """One row per finding, in reading order."""

    WHERE, KIND, EXCERPT, ADVICE = range(4)
    HEADERS = tuple(column.title for column in _COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: ExportFinding, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.where}\n{row.kind_label}: {row.excerpt}\n{row.advice}"
        if role == FindingEntryIdRole:
            return row.entry_id
        if role == FindingSourceRole:
            return row.source
        return None

    def set_findings(self, findings: Sequence[ExportFinding]) -> None:
        """Show these findings."""
        self.set_rows(findings)

    def finding_at(self, row: int) -> ExportFinding:
        """The finding in ``row``."""
        return self.row_at(row)
