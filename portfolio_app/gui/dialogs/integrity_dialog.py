"""What changed outside the app, and what cannot be read: shown once at unlock.

Every line is plain text (titles and file names come from the portfolio and, after tampering,
from whoever edited the file), in a list the student can read with a screen reader. "Keep it
as it is now" calls ``PortfolioService.acknowledge_integrity_findings`` (the same call as
``portfolio check --accept``): edited columns get their saved values back and the manifest is
re-based; the signed export waits for it. Restoring a backup is on the File menu.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.icons import icon


class IntegrityDialog(QDialog):
    """The findings and damaged records, with "Keep it as it is now" and "Decide later"."""

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Your portfolio was changed outside the app")
        self.setWindowIcon(icon("passphrase"))
        findings = list(service.integrity_findings)
        damaged = list(service.damaged)
        intro = QLabel(self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        parts = []
        if findings:
            parts.append(
                f"{len(findings)} change(s) were made to the portfolio file by something other "
                "than this app (a person with access to this computer, a sync tool, or damage). "
                "Where a saved value is known, it is shown instead of the changed one."
            )
        if damaged:
            parts.append(f"{len(damaged)} record(s) cannot be read; everything else loaded.")
        parts.append(
            "If you did not expect this, restore a backup taken before it (File > Restore from "
            "a backup…). The signed export waits until you choose."
        )
        intro.setText("\n\n".join(parts))
        self.list = QListWidget(self)
        self.list.setAccessibleName("What changed and what cannot be read")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(4)
        for finding in findings:
            self.list.addItem(f"Changed: {finding.message}")
        for record in damaged:
            self.list.addItem(f"Cannot be read: {record.describe()}")
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.keep_button = buttons.addButton(
            "&Keep it as it is now (I have read this)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.keep_button.setVisible(bool(findings))
        self.later_button = buttons.addButton(
            "Decide &later", QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.keep)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().height() * 48, self.fontMetrics().height() * 30)

    def keep(self) -> None:
        """Acknowledge the findings (the export may run again) and close."""
        try:
            self._service.acknowledge_integrity_findings()
        except PortfolioError as exc:
            self.status.setText(f"Not done: {exc.user_message}")
            return
        self.accept()
