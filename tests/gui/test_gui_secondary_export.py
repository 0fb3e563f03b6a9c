"""The export dialog: selection, identifier findings, a signed PDF, and a cancel that leaves
no file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind, EntryStatus, Section
from portfolio_app.core.services.export_service import verify_file
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.export_dialog import ExportDialog, default_file_name
from portfolio_app.gui.item_models.finding_table_model import FindingTableModel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _fill(service: PortfolioService, *, identifier: bool = False) -> str:
    last = ""
    for number in range(6):
        body = f"What I learnt from the pharmacist on day {number}. " * 20
        if identifier and number == 2:
            body += "\n\nHis NHS number was 943 476 5919."
        entry = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title=f"Reflection {number}",
                sections=(Section("What?", body, "what"),),
                status=EntryStatus.READY if number % 2 else EntryStatus.DRAFT,
                tags=("placement",) if number < 2 else (),
            )
        )
        if number == 2:
            last = entry.id
    return last


def _dialog(qtbot: QtBot, service: PortfolioService, out: Path) -> ExportDialog:
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(out))
    return dialog


def test_export_dialog_produces_a_signed_pdf(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    _fill(service)
    out = tmp_path / "portfolio.pdf"
    dialog = _dialog(qtbot, service, out)
    assert dialog.count_label.text() == "6 of 6 entries will be exported."
    with qtbot.waitSignal(dialog.exported, timeout=120_000) as blocker:
        dialog.export_button.click()
        assert dialog.stack.currentIndex() == ExportDialog.RUNNING
    assert blocker.args == [str(out)]
    assert dialog.stack.currentIndex() == ExportDialog.DONE
    assert "Exported</b> 6 entries" in dialog.done_label.text()
    assert out.read_bytes().startswith(b"%PDF-")
    assert verify_file(out).verdict.value == "valid-untrusted"
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()


def test_cancel_leaves_no_file(qtbot: QtBot, service: PortfolioService, tmp_path: Path) -> None:
    _fill(service)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cancelled.pdf"
    dialog = _dialog(qtbot, service, out)
    dialog.export_button.click()
    assert dialog.is_running
    dialog.reject()  # Escape while running cancels rather than closing
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=120_000)
    assert dialog.stack.currentIndex() == ExportDialog.CHOOSE
    assert "cancelled; no file was written" in dialog.choose_status.text()
    assert list(folder.iterdir()) == []  # no PDF, no temp file


def test_findings_are_listed_and_go_back_and_fix_names_the_entry(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    entry_id = _fill(service, identifier=True)
    out = tmp_path / "portfolio.pdf"
    dialog = _dialog(qtbot, service, out)
    dialog.export_button.click()
    assert dialog.stack.currentIndex() == ExportDialog.FINDINGS
    model = dialog.findings_model
    assert model.rowCount() >= 1
    kinds = {model.index(r, FindingTableModel.KIND).data() for r in range(model.rowCount())}
    assert "NHS number" in kinds
    where = model.index(0, FindingTableModel.WHERE).data()
    assert "Reflection 2" in where
    assert model.index(0, FindingTableModel.ADVICE).data()
    assert "possible patient identifier" in dialog.findings_heading.text()
    with qtbot.waitSignal(dialog.fix_requested) as blocker:
        dialog.fix_button.click()
    assert blocker.args == [entry_id]
    assert not dialog.isVisible()
    assert not out.exists()


def test_export_anyway_after_findings(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    _fill(service, identifier=True)
    out = tmp_path / "portfolio.pdf"
    dialog = _dialog(qtbot, service, out)
    dialog.export_button.click()
    assert dialog.stack.currentIndex() == ExportDialog.FINDINGS
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.anyway_button.click()
    assert out.is_file()
    assert dialog.result_info is not None
    assert dialog.result_info.findings_acknowledged >= 1


def test_selection_by_status_and_tag_counts_entries(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    _fill(service)
    dialog = _dialog(qtbot, service, tmp_path / "x.pdf")
    dialog.some_radio.setChecked(True)
    assert dialog.count_label.text() == "6 of 6 entries will be exported."
    dialog.status_checks[EntryStatus.READY].setChecked(True)
    assert dialog.count_label.text() == "3 of 6 entries will be exported."
    dialog.tags_list.model.set_checked({"placement"})
    dialog._update_selection_widgets()
    assert dialog.count_label.text() == "1 of 6 entries will be exported."
    dialog.status_checks[EntryStatus.READY].setChecked(False)
    dialog.status_checks[EntryStatus.SUBMITTED].setChecked(True)
    assert dialog.count_label.text() == "0 of 6 entries will be exported."
    assert not dialog.export_button.isEnabled()
    dialog.all_radio.setChecked(True)
    assert dialog.export_button.isEnabled()
    assert dialog.selection().is_everything


def test_a_reversed_date_range_is_refused_in_words(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    from PySide6.QtCore import QDate

    _fill(service)
    dialog = _dialog(qtbot, service, tmp_path / "x.pdf")
    dialog.some_radio.setChecked(True)
    dialog.from_check.setChecked(True)
    dialog.to_check.setChecked(True)
    dialog.from_date.setDate(QDate(2025, 5, 1))
    dialog.to_date.setDate(QDate(2025, 4, 1))
    assert "Not a valid selection" in dialog.count_label.text()
    assert not dialog.export_button.isEnabled()


def test_finding_table_model_passes_the_model_tester(
    qtmodeltester: ModelTester, service: PortfolioService
) -> None:
    from portfolio_app.core.services.export_service import check_identifiers

    _fill(service, identifier=True)
    model = FindingTableModel()
    model.set_findings(check_identifiers(service))
    assert model.rowCount() >= 1
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_default_file_name_is_safe_and_dated() -> None:
    from datetime import date

    assert default_file_name("Zoë Ñúñez", date(2025, 3, 14)) == "portfolio-zoë-ñúñez-2025-03-14.pdf"
    assert default_file_name("../..", date(2025, 3, 14)) == "portfolio-student-2025-03-14.pdf"


def test_the_student_chooses_which_evidence_files_go_in(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Choose files… lists every evidence file; an unticked one is left out of the export
    (and stays in the portfolio); the label says how many go in."""
    from PySide6.QtWidgets import QDialog

    from portfolio_app.gui.dialogs.evidence_picker import EvidencePicker

    entry_id = _fill(service)
    kept = service.add_attachment_data(entry_id, "attendance.txt", b"Attended the session.\n")
    dropped = service.add_attachment_data(entry_id, "draft notes.txt", b"Rough notes.\n")
    out = tmp_path / "portfolio.pdf"
    dialog = _dialog(qtbot, service, out)
    assert dialog.files_label.text() == "all 2 files"
    listed: list[str] = []

    def untick_the_draft(picker: EvidencePicker) -> int:
        listed.extend(c.label for c in picker.checklist.model._choices)
        ticked = picker.checklist.model.checked() - {str(dropped.id)}
        picker.checklist.model.set_checked(ticked)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(EvidencePicker, "exec", untick_the_draft)
    dialog.choose_files_button.click()
    assert any("draft notes.txt" in label and "Reflection 2" in label for label in listed)
    assert dialog.files_label.text() == "1 of 2 files"
    assert dialog.selection().left_out_attachments == frozenset({str(dropped.id)})
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.export_button.click()
    # poppler's pdfdetach, not our own reader, says what the PDF carries.
    listing = subprocess.run(
        ["pdfdetach", "-list", str(out)], capture_output=True, text=True, check=True
    ).stdout
    names = listing.splitlines()
    assert any("attendance.txt" in n for n in names)
    assert not any("draft notes.txt" in n for n in names)
    assert {a.id for a in service.attachments()} == {kept.id, dropped.id}
