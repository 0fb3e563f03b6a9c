"""Show text that comes from a file, a certificate or the user as plain text, never rich text.

Qt guesses: a QLabel, a QMessageBox and every tooltip render a string as HTML when
``Qt.mightBeRichText`` says it looks like markup. A certificate named ``<font size=7
color=green>VALID AND TRUSTED`` or a PDF file called that would then print the words in large
green letters beside a real verdict (issue 8). The windows that show signatures, certificates
and files build their labels, message boxes and tooltips through these helpers so the guess is
never made: labels and message boxes are set to ``Qt.PlainText``; a tooltip (which has no
format switch) is escaped and wrapped as rich text we wrote ourselves.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

#: Dynamic property the workspace's window-keys filter also reads: windows that already have
#: their close keys are left alone (two actions on Ctrl+W would make the shortcut ambiguous).
CLOSE_KEYS_PROPERTY = "portfolioCloseKeys"


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    accessible_name: str = "",
    selectable: bool = False,
    wrap: bool = True,
    monospace: bool = False,
) -> QLabel:
    """A QLabel that never interprets its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if accessible_name:
        label.setAccessibleName(accessible_name)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    if monospace:
        label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` literally (tooltips have no plain-text switch)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


def plain_message(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    *,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
    informative: str = "",
) -> QMessageBox:
    """A message box whose text (and informative text) is plain; call ``exec()`` or ``open()``
    on it."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the informative text follows this format
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    return box


def add_close_keys(window: QWidget) -> None:
    """Ctrl+W (and the platform's Close keys) close ``window``; a dialog has Esc already.

    Uses a window-wide QAction, so it works wherever the focus is inside the window, and
    closing goes through the window's own ``close``/``reject`` handling.
    """
    from PySide6.QtGui import QAction

    if window.property(CLOSE_KEYS_PROPERTY):
        return
    window.setProperty(CLOSE_KEYS_PROPERTY, True)
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Close))
    if QKeySequence("Ctrl+W") not in keys:
        keys.append(QKeySequence("Ctrl+W"))
    from PySide6.QtWidgets import QDialog

    if not isinstance(window, QDialog):
        keys.append(QKeySequence(Qt.Key.Key_Escape))
    action = QAction("Close window", window)
    action.setObjectName("close_window_action")
    action.setShortcuts(keys)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(window.close)
    window.addAction(action)
