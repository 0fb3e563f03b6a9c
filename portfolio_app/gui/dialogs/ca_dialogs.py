"""The course-certificates window's dialogs: create a CA, review and issue a request, revoke,
and ask for the CA passphrase.

The CA passphrase is typed into the dialog that needs it and handed to the worker for one
operation; it is never stored (no setting, no attribute kept after the dialog closes). Every
operation that opens the CA key derives an Argon2id key (about 0.3 s), so it runs on a worker
thread (``gui.background``) while the dialog shows a busy bar and cannot be closed. Names and
ids come from a certificate request somebody sent: they are shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.gui.background import CancelledFn, ProgressFn
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.issued_certificate_model import REASON_WORDS, status_text
from portfolio_app.gui.trust_text import role_label
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar
from portfolio_app.gui.widgets.form_helpers import add_label_rows, fit_to_screen, set_buddies
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.widgets.verdict_banner import VerdictBanner, VerdictLook
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.services.identity_service import (
        CourseCaInfo,
        IdentityInfo,
        IssuedCertificate,
        RequestInfo,
    )

ALL_ROLES = ("student", "tutor", "second-marker", "moderator", "practice-assessor")
CSR_FILTER = "Certificate requests (*.csr *.pem);;All files (*)"
PEM_FILTER = "Certificates (*.pem)"
CRL_FILTER = "Revocation lists (*.crl)"
#: Default validity in years: students for the programme plus appeals, staff shorter.
DEFAULT_YEARS = {"student": 7}
DEFAULT_STAFF_YEARS = 3
ERROR_LOOK = VerdictLook("error", "verdict-broken", "Not done")
WORKING_LOOK = VerdictLook("info", "certificate", "Working…")


def default_years(role: str) -> int:
    """The validity the CLI would give ``role`` (7 years for students, 3 for staff)."""
    return DEFAULT_YEARS.get(role, DEFAULT_STAFF_YEARS)


def _message(error: BaseException) -> str:
    if isinstance(error, PortfolioError):
        return error.user_message
    if isinstance(error, OSError):
        return f"a file could not be written ({error.strerror or error})"
    return f"something unexpected went wrong ({type(error).__name__})"


class _CaTaskDialog(BusyDialog):
    """A dialog with a status banner, a busy bar, and Esc/Ctrl+W (refused while busy)."""

    def _finish_layout(
        self, body: QWidget, action: QPushButton, size: tuple[int, int], *, default: bool = True
    ) -> None:
        """Body (scrolling), busy bar, banner, then the action and Cancel; Esc/Ctrl+W."""
        self.close_button = QPushButton("Cancel", self)
        (action if default else self.close_button).setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(action)
        buttons.addWidget(self.close_button)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.busy_bar = make_busy_bar(self, "Working with the CA key")
        self.banner = VerdictBanner(self)
        self.status_label = self.banner.reason_label
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        add_close_keys(self)
        fit_to_screen(self, *size)

    def _inputs(self) -> tuple[QWidget, ...]:
        """What the person can change (disabled while the CA key is in use)."""
        return ()

    def _update(self, *_args: object) -> None:
        """Enable the action button when the form is complete."""

    def _succeeded(self, result: Any) -> None:
        """Tell the window (each dialog emits its own signal)."""

    @override
    def _start(self, work: Any, message: str) -> None:
        super()._start(work, message)
        self.banner.show_look(WORKING_LOOK, message)

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        for widget in (*self._inputs(), self.close_button):
            widget.setEnabled(not busy)
        self._update()

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        for edit in self.findChildren(QLineEdit):
            if edit.echoMode() == QLineEdit.EchoMode.Password:
                edit.clear()  # the passphrase is not kept a moment longer than needed
        self.result_info = result
        self._succeeded(result)
        self.accept()

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        self.banner.show_look(ERROR_LOOK, _message(error))


def passphrase_edit(parent: QWidget, name: str) -> QLineEdit:
    """A password field (never echoed, never remembered)."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


# ---- create a CA --------------------------------------------------------------------------------


