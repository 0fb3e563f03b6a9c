"""Every keyboard shortcut of the main window, as rows: menu, command, keys."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject

from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel


@dataclass(frozen=True)
class ShortcutRow:
    """One command with its keys, as the menus show them."""

    menu: str
    command: str
    keys: str


_COLUMNS: tuple[Column[ShortcutRow], ...] = (
    Column("Keys", lambda r: r.keys),
    Column("Command", lambda r: r.command),
    Column("Menu", lambda r: r.menu),
)


class ShortcutTableModel(ColumnTableModel[ShortcutRow]):
    """The shortcuts list (Help ▸ Keyboard shortcuts)."""

    KEYS, COMMAND, MENU = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    def set_shortcuts(self, rows: list[ShortcutRow]) -> None:
        """Show these rows."""
        self.set_rows(rows)
