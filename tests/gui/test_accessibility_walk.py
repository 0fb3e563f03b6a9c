"""Every window and dialog, walked as assistive technology and the keyboard meet it: each
control named and described, no Alt+letter used twice, keyboard focus visible in both themes,
and text that grows with the system font."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import a11y_walk
import pytest
import screen_matrix
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from portfolio_app.core.preferences import Preferences
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.accessibility import install_standard_control_names
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.screen_fit import install_screen_fitter
from portfolio_app.gui.theme import ThemeManager
from portfolio_app.gui.window_keys import install_window_keys

WindowFindings = dict[str, list[str]]


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The screen matrix's demo portfolio and signed PDF (made once for the module)."""
    return screen_matrix.prepare_fixtures(tmp_path_factory.mktemp("walk"))


def _walk_every_window(
    qapp: QApplication, themes: ThemeManager, portfolio: Path, pdf: Path
) -> Iterator[tuple[str, QWidget]]:
    """Show each window and dialog of the screen matrix in turn (the same scenes)."""
    # As the app does before its first window (AppController installs them too).
    install_screen_fitter(qapp)
    install_window_keys(qapp)
    install_standard_control_names(qapp)
    for name, build in screen_matrix._start_scenes():
        widget = build(portfolio)
        screen_matrix._settle(qapp)
        yield name, widget
        widget.hide()
        widget.deleteLater()
    controller = AppController(qapp, portfolio, Preferences(auto_lock_minutes=0), themes)
    service = PortfolioService.open(portfolio, screen_matrix.DEMO_PASSPHRASE)
    window = controller.open_session(service)
    screen_matrix._settle(qapp)
    ctx = screen_matrix.ChildContext(qapp, controller, window, service, portfolio, pdf)
    screen_matrix._open_richest_entry(ctx)
    try:
        for name, build in screen_matrix._scenes():
            widget = build(ctx)
            if widget is None:
                continue
            screen_matrix._settle(qapp)
            yield name, widget
            if widget is not window:
                widget.hide()
                widget.deleteLater()
            screen_matrix._reset_main(ctx)
    finally:
        controller._end_session()
        controller.idle.stop()
        controller.deleteLater()
        qapp.processEvents()


def test_every_control_in_every_window_has_a_name_and_a_description(
    qapp: QApplication, themes: ThemeManager, fixtures: tuple[Path, Path], tmp_path: Path
) -> None:
    portfolio, pdf = fixtures
    copy = tmp_path / "portfolio"
    shutil.copytree(portfolio, copy)
    findings: WindowFindings = {}
    walked = []
    for name, window in _walk_every_window(qapp, themes, copy, pdf):
        walked.append(name)
        problems = a11y_walk.unnamed_or_undescribed(window)
        if problems:
            findings[name] = problems
    assert {"unlock", "create", "main", "main-focus-mode", "verify", "export"} <= set(walked)
    assert len(walked) >= 20
    assert findings == {}, "\n".join(f"{k}: {p}" for k, v in findings.items() for p in v)


def test_no_window_uses_an_alt_letter_twice(
    qapp: QApplication, themes: ThemeManager, fixtures: tuple[Path, Path], tmp_path: Path
) -> None:
    portfolio, pdf = fixtures
    copy = tmp_path / "portfolio"
    shutil.copytree(portfolio, copy)
    clashes = {
        name: clash
        for name, window in _walk_every_window(qapp, themes, copy, pdf)
        if (clash := a11y_walk.clashing_mnemonics(window))
    }
    assert clashes == {}


def test_the_walk_finds_a_missing_description(qtbot: QtBot) -> None:
    """The check itself can fail: an undescribed control is reported."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    named = QLineEdit(window)
    named.setAccessibleName("Place")
    layout.addWidget(named)
    window.show()
    assert a11y_walk.unnamed_or_undescribed(window) == [
        "no description: QLineEdit “Place” in QWidget (Place)"
    ]
    named.setAccessibleDescription("A kind of place")
    assert a11y_walk.unnamed_or_undescribed(window) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_keyboard_focus_is_visible_on_every_kind_of_control(
    qapp: QApplication, qtbot: QtBot, theme: str
) -> None:
    """Tabbing onto a control changes how it looks (Fusion, plus our text-box frame)."""
    from PySide6.QtTest import QTest

    manager = ThemeManager(qapp, theme)
    manager.apply()
    try:
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        start = QPushButton("start", window)
        combo = QComboBox(window)
        combo.addItems(["Gibbs", "Kolb"])
        tool = QToolButton(window)
        tool.setText("Tags")
        tool.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        text = QTextEdit(window)
        text.setTabChangesFocus(True)
        listing = QListView(window)
        listing.setModel(QStringListModel(["Plan", "Note"], listing))
        controls: list[QWidget] = [
            QPushButton("Save", window),
            QCheckBox("Happened on", window),
            QRadioButton("All entries", window),
            QLineEdit("title", window),
            combo,
            tool,
            QDateEdit(window),
            text,
            listing,
        ]
        for widget in (start, *controls):
            layout.addWidget(widget)
        for first, second in itertools.pairwise((start, *controls)):
            QWidget.setTabOrder(first, second)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        start.setFocus()
        qtbot.waitUntil(start.hasFocus)
        for control in controls:
            before = control.grab().toImage()
            for _step in range(4):  # a date edit takes Tab for its day, month and year first
                focused = QApplication.focusWidget()
                assert focused is not None
                QTest.keyClick(focused, Qt.Key.Key_Tab)
                qapp.processEvents()
                if control.hasFocus():
                    break
            assert control.hasFocus(), type(control).__name__
            after = control.grab().toImage()
            changed = sum(
                before.pixel(x, y) != after.pixel(x, y)
                for x in range(0, before.width(), 2)
                for y in range(before.height())
            )
            assert changed > 20, f"{type(control).__name__}: focus not visible in {theme}"
    finally:
        manager.apply("light")


def test_text_grows_with_the_system_font(
    qapp: QApplication, make_controller: object, service: PortfolioService, data_dir: Path
) -> None:
    """Fonts come from the application font (never fixed pixel sizes), and the windows still
    fit with a large font."""
    original = QFont(qapp.font())
    large = QFont(original)
    large.setPointSizeF(original.pointSizeF() * 1.6)
    qapp.setFont(large)
    try:
        controller = make_controller(data_dir)  # type: ignore[operator]
        window = controller.open_session(service)
        window.app_actions.get("new_reflection").trigger()
        screen_matrix._settle(qapp)
        editor = window.editor
        assert editor.sections[0].edit.font().pointSizeF() >= large.pointSizeF() - 0.01
        assert editor.title_edit.font().pointSizeF() > large.pointSizeF()
        assert editor.sections[0].heading_label.font().pointSizeF() > large.pointSizeF()
        assert window.entry_list.table.font().pointSizeF() >= large.pointSizeF() - 0.01
        assert screen_matrix.layout_problems(window) == []
    finally:
        qapp.setFont(original)
