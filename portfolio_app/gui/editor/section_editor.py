"""One template section in the editor: its heading, the model's prompts, and the answer box.

The prompts are shown above the box (and the first one as placeholder text) but never stored:
the entry keeps only what the student wrote. The box grows with its text (answer_edit.py), so a
long answer reads as one page in the editor's scroll area rather than a small window with its
own scroll bar.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from portfolio_app.gui.editor.answer_edit import AnswerEdit
from portfolio_app.gui.editor.text_change import TextChange


class SectionEditor(QWidget):
    """Heading + prompts + growing plain-text answer for one section."""

    #: (section key, TextChange) for each change the student makes.
    text_changed = Signal(str, object)

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
        self.prompts = prompts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(3)
        self.heading_label = QLabel(heading, self)
        self.heading_label.setWordWrap(True)
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
        self.edit = AnswerEdit(self)
        self.edit.setPlaceholderText(prompts[0] if prompts else "Write here…")
        self.edit.setAccessibleName(f"Answer: {heading}" if heading else "Text")
        self.edit.setAccessibleDescription(
            " ".join(prompts) if prompts else "Your text for this section (Markdown)"
        )
        self.edit.set_text(body)
        self.heading_label.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.edit.text_changed_by_user.connect(self._on_edit_changed)

    def body(self) -> str:
        """What the student wrote."""
        return self.edit.text()

    def set_body(self, body: str) -> None:
        """Replace the text (restoring a revision); not an edit of the student's."""
        self.edit.set_text(body)

    def set_font(self, font: QFont) -> None:
        """Use this font for the text."""
        self.edit.setFont(font)

    def set_prompts_visible(self, visible: bool) -> None:
        """Show or hide the prompt list (the placeholder keeps the first prompt)."""
        self.prompts_label.setVisible(visible and bool(self.prompts))

    def _on_edit_changed(self, change: TextChange) -> None:
        self.text_changed.emit(self.key, change)