class CreateCaDialog(_CaTaskDialog):
    """Name, institution, folder, the roles it may issue, and a new passphrase (twice).

    Signals:
        created(object): the :class:`CourseCaInfo` of the new CA.
    """

    created = Signal(object)

    def __init__(self, folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create a course CA")
        self.setWindowIcon(icon("certificate"))
        self.result_info: CourseCaInfo | None = None
        body = QWidget(self)
        intro = plain_label(
            "A course CA issues every certificate for the course: students and staff, each "
            "with a role. Assessors then trust its one certificate (ca-cert.pem). Keep its "
            "folder and passphrase safe: whoever has both can issue any role.",
            body,
        )
        self.name_edit = QLineEdit(body)
        self.name_edit.setPlaceholderText("e.g. IPL 2025 course CA")
        self.name_edit.setAccessibleName("CA name")
        self.institution_edit = QLineEdit(body)
        self.institution_edit.setPlaceholderText("e.g. University of Leicester")
        self.institution_edit.setAccessibleName("Institution")
        self.folder_edit = QLineEdit(str(folder) if folder else "", body)
        self.folder_edit.setAccessibleName("Folder for the CA")
        self.folder_browse = QPushButton("&Browse…", body)
        folder_row = QWidget(body)
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.folder_browse)
        folder_row.setFocusProxy(self.folder_edit)

        roles_box = QGroupBox("Roles this CA may issue", body)
        self.role_checks: dict[str, QCheckBox] = {}
        grid = QGridLayout(roles_box)
        for position, role in enumerate(ALL_ROLES):
            check = QCheckBox(role_label(role), roles_box)
            check.setChecked(True)
            check.setAccessibleName(f"May issue {role_label(role).lower()} certificates")
            check.toggled.connect(self._update)
            self.role_checks[role] = check
            grid.addWidget(check, position // 3, position % 3)
        grid.addWidget(
            plain_label(
                "Untick the staff roles for a students-only CA (and make a second, staff-only "
                "CA; assessors then add it as the staff CA).",
                roles_box,
            ),
            2,
            0,
            1,
            3,
        )

        self.passphrase_edit = passphrase_edit(body, "New CA passphrase")
        self.repeat_edit = passphrase_edit(body, "The CA passphrase again")
        from portfolio_app.gui.dialogs.unlock_dialog import strength_text

        self._strength_text = strength_text
        self.strength_label = plain_label("", body, accessible_name="Passphrase strength")

        form = QFormLayout()
        form.addRow("CA &name:", self.name_edit)
        form.addRow("&Institution:", self.institution_edit)
        form.addRow("&Folder:", folder_row)
        form.addRow(roles_box)
        form.addRow("&Passphrase:", self.passphrase_edit)
        form.addRow("&Again:", self.repeat_edit)
        form.addRow("", self.strength_label)
        set_buddies(
            form,
            (
                (self.name_edit, self.name_edit),
                (self.institution_edit, self.institution_edit),
                (folder_row, self.folder_edit),
                (self.passphrase_edit, self.passphrase_edit),
                (self.repeat_edit, self.repeat_edit),
            ),
        )
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(intro)
        body_layout.addLayout(form)
        body_layout.addStretch(1)

        self.create_button = QPushButton(icon("certificate"), "&Create the CA", self)
        self._finish_layout(body, self.create_button, (36, 34))

        for edit in (
            self.name_edit,
            self.institution_edit,
            self.folder_edit,
            self.passphrase_edit,
            self.repeat_edit,
        ):
            edit.textChanged.connect(self._update)
        self.folder_browse.clicked.connect(self._on_browse_clicked)
        self.create_button.clicked.connect(self.start)
        self._update()

    def roles(self) -> list[str]:
        """The roles ticked."""
        return [role for role, check in self.role_checks.items() if check.isChecked()]

    def problem(self) -> str:
        """What stops creating the CA, in words ('' when nothing)."""
        if not self.name_edit.text().strip():
            return "Give the CA a name (students and assessors see it)."
        if not self.institution_edit.text().strip():
            return "Give the institution."
        if not self.folder_edit.text().strip():
            return "Choose an empty folder for the CA."
        if not self.roles():
            return "Tick at least one role."
        if not self.passphrase_edit.text():
            return "Choose a passphrase for the CA key."
        if self.passphrase_edit.text() != self.repeat_edit.text():
            return "The two passphrases differ."
        return ""

    @override
    def _update(self, *_args: object) -> None:
        text = self.passphrase_edit.text()
        self.strength_label.setText(self._strength_text(text) if text else "")
        problem = self.problem()
        self.create_button.setEnabled(not problem and not self.is_busy)
        self.create_button.setToolTip(problem)

    def start(self) -> None:
        """Create the CA in the background."""
        if self.problem() or self.is_busy:
            return
        folder = Path(self.folder_edit.text().strip()).expanduser()
        name = self.name_edit.text().strip()
        institution = self.institution_edit.text().strip()
        roles = self.roles()
        passphrase = self.passphrase_edit.text()

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> CourseCaInfo:
            return identity_service.init_course_ca(
                folder, name=name, institution=institution, passphrase=passphrase, roles=roles
            )

        self._start(work, "Creating the CA key and certificate…")

    @override
    def _inputs(self) -> tuple[QWidget, ...]:
        return (
            self.name_edit,
            self.institution_edit,
            self.folder_edit,
            self.folder_browse,
            self.passphrase_edit,
            self.repeat_edit,
            *self.role_checks.values(),
        )

    @override
    def _succeeded(self, result: Any) -> None:
        remember_folder("course-ca", str(result.ca_dir))
        self.created.emit(result)

    def _on_browse_clicked(self) -> None:
        start = self.folder_edit.text().strip() or remembered_folder("course-ca") or ""
        name = QFileDialog.getExistingDirectory(self, "An empty folder for the course CA", start)
        if name:
            self.folder_edit.setText(name)


# ---- review and issue a request ------------------------------------------------------------------


@dataclass(frozen=True)
class IssueResult:
    """What issuing produced: the file to send back, its facts, and whether the CA key file
    was re-protected on the way."""

    path: Path
    info: IdentityInfo
    upgraded: bool


class ReviewRequestDialog(_CaTaskDialog):
    """Who the request names, the role and validity to issue, earlier certificates for that
    person and role (a clear warning), where to save the certificate, and the CA passphrase.

    Signals:
        issued(object): the :class:`IssueResult`.
    """

    issued = Signal(object)

    def __init__(
        self,
        ca_dir: Path,
        csr_path: Path,
        roles: tuple[str, ...] = ALL_ROLES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review a certificate request")
        self.setWindowIcon(icon("certificate"))
        self._ca_dir = ca_dir
        self._csr_path = csr_path
        self._csr = identity_service.read_pem_file(csr_path, "certificate request")
        self.request: RequestInfo = identity_service.review_request(
            ca_dir, self._csr, roles[0] if roles else "student"
        )
        self.result_info: IssueResult | None = None

        body = QWidget(self)
        who = QGroupBox("Who asks", body)
        grid = QGridLayout(who)
        grid.setColumnStretch(1, 1)
        rows = [
            ("Name", self.request.name or "(none)"),
            ("ID", self.request.student_id or "(none)"),
            ("Programme", self.request.programme or "(none)"),
            ("Institution", self.request.institution or "(none)"),
            ("Profession", self.request.profession or "(none)"),
            ("Key", self.request.key),
            ("Request file", str(csr_path)),
        ]
        self.request_labels = add_label_rows(grid, rows, who)
        check = plain_label(
            "Check these with the person (in person, or by a message you know is theirs) "
            "before you issue: the certificate says to every assessor that this is them.",
            who,
        )
        grid.addWidget(check, grid.rowCount(), 0, 1, 2)

        self.role_combo = QComboBox(body)
        for role in roles:
            self.role_combo.addItem(role_label(role), role)
        self.role_combo.setAccessibleName("Role to issue")
        self.years_spin = QSpinBox(body)
        self.years_spin.setRange(1, 30)
        self.years_spin.setSuffix(" years")
        self.years_spin.setAccessibleName("Validity in years")
        self.duplicate_banner = VerdictBanner(body)
        self.output_edit = QLineEdit(body)
        self.output_edit.setAccessibleName("Certificate file to send back")
        self.output_browse = QPushButton("Bro&wse…", body)
        output_row = QWidget(body)
        out_layout = QHBoxLayout(output_row)
        out_layout.setContentsMargins(0, 0, 0, 0)
        out_layout.addWidget(self.output_edit, 1)
        out_layout.addWidget(self.output_browse)
        output_row.setFocusProxy(self.output_edit)
        self.passphrase_edit = passphrase_edit(body, "CA passphrase")

        form = QFormLayout()
        form.addRow(who)
        form.addRow("&Role:", self.role_combo)
        form.addRow("&Valid for:", self.years_spin)
        form.addRow(self.duplicate_banner)
        form.addRow("&Save certificate as:", output_row)
        form.addRow("CA &passphrase:", self.passphrase_edit)
        set_buddies(
            form,
            (
                (self.role_combo, self.role_combo),
                (self.years_spin, self.years_spin),
                (output_row, self.output_edit),
                (self.passphrase_edit, self.passphrase_edit),
            ),
        )
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        body_layout.addStretch(1)

        self.issue_button = QPushButton(icon("certificate"), "&Issue certificate", self)
        self._finish_layout(body, self.issue_button, (38, 40))

        self.role_combo.currentIndexChanged.connect(self._on_role_changed)
        self.output_edit.textChanged.connect(self._update)
        self.passphrase_edit.textChanged.connect(self._update)
        self.passphrase_edit.returnPressed.connect(self.start)
        self.output_browse.clicked.connect(self._on_browse_clicked)
        self.issue_button.clicked.connect(self.start)
        self._on_role_changed()

    def role(self) -> str:
        """The role chosen."""
        return str(self.role_combo.currentData())

    def set_role(self, role: str) -> None:
        """Choose ``role`` (one the CA may issue)."""
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(role)))

    def duplicate_text(self) -> str:
        """The duplicate warning shown ('' when there is none)."""
        return self.duplicate_banner.reason_label.text() if self.request.existing else ""

    def _on_role_changed(self, *_args: object) -> None:
        role = self.role()
        try:
            self.request = identity_service.review_request(self._ca_dir, self._csr, role)
        except PortfolioError as exc:
            self.banner.show_look(ERROR_LOOK, exc.user_message)
        self.years_spin.setValue(default_years(role))
        safe_name = "".join(
            c for c in (self.request.name or "certificate") if c.isalnum() or c in " -_"
        )
        slug = "-".join(safe_name.split()).casefold() or "certificate"
        self.output_edit.setText(str(self._csr_path.with_name(f"{slug}-{role}.pem")))
        if self.request.existing:
            lines = []
            for old in self.request.existing:
                state = status_text(old)
                if state == "Valid":
                    state = f"valid until {old.not_after.day} {old.not_after:%b %Y}"
                lines.append(f"Serial {old.serial}: {state}.")
            lines.append(
                "Issue another only if it replaces the old one (a new laptop, a lost key), and "
                "then revoke the old one."
            )
            self.duplicate_banner.show_look(
                VerdictLook(
                    "warning",
                    "verdict-untrusted",
                    f"{self.request.name or 'This person'} already has a "
                    f"{role_label(role).lower()} certificate from this CA",
                ),
                "\n".join(lines),
            )
        else:
            self.duplicate_banner.hide()
        self._update()

    @override
    def _update(self, *_args: object) -> None:
        self.issue_button.setEnabled(
            bool(self.output_edit.text().strip())
            and bool(self.passphrase_edit.text())
            and not self.is_busy
        )

    def start(self) -> None:
        """Issue in the background, then write the certificate file to send back."""
        if not self.issue_button.isEnabled():
            return
        ca_dir, csr, role = self._ca_dir, self._csr, self.role()
        days = round(self.years_spin.value() * 365.25)
        out = Path(self.output_edit.text().strip()).expanduser()
        passphrase = self.passphrase_edit.text()
        upgrade = identity_service.ca_key_needs_upgrade(ca_dir)

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> IssueResult:
            from portfolio_app.core.export.atomic import write_atomically

            bundle, info = identity_service.issue_student_certificate(
                ca_dir, passphrase, csr, valid_days=days, role=role
            )
            write_atomically(out, bundle, mode=0o644)
            return IssueResult(out, info, upgrade)

        self._start(work, "Opening the CA key and issuing…")

    @override
    def _inputs(self) -> tuple[QWidget, ...]:
        return (
            self.role_combo,
            self.years_spin,
            self.output_edit,
            self.output_browse,
            self.passphrase_edit,
        )

    @override
    def _succeeded(self, result: Any) -> None:
        self.issued.emit(result)

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()

    def _on_browse_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the certificate to send back", self.output_edit.text(), PEM_FILTER
        )
        if name:
            self.output_edit.setText(name if name.lower().endswith(".pem") else f"{name}.pem")


