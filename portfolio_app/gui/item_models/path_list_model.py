"""The files and folders the verify window checks, in the order they were added."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from typing_extensions import override

from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index, leaf_flags
from portfolio_app.gui.widgets.plain_text import plain_tooltip


class PathListModel(QAbstractListModel):
    """Paths (files or folders); a folder is shown with "(folder, checked with every PDF in
    it)" so people know it is recursive."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths: list[Path] = []
        self._folders: set[Path] = set()  # asked once when added, not on every paint

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._paths)

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        path = self._paths[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{path} (folder: every PDF in it)" if path in self._folders else str(path)
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("catalogue" if path in self._folders else "export")
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(str(path))
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        return leaf_flags(index)

    def add(self, paths: Iterable[Path]) -> int:
        """Append the paths not already listed; returns how many were added."""
        new = []
        for path in paths:
            if path not in self._paths and path not in new:
                new.append(path)
        if new:
            first = len(self._paths)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._paths.extend(new)
            self._folders.update(p for p in new if p.is_dir())
            self.endInsertRows()
        return len(new)

    def remove(self, row: int) -> None:
        """Remove the path in ``row``."""
        if 0 <= row < len(self._paths):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._paths[row]
            self.endRemoveRows()

    def clear(self) -> None:
        """Remove every path."""
        self.beginResetModel()
        self._paths = []
        self._folders = set()
        self.endResetModel()

    def paths(self) -> list[Path]:
        """The paths, in order."""
        return list(self._paths)
