"""Backup to one encrypted file and restore, including onto a folder that has a portfolio."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.errors import (
    DamagedRecordError,
    PortfolioExistsError,
    WrongPassphraseError,
)
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.backup_service import create_backup, restore_backup
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.vault.backup_file import BackupFileError

PASSPHRASE = "correct horse battery staple"


def _portfolio_with_entry(data_dir: Path, title: str) -> PortfolioService:
    service, _ = PortfolioService.create(data_dir, PASSPHRASE, Profile(name="Σοφία Παπαδοπούλου"))
    service.add_entry(
        EntryDraft(kind=EntryKind.NOTE, title=title, sections=(Section("B", "x", "b"),))
    )
    return service


def test_backup_restores_elsewhere(tmp_path: Path) -> None:
    service = _portfolio_with_entry(tmp_path / "a", "Kept safe")
    backup = create_backup(service, tmp_path / "out" / "mine")
    service.close()
    assert backup.name == "mine.rpbackup"
    assert b"Kept safe" not in backup.read_bytes()
    restore_backup(backup, tmp_path / "b", passphrase=PASSPHRASE)
    with PortfolioService.open(tmp_path / "b", PASSPHRASE) as restored:
        assert [e.title for e in restored.entries()] == ["Kept safe"]
        assert restored.profile.name == "Σοφία Παπαδοπούλου"


def test_restore_refuses_to_replace_without_consent_and_keeps_a_copy(tmp_path: Path) -> None:
    first = _portfolio_with_entry(tmp_path / "a", "From backup")
    backup = create_backup(first, tmp_path / "b.rpbackup")
    first.close()
    other = _portfolio_with_entry(tmp_path / "c", "Existing")
    other.close()
    with pytest.raises(PortfolioExistsError):
        restore_backup(backup, tmp_path / "c", passphrase=PASSPHRASE)
    with PortfolioService.open(tmp_path / "c", PASSPHRASE) as still:
        assert [e.title for e in still.entries()] == ["Existing"]
    restore_backup(backup, tmp_path / "c", passphrase=PASSPHRASE, replace=True)
    with PortfolioService.open(tmp_path / "c", PASSPHRASE) as replaced:
        assert [e.title for e in replaced.entries()] == ["From backup"]
    assert list((tmp_path / "c" / "backups").glob("*before-restore*.db"))


@pytest.mark.parametrize("cut", ["flip", "truncate", "garbage"])
def test_damaged_backups_are_refused_with_a_message(tmp_path: Path, cut: str) -> None:
    service = _portfolio_with_entry(tmp_path / "a", "x")
    backup = create_backup(service, tmp_path / "b.rpbackup")
    service.close()
    data = bytearray(backup.read_bytes())
    if cut == "flip":
        data[-100] ^= 1
        expected: type[Exception] = DamagedRecordError
    elif cut == "truncate":
        data = data[: len(data) - 5000]
        expected = BackupFileError
    else:
        data = bytearray(b"hello world")
        expected = BackupFileError
    backup.write_bytes(bytes(data))
    with pytest.raises(expected):
        restore_backup(backup, tmp_path / "r", passphrase=PASSPHRASE)
    assert not (tmp_path / "r" / "portfolio.db").exists()


def test_backup_needs_the_right_passphrase(tmp_path: Path) -> None:
    service = _portfolio_with_entry(tmp_path / "a", "x")
    backup = create_backup(service, tmp_path / "b.rpbackup")
    service.close()
    with pytest.raises(WrongPassphraseError):
        restore_backup(backup, tmp_path / "r", passphrase="wrong passphrase")


def test_restore_replaces_a_damaged_portfolio_and_keeps_its_bytes(tmp_path: Path) -> None:
    service = _portfolio_with_entry(tmp_path / "a", "Saved before the damage")
    backup = create_backup(service, tmp_path / "b.rpbackup")
    service.close()
    damaged_dir = tmp_path / "damaged"
    damaged_dir.mkdir()
    junk = b"not a database at all " * 500
    (damaged_dir / "portfolio.db").write_bytes(junk)
    restore_backup(backup, damaged_dir, passphrase=PASSPHRASE, replace=True)
    with PortfolioService.open(damaged_dir, PASSPHRASE) as restored:
        assert [e.title for e in restored.entries()] == ["Saved before the damage"]
    kept = list((damaged_dir / "backups").glob("*before-restore*.db"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == junk
    assert not (damaged_dir / "portfolio.lock").read_text()
