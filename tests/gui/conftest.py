"""GUI fixtures: an AppController on a tmp portfolio, small portfolios made with the service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from portfolio_app.core.preferences import Preferences
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.theme import ThemeManager

#: Messages the offscreen platform plugin prints for window-manager features it lacks
#: (docs/platform-notes.md §2: harmless); every other Qt warning still fails a test.
OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
    r"This plugin does not support setParent\(\)",
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """pytest-qt closes each test's windows afterwards (in its own teardown wrapper, which this
    one runs before); nobody is there to answer "Discard what you typed?", so the question is
    not asked then. Tests of the question answer it themselves."""
    from portfolio_app.gui.dialogs.discard_guard import forget_typing_everywhere

    forget_typing_everywhere()
    return (yield)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore the offscreen plugin's harmless warnings in every GUI test."""
    marker = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
    for item in items:
        if "tests/gui" in str(item.path).replace("\\", "/"):
            item.add_marker(marker)


@pytest.fixture
def themes(qapp: QApplication) -> ThemeManager:
    """A light theme (tests must not depend on the desktop's scheme)."""
    manager = ThemeManager(qapp, "light")
    manager.apply()
    return manager


@pytest.fixture
def make_controller(qapp: QApplication, qtbot: QtBot, themes: ThemeManager) -> Iterator[object]:
    """Build AppControllers on a folder; all are shut down after the test."""
    made: list[AppController] = []

    def factory(data_dir: Path, preferences: Preferences | None = None) -> AppController:
        controller = AppController(qapp, data_dir, preferences or Preferences(), themes)
        made.append(controller)
        return controller

    yield factory
    wait_for_all()
    qapp.processEvents()
    for controller in made:
        if controller.service is not None:
            controller._end_session()
        for dialog in (
            controller.unlock_dialog,
            controller.create_dialog,
            controller.recovery_dialog,
        ):
            if dialog is not None:
                dialog.hide()
                dialog.deleteLater()
        controller.idle.stop()
        controller.deleteLater()
    qapp.processEvents()


@pytest.fixture
def open_app(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> AppController:
    """An AppController with the `service` fixture's portfolio open in the main window."""
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.open_session(service)
    assert controller.window is not None
    qtbot.waitExposed(controller.window)
    return controller
