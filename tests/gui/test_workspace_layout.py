"""Room to write and windows that remember sensibly: the list keeps its Title column, view
switches are remembered, saved geometry is used only on the same screen, the demo keeps its own
window state, answers grow with their text, and the coverage window closes with Esc."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import make_entries
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.app_paths import default_config_dir
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.shortcuts_dialog import ShortcutsDialog, shortcut_rows
from portfolio_app.gui.item_models.entry_table_model import COL_DATE, COL_TITLE, COL_WORDS
from portfolio_app.gui.item_models.shortcut_table_model import ShortcutTableModel
from portfolio_app.gui.window_state import DEMO_STATE_FILE, STATE_FILE, use_profile


def test_a_narrow_list_keeps_the_title_column(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    service.add_entries_bulk(make_entries(5))
    assert open_app.portfolio is not None and open_app.window is not None
    open_app.portfolio.populate()
    window = open_app.window
    entry_list = window.entry_list
    header = entry_list.table.horizontalHeader()
    assert header.logicalIndex(0) == COL_TITLE
    window.resize(1400, 700)
    char = entry_list.fontMetrics().averageCharWidth()

    def list_width(chars: int) -> None:
        sizes = window.splitter.sizes()
        window.splitter.setSizes([sizes[0], char * chars, sum(sizes) - sizes[0] - char * chars])
        QApplication.processEvents()

    list_width(24)
    assert not header.isSectionHidden(COL_TITLE)
    assert header.isSectionHidden(COL_DATE) and header.isSectionHidden(COL_WORDS)
    list_width(90)
    assert not header.isSectionHidden(COL_DATE)
    entry_list.set_column_wanted(COL_DATE, False)  # the student's choice is kept
    assert header.isSectionHidden(COL_DATE)


def test_view_switches_are_remembered(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    first = make_controller(data_dir)  # type: ignore[operator]
    window = first.open_session(service)
    window.app_actions.get("toggle_list").setChecked(False)
    window.app_actions.get("toggle_preview").setChecked(True)
    first._end_session()
    second = make_controller(data_dir)  # type: ignore[operator]
    reopened = second.open_session(PortfolioService.open(data_dir, "correct horse battery staple"))
    assert not reopened.app_actions.get("toggle_list").isChecked()
    assert reopened.entry_list.isHidden()
    assert reopened.app_actions.get("toggle_preview").isChecked()


def test_geometry_saved_on_another_screen_is_not_used(
    make_controller: object, service: PortfolioService, data_dir: Path
) -> None:
    first = make_controller(data_dir)  # type: ignore[operator]
    window = first.open_session(service)
    window.resize(300, 200)
    first._end_session()
    settings = QSettings(str(default_config_dir() / STATE_FILE), QSettings.Format.IniFormat)
    assert settings.value("main/screen")
    settings.setValue("main/screen", "3840x2100@1")  # as if saved on a 4K monitor
    settings.sync()
    second = make_controller(data_dir)  # type: ignore[operator]
    reopened = second.open_session(PortfolioService.open(data_dir, "correct horse battery staple"))
    assert not reopened.property("geometryRestored")
    assert (reopened.width(), reopened.height()) != (300, 200)


def test_the_demo_keeps_its_own_window_state(tmp_path: Path) -> None:
    use_profile("demo")
    try:
        from portfolio_app.gui.window_state import remember_flag

        remember_flag("list", False)
    finally:
        use_profile("")
    demo = QSettings(str(default_config_dir() / DEMO_STATE_FILE), QSettings.Format.IniFormat)
    real = QSettings(str(default_config_dir() / STATE_FILE), QSettings.Format.IniFormat)
    assert demo.value("view/list") in (False, "false")
    assert real.value("view/list") is None


def test_an_answer_box_grows_with_its_text(open_app: AppController, qtbot: QtBot) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.sections))
    edit = window.editor.sections[0].edit
    before = edit.height()
    edit.setFocus()
    for _line in range(12):
        qtbot.keyClicks(edit, "A line of what happened on the ward round today.")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert edit.height() > before * 2
    assert edit.verticalScrollBar().maximum() == 0  # the box shows all of it: the page scrolls
    scroll = window.editor.sections_scroll
    assert not scroll.horizontalScrollBar().isVisible()


def test_the_coverage_window_closes_with_esc(open_app: AppController, qtbot: QtBot) -> None:
    assert open_app.portfolio is not None
    open_app.portfolio.open_coverage()
    coverage = open_app.portfolio._open_windows["coverage"]
    qtbot.waitExposed(coverage)
    coverage.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is coverage)
    qtbot.keyClick(coverage, Qt.Key.Key_Escape)
    assert not coverage.isVisible()
    open_app.portfolio.open_coverage()
    qtbot.waitExposed(coverage)
    coverage.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is coverage)
    qtbot.keyClick(coverage, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not coverage.isVisible()


def test_the_shortcuts_list_is_a_proper_model(
    open_app: AppController, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    window = open_app.window
    assert window is not None
    dialog = ShortcutsDialog(window.app_actions.menus(), window)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    rows = shortcut_rows(window.app_actions.menus())
    focus = next(r for r in rows if r.command == "Focus mode")
    assert "F11" in focus.keys and "Ctrl+Shift+F" in focus.keys
    dialog.filter_edit.setText("focus mode")
    assert dialog.proxy.rowCount() >= 1
    assert isinstance(dialog.model, ShortcutTableModel)


@pytest.mark.parametrize("name", ["toggle_list", "toggle_sidebar", "toggle_links", "focus_mode"])
def test_every_room_switch_has_a_shortcut(open_app: AppController, name: str) -> None:
    window = open_app.window
    assert window is not None
    assert not window.app_actions.get(name).shortcut().isEmpty()


def test_the_links_panel_folds_the_list_when_they_do_not_fit_side_by_side(
    open_app: AppController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 % on a small laptop: opening the links panel folds the entry list (and says so),
    and bringing the list back folds the links panel, so the window stays on the screen."""
    from PySide6.QtCore import QRect

    from portfolio_app.gui import main_window as main_window_module

    window = open_app.window
    assert window is not None
    window.app_actions.get("toggle_links").setChecked(False)
    window.app_actions.get("toggle_list").setChecked(True)
    QApplication.processEvents()
    central = window.centralWidget().minimumSizeHint().width()
    # Room for the list and the editor, but not for the links panel beside them.
    narrow = QRect(0, 0, central + 40, 600)
    monkeypatch.setattr(main_window_module, "free_area", lambda _widget: narrow)
    window.app_actions.get("toggle_links").setChecked(True)
    qtbot.waitUntil(lambda: not window.app_actions.get("toggle_list").isChecked())
    assert window.entry_list.isHidden()
    assert "F9" in window.statusBar().currentMessage()
    window.app_actions.get("toggle_list").setChecked(True)
    assert not window.app_actions.get("toggle_links").isChecked()
    assert "Ctrl+Shift+L" in window.statusBar().currentMessage()
