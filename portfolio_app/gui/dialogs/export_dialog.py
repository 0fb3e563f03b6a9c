"""Export the portfolio as a signed PDF: choose what, check for identifiers, export, done.

The dialog walks four pages of one stack:

1. *Choose*: all entries, or those in a date range, with some statuses or tags; the output
   file (a save dialog). A live count says how many entries that is.
2. *Findings*: :func:`export_service.prepare_export` (on the GUI thread: it reads the open
   portfolio, which is not thread-safe) runs the patient-identifier check first. Findings are
   listed with where they are, their kind, the text and advice; the student can go back and
   fix them (``fix_requested`` names the entry) or export anyway.
3. *Exporting*: :meth:`ExportJob.run` lays out, signs and writes the file on a worker thread
   with a progress bar; Cancel stops it and no file is left behind.
4. *Done*: where the file is, its fingerprint, and a button to open the folder.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.entries import EntryStatus
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.export.errors import ExportCancelled
from portfolio_app.core.export.identifiers import TIMELINE_NOTE, ExportFinding
from portfolio_app.core.export.selection import ExportSelection, select_entries
from portfolio_app.core.services.export_service import (
    ExportJob,
    ExportResult,
    prepare_export,
    record_submission,
)
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import BackgroundTask, CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.item_models.finding_table_model import (
    FindingEntryIdRole,
    FindingSourceRole,
    FindingTableModel,
)
from portfolio_app.gui.widgets.checklist import ChecklistWidget
from portfolio_app.gui.widgets.plain_text import plain_label, plain_message, plain_tooltip
from portfolio_app.gui.window_state import remember_folder, remembered_folder

PDF_FILTER = "PDF files (*.pdf)"
_DATE_FORMAT = "d MMM yyyy"


_FINDINGS_EXPLAIN = (
    "Check these passages before the portfolio leaves this computer. Anonymise anything that "
    "could identify a patient: say “the patient”, use life stages instead of ages, leave out "
    "dates and the names of wards, hospitals or practices. The check can be wrong: if a "
    "finding is not about a patient, you may export anyway. Timeline notes, if any, are "
    "listed too: they are printed beside their entries and never stop the export."
)
_NOTES_EXPLAIN = (
    "Some dates may surprise a reader: a plan first written after its event, a reflection "
    "written before its plan or long after the event. The PDF prints these notes beside the "
    "entries, with the dates your computer recorded. You can export now, or go back and "
    "check the entries' dates."
)


def timeline_findings(job: ExportJob) -> list[ExportFinding]:
    """The job's timeline notes as rows of the findings list (kind "Timeline note")."""
    numbers = job.content.plan.numbers
    titles = {entry.id: entry.title for entry in job.content.entries}
    return [
        ExportFinding(
            entry_id=note.entry_id,
            where=f"E{numbers.get(note.entry_id, 0)} '{titles.get(note.entry_id, '')}'",
            kind=TIMELINE_NOTE,
            excerpt="",
            advice=note.text,
        )
        for note in job.timeline_notes
    ]


def findings_heading(identifiers: int, notes: int) -> str:
    """The findings page's heading for these counts."""
    parts = []
    if identifiers:
        parts.append(
            f"{identifiers} possible patient "
            f"{'identifier' if identifiers == 1 else 'identifiers'} found"
        )
    if notes:
        parts.append(f"{notes} timeline {'note' if notes == 1 else 'notes'}")
    return " · ".join(parts)


def default_file_name(student_name: str, today: date) -> str:
    """``portfolio-zoë-ñúñez-2025-03-14.pdf``: who and when, safe on every file system."""
    slug = re.sub(r"[^\w]+", "-", student_name.casefold()).strip("-") or "student"
    return f"portfolio-{slug}-{today.isoformat()}.pdf"


