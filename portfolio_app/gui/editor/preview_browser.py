"""A read-only rendered view of Markdown that never fetches anything and asks before opening links.

Qt's QTextBrowser does not fetch remote resources, but it does read local files and ``qrc:``
names through ``loadResource``; we refuse every resource, so even a stray ``file:`` name cannot
read the disk. Links are not followed inside the browser (``setOpenLinks(False)``) and not
handed to the OS silently (``setOpenExternalLinks(False)``): a click asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QWidget
from typing_extensions import override

from portfolio_app.core.markdown_html import LINK_SCHEMES


class PreviewBrowser(QTextBrowser):
    """Shows sanitised HTML; link clicks need the student's confirmation."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)
        self.setAccessibleName(name)
        self.setAccessibleDescription("Read only: the text as it will read in the PDF")
        self.anchorClicked.connect(self._on_anchor_clicked)
        #: Asks whether to open a link (replaced in tests).
        self.confirm_open: Callable[[QUrl], bool] = self._ask_to_open
        #: Opens a link outside the app (replaced in tests).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl

    @override
    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme().lower() not in LINK_SCHEMES:
            return
        if self.confirm_open(url):
            self.open_url(url)

    def _ask_to_open(self, url: QUrl) -> bool:
        answer = QMessageBox.question(
            self,
            "Open link?",
            f"Open this link in your web browser?\n\n{url.toDisplayString()}\n\n"
            "The web site will see that you visited it.",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Open
