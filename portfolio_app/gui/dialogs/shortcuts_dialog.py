"""Help ▸ Keyboard shortcuts: every shortcut in a searchable table that fits any screen.

The rows come from the main window's actions (actions.py), so the list cannot disagree with
the menus. A few keys that are not menu commands (moving in the entry list, leaving focus mode)
are listed too.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.gui.actions import plain_text
from portfolio_app.gui.item_models.shortcut_table_model import ShortcutRow, ShortcutTableModel

#: Keys that are not menu commands.
OTHER_KEYS: tuple[ShortcutRow, ...] = (
    ShortcutRow("Entry list", "Move between entries (opens the one you stop on)", "↑ ↓"),
    ShortcutRow("Entry list", "Open the entry and go to its text", "Enter"),
    ShortcutRow("Everywhere", "Next or previous field", "Tab, Shift+Tab"),
    ShortcutRow("Focus mode", "Leave focus mode", "Esc"),
    ShortcutRow("Other windows", "Close the window", "Esc, Ctrl+W"),
)


def shortcut_rows(menus: list[tuple[str, list[QAction | None]]]) -> list[ShortcutRow]:
    """One row per action with keys, in menu order, then :data:`OTHER_KEYS`."""
    rows = []
    for title, items in menus:
        for action in items:
            if action is None or action.shortcut().isEmpty():
                continue
            keys = ", ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
            )
            rows.append(ShortcutRow(plain_text(title), plain_text(action.text()), keys))
    return [*rows, *OTHER_KEYS]


class ShortcutsDialog(QDialog):
    """A filter box over the table of shortcuts."""

    def __init__(
        self, menus: list[tuple[str, list[QAction | None]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.model = ShortcutTableModel(self)
        self.model.set_shortcuts(shortcut_rows(menus))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        label = QLabel("&Find a command or key:", self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Find a shortcut")
        self.filter_edit.setAccessibleDescription("Type part of a command's name or of its keys")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        label.setBuddy(self.filter_edit)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setAccessibleDescription("Keys, the command they run, and its menu")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        # Keys wrap (undo has several), so the command names keep their room.
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ShortcutTableModel.KEYS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ShortcutTableModel.KEYS, self.fontMetrics().averageCharWidth() * 16)
        header.setSectionResizeMode(ShortcutTableModel.COMMAND, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            ShortcutTableModel.MENU, QHeaderView.ResizeMode.ResizeToContents
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 44, line * 34)
        self.table.resizeRowsToContents()
        self.filter_edit.setFocus()
