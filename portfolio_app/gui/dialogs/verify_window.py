"""Verify a signed portfolio PDF: drop it (or choose it), say what to trust, read the verdict.

Verification (:func:`portfolio_app.core.services.export_service.verify_file`) runs in the
background; pyHanko is imported there, not when the window opens. The report is shown in
plain words: one verdict line with an icon *and* words, then one card per signature saying
who signed, the certificate fingerprint, the signing time as the signer's own clock claim,
whether the signed bytes are intact, what changed after signing and whether that was
allowed, and whether the signer is trusted by what the assessor added.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFontDatabase,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.gui.background import CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.trust_anchor_list_model import (
    TrustAnchor,
    TrustAnchorListModel,
)
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.signing.verification import SignatureCheck, VerificationReport

PDF_FILTER = "PDF files (*.pdf);;All files (*)"
CERT_FILTER = "Certificates (*.pem *.crt *.cer *.der);;All files (*)"

#: Verdict value -> (icon name, headline). The headline is words, so the icon is never alone.
VERDICT_TEXT: dict[str, tuple[str, str]] = {
    "valid-trusted": ("verify", "Valid and trusted"),
    "valid-untrusted": ("info", "Intact, but the signer is not confirmed"),
    "broken-or-modified": (
        "warning",
        "Not valid: changed after signing, a broken signature, or a forged role",
    ),
    "not-signed-or-unreadable": ("warning", "Not a signed portfolio, or unreadable"),
    "missing-required-signature": ("info", "Valid and trusted, but a countersignature is missing"),
}
#: Said after the verifier's own reason, where it adds something.
VERDICT_ADVICE: dict[str, str] = {
    "broken-or-modified": "Do not accept this file; ask the student for a fresh export.",
}
_ROLE_TEXT = {
    "student-certification": "Student's signature (certifies the portfolio)",
    "staff-countersignature": "Staff countersignature",
    "other": "Other signature",
}
_CHANGE_TEXT = {
    "lta-updates": "validation data was added",
    "form-filling": "form filling and further signatures (such as a tutor's countersignature)",
    "annotations": "comments or annotations were added",
    "other": "other changes were made",
}


def signing_time_text(sig: SignatureCheck) -> str:
    """The claimed time in local time, labelled as the signer's own clock."""
    if sig.claimed_signing_time is None:
        return "Not given"
    when = sig.claimed_signing_time.astimezone().strftime("%d %b %Y, %H:%M %Z").lstrip("0")
    return f"{when}, from the signer's own clock (not a trusted time)"


def changes_text(sig: SignatureCheck) -> str:
    """What changed after this signature, and whether the student's certification allows it."""
    if not (sig.intact and sig.cryptographically_valid):
        return "Cannot be judged: the signed content itself no longer matches the signature."
    if sig.coverage == "entire-file" or sig.modification_level == "none":
        return "No: the signature covers the whole file."
    if sig.modification_level is None:
        return "Cannot tell what changed after signing."
    what = _CHANGE_TEXT.get(sig.modification_level, "changes were made")
    allowed = {
        True: "Allowed by the student's certification.",
        False: "NOT allowed by the student's certification.",
        None: "Cannot tell whether this is allowed.",
    }[sig.docmdp_ok]
    return f"Yes: {what}. {allowed}"


def signature_rows(sig: SignatureCheck) -> list[tuple[str, str]]:
    """The lines of one signature card, as (label, text) pairs in plain words."""
    rows = [("Signed by", sig.signer_name or "Unknown signer")]
    if sig.signer_id:
        rows.append(("Student or staff ID", sig.signer_id))
    if sig.box_role:
        rows.append(("Box", sig.box_role.replace("-", " ")))
    rows.append(
        ("Certificate fingerprint (SHA-256)", _two_lines(sig.fingerprint) or "Not available")
    )
    rows.append(("Signing time", signing_time_text(sig)))
    rows.append(
        (
            "Intact",
            "Yes: the signed content is unchanged and the signature matches it."
            if sig.intact and sig.cryptographically_valid
            else "NO: the signed content was changed, or the signature does not match it.",
        )
    )
    rows.append(("Changed after signing", changes_text(sig)))
    if sig.trusted:
        trusted = f"Yes, through {sig.trust_anchor}."
    elif not (sig.intact and sig.cryptographically_valid):
        trusted = "No: a broken signature cannot be trusted, whoever made it."
    else:
        trusted = (
            "No: not issued by a CA you added, and not a certificate or fingerprint you added."
        )
    rows.append(("Trusted", trusted))
    if sig.decision:
        from portfolio_app.core.signing.notes import DECISION_LABELS

        rows.append(("Decision", DECISION_LABELS.get(sig.decision, sig.decision)))
    if sig.comment:
        rows.append(("Feedback", sig.comment))
    rows.extend(("Problem", problem) for problem in sig.problems)
    return rows


