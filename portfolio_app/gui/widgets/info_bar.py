"""A quiet message strip: an icon, wrapped text and an optional close button.

Used for the privacy warning, a template's reminder and the demo banner. A plain bar takes its
colours from palette roles (``ToolTipBase``/``ToolTipText``, or ``Highlight`` for the banner); a
bar of a ``kind`` ("warning", "error", "success") takes the state colours of
:func:`portfolio_app.gui.theme.status_colours`, so a warning stays amber in the dark theme too.
It always says in words what it means, with an icon (colour is never the only signal).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget
from typing_extensions import override

from portfolio_app.gui.icons import icon
from portfolio_app.gui.theme import status_colours


class InfoBar(QFrame):
    """An icon, a message and an optional close button."""

    closed = Signal()

    def __init__(
        self,
        icon_name: str = "info",
        *,
        closable: bool = True,
        emphasis: bool = False,
        kind: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._kind = kind
        self._emphasis = emphasis
        self._icon_name = icon_name
        self._colouring = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 6, 6)
        self._icon = QLabel(self)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._icon)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message, 1)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide this message")
        self.close_button.setAccessibleDescription("The message comes back when it applies again")
        self.close_button.clicked.connect(self._on_close_clicked)
        self.close_button.setVisible(closable)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._apply_colours()
        self.hide()

    def _apply_colours(self) -> None:
        self._colouring = True
        try:
            if self._kind:
                background, text = status_colours(self._kind, self.parentPalette())
                palette = QPalette(self.palette())
                for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                    palette.setColor(role, QColor(background))
                for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
                    palette.setColor(role, QColor(text))
                self.setPalette(palette)
                self.setBackgroundRole(QPalette.ColorRole.Window)
                foreground = QPalette.ColorRole.WindowText
            else:
                background_role = (
                    QPalette.ColorRole.Highlight
                    if self._emphasis
                    else QPalette.ColorRole.ToolTipBase
                )
                foreground = (
                    QPalette.ColorRole.HighlightedText
                    if self._emphasis
                    else QPalette.ColorRole.ToolTipText
                )
                self.setBackgroundRole(background_role)
            self.setForegroundRole(foreground)
            self._icon.setForegroundRole(foreground)
            self.message.setForegroundRole(foreground)
            size = self.fontMetrics().height() + 4
            self._icon.setPixmap(icon(self._icon_name).pixmap(QSize(size, size)))
        finally:
            self._colouring = False

    def parentPalette(self) -> QPalette:  # noqa: N802  (reads like Qt's own accessors)
        """The palette the bar would have without its own colours (the parent's)."""
        parent = self.parentWidget()
        return parent.palette() if parent is not None else QPalette()

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._colouring:
            self._apply_colours()

    def show_message(self, text: str) -> None:
        """Show the bar with this text."""
        self.set_message(text)
        self.show()

    def set_message(self, text: str) -> None:
        """Change the text without showing the bar."""
        self.message.setText(text)
        self.setAccessibleDescription(text)

    def text(self) -> str:
        """The message shown."""
        return self.message.text()

    def _on_close_clicked(self) -> None:
        self.hide()
        self.closed.emit()
