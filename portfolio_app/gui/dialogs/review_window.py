"""Tools > Review a portfolio: a tutor reads a student's signed PDF, gives feedback per entry and
overall, picks the decision and countersigns, in one step.

Reading needs no portfolio of the tutor's own: :func:`review_service.review_file` checks the
file in a worker (like ``portfolio verify``) and reads the entries from the ``portfolio.json``
the student signed, with any feedback already in the file and who answers for it. Feedback
already there that nobody signed (typed in another reader before you) is loaded into the boxes
and flagged, so the tutor sees what their signature would cover. Countersigning checks the
file again (:func:`export_service.plan_countersign_as`, warnings to confirm), then fills the
boxes and signs in one incremental revision (:func:`export_service.countersign_as` with
``feedback``), so the signature covers the feedback. The identity is read from the vault on the
GUI thread; workers see only the identity. Everything from the file is plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import (
    ExportResult,
    TrustInputs,
    countersign_as,
    plan_countersign_as,
)
from portfolio_app.core.services.review_service import OVERALL_KEY, ReviewView, review_file
from portfolio_app.core.signing.feedback_fields import MAX_FEEDBACK_CHARS
from portfolio_app.core.signing.feedback_report import AFTER_LAST_SIGNATURE
from portfolio_app.core.signing.notes import DECISION_LABELS, DECISIONS
from portfolio_app.gui.background import CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.form_helpers import fit_to_screen
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.window_state import remember_folder, remembered_folder

if TYPE_CHECKING:
    from portfolio_app.core.services.export_service import CountersignPlan
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.signing.identity import Identity

PDF_FILTER = "PDF files (*.pdf)"


def entry_text(view: ReviewView, index: int) -> str:
    """An entry as plain text: title line, then each section under its heading."""
    entry = view.entries[index]
    lines = [f"{entry.number} · {entry.kind.capitalize()}: {entry.title}", f"{entry.date}", ""]
    for section in entry.sections:
        if section.heading:
            lines.append(section.heading.upper())
        lines.append(section.body.strip() or "(left blank)")
        lines.append("")
    return "\n".join(lines).rstrip()


class ReviewWindow(QWidget):
    """Open a signed PDF, read its entries, type feedback, decide and countersign."""

    def __init__(self, service: PortfolioService | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.view: ReviewView | None = None
        self.feedback: dict[str, str] = {}
        self._current = -1
        self._task: Any = None
        self.result_info: ExportResult | None = None
        self.setWindowTitle("Review a portfolio")
        self.setWindowIcon(icon("verify"))

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName("Student's signed PDF")
        self.path_edit.setPlaceholderText("The student's signed portfolio PDF")
        self.path_edit.returnPressed.connect(self.open_path)
        open_button = QPushButton("&Open PDF…", self)
        open_button.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(open_button)
        layout.addLayout(row)
        self.summary = plain_label(
            "Open a student's signed PDF to review it.",
            self,
            accessible_name="Portfolio and signatures",
            selectable=True,
        )
        layout.addWidget(self.summary)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["No.", "Entry", "Feedback"])
        self.table = QTableView(splitter)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Entries")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.entry_view = QPlainTextEdit(right)
        self.entry_view.setReadOnly(True)
        self.entry_view.setAccessibleName("The entry as the student signed it")
        right_layout.addWidget(self.entry_view, 3)
        self.existing_label = plain_label("", right, accessible_name="Feedback already in the file")
        self.existing_label.hide()
        right_layout.addWidget(self.existing_label)
        feedback_label = QLabel("&Your feedback on this entry:", right)
        self.entry_feedback = QPlainTextEdit(right)
        self.entry_feedback.setAccessibleName("Your feedback on this entry")
        self.entry_feedback.setTabChangesFocus(True)
        feedback_label.setBuddy(self.entry_feedback)
        self.entry_feedback.textChanged.connect(self._on_feedback_typed)
        right_layout.addWidget(feedback_label)
        right_layout.addWidget(self.entry_feedback, 1)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

        form = QFormLayout()
        self.overall_edit = QPlainTextEdit(self)
        self.overall_edit.setAccessibleName("Overall feedback")
        self.overall_edit.setTabChangesFocus(True)
        self.overall_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 10)
        form.addRow("O&verall feedback:", self.overall_edit)
        self.decision_combo = QComboBox(self)
        self.decision_combo.setAccessibleName("Decision")
        for decision in DECISIONS:
            self.decision_combo.addItem(f"{DECISION_LABELS[decision].capitalize()}", decision)
        form.addRow("&Decision:", self.decision_combo)
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setAccessibleName("Comment in your signature box")
        self.comment_edit.setPlaceholderText("One line printed in your signature box")
        form.addRow("Co&mment:", self.comment_edit)
        layout.addLayout(form)
        self.status_label = plain_label("", self, accessible_name="Status", selectable=True)
        layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.sign_button = QPushButton("Fill the boxes and &countersign…", self)
        self.sign_button.setEnabled(False)
        self.sign_button.clicked.connect(self.countersign)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        add_close_keys(self)
        fit_to_screen(self, 70, 44)

    # ---- opening ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Pick the student's PDF."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Student's signed portfolio", remembered_folder("review"), PDF_FILTER
        )
        if path:
            self.path_edit.setText(path)
            self.open_path()

    def _trust(self) -> TrustInputs:
        identity = self._identity(create=False)
        if identity is None:
            return TrustInputs()
        return TrustInputs(
            trust=tuple(
                (f"your course CA ({i})", pem) for i, pem in enumerate(identity.chain_pem, 1)
            )
        )

    def _identity(self, *, create: bool) -> Identity | None:
        if self._service is None or not self._service.is_open:
            return None
        if create:
            return identity_service.get_or_create_identity(self._service)
        return identity_service.load_identity(self._service)

    def open_path(self) -> None:
        """Check and read the file in the background."""
        text = self.path_edit.text().strip()
        if not text or self._task is not None:
            return
        path = Path(text).expanduser()
        trust = self._trust()
        self.status_label.setText("Checking the signatures and reading the entries…")
        self.sign_button.setEnabled(False)

        def work(_progress: ProgressFn, _cancelled: CancelledFn) -> ReviewView:
            return review_file(path, trust=trust)

        self._task = run_in_background(work, on_success=self._on_opened, on_error=self._on_failed)

    def _on_failed(self, error: BaseException) -> None:
        self._task = None
        message = error.user_message if isinstance(error, PortfolioError) else str(error)
        self.status_label.setText(f"Not done: {message}")

    def _on_opened(self, view: ReviewView) -> None:
        self._task = None
        self.show_view(view)

    def show_view(self, view: ReviewView) -> None:
        """Show a checked file's entries (also used by tests and the screenshot script)."""
        self.view = view
        remember_folder("review", str(view.path.parent))
        self.feedback = {}
        for entry in view.entries:
            if entry.feedback is not None:
                self.feedback[entry.id] = entry.feedback.text
        self.overall_edit.setPlainText(view.overall_feedback.text if view.overall_feedback else "")
        report = view.report
        signers = "; ".join(
            f"{s.index}: {s.signer_name} ({(s.box_role or 'outside a box').replace('-', ' ')}"
            f"{', trusted' if s.trusted else ', not confirmed'})"
            for s in report.signatures
        )
        who = f"{view.student_name} ({view.student_id})" if view.student_id else view.student_name
        self.summary.setText(
            f"{who}, {view.programme or 'no programme given'} · {len(view.entries)} entries\n"
            f"{report.describe()[0]}\nSignatures: {signers}"
        )
        self.model.removeRows(0, self.model.rowCount())
        for entry in view.entries:
            self.model.appendRow(
                [QStandardItem(entry.number), QStandardItem(entry.title), QStandardItem("")]
            )
        self._refresh_marks()
        locked = view.feedback_locked or not (view.feedback_boxes or view.has_overall_box)
        self.entry_feedback.setReadOnly(locked)
        self.overall_edit.setReadOnly(locked or not view.has_overall_box)
        can_sign = report.exit_code in (0, 2, 4) and self._service is not None
        self.sign_button.setEnabled(can_sign)
        if report.exit_code == 1:
            self.status_label.setText("This file fails its checks: it cannot be countersigned.")
        elif view.feedback_locked:
            self.status_label.setText(
                "A staff member has countersigned already: the feedback boxes are closed. You "
                "can still add your decision and comment in your own box."
            )
        elif not (view.feedback_boxes or view.has_overall_box):
            self.status_label.setText(
                "The student exported this without feedback boxes: give your feedback in the "
                "comment."
            )
        else:
            self.status_label.setText("Type feedback per entry, then decide and countersign.")
        if view.entries:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _refresh_marks(self) -> None:
        if self.view is None:
            return
        for row, entry in enumerate(self.view.entries):
            text = self.feedback.get(entry.id, "").strip()
            item = self.model.item(row, 2)
            if item is not None:
                item.setText("✓ written" if text else "")

    def _on_row_changed(self, current: Any, _previous: Any) -> None:
        if self.view is None or not current.isValid():
            return
        self._current = current.row()
        entry = self.view.entries[self._current]
        self.entry_view.setPlainText(entry_text(self.view, self._current))
        existing = entry.feedback
        self.existing_label.setVisible(existing is not None)
        if existing is None:
            self.existing_label.setText("")
        elif existing.filled_in == AFTER_LAST_SIGNATURE:
            self.existing_label.setText(
                "Already in the file, typed before you and signed by nobody: your signature "
                "would cover it. Keep it only if it is yours."
            )
        else:
            self.existing_label.setText(f"In the file: {existing.responsibility}.")
        self.entry_feedback.blockSignals(True)
        self.entry_feedback.setPlainText(self.feedback.get(entry.id, ""))
        self.entry_feedback.blockSignals(False)

    def _on_feedback_typed(self) -> None:
        if self.view is None or self._current < 0:
            return
        entry = self.view.entries[self._current]
        self.feedback[entry.id] = self.entry_feedback.toPlainText()
        self._refresh_marks()

    # ---- countersigning --------------------------------------------------------------------

    def feedback_to_sign(self) -> dict[str, str]:
        """Entry id (and ``"overall"``) -> text, for every box with text or to clear."""
        assert self.view is not None
        out: dict[str, str] = {}
        boxes = self.view.feedback_boxes
        for entry_id, text in self.feedback.items():
            if entry_id in boxes:
                out[entry_id] = text.strip()
        if self.view.has_overall_box:
            out[OVERALL_KEY] = self.overall_edit.toPlainText().strip()
        # An empty box that was empty before needs no change.
        existing = {e.id for e in self.view.entries if e.feedback is not None}
        had_overall = self.view.overall_feedback is not None
        return {
            k: v
            for k, v in out.items()
            if v or (k in existing) or (k == OVERALL_KEY and had_overall)
        }

    def countersign(self) -> None:
        """Check, confirm the warnings, choose where to save, then fill and sign."""
        if self.view is None or self._task is not None:
            return
        feedback = {} if self.view.feedback_locked else self.feedback_to_sign()
        too_long = [k for k, v in feedback.items() if len(v) > MAX_FEEDBACK_CHARS]
        if too_long:
            self.status_label.setText(
                f"Some feedback is longer than {MAX_FEEDBACK_CHARS:,} characters; shorten it."
            )
            return
        comment = self.comment_edit.text().strip()
        if not comment:
            self.status_label.setText("Write a one-line comment for your signature box first.")
            self.comment_edit.setFocus()
            return
        try:
            identity = self._identity(create=True)
        except PortfolioError as exc:
            self.status_label.setText(f"Not signed: {exc.user_message}")
            return
        if identity is None:
            self.status_label.setText("Unlock your portfolio (your signing identity) first.")
            return
        source = self.view.path
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Save the countersigned copy",
            str(source.with_name(f"{source.stem}-countersigned.pdf")),
            PDF_FILTER,
        )
        if not target:
            return
        trust = self._trust()
        decision = str(self.decision_combo.currentData())
        keys = list(feedback)

        def plan(_progress: ProgressFn, _cancelled: CancelledFn) -> CountersignPlan:
            return plan_countersign_as(identity, source, trust=trust, feedback_keys=keys)

        def on_plan(result: CountersignPlan) -> None:
            self._task = None
            if result.warnings and not self._confirm(result.warnings):
                self.status_label.setText("Nothing was signed.")
                return

            def sign(_progress: ProgressFn, _cancelled: CancelledFn) -> ExportResult:
                return countersign_as(
                    identity,
                    source,
                    Path(target),
                    decision=decision,
                    comment=comment,
                    role=result.role,
                    trust=trust,
                    feedback=feedback or None,
                )

            self.status_label.setText("Filling the boxes and countersigning…")
            self._task = run_in_background(
                sign, on_success=self._on_signed, on_error=self._on_failed
            )

        self.status_label.setText("Checking the file before you sign…")
        self._task = run_in_background(plan, on_success=on_plan, on_error=self._on_failed)

    def _confirm(self, warnings: tuple[str, ...]) -> bool:
        box = QMessageBox(self)
        box.setWindowTitle("Check before you sign")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText("\n\n".join(warnings))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Countersign anyway")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _on_signed(self, result: ExportResult) -> None:
        self._task = None
        self.result_info = result
        self.status_label.setText(
            f"Countersigned, with your feedback signed in: {result.path}. Send this copy back "
            "to the student."
        )
