"""Every file the app writes is owner-only (0600) and every folder 0700, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.archive_service import write_archive
from portfolio_app.core.services.backup_service import create_backup, restore_backup
from portfolio_app.core.services.export_service import export_portfolio
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.backups import backup_database
from portfolio_app.core.storage.database import DB_NAME

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
PASS = "correct horse battery staple"


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask that would make files world-readable if the app relied on it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    result = {root.name: stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        result[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return result


def _assert_private(root: Path) -> None:
    loose = {name: oct(mode) for name, mode in _modes(root).items() if mode & 0o077}
    assert loose == {}


@pytest.mark.usefixtures("permissive_umask")
def test_everything_written_is_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "portfolio"
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Zoë Student"))
    with service:
        entry = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Private"))
        evidence = tmp_path / "evidence.txt"
        evidence.write_text("x")
        service.add_attachment(entry.id, evidence)
        backup_database(data_dir / DB_NAME, data_dir / "backups", reason="test")
        create_backup(service, out / "copy")
        write_archive(service, out / "archive")
        export_portfolio(service, out / "portfolio.pdf", sign=True)
        assert (data_dir / f"{DB_NAME}-wal").exists()
        _assert_private(data_dir)
    restore_backup(out / "copy.rpbackup", tmp_path / "restored", passphrase=PASS)
    evidence.unlink()
    _assert_private(data_dir)
    _assert_private(out)
    _assert_private(tmp_path / "restored")


@pytest.mark.usefixtures("permissive_umask")
def test_an_older_portfolio_folder_is_tightened_on_open(tmp_path: Path) -> None:
    data_dir = tmp_path / "portfolio"
    PortfolioService.create(data_dir, PASS, Profile(name="Zoë Student"))[0].close()
    for path in (data_dir, *data_dir.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    PortfolioService.open(data_dir, PASS).close()
    _assert_private(data_dir)
