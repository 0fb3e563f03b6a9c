"""Signing settings for this portfolio's exports: which staff boxes, and an optional TSA.

Stored encrypted in the portfolio (``identity_service.set_signing_settings``), the same
settings ``portfolio identity settings`` changes. The export prepares one signature box per
staff role ticked here; a time-stamping authority, when given, adds an RFC 3161 timestamp to
the student's signature (only a hash of the signature is sent to it).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.identity_service import SigningSettings
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.icons import icon
from portfolio_app.gui.trust_text import STAFF_ROLE_ORDER, role_label
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label


def settings_summary(settings: SigningSettings) -> str:
    """One line for the export dialog: the boxes and the timestamp source."""
    boxes = ", ".join(role_label(r).lower() for r in settings.staff_roles)
    stamp = f"timestamps from {settings.tsa_url}" if settings.tsa_url else "no timestamp"
    return f"Staff boxes: {boxes}; {stamp}."


class SigningSettingsDialog(QDialog):
    """Tick the staff boxes, give a TSA address or none; Save stores them in the portfolio."""

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Signing settings")
        self.setWindowIcon(icon("preferences"))
        current = identity_service.signing_settings(service)
        self.saved: SigningSettings | None = None

        boxes = QGroupBox("Staff signature boxes in your exports", self)
        explain = plain_label(
            "Your course tells you who countersigns portfolios. The export prepares one box "
            "for each role ticked here, and only a certificate with that role can sign it.",
            boxes,
        )
        self.role_checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for position, role in enumerate(STAFF_ROLE_ORDER):
            check = QCheckBox(role_label(role), boxes)
            check.setChecked(role in current.staff_roles)
            check.setAccessibleName(f"Prepare a {role_label(role).lower()} box")
            check.toggled.connect(self._update)
            self.role_checks[role] = check
            grid.addWidget(check, position // 2, position % 2)
        boxes_layout = QVBoxLayout(boxes)
        boxes_layout.addWidget(explain)
        boxes_layout.addLayout(grid)

        stamp = QGroupBox("Trusted time (optional)", self)
        self.tsa_edit = QLineEdit(current.tsa_url or "", stamp)
        self.tsa_edit.setAccessibleName("Time-stamping authority address (RFC 3161)")
        self.tsa_edit.setPlaceholderText("https://… (leave empty for none)")
        self.tsa_edit.setClearButtonEnabled(True)
        self.tsa_edit.textChanged.connect(self._update)
        stamp_form = QFormLayout(stamp)
        stamp_form.addRow(
            plain_label(
                "Without a timestamp, the signing time is your computer's clock. If your "
                "institution runs a time-stamping authority, give its address: each export "
                "then sends it a hash of your signature (never your portfolio) and signs in "
                "the answer. Leave it empty and nothing is sent anywhere.",
                stamp,
            )
        )
        stamp_form.addRow("&Address:", self.tsa_edit)
        label = stamp_form.labelForField(self.tsa_edit)
        if isinstance(label, QLabel):
            label.setBuddy(self.tsa_edit)

        self.error_label = plain_label("", self, accessible_name="Problem")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(boxes)
        layout.addWidget(stamp)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        add_close_keys(self)
        self._update()

    def chosen_roles(self) -> list[str]:
        """The staff roles ticked, in the export's order."""
        return [role for role, check in self.role_checks.items() if check.isChecked()]

    def _update(self, *_args: object) -> None:
        problem = ""
        url = self.tsa_edit.text().strip()
        if not self.chosen_roles():
            problem = "Tick at least one staff box (usually Tutor)."
        elif url and not url.startswith(("http://", "https://")):
            problem = "The address must start with http:// or https://."
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setEnabled(not problem)

    @override
    def accept(self) -> None:
        url = self.tsa_edit.text().strip()
        try:
            self.saved = identity_service.set_signing_settings(
                self._service,
                staff_roles=self.chosen_roles(),
                tsa_url=url or None,
                clear_tsa=not url,
            )
        except PortfolioError as exc:
            self.error_label.setText(f"Not saved: {exc.user_message}")
            self.error_label.show()
            return
        super().accept()
