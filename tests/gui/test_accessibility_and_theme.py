"""Every input has an accessible name (or a buddy label); every action has a shortcut; themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from portfolio_app.core.preferences import Preferences
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.create_dialog import CreatePortfolioDialog
from portfolio_app.gui.dialogs.preferences_dialog import PreferencesDialog
from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from portfolio_app.gui.dialogs.unlock_dialog import UnlockDialog
from portfolio_app.gui.icons import SvgIconEngine, icon
from portfolio_app.gui.theme import ThemeManager

INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QCheckBox, QDateEdit)


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs with neither an accessible name nor a label pointing at them."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    missing = []
    for kind in INPUTS:
        for widget in root.findChildren(kind):
            # A combo box's own line edit is named through the combo box.
            if isinstance(widget, QLineEdit) and isinstance(
                widget.parent(), (QComboBox, QSpinBox, QDateEdit)
            ):
                continue
            if widget.accessibleName().strip() or id(widget) in buddies:
                continue
            if isinstance(widget, QCheckBox) and widget.text().strip():
                continue
            parent = type(widget.parent()).__name__
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} under {parent}")
    return missing


def test_dialogs_name_every_input(qtbot: QtBot, tmp_path: Path) -> None:
    dialogs: list[QWidget] = [
        UnlockDialog(tmp_path),
        CreatePortfolioDialog(tmp_path),
        RecoveryKeyDialog("ABCD-EFGH-IJKL", "Zoë"),
        PreferencesDialog(Preferences(), [("ipec-2023", "IPEC 2023")], [("gibbs", "Gibbs")]),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert unnamed_inputs(dialog) == [], type(dialog).__name__


def test_main_window_names_every_input_with_an_entry_open(
    open_app: AppController, qtbot: QtBot
) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_plan").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.sections))
    window.app_actions.get("toggle_preview").setChecked(True)
    assert unnamed_inputs(window) == []


def test_every_action_has_a_shortcut_and_a_status_tip(open_app: AppController) -> None:
    window = open_app.window
    assert window is not None
    seen: dict[str, str] = {}
    for name, action in window.app_actions.all().items():
        keys = action.shortcut().toString()
        assert keys, name
        assert action.statusTip(), name
        assert keys not in seen, f"{name} and {seen.get(keys)} share {keys}"
        seen[keys] = name


def test_dark_and_light_palettes_and_icons_follow(qapp: QApplication) -> None:
    themes = ThemeManager(qapp, "dark")
    themes.apply()
    dark = qapp.palette()
    assert themes.is_dark
    assert dark.color(QPalette.ColorRole.Window).lightness() < 80
    assert dark.color(QPalette.ColorRole.WindowText).lightness() > 180
    dark_icon = icon("lock").pixmap(32, 32).toImage()
    themes.apply("light")
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200
    light_icon = icon("lock").pixmap(32, 32).toImage()
    assert dark_icon != light_icon  # recoloured from the palette


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_icons_are_drawn_at_the_device_pixel_size(qapp: QApplication, scale: float) -> None:
    engine = SvgIconEngine("export")
    pixmap = engine.scaledPixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.Off, scale)
    assert pixmap.width() == round(24 * scale)
    assert pixmap.devicePixelRatio() == scale
