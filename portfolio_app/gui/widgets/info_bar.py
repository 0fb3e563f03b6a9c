"""A quiet message strip above a pane: an icon, wrapped text and an optional close button.

Used for the privacy warning, a template's reminder and the demo banner. It takes its colours
from palette roles (``ToolTipBase``/``ToolTipText``, or ``Highlight`` for the banner) so it reads
well in both themes, and it always says in words what it means (colour is never the only signal).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from portfolio_app.gui.icons import icon


class InfoBar(QFrame):
    """An icon, a message and an optional close button."""

    closed = Signal()

    def __init__(
        self,
        icon_name: str = "info",
        *,
        closable: bool = True,
        emphasis: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        background = QPalette.ColorRole.Highlight if emphasis else QPalette.ColorRole.ToolTipBase
        foreground = (
            QPalette.ColorRole.HighlightedText if emphasis else QPalette.ColorRole.ToolTipText
        )
        self.setBackgroundRole(background)
        self.setForegroundRole(foreground)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 6, 6)
        self._icon = QLabel(self)
        size = self.fontMetrics().height() + 4
        self._icon.setPixmap(icon(icon_name).pixmap(QSize(size, size)))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._icon.setForegroundRole(foreground)
        layout.addWidget(self._icon)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setForegroundRole(foreground)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message, 1)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide this message")
        self.close_button.clicked.connect(self._on_close_clicked)
        self.close_button.setVisible(closable)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show the bar with this text."""
        self.message.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def text(self) -> str:
        """The message shown."""
        return self.message.text()

    def _on_close_clicked(self) -> None:
        self.hide()
        self.closed.emit()
