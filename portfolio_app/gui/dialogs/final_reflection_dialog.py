"""The final overall reflection: the closing piece of writing the PDF prints before attendance.

The portfolio booklets this app follows end with "final overall reflections of learning"; a
student writes it once, near the end, looking back across entries. The dialog keeps it simple:
Markdown text, a word count, and the same gentle identifier check as the editor.

It saves like the entries do: a second after typing stops, and again when it closes, whichever
way it closes (Close, Esc, Ctrl+W, the window's close button, locking). Nothing typed here is
ever thrown away; when a save fails the dialog stays open with the text and says why.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.privacy_guard import find_identifiers
from portfolio_app.core.services.portfolio_service import PortfolioService

PROMPT = (
    "Looking back over your interprofessional learning: how has your understanding of other "
    "professions' roles changed? What do you now do differently in a team? What will you take "
    "into practice after you qualify? (Markdown; it appears in the PDF before the attendance "
    "record.)"
)
AUTOSAVE_MS = 1000


class FinalReflectionDialog(QDialog):
    """Write or change the final overall reflection; it saves itself."""

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._saved_text = service.final_reflection
        self.saved_once = False
        self.setWindowTitle("Final reflection")
        intro = QLabel(PROMPT, self)
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Final reflection text")
        self.editor.setAccessibleDescription(
            "Saved as you type; Markdown. Printed in the PDF before the attendance record."
        )
        self.editor.setTabChangesFocus(True)
        self.editor.setPlainText(self._saved_text)
        self.editor.setPlaceholderText("Two years of working with other professions taught me…")
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Word count")
        self.save_label = QLabel(self)
        self.save_label.setAccessibleName("Save state")
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setAccessibleName("Identifier check")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setAccessibleDescription("Saves the text and closes (Esc does the same)")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.save_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(buttons)
        height = self.fontMetrics().height()
        self.resize(height * 44, height * 30)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)
        self.editor.textChanged.connect(self._on_text_changed)
        self._update()
        self.save_label.setText("Saved as you type.")

    @property
    def is_dirty(self) -> bool:
        """Whether typed text waits to be saved."""
        return self.editor.toPlainText().strip() != self._saved_text.strip()

    def save(self) -> bool:
        """Store the text now (if it changed); False, with the reason shown, when it failed."""
        self._timer.stop()
        text = self.editor.toPlainText().strip()
        if text == self._saved_text.strip():
            return True
        try:
            self._service.set_final_reflection(text)
        except PortfolioError as exc:
            self.save_label.setText(f"Not saved: {exc.user_message}")
            return False
        except OSError as exc:
            self.save_label.setText(f"Not saved: the disk refused the write ({exc.strerror})")
            return False
        self._saved_text = text
        self.saved_once = True
        self.save_label.setText(f"Saved {datetime.now():%H:%M}")
        return True

    def _on_text_changed(self) -> None:
        self._update()
        self.save_label.setText("Editing…")
        self._timer.start()

    def _update(self) -> None:
        text = self.editor.toPlainText()
        words = len(text.split())
        self.count_label.setText(f"{words:,} word{'s' if words != 1 else ''}")
        findings = find_identifiers(text)
        if findings:
            shown = "; ".join(f"“{f.excerpt}”: {f.advice}" for f in findings[:3])
            self.warning_label.setText(f"This may identify someone (you can still save). {shown}")
        else:
            self.warning_label.setText("")

    def _save_before_closing(self) -> bool:
        if self.save():
            return True
        QMessageBox.warning(
            self,
            "Not saved",
            self.save_label.text().removeprefix("Not saved: ")
            + "\n\nThe dialog stays open so your text is not lost.",
        )
        return False

    def close_for_lock(self) -> bool:
        """The portfolio is locking: save and close; False (stays open) when the save failed."""
        if not self.save():
            return False
        super().reject()
        return True

    @override
    def accept(self) -> None:
        """Save, then close; a failure keeps the text and says why."""
        if self._save_before_closing():
            super().accept()

    @override
    def reject(self) -> None:
        """Esc, Close or Ctrl+W: save, then close (typed text is never thrown away)."""
        if self._save_before_closing():
            super().reject()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.isVisible() or self._save_before_closing():
            super().closeEvent(event)
        else:
            event.ignore()