def _two_lines(fingerprint: str | None) -> str | None:
    """``AB:CD:…`` split after its 16th byte, so it fits a narrow window and reads in halves."""
    if not fingerprint or len(fingerprint) < 60:
        return fingerprint
    half = len(fingerprint) // 2 + 1
    return f"{fingerprint[:half]}\n{fingerprint[half:]}"


class SignatureCard(QGroupBox):
    """One signature's findings, as a titled form of selectable text."""

    def __init__(self, sig: SignatureCheck, parent: QWidget | None = None) -> None:
        title = f"Signature {sig.index}: {_ROLE_TEXT.get(sig.role.value, sig.role.value)}"
        if not sig.ok:
            title += " (PROBLEM)"
        super().__init__(title, parent)
        self.setAccessibleName(title)
        # A grid rather than a QFormLayout: the form layout's height-for-width under-counts
        # wrapped labels on some platforms (seen on xcb), clipping their last line.
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.rows = signature_rows(sig)
        for row, (label, text) in enumerate(self.rows):
            name = QLabel(f"{label}:", self)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = QLabel(text, self)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            if label.startswith("Certificate fingerprint"):
                value.setFont(mono)  # two fixed lines: no wrapping needed
            else:
                value.setWordWrap(True)
            if label in ("Intact", "Changed after signing", "Problem") and not sig.ok:
                font = value.font()
                font.setBold(True)
                value.setFont(font)
            name.setBuddy(value)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)


