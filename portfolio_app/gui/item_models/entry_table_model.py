"""The entry list as a Qt table model: one row per entry, with cached display text and sort keys.

Display strings and sort keys are computed once per entry (when it is loaded or saved), so
painting and sorting 10,000 rows never formats dates or counts words again. Sorting happens
here, in Python with key functions, and is announced with ``layoutChanged``: the filter proxy
keeps no sort of its own, because a C++ proxy sort would call back into Python twice per
comparison. Changes to single entries update single rows (insert, remove, dataChanged); only
opening a portfolio resets the model.
"""

from __future__ import annotations

import bisect
import functools
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon
from typing_extensions import override

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.entry_filter import entry_date
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.plain_text import plain_tooltip

_KIND_ICONS = {"plan": "new-plan", "reflection": "new-reflection", "note": "new-note"}


def kind_icon(kind: str) -> QIcon:
    """The icon for an entry kind (the same as its New action's)."""
    return icon(_KIND_ICONS.get(kind, "new-note"))


COL_DATE = 0
COL_TITLE = 1
COL_KIND = 2
COL_STATUS = 3
COL_WORDS = 4
COLUMN_COUNT = 5

HEADERS: dict[int, str] = {
    COL_DATE: "Date",
    COL_TITLE: "Title",
    COL_KIND: "Kind",
    COL_STATUS: "Status",
    COL_WORDS: "Words",
}

#: The entry's id (str).
EntryIdRole = Qt.ItemDataRole.UserRole + 1
#: The Entry itself.
EntryRole = Qt.ItemDataRole.UserRole + 2
#: A natively comparable sort key for the cell's column.
SortKeyRole = Qt.ItemDataRole.UserRole + 3
#: The entry kind's value ("plan", "reflection", "note").
KindRole = Qt.ItemDataRole.UserRole + 4

_STATUS_ORDER = {status: index for index, status in enumerate(EntryStatus)}

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class _Row:
    """What the view shows for one entry, computed once (the word count when first needed)."""

    __slots__ = ("_keys", "_texts", "entry")

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        day = entry_date(entry)
        title = entry.title or "(untitled)"
        stamp = (entry.occurred_on or entry.created).timestamp()
        # Counting words splits every section: the slowest part of 10,000 rows, so it waits
        # until a row is painted or the list is sorted by words.
        self._texts: list[str | None] = [
            _date_text(day),
            title,
            entry.kind.label,
            entry.status.label,
            None,
        ]
        self._keys: list[Any] = [
            (stamp, entry.id),
            (title.casefold(), entry.id),
            (entry.kind.value, -stamp, entry.id),
            (_STATUS_ORDER[entry.status], -stamp, entry.id),
            None,
        ]

    def _count_words(self) -> None:
        words = self.entry.word_count
        self._texts[COL_WORDS] = f"{words:,}"
        self._keys[COL_WORDS] = (words, self.entry.id)

    def text(self, column: int) -> str:
        """The display text of a cell."""
        value = self._texts[column]
        if value is None:
            self._count_words()
            value = self._texts[column]
        return str(value)

    def key(self, column: int) -> Any:
        """The sort key of a cell."""
        value = self._keys[column]
        if value is None:
            self._count_words()
            value = self._keys[column]
        return value

    @property
    def tooltip(self) -> str:
        """Built on demand: most rows are never hovered."""
        entry = self.entry
        tags = f"\nTags: {', '.join(entry.tags)}" if entry.tags else ""
        return f"{self.text(COL_TITLE)}\n{entry.kind.label}, {entry.status.label}{tags}"


@functools.lru_cache(maxsize=4096)
def _date_text(day: date) -> str:
    # strftime is slow; a portfolio has few distinct days.
    return f"{day.day} {day:%b %Y}"


def _row_for(entry: Entry) -> _Row:
    return _Row(entry)


class EntryTableModel(QAbstractTableModel):
    """All entries of the open portfolio (the proxy decides which are visible)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._ids: list[EntryId] = []
        self._sort_column = COL_DATE
        self._sort_order = Qt.SortOrder.DescendingOrder

    # ---- Qt model interface -----------------------------------------------------------------

    @override
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(row.tooltip)  # the title and tags: literal, never rich text
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            # The kind as an icon too, so the narrow list can hide the Kind column.
            return kind_icon(row.entry.kind.value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_WORDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == EntryIdRole:
            return str(row.entry.id)
        if role == EntryRole:
            return row.entry
        if role == SortKeyRole:
            return row.key(column)[0]
        if role == KindRole:
            return row.entry.kind.value
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[column]}: {row.text(column)}"
        return None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < COLUMN_COUNT:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {HEADERS[section].lower()}"
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

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self._sort_column = column
        self._sort_order = order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        remembered = [(self._ids[p.row()], p.column()) for p in persistent]
        self._sort_rows()
        positions = {entry_id: i for i, entry_id in enumerate(self._ids)}
        self.changePersistentIndexList(
            persistent,
            [self.index(positions[entry_id], column) for entry_id, column in remembered],
        )
        self.layoutChanged.emit()

    # ---- our API ------------------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        """Ascending or descending."""
        return self._sort_order

    def set_entries(self, entries: list[Entry]) -> None:
        """Replace every row (opening or unlocking a portfolio)."""
        self.beginResetModel()
        self._rows = [_row_for(e) for e in entries]
        self._sort_rows()
        self.endResetModel()

    def clear(self) -> None:
        """Forget every entry (locking)."""
        self.beginResetModel()
        self._rows = []
        self._ids = []
        self.endResetModel()

    def entry_ids(self) -> list[EntryId]:
        """Ids in row order."""
        return list(self._ids)

    def id_at(self, row: int) -> EntryId:
        """The id of the entry in ``row`` (fast: the filter proxy calls it per row)."""
        return self._ids[row]

    def entry_at(self, row: int) -> Entry:
        """The entry in ``row``."""
        return self._rows[row].entry

    def row_of(self, entry_id: str) -> int:
        """The row of an entry, or -1."""
        try:
            return self._ids.index(EntryId(entry_id))
        except ValueError:
            return -1

    def upsert_entry(self, entry: Entry) -> int:
        """Show a new or changed entry in its sorted place; returns its row."""
        row = self.row_of(entry.id)
        new_row = _row_for(entry)
        if row >= 0:
            old_key = self._rows[row].key(self._sort_column)
            self._rows[row] = new_row
            if old_key == new_row.key(self._sort_column):
                self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
                return row
            self.remove_entry(entry.id)
        position = self._insert_position(new_row)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, new_row)
        self._ids.insert(position, entry.id)
        self.endInsertRows()
        return position

    def remove_entry(self, entry_id: str) -> bool:
        """Drop an entry's row; False when it was not shown."""
        row = self.row_of(entry_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._ids[row]
        self.endRemoveRows()
        return True

    # ---- internals ----------------------------------------------------------------------

    def _sort_rows(self) -> None:
        column = self._sort_column
        self._rows.sort(
            key=lambda r: r.key(column), reverse=self._sort_order == Qt.SortOrder.DescendingOrder
        )
        self._ids = [r.entry.id for r in self._rows]

    def _insert_position(self, row: _Row) -> int:
        column = self._sort_column
        keys = [r.key(column) for r in self._rows]
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            # bisect needs ascending keys: search the reversed order.
            reversed_keys = keys[::-1]
            return len(keys) - bisect.bisect_right(reversed_keys, row.key(column))
        return bisect.bisect_left(keys, row.key(column))
