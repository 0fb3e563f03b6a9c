"""The sidebar's facets as a two-level tree: groups (Kinds, Status, Tags...) and checkable items.

Each item shows how many entries carry it. Recounting after a save keeps the tree as it is
(``dataChanged`` on the counts) when the set of items did not change, so the student's expanded
groups and ticks survive typing; only a changed set of items resets the model, and ticks are
kept across that reset by key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from typing_extensions import override

from portfolio_app.gui.widgets.plain_text import plain_tooltip

COL_LABEL = 0
COL_COUNT = 1
COLUMN_COUNT = 2

#: The facet group's key ("kinds", "tags"...) on any index.
GroupKeyRole = Qt.ItemDataRole.UserRole + 1
#: The item's key (a kind value, a tag, an event kind, an id...) on item indexes.
FacetKeyRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_GROUP_ID = 0


@dataclass
class Facet:
    """One checkable filter value."""

    key: str
    label: str
    count: int
    tooltip: str = ""


@dataclass
class FacetGroup:
    """A titled group of facets."""

    key: str
    title: str
    facets: list[Facet] = field(default_factory=list)


class FilterTreeModel(QAbstractItemModel):
    """Groups of facets with check boxes and counts."""

    #: Some tick changed; read :meth:`checked` for the new state.
    filters_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: list[FacetGroup] = []
        self._checked: dict[str, set[str]] = {}

    # ---- Qt model interface -----------------------------------------------------------------

    @override
    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP_ID)
        # Items carry their group's position + 1 as internal id.
        return self.createIndex(row, column, parent.row() + 1)

    @override
    def parent(self, child: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid():
            return QModelIndex()
        group_id = int(child.internalId())
        if group_id == _GROUP_ID:
            return QModelIndex()
        return self.createIndex(group_id - 1, 0, _GROUP_ID)

    @override
    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.column() != 0 or int(parent.internalId()) != _GROUP_ID:
            return 0
        return len(self._groups[parent.row()].facets)

    @override
    def columnCount(self, parent: _Index = _ROOT) -> int:
        return COLUMN_COUNT

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group_id = int(index.internalId())
        if group_id == _GROUP_ID:
            group = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == COL_LABEL:
                ticked = len(self._checked.get(group.key, ()))
                return f"{group.title} ({ticked} on)" if ticked else group.title
            if role == GroupKeyRole:
                return group.key
            if role == Qt.ItemDataRole.AccessibleTextRole and index.column() == COL_LABEL:
                return f"{group.title} filters"
            return None
        group = self._groups[group_id - 1]
        facet = group.facets[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return facet.label if column == COL_LABEL else f"{facet.count:,}"
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_LABEL:
            ticked = facet.key in self._checked.get(group.key, set())
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tags, titles and statements: shown literally, never as rich text.
            return plain_tooltip(facet.tooltip or f"{facet.label}: {facet.count:,} entries")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{facet.label}, {facet.count} entries"
        if role == GroupKeyRole:
            return group.key
        if role == FacetKeyRole:
            return facet.key
        return None

    @override
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.CheckStateRole
            or index.column() != COL_LABEL
            or int(index.internalId()) == _GROUP_ID
        ):
            return False
        group = self._groups[int(index.internalId()) - 1]
        facet = group.facets[index.row()]
        ticked = self._checked.setdefault(group.key, set())
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            ticked.add(facet.key)
        else:
            ticked.discard(facet.key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        group_index = self.index(int(index.internalId()) - 1, 0)
        self.dataChanged.emit(group_index, group_index, [Qt.ItemDataRole.DisplayRole])
        self.filters_changed.emit()
        return True

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if int(index.internalId()) == _GROUP_ID:
            return Qt.ItemFlag.ItemIsEnabled
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if index.column() == COL_LABEL:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Filter", "Entries")[section] if 0 <= section < COLUMN_COUNT else None
        return None

    # ---- our API ------------------------------------------------------------------------

    def set_groups(self, groups: list[FacetGroup]) -> bool:
        """Show these groups; returns True when the model had to be reset (new items)."""
        same_shape = [(g.key, [f.key for f in g.facets]) for g in groups] == [
            (g.key, [f.key for f in g.facets]) for g in self._groups
        ]
        if same_shape:
            for gi, group in enumerate(groups):
                self._groups[gi] = group
                if group.facets:
                    parent = self.index(gi, 0)
                    self.dataChanged.emit(
                        self.index(0, COL_LABEL, parent),
                        self.index(len(group.facets) - 1, COL_COUNT, parent),
                        [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
                    )
            return False
        self.beginResetModel()
        self._groups = groups
        keys = {g.key: {f.key for f in g.facets} for g in groups}
        self._checked = {
            key: ticked & keys.get(key, set()) for key, ticked in self._checked.items()
        }
        self.endResetModel()
        return True

    def checked(self) -> dict[str, frozenset[str]]:
        """Ticked facet keys by group key (groups with no ticks are left out)."""
        return {key: frozenset(v) for key, v in self._checked.items() if v}

    def clear_checks(self) -> None:
        """Untick everything."""
        if not any(self._checked.values()):
            return
        self._checked = {}
        if self._groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._groups) - 1, 0))
            for gi, group in enumerate(self._groups):
                if group.facets:
                    parent = self.index(gi, 0)
                    self.dataChanged.emit(
                        self.index(0, 0, parent), self.index(len(group.facets) - 1, 0, parent)
                    )
        self.filters_changed.emit()

    def groups(self) -> list[FacetGroup]:
        """The groups shown."""
        return list(self._groups)
