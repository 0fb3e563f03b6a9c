"""File > Import tutor feedback: check a countersigned PDF, then store its feedback.

Two steps a student can follow: choose the file (it is checked at once, in the background,
with :func:`feedback_service.check_feedback_file`: the student's own certification, a trusted
staff countersignature, feedback that counts), read what it holds (who countersigned in which
role, the decision, which entries got feedback), then Import (one transaction on the GUI
thread: :func:`feedback_service.store_feedback`). A file that fails is refused with the reason
and nothing is stored. Everything from the file is shown as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services import feedback_service
from portfolio_app.core.services.feedback_service import ImportContext, ImportPreview
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import CancelledFn, ProgressFn
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar, make_status_label
from portfolio_app.gui.widgets.plain_text import add_close_keys, plain_label
from portfolio_app.gui.window_state import remember_folder, remembered_folder

PDF_FILTER = "PDF files (*.pdf)"
PEM_FILTER = "Certificates (*.pem *.crt *.cer *.der);;All files (*)"


def preview_text(preview: ImportPreview) -> str:
    """What the checked file holds, for the student to read before importing."""
    lines = list(preview.describe())
    if preview.duplicate:
        lines.insert(0, "You have already imported this file: importing it again changes nothing.")
    elif preview.replaces:
        lines.insert(0, "This adds signatures to a file you imported before: it replaces it.")
    for item in preview.items:
        where = "Whole portfolio" if item.entry_id is None else f"{item.label} {item.title or ''}"
        lines.append("")
        lines.append(f"{where.strip()}:")
        lines.extend(f"  {line}" for line in item.text.splitlines())
    return "\n".join(lines)


class FeedbackImportDialog(BusyDialog):
    """Choose a countersigned PDF, read what it holds, import it (``imported`` says if it was)."""

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._preview: ImportPreview | None = None
        self._staff_ca: tuple[tuple[str, bytes], ...] = ()
        self.imported = False
        self.setWindowTitle("Import tutor feedback")
        self.setWindowIcon(icon("import"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "Your tutor sends your portfolio back countersigned, with feedback on your "
                "entries. Choose that PDF: the app checks that it is your own export, signed by "
                "staff your course CA certified, and that nobody changed the feedback after "
                "they signed. Then it stores the feedback under each entry, encrypted.",
                self,
            )
        )
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName("Countersigned PDF")
        self.path_edit.setPlaceholderText("The countersigned PDF your tutor sent back")
        self.path_edit.returnPressed.connect(self.check)
        browse = QPushButton("&Choose PDF…", self)
        browse.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.staff_button = QPushButton("&Staff CA certificate… (only if your course has one)")
        self.staff_button.setToolTip(
            "Some courses certify staff with a separate CA; give its certificate here"
        )
        self.staff_button.clicked.connect(self.choose_staff_ca)
        layout.addWidget(self.staff_button)
        self.busy_bar = make_busy_bar(self)
        layout.addWidget(self.busy_bar)
        self.status_label = make_status_label(self)
        layout.addWidget(self.status_label)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("What the file holds")
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_now)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        add_close_keys(self)
        self.resize(640, 480)

    # ---- choosing and checking -------------------------------------------------------------

    def choose_file(self) -> None:
        """Pick the PDF, then check it."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Countersigned portfolio", remembered_folder("feedback"), PDF_FILTER
        )
        if path:
            self.path_edit.setText(path)
            self.check()

    def choose_staff_ca(self) -> None:
        """A separate staff CA certificate to trust (then check again)."""
        path, _ = QFileDialog.getOpenFileName(self, "Staff CA certificate", "", PEM_FILTER)
        if not path:
            return
        from portfolio_app.core.services.identity_service import read_pem_file

        try:
            self._staff_ca = ((Path(path).name, read_pem_file(Path(path), "staff CA")),)
        except PortfolioError as exc:
            self.status_label.setText(exc.user_message)
            return
        self.staff_button.setText(f"Staff CA: {Path(path).name}")
        if self.path_edit.text().strip():
            self.check()

    def check(self) -> None:
        """Check the chosen file in the background (the vault is read here, on this thread)."""
        text = self.path_edit.text().strip()
        if not text or self.is_busy:
            return
        path = Path(text).expanduser()
        self._preview = None
        self.import_button.setEnabled(False)
        self.details.clear()
        try:
            context: ImportContext = feedback_service.import_context(self._service)
        except PortfolioError as exc:
            self.status_label.setText(f"Not imported: {exc.user_message}")
            return
        staff = self._staff_ca

        def work(_progress: ProgressFn, _cancelled: CancelledFn) -> ImportPreview:
            return feedback_service.check_feedback_file(context, path, staff_trust=staff)

        self._start(work, "Checking the signatures…")

    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        assert isinstance(result, ImportPreview)
        self._preview = result
        remember_folder("feedback", str(result.path.parent))
        self.details.setPlainText(preview_text(result))
        if result.duplicate:
            self.status_label.setText("Already imported: nothing to do.")
        else:
            self.status_label.setText("The file checks out. Import its feedback?")
            self.import_button.setEnabled(True)
            self.import_button.setFocus()

    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        message = error.user_message if isinstance(error, PortfolioError) else str(error)
        self.status_label.setText("Not imported.")
        self.details.setPlainText(message)

    # ---- importing -------------------------------------------------------------------------

    def import_now(self) -> None:
        """Store the checked feedback (one transaction)."""
        if self._preview is None:
            return
        try:
            result = feedback_service.store_feedback(self._service, self._preview)
        except PortfolioError as exc:
            self.status_label.setText(f"Not imported: {exc.user_message}")
            return
        self.imported = not result.duplicate
        self.import_button.setEnabled(False)
        self.status_label.setText(
            f"Imported: {result.entries_marked} "
            f"{'entry' if result.entries_marked == 1 else 'entries'} now 'Feedback received'. "
            "The feedback shows under each entry."
        )
