"""Verify signed portfolios: files and whole folders, what to trust, who must have signed.

The assessor adds PDFs or folders (drop them, or choose), says what they trust (the course CA,
a separate staff CA, a pinned student certificate or fingerprint, a time-stamping authority,
revocation lists) and which countersignatures are required. Verification runs in the
background (:func:`export_service.verify_paths`, with progress and Cancel); pyHanko is
imported there, not when the window opens. The results are a table, one row per file, and
for the selected file:

* the verdict as colour, an icon *and* words, with the verifier's reason;
* the stage ("Signed by the student; no staff countersignature yet") and who the portfolio
  is from;
* the per-role view: each signature's role, signer, decision, comment, time and where the time
  comes from, then every staff box still open;
* a card per signature with the details (fingerprint, intact, what changed after signing).

"Save report as CSV" writes one row per file (:func:`export_service.write_report_csv`).
Every string that comes from a file or a certificate is shown as plain text (issue 8: a file
named like HTML must not print "VALID AND TRUSTED" in big green letters).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFontDatabase,
    QGuiApplication,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.gui.accessibility import describe_controls
from portfolio_app.gui.background import BackgroundTask, CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.path_list_model import PathListModel
from portfolio_app.gui.item_models.trust_anchor_list_model import (
    TrustAnchor,
    TrustAnchorListModel,
)
from portfolio_app.gui.item_models.verify_results_model import (
    SignatureRoleModel,
    VerifyResult,
    VerifyResultsModel,
    display_name,
)
from portfolio_app.gui.trust_text import (
    STAFF_ROLE_ORDER,
    missing_text,
    role_label,
    stage_text,
    summary_rows,
    when_text,
)
from portfolio_app.gui.widgets.alive import while_alive
from portfolio_app.gui.widgets.form_helpers import add_label_rows, clear_layout, fit_to_screen
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label, plain_message
from portfolio_app.gui.widgets.verdict_banner import (
    CHECKING_LOOK,
    ERROR_LOOK,
    VerdictBanner,
    VerdictLook,
)
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.signing.verification import SignatureCheck, VerificationReport

PDF_FILTER = "PDF files (*.pdf);;All files (*)"
CERT_FILTER = "Certificates (*.pem *.crt *.cer *.der);;All files (*)"
CRL_FILTER = "Revocation lists (*.crl *.pem *.der);;All files (*)"
CSV_FILTER = "CSV files (*.csv)"
DROP_HINT = "Drop PDFs or folders on this window (a folder: every PDF in it), or:"

#: Said after the verifier's own reason, where it adds something.
VERDICT_ADVICE: dict[str, str] = {
    "broken-or-modified": "Do not accept this file; ask the student for a fresh export.",
    "valid-untrusted": (
        "Add the course CA certificate (Trust tab) to confirm who signed, or the student's "
        "registered certificate or fingerprint."
    ),
}
_ROLE_TEXT = {
    "student-certification": "Student's signature (certifies the portfolio)",
    "staff-countersignature": "Staff countersignature",
    "other": "Signature outside any box the export made",
}
_CHANGE_TEXT = {
    "lta-updates": "validation data (such as a revocation list) was added",
    "form-filling": "form filling and further signatures (such as a tutor's countersignature)",
    "annotations": "comments or annotations were added",
    "other": "other changes were made",
}


class VerifyCancelledError(Exception):
    """The person pressed Cancel; raised from the progress callback to stop the loop."""


def signing_time_text(sig: SignatureCheck) -> str:
    """The time the checks used, in local time, saying where it comes from."""
    if sig.signing_time is None:
        return "Not given"
    if sig.time_source == "timestamp":
        who = sig.timestamp_authority or "a time-stamping authority"
        return f"{when_text(sig.signing_time)}, from a trusted timestamp by {who}"
    return f"{when_text(sig.signing_time)}, from the signer's own clock (not a trusted time)"


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
        rows.append(("Box", role_label(sig.box_role)))
    if sig.certificate_roles:
        rows.append(("Certificate role", ", ".join(role_label(r) for r in sig.certificate_roles)))
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
    rows.extend(("Note", note) for note in sig.notes)
    rows.extend(("Problem", problem) for problem in sig.problems)
    return rows


def _two_lines(fingerprint: str | None) -> str | None:
    """``AB:CD:…`` split after its 16th byte, so it fits a narrow window and reads in halves."""
    if not fingerprint or len(fingerprint) < 60:
        return fingerprint
    half = len(fingerprint) // 2 + 1
    return f"{fingerprint[:half]}\n{fingerprint[half:]}"


class SignatureCard(QGroupBox):
    """One signature's findings, as a titled grid of selectable plain text."""

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
            name = plain_label(f"{label}:", self, wrap=False)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = plain_label(text, self, accessible_name=label, selectable=True)
            if label.startswith("Certificate fingerprint"):
                value.setFont(mono)  # two fixed lines: no wrapping needed
                value.setWordWrap(False)
            if label in ("Intact", "Changed after signing", "Problem") and not sig.ok:
                font = value.font()
                font.setBold(True)
                value.setFont(font)
            name.setBuddy(value)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)


