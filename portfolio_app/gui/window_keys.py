"""Esc and Ctrl+W close every secondary window, whatever module made it.

Dialogs already close on Esc (QDialog rejects); Ctrl+W (and the platform's Close key, Ctrl+F4
on Windows) is added to each of them as a window-wide shortcut, and plain secondary windows
(the coverage view) get Esc too. Closing goes through the window's own close handling, so a
dialog that asks before discarding typed text still asks. The main window is left alone: its
Ctrl+W would be a surprising way to lock or quit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from portfolio_app.gui.window_events import SHOW_ONLY, window_events

#: Dynamic property marking windows that have their close keys already.
_DONE_PROPERTY = "portfolioCloseKeys"


def close_keys(window: QWidget) -> list[QKeySequence]:
    """The keys that close ``window``: the platform's Close keys and Ctrl+W, plus Esc for a
    window that is not a dialog (a dialog handles Esc itself)."""
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Close))
    if QKeySequence("Ctrl+W") not in keys:
        keys.append(QKeySequence("Ctrl+W"))
    if not isinstance(window, QDialog):
        keys.append(QKeySequence(Qt.Key.Key_Escape))
    return keys


def add_close_keys(window: QWidget) -> QAction | None:
    """Give ``window`` its close keys (once); returns the action, or None when not wanted."""
    if isinstance(window, QMainWindow | QMessageBox) or window.property(_DONE_PROPERTY):
        return None
    window.setProperty(_DONE_PROPERTY, True)
    action = QAction("Close window", window)
    action.setObjectName("close_window_action")
    action.setShortcuts(close_keys(window))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(window.close)
    window.addAction(action)
    return action


def _on_window_shown(window: QWidget, _event: QEvent) -> None:
    if window.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog):
        add_close_keys(window)


def install_window_keys(app: QApplication) -> None:
    """Give every secondary window its close keys when it is first shown (once)."""
    window_events(app).register("close-keys", SHOW_ONLY, _on_window_shown)
