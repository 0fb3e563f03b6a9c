"""Which entries the list shows: a filter proxy over :class:`EntryTableModel`.

The decision per entry is made in one Python pass by the core (``PortfolioService.filter``, with
its cached lower-cased texts); the proxy only asks "is this id in the accepted set?" per row, so a
keystroke costs one set lookup per row in the Qt callback. Filter changes use
``beginFilterChange``/``endFilterChange`` (no model reset, selection and scroll position kept).
Sorting is delegated to the source model (see entry_table_model.py for why).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from typing_extensions import override

from portfolio_app.gui.item_models.entry_table_model import EntryTableModel


class EntryFilterProxyModel(QSortFilterProxyModel):
    """Shows the rows whose entry id is in the accepted set (all rows when it is None)."""

    def __init__(self, source: EntryTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._accepted: set[str] | None = None
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)

    @property
    def is_filtering(self) -> bool:
        """Whether some entries are hidden by a filter."""
        return self._accepted is not None

    def set_accepted(self, entry_ids: set[str] | None) -> None:
        """Show only these entries (None: all). An unchanged set costs nothing."""
        if entry_ids == self._accepted:
            return
        self.beginFilterChange()
        self._accepted = entry_ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def pin(self, entry_id: str) -> None:
        """Keep showing an entry the student just created, even if the search would hide it."""
        if self._accepted is not None and entry_id not in self._accepted:
            self.set_accepted({*self._accepted, entry_id})

    @override
    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        accepted = self._accepted
        return accepted is None or self._source.id_at(source_row) in accepted

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts (fast, in Python); the proxy keeps the source order.
        self._source.sort(column, order)
