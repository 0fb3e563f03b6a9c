"""Backing up from the GUI and restoring into another folder, in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.dialogs.backup_dialog import BackupDialog, RestoreDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

PASSPHRASE = "correct horse battery staple"


def _backup(qtbot: QtBot, service: PortfolioService, target: Path) -> Path:
    dialog = BackupDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_row.edit.setText(str(target))
    with qtbot.waitSignal(dialog.backup_created, timeout=10_000) as blocker:
        dialog.backup_button.click()
    path = Path(blocker.args[0])
    assert dialog.backup_path == path
    assert "Backup saved" in dialog.status_label.text()
    assert str(path) in dialog.status_label.text()
    assert dialog.show_folder_button.isVisibleTo(dialog)
    return path


def test_backup_then_restore_into_another_folder(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    service.add_event(EventKind.SCHWARTZ_ROUND, "Round")
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Kept safe"))
    path = _backup(qtbot, service, tmp_path / "backups" / "mine")
    assert path.name == "mine.rpbackup"
    assert path.is_file()

    elsewhere = tmp_path / "restored"
    dialog = RestoreDialog(None, elsewhere)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.replace_check.isVisibleTo(dialog)  # nothing to replace there
    assert not dialog.restore_button.isEnabled()
    dialog.file_row.edit.setText(str(path))
    dialog.secret_edit.setText(PASSPHRASE)
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.restore_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.restored_database is not None
    restored = PortfolioService.open(elsewhere, PASSPHRASE)
    try:
        assert [e.title for e in restored.entries()] == ["Kept safe"]
        assert [e.title for e in restored.events()] == ["Round"]
    finally:
        restored.close()


def test_restore_with_a_wrong_passphrase_says_so_and_stays_open(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    path = _backup(qtbot, service, tmp_path / "b.rpbackup")
    target = tmp_path / "restored"
    dialog = RestoreDialog(None, target)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_row.edit.setText(str(path))
    dialog.secret_edit.setText("not the passphrase")
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    assert wait_for_all(5000)
    assert "Not restored" in dialog.status_label.text()
    assert dialog.isVisible()
    assert not (target / "portfolio.db").exists()


def test_restoring_over_an_existing_portfolio_needs_the_replace_box(
    qtbot: QtBot, service: PortfolioService, data_dir: Path, tmp_path: Path
) -> None:
    path = _backup(qtbot, service, tmp_path / "b.rpbackup")
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Written after the backup"))
    service.close()
    dialog = RestoreDialog(None, data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.replace_check.isVisibleTo(dialog)
    assert "already a portfolio" in dialog.exists_label.text()
    dialog.file_row.edit.setText(str(path))
    dialog.secret_edit.setText(PASSPHRASE)
    assert not dialog.restore_button.isEnabled()
    dialog.replace_check.setChecked(True)
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.restore_button.click()
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.entries() == []
    finally:
        reopened.close()
    assert list((data_dir / "backups").iterdir())  # the replaced portfolio was kept


def test_restore_with_the_recovery_key(qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    from portfolio_app.core.domain.profile import Profile

    service, recovery_key = PortfolioService.create(data_dir, PASSPHRASE, Profile(name="Σοφία"))
    try:
        path = _backup(qtbot, service, tmp_path / "b.rpbackup")
    finally:
        service.close()
    dialog = RestoreDialog(None, tmp_path / "other")
    qtbot.addWidget(dialog)
    dialog.recovery_radio.setChecked(True)
    assert dialog.secret_edit.accessibleName() == "Recovery key"
    dialog.file_row.edit.setText(str(path))
    dialog.secret_edit.setText(recovery_key)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.restore_button.click()
    PortfolioService.open(tmp_path / "other", PASSPHRASE).close()