class FittedTableView(QTableView):
    """A table as tall as its rows (wrapped text included), inside an outer scroll area."""

    def fit_height(self) -> None:
        """Set the height to the header plus every row, as wrapped at the current width."""
        self.resizeRowsToContents()
        rows = self.model().rowCount() if self.model() is not None else 0
        height = self.horizontalHeader().sizeHint().height()
        height += sum(self.rowHeight(r) for r in range(rows)) + 2 * self.frameWidth()
        if height != self.height():
            self.setFixedHeight(height)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit_height()


class VerifyWindow(QDialog):
    """Add PDFs or folders and trust inputs, and read one verdict per file.

    Signals:
        verified(object): the list of :class:`VerifyResult` of the latest check.
        verification_failed(str): the check itself could not run (a trust file that cannot be
            read or is not what it says); the message says why.
    """

    verified = Signal(object)
    verification_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify signed portfolios")
        self.setWindowIcon(icon("verify"))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAcceptDrops(True)
        self._generation = 0
        self._task: BackgroundTask | None = None
        self.results: list[VerifyResult] = []
        self.compare_dialog: CompareResultDialog | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("What to check")
        self.tabs.addTab(_scrolled(self._build_files_tab()), "&Files and folders")
        self.tabs.addTab(_scrolled(self._build_trust_tab()), "&Trust")
        self.tabs.addTab(_scrolled(self._build_require_tab()), "&Required countersignatures")

        # -- progress
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName("Verifying")
        self.progress_label = plain_label("", self, accessible_name="Progress", wrap=False)
        self.cancel_button = QPushButton("Ca&ncel", self)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.progress_label, 2)
        progress_row.addWidget(self.cancel_button)
        self._progress_widgets: tuple[QWidget, ...] = (
            self.progress_bar,
            self.progress_label,
            self.cancel_button,
        )
        for widget in self._progress_widgets:
            widget.hide()

        # -- results: the files, then the selected file's report
        self.results_model = VerifyResultsModel(self)
        self.results_view = QTableView(self)
        self.results_view.setModel(self.results_model)
        self.results_view.setAccessibleName("Files checked, one verdict each")
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.verticalHeader().hide()
        self.results_view.setWordWrap(False)
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.banner = VerdictBanner(self)
        self.file_label = plain_label("", self, accessible_name="File", selectable=True)
        self.stage_label = plain_label("", self, accessible_name="Stage", selectable=True)
        stage_font = self.stage_label.font()
        stage_font.setBold(True)
        self.stage_label.setFont(stage_font)
        self.summary_widget = QWidget(self)
        self.summary_grid = QGridLayout(self.summary_widget)
        self.summary_grid.setContentsMargins(0, 0, 0, 0)
        self.summary_grid.setColumnStretch(1, 1)
        self.roles_model = SignatureRoleModel(self)
        self.roles_view = FittedTableView(self)
        self.roles_view.setModel(self.roles_model)
        self.roles_view.setAccessibleName("Signatures by role")
        self.roles_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roles_view.verticalHeader().hide()
        self.roles_view.setWordWrap(True)
        self.roles_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.roles_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        roles_header = self.roles_view.horizontalHeader()
        modes = {
            SignatureRoleModel.ROLE: QHeaderView.ResizeMode.ResizeToContents,
            SignatureRoleModel.SIGNER: QHeaderView.ResizeMode.Stretch,
            SignatureRoleModel.DECISION: QHeaderView.ResizeMode.Stretch,
            SignatureRoleModel.COMMENT: QHeaderView.ResizeMode.Stretch,
            SignatureRoleModel.TIME: QHeaderView.ResizeMode.Stretch,
            SignatureRoleModel.CHECK: QHeaderView.ResizeMode.Stretch,
        }
        for column, mode in modes.items():
            roles_header.setSectionResizeMode(column, mode)
        self.roles_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.roles_heading = plain_label("Signatures by role", self, wrap=False)
        heading_font = self.roles_heading.font()
        heading_font.setBold(True)
        self.roles_heading.setFont(heading_font)
        self.roles_heading.setBuddy(self.roles_view)
        self.details_heading = plain_label("Each signature in detail", self, wrap=False)
        self.details_heading.setFont(heading_font)
        self.cards_widget = QWidget(self)
        self.cards_layout = QVBoxLayout(self.cards_widget)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addStretch(1)

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.banner)
        detail_layout.addWidget(self.file_label)
        detail_layout.addWidget(self.stage_label)
        detail_layout.addWidget(self.summary_widget)
        detail_layout.addWidget(self.roles_heading)
        detail_layout.addWidget(self.roles_view)
        # Feedback boxes (issue 9): which entries have feedback and who answers for it.
        self.feedback_label = plain_label(
            "", self, accessible_name="Feedback in the file", selectable=True
        )
        self.feedback_label.hide()
        detail_layout.addWidget(self.feedback_label)
        detail_layout.addWidget(self.details_heading)
        detail_layout.addWidget(self.cards_widget, 1)
        self.report_area = QScrollArea(self)
        self.report_area.setWidgetResizable(True)
        self.report_area.setWidget(detail)
        self.report_area.setAccessibleName("Report of the selected file")

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.results_view)
        self.splitter.addWidget(self.report_area)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 3)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.csv_button = self.buttons.addButton(
            "&Save report as CSV…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button = self.buttons.addButton(
            "C&opy report", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.rejected.connect(self.reject)
        self.status_label = plain_label("", self, accessible_name="Status", selectable=True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._fit_size()
        add_close_keys(self)

        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button.clicked.connect(self._on_csv_clicked)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.results_view.selectionModel().selectionChanged.connect(self._on_result_selected)
        self._show_nothing_yet()
        self.add_files_button.setFocus()

        describe_controls(
            self,
            {
                "cancel_button": "Stops checking the remaining files",
                "results_view": "One row per file: its verdict in words; select one for its report",
                "roles_view": "Who signed which box, and whether each signature counts",
                "paths_view": "The PDFs and folders to check",
                "add_files_button": "Choose PDF files to check",
                "add_folder_button": "Check every PDF in a folder",
                "remove_path_button": "Takes the selected file or folder off the list",
                "clear_paths_button": "Empties the list of files and folders",
                "compare_button": "Asks for an earlier and a later export and compares them",
                "trust_view": "What you trust; Remove takes the selected one out",
                "add_cert_button": "Trust signatures made under your course CA or a certificate",
                "add_staff_button": "Trust staff certificates from a separate staff CA",
                "add_tsa_button": "Trust the times stamped by this authority",
                "add_crl_button": "Use this revocation list to see withdrawn certificates",
                "remove_anchor_button": "Stop trusting the selected item",
                "add_fingerprint_button": "Trust the certificate with the fingerprint typed beside",
                "require_checks": "A file without this countersignature does not pass",
            },
        )

    # ---- building ---------------------------------------------------------------------------

    def _build_files_tab(self) -> QWidget:
        page = QWidget(self)
        self.drop_hint = plain_label(DROP_HINT, page, accessible_name="How to add files")
        self.paths_model = PathListModel(self)
        self.paths_view = QListView(page)
        self.paths_view.setModel(self.paths_model)
        self.paths_view.setAccessibleName("Files and folders to check")
        self.add_files_button = QPushButton(icon("find"), "Add &PDFs…", page)
        self.add_folder_button = QPushButton(icon("catalogue"), "Add a fol&der…", page)
        self.remove_path_button = QPushButton("Re&move", page)
        self.clear_paths_button = QPushButton("Clear &all", page)
        self.compare_button = QPushButton("Compare two e&xports…", page)
        self.compare_button.setToolTip(
            "Check an earlier and a later export of one portfolio and say whether every entry "
            "of the earlier one is still there, unchanged, or how it changed"
        )
        self.paths_view.setMinimumHeight(self.fontMetrics().height() * 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.drop_hint, 1)
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_path_button,
            self.clear_paths_button,
            self.compare_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.paths_view, 1)
        self.add_files_button.clicked.connect(self._on_add_files_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_clicked)
        self.remove_path_button.clicked.connect(self._on_remove_path_clicked)
        self.clear_paths_button.clicked.connect(self.clear_paths)
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.paths_view.selectionModel().selectionChanged.connect(self._update_buttons)
        return page

    def _build_trust_tab(self) -> QWidget:
        page = QWidget(self)
        explain = plain_label(
            "Add the course CA certificate from the course (never one the student sends). The "
            "rest is optional. Nothing is fetched from the internet.",
            page,
        )
        self.trust_model = TrustAnchorListModel(self)
        self.trust_view = QListView(page)
        self.trust_view.setModel(self.trust_model)
        self.trust_view.setAccessibleName("Trusted certificates, fingerprints and lists")
        self.add_cert_button = QPushButton("Course &CA or certificate…", page)
        self.add_staff_button = QPushButton("Staff C&A…", page)
        self.add_tsa_button = QPushButton("Time-stamping a&uthority…", page)
        self.add_crl_button = QPushButton("Revocation &list (CRL)…", page)
        self.remove_anchor_button = QPushButton("Remo&ve", page)
        self.fingerprint_edit = QLineEdit(page)
        self.fingerprint_edit.setAccessibleName("Certificate fingerprint to trust (SHA-256)")
        self.fingerprint_edit.setPlaceholderText("A student's SHA-256 fingerprint, AB:CD:…")
        self.add_fingerprint_button = QPushButton("Add fin&gerprint", page)
        self.trust_error_label = plain_label("", page, accessible_name="Trust problem")
        self.trust_error_label.hide()
        self.trust_view.setMinimumHeight(self.fontMetrics().height() * 2)
        buttons = QHBoxLayout()
        for button in (
            self.add_cert_button,
            self.add_staff_button,
            self.add_tsa_button,
            self.add_crl_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        fp_row = QHBoxLayout()
        fp_row.addWidget(self.fingerprint_edit, 1)
        fp_row.addWidget(self.add_fingerprint_button)
        fp_row.addWidget(self.remove_anchor_button)
        layout = QVBoxLayout(page)
        layout.addWidget(explain)
        layout.addLayout(buttons)
        layout.addLayout(fp_row)
        layout.addWidget(self.trust_error_label)
        layout.addWidget(self.trust_view, 1)
        self.add_cert_button.clicked.connect(lambda: self._on_add_trust_file_clicked("trust"))
        self.add_staff_button.clicked.connect(lambda: self._on_add_trust_file_clicked("staff"))
        self.add_tsa_button.clicked.connect(lambda: self._on_add_trust_file_clicked("tsa"))
        self.add_crl_button.clicked.connect(lambda: self._on_add_trust_file_clicked("crl"))
        self.add_fingerprint_button.clicked.connect(self._on_add_fingerprint_clicked)
        self.fingerprint_edit.returnPressed.connect(self._on_add_fingerprint_clicked)
        self.remove_anchor_button.clicked.connect(self._on_remove_anchor_clicked)
        self.trust_view.selectionModel().selectionChanged.connect(self._update_buttons)
        return page

    def _build_require_tab(self) -> QWidget:
        page = QWidget(self)
        explain = plain_label(
            "Tick the staff countersignatures a portfolio must have. A file that checks out "
            "but lacks one is reported as incomplete (exit 4 on the command line).",
            page,
        )
        self.require_checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for position, role in enumerate(STAFF_ROLE_ORDER):
            check = QCheckBox(role_label(role), page)
            check.setAccessibleName(f"Require a {role_label(role).lower()} countersignature")
            check.toggled.connect(self._on_inputs_changed)
            self.require_checks[role] = check
            grid.addWidget(check, position // 2, position % 2)
        layout = QVBoxLayout(page)
        layout.addWidget(explain)
        layout.addLayout(grid)
        layout.addStretch(1)
        return page

    def _fit_size(self) -> None:
        fit_to_screen(self, 72, 58)
        line = self.fontMetrics().height()
        height = self.height()
        self.splitter.setSizes([line * 7, line * 8, max(line * 10, height - line * 19)])

    # ---- public -------------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """Whether a verification is running."""
        return self._task is not None

    @property
    def report(self) -> VerificationReport | None:
        """The report of the selected file (None when nothing is selected)."""
        result = self.selected_result()
        return result.report if result is not None else None

    def add_paths(self, paths: Sequence[Path]) -> None:
        """Check these files and folders too (and verify again)."""
        if self.paths_model.add(paths):
            self._on_inputs_changed()

    def verify_file(self, path: Path) -> None:
        """Check only ``path`` (replacing the list) with the current trust."""
        self.paths_model.clear()
        self.add_paths([path])

    def clear_paths(self) -> None:
        """Forget every file and folder and the results."""
        self.cancel()
        self._generation += 1  # whatever is still running reports to nobody
        self._finish()
        self.paths_model.clear()
        self.results = []
        self.results_model.set_results([])
        self._show_nothing_yet()

    def add_certificate_file(self, path: Path, kind: str = "trust") -> bool:
        """Trust the certificate(s) in a PEM/DER file as ``kind`` (trust, staff, tsa); False
        (with a message) when unreadable."""
        from cryptography.hazmat.primitives import serialization

        from portfolio_app.core.signing.identity import (
            fingerprint_sha256,
            load_certificates,
            name_summary,
        )

        try:
            data = path.read_bytes()
            certs = load_certificates(data)
            fingerprint = fingerprint_sha256(certs[0].public_bytes(serialization.Encoding.PEM))
            name = name_summary(certs[0].subject)["name"] or path.name
        except OSError as exc:
            self._show_trust_error(f"{path.name} could not be read: {exc.strerror}")
            return False
        except PortfolioError as exc:
            self._show_trust_error(f"{path.name}: {exc.user_message}")
            return False
        more = f" and {len(certs) - 1} more" if len(certs) > 1 else ""
        label = f"{name}{more} ({_short_fingerprint(fingerprint)}, from {path.name})"
        self._add_anchor(TrustAnchor(label=label, kind=kind, path=path))
        return True

    def add_crl_file(self, path: Path) -> bool:
        """Use a revocation list (PEM or DER); False (with a message) when it is not one."""
        from cryptography import x509

        try:
            data = path.read_bytes()
            crl = (
                x509.load_pem_x509_crl(data)
                if b"-----BEGIN" in data[:200]
                else x509.load_der_x509_crl(data)
            )
        except OSError as exc:
            self._show_trust_error(f"{path.name} could not be read: {exc.strerror}")
            return False
        except ValueError:
            self._show_trust_error(f"{path.name} is not a certificate revocation list (CRL).")
            return False
        from portfolio_app.core.signing.identity import name_summary

        issuer = name_summary(crl.issuer)["name"] or "an unnamed CA"
        count = len(list(crl))
        label = f"{issuer}, {count} revoked (from {path.name})"
        self._add_anchor(TrustAnchor(label=label, kind="crl", path=path))
        return True

    def add_fingerprint(self, text: str) -> bool:
        """Trust a SHA-256 fingerprint; False (with a message) when it is not one."""
        from portfolio_app.core.signing.identity import normalise_fingerprint

        try:
            fingerprint = normalise_fingerprint(text)
        except PortfolioError as exc:
            self._show_trust_error(exc.user_message)
            return False
        self._add_anchor(
            TrustAnchor(label=fingerprint, kind="fingerprint", fingerprint=fingerprint)
        )
        self.fingerprint_edit.clear()
        return True

    def set_required(self, roles: Sequence[str]) -> None:
        """Require these staff roles (the others not)."""
        for role, check in self.require_checks.items():
            check.blockSignals(True)
            check.setChecked(role in roles)
            check.blockSignals(False)
        self._on_inputs_changed()

    def required_roles(self) -> list[str]:
        """The staff roles ticked as required."""
        return [role for role, check in self.require_checks.items() if check.isChecked()]

    def selected_result(self) -> VerifyResult | None:
        """The file whose report is shown."""
        rows = self.results_view.selectionModel().selectedRows()
        return self.results_model.result_at(rows[0].row()) if rows else None

    def select_result(self, row: int) -> None:
        """Show the report of the file in ``row``."""
        self.results_view.selectRow(row)

    def signature_cards(self) -> list[SignatureCard]:
        """The cards shown, in order."""
        cards: list[SignatureCard] = []
        for i in range(self.cards_layout.count()):
            item = self.cards_layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, SignatureCard):
                cards.append(widget)
        return cards

    def save_csv(self, path: Path) -> bool:
        """Write the CSV report of every checked file; False (with a message) on failure."""
        from portfolio_app.core.services.export_service import write_report_csv

        try:
            write_report_csv([(r.path, r.report) for r in self.results], path)
        except (PortfolioError, OSError) as exc:
            message = exc.user_message if isinstance(exc, PortfolioError) else str(exc)
            self.status_label.setText(f"The report was not saved: {message}")
            return False
        remember_folder("verify-report", str(path.parent))
        count = len(self.results)
        self.status_label.setText(
            f"Saved the report of {count} {'file' if count == 1 else 'files'} to {path}."
        )
        return True

    def cancel(self) -> None:
        """Stop the running check (after the file being checked)."""
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling after this file…")
            self.cancel_button.setEnabled(False)

    # ---- drag and drop ----------------------------------------------------------------------

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_paths(event.mimeData().urls()):
            event.acceptProposedAction()
            self.drop_hint.setText("Release to check these files and folders.")
        else:
            event.ignore()

    @override
    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._reset_drop_hint()
        super().dragLeaveEvent(event)

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        self._reset_drop_hint()
        paths = _dropped_paths(event.mimeData().urls())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.tabs.setCurrentIndex(0)
        self.add_paths(paths)

    def _reset_drop_hint(self) -> None:
        self.drop_hint.setText(DROP_HINT)

    # ---- running ------------------------------------------------------------------------------

    def _on_inputs_changed(self) -> None:
        self._update_buttons()
        if self.paths_model.rowCount():
            self._start()

    def _start(self) -> None:
        paths = self.paths_model.paths()
        if not paths:
            return
        if self._task is not None:
            self._task.cancel()
        anchors = self.trust_model
        required = self.required_roles()
        self._generation += 1
        generation = self._generation
        try:
            # Read on the GUI thread: a trust file that vanished is reported at once.
            inputs = anchors.trust_inputs()
        except PortfolioError as exc:
            self._on_failed(generation, exc)
            return

        def work(progress: ProgressFn, is_cancelled: CancelledFn) -> list[Any]:
            from portfolio_app.core.services.export_service import verify_paths

            def report(done: int, total: int, message: str) -> None:
                progress(done, total, message)
                if is_cancelled():
                    raise VerifyCancelledError()

            return verify_paths(paths, trust=inputs, require=required, progress=report)

        self.status_label.clear()
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText("Looking for PDF files…")
        self.cancel_button.setEnabled(True)
        for widget in self._progress_widgets:
            widget.show()
        self.banner.show_look(CHECKING_LOOK, "")
        self._update_buttons()
        self._task = run_in_background(
            work,
            on_success=while_alive(self, lambda r: self._on_verified(generation, paths, r)),
            on_error=while_alive(self, lambda error: self._on_failed(generation, error)),
            on_progress=while_alive(self, lambda d, t, m: self._on_progress(generation, d, t, m)),
        )

    def _on_progress(self, generation: int, done: int, total: int, message: str) -> None:
        if generation != self._generation:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"Checked {done} of {total}: {Path(message).name}")

    def _finish(self) -> None:
        self._task = None
        for widget in self._progress_widgets:
            widget.hide()
        self._update_buttons()

    def _on_verified(
        self, generation: int, roots: list[Path], results: list[tuple[Path, VerificationReport]]
    ) -> None:
        if generation != self._generation:
            return  # a newer check (other files, trust or requirements) is on its way
        self._finish()
        self.results = [VerifyResult(p, display_name(p, roots), r) for p, r in results]
        self.results_model.set_results(self.results)
        self.results_view.resizeColumnsToContents()
        header = self.results_view.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("m")
        for column in range(self.results_model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), em * 28))
        if self.results:
            self.results_view.selectRow(0)
            counts: dict[str, int] = {}
            for result in self.results:
                key = result.report.verdict.value
                counts[key] = counts.get(key, 0) + 1
            self.status_label.setText(_counts_text(len(self.results), counts))
        else:
            self._show_report(None)
            self.banner.show_look(
                ERROR_LOOK,
                "No PDF files were found in what you added.",
                headline="Nothing to check",
            )
        self.verified.emit(self.results)

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._finish()
        if isinstance(error, VerifyCancelledError):
            self.banner.show_look(
                VerdictLook("info", "verdict-missing", "Cancelled"),
                "The check was cancelled; change something or add files to check again.",
            )
            return
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"The check could not run ({type(error).__name__})."
        )
        self.results = []
        self.results_model.set_results([])
        self._show_report(None)
        self.banner.show_look(ERROR_LOOK, message)
        self.verification_failed.emit(message)

    # ---- showing ------------------------------------------------------------------------------

    def _show_nothing_yet(self) -> None:
        self._show_report(None)
        self.banner.show_look(
            VerdictLook("info", "verify", "Nothing checked yet"),
            "Add PDFs or a folder; each file's verdict appears here.",
        )
        self._update_buttons()

    def _on_result_selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        result = self.selected_result()
        self._show_report(result)

    def _show_report(self, result: VerifyResult | None) -> None:
        self._clear_cards()
        self.feedback_label.hide()
        clear_layout(self.summary_grid)
        report = result.report if result is not None else None
        self.roles_model.set_report(report)
        for widget in (
            self.file_label,
            self.stage_label,
            self.summary_widget,
            self.roles_heading,
            self.roles_view,
            self.details_heading,
        ):
            widget.setVisible(report is not None)
        self._update_buttons()
        if result is None or report is None:
            return
        value = report.verdict.value
        reason = [report.reason]
        if VERDICT_ADVICE.get(value):
            reason.append(VERDICT_ADVICE[value])
        reason.extend(f"Problem: {p}" for p in report.problems[1:])
        reason.extend(f"Warning: {w}" for w in report.warnings)
        reason.extend(f"Trust: {n}" for n in report.trust_notes)
        self.banner.show_verdict(value, "\n".join(reason))
        self.file_label.setText(f"File: {result.path}")
        stage = stage_text(report)
        missing = missing_text(report)
        self.stage_label.setText(f"{stage} {missing}".strip())
        add_label_rows(self.summary_grid, summary_rows(report), self.summary_widget)
        self.roles_view.fit_height()
        self.details_heading.setVisible(bool(report.signatures))
        from portfolio_app.core.signing.verification import describe_feedback

        self.feedback_label.setText("\n".join(describe_feedback(report.feedback)))
        self.feedback_label.setVisible(bool(report.feedback))
        for sig in report.signatures:
            self.cards_layout.insertWidget(self.cards_layout.count() - 1, SignatureCard(sig))

    def _clear_cards(self) -> None:
        for card in self.cards_widget.findChildren(SignatureCard):
            self.cards_layout.removeWidget(card)
            card.hide()  # deleteLater waits for the event loop; it must vanish now
            card.deleteLater()

    def _update_buttons(self, *_args: Any) -> None:
        has_results = bool(self.results) and not self.is_busy
        self.csv_button.setEnabled(has_results)
        self.copy_button.setEnabled(has_results)
        self.remove_path_button.setEnabled(self.paths_view.selectionModel().hasSelection())
        self.clear_paths_button.setEnabled(self.paths_model.rowCount() > 0)
        self.remove_anchor_button.setEnabled(self.trust_view.selectionModel().hasSelection())

    def report_text(self) -> str:
        """Every file's report in plain words (what Copy puts on the clipboard)."""
        parts = []
        for result in self.results:
            lines = [f"File: {result.path}", f"Stage: {stage_text(result.report)}"]
            lines.extend(result.report.describe())
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    # ---- slots --------------------------------------------------------------------------------

    def _on_add_files_clicked(self) -> None:
        start = remembered_folder("verify") or str(Path.home())
        names, _filter = QFileDialog.getOpenFileNames(
            self, "Choose portfolio PDFs", start, PDF_FILTER
        )
        if names:
            remember_folder("verify", str(Path(names[0]).parent))
            self.add_paths([Path(n) for n in names])

    def _on_compare_clicked(self) -> None:
        start = remembered_folder("verify") or str(Path.home())
        earlier, _filter = QFileDialog.getOpenFileName(
            self, "Compare: the EARLIER export", start, PDF_FILTER
        )
        if not earlier:
            return
        later, _filter = QFileDialog.getOpenFileName(
            self, "Compare: the LATER export", str(Path(earlier).parent), PDF_FILTER
        )
        if later:
            remember_folder("verify", str(Path(later).parent))
            self.compare(Path(earlier), Path(later))

    def compare(self, earlier: Path, later: Path) -> BackgroundTask | None:
        """``verify --compare`` for the window: both files checked with this window's trust,
        on a worker; the answer opens in a plain-text window (``compare_dialog``)."""
        try:
            inputs = self.trust_model.trust_inputs()
        except PortfolioError as exc:
            plain_message(self, QMessageBox.Icon.Warning, "Not compared", exc.user_message).exec()
            return None

        def work(_progress: ProgressFn, _cancelled: CancelledFn) -> list[str]:
            from portfolio_app.core.services.export_service import compare_files, describe_compare

            report = compare_files(earlier, later, trust=inputs)
            return [str(report.exit_code), *describe_compare(report)]

        self.compare_button.setEnabled(False)
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText("Comparing two exports…")
        self.progress_bar.show()
        self.progress_label.show()

        def done() -> None:
            self.compare_button.setEnabled(True)
            if self._task is None:
                self.progress_bar.hide()
                self.progress_label.hide()

        def succeeded(lines: list[str]) -> None:
            done()
            self.compare_dialog = CompareResultDialog(int(lines[0]), lines[1:], self)
            self.compare_dialog.show()

        def failed(error: BaseException) -> None:
            done()
            message = (
                error.user_message
                if isinstance(error, PortfolioError)
                else f"The two files could not be compared ({error})."
            )
            plain_message(self, QMessageBox.Icon.Warning, "Not compared", message).exec()

        return run_in_background(
            work, on_success=while_alive(self, succeeded), on_error=while_alive(self, failed)
        )

    def _on_add_folder_clicked(self) -> None:
        start = remembered_folder("verify") or str(Path.home())
        name = QFileDialog.getExistingDirectory(self, "Choose a folder of portfolios", start)
        if name:
            remember_folder("verify", name)
            self.add_paths([Path(name)])

    def _on_remove_path_clicked(self) -> None:
        rows = self.paths_view.selectionModel().selectedRows()
        if rows:
            self.paths_model.remove(rows[0].row())
            if self.paths_model.rowCount():
                self._on_inputs_changed()
            else:
                self.clear_paths()

    def _on_add_trust_file_clicked(self, kind: str) -> None:
        titles = {
            "trust": "Trust a course CA or a student's certificate",
            "staff": "Trust a separate staff CA",
            "tsa": "Trust a time-stamping authority",
            "crl": "Use a certificate revocation list",
        }
        start = remembered_folder("trust") or str(Path.home())
        names, _filter = QFileDialog.getOpenFileNames(
            self, titles[kind], start, CRL_FILTER if kind == "crl" else CERT_FILTER
        )
        for name in names:
            remember_folder("trust", str(Path(name).parent))
            if kind == "crl":
                self.add_crl_file(Path(name))
            else:
                self.add_certificate_file(Path(name), kind)

    def _on_add_fingerprint_clicked(self) -> None:
        if self.fingerprint_edit.text().strip():
            self.add_fingerprint(self.fingerprint_edit.text())

    def _on_remove_anchor_clicked(self) -> None:
        rows = self.trust_view.selectionModel().selectedRows()
        if rows:
            self.trust_model.remove(rows[0].row())
            self._trust_changed()

    def _on_copy_clicked(self) -> None:
        if self.results:
            QGuiApplication.clipboard().setText(self.report_text())
            self.status_label.setText("The report is on the clipboard.")

    def _on_csv_clicked(self) -> None:
        start = (
            remembered_folder("verify-report") or remembered_folder("verify") or str(Path.home())
        )
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the report as CSV", str(Path(start) / "verify-report.csv"), CSV_FILTER
        )
        if not name:
            return
        path = Path(name if name.lower().endswith(".csv") else f"{name}.csv")
        if not self.save_csv(path):
            plain_message(
                self,
                QMessageBox.Icon.Warning,
                "Report not saved",
                self.status_label.text(),
            ).exec()

    def _add_anchor(self, anchor: TrustAnchor) -> None:
        self.trust_model.add(anchor)
        self._trust_changed()

    def _trust_changed(self) -> None:
        self.trust_error_label.hide()
        self._on_inputs_changed()

    def _show_trust_error(self, message: str) -> None:
        self.trust_error_label.setText(f"Not added: {message}")
        self.trust_error_label.show()

    @override
    def reject(self) -> None:
        self.cancel()
        super().reject()


