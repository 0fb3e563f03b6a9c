"""A read-only flat table of rows of one type, described by a list of column specs.

The GUI's small tables (events, experiences, findings, revisions) all show a list of records,
one per row, with a fixed set of named columns. :class:`ColumnTableModel` holds the rows and
answers the structural questions (row and column counts, header titles, flags) and the
per-column roles (display and accessible text, alignment); a subclass adds the roles that
depend on the whole row (ids, tooltips, sort keys) in :meth:`ColumnTableModel.row_data`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from typing_extensions import override

RowT = TypeVar("RowT")

Index = QModelIndex | QPersistentModelIndex
#: Default ``parent`` argument (one shared invalid index, not a call per default).
NO_PARENT = QModelIndex()

#: What every row of a flat, read-only model can do: be selected, never be expanded.
LEAF_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def leaf_flags(index: Index) -> Qt.ItemFlag:
    """:data:`LEAF_FLAGS` for a valid index, no flags for an invalid one."""
    return LEAF_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags


def header_title(
    titles: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> str | None:
    """The title of a horizontal header section for the display role, else None."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(titles)
    ):
        return titles[section]
    return None


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column: its header title, its text for a row, and optionally how it sorts/aligns."""

    title: str
    text: Callable[[RowT], str]
    #: A key that sorts naturally; None sorts by the case-folded text.
    sort_key: Callable[[RowT], str] | None = None
    #: The column's text alignment; None leaves it to the view.
    alignment: Qt.AlignmentFlag | None = None


class ColumnTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows of ``RowT`` shown in the given columns; :meth:`set_rows` replaces them all."""

    def __init__(self, columns: Sequence[Column[RowT]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._titles = tuple(column.title for column in self._columns)
        self._rows: list[RowT] = []

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        title = header_title(self._titles, section, orientation, role)
        return title if title is not None else super().headerData(section, orientation, role)

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.alignment is not None:
            return int(column.alignment)
        return self.row_data(row, index.column(), role)

    def row_data(self, row: RowT, column: int, role: int) -> Any:
        """The value of any other ``role`` for ``row`` in ``column``; None when there is none."""
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        return leaf_flags(index)

    def sort_key(self, row: RowT, column: int) -> str:
        """``row``'s natural sort key in ``column`` (the column's own, or its folded text)."""
        spec = self._columns[column]
        return spec.sort_key(row) if spec.sort_key is not None else spec.text(row).casefold()

    def set_rows(self, rows: Iterable[RowT]) -> None:
        """Show these rows (in the given order), replacing all others."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RowT:
        """The record shown in ``row``."""
        return self._rows[row]
