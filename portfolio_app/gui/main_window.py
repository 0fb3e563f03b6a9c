"""The main window: filters sidebar, entry list and editor, a links panel, menus and toolbar.

It lays widgets out and exposes them; controllers connect the actions and do the work. Closing
the window first asks the installed ``close_guard`` (the controller saves typed text and closes
the portfolio), so quitting never loses what was typed.

Room to write: the entry list with its filters (F9), the filters alone (Shift+F9) and the links
panel (Ctrl+Shift+L) fold away, and focus mode (F11 or Ctrl+Shift+F) leaves only the entry's
title, prompts and answers. These switches are remembered. On a screen too small for the
sidebar, list and editor side by side, the first start shows the list without the filters and
the links panel closed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QStyle,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.gui.actions import AppActions, plain_text
from portfolio_app.gui.editor.entry_editor import EntryEditorWidget
from portfolio_app.gui.screen_fit import free_area, initial_size
from portfolio_app.gui.widgets.entry_list import COLUMN_PRIORITY, EntryListWidget
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
    "toggle_list",
    "toggle_links",
    "toggle_preview",
    "focus_mode",
    None,
    "coverage",
    "catalogue",
    "export",
    None,
    "lock",
)

TEXT_BESIDE_ICON = frozenset({"new_plan", "new_reflection", "new_note", "lock"})
#: View switches remembered between runs, with their first-run value on a roomy screen.
VIEW_SWITCHES: dict[str, bool] = {"list": True, "sidebar": True, "links": True, "preview": False}
#: Below this width (in average characters) the sidebar, list and editor do not fit side by side.
ROOMY_CHARS = 190


class MainWindow(QMainWindow):
    """Sidebar | list | editor, links panel at the side, menus, toolbar and status bar."""

    def __init__(self, undo_group: QUndoGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("Reflective Portfolio")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks)
        self.close_guard: Callable[[], None] | None = None
        self.app_actions = AppActions(self, undo_group)
        self._before_focus: dict[str, bool] = {}
        self._restoring = False

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
        self.splitter.setSizes([em * 16, em * 34, em * 64])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.links_dock = QDockWidget("Links", self)
        self.links_dock.setObjectName("links_dock")
        self.links_dock.setWidget(self.editor.links_panel)
        self.links_dock.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.links_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.links_dock.setAccessibleName("Links panel")
        self.links_dock.setAccessibleDescription(
            "Tags, professions, events, experiences and competencies of the entry"
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.links_dock)
        self.editor.chain_tab_order()
        self.resizeDocks([self.links_dock], [em * 22], Qt.Orientation.Horizontal)

        self._build_menus()
        self._build_toolbar()
        self.editor.set_start_actions(
            [self.app_actions.get(name) for name in ("new_plan", "new_reflection", "new_note")]
        )
        self.editor.set_history_actions(self.app_actions.get("undo"), self.app_actions.get("redo"))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Entries shown")
        self.statusBar().addPermanentWidget(self.count_label)
        self._connect_view_switches()
        self.leave_focus_action = QAction("Leave focus mode", self)
        self.leave_focus_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_focus_action.setEnabled(False)
        self.leave_focus_action.triggered.connect(lambda: self.set_focus_mode(False))
        self.addAction(self.leave_focus_action)
        self.setTabOrder(self.sidebar.tree, self.sidebar.dates)
        self.setTabOrder(self.sidebar.dates, self.entry_list.search)
        self.setTabOrder(self.entry_list.search, self.entry_list.table)
        self.setTabOrder(self.entry_list.table, self.editor.title_edit)
        self._restored = restore_window_state(self, *self._state_parts())
        self.setProperty("geometryRestored", self._restored)
        if not self._restored:
            self._fit_to_screen(em * 150, em * 90)

    # ---- layout -------------------------------------------------------------------------------

    def is_roomy(self) -> bool:
        """Whether sidebar, list and editor fit side by side on this window's screen."""
        chars = free_area(self).width() / max(1, self.fontMetrics().averageCharWidth())
        return chars >= ROOMY_CHARS

    def _fit_to_screen(self, width: int, height: int) -> None:
        """A first-run size that fits the screen (a small laptop must see the status bar);
        on a small screen, all of it."""
        share = 0.94 if self.is_roomy() else 1.0
        self.resize(initial_size(self, QSize(width, height), share))
        self._share_width()

    def _share_width(self) -> None:
        """Share the width out: the list gets room for whole titles, the editor the rest."""
        em = self.fontMetrics().horizontalAdvance("m")
        width = self.splitter.width() if self.isVisible() else self.width()
        sidebar = em * 19 if not self.sidebar.isHidden() else 0
        entries = max(em * 18, int((width - sidebar) * 0.3))
        self.splitter.setSizes([sidebar, entries, max(em * 30, width - sidebar - entries)])

    def _state_parts(self) -> tuple[dict[str, QSplitter], dict[str, QHeaderView]]:
        # The editor's own panes (plan, entry, preview) share the width by fixed weights.
        splitters = {"main": self.splitter}
        headers = {"entries": self.entry_list.table.horizontalHeader()}
        return splitters, headers

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, items in self.app_actions.menus():
            menu = bar.addMenu(title)
            menu.setAccessibleName(plain_text(title))
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
            if isinstance(button, QToolButton):
                button.setAccessibleName(plain_text(action.text()).rstrip("…"))
                button.setAccessibleDescription(action.statusTip())
                # Text beside only the most used actions keeps the bar short on small screens.
                if name not in TEXT_BESIDE_ICON:
                    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if extension is not None:
            extension.setAccessibleName("More toolbar buttons")
            extension.setAccessibleDescription("The toolbar buttons that do not fit")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    # ---- view switches ------------------------------------------------------------------------

    def _connect_view_switches(self) -> None:
        actions = self.app_actions
        actions.get("toggle_list").toggled.connect(self._on_toggle_list)
        actions.get("toggle_sidebar").toggled.connect(self._on_toggle_sidebar)
        actions.get("toggle_links").toggled.connect(self._on_toggle_links)
        self.links_dock.visibilityChanged.connect(self._on_links_dock_visibility_changed)
        actions.get("focus_mode").toggled.connect(self.set_focus_mode)
        actions.get("focus_list").triggered.connect(self._on_focus_list)
        actions.get("focus_editor").triggered.connect(self._on_focus_editor)
        actions.get("find").triggered.connect(self._on_find)
        self.editor.links_panel_requested.connect(self.show_links_page)
        self.entry_list.entry_activated.connect(self._on_focus_editor)
        for name, default in VIEW_SWITCHES.items():
            if name != "preview":
                actions.get(f"toggle_{name}").setChecked(default)

    def _on_toggle_list(self, shown: bool) -> None:
        self.entry_list.setVisible(shown)
        self.sidebar.setVisible(shown and self.app_actions.get("toggle_sidebar").isChecked())
        self.app_actions.get("toggle_sidebar").setEnabled(shown)
        if shown and not self._restoring and self._too_wide():
            # Both panels and the editor do not fit side by side (200 % on a small laptop):
            # the one the student did not just ask for makes room.
            self.app_actions.get("toggle_links").setChecked(False)
            self.show_status(
                "The links panel folded away to make room (Ctrl+Shift+L brings it back)"
            )

    def _make_room_for_links(self) -> None:
        """Fold the entry list when the links panel does not fit beside it (200 % on a laptop)."""
        if self.links_dock.isHidden() or not self.app_actions.get("toggle_list").isChecked():
            return
        free = free_area(self)
        if not self._too_wide():
            return
        self.app_actions.get("toggle_list").setChecked(False)
        self.show_status("The entry list folded away to make room (F9 brings it back)")
        if self.width() > free.width():
            self.resize(max(self.minimumSizeHint().width(), free.width()), self.height())

    def _too_wide(self) -> bool:
        """Whether the window's panes now need more width than its screen has free.

        Summed from the parts: QMainWindow's own minimum is computed lazily and lags behind a
        dock that has just been shown."""
        central = self.centralWidget()
        if central is None:
            return False
        needed = central.minimumSizeHint().width()
        if not self.links_dock.isHidden():
            separator = self.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
            needed += self.links_dock.minimumSizeHint().width() + separator
        frame = self.frameGeometry().width() - self.width()
        return needed + frame > free_area(self).width()

    def _on_toggle_sidebar(self, shown: bool) -> None:
        self.sidebar.setVisible(shown and self.app_actions.get("toggle_list").isChecked())

    def _on_toggle_links(self, shown: bool) -> None:
        if self.links_dock.isHidden() == shown:
            self.links_dock.setVisible(shown)
        if shown:
            # Measured once the dock's pages are laid out (their minimum sizes are known only
            # after they are shown and polished).
            QTimer.singleShot(0, self._make_room_for_links)
        if shown and self.isActiveWindow() and not self._restoring:
            # Opened with Ctrl+Shift+L: straight into it, so the keyboard can tag at once.
            self.editor.links_tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_links_dock_visibility_changed(self, visible: bool) -> None:
        # The dock's own close button, or a tabbed dock going to the background.
        if not visible and not self.links_dock.isHidden():
            return
        action = self.app_actions.get("toggle_links")
        if action.isChecked() != visible and not self.editor.focus_mode:
            action.setChecked(visible)

    def show_links_page(self, page: int) -> None:
        """Open the links panel on a page (tags, events, experiences, competencies)."""
        if self.editor.focus_mode:
            self.app_actions.get("focus_mode").setChecked(False)
        self.app_actions.get("toggle_links").setChecked(True)
        self.links_dock.show()
        self.links_dock.raise_()
        self.editor.links_tabs.setCurrentIndex(page)
        self.editor.links_tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_focus_mode(self, on: bool) -> None:
        """Only the title, prompts and answers (on), or the window as it was (off)."""
        action = self.app_actions.get("focus_mode")
        if action.isChecked() != on:
            action.setChecked(on)  # comes back here through toggled
            return
        if on == self.editor.focus_mode:
            return
        chrome = {
            "toolbar": self.toolbar,
            "list": self.entry_list,
            "sidebar": self.sidebar,
            "links": self.links_dock,
            "banner": self.banner,
        }
        if on:
            self._before_focus = {name: not w.isHidden() for name, w in chrome.items()}
            for widget in chrome.values():
                widget.hide()
        else:
            for name, widget in chrome.items():
                widget.setVisible(self._before_focus.get(name, True))
        self.editor.set_focus_mode(on)
        self.leave_focus_action.setEnabled(on)
        for name in ("toggle_list", "toggle_sidebar", "toggle_links"):
            self.app_actions.get(name).setEnabled(not on)
        if on:
            self.show_status("Focus mode: only your writing. F11 or Esc brings the rest back.")
            self._on_focus_editor()

    # ---- state --------------------------------------------------------------------------------

    def show_banner(self, text: str) -> None:
        """Show the notice strip above the panes (the demo banner)."""
        self.banner.show_message(text)

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        """A transient status-bar message."""
        self.statusBar().showMessage(text, timeout_ms)

    def save_state(self) -> None:
        """Remember geometry, splitters, columns and view switches (never portfolio text)."""
        if self.editor.focus_mode:
            self.set_focus_mode(False)
        save_window_state(self, *self._state_parts())
        for name in VIEW_SWITCHES:
            remember_flag(name, self.app_actions.get(f"toggle_{name}").isChecked())
        for column in COLUMN_PRIORITY:
            remember_flag(f"column-{column}", column not in self.entry_list.user_hidden_columns)

    def restore_view_switches(self) -> None:
        """Put the view switches back as they were (after the controller connected).

        The first time on a small screen, the filters and the links panel start folded away.
        """
        roomy = self.is_roomy()
        self._restoring = True
        for name, default in VIEW_SWITCHES.items():
            first_run = default and (roomy or name not in {"sidebar", "links"})
            self.app_actions.get(f"toggle_{name}").setChecked(remembered_flag(name, first_run))
        self._restoring = False
        for column in COLUMN_PRIORITY:
            wanted = column not in self.entry_list.user_hidden_columns
            self.entry_list.set_column_wanted(column, remembered_flag(f"column-{column}", wanted))
        if not self._restored:
            self._share_width()

    def _on_focus_list(self) -> None:
        if self.editor.focus_mode:
            self.set_focus_mode(False)
        self.app_actions.get("toggle_list").setChecked(True)
        self.entry_list.table.setFocus()

    def _on_focus_editor(self, *_args: object) -> None:
        if self.editor.sections:
            self.editor.sections[0].edit.setFocus()
        else:
            self.editor.title_edit.setFocus()

    def _on_find(self) -> None:
        if self.editor.focus_mode:
            self.set_focus_mode(False)
        self.app_actions.get("toggle_list").setChecked(True)
        self.entry_list.search.setFocus()
        self.entry_list.search.selectAll()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_guard is not None:
            self.close_guard()
        self.save_state()
        super().closeEvent(event)
