"""Back up a portfolio to one encrypted file, and restore it (also on another machine).

Restoring never overwrites silently: an existing portfolio is first copied to its backups
folder, the restored database is checked (SQLite integrity, readable key slots) before it
replaces anything, and the replacement is an atomic rename.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from portfolio_app.core.domain.errors import PortfolioExistsError, ValidationError
from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists
from portfolio_app.core.storage.backups import (
    backup_database,
    check_database_bytes,
    serialize_database,
)
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.core.storage.file_modes import open_private, private_dir
from portfolio_app.core.storage.lock_file import PortfolioLock
from portfolio_app.core.storage.store import translated_errors
from portfolio_app.core.storage.vault_repository import read_key_slots
from portfolio_app.core.vault.backup_file import (
    BackupFileError,
    decrypt_payload,
    read_header,
    write_backup,
)
from portfolio_app.core.vault.key_slots import unlock_passphrase_slot, unlock_recovery_slot

BACKUP_SUFFIX = ".rpbackup"


def atomic_write(path: Path, chunks: list[bytes] | tuple[bytes, ...]) -> None:
    """Write a file so that it either appears whole or not at all."""
    path = path.expanduser()
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with translated_errors(), os.fdopen(open_private(tmp), "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ValidationError(f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def create_backup(service: PortfolioService, target: Path) -> Path:
    """Write an encrypted single-file backup of the open portfolio."""
    db_path = service.data_dir / DB_NAME
    database = serialize_database(db_path)
    from portfolio_app.core.storage.store import Store

    store = service._require_store()
    assert isinstance(store, Store)
    slots = list(read_key_slots(store.engine).values())
    data_key = store.cipher.data_key_for_rewrap()
    if target.suffix != BACKUP_SUFFIX:
        target = target.with_name(target.name + BACKUP_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, list(write_backup(data_key, slots, service.vault_id, database)))
    return target


def restore_backup(
    source: Path,
    data_dir: Path,
    *,
    passphrase: str | None = None,
    recovery_key: str | None = None,
    replace: bool = False,
) -> Path:
    """Restore a backup into ``data_dir``; returns the database path.

    The passphrase is the one the portfolio had when the backup was made.
    """
    try:
        data = source.expanduser().read_bytes()
    except OSError as exc:
        raise BackupFileError(f"cannot read {source}: {exc.strerror}") from exc
    header, offset = read_header(data)
    if recovery_key is not None and "recovery" in header.slots:
        data_key = unlock_recovery_slot(header.slots["recovery"], recovery_key)
    else:
        if passphrase is None:
            raise ValidationError("a passphrase is needed to open the backup")
        data_key = unlock_passphrase_slot(header.slots["passphrase"], passphrase)
    database = decrypt_payload(data, header, offset, bytes(data_key))
    problems = check_database_bytes(database)
    if problems:
        raise BackupFileError(f"the backup holds a damaged database ({problems[0]})")
    private_dir(data_dir)
    lock = PortfolioLock(data_dir)
    lock.acquire()
    try:
        db_path = data_dir / DB_NAME
        if portfolio_exists(data_dir):
            if not replace:
                raise PortfolioExistsError(
                    f"there is already a portfolio in {data_dir}; choose an empty folder, "
                    "or confirm that it should be replaced (a copy is kept in its backups folder)"
                )
            backup_database(db_path, data_dir / "backups", reason="before-restore")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (data_dir / f"{DB_NAME}{suffix}").unlink()
        atomic_write(db_path, [database])
        # the restored file must open with the engine's own checks too
        from portfolio_app.core.storage.database import make_engine

        engine = make_engine(db_path)
        try:
            read_key_slots(engine)
        finally:
            engine.dispose()
    finally:
        lock.release()
    return db_path
