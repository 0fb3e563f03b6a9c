"""Get certified: swap the portfolio's self-signed certificate for one the course CA issued.

Two steps, each in plain words about what goes to whom and what comes back:

1. Save a certificate request (``identity_service.make_certificate_request``) and send it to
   the person who runs the course's certificates. It holds the name, id, programme and public
   key; the private key never leaves the vault.
2. Import the file that comes back (``identity_service.import_certificate_chain``): the new
   certificate and the course CA certificate, for the same key.

The top of the dialog says who the portfolio signs as now (``describe_identity``): name, id,
role, fingerprint, validity, and whether the certificate is self-signed or course-issued.
Certificates come from outside, so every name in them is shown as plain text.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.icons import icon
from portfolio_app.gui.trust_text import role_label
from portfolio_app.gui.widgets.form_helpers import add_label_rows, clear_layout, fit_to_screen
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.widgets.verdict_banner import VerdictBanner, VerdictLook
from portfolio_app.gui.window_state import remember_folder, remembered_folder

CSR_FILTER = "Certificate requests (*.csr *.pem)"
CERT_FILTER = "Certificates (*.pem *.crt *.cer);;All files (*)"

SELF_SIGNED_LOOK = VerdictLook(
    "warning", "verdict-untrusted", "Your certificate is self-signed (not from your course)"
)
COURSE_LOOK = VerdictLook("success", "verdict-valid", "Your certificate was issued by your course")
NO_IDENTITY_LOOK = VerdictLook("info", "certificate", "You have no signing identity yet")

SEND_TEXT = (
    "Save a certificate request and send it to whoever runs your course's certificates: "
    "usually your personal or module tutor, or the programme office (they will say). Email or "
    "the VLE is fine. The request holds your name, student ID, programme and public key only; "
    "your private key and everything you wrote stay in this portfolio. They check that the "
    "request is yours, then send one file back."
)
IMPORT_TEXT = (
    "The file that comes back (for example student.pem) holds your new certificate and the "
    "course CA's certificate. Import it here. Your key stays the same; exports from now on "
    "carry the course certificate, which your tutor and assessors check with the course CA."
)
STAFF_TEXT = (
    "Tutors and other staff do the same: the course issues your certificate with your role "
    "(tutor, second marker, moderator or practice assessor), and only then can you countersign."
)


def request_file_name(student_name: str) -> str:
    """``zoë-ñúñez-certificate-request.csr``: a name that says whose request it is."""
    slug = re.sub(r"[^\w]+", "-", student_name.casefold()).strip("-") or "portfolio"
    return f"{slug}-certificate-request.csr"


class GetCertifiedDialog(QDialog):
    """Current identity, then Step 1 (save the request) and Step 2 (import the certificate).

    Signals:
        identity_changed(): a certificate was imported (or an identity made).
    """

    identity_changed = Signal()

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Get certified")
        self.setWindowIcon(icon("certificate"))

        body = QWidget(self)
        # -- who the portfolio signs as now
        current = QGroupBox("Who your exports are signed as", body)
        self.identity_banner = VerdictBanner(current)
        self.identity_grid = QGridLayout()
        self.identity_grid.setColumnStretch(1, 1)
        self.identity_labels: dict[str, QLabel] = {}
        current_layout = QVBoxLayout(current)
        current_layout.addWidget(self.identity_banner)
        current_layout.addLayout(self.identity_grid)

        # -- step 1
        step1 = QGroupBox("Step 1: ask your course for a certificate", body)
        self.request_button = QPushButton(icon("export"), "&Save certificate request…", step1)
        self.request_status = plain_label("", step1, accessible_name="Request status")
        step1_layout = QVBoxLayout(step1)
        step1_layout.addWidget(plain_label(SEND_TEXT, step1))
        step1_layout.addWidget(self.request_button)
        step1_layout.addWidget(self.request_status)
        self.request_status.hide()  # shown with the outcome

        # -- step 2
        step2 = QGroupBox("Step 2: import the certificate that comes back", body)
        self.import_button = QPushButton(icon("import"), "&Import issued certificate…", step2)
        self.import_status = plain_label("", step2, accessible_name="Import status")
        step2_layout = QVBoxLayout(step2)
        step2_layout.addWidget(plain_label(IMPORT_TEXT, step2))
        step2_layout.addWidget(self.import_button)
        step2_layout.addWidget(self.import_status)
        self.import_status.hide()

        body_layout = QVBoxLayout(body)
        body_layout.addWidget(current)
        body_layout.addWidget(step1)
        body_layout.addWidget(step2)
        body_layout.addWidget(plain_label(STAFF_TEXT, body))
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.settings_button = self.buttons.addButton(
            "Si&gning settings…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 50, 56)
        add_close_keys(self)

        self.request_button.clicked.connect(self._on_request_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.settings_button.clicked.connect(self._on_settings_clicked)
        self.refresh()
        self.request_button.setFocus()

    # ---- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the identity as it is now."""
        self.identity_labels = {}
        clear_layout(self.identity_grid)
        try:
            identity = identity_service.load_identity(self._service)
        except PortfolioError as exc:
            self.identity_banner.show_look(
                VerdictLook("error", "verdict-broken", "Your signing identity cannot be read"),
                exc.user_message,
            )
            return
        if identity is None:
            self.identity_banner.show_look(
                NO_IDENTITY_LOOK,
                "One is made when you save a certificate request (or at your first export): "
                "a key that never leaves this portfolio, and a self-signed certificate.",
            )
            return
        from portfolio_app.core.signing.identity import load_certificate, name_summary

        info = identity_service.describe_identity(identity)
        issuer = name_summary(load_certificate(identity.certificate_pem).issuer)["name"]
        if info.self_signed:
            self.identity_banner.show_look(
                SELF_SIGNED_LOOK,
                "Assessors can only trust it by its fingerprint, and it cannot countersign. "
                "Follow the two steps below.",
            )
        else:
            self.identity_banner.show_look(
                COURSE_LOOK, f"Issued by {issuer or info.issuer}. Nothing more to do."
            )
        roles = _roles_text(info.role)
        rows = [
            ("Name", info.name or "(none)"),
            ("ID", info.student_id or "(none)"),
            ("Role", roles or "None (self-signed certificates carry no role)"),
            ("Issued by", "Yourself (self-signed)" if info.self_signed else issuer or info.issuer),
            ("Valid", f"{_day(info.not_before)} to {_day(info.not_after)}"),
            ("Fingerprint (SHA-256)", _two_lines(info.fingerprint)),
        ]
        self.identity_labels = add_label_rows(
            self.identity_grid, rows, self, monospace={"Fingerprint (SHA-256)"}
        )

    def identity_text(self) -> dict[str, str]:
        """The identity rows shown (label -> text)."""
        return {label: widget.text() for label, widget in self.identity_labels.items()}

    # ---- the two steps --------------------------------------------------------------------------

    def save_request(self, path: Path) -> bool:
        """Step 1: write the certificate request to ``path`` (making the identity if needed)."""
        try:
            identity_service.make_certificate_request(self._service, path)
        except (PortfolioError, OSError) as exc:
            message = exc.user_message if isinstance(exc, PortfolioError) else str(exc)
            _say(self.request_status, f"Not saved: {message}")
            return False
        remember_folder("identity", str(path.parent))
        _say(
            self.request_status,
            f"Saved {path}. Send this file to your course; keep this portfolio as it is (the "
            "certificate that comes back only fits this portfolio's key).",
        )
        self.refresh()
        self.identity_changed.emit()
        return True

    def import_certificate(self, path: Path) -> bool:
        """Step 2: import the certificate (and CA) file the course sent back."""
        try:
            data = identity_service.read_pem_file(path, "certificate")
            identity_service.import_certificate_chain(self._service, data)
        except PortfolioError as exc:
            _say(self.import_status, f"Not imported: {exc.user_message}")
            return False
        remember_folder("identity", str(path.parent))
        identity = identity_service.load_identity(self._service)
        info = identity_service.describe_identity(identity) if identity else None
        if info is not None:
            roles = _roles_text(info.role)
            kind = f" with a {roles.lower()} certificate" if roles else ""
            _say(
                self.import_status,
                f"Imported. You now sign as {info.name or 'you'}{kind}, valid until "
                f"{_day(info.not_after)}.",
            )
        self.refresh()
        self.identity_changed.emit()
        return True

    # ---- slots ----------------------------------------------------------------------------------

    def _on_request_clicked(self) -> None:
        folder = remembered_folder("identity") or str(Path.home())
        default = Path(folder) / request_file_name(self._service.profile.name)
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the certificate request", str(default), CSR_FILTER
        )
        if name:
            self.save_request(Path(name))

    def _on_import_clicked(self) -> None:
        folder = remembered_folder("identity") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, "The certificate your course sent back", folder, CERT_FILTER
        )
        if name:
            self.import_certificate(Path(name))

    def _on_settings_clicked(self) -> None:
        from portfolio_app.gui.dialogs.signing_settings_dialog import SigningSettingsDialog

        dialog = SigningSettingsDialog(self._service, self)
        dialog.exec()
        dialog.deleteLater()


def _day(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


def _two_lines(fingerprint: str) -> str:
    half = len(fingerprint) // 2 + 1 if len(fingerprint) >= 60 else len(fingerprint)
    return f"{fingerprint[:half]}\n{fingerprint[half:]}".rstrip("\n")


def _roles_text(role: str | None) -> str:
    """``tutor, second-marker`` -> ``Tutor, Second marker``."""
    return ", ".join(role_label(r.strip()) for r in (role or "").split(",") if r.strip())


def _say(label: QLabel, text: str) -> None:
    """Show an outcome line (hidden while there is none, so it takes no room)."""
    label.setText(text)
    label.setVisible(bool(text))
