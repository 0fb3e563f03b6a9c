"""The entry list as a Qt table model: one row per entry, with cached display text and sort keys.

Rows hold entry summaries from the search index (title, dates, kind, status, tags, word count):
filling the list decrypts no entry; the editor decrypts one when it is opened.

Display strings and sort keys are computed once per entry (when it is loaded or saved), so
painting and sorting 10,000 rows never formats dates or counts words again. Sorting happens
here, in Python with key functions, and is announced with ``layoutChanged``: the proxy keeps
no sort of its own, because a C++ proxy sort would call back into Python twice per
comparison. Filtering happens here too (:meth:`EntryTableModel.set_accepted`): the model
exposes only the accepted rows and announces a new set with one ``layoutChanged`` (selection
and current row follow their entries), instead of a proxy asking Python about each of 10,000
rows per keystroke. Changes to single entries update single rows (insert, remove,
dataChanged); only opening a portfolio resets the model.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from itertools import compress
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
from portfolio_app.core.domain.entry_index import EntrySummary
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
#: The entry's summary (an EntrySummary, or the Entry just saved).
EntryRole = Qt.ItemDataRole.UserRole + 2
#: A natively comparable sort key for the cell's column.
SortKeyRole = Qt.ItemDataRole.UserRole + 3
#: The entry kind's value ("plan", "reflection", "note").
KindRole = Qt.ItemDataRole.UserRole + 4

_STATUS_ORDER = {status: index for index, status in enumerate(EntryStatus)}

# Roles as plain ints: data() runs ~1,000 times per repaint, and comparing with the enum
# members converts them each time.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_ENTRY_ID = int(EntryIdRole)
_ENTRY = int(EntryRole)
_SORT_KEY = int(SortKeyRole)
_KIND = int(KindRole)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class _Row:
    """What the view shows for one entry, computed once (the word count when first needed)."""

    __slots__ = ("_keys", "_texts", "entry")

    def __init__(self, entry: Entry | EntrySummary) -> None:
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


def _row_for(entry: Entry | EntrySummary) -> _Row:
    return _Row(entry)


class EntryTableModel(QAbstractTableModel):
    """All entries of the open portfolio (the proxy decides which are visible)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[_Row] = []  # every entry, sorted
        self._all_ids: list[EntryId] = []  # their ids (filtering masks this list)
        self._rows: list[_Row] = []  # the rows shown (accepted by the filter), sorted
        self._ids: list[EntryId] = []  # their ids
        self._accepted: AbstractSet[str] | None = None
        self._pinned: set[str] = set()
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
        role = int(role)
        if role == _DISPLAY:
            return row.text(column)
        if role == _DECORATION:
            # The kind as an icon too, so the narrow list can hide the Kind column.
            return kind_icon(row.entry.kind.value) if column == COL_TITLE else None
        if role == _ALIGNMENT:
            return _RIGHT if column == COL_WORDS else None
        if role == _TOOLTIP:
            return plain_tooltip(row.tooltip)  # the title and tags: literal, never rich text
        if role == _ENTRY_ID:
            return str(row.entry.id)
        if role == _ENTRY:
            return row.entry
        if role == _SORT_KEY:
            return row.key(column)[0]
        if role == _KIND:
            return row.entry.kind.value
        if role == _ACCESSIBLE:
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
        self._change_layout(self._sort_rows)

    # ---- our API ------------------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        """Ascending or descending."""
        return self._sort_order

    def set_entries(self, entries: Sequence[Entry | EntrySummary]) -> None:
        """Replace every row (opening or unlocking a portfolio)."""
        self.beginResetModel()
        self._all = [_row_for(e) for e in entries]
        self._pinned = set()
        self._sort_rows()
        self.endResetModel()

    def clear(self) -> None:
        """Forget every entry (locking)."""
        self.beginResetModel()
        self._all = []
        self._all_ids = []
        self._rows = []
        self._ids = []
        self._accepted = None
        self._pinned = set()
        self.endResetModel()

    @property
    def is_filtering(self) -> bool:
        """Whether some entries are hidden by a filter."""
        return self._accepted is not None

    def set_accepted(self, entry_ids: AbstractSet[str] | None) -> None:
        """Show only these entries (None: all), with entries pinned since the last filter
        change. One ``layoutChanged``: the selection and current row stay on their entries
        (or go, when their entry is hidden). An unchanged set costs nothing."""
        if (entry_ids is self._accepted or entry_ids == self._accepted) and not self._pinned:
            return
        self._accepted = entry_ids
        self._pinned = set()
        self._change_layout(self._filter_rows)

    def pin(self, entry_id: str) -> None:
        """Keep showing an entry the student just created, even if the filter would hide it."""
        if self._accepted is None or entry_id in self._accepted or entry_id in self._pinned:
            return
        self._pinned.add(entry_id)
        self._change_layout(self._filter_rows)

    def shown(self, row: _Row) -> bool:
        """Whether the filter shows a row."""
        accepted = self._accepted
        return accepted is None or row.entry.id in accepted or row.entry.id in self._pinned

    def entry_ids(self) -> list[EntryId]:
        """Ids of the rows shown, in row order."""
        return list(self._ids)

    def id_at(self, row: int) -> EntryId:
        """The id of the entry in ``row`` (fast: the filter proxy calls it per row)."""
        return self._ids[row]

    def entry_at(self, row: int) -> Entry | EntrySummary:
        """The entry in ``row``."""
        return self._rows[row].entry

    def row_of(self, entry_id: str) -> int:
        """The row of an entry, or -1 (not in the portfolio, or hidden by the filter)."""
        try:
            return self._ids.index(EntryId(entry_id))
        except ValueError:
            return -1

    def upsert_entry(self, entry: Entry | EntrySummary) -> int:
        """Show a new or changed entry in its sorted place; returns its row (-1: hidden by
        the filter)."""
        new_row = _row_for(entry)
        if entry.id in self._all_ids:
            old = self._all_ids.index(entry.id)
            del self._all[old]
            del self._all_ids[old]
        position = self._insert_position(self._all, new_row)
        self._all.insert(position, new_row)
        self._all_ids.insert(position, entry.id)
        row = self.row_of(entry.id)
        if row >= 0:
            old_key = self._rows[row].key(self._sort_column)
            self._rows[row] = new_row
            if old_key == new_row.key(self._sort_column):
                self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
                return row
            self._remove_shown(row)
        if not self.shown(new_row):
            return -1
        position = self._insert_position(self._rows, new_row)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, new_row)
        self._ids.insert(position, entry.id)
        self.endInsertRows()
        return position

    def remove_entry(self, entry_id: str) -> bool:
        """Drop an entry's row; False when it was not shown."""
        if entry_id in self._all_ids:
            old = self._all_ids.index(EntryId(entry_id))
            del self._all[old]
            del self._all_ids[old]
        self._pinned.discard(entry_id)
        row = self.row_of(entry_id)
        if row < 0:
            return False
        self._remove_shown(row)
        return True

    # ---- internals ----------------------------------------------------------------------

    def _remove_shown(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._ids[row]
        self.endRemoveRows()

    def _change_layout(self, change: Callable[[], None]) -> None:
        """Re-sort or re-filter, keeping persistent indexes (selection, current) on their
        entries; those of entries no longer shown become invalid."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        remembered = [(self._ids[p.row()], p.column()) for p in persistent]
        change()
        moved = []
        for entry_id, column in remembered:
            row = self.row_of(entry_id)
            moved.append(self.index(row, column) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        column = self._sort_column
        self._all.sort(
            key=lambda r: r.key(column), reverse=self._sort_order == Qt.SortOrder.DescendingOrder
        )
        self._all_ids = [r.entry.id for r in self._all]
        self._filter_rows()

    def _filter_rows(self) -> None:
        accepted = self._accepted
        if accepted is None:
            self._rows = list(self._all)
            self._ids = list(self._all_ids)
            return
        pinned = self._pinned
        if pinned:
            mask = [i in accepted or i in pinned for i in self._all_ids]
        else:
            mask = [i in accepted for i in self._all_ids]
        self._rows = list(compress(self._all, mask))
        self._ids = list(compress(self._all_ids, mask))

    def _insert_position(self, rows: list[_Row], row: _Row) -> int:
        column = self._sort_column
        keys = [r.key(column) for r in rows]
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            # bisect needs ascending keys: search the reversed order.
            reversed_keys = keys[::-1]
            return len(keys) - bisect.bisect_right(reversed_keys, row.key(column))
        return bisect.bisect_left(keys, row.key(column))
