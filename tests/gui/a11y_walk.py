"""Walk a window's widgets the way assistive technology and the keyboard meet them.

Used by tests/gui/test_accessibility_walk.py on every window and dialog of the screen matrix.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QWidget,
)

_CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabBar,
)
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _inside_compound(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox):
            return True
        parent = parent.parentWidget()
    return False


def is_control(widget: QWidget) -> bool:
    """An interactive control a student reaches (inner parts of combos and spin boxes aside)."""
    if isinstance(widget, QHeaderView | QScrollBar) or _inside_compound(widget):
        return False
    if widget.objectName().startswith("qt_") and widget.objectName() != "qt_toolbar_ext_button":
        return False
    if isinstance(widget, QGroupBox):
        return widget.isCheckable()
    if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QAbstractItemView):
        return widget.focusPolicy() != widget.focusPolicy().NoFocus and _is_text_box(widget)
    return isinstance(widget, _CONTROLS)


def _is_text_box(widget: QWidget) -> bool:
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

    return isinstance(widget, QPlainTextEdit | QTextEdit)


def controls(window: QWidget, *, visible_only: bool = True) -> list[QWidget]:
    """The window's controls (visible ones by default)."""
    found = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not is_control(widget):
            continue
        if visible_only and not widget.isVisible():
            continue
        found.append(widget)
    return found


def spoken(widget: QWidget) -> tuple[str, str]:
    """The name and description a screen reader gets for ``widget``."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return "", ""
    return (
        interface.text(QAccessible.Text.Name).strip(),
        interface.text(QAccessible.Text.Description).strip(),
    )


def describe(widget: QWidget) -> str:
    """A widget as a test failure message names it."""
    name = widget.accessibleName() or widget.objectName()
    if not name and isinstance(widget, QAbstractButton | QLabel):
        name = widget.text()
    parent = widget.parentWidget()
    return f"{type(widget).__name__} “{name}” in {type(parent).__name__ if parent else '-'}"


def unnamed_or_undescribed(window: QWidget) -> list[str]:
    """Controls without an accessible name or without a description."""
    problems = []
    for widget in controls(window, visible_only=False):
        name, description = spoken(widget)
        if not name:
            problems.append(f"no name: {describe(widget)}")
        elif not description:
            problems.append(f"no description: {describe(widget)} ({name})")
    return problems


def _mnemonic_texts(window: QWidget) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisible():
            continue
        text = ""
        if isinstance(widget, QAbstractButton | QLabel):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue  # a label's & only works with a buddy
        for match in _MNEMONIC.finditer(text):
            texts.append((match.group(1).casefold(), text))
        if isinstance(widget, QTabWidget):
            bar = widget.tabBar()
            for index in range(bar.count()):
                for match in _MNEMONIC.finditer(bar.tabText(index)):
                    texts.append((match.group(1).casefold(), bar.tabText(index)))
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            for match in _MNEMONIC.finditer(action.text()):
                texts.append((match.group(1).casefold(), action.text()))
    return texts


def clashing_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Alt+letter keys used by more than one visible control of the window."""
    seen: dict[str, list[str]] = defaultdict(list)
    for letter, text in _mnemonic_texts(window):
        seen[letter].append(text)
    return {letter: texts for letter, texts in seen.items() if len(texts) > 1}
