"""A member of staff countersigns a student's signed portfolio: box, decision, feedback, copy.

The input is checked first, in the background, with
:func:`export_service.plan_countersign_as`: the same checks ``portfolio verify`` makes, plus
whether the file has an open box for the signer's role. A file that fails is refused before the
tutor writes a word. The plan offers the boxes still unsigned that the signer's certificate may
fill (tutor, second marker, moderator, practice assessor) and lists warnings to confirm, chiefly
a student certificate that the tutor's own course CA did not issue. An RFC 3161 time-stamping
authority (default: the portfolio's signing settings) and a revocation list to embed are
optional. The countersignature is added by :func:`export_service.countersign_as` as an
incremental update, so the student's signature stays valid; the copy is written to a new file,
never over the student's.

The identity is read from the vault on the GUI thread (the service is not thread-safe); the
workers only see the identity. Everything from the file, the certificates or the tutor is shown
as plain text.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import (
    TrustInputs,
    countersign_as,
    plan_countersign_as,
)
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.signing.notes import DECISION_LABELS, DECISIONS, MAX_COMMENT_CHARS
from portfolio_app.gui.accessibility import describe_controls
from portfolio_app.gui.background import CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.dialogs.discard_guard import TypedTextGuard
from portfolio_app.gui.icons import icon
from portfolio_app.gui.trust_text import role_label, signer_text, stage_text
from portfolio_app.gui.widgets.alive import while_alive
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar
from portfolio_app.gui.widgets.form_helpers import fit_to_screen, set_buddies
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.widgets.verdict_banner import VerdictBanner, VerdictLook
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.services.export_service import CountersignPlan, ExportResult
    from portfolio_app.core.signing.identity import Identity

PDF_FILTER = "PDF files (*.pdf)"
CRL_FILTER = "Revocation lists (*.crl *.pem *.der);;All files (*)"
READY_LOOK = VerdictLook("success", "verdict-valid", "Ready to countersign")
WARN_LOOK = VerdictLook("warning", "verdict-untrusted", "Check the warnings before you sign")
REFUSED_LOOK = VerdictLook("error", "verdict-broken", "This file cannot be countersigned")
CHECKING_LOOK = VerdictLook("info", "verify", "Checking the student's portfolio…")
DONE_LOOK = VerdictLook("success", "verdict-valid", "Countersigned")
FAILED_LOOK = VerdictLook("error", "verdict-broken", "Not countersigned")


def countersigned_name(source: Path) -> Path:
    """``portfolio.pdf`` -> ``portfolio-countersigned.pdf`` beside it."""
    return source.with_name(f"{source.stem}-countersigned.pdf")


def _two_lines(fingerprint: str) -> str:
    half = len(fingerprint) // 2 + 1 if len(fingerprint) >= 60 else len(fingerprint)
    return f"{fingerprint[:half]}\n{fingerprint[half:]}".rstrip("\n")


class CountersignDialog(BusyDialog):
    """Choose the student's PDF, check it, pick the box, a decision and feedback, save a copy.

    Signals:
        countersigned(str): the path of the countersigned copy.
        checked(object): the :class:`CountersignPlan` of the chosen file, or the error.
    """

    countersigned = Signal(str)
    checked = Signal(object)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._plan: CountersignPlan | None = None
        self._checked_path: Path | None = None
        self._requested_path: Path | None = None
        self._check_generation = 0
        self.result_info: ExportResult | None = None
        self.setWindowTitle("Countersign a portfolio")
        self.setWindowIcon(icon("countersign"))

        body = QWidget(self)
        intro = plain_label(
            "Add your signature, the decision and your feedback to a student's signed "
            "portfolio. They are signed into a new copy; the student's signature stays valid "
            "and nothing else can change after you.",
            body,
        )

        # -- input and its check
        self.input_edit = QLineEdit(body)
        self.input_edit.setAccessibleName("Student's signed portfolio PDF")
        self.input_edit.setClearButtonEnabled(True)
        self.input_browse = QPushButton("&Browse…", body)
        self.check_bar = QProgressBar(body)
        self.check_bar.setRange(0, 0)
        self.check_bar.setAccessibleName("Checking the student's portfolio")
        self.check_bar.hide()
        self.check_banner = VerdictBanner(body)
        self.check_banner.show_look(
            VerdictLook("info", "countersign", "Choose the PDF the student gave you")
        )

        self.warnings_box = QGroupBox("Before you sign", body)
        self.warnings_layout = QVBoxLayout(self.warnings_box)
        self.confirm_check = QCheckBox(
            "I have checked these warnings and want to countersign anyway", self.warnings_box
        )
        self.confirm_check.setAccessibleName("Countersign despite the warnings")
        self.warnings_layout.addWidget(self.confirm_check)
        self.warnings_box.hide()
        self._warning_labels: list[QLabel] = []

        # -- which box
        self.role_combo = QComboBox(body)
        self.role_combo.setAccessibleName("Box to sign (your role)")
        self.role_combo.setEnabled(False)
        self.role_note = plain_label("", body, accessible_name="About the boxes")

        # -- decision and feedback
        decision_box = QGroupBox("Decision", body)
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
        self.feedback_edit = QPlainTextEdit(body)
        self.feedback_edit.setAccessibleName("Feedback for the student")
        self.feedback_edit.setTabChangesFocus(True)
        self.feedback_edit.setPlaceholderText(
            "What the portfolio shows well, and what to work on next."
        )
        line = self.fontMetrics().height()
        self.feedback_edit.setMinimumHeight(line * 5)
        self.feedback_count = plain_label("", body, accessible_name="Feedback length")

        # -- options: a trusted time and a revocation list
        options = QGroupBox("Optional", body)
        self.tsa_edit = QLineEdit(options)
        self.tsa_edit.setAccessibleName("Time-stamping authority address (RFC 3161)")
        self.tsa_edit.setPlaceholderText("https://… (your institution's time-stamping service)")
        self.tsa_edit.setClearButtonEnabled(True)
        self.crl_edit = QLineEdit(options)
        self.crl_edit.setAccessibleName("Revocation list to embed (CRL file)")
        self.crl_edit.setPlaceholderText("course.crl from the course CA")
        self.crl_edit.setClearButtonEnabled(True)
        self.crl_browse = QPushButton("C&hoose…", options)
        options_form = QFormLayout(options)
        options_form.addRow("&Timestamp from:", self.tsa_edit)
        crl_row = _row(options, self.crl_edit, self.crl_browse)
        options_form.addRow("&Revocation list:", crl_row)
        set_buddies(options_form, ((self.tsa_edit, self.tsa_edit), (crl_row, self.crl_edit)))
        options_form.addRow(
            plain_label(
                "A timestamp proves when you signed (else your computer's clock is all there "
                "is). The revocation list is checked and embedded with your signature.",
                options,
            )
        )

        # -- output
        self.output_edit = QLineEdit(body)
        self.output_edit.setAccessibleName("Countersigned copy to write")
        self.output_edit.setClearButtonEnabled(True)
        self.output_browse = QPushButton("Br&owse…", body)

        self.signer_label = plain_label("", body, accessible_name="Who signs", selectable=True)
        self.fingerprint_label = plain_label(
            "",
            body,
            accessible_name="Your certificate's fingerprint",
            selectable=True,
            wrap=False,
            monospace=True,
        )

        form = QFormLayout()
        input_row = _row(body, self.input_edit, self.input_browse)
        output_row = _row(body, self.output_edit, self.output_browse)
        form.addRow("Student's PD&F:", input_row)
        form.addRow(self.check_bar)
        form.addRow(self.check_banner)
        form.addRow(self.warnings_box)
        form.addRow("Bo&x to sign:", self.role_combo)
        form.addRow("", self.role_note)
        form.addRow(decision_box)
        form.addRow("Feedbac&k:", self.feedback_edit)
        form.addRow("", self.feedback_count)
        form.addRow(options)
        form.addRow("Save the copy &as:", output_row)
        set_buddies(
            form,
            (
                (input_row, self.input_edit),
                (output_row, self.output_edit),
                (self.role_combo, self.role_combo),
                (self.feedback_edit, self.feedback_edit),
            ),
        )

        body_layout = QVBoxLayout(body)
        body_layout.addWidget(intro)
        body_layout.addLayout(form, 1)
        body_layout.addWidget(self.signer_label)
        body_layout.addWidget(self.fingerprint_label)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.body_area = scroll

        self.busy_bar = make_busy_bar(self, "Countersigning")
        self.status_banner = VerdictBanner(self)
        self.status_label = self.status_banner.reason_label
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
        layout.addWidget(scroll, 1)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_banner)
        layout.addLayout(buttons)
        fit_to_screen(self, 50, 60)
        add_close_keys(self)

        with contextlib.suppress(PortfolioError):
            self.tsa_edit.setText(identity_service.signing_settings(service).tsa_url or "")
        self._show_signer()

        self.input_browse.clicked.connect(self._on_input_browse_clicked)
        self.input_edit.editingFinished.connect(self._on_input_edit_finished)
        self.crl_browse.clicked.connect(self._on_crl_browse_clicked)
        self.crl_edit.editingFinished.connect(self._on_crl_edit_finished)
        self.output_browse.clicked.connect(self._on_output_browse_clicked)
        self.output_edit.textChanged.connect(self._update)
        self.tsa_edit.textChanged.connect(self._update)
        self.feedback_edit.textChanged.connect(self._update)
        self.confirm_check.toggled.connect(self._update)
        self.role_combo.currentIndexChanged.connect(self._update)
        self.decision_group.buttonToggled.connect(self._on_decision_toggled)
        self.countersign_button.clicked.connect(self.start)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.close_button.clicked.connect(self.reject)
        self._update()

        self._feedback_guard = TypedTextGuard(self, [self.feedback_edit])
        describe_controls(
            self,
            {
                "input_edit": "Its signature is checked before you can countersign",
                "input_browse": "Choose the student's signed PDF",
                "confirm_check": "Tick only when you have read the warnings and still sign",
                "role_combo": "The box your certificate's role may sign",
                "decision_radios": "Your decision, printed with your signature",
                "feedback_edit": "Printed in your signature box and signed",
                "tsa_edit": "Optional: a time-stamping service for a trusted signing time",
                "crl_edit": "Optional: a revocation list to embed with your signature",
                "crl_browse": "Choose the revocation list file",
                "output_edit": "A new file; the student's file is never changed",
                "output_browse": "Choose where to write the countersigned copy",
                "countersign_button": "Signs your decision and feedback into a new copy",
                "open_folder_button": "Shows the countersigned copy in the file manager",
                "close_button": "Closes this window",
            },
        )

    def _identity(self) -> Identity:
        """The signer's identity (made on first use), read here on the GUI thread."""
        return identity_service.get_or_create_identity(self._service)

    def _show_signer(self) -> None:
        identity = identity_service.load_identity(self._service)
        if identity is None:
            self.signer_label.setText(
                "A signing identity will be made for you when you check a file. To countersign "
                "you need a staff certificate from the course CA (Identity ▸ Get certified)."
            )
            self.fingerprint_label.clear()
            return
        from portfolio_app.core.signing.identity import load_certificate, name_summary

        info = identity_service.describe_identity(identity)
        role = ", ".join(role_label(r.strip()) for r in (info.role or "").split(",") if r.strip())
        issuer = name_summary(load_certificate(identity.certificate_pem).issuer)["name"]
        origin = "self-signed" if info.self_signed else f"issued by {issuer or info.issuer}"
        self.signer_label.setText(
            f"You sign as {info.name or 'you'} ({role or 'no role'} certificate, {origin}); "
            "your certificate's SHA-256 fingerprint is:"
        )
        self.fingerprint_label.setText(_two_lines(info.fingerprint))

    # ---- state ----------------------------------------------------------------------------

    def decision(self) -> str | None:
        """The chosen decision value, or None."""
        for decision, radio in self.decision_radios.items():
            if radio.isChecked():
                return decision
        return None

    def role(self) -> str | None:
        """The box (role) chosen, or None before a file checked out."""
        data = self.role_combo.currentData()
        return str(data) if data else None

    @property
    def plan(self) -> CountersignPlan | None:
        """The check of the chosen file (None until it passed)."""
        return self._plan

    def _path(self, edit: QLineEdit) -> Path | None:
        text = edit.text().strip()
        return Path(text).expanduser() if text else None

    @property
    def input_ok(self) -> bool:
        """Whether the chosen input was checked and can be countersigned."""
        return (
            self._plan is not None
            and self._checked_path == self._path(self.input_edit)
            and self.role() is not None
        )

    def _update(self, *_args: Any) -> None:
        length = len(self.feedback_edit.toPlainText())
        self.feedback_count.setText(f"{length:,} of {MAX_COMMENT_CHARS:,} characters")
        source, target = self._path(self.input_edit), self._path(self.output_edit)
        same = source is not None and target is not None and source.resolve() == target.resolve()
        problem = ""
        if same:
            problem = "Save the countersigned copy as a new file, not over the student's."
        elif length > MAX_COMMENT_CHARS:
            problem = "The feedback is too long for the signature."
        elif self.tsa_edit.text().strip() and not self.tsa_edit.text().strip().startswith(
            ("http://", "https://")
        ):
            problem = "The time-stamping authority's address must start with http:// or https://."
        if problem:
            self.status_banner.show_look(FAILED_LOOK, problem, headline="Not ready yet")
        elif self.status_banner.headline_label.text() == "Not ready yet":
            self.status_banner.hide()
        plan = self._plan
        warnings_ok = plan is None or not plan.warnings or self.confirm_check.isChecked()
        self.countersign_button.setEnabled(
            self.input_ok
            and warnings_ok
            and self.decision() is not None
            and target is not None
            and not problem
            and not self.is_busy
        )

    # ---- the input check ------------------------------------------------------------------

    def set_input(self, path: Path) -> None:
        """Use ``path`` as the student's PDF and check it in the background."""
        self.input_edit.setText(str(path))
        if not self.output_edit.text().strip():
            self.output_edit.setText(str(countersigned_name(path)))
        self._check(path)

    def set_crl(self, path: Path | None) -> None:
        """Embed (and check against) this revocation list; re-checks the input."""
        self.crl_edit.setText(str(path) if path else "")
        self._on_crl_edit_finished()

    def _extra_trust(self) -> TrustInputs:
        crl = self._path(self.crl_edit)
        return TrustInputs.from_paths(crls=[crl]) if crl is not None else TrustInputs()

    def _check(self, path: Path) -> None:
        self._requested_path = path
        self._plan = None
        self._checked_path = None
        self._check_generation += 1
        generation = self._check_generation
        self._clear_warnings()
        self.role_combo.clear()
        self.role_combo.setEnabled(False)
        self.role_note.clear()
        try:
            identity = self._identity()
            extra = self._extra_trust()
        except PortfolioError as exc:
            self._on_check_failed(generation, exc)
            return
        self._show_signer()

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> CountersignPlan:
            return plan_countersign_as(identity, path, trust=extra)

        self.check_bar.show()
        self.check_banner.show_look(CHECKING_LOOK)
        self._update()
        run_in_background(
            work,
            on_success=while_alive(self, lambda plan: self._on_checked(generation, path, plan)),
            on_error=while_alive(self, lambda error: self._on_check_failed(generation, error)),
        )

    def _on_checked(self, generation: int, path: Path, plan: CountersignPlan) -> None:
        if generation != self._check_generation:
            return
        self.check_bar.hide()
        self._plan = plan
        self._checked_path = path
        report = plan.report
        student = report.signatures[0] if report.signatures else None
        who = signer_text(student) if student is not None else "an unnamed signer"
        lines = [f"The student's signature is intact: signed by {who}.", stage_text(report)]
        self.check_banner.show_look(WARN_LOOK if plan.warnings else READY_LOOK, "\n".join(lines))
        for role in plan.choices or (plan.role,):
            self.role_combo.addItem(role_label(role), role)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(plan.role)))
        self.role_combo.setEnabled(self.role_combo.count() > 0)
        open_boxes = ", ".join(role_label(r).lower() for r in plan.choices) or "none"
        self.role_note.setText(
            f"Open boxes your certificate may sign: {open_boxes}. Other staff boxes are for "
            "colleagues with that role."
        )
        for warning in plan.warnings:
            label = plain_label(f"⚠ {warning}", self.warnings_box, accessible_name="Warning")
            self.warnings_layout.insertWidget(self.warnings_layout.count() - 1, label)
            self._warning_labels.append(label)
        self.warnings_box.setVisible(bool(plan.warnings))
        self.confirm_check.setChecked(False)
        self._update()
        self.checked.emit(plan)

    def _on_check_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._check_generation:
            return
        self.check_bar.hide()
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"something unexpected went wrong ({type(error).__name__})"
        )
        self.check_banner.show_look(REFUSED_LOOK, message)
        self._update()
        self.checked.emit(error)

    def _clear_warnings(self) -> None:
        for label in self._warning_labels:
            self.warnings_layout.removeWidget(label)
            label.hide()
            label.deleteLater()
        self._warning_labels = []
        self.warnings_box.hide()
        self.confirm_check.setChecked(False)

    def warning_texts(self) -> list[str]:
        """The warnings shown (tests, screen readers)."""
        return [label.text() for label in self._warning_labels]

    # ---- countersigning -------------------------------------------------------------------

    def start(self) -> None:
        """Make the countersigned copy in the background."""
        source, target, decision, role = (
            self._path(self.input_edit),
            self._path(self.output_edit),
            self.decision(),
            self.role(),
        )
        if not self.countersign_button.isEnabled() or None in (source, target, decision, role):
            return
        assert source is not None and target is not None and decision is not None
        comment = self.feedback_edit.toPlainText().strip()
        tsa = self.tsa_edit.text().strip() or None
        try:
            identity = self._identity()
            extra = self._extra_trust()
        except PortfolioError as exc:
            self.status_banner.show_look(FAILED_LOOK, exc.user_message)
            return
        crls = [data for _name, data in extra.crls]

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> ExportResult:
            return countersign_as(
                identity,
                source,
                target,
                decision=decision,
                comment=comment,
                role=role,
                trust=extra,
                tsa_url=tsa,
                crls=crls,
            )

        self.status_banner.hide()
        self._start(work, "Countersigning…")

    @override
    def _start(self, work: Any, message: str) -> None:
        super()._start(work, message)
        self.status_banner.show_look(VerdictLook("info", "countersign", message))

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
            self.tsa_edit,
            self.crl_edit,
            self.crl_browse,
            self.confirm_check,
            *self.decision_radios.values(),
        ):
            widget.setEnabled(not busy)
        self.role_combo.setEnabled(not busy and self.role_combo.count() > 0)
        self._update()

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        self.result_info = result
        path = Path(result.path)
        remember_folder("countersign", str(path.parent))
        self.status_banner.show_look(
            DONE_LOOK,
            f"The signed copy is {path}. Send it back to the student; anyone can check every "
            "signature with Verify.",
        )
        self._show_signer()
        self.countersign_button.hide()
        self.open_folder_button.show()
        self.close_button.setFocus()
        self._feedback_guard.reset()  # signed into the copy: nothing left to lose
        self.countersigned.emit(str(path))

    @override
    def reject(self) -> None:
        """Close, Esc, Ctrl+W: ask first when typed feedback would be lost (no lost words)."""
        if not self.is_busy and self._feedback_guard.may_close():
            super().reject()

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"something unexpected went wrong ({type(error).__name__})"
        )
        self.status_banner.show_look(FAILED_LOOK, message)

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
        if path is not None and path != self._requested_path and self.isVisible():
            self._check(path)

    def _on_crl_browse_clicked(self) -> None:
        start = remembered_folder("trust") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, "A revocation list from the course CA", start, CRL_FILTER
        )
        if name:
            remember_folder("trust", str(Path(name).parent))
            self.set_crl(Path(name))

    def _on_crl_edit_finished(self) -> None:
        path = self._path(self.input_edit)
        if path is not None:
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
