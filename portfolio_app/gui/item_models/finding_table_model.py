"""Possible patient identifiers found before an export: where, what kind, the text, advice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from typing_extensions import override

from portfolio_app.core.export.identifiers import ExportFinding

#: The entry id the finding is in (str), or None (final reflection, an event...).
FindingEntryIdRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
#: Default ``parent`` argument (one shared invalid index, not a call per default).
_NO_PARENT = QModelIndex()


class FindingTableModel(QAbstractTableModel):
    """One row per finding, in reading order."""

    WHERE, KIND, EXCERPT, ADVICE = range(4)
    HEADERS = ("Where", "Kind", "Text found", "What to do")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._findings: list[ExportFinding] = []

    @override
    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._findings)

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
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        finding = self._findings[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.WHERE:
                return finding.where
            if column == self.KIND:
                return finding.kind_label
            if column == self.EXCERPT:
                return finding.excerpt
            if column == self.ADVICE:
                return finding.advice
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{finding.where}\n{finding.kind_label}: {finding.excerpt}\n{finding.advice}"
        if role == FindingEntryIdRole:
            return finding.entry_id
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

    def set_findings(self, findings: Sequence[ExportFinding]) -> None:
        """Show these findings."""
        self.beginResetModel()
        self._findings = list(findings)
        self.endResetModel()

    def finding_at(self, row: int) -> ExportFinding:
        """The finding in ``row``."""
        return self._findings[row]
