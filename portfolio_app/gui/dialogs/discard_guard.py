"""Ask before a dialog throws away what the student typed into it.

:class:`TypedTextGuard` remembers the text of a dialog's boxes when it opens; on Cancel, Esc,
Ctrl+W or the close button the dialog asks :meth:`TypedTextGuard.may_close`, which asks the
student (Discard / Keep editing, Keep editing being the default) only when something changed.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPlainTextEdit, QTextEdit, QWidget

TextBox = QLineEdit | QPlainTextEdit | QTextEdit | QComboBox
_LIVE: weakref.WeakSet[TypedTextGuard] = weakref.WeakSet()


def _text(box: TextBox) -> str:
    if isinstance(box, QLineEdit):
        return box.text()
    if isinstance(box, QComboBox):
        return box.currentText()
    return box.toPlainText()


class TypedTextGuard:
    """The boxes of one dialog, and their text as it was when the dialog opened."""

    def __init__(self, parent: QWidget, boxes: Sequence[TextBox]) -> None:
        self._parent = parent
        self._boxes = list(boxes)
        self.reset()
        _LIVE.add(self)

    def reset(self) -> None:
        """The current text becomes the one that needs no question (after a save)."""
        self._start = [_text(box) for box in self._boxes]

    @property
    def changed(self) -> bool:
        """Whether any box holds text other than when the dialog opened."""
        return [_text(box) for box in self._boxes] != self._start

    def may_close(self) -> bool:
        """True when nothing was typed, or the student chose to discard it."""
        if not self.changed:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard what you typed?",
            "You typed something in this window that is not saved.",
            parent=self._parent,
        )
        box.setInformativeText("Close it and lose that text, or keep editing?")
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard


def forget_typing_everywhere() -> None:
    """Treat every open dialog's typing as nothing to ask about.

    For the test suite, which closes its windows after each test without a student there to
    answer; the app itself never calls it.
    """
    for guard in list(_LIVE):
        try:
            guard.reset()
        except RuntimeError:  # its dialog is gone already (deleted on the C++ side)
            _LIVE.discard(guard)
