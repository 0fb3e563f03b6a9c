"""The main window: filters sidebar, entry list and editor, with menus, toolbar and status bar.

It lays widgets out and exposes them; controllers connect the actions and do the work. Closing
the window first asks the installed ``close_guard`` (the controller saves typed text and closes
the portfolio), so quitting never loses what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QUndoGroup
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.gui.actions import AppActions
from portfolio_app.gui.editor.entry_editor import EntryEditorWidget
from portfolio_app.gui.widgets.entry_list import EntryListWidget
from portfolio_app.gui.widgets.filter_sidebar import FilterSidebarWidget
from portfolio_app.gui.widgets.info_bar import InfoBar
from portfolio_app.gui.window_state import (
    remember_flag,
    remembered_flag,
    restore_window_state,
    save_window_state,
)

#: Toolbar layout (None is a separator).
TOOLBAR: tuple[str | None, ...] = (
    "new_plan",
    "new_reflection",
    "new_note",
    None,
    "save",
    "undo",
    "redo",
    None,
    "reflect_on_plan",
    "history",
    "delete_entry",
    None,
    "toggle_preview",
    "coverage",
    "catalogue",
    None,
    "export",
    "lock",
)

TEXT_BESIDE_ICON = frozenset({"new_plan", "new_reflection", "new_note", "lock"})


class MainWindow(QMainWindow):
    """Sidebar | list | editor, plus menus, toolbar and status bar."""

    def __init__(self, undo_group: QUndoGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("Reflective Portfolio")
        self.close_guard: Callable[[], None] | None = None
        self.app_actions = AppActions(self, undo_group)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        self.banner = InfoBar("demo", closable=True, emphasis=True, parent=central)
        self.banner.setAccessibleName("Demo portfolio notice")
        layout.addWidget(self.banner)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setChildrenCollapsible(False)
        self.sidebar = FilterSidebarWidget(self.splitter)
        self.entry_list = EntryListWidget(self.splitter)
        self.editor = EntryEditorWidget(self.splitter)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 5)
        em = self.fontMetrics().horizontalAdvance("m")
        self.splitter.setSizes([em * 20, em * 50, em * 64])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_toolbar()
        self.editor.set_start_actions(
            [self.app_actions.get(name) for name in ("new_plan", "new_reflection", "new_note")]
        )
        self.count_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.count_label)
        self.app_actions.get("toggle_sidebar").setChecked(True)
        self.app_actions.get("toggle_sidebar").toggled.connect(self.sidebar.setVisible)
        self.app_actions.get("focus_list").triggered.connect(self.entry_list.table.setFocus)
        self.app_actions.get("focus_editor").triggered.connect(self._on_focus_editor)
        self.app_actions.get("find").triggered.connect(self._on_find)
        self.setTabOrder(self.sidebar.tree, self.entry_list.search)
        self.setTabOrder(self.entry_list.search, self.entry_list.table)
        self.setTabOrder(self.entry_list.table, self.editor.title_edit)
        self._restored = restore_window_state(self, *self._state_parts())
        if not self._restored:
            self._fit_to_screen(em * 150, em * 90)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """A first-run size that fits the screen (a small laptop must see the status bar)."""
        available = self.screen().availableGeometry()
        if available.isValid():
            width = min(width, int(available.width() * 0.94))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)
        # Share the width out now that it is known: the list needs room for whole titles.
        em = self.fontMetrics().horizontalAdvance("m")
        sidebar = em * 20
        entries = max(em * 40, int((width - sidebar) * 0.52))
        self.splitter.setSizes([sidebar, entries, max(em * 40, width - sidebar - entries)])

    def _state_parts(self) -> tuple[dict[str, QSplitter], dict[str, QHeaderView]]:
        splitters = {
            "main": self.splitter,
            "editor_body": self.editor.body_splitter,
            "editor_vertical": self.editor.vertical_splitter,
        }
        headers = {"entries": self.entry_list.table.horizontalHeader()}
        return splitters, headers

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, items in self.app_actions.menus():
            menu = bar.addMenu(title)
            for action in items:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        size = self.fontMetrics().height() + 6
        toolbar.setIconSize(QSize(size, size))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in TOOLBAR:
            if name is None:
                toolbar.addSeparator()
                continue
            action = self.app_actions.get(name)
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            # Text beside only the most used actions keeps the bar short on small screens.
            if isinstance(button, QToolButton) and name not in TEXT_BESIDE_ICON:
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def show_banner(self, text: str) -> None:
        """Show the notice strip above the panes (the demo banner)."""
        self.banner.show_message(text)

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        """A transient status-bar message."""
        self.statusBar().showMessage(text, timeout_ms)

    def save_state(self) -> None:
        """Remember geometry, splitters, columns and view switches (never portfolio text)."""
        save_window_state(self, *self._state_parts())
        for name in ("preview", "sidebar"):
            remember_flag(name, self.app_actions.get(f"toggle_{name}").isChecked())

    def restore_view_switches(self) -> None:
        """Put the preview and sidebar back as they were (after the controller connected)."""
        self.app_actions.get("toggle_sidebar").setChecked(remembered_flag("sidebar", True))
        self.app_actions.get("toggle_preview").setChecked(remembered_flag("preview", False))

    def _on_focus_editor(self) -> None:
        if self.editor.sections:
            self.editor.sections[0].edit.setFocus()
        else:
            self.editor.title_edit.setFocus()

    def _on_find(self) -> None:
        self.entry_list.search.setFocus()
        self.entry_list.search.selectAll()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_guard is not None:
            self.close_guard()
        self.save_state()
        super().closeEvent(event)
