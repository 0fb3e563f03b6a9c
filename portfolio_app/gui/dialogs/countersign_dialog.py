"""A tutor countersigns a student's signed portfolio: decision, feedback, new signed copy.

The input is verified first (in the background) and a broken or unsigned file is refused
before the tutor writes a word. The countersignature is added by
:func:`export_service.countersign_file` as an incremental update, so the student's signature
stays valid; the copy is written to a new file, never over the student's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import (
    countersign_file,
    countersign_trust,
    verify_file,
)
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.signing.notes import DECISION_LABELS, DECISIONS, MAX_COMMENT_CHARS
from portfolio_app.gui.background import CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar, make_status_label
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.services.export_service import ExportResult
    from portfolio_app.core.signing.verification import VerificationReport

PDF_FILTER = "PDF files (*.pdf)"
#: Verdicts whose file can be countersigned (trust in the student is the tutor's call).
COUNTERSIGNABLE = frozenset({"valid-trusted", "valid-untrusted"})


def countersigned_name(source: Path) -> Path:
    """``portfolio.pdf`` -> ``portfolio-countersigned.pdf`` beside it."""
    return source.with_name(f"{source.stem}-countersigned.pdf")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _two_lines(fingerprint: str) -> str:
    half = len(fingerprint) // 2 + 1 if len(fingerprint) >= 60 else len(fingerprint)
    return f"{_escape(fingerprint[:half])}<br>{_escape(fingerprint[half:])}".removesuffix("<br>")


class CountersignDialog(BusyDialog):
    """Choose the student's PDF, check it, pick a decision, write feedback, save a new copy.

    Signals:
        countersigned(str): the path of the countersigned copy.
    """

    countersigned = Signal(str)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._report: VerificationReport | None = None
        self._checked_path: Path | None = None
        self._check_generation = 0
        self.result_info: ExportResult | None = None
        self.setWindowTitle("Countersign a portfolio")
        self.setWindowIcon(icon("countersign"))

        intro = QLabel(
            "Add your signature, decision and feedback to a student's signed portfolio. They "
            "are signed into a new copy; the student's own signature stays valid.",
            self,
        )
        intro.setWordWrap(True)

        # -- input
        self.input_edit = QLineEdit(self)
        self.input_edit.setAccessibleName("Student's signed portfolio PDF")
        self.input_edit.setClearButtonEnabled(True)
        self.input_browse = QPushButton("&Browse…", self)
        self.check_label = QLabel("Choose the PDF the student gave you.", self)
        self.check_label.setWordWrap(True)
        self.check_label.setAccessibleName("Check of the student's signature")
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_bar = QProgressBar(self)
        self.check_bar.setRange(0, 0)
        self.check_bar.setAccessibleName("Checking the student's signature")
        self.check_bar.hide()

        # -- decision and feedback
        decision_box = QGroupBox("Decision", self)
        self.decision_group = QButtonGroup(self)
        decision_layout = QVBoxLayout(decision_box)
        self.decision_radios: dict[str, QRadioButton] = {}
        texts = {
            "meets": "&Meets the standard",
            "partially-meets": "&Partially meets the standard",
            "does-not-meet": "Does &not meet the standard",
        }
        for decision in DECISIONS:
            label = DECISION_LABELS[decision]
            radio = QRadioButton(texts.get(decision, _sentence(label)), decision_box)
            radio.setAccessibleName(f"Decision: {label}")
            self.decision_group.addButton(radio)
            self.decision_radios[decision] = radio
            decision_layout.addWidget(radio)
        self.feedback_edit = QPlainTextEdit(self)
        self.feedback_edit.setAccessibleName("Feedback for the student")
        self.feedback_edit.setTabChangesFocus(True)
        self.feedback_edit.setPlaceholderText(
            "What the portfolio shows well, and what to work on next."
        )
        self.feedback_count = QLabel(self)
        self.feedback_count.setAccessibleName("Feedback length")

        # -- output
        self.output_edit = QLineEdit(self)
        self.output_edit.setAccessibleName("Countersigned copy to write")
        self.output_edit.setClearButtonEnabled(True)
        self.output_browse = QPushButton("Br&owse…", self)

        self.signer_label = QLabel(self)
        self.signer_label.setWordWrap(True)
        self.signer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signer_label.setAccessibleName("Who signs")
        self._show_signer()

        form = QFormLayout()
        input_row = _row(self, self.input_edit, self.input_browse)
        output_row = _row(self, self.output_edit, self.output_browse)
        form.addRow("Student's PD&F:", input_row)
        form.addRow("", self.check_bar)
        form.addRow("", self.check_label)
        form.addRow(decision_box)
        form.addRow("Feedbac&k:", self.feedback_edit)
        form.addRow("", self.feedback_count)
        form.addRow("Save the copy &as:", output_row)
        for row, edit in ((input_row, self.input_edit), (output_row, self.output_edit)):
            row_label = form.labelForField(row)
            if isinstance(row_label, QLabel):
                row_label.setBuddy(edit)

        self.busy_bar = make_busy_bar(self, "Countersigning")
        self.status_label = make_status_label(self)
        self.countersign_button = QPushButton(icon("countersign"), "&Countersign", self)
        self.countersign_button.setDefault(True)
        self.open_folder_button = QPushButton("Open the fo&lder", self)
        self.open_folder_button.hide()
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder_button)
        buttons.addWidget(self.countersign_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        layout.addWidget(self.signer_label)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 44, line * 40)

        self.input_browse.clicked.connect(self._on_input_browse_clicked)
        self.input_edit.editingFinished.connect(self._on_input_edit_finished)
        self.output_browse.clicked.connect(self._on_output_browse_clicked)
        self.output_edit.textChanged.connect(self._update)
        self.feedback_edit.textChanged.connect(self._update)
        self.decision_group.buttonToggled.connect(self._on_decision_toggled)
        self.countersign_button.clicked.connect(self.start)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.close_button.clicked.connect(self.reject)
        self._update()

    def _show_signer(self) -> None:
        identity = identity_service.load_identity(self._service)
        if identity is None:
            self.signer_label.setText(
                "A signing identity will be made for you when you countersign."
            )
            return
        info = identity_service.describe_identity(identity)
        self.signer_label.setText(
            f"You sign as <b>{_escape(info.name or 'you')}</b>; your certificate's "
            f"fingerprint is<br><tt>{_two_lines(info.fingerprint)}</tt>"
        )

    # ---- state -----------------------------------------------------------------------------------

    def decision(self) -> str | None:
        """The chosen decision value, or None."""
        for decision, radio in self.decision_radios.items():
            if radio.isChecked():
                return decision
        return None

    def _path(self, edit: QLineEdit) -> Path | None:
        text = edit.text().strip()
        return Path(text).expanduser() if text else None

    @property
    def input_ok(self) -> bool:
        """Whether the chosen input was checked and can be countersigned."""
        return (
            self._report is not None
            and self._report.verdict.value in COUNTERSIGNABLE
            and self._checked_path == self._path(self.input_edit)
        )

    def _update(self) -> None:
        length = len(self.feedback_edit.toPlainText())
        self.feedback_count.setText(f"{length:,} of {MAX_COMMENT_CHARS:,} characters")
        source, target = self._path(self.input_edit), self._path(self.output_edit)
        same = source is not None and target is not None and source.resolve() == target.resolve()
        problem = ""
        if same:
            problem = "Save the countersigned copy as a new file, not over the student's."
        elif length > MAX_COMMENT_CHARS:
            problem = "The feedback is too long for the signature."
        if problem:
            self.status_label.setText(problem)
        elif self.status_label.text().startswith(("Save the countersigned", "The feedback is")):
            self.status_label.clear()
        self.countersign_button.setEnabled(
            self.input_ok
            and self.decision() is not None
            and target is not None
            and not problem
            and not self.is_busy
        )

    # ---- the input check -------------------------------------------------------------------------

    def set_input(self, path: Path) -> None:
        """Use ``path`` as the student's PDF and check it in the background."""
        self.input_edit.setText(str(path))
        if not self.output_edit.text().strip():
            self.output_edit.setText(str(countersigned_name(path)))
        self._check(path)

    def _check(self, path: Path) -> None:
        self._report = None
        self._checked_path = None
        self._check_generation += 1
        generation = self._check_generation

        try:
            # The tutor's own course CA (from the vault: read here, on the GUI thread).
            trust = countersign_trust(self._service)
        except PortfolioError:
            trust = None

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> VerificationReport:
            return verify_file(path, trust=trust)

        self.check_bar.show()
        self.check_label.setText("Checking the student's signature…")
        self._update()
        run_in_background(
            work,
            on_success=lambda report: self._on_checked(generation, path, report),
            on_error=lambda error: self._on_check_failed(generation, error),
        )

    def _on_checked(self, generation: int, path: Path, report: VerificationReport) -> None:
        if generation != self._check_generation:
            return
        self.check_bar.hide()
        self._report = report
        self._checked_path = path
        student = next((s for s in report.signatures if s.certifying), None)
        if report.verdict.value not in COUNTERSIGNABLE:
            self.check_label.setText(
                f"✗ <b>This file cannot be countersigned.</b> {_escape(report.reason)}<br>"
                "Ask the student for a fresh export."
            )
        else:
            who = _escape(student.signer_name or "an unnamed signer") if student else "?"
            fingerprint = student.fingerprint if student and student.fingerprint else ""
            text = f"✓ <b>The student's signature is intact</b>: signed by {who}."
            if student is not None and not student.trusted and fingerprint:
                text += (
                    " <b>Warning:</b> the student's certificate is not from your course CA."
                    " Check that this fingerprint is the one the student registered with you:"
                    f"<br><tt>{_two_lines(fingerprint)}</tt>"
                )
            self.check_label.setText(text)
        self.check_label.setAccessibleDescription(self.check_label.text())
        self._update()

    def _on_check_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._check_generation:
            return
        self.check_bar.hide()
        message = error.user_message if isinstance(error, PortfolioError) else repr(error)
        self.check_label.setText(f"✗ <b>The file could not be checked:</b> {_escape(message)}")
        self._update()

    # ---- countersigning --------------------------------------------------------------------------

    def start(self) -> None:
        """Make the countersigned copy in the background."""
        source, target, decision = (
            self._path(self.input_edit),
            self._path(self.output_edit),
            self.decision(),
        )
        if not self.countersign_button.isEnabled() or None in (source, target, decision):
            return
        assert source is not None and target is not None and decision is not None
        comment = self.feedback_edit.toPlainText().strip()
        service = self._service
        try:
            # The identity lives in the vault: make or read it here, on the GUI thread, so
            # the worker only signs.
            identity_service.get_or_create_identity(service)
        except PortfolioError as exc:
            self.status_label.setText(f"<b>Not countersigned:</b> {_escape(exc.user_message)}")
            return

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> ExportResult:
            return countersign_file(service, source, target, decision=decision, comment=comment)

        self._start(work, "Countersigning…")

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        for widget in (
            self.input_edit,
            self.input_browse,
            self.output_edit,
            self.output_browse,
            self.feedback_edit,
            self.close_button,
            *self.decision_radios.values(),
        ):
            widget.setEnabled(not busy)
        self._update()

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        self.result_info = result
        path = Path(result.path)
        remember_folder("countersign", str(path.parent))
        self.status_label.setText(
            f"<b>Countersigned.</b> The signed copy is {_escape(str(path))}. Send it back to "
            "the student; anyone can check both signatures with Verify."
        )
        self._show_signer()
        self.countersign_button.hide()
        self.open_folder_button.show()
        self.close_button.setFocus()
        self.countersigned.emit(str(path))

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"something unexpected went wrong ({type(error).__name__})"
        )
        self.status_label.setText(f"<b>Not countersigned:</b> {_escape(message)}")

    # ---- slots ----------------------------------------------------------------------------

    def _on_input_browse_clicked(self) -> None:
        start = remembered_folder("countersign") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, "The student's signed portfolio", start, PDF_FILTER
        )
        if name:
            remember_folder("countersign", str(Path(name).parent))
            self.output_edit.clear()
            self.set_input(Path(name))

    def _on_input_edit_finished(self) -> None:
        path = self._path(self.input_edit)
        if path is not None and path != self._checked_path:
            self._check(path)

    def _on_output_browse_clicked(self) -> None:
        current = self.output_edit.text().strip() or str(Path.home())
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the countersigned copy as", current, PDF_FILTER
        )
        if name:
            self.output_edit.setText(name if name.lower().endswith(".pdf") else f"{name}.pdf")

    def _on_decision_toggled(self, _button: Any, _checked: bool) -> None:
        self._update()

    def _on_open_folder_clicked(self) -> None:
        if self.result_info is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.result_info.path).parent)))


def _row(parent: QWidget, edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    row.setFocusProxy(edit)
    return row


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