# ---- revoke -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RevokeResult:
    """The revoked certificate, the CRL written, and whether the key file was upgraded."""

    certificate: IssuedCertificate
    crl: Path
    upgraded: bool


class RevokeDialog(_CaTaskDialog):
    """Why (a reason in words), since when the key may have been misused, and the passphrase.

    Signals:
        revoked(object): the :class:`RevokeResult`.
    """

    revoked = Signal(object)

    def __init__(
        self, ca_dir: Path, certificate: IssuedCertificate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Revoke a certificate")
        self.setWindowIcon(icon("delete"))
        self._ca_dir = ca_dir
        self._certificate = certificate
        self.result_info: RevokeResult | None = None
        body = QWidget(self)
        self.who_label = plain_label(
            f"{certificate.name or '(no name)'} (id {certificate.subject_id or 'none'}), "
            f"{role_label(certificate.role).lower() if certificate.role else 'no role'} "
            f"certificate, serial {certificate.serial}.",
            body,
            accessible_name="Certificate to revoke",
            selectable=True,
        )
        explain = plain_label(
            "Signatures this certificate makes after the revocation are rejected by anyone "
            "who has the new revocation list (course.crl in the CA folder: give it to "
            "assessors). Signatures made before stay valid, unless you say below since when "
            "the key may have been misused.",
            body,
        )
        self.reason_combo = QComboBox(body)
        for reason, words in REASON_WORDS.items():
            self.reason_combo.addItem(f"{words[:1].upper()}{words[1:]}", reason)
        self.reason_combo.setAccessibleName("Reason")
        self.since_check = QCheckBox("The key may have been misused since:", body)
        self.since_check.setAccessibleName("The key may have been misused since a day")
        self.since_edit = QDateEdit(body)
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("d MMM yyyy")
        self.since_edit.setDate(QDate.currentDate())
        self.since_edit.setMaximumDate(QDate.currentDate())
        self.since_edit.setAccessibleName("Misused since")
        self.since_edit.setEnabled(False)
        since_row = QWidget(body)
        since_layout = QHBoxLayout(since_row)
        since_layout.setContentsMargins(0, 0, 0, 0)
        since_layout.addWidget(self.since_check)
        since_layout.addWidget(self.since_edit)
        since_layout.addStretch(1)
        self.passphrase_edit = passphrase_edit(body, "CA passphrase")
        form = QFormLayout()
        form.addRow(self.who_label)
        form.addRow(explain)
        form.addRow("&Reason:", self.reason_combo)
        form.addRow(since_row)
        form.addRow("CA &passphrase:", self.passphrase_edit)
        set_buddies(form, ((f, f) for f in (self.reason_combo, self.passphrase_edit)))
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        body_layout.addStretch(1)
        self.revoke_button = QPushButton(icon("delete"), "Re&voke", self)
        # Enter must not revoke by accident: Cancel is the default button.
        self._finish_layout(body, self.revoke_button, (36, 24), default=False)

        self.reason_combo.currentIndexChanged.connect(self._on_reason_changed)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        self.passphrase_edit.textChanged.connect(self._update)
        self.revoke_button.clicked.connect(self.start)
        self._update()

    def set_reason(self, reason: str) -> None:
        """Choose a reason (``key-compromise``...)."""
        self.reason_combo.setCurrentIndex(max(0, self.reason_combo.findData(reason)))

    def _on_reason_changed(self, *_args: object) -> None:
        # A lost or stolen key is the case where "since when" matters.
        self.since_check.setChecked(self.reason_combo.currentData() == "key-compromise")

    @override
    def _update(self, *_args: object) -> None:
        self.revoke_button.setEnabled(bool(self.passphrase_edit.text()) and not self.is_busy)

    def start(self) -> None:
        """Revoke in the background (and write the new CRL)."""
        if not self.revoke_button.isEnabled():
            return
        ca_dir, serial = self._ca_dir, self._certificate.serial
        reason = str(self.reason_combo.currentData())
        since: datetime | None = None
        if self.since_check.isChecked():
            day = self.since_edit.date()
            since = datetime(day.year(), day.month(), day.day(), tzinfo=UTC)
        passphrase = self.passphrase_edit.text()
        upgrade = identity_service.ca_key_needs_upgrade(ca_dir)

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> RevokeResult:
            item, crl = identity_service.revoke_certificate(
                ca_dir, passphrase, serial, reason=reason, compromised_since=since
            )
            return RevokeResult(item, crl, upgrade)

        self._start(work, "Opening the CA key and revoking…")

    @override
    def _inputs(self) -> tuple[QWidget, ...]:
        return (self.reason_combo, self.since_check, self.passphrase_edit)

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.since_edit.setEnabled(not busy and self.since_check.isChecked())

    @override
    def _succeeded(self, result: Any) -> None:
        self.revoked.emit(result)


# ---- the revocation list ----------------------------------------------------------------


class CrlDialog(_CaTaskDialog):
    """Write a freshly signed revocation list: where, and the CA passphrase.

    Signals:
        written(object): ``(path, count, upgraded)`` from ``identity_service.write_crl``.
    """

    written = Signal(object)

    def __init__(self, ca_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Write the revocation list")
        self.setWindowIcon(icon("certificate"))
        self._ca_dir = ca_dir
        self.result_info: tuple[Path, int, bool] | None = None
        body = QWidget(self)
        explain = plain_label(
            "The revocation list (CRL) names every certificate this CA revoked, signed by the "
            "CA. Give it to assessors and staff with the CA certificate; it is valid for 30 "
            "days, so write a new one before then.",
            body,
        )
        self.output_edit = QLineEdit(str(ca_dir / "course.crl"), body)
        self.output_edit.setAccessibleName("Revocation list file to write")
        self.passphrase_edit = passphrase_edit(body, "CA passphrase")
        form = QFormLayout()
        form.addRow(explain)
        form.addRow("&Save as:", self.output_edit)
        form.addRow("CA &passphrase:", self.passphrase_edit)
        set_buddies(form, ((f, f) for f in (self.output_edit, self.passphrase_edit)))
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        body_layout.addStretch(1)
        self.write_button = QPushButton(icon("save"), "&Write", self)
        self._finish_layout(body, self.write_button, (34, 18))
        self.passphrase_edit.textChanged.connect(self._update)
        self.output_edit.textChanged.connect(self._update)
        self.passphrase_edit.returnPressed.connect(self.start)
        self.write_button.clicked.connect(self.start)
        self._update()
        self.passphrase_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @override
    def _update(self, *_args: object) -> None:
        self.write_button.setEnabled(
            bool(self.passphrase_edit.text())
            and bool(self.output_edit.text().strip())
            and not self.is_busy
        )

    def start(self) -> None:
        """Sign and write the CRL in the background."""
        if not self.write_button.isEnabled():
            return
        ca_dir = self._ca_dir
        out = Path(self.output_edit.text().strip()).expanduser()
        passphrase = self.passphrase_edit.text()

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> tuple[Path, int, bool]:
            return identity_service.write_crl(ca_dir, passphrase, out)

        self._start(work, "Opening the CA key and signing the list…")

    @override
    def _inputs(self) -> tuple[QWidget, ...]:
        return (self.output_edit, self.passphrase_edit)

    @override
    def _succeeded(self, result: Any) -> None:
        self.written.emit(result)
