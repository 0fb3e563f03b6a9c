"""Course certificates: the tutor's course CA in one window, no portfolio of their own needed.

It works on a CA folder (the one ``portfolio ca --ca-dir`` uses): create one, or open one; see
who it is, which roles it may issue and which file assessors need; the register of every
certificate it issued (a table, sortable, with revoked ones marked in words, an icon and
colour); review a request and issue it with a role and validity; revoke one with a reason;
write the revocation list. The CA passphrase is typed in the dialog of each operation and never
kept. A CA folder made by an older version (PBKDF2-protected key) is named as such, and the
upgrade to Argon2id is reported when it happens.

The window only touches the folder through ``identity_service``; it opens without a portfolio
because the CA belongs to the course, not to the tutor's own portfolio.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.gui.dialogs.ca_dialogs import (
    CreateCaDialog,
    CrlDialog,
    IssueResult,
    ReviewRequestDialog,
    RevokeDialog,
    RevokeResult,
)
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.issued_certificate_model import (
    CertificateRole,
    IssuedCertificateModel,
)
from portfolio_app.gui.trust_text import role_label
from portfolio_app.gui.widgets.form_helpers import fit_to_screen
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.widgets.verdict_banner import VerdictBanner, VerdictLook
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.services.identity_service import IssuedCertificate

CSR_FILTER = "Certificate requests (*.csr *.pem);;All files (*)"
NO_CA_LOOK = VerdictLook("info", "certificate", "No course CA open")
CA_LOOK = VerdictLook("success", "certificate", "Course CA")
UPGRADE_LOOK = VerdictLook(
    "warning", "verdict-untrusted", "This CA's key file uses the old, weaker protection"
)
DONE_LOOK = VerdictLook("success", "verdict-valid", "Done")


class CourseCertificatesWindow(QDialog):
    """The course CA in ``ca_dir`` (default: the last one opened): its register and actions.

    Signals:
        changed(): something was issued, revoked or created (the register was reloaded).
    """

    changed = Signal()

    def __init__(self, ca_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Course certificates")
        self.setWindowIcon(icon("certificate"))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.ca_dir: Path | None = None
        self._ca_roles: tuple[str, ...] = ()

        intro = plain_label(
            "For tutors and course teams: the course CA issues each student and member of "
            "staff a certificate with their role, from the request they send you (Identity ▸ "
            "Get certified). Assessors trust the CA's one certificate.",
            self,
        )
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setAccessibleName("Course CA folder")
        self.folder_edit.setPlaceholderText("No CA folder open")
        self.open_button = QPushButton(icon("find"), "&Open CA folder…", self)
        self.create_button = QPushButton(icon("certificate"), "Create a course &CA…", self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.open_button)
        folder_row.addWidget(self.create_button)

        self.ca_banner = VerdictBanner(self)
        self.upgrade_banner = VerdictBanner(self)
        self.upgrade_banner.hide()

        self.search_edit = QLineEdit(self)
        self.search_edit.setAccessibleName("Find a certificate by name, id or role")
        self.search_edit.setPlaceholderText("Find by name, ID or role")
        self.search_edit.setClearButtonEnabled(True)
        self.model = IssuedCertificateModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Certificates this CA issued")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(IssuedCertificateModel.FROM, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = plain_label("", self, accessible_name="Count", wrap=False)
        self.empty_label = plain_label("", self, accessible_name="Register")

        self.issue_button = QPushButton(icon("certificate"), "Review and &issue a request…", self)
        self.revoke_button = QPushButton(icon("delete"), "&Revoke…", self)
        self.crl_button = QPushButton(icon("save"), "Write revocation &list…", self)
        self.show_button = QPushButton("Show the &folder", self)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.issue_button)
        buttons.addWidget(self.revoke_button)
        buttons.addWidget(self.crl_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.close_button)
        self.status_banner = VerdictBanner(self)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(folder_row)
        layout.addWidget(self.ca_banner)
        layout.addWidget(self.upgrade_banner)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.status_banner)
        layout.addLayout(buttons)
        fit_to_screen(self, 70, 44)
        add_close_keys(self)

        self.open_button.clicked.connect(self._on_open_clicked)
        self.create_button.clicked.connect(self._on_create_clicked)
        self.issue_button.clicked.connect(self._on_issue_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.crl_button.clicked.connect(self._on_crl_clicked)
        self.show_button.clicked.connect(self._on_show_clicked)
        self.close_button.clicked.connect(self.reject)
        self.search_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.search_edit.textChanged.connect(self._update)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._on_revoke_clicked())

        start = ca_dir or _remembered_ca()
        if start is not None:
            self.open_ca(start, quiet=ca_dir is None)
        else:
            self._show_no_ca("Open the course CA folder, or create a course CA.")

    # ---- the folder -----------------------------------------------------------------------------

    def open_ca(self, ca_dir: Path, *, quiet: bool = False) -> bool:
        """Show the CA in ``ca_dir``; False (with a message unless ``quiet``) if there is none."""
        try:
            info = identity_service.course_ca_info(ca_dir)
        except PortfolioError as exc:
            self.ca_dir = None
            self._show_no_ca(
                "Open the course CA folder, or create a course CA."
                if quiet
                else f"{exc.user_message[:1].upper()}{exc.user_message[1:]}."
            )
            return False
        self.ca_dir = ca_dir
        remember_folder("course-ca", str(ca_dir))
        self.folder_edit.setText(str(ca_dir))
        roles = ", ".join(role_label(r).lower() for r in info.roles) or "none"
        valid = f"{info.not_after.day} {info.not_after:%b %Y}"
        self.ca_banner.show_look(
            CA_LOOK,
            f"May issue: {roles}. Valid until {valid}.\n"
            f"Give assessors (and staff who countersign) this file: {info.certificate_path}\n"
            f"Its SHA-256 fingerprint: {info.fingerprint}",
            headline=f"Course CA: {info.name or '(unnamed)'}",
        )
        self._ca_roles = info.roles
        self._show_upgrade_notice()
        self.reload()
        return True

    def _show_no_ca(self, message: str) -> None:
        self.folder_edit.clear()
        self.ca_banner.show_look(NO_CA_LOOK, message)
        self.upgrade_banner.hide()
        self._ca_roles = ()
        self.model.set_certificates([])
        self._update()

    def _show_upgrade_notice(self) -> None:
        if self.ca_dir is not None and identity_service.ca_key_needs_upgrade(self.ca_dir):
            self.upgrade_banner.show_look(
                UPGRADE_LOOK,
                "It was made by an older version, with 2,048 PBKDF2 iterations. The next time "
                "you issue, revoke or write the revocation list it is re-protected with Argon2id "
                "(the same passphrase).",
            )
        else:
            self.upgrade_banner.hide()

    def reload(self) -> None:
        """Read the register again."""
        if self.ca_dir is None:
            return
        try:
            certificates = identity_service.list_issued(self.ca_dir)
        except PortfolioError as exc:
            self.status_banner.show_look(
                VerdictLook("error", "verdict-broken", "The register cannot be read"),
                exc.user_message,
            )
            certificates = []
        self.model.set_certificates(certificates)
        self.table.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("m")
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), em * 26))
        self._update()

    # ---- state ----------------------------------------------------------------------------------

    def selected_certificate(self) -> IssuedCertificate | None:
        """The certificate selected in the table, or None."""
        rows = self.table.selectionModel().selectedRows()
        cert = rows[0].data(CertificateRole) if rows else None
        return cert

    def select_serial(self, serial: str) -> bool:
        """Select the row of ``serial``; False when it is not listed."""
        for row in range(self.proxy.rowCount()):
            cert = self.proxy.index(row, 0).data(CertificateRole)
            if cert is not None and cert.serial == serial:
                self.table.selectRow(row)
                return True
        return False

    def _update(self, *_args: object) -> None:
        has_ca = self.ca_dir is not None
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        revoked = sum(
            1 for r in range(total) if self.model.certificate_at(r).revoked_at is not None
        )
        if not has_ca:
            self.count_label.clear()
            self.empty_label.setText("")
        else:
            counted = f"{total} issued, {revoked} revoked"
            self.count_label.setText(
                counted if shown == total else f"{shown} of {total} shown ({revoked} revoked)"
            )
            self.empty_label.setText(
                "No certificates issued yet: review a request someone sent you."
                if total == 0
                else ""
            )
        self.empty_label.setVisible(bool(self.empty_label.text()))
        selected = self.selected_certificate()
        self.issue_button.setEnabled(has_ca)
        self.crl_button.setEnabled(has_ca)
        self.show_button.setEnabled(has_ca)
        self.search_edit.setEnabled(has_ca)
        self.revoke_button.setEnabled(
            has_ca and selected is not None and selected.revoked_at is None
        )

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update()

    # ---- actions --------------------------------------------------------------------------------

    def review_request(self, csr_path: Path) -> ReviewRequestDialog | None:
        """The review dialog for ``csr_path`` (not yet shown), or None with a message."""
        if self.ca_dir is None:
            return None
        try:
            dialog = ReviewRequestDialog(self.ca_dir, csr_path, self._ca_roles or (), self)
        except PortfolioError as exc:
            self.status_banner.show_look(
                VerdictLook("error", "verdict-broken", "This request cannot be used"),
                exc.user_message,
            )
            return None
        dialog.issued.connect(self._on_issued)
        return dialog

    def revoke_dialog(self) -> RevokeDialog | None:
        """The revoke dialog for the selected certificate (not yet shown)."""
        selected = self.selected_certificate()
        if self.ca_dir is None or selected is None:
            return None
        dialog = RevokeDialog(self.ca_dir, selected, self)
        dialog.revoked.connect(self._on_revoked)
        return dialog

    def crl_dialog(self) -> CrlDialog | None:
        """The dialog that writes the revocation list (not yet shown)."""
        if self.ca_dir is None:
            return None
        dialog = CrlDialog(self.ca_dir, self)
        dialog.written.connect(self._on_crl_written)
        return dialog

    def _on_open_clicked(self) -> None:
        start = str(self.ca_dir or _remembered_ca() or Path.home())
        name = QFileDialog.getExistingDirectory(self, "The course CA folder", start)
        if name:
            self.open_ca(Path(name))

    def _on_create_clicked(self) -> None:
        dialog = CreateCaDialog(None, self)
        dialog.created.connect(lambda info: self._on_created(info.ca_dir))
        dialog.exec()
        dialog.deleteLater()

    def _on_created(self, ca_dir: Path) -> None:
        self.open_ca(ca_dir)
        self.status_banner.show_look(
            DONE_LOOK,
            f"The course CA is ready in {ca_dir}. Give assessors ca-cert.pem from that folder.",
            headline="Course CA created",
        )
        self.changed.emit()

    def _on_issue_clicked(self) -> None:
        start = remembered_folder("course-requests") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, "A certificate request someone sent you", start, CSR_FILTER
        )
        if not name:
            return
        remember_folder("course-requests", str(Path(name).parent))
        dialog = self.review_request(Path(name))
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def _on_issued(self, result: IssueResult) -> None:
        info = result.info
        self.reload()
        self.select_serial_for_fingerprint(info.fingerprint)
        text = (
            f"Issued a {(info.role or 'no-role').replace('-', ' ')} certificate to "
            f"{info.name or '(no name)'} (id {info.student_id or 'none'}), valid until "
            f"{info.not_after.day} {info.not_after:%b %Y}.\nSend {result.path} back to them: "
            "they import it under Identity ▸ Get certified."
        )
        if result.upgraded and self.ca_dir is not None:
            text += "\n" + _sentence(identity_service.ca_upgraded_message(self.ca_dir))
        self._show_upgrade_notice()
        self.status_banner.show_look(DONE_LOOK, text, headline="Certificate issued")
        self.changed.emit()

    def select_serial_for_fingerprint(self, fingerprint: str) -> None:
        """Select the certificate with this fingerprint (the one just issued)."""
        for row in range(self.proxy.rowCount()):
            cert = self.proxy.index(row, 0).data(CertificateRole)
            if cert is not None and cert.fingerprint == fingerprint:
                self.table.selectRow(row)
                return

    def _on_revoke_clicked(self) -> None:
        dialog = self.revoke_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def _on_revoked(self, result: RevokeResult) -> None:
        cert = result.certificate
        self.reload()
        self.select_serial(cert.serial)
        text = (
            f"{cert.name or '(no name)'}'s certificate (serial {cert.serial}) is revoked. The "
            f"new revocation list is {result.crl}: give it to assessors and staff."
        )
        if result.upgraded and self.ca_dir is not None:
            text += "\n" + _sentence(identity_service.ca_upgraded_message(self.ca_dir))
        self._show_upgrade_notice()
        self.status_banner.show_look(DONE_LOOK, text, headline="Certificate revoked")
        self.changed.emit()

    def _on_crl_clicked(self) -> None:
        dialog = self.crl_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def _on_crl_written(self, result: tuple[Path, int, bool]) -> None:
        path, count, upgraded = result
        noun = "certificate" if count == 1 else "certificates"
        text = f"Wrote {path}, listing {count} revoked {noun}."
        if upgraded and self.ca_dir is not None:
            text += "\n" + _sentence(identity_service.ca_upgraded_message(self.ca_dir))
        self._show_upgrade_notice()
        self.status_banner.show_look(DONE_LOOK, text, headline="Revocation list written")

    def _on_show_clicked(self) -> None:
        if self.ca_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ca_dir)))


def _remembered_ca() -> Path | None:
    folder = remembered_folder("course-ca")
    return Path(folder) if folder else None


def _sentence(text: str) -> str:
    text = text.removeprefix("note: ")
    return text[:1].upper() + text[1:]
