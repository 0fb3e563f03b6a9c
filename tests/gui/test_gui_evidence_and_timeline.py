"""The Evidence tab (attach, drop on the entry, open a temporary copy, remove) and the export
dialog's timeline notes and evidence options, in a real main window offscreen."""

from __future__ import annotations

import io
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import Entry, EntryKind, Section
from portfolio_app.core.domain.ids import EntryId, new_id
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.controllers.attachments_controller import AttachmentsController
from portfolio_app.gui.dialogs.export_dialog import ExportDialog


def _png(path: Path) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 140, 60)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return out.getvalue()


@pytest.fixture
def entry_id(service: PortfolioService) -> str:
    return service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="SBAR with readback",
            sections=(Section("What?", "Readback caught my error.", "what"),),
        )
    ).id


def _evidence(app: AppController) -> AttachmentsController:
    assert app.portfolio is not None
    return app.portfolio.attachments


def _settle(qtbot: QtBot) -> None:
    wait_for_all()
    qtbot.wait(50)
    QApplication.processEvents()


def test_attach_shows_files_and_says_why_one_was_refused(
    entry_id: str, open_app: AppController, qtbot: QtBot, tmp_path: Path
) -> None:
    evidence = _evidence(open_app)
    assert evidence.entry_id == entry_id
    ModelTester(qtbot).check(evidence.panel.model)
    assert evidence.panel.hint.isVisibleTo(evidence.panel)
    _png(tmp_path / "whiteboard.png")
    (tmp_path / "photo.jpg").write_text("not a photo", encoding="utf-8")
    evidence.attach_paths([tmp_path / "whiteboard.png", tmp_path / "photo.jpg"])
    _settle(qtbot)
    panel = evidence.panel
    assert panel.model.rowCount() == 1 and panel.model.attachment_at(0).filename == "whiteboard.png"
    tabs = open_app.window.editor.links_tabs  # type: ignore[union-attr]
    assert tabs.tabText(tabs.indexOf(panel)) == "Evidence (1)"
    message = panel.message_bar.text()
    assert "Attached: whiteboard.png." in message
    assert "'photo.jpg' is named like a JPEG photo but is a plain-text file" in message


def test_files_dropped_on_the_text_are_attached_not_pasted(
    entry_id: str, open_app: AppController, qtbot: QtBot, tmp_path: Path
) -> None:
    editor = open_app.window.editor  # type: ignore[union-attr]
    section = editor.sections[0].edit
    before = section.toPlainText()
    (tmp_path / "certificate.txt").write_text("Attendance confirmed.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "certificate.txt"))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt delivers drag events only during a real drag (its drag manager's target), which an
    # offscreen test cannot start: hand the events to the filter the editor's widgets carry,
    # as Qt does before the text box's own drop handling.
    evidence = _evidence(open_app)
    viewport = section.viewport()
    assert viewport.property("portfolioEvidenceDrops") and viewport.acceptDrops()
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert evidence._drops.eventFilter(viewport, enter) and enter.isAccepted()
    assert evidence._drops.eventFilter(viewport, drop)
    _settle(qtbot)
    assert section.toPlainText() == before  # nothing pasted into the reflection
    assert [a.filename for a in open_app.service.attachments(entry_id)] == ["certificate.txt"]  # type: ignore[union-attr]


def test_open_writes_a_private_copy_that_is_deleted_on_lock(
    entry_id: str,
    open_app: AppController,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _png(tmp_path / "whiteboard.png")
    service = open_app.service
    assert service is not None
    service.add_attachment(entry_id, tmp_path / "whiteboard.png")
    evidence = _evidence(open_app)
    evidence.refresh()
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    evidence.open_attachment(evidence.panel.model.attachment_at(0).id)
    (copy,) = (Path(p) for p in opened)
    assert copy.read_bytes() == data and copy.name == "whiteboard.png"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    open_app.lock()
    assert not copy.exists() and not copy.parent.exists()


def test_remove_asks_first(
    entry_id: str,
    open_app: AppController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = open_app.service
    assert service is not None
    (tmp_path / "notes.txt").write_text("notes\n", encoding="utf-8")
    service.add_attachment(entry_id, tmp_path / "notes.txt")
    evidence = _evidence(open_app)
    evidence.refresh()
    chosen = evidence.panel.model.attachment_at(0).id
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Cancel)
    evidence.remove_attachment(chosen)
    assert len(service.attachments(entry_id)) == 1
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    evidence.remove_attachment(chosen)
    assert service.attachments(entry_id) == []
    assert evidence.panel.model.rowCount() == 0


def test_an_identifying_file_name_gets_the_gentle_warning(
    entry_id: str, open_app: AppController, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "letter NHS 943 476 5919.txt"
    path.write_text("anonymised\n", encoding="utf-8")
    _evidence(open_app).attach_paths([path])
    _settle(qtbot)
    message = _evidence(open_app).panel.message_bar.text()
    assert "A file name may identify someone" in message and "943 476 5919" in message
    assert len(open_app.service.attachments(entry_id)) == 1  # type: ignore[union-attr]


def test_the_export_dialog_lists_timeline_notes_without_blocking(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round", on=date(2026, 3, 12))
    late_plan = Entry(
        id=EntryId(new_id()),
        kind=EntryKind.PLAN,
        title="What I hoped to learn",
        sections=(Section("Plan", "Listen."),),
        created=datetime(2026, 3, 14, 18, tzinfo=UTC),
        updated=datetime(2026, 3, 14, 18, tzinfo=UTC),
        event_ids=(event.id,),
    )
    service.add_entries_bulk([late_plan])
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "out.pdf"
    dialog.path_edit.setText(str(out))
    dialog.evidence_check.setChecked(False)
    assert not dialog.inline_check.isEnabled()
    assert dialog.selection().include_attachments is False
    dialog.evidence_check.setChecked(True)
    dialog.export_button.click()
    assert dialog.stack.currentIndex() == ExportDialog.FINDINGS
    assert dialog.findings_heading.text() == "1 timeline note"
    model = dialog.findings_model
    assert model.index(0, 1).data() == "Timeline note"
    assert "2 days after the event it prepares for" in model.index(0, 3).data()
    assert dialog.anyway_button.text() == "&Export"
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.anyway_button.click()
    assert out.exists()
