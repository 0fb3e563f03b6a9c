"""Copies of the database file taken with SQLite's online backup API, kept with rotation.

A copy is taken before every schema migration (and on demand), so a failed upgrade never costs
the student their portfolio. Copies hold the same ciphertext as the database itself.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from portfolio_app.core.storage.file_modes import private_dir, private_file

KEEP_BACKUPS = 5


def backup_database(db_path: Path, backup_dir: Path, *, reason: str) -> Path:
    """Copy ``db_path`` into ``backup_dir`` consistently, even with a WAL in use."""
    private_dir(backup_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"portfolio-{stamp}-{reason}.db"
    private_file(target)
    try:
        source = sqlite3.connect(str(db_path))
        try:
            destination = sqlite3.connect(str(target))
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.DatabaseError:
        # A damaged file cannot be read by SQLite, but it may still be worth something to a
        # specialist: keep its bytes (and its WAL) exactly as they are instead of failing.
        target.unlink(missing_ok=True)
        shutil.copyfile(db_path, private_file(target))
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, private_file(target.with_name(target.name + "-wal")))
    _rotate(backup_dir)
    return target


def _rotate(backup_dir: Path) -> None:
    copies = sorted(backup_dir.glob("portfolio-*.db"))
    for old in copies[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def list_backups(backup_dir: Path) -> list[Path]:
    """Automatic copies, newest last."""
    return sorted(backup_dir.glob("portfolio-*.db")) if backup_dir.exists() else []


def serialize_database(db_path: Path) -> bytes:
    """A consistent copy of the whole database as bytes (online backup into memory)."""
    source = sqlite3.connect(str(db_path))
    try:
        memory = sqlite3.connect(":memory:")
        try:
            source.backup(memory)
            data = bytearray(memory.serialize())
        finally:
            memory.close()
    finally:
        source.close()
    # Bytes 18-19 of the header say "WAL"; a database image handed around as one file must
    # say "rollback journal" or SQLite refuses to open it from memory. WAL is set again on open.
    if len(data) >= 20:
        data[18] = data[19] = 1
    return bytes(data)


def check_database_bytes(data: bytes) -> list[str]:
    """Run SQLite's integrity check over database bytes; an empty list means healthy."""
    memory = sqlite3.connect(":memory:")
    try:
        try:
            memory.deserialize(data)
            rows = memory.execute("PRAGMA integrity_check").fetchall()
            tables = {
                r[0] for r in memory.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            return [f"not a readable database ({exc})"]
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if "key_slots" not in tables or "entries" not in tables:
            problems.append("not a portfolio database")
        return problems
    finally:
        memory.close()