def _fingerprint_html(fingerprint: str) -> str:
    """The fingerprint in two halves, so it fits the dialog and reads out in pairs."""
    half = len(fingerprint) // 2 + 1 if len(fingerprint) >= 60 else len(fingerprint)
    return f"{_escape(fingerprint[:half])}<br>{_escape(fingerprint[half:])}".removesuffix("<br>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ExportDialog(QDialog):
    """Selection, identifier check, background export with progress and Cancel, success.

    Signals:
        exported(str): the path of the finished PDF.
        fix_requested(str): the student chose to fix a finding; the entry id to open (empty
            when the finding is not in an entry, e.g. the final reflection).
        fix_record_requested(str): the finding is in an event, an experience or the final
            reflection: "event:<id>", "experience:<id>" or "final-reflection".
    """

    exported = Signal(str)
    fix_requested = Signal(str)
    fix_record_requested = Signal(str)

    CHOOSE, FINDINGS, RUNNING, DONE = range(4)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._job: ExportJob | None = None
        self._task: BackgroundTask | None = None
        self.result_info: ExportResult | None = None
        self.setWindowTitle("Export a signed PDF")
        self.setWindowIcon(icon("export"))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_choose_page())
        self.stack.addWidget(self._build_findings_page())
        self.stack.addWidget(self._build_running_page())
        self.stack.addWidget(self._build_done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        line = self.fontMetrics().height()
        self.resize(line * 56, line * 38)
        self._update_selection_widgets()

    # ---- page 1: choose --------------------------------------------------------------------------

    def _build_choose_page(self) -> QWidget:
        page = QWidget(self)
        what = QGroupBox("What to export", page)
        self.all_radio = QRadioButton("&All entries", what)
        self.all_radio.setAccessibleDescription("Every entry in the portfolio")
        self.all_radio.setAccessibleName("Export all entries")
        self.some_radio = QRadioButton("&Only entries that match:", what)
        self.some_radio.setAccessibleDescription("Choose dates, statuses and tags below")
        self.some_radio.setAccessibleName("Export only entries that match")
        self.all_radio.setChecked(True)
        group = QButtonGroup(what)
        group.addButton(self.all_radio)
        group.addButton(self.some_radio)

        self.criteria = QWidget(what)
        self.from_check = QCheckBox("&From", self.criteria)
        self.from_check.setAccessibleName("Only from a date")
        self.from_check.setAccessibleDescription("Leave out entries before the date beside")
        self.from_date = QDateEdit(QDate.currentDate().addMonths(-3), self.criteria)
        self.to_check = QCheckBox("&To", self.criteria)
        self.to_check.setAccessibleName("Only up to a date")
        self.to_check.setAccessibleDescription("Leave out entries after the date beside")
        self.to_date = QDateEdit(QDate.currentDate(), self.criteria)
        for edit, name in ((self.from_date, "From date"), (self.to_date, "To date")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(_DATE_FORMAT)
            edit.setAccessibleName(name)
            edit.setAccessibleDescription("Pick the day in the calendar, or type it")
        dates = QHBoxLayout()
        dates.addWidget(self.from_check)
        dates.addWidget(self.from_date)
        dates.addSpacing(self.fontMetrics().height())
        dates.addWidget(self.to_check)
        dates.addWidget(self.to_date)
        dates.addStretch(1)
        self.status_checks: dict[EntryStatus, QCheckBox] = {}
        statuses = QHBoxLayout()
        for status, text in (
            (EntryStatus.DRAFT, "&Draft"),
            (EntryStatus.READY, "&Ready for review"),
            (EntryStatus.SUBMITTED, "Sub&mitted"),
            (EntryStatus.FEEDBACK_RECEIVED, "Feedbac&k received"),
        ):
            check = QCheckBox(text, self.criteria)
            check.setAccessibleName(f"Status {status.label}")
            check.setAccessibleDescription("Include entries with this status")
            self.status_checks[status] = check
            statuses.addWidget(check)
        statuses.addStretch(1)
        self.tags_list = ChecklistWidget("Tags", "Filter tags…", self.criteria)
        self.tags_list.model.set_choices(
            [
                Choice(key=tag, label=f"{tag} ({count})")
                for tag, count in self._service.all_tags().items()
            ]
        )
        criteria_form = QFormLayout(self.criteria)
        criteria_form.setContentsMargins(self.fontMetrics().height(), 0, 0, 0)
        criteria_form.addRow("Dates:", dates)
        criteria_form.addRow("Status (any ticked):", statuses)
        criteria_form.addRow("Tags (any ticked):", self.tags_list)
        if not self._service.all_tags():
            self.tags_list.set_hint("No entry has a tag yet.")

        self.final_check = QCheckBox("I&nclude the final reflection", what)
        self.final_check.setAccessibleName("Include the final reflection")
        self.final_check.setAccessibleDescription(
            "Your closing overall reflection, printed after the entries"
        )
        self.final_check.setChecked(True)
        if not self._service.final_reflection.strip():
            # Say what the box is about when there is nothing to include yet: the PDF then
            # carries a "Final reflection" page saying none has been written.
            self.final_check.setText(
                "I&nclude the final reflection (none written yet: the PDF will say so)"
            )
        self.final_check.setToolTip(
            "Your closing overall reflection on the whole programme, after the entries"
        )
        self.feedback_check = QCheckBox(
            "Add empty tutor feedback bo&xes (one after each entry, one overall)", what
        )
        self.feedback_check.setAccessibleName("Add empty tutor feedback boxes")
        self.feedback_check.setChecked(True)
        self.feedback_check.setToolTip(
            "Your tutor types feedback into them (in this app or any PDF reader) before "
            "countersigning; you import it back with File > Import tutor feedback"
        )
        unreadable = self._service.damaged_for_export()
        self.leave_out_check = QCheckBox(
            f"&Leave out {len(unreadable)} record(s) that cannot be read (the PDF lists them)",
            what,
        )
        self.leave_out_check.setAccessibleName("Leave out records that cannot be read")
        self.leave_out_check.setToolTip(  # names what was in them: literal, never rich text
            plain_tooltip(
                "\n".join(d.describe() for d in unreadable[:10])
                or "Every record of the portfolio can be read."
            )
        )
        self.leave_out_check.setVisible(bool(unreadable))
        # Evidence files (issue 9): embedded inside the signature, photos shown on the page.
        self.evidence_check = QCheckBox("Embed e&vidence files", what)
        self.evidence_check.setAccessibleName("Embed evidence files")
        self.evidence_check.setChecked(True)
        self.evidence_check.setToolTip(
            "Attendance certificates, forms and photos attached to the exported entries go "
            "into the PDF, inside your signature, listed under their entries with a SHA-256"
        )
        self.inline_check = QCheckBox("Show &photos on the page", what)
        self.inline_check.setAccessibleName("Show photos on the page")
        self.inline_check.setAccessibleDescription(
            "Print attached photos under their entry as well as embedding the files"
        )
        self.inline_check.setChecked(True)
        self._left_out_files: frozenset[str] = frozenset()
        self.choose_files_button = QPushButton("C&hoose files…", what)
        self.choose_files_button.setAccessibleName("Choose the evidence files to embed")
        self.choose_files_button.setAccessibleDescription(
            "Untick a file to leave it out of this export; it stays in your portfolio"
        )
        self.choose_files_button.clicked.connect(self.choose_evidence_files)
        self.files_label = plain_label("", what, accessible_name="Evidence files chosen")
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.evidence_check)
        evidence_row.addWidget(self.inline_check)
        evidence_row.addWidget(self.choose_files_button)
        evidence_row.addWidget(self.files_label)
        evidence_row.addStretch(1)
        self._update_files_label()
        self.count_label = QLabel(what)
        self.count_label.setAccessibleName("How many entries")
        count_font = self.count_label.font()
        count_font.setBold(True)
        self.count_label.setFont(count_font)
        what_layout = QVBoxLayout(what)
        what_layout.addWidget(self.all_radio)
        what_layout.addWidget(self.some_radio)
        what_layout.addWidget(self.criteria, 1)
        what_layout.addWidget(self.final_check)
        what_layout.addWidget(self.feedback_check)
        what_layout.addWidget(self.leave_out_check)
        what_layout.addLayout(evidence_row)
        what_layout.addWidget(self.count_label)

        self.path_edit = QLineEdit(page)
        self.path_edit.setAccessibleName("PDF file to write")
        self.path_edit.setAccessibleDescription("The full path of the PDF; Browse chooses it")
        self.path_edit.setClearButtonEnabled(True)
        folder = remembered_folder("export") or str(Path.home())
        self.path_edit.setText(
            str(Path(folder) / default_file_name(self._service.profile.name, date.today()))
        )
        self.browse_button = QPushButton("&Browse…", page)
        self.browse_button.setAccessibleDescription("Choose where to write the PDF")
        path_row = QHBoxLayout()
        path_label = QLabel("&Save as:", page)
        path_label.setBuddy(self.path_edit)
        path_row.addWidget(path_label)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        self.choose_status = QLabel(page)
        self.choose_status.setWordWrap(True)
        self.choose_status.setAccessibleName("Status")
        self.export_button = QPushButton(icon("export"), "&Check and export", page)
        self.export_button.setAccessibleDescription(
            "Checks for patient identifiers first, then writes the signed PDF"
        )
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Close", page)
        self.close_button.setAccessibleDescription("Closes without exporting (Esc)")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        intro = QLabel(
            "The PDF is signed with your portfolio's own key, so your tutor and assessors can "
            "check that nothing was changed after you exported it. Before it is written, the "
            "text is checked for anything that could identify a patient.",
            page,
        )
        intro.setWordWrap(True)

        # Signature boxes and timestamps (issue 7): say what the export will prepare.

        self.signing_label = plain_label("", page, accessible_name="Signing settings")
        self.signing_button = QPushButton("Si&gning settings…", page)
        self.signing_button.setAccessibleDescription(
            "Which certificate signs, and which staff boxes the PDF prepares"
        )
        self.signing_button.clicked.connect(self._on_signing_settings_clicked)
        signing_row = QHBoxLayout()
        signing_row.addWidget(self.signing_label, 1)
        signing_row.addWidget(self.signing_button)
        self._show_signing_settings()

        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(what, 1)
        layout.addLayout(path_row)
        layout.addLayout(signing_row)
        layout.addWidget(self.choose_status)
        layout.addLayout(buttons)

        self.all_radio.toggled.connect(self._update_selection_widgets)
        for check in (
            self.from_check,
            self.to_check,
            self.final_check,
            self.evidence_check,
            self.inline_check,
        ):
            check.toggled.connect(self._update_selection_widgets)
        for check in self.status_checks.values():
            check.toggled.connect(self._update_selection_widgets)
        self.from_date.dateChanged.connect(self._update_selection_widgets)
        self.to_date.dateChanged.connect(self._update_selection_widgets)
        self.tags_list.model.check_toggled.connect(self._on_tags_toggled)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.export_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        return page

    def choose_evidence_files(self) -> None:
        """Let the student untick evidence files to leave out of this export."""
        from portfolio_app.gui.dialogs.evidence_picker import EvidencePicker

        files = self._service.attachments()
        titles = {str(s.id): s.title for s in self._service.summaries()}
        picker = EvidencePicker(files, titles, self._left_out_files, self)
        if picker.exec() == QDialog.DialogCode.Accepted:
            self._left_out_files = picker.left_out()
            self._update_files_label()

    def _update_files_label(self) -> None:
        total = len(self._service.attachments())
        self.choose_files_button.setVisible(total > 0)
        self.files_label.setVisible(total > 0)
        kept = total - len(self._left_out_files)
        self.files_label.setText(
            f"all {total} files" if kept == total else f"{kept} of {total} files"
        )

    def selection(self) -> ExportSelection:
        """The selection the widgets describe (raises ValidationError for a reversed range)."""
        return dataclasses.replace(
            self._criteria_selection(), left_out_attachments=self._left_out_files
        )

    def _criteria_selection(self) -> ExportSelection:
        include_final = self.final_check.isChecked()
        embed = self.evidence_check.isChecked()
        inline = self.inline_check.isChecked()
        if self.all_radio.isChecked():
            return ExportSelection(
                include_final_reflection=include_final,
                include_attachments=embed,
                inline_images=inline,
            )
        return ExportSelection.from_values(
            date_from=_day(self.from_date) if self.from_check.isChecked() else None,
            date_to=_day(self.to_date) if self.to_check.isChecked() else None,
            statuses=[s.value for s, check in self.status_checks.items() if check.isChecked()],
            tags=self.tags_list.model.checked_in_order(),
            include_final_reflection=include_final,
            include_attachments=embed,
            inline_images=inline,
        )

    def _update_selection_widgets(self) -> None:
        some = self.some_radio.isChecked()
        self.criteria.setEnabled(some)
        # Shown only when used: "All entries" (the usual case) keeps the dialog short enough
        # for a small laptop screen.
        self.criteria.setVisible(some)
        self.from_date.setEnabled(some and self.from_check.isChecked())
        self.to_date.setEnabled(some and self.to_check.isChecked())
        entries = self._service.summaries()  # counting needs no text
        try:
            chosen = len(select_entries(entries, self.selection()))
        except PortfolioError as exc:
            self.count_label.setText(f"Not a valid selection: {exc.user_message}")
            self.export_button.setEnabled(False)
            return
        self.count_label.setText(f"{chosen} of {len(entries)} entries will be exported.")
        self.export_button.setEnabled(chosen > 0)
        self.inline_check.setEnabled(self.evidence_check.isChecked())
        self.choose_files_button.setEnabled(self.evidence_check.isChecked())

    def _on_tags_toggled(self, _tag: str, _ticked: bool) -> None:
        self._update_selection_widgets()

    def _show_signing_settings(self) -> None:
        from portfolio_app.core.services.identity_service import signing_settings
        from portfolio_app.gui.dialogs.signing_settings_dialog import settings_summary

        self.signing_label.setText(settings_summary(signing_settings(self._service)))

    def _on_signing_settings_clicked(self) -> None:
        from portfolio_app.gui.dialogs.signing_settings_dialog import SigningSettingsDialog

        dialog = SigningSettingsDialog(self._service, self)
        dialog.exec()
        dialog.deleteLater()
        self._show_signing_settings()

    def _on_browse_clicked(self) -> None:
        self._ask_for_path()

    def _ask_for_path(self) -> Path | None:
        current = self.path_edit.text().strip() or str(Path.home())
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export the portfolio to", current, PDF_FILTER
        )
        if not name:
            return None
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        self.path_edit.setText(name)
        return Path(name)

    def output_path(self) -> Path | None:
        """The file to write, or None when none is given."""
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    # ---- the check ---------------------------------------------------------------------------

    def start(self) -> None:
        """Check the selection for identifiers, then export (or list what was found)."""
        out = self.output_path() or self._ask_for_path()
        if out is None:
            return
        if out.exists() and not self._confirm_replace(out):
            return
        try:
            job = prepare_export(
                self._service,
                self.selection(),
                leave_out_damaged=self.leave_out_check.isChecked(),
                feedback_fields=self.feedback_check.isChecked(),
            )
        except PortfolioError as exc:
            self.choose_status.setText(f"<b>Not exported:</b> {_escape(exc.user_message)}")
            return
        if job.entry_count == 0:
            self.choose_status.setText("<b>Not exported:</b> no entry matches the selection.")
            return
        self._job = job
        notes = timeline_findings(job)
        if job.findings or notes:
            # Identifier findings must be confirmed; timeline notes are only shown (they are
            # printed in the PDF and never stop the export).
            self.findings_model.set_findings([*job.findings, *notes])
            self.findings_heading.setText(findings_heading(len(job.findings), len(notes)))
            self.findings_explain.setText(_FINDINGS_EXPLAIN if job.findings else _NOTES_EXPLAIN)
            self.anyway_button.setText("Export &anyway" if job.findings else "&Export")
            self.stack.setCurrentIndex(self.FINDINGS)
            self.findings_table.resizeRowsToContents()
            self.findings_table.selectRow(0)
            (self.fix_button if job.findings else self.anyway_button).setFocus()
            return
        self._run(acknowledge=False)

    def _confirm_replace(self, path: Path) -> bool:
        box = plain_message(  # the file name is the student's: never rich text
            self,
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"{path.name} already exists in {path.parent}. Replace it?",
            buttons=QMessageBox.StandardButton.NoButton,
        )
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is replace

    # ---- page 2: findings ----------------------------------------------------------------------

    def _build_findings_page(self) -> QWidget:
        page = QWidget(self)
        self.findings_icon = QLabel(page)
        size = self.fontMetrics().height() * 2
        self.findings_icon.setPixmap(icon("warning").pixmap(size, size))
        self.findings_icon.setAccessibleName("Warning")
        self.findings_heading = QLabel(page)
        heading_font = self.findings_heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.2)
        self.findings_heading.setFont(heading_font)
        heading = QHBoxLayout()
        heading.addWidget(self.findings_icon)
        heading.addWidget(self.findings_heading, 1)
        explain = QLabel(_FINDINGS_EXPLAIN, page)
        explain.setWordWrap(True)
        self.findings_explain = explain
        self.findings_model = FindingTableModel(self)
        self.findings_table = QTableView(page)
        self.findings_table.setModel(self.findings_model)
        self.findings_table.setAccessibleName("Possible patient identifiers and timeline notes")
        self.findings_table.setAccessibleDescription(
            "Where each is, its kind, the text found and what to do"
        )
        self.findings_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.findings_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_table.setWordWrap(True)
        self.findings_table.verticalHeader().hide()
        header = self.findings_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        line = self.fontMetrics().height()
        header.resizeSection(FindingTableModel.WHERE, line * 12)
        header.resizeSection(FindingTableModel.KIND, line * 8)
        header.resizeSection(FindingTableModel.EXCERPT, line * 10)
        # Wrapped rows are measured for the columns' current widths: measure again once the
        # page is laid out or a column changes (measured while hidden, rows came out ~8 lines).
        self._fit_rows_timer = QTimer(self)
        self._fit_rows_timer.setSingleShot(True)
        self._fit_rows_timer.setInterval(0)
        self._fit_rows_timer.timeout.connect(self.findings_table.resizeRowsToContents)
        header.sectionResized.connect(self._on_findings_column_resized)
        self.fix_button = QPushButton("&Go back and fix", page)
        self.fix_button.setAccessibleDescription(
            "Opens the entry or record holding the selected finding"
        )
        self.fix_button.setToolTip("Close this dialog and open the entry of the selected finding")
        self.anyway_button = QPushButton("Export &anyway", page)
        self.anyway_button.setAccessibleDescription("Exports although the check found something")
        self.back_button = QPushButton("&Change the selection", page)
        self.back_button.setAccessibleDescription("Back to choosing what to export")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.fix_button)
        buttons.addWidget(self.anyway_button)
        layout = QVBoxLayout(page)
        layout.addLayout(heading)
        layout.addWidget(explain)
        layout.addWidget(self.findings_table, 1)
        layout.addLayout(buttons)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.anyway_button.clicked.connect(self._on_anyway_clicked)
        self.back_button.clicked.connect(self._on_back_clicked)
        return page

    def _on_findings_column_resized(self, *_args: object) -> None:
        self._fit_rows_timer.start()

    def _on_fix_clicked(self) -> None:
        rows = self.findings_table.selectionModel().selectedRows()
        if not rows and self.findings_model.rowCount():
            rows = [self.findings_model.index(0, 0)]
        entry_id = rows[0].data(FindingEntryIdRole) if rows else None
        source = rows[0].data(FindingSourceRole) if rows else ""
        if entry_id:
            self.fix_requested.emit(str(entry_id))
        elif source:
            self.fix_record_requested.emit(str(source))
        else:
            self.fix_requested.emit("")
        self.reject()

    def _on_anyway_clicked(self) -> None:
        self._run(acknowledge=True)

    def _on_back_clicked(self) -> None:
        self._job = None
        self.stack.setCurrentIndex(self.CHOOSE)

    # ---- page 3: running -------------------------------------------------------------------------

    def _build_running_page(self) -> QWidget:
        page = QWidget(self)
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setAccessibleName("Export progress")
        self.progress_label = QLabel(page)
        self.progress_label.setWordWrap(True)
        self.progress_label.setAccessibleName("What the export is doing")
        self.cancel_button = QPushButton("&Cancel export", page)
        self.cancel_button.setAccessibleDescription("Stops; no file is left behind")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(QLabel("<b>Exporting your portfolio…</b>", page))
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        layout.addStretch(2)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.cancel)
        return page

    @property
    def is_running(self) -> bool:
        """Whether an export runs."""
        return self._task is not None

    def _run(self, *, acknowledge: bool) -> None:
        job, out = self._job, self.output_path()
        if job is None or out is None:
            return

        def work(progress: ProgressFn, is_cancelled: CancelledFn) -> ExportResult:
            return job.run(
                out,
                acknowledge_findings=acknowledge,
                progress=progress,
                is_cancelled=is_cancelled,
            )

        self.progress_bar.setRange(0, max(job.entry_count + 2, 1))
        self.progress_bar.setValue(0)
        self.progress_label.setText("Starting…")
        self.cancel_button.setEnabled(True)
        self.stack.setCurrentIndex(self.RUNNING)
        self.cancel_button.setFocus()
        self._task = run_in_background(
            work,
            on_success=self._on_task_succeeded,
            on_error=self._on_task_failed,
            on_progress=self._on_task_progressed,
        )

    def cancel(self) -> None:
        """Stop the running export; no file is written."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def _on_task_progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        self.progress_label.setText(message)

    def _on_task_succeeded(self, result: Any) -> None:
        self._task = None
        job, self._job = self._job, None
        assert isinstance(result, ExportResult)
        if job is not None:
            try:  # the exported entries are now "submitted" (the file is written either way)
                record_submission(self._service, job)
            except PortfolioError as exc:
                self.choose_status.setText(_escape(exc.user_message))
        self.result_info = result
        remember_folder("export", str(result.path.parent))
        pages = f"{result.page_count} {'page' if result.page_count == 1 else 'pages'}"
        entries = f"{result.entry_count} {'entry' if result.entry_count == 1 else 'entries'}"
        lines = [f"<p><b>Exported</b> {entries} on {pages} to<br>{_escape(str(result.path))}</p>"]
        if result.signed and result.fingerprint:
            lines.append(
                "<p>It is signed. Your certificate's fingerprint, printed on the cover, is:"
                f"<br><tt>{_fingerprint_html(result.fingerprint)}</tt></p>"
            )
        if result.findings_acknowledged:
            lines.append(
                f"<p>You exported it with {result.findings_acknowledged} possible "
                "identifier(s) you checked.</p>"
            )
        self.done_label.setText("".join(lines))
        self.stack.setCurrentIndex(self.DONE)
        self.done_close_button.setFocus()
        self.exported.emit(str(result.path))

    def _on_task_failed(self, error: BaseException) -> None:
        self._task = None
        self._job = None
        self.stack.setCurrentIndex(self.CHOOSE)
        if isinstance(error, ExportCancelled):
            self.choose_status.setText("Export cancelled; no file was written.")
        elif isinstance(error, PortfolioError):
            self.choose_status.setText(f"<b>Not exported:</b> {_escape(error.user_message)}")
        else:
            self.choose_status.setText(
                f"<b>Not exported:</b> something unexpected went wrong "
                f"({_escape(type(error).__name__)}); no file was written."
            )

    # ---- page 4: done ----------------------------------------------------------------------------

    def _build_done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_label = QLabel(page)
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Export result")
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton("Open the &folder", page)
        self.open_folder_button.setAccessibleDescription("Shows the PDF in the file manager")
        self.done_close_button = QPushButton("Close", page)
        self.done_close_button.setAccessibleDescription("Closes this window")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder_button)
        buttons.addWidget(self.done_close_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.done_close_button.clicked.connect(self.accept)
        return page

    def _on_open_folder_clicked(self) -> None:
        if self.result_info is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_info.path.parent)))

    # ---- closing ---------------------------------------------------------------------------------

    @override
    def reject(self) -> None:
        # Escape or the close button during an export cancels it instead of hiding the work.
        if self.is_running:
            self.cancel()
            return
        super().reject()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def _day(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value
