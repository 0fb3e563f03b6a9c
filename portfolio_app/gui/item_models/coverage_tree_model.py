"""The coverage tree: each linkable competency of a framework, with the entries evidencing it.

Top-level rows are competencies (from :func:`core.domain.coverage.coverage`); their children
are the entries linked to them. A competency with no evidence says so in words ("No evidence
yet"), in bold and with a warning icon, so the gap never depends on colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont
from typing_extensions import override

from portfolio_app.core.domain.coverage import NO_EVIDENCE_TEXT, CompetencyCoverage, entry_day
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index, header_title
from portfolio_app.gui.item_models.event_table_model import format_day

#: On entry rows, the entry id (str); None on competency rows.
EntryIdRole = Qt.ItemDataRole.UserRole + 1
#: On competency rows, the competency code (str); on entry rows, the parent's code.
CodeRole = Qt.ItemDataRole.UserRole + 2
#: True on competency rows without evidence.
IsGapRole = Qt.ItemDataRole.UserRole + 3
#: Sortable value per column: pack order or count on competency rows, title or date on entries.
SortRole = Qt.ItemDataRole.UserRole + 4

_TOP = 0  # internal id of competency rows; entry rows carry their parent's row + 1


@dataclass(frozen=True)
class _EntryRow:
    entry_id: EntryId
    title: str
    detail: str
    sort_key: str


def _entry_row(entry_id: EntryId, entry: Entry | None) -> _EntryRow:
    if entry is None:  # linked, but unreadable or gone: still counted, shown plainly
        return _EntryRow(entry_id, "(entry not available)", "", "")
    day = entry_day(entry)
    detail = f"{entry.kind.label}, {format_day(day)}, {entry.status.label}"
    return _EntryRow(entry.id, entry.title, detail, day.isoformat())


class CoverageTreeModel(QAbstractItemModel):
    """Competency → entries, three named columns."""

    COMPETENCY, COUNT, EVIDENCE = range(3)
    HEADERS = ("Competency or entry", "Entries", "Evidence")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CompetencyCoverage] = []
        self._children: list[list[_EntryRow]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_coverage(
        self, rows: Sequence[CompetencyCoverage], entries: Mapping[EntryId, Entry]
    ) -> None:
        """Show these coverage rows; ``entries`` gives the titles of the linked entries."""
        self.beginResetModel()
        self._rows = list(rows)
        self._children = [
            [_entry_row(entry_id, entries.get(entry_id)) for entry_id in row.entry_ids]
            for row in self._rows
        ]
        self.endResetModel()

    def coverage_rows(self) -> list[CompetencyCoverage]:
        """The competencies shown, in order."""
        return list(self._rows)

    # ---- structure ---------------------------------------------------------------------------

    @override
    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        if parent.internalId() == _TOP:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    @override
    def parent(self, child: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._children[parent.row()])
        return 0

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return len(self.HEADERS)

    @override
    def hasChildren(self, parent: Index = NO_PARENT) -> bool:
        return self.rowCount(parent) > 0

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != _TOP:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        title = header_title(self.HEADERS, section, orientation, role)
        return title if title is not None else super().headerData(section, orientation, role)

    # ---- data ----------------------------------------------------------------------------------

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            if not 0 <= index.row() < len(self._rows):
                return None
            if role == SortRole and index.column() == self.COMPETENCY:
                return index.row()  # pack order
            return self._competency_data(self._rows[index.row()], index.column(), role)
        parent_row = index.internalId() - 1
        if not 0 <= parent_row < len(self._rows):
            return None
        children = self._children[parent_row]
        if not 0 <= index.row() < len(children):
            return None
        return self._entry_data(children[index.row()], self._rows[parent_row], index.column(), role)

    def _competency_data(self, row: CompetencyCoverage, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COMPETENCY:
                return row.label
            if column == self.COUNT:
                return str(row.count)
            if column == self.EVIDENCE:
                return _evidence_text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.label}: {_evidence_text(row)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            scope = "Whole domain" if row.is_standard else f"Part of {row.standard_code}"
            return f"{row.label}\n{scope}. {_evidence_text(row)}."
        if role == Qt.ItemDataRole.FontRole and not row.is_evidenced:
            return self._bold
        if (
            role == Qt.ItemDataRole.DecorationRole
            and column == self.COMPETENCY
            and not row.is_evidenced
        ):
            return icon("warning")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CodeRole:
            return row.code
        if role == IsGapRole:
            return not row.is_evidenced
        if role == SortRole:
            return row.count
        return None

    def _entry_data(
        self, entry: _EntryRow, parent: CompetencyCoverage, column: int, role: int
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COMPETENCY:
                return entry.title
            if column == self.EVIDENCE:
                return entry.detail
            return ""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{entry.title}, {entry.detail}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.title}\n{entry.detail}\nDouble-click or press Enter to open it."
        if role == EntryIdRole:
            return str(entry.entry_id)
        if role == CodeRole:
            return parent.code
        if role == IsGapRole:
            return False
        if role == SortRole:
            return entry.title.casefold() if column == self.COMPETENCY else entry.sort_key
        return None


def _evidence_text(row: CompetencyCoverage) -> str:
    if not row.is_evidenced:
        return NO_EVIDENCE_TEXT
    return "Evidenced by 1 entry" if row.count == 1 else f"Evidenced by {row.count} entries"
