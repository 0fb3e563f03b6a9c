"""Tutor feedback under an entry in the student's editor: read-only, plain text, who and when.

The text comes from a file someone else wrote, so it is shown only as plain text
(``QPlainTextEdit``, ``Qt.PlainText`` labels): Markdown or HTML in it reads as the characters
typed, never as markup or links. The panel hides itself when the entry has no feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget


def _day(value: Any) -> str:
    if value is None:
        return "(time not stated)"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:16].replace("T", " ")


class FeedbackPanel(QFrame):
    """The feedback a tutor gave on the shown entry (``feedback_service.EntryFeedback``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Tutor feedback on this entry")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget(self.scroll_area)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll_area.setWidget(self.body)
        layout.addWidget(self.scroll_area, 1)
        self.items: list[tuple[QLabel, QPlainTextEdit]] = []
        self.hide()

    def set_feedback(self, items: Sequence[Any]) -> None:
        """Show ``items`` (oldest first); hide the panel when there are none."""
        self.items = []
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.body = QWidget(self.scroll_area)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll_area.setWidget(self.body)
        if not items:
            self.hide()
            return
        count = len(items)
        self.heading.setText(
            "Tutor feedback (read-only)" if count == 1 else f"Tutor feedback ({count}, read-only)"
        )
        for item in items:
            who = QLabel(self.body)
            who.setTextFormat(Qt.TextFormat.PlainText)
            who.setWordWrap(True)
            decision = f" · portfolio decision: {item.decision}" if item.decision else ""
            who.setText(
                f"From {item.who}, signed {_day(item.signed_at)} · imported "
                f"{_day(item.imported_at)} from {item.file_name}{decision}"
            )
            who.setToolTip(f"Certificate SHA-256: {item.signer_fingerprint}\n{item.responsibility}")
            text = QPlainTextEdit(self.body)
            text.setReadOnly(True)
            text.setPlainText(item.text)
            text.setAccessibleName(f"Feedback from {item.who}")
            lines = max(2, min(8, item.text.count("\n") + 1 + len(item.text) // 90))
            text.setFixedHeight(text.fontMetrics().lineSpacing() * (lines + 1) + 8)
            self.body_layout.addWidget(who)
            self.body_layout.addWidget(text)
            self.items.append((who, text))
        self.body_layout.addStretch(1)
        self.show()

    def texts(self) -> list[str]:
        """The feedback texts shown (for tests and screen readers' summaries)."""
        return [text.toPlainText() for _label, text in self.items]