class _DropZone(QLabel):
    """The framed area that invites a drop; it says so in words while a file hovers."""

    IDLE_TEXT = "Drop a signed portfolio PDF here"
    HOVER_TEXT = "Release to verify this file"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(self.IDLE_TEXT, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setMinimumHeight(self.fontMetrics().height() * 4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)

    def set_hovered(self, hovered: bool) -> None:
        self.setText(self.HOVER_TEXT if hovered else self.IDLE_TEXT)
        self.setFrameShadow(QFrame.Shadow.Raised if hovered else QFrame.Shadow.Sunken)


class VerifyWindow(QDialog):
    """Drop or choose a PDF, add trust anchors, and read the verification report.

    Signals:
        verified(object): the :class:`VerificationReport` of the latest check.
        verification_failed(str): the check itself could not run (unreadable file, bad trust
            input); the message says why.
    """

    verified = Signal(object)
    verification_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a signed portfolio")
        self.setWindowIcon(icon("verify"))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAcceptDrops(True)
        self._path: Path | None = None
        self._generation = 0
        self.report: VerificationReport | None = None

        # -- the file
        self.drop_zone = _DropZone(self)
        self.choose_button = QPushButton(icon("find"), "&Choose PDF…", self)
        self.file_label = QLabel("No file chosen yet.", self)
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)

        # -- trust
        trust_box = QGroupBox("Who do you trust? (optional)", self)
        self.trust_model = TrustAnchorListModel(self)
        self.trust_view = QListView(trust_box)
        self.trust_view.setModel(self.trust_model)
        self.trust_view.setAccessibleName("Trusted certificates and fingerprints")
        self.trust_view.setMaximumHeight(self.fontMetrics().height() * 4)
        self.trust_view.hide()  # shown once something is added
        self.add_cert_button = QPushButton("Add CA or cer&tificate file…", trust_box)
        self.fingerprint_edit = QLineEdit(trust_box)
        self.fingerprint_edit.setAccessibleName("Certificate fingerprint to trust (SHA-256)")
        self.fingerprint_edit.setPlaceholderText("SHA-256 fingerprint, e.g. AB:CD:…")
        self.add_fingerprint_button = QPushButton("Add &fingerprint", trust_box)
        self.remove_anchor_button = QPushButton("&Remove", trust_box)
        self.trust_error_label = QLabel(trust_box)
        self.trust_error_label.setWordWrap(True)
        self.trust_error_label.hide()
        explain = QLabel(
            "Add the course CA certificate your tutor gave you, the student's certificate, or "
            "the fingerprint the student registered. Nothing is fetched from the internet.",
            trust_box,
        )
        explain.setWordWrap(True)
        fp_row = QHBoxLayout()
        fp_row.addWidget(self.fingerprint_edit, 1)
        fp_row.addWidget(self.add_fingerprint_button)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_cert_button)
        buttons_row.addWidget(self.remove_anchor_button)
        buttons_row.addStretch(1)
        trust_layout = QVBoxLayout(trust_box)
        trust_layout.addWidget(explain)
        trust_layout.addWidget(self.trust_view)
        trust_layout.addLayout(buttons_row)
        trust_layout.addLayout(fp_row)
        trust_layout.addWidget(self.trust_error_label)

        # -- the result
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setAccessibleName("Verifying")
        self.busy_bar.hide()
        self.verdict_icon = QLabel(self)
        self.verdict_label = QLabel(self)
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setAccessibleName("Verdict")
        verdict_font = self.verdict_label.font()
        verdict_font.setBold(True)
        verdict_font.setPointSizeF(verdict_font.pointSizeF() * 1.25)
        self.verdict_label.setFont(verdict_font)
        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setAccessibleName("Why")
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.verdict_icon, 0, Qt.AlignmentFlag.AlignTop)
        verdict_row.addWidget(self.verdict_label, 1)
        self.cards_widget = QWidget(self)
        self.cards_layout = QVBoxLayout(self.cards_widget)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addStretch(1)
        results = QWidget(self)
        results_layout = QVBoxLayout(results)
        results_layout.addLayout(verdict_row)
        results_layout.addWidget(self.reason_label)
        results_layout.addWidget(self.cards_widget, 1)
        self.report_area = QScrollArea(self)
        self.report_area.setWidgetResizable(True)
        self.report_area.setWidget(results)
        self.report_area.setAccessibleName("Verification report")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = self.buttons.addButton(
            "C&opy report", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.drop_zone)
        layout.addLayout(file_row)
        layout.addWidget(trust_box)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.report_area, 1)
        layout.addWidget(self.buttons)
        line = self.fontMetrics().height()
        self.resize(line * 50, line * 56)

        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.add_cert_button.clicked.connect(self._on_add_cert_clicked)
        self.add_fingerprint_button.clicked.connect(self._on_add_fingerprint_clicked)
        self.fingerprint_edit.returnPressed.connect(self._on_add_fingerprint_clicked)
        self.remove_anchor_button.clicked.connect(self._on_remove_anchor_clicked)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.trust_view.selectionModel().selectionChanged.connect(self._on_trust_selection_changed)
        self.remove_anchor_button.setEnabled(False)
        self.reason_label.setText("Drop or choose a PDF; its report appears here.")
        self.choose_button.setFocus()

    # ---- public ---------------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """Whether a verification is running."""
        return self.busy_bar.isVisible()

    def verify_file(self, path: Path) -> None:
        """Verify ``path`` in the background with the current trust anchors."""
        self._path = path
        self.file_label.setText(f"File: {path}")
        self._start()

    def add_certificate_file(self, path: Path) -> bool:
        """Trust the certificate(s) in a PEM/DER file; False (with a message) when unreadable."""
        from portfolio_app.core.signing.identity import (
            fingerprint_sha256,
            load_certificates,
            name_summary,
        )

        try:
            data = path.read_bytes()
            certs = load_certificates(data)
            from cryptography.hazmat.primitives import serialization

            first_pem = certs[0].public_bytes(serialization.Encoding.PEM)
            fingerprint = fingerprint_sha256(first_pem)
            name = name_summary(certs[0].subject)["name"] or path.name
        except OSError as exc:
            self._show_trust_error(f"{path.name} could not be read: {exc.strerror}")
            return False
        except PortfolioError as exc:
            self._show_trust_error(f"{path.name}: {exc.user_message}")
            return False
        more = f" and {len(certs) - 1} more" if len(certs) > 1 else ""
        label = f"{name}{more} ({_short_fingerprint(fingerprint)}, from {path.name})"
        self.trust_model.add(TrustAnchor(label=label, certificate=data))
        self._trust_changed()
        return True

    def add_fingerprint(self, text: str) -> bool:
        """Trust a SHA-256 fingerprint; False (with a message) when it is not one."""
        from portfolio_app.core.signing.identity import normalise_fingerprint

        try:
            fingerprint = normalise_fingerprint(text)
        except PortfolioError as exc:
            self._show_trust_error(exc.user_message)
            return False
        self.trust_model.add(TrustAnchor(label=fingerprint, fingerprint=fingerprint))
        self.fingerprint_edit.clear()
        self._trust_changed()
        return True

    # ---- drag and drop --------------------------------------------------------------------------

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event.mimeData().urls()) is not None:
            event.acceptProposedAction()
            self.drop_zone.set_hovered(True)
        else:
            event.ignore()

    @override
    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.set_hovered(False)
        super().dragLeaveEvent(event)

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_zone.set_hovered(False)
        path = _dropped_file(event.mimeData().urls())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.verify_file(path)

    # ---- running --------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._path is None:
            return
        path = self._path
        certificates = self.trust_model.certificates()
        fingerprints = self.trust_model.fingerprints()
        self._generation += 1
        generation = self._generation

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> VerificationReport:
            from portfolio_app.core.services.export_service import verify_file

            return verify_file(path, trust_pems=certificates, fingerprints=fingerprints)

        self.busy_bar.show()
        self.verdict_icon.clear()
        self.verdict_label.setText("Verifying…")
        self.reason_label.clear()
        self._clear_cards()
        run_in_background(
            work,
            on_success=lambda report: self._on_verified(generation, report),
            on_error=lambda error: self._on_failed(generation, error),
        )

    def _on_verified(self, generation: int, report: VerificationReport) -> None:
        if generation != self._generation:
            return  # a newer check (other file or trust) is on its way
        self.busy_bar.hide()
        self.report = report
        self._show_report(report)
        self.verified.emit(report)

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.busy_bar.hide()
        self.report = None
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"The check could not run ({type(error).__name__})."
        )
        self._set_verdict("warning", "Could not verify", message)
        self.copy_button.setEnabled(False)
        self.verification_failed.emit(message)

    # ---- showing --------------------------------------------------------------------------------

    def _set_verdict(self, icon_name: str, headline: str, reason: str) -> None:
        size = self.verdict_label.fontMetrics().height() * 2
        self.verdict_icon.setPixmap(icon(icon_name).pixmap(QSize(size, size)))
        self.verdict_icon.setAccessibleName(headline)
        self.verdict_label.setText(headline)
        self.reason_label.setText(reason)

    def _show_report(self, report: VerificationReport) -> None:
        icon_name, headline = VERDICT_TEXT[report.verdict.value]
        reason = "\n".join(
            part for part in (report.reason, VERDICT_ADVICE.get(report.verdict.value, "")) if part
        )
        if report.warnings:
            reason += "\n" + "\n".join(f"Warning: {w}" for w in report.warnings)
        self._set_verdict(icon_name, headline, reason)
        self._clear_cards()
        for sig in report.signatures:
            self.cards_layout.insertWidget(self.cards_layout.count() - 1, SignatureCard(sig))
        self.copy_button.setEnabled(True)

    def _clear_cards(self) -> None:
        for card in self.cards_widget.findChildren(SignatureCard):
            self.cards_layout.removeWidget(card)
            card.hide()  # deleteLater waits for the event loop; it must vanish now
            card.deleteLater()

    def signature_cards(self) -> list[SignatureCard]:
        """The cards shown, in order."""
        cards: list[SignatureCard] = []
        for i in range(self.cards_layout.count()):
            item = self.cards_layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, SignatureCard):
                cards.append(widget)
        return cards

    # ---- slots ----------------------------------------------------------------------------------

    def _on_choose_clicked(self) -> None:
        start = remembered_folder("verify") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, "Choose a portfolio PDF", start, PDF_FILTER
        )
        if name:
            remember_folder("verify", str(Path(name).parent))
            self.verify_file(Path(name))

    def _on_add_cert_clicked(self) -> None:
        start = remembered_folder("trust") or str(Path.home())
        names, _filter = QFileDialog.getOpenFileNames(
            self, "Trust a CA or certificate", start, CERT_FILTER
        )
        for name in names:
            remember_folder("trust", str(Path(name).parent))
            self.add_certificate_file(Path(name))

    def _on_add_fingerprint_clicked(self) -> None:
        if self.fingerprint_edit.text().strip():
            self.add_fingerprint(self.fingerprint_edit.text())

    def _on_remove_anchor_clicked(self) -> None:
        rows = self.trust_view.selectionModel().selectedRows()
        if rows:
            self.trust_model.remove(rows[0].row())
            self._trust_changed()

    def _on_trust_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self.remove_anchor_button.setEnabled(self.trust_view.selectionModel().hasSelection())

    def _on_copy_clicked(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText("\n".join(self.report.describe()))

    def _trust_changed(self) -> None:
        self.trust_error_label.hide()
        self.trust_view.setVisible(self.trust_model.rowCount() > 0)
        self.remove_anchor_button.setEnabled(self.trust_view.selectionModel().hasSelection())
        if self._path is not None:
            self._start()

    def _show_trust_error(self, message: str) -> None:
        self.trust_error_label.setText(f"Not added: {message}")
        self.trust_error_label.show()


def _short_fingerprint(fingerprint: str) -> str:
    return f"{fingerprint[:11]}…{fingerprint[-5:]}"


def _dropped_file(urls: Sequence[Any]) -> Path | None:
    """The single local file being dragged, or None."""
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.is_file() else None
