"""One template section in the editor: its heading, the model's prompts, and a text box.

The prompts are shown above the box (and the first one as placeholder text) but never stored:
the entry keeps only what the student wrote. The boxes share the editor's height (at least a
few lines each; the editor scrolls when a template has many sections). We do not size a box to
its text: QPlainTextEdit lays out only the visible lines, so its document height is an
estimate and fitted boxes came out too short.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QPalette, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

MIN_LINES = 6


class SectionEditor(QWidget):
    """Heading + prompts + growing plain-text editor for one section."""

    text_changed = Signal()

    def __init__(
        self,
        key: str,
        heading: str,
        prompts: tuple[str, ...],
        body: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.heading = heading
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(3)
        self.heading_label = QLabel(heading, self)
        font = self.heading_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading_label.setFont(font)
        layout.addWidget(self.heading_label)
        self.prompts_label = QLabel(self)
        self.prompts_label.setWordWrap(True)
        self.prompts_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.prompts_label.setText("\n".join(f"• {p}" for p in prompts))
        self.prompts_label.setVisible(bool(prompts))
        layout.addWidget(self.prompts_label)
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(prompts[0] if prompts else "Write here…")
        self.edit.setAccessibleName(heading or "Text")
        self.edit.setAccessibleDescription(" ".join(prompts))
        self.edit.setTabChangesFocus(True)
        self.edit.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.edit.setFrameShape(QFrame.Shape.StyledPanel)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.edit.setPlainText(body)
        self.edit.document().setModified(False)
        self.heading_label.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self._set_minimum_height()

    def body(self) -> str:
        """What the student wrote."""
        return self.edit.toPlainText()

    def set_body(self, body: str) -> None:
        """Replace the text (restoring a revision); not an edit of the student's."""
        self.edit.blockSignals(True)
        self.edit.setPlainText(body)
        self.edit.blockSignals(False)

    def set_font(self, font: QFont) -> None:
        """Use this font for the text."""
        self.edit.setFont(font)
        self._set_minimum_height()

    def _on_edit_text_changed(self) -> None:
        self.text_changed.emit()

    def _set_minimum_height(self) -> None:
        line_height = self.edit.fontMetrics().lineSpacing()
        frame = 2 * self.edit.frameWidth() + int(2 * self.edit.document().documentMargin())
        self.edit.setMinimumHeight(MIN_LINES * line_height + frame)