def _scrolled(page: QWidget) -> QScrollArea:
    """A tab page that scrolls rather than forcing the tabs taller than the splitter gives."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


def _counts_text(total: int, counts: dict[str, int]) -> str:
    from portfolio_app.gui.widgets.verdict_banner import VERDICT_SHORT

    parts = [f"{n} {VERDICT_SHORT.get(k, k).lower()}" for k, n in sorted(counts.items())]
    return f"Checked {total} {'file' if total == 1 else 'files'}: " + ", ".join(parts) + "."


def _short_fingerprint(fingerprint: str) -> str:
    return f"{fingerprint[:11]}…{fingerprint[-5:]}"


def _dropped_paths(urls: Sequence[Any]) -> list[Path]:
    """The local files and folders being dragged (none when any is not local)."""
    paths = []
    for url in urls:
        if not url.isLocalFile():
            return []
        path = Path(url.toLocalFile())
        if path.exists():
            paths.append(path)
    return paths


#: What a comparison's exit status means, in words (the window never relies on colour).
COMPARE_VERDICTS = {
    0: "The later export continues the earlier one: every earlier entry is there.",
    2: "The later export continues the earlier one, but a signer is not confirmed.",
    5: "The later export does NOT simply continue the earlier one: see below.",
    1: "A file failed its signature checks, so nothing in it can be relied on.",
    3: "The files could not be compared: see below.",
}


class CompareResultDialog(QDialog):
    """The answer of a comparison: a verdict in words (never colour alone) and the report as
    plain text (names and titles come from the files)."""

    def __init__(self, exit_code: int, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Comparison of two exports")
        self.exit_code = exit_code
        words = COMPARE_VERDICTS.get(exit_code, COMPARE_VERDICTS[3])
        self.verdict_label = plain_label(words, self, accessible_name="Verdict")
        font = self.verdict_label.font()
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setReadOnly(True)
        self.report_view.setPlainText("\n".join(lines))
        self.report_view.setAccessibleName("Comparison report")
        self.report_view.setAccessibleDescription("Both files' checks, then entry by entry")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(buttons)
        line = self.fontMetrics().lineSpacing()
        self.resize(self.fontMetrics().horizontalAdvance("m") * 60, line * 30)

    def text(self) -> str:
        """The report shown (for tests and for copying)."""
        return self.report_view.toPlainText()
