"""The final overall reflection: the closing piece of writing the PDF prints before attendance.

The portfolio booklets this app follows end with "final overall reflections of learning"; a
student writes it once, near the end, looking back across entries. The dialog keeps it simple:
Markdown text, a word count, and the same gentle identifier check as the editor.
"""

from __future__ import annotations

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


class FinalReflectionDialog(QDialog):
    """Write or change the final overall reflection."""

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Final reflection")
        intro = QLabel(PROMPT, self)
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Final reflection text")
        self.editor.setPlainText(service.final_reflection)
        self.editor.setPlaceholderText("Two years of working with other professions taught me…")
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Word count")
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setAccessibleName("Identifier check")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(buttons)
        height = self.fontMetrics().height()
        self.resize(height * 44, height * 30)
        self.editor.textChanged.connect(self._update)
        self._update()

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

    @override
    def accept(self) -> None:
        """Save, then close; a failure keeps the text and says why."""
        try:
            self._service.set_final_reflection(self.editor.toPlainText().strip())
        except PortfolioError as exc:
            QMessageBox.warning(self, "Not saved", exc.user_message)
            return
        super().accept()
