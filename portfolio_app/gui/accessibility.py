"""Names and descriptions for the controls Qt makes by itself, in every window.

Assistive technology reads a control's accessible name and description. Our own widgets set
theirs where they are made; Qt adds a few controls on its own (the buttons of a dialog button
box, the clear button inside a search box, the scroll arrows of a tab bar) whose description
is empty. :func:`install_standard_control_names` fills those in when a window is shown, from the
button's role, so every control in the app is named and described (tests/gui walks them all).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QTabBar,
    QToolButton,
    QWidget,
)

from portfolio_app.gui.window_events import SHOW_ONLY, window_events

_Role = QDialogButtonBox.ButtonRole
#: What a dialog button does, by its role in the button box.
ROLE_DESCRIPTIONS: dict[QDialogButtonBox.ButtonRole, str] = {
    _Role.AcceptRole: "Does what this window is for, then closes it",
    _Role.RejectRole: "Closes this window without doing anything more (Esc)",
    _Role.DestructiveRole: "Throws away what is in this window",
    _Role.ActionRole: "Does this without closing the window",
    _Role.HelpRole: "Explains this window",
    _Role.YesRole: "Answers yes",
    _Role.NoRole: "Answers no",
    _Role.ApplyRole: "Applies the changes and keeps the window open",
    _Role.ResetRole: "Puts the values back as they were",
}
_DONE_PROPERTY = "portfolioNamed"


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def name_standard_controls(window: QWidget) -> None:
    """Describe the button-box buttons, clear buttons and tab scroll arrows of ``window``."""
    for box in window.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if not button.accessibleName():
                button.setAccessibleName(_plain(button.text()))
            if not button.accessibleDescription() and not button.toolTip():
                role = box.buttonRole(button)
                button.setAccessibleDescription(ROLE_DESCRIPTIONS.get(role, _plain(button.text())))
    for edit in window.findChildren(QLineEdit):
        for button in edit.findChildren(QToolButton):
            if not button.accessibleName():
                button.setAccessibleName("Clear")
                button.setAccessibleDescription(f"Empties “{edit.accessibleName() or 'the box'}”")
    for bar in window.findChildren(QTabBar):
        for button in bar.findChildren(QAbstractButton):
            if not button.accessibleDescription():
                button.setAccessibleDescription("Shows the tabs that do not fit")


def install_standard_control_names(app: QApplication) -> None:
    """Name and describe Qt's own controls in every window when it is shown (once)."""
    window_events(app).register(
        "standard-names", SHOW_ONLY, lambda window, _event: name_standard_controls(window)
    )


def describe_controls(owner: object, descriptions: dict[str, str]) -> None:
    """Set the accessible descriptions of ``owner``'s controls, by attribute name.

    An attribute may hold one widget or a dict of widgets (a group of radio buttons or check
    boxes made in a loop); all of them get the description. One call per dialog keeps the
    descriptions together, away from the dialog's own logic.
    """
    for attribute, description in descriptions.items():
        value = getattr(owner, attribute)
        widgets = value.values() if isinstance(value, dict) else (value,)
        for widget in widgets:
            if isinstance(widget, QWidget) and not widget.accessibleDescription():
                widget.setAccessibleDescription(description)
