"""The SQLite file: connection settings, schema version and migrations.

Every connection turns on foreign keys, WAL, ``secure_delete`` (freed pages are zeroed, so an
old ciphertext does not linger) and an in-memory temp store (sorts and temp tables never touch
the disk): see ``sqlite_db.PRAGMAS``. The schema is managed by Alembic (imported, with
SQLAlchemy, only when a migration is due); opening an older portfolio backs it up first and
then upgrades it, and a portfolio from a newer app is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from portfolio_app.core.domain.errors import CorruptDatabaseError, PortfolioError
from portfolio_app.core.storage.backups import backup_database
from portfolio_app.core.storage.sqlite_db import PRAGMAS, Database

DB_NAME = "portfolio.db"
SCHEMA_HEAD = "0009"
KNOWN_REVISIONS = ("0001", "0002", "0004", "0005", "0007", "0008", "0009")
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def make_engine(db_path: Path) -> Database:
    """The database of one portfolio file, with our PRAGMAs on every connection."""
    return Database(db_path)


def check_is_sqlite(db_path: Path) -> None:
    """Refuse a file that is not SQLite before SQLAlchemy meets it."""
    try:
        with db_path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CorruptDatabaseError(f"the portfolio file {db_path} cannot be read: {exc}") from exc
    if magic != SQLITE_MAGIC:
        raise CorruptDatabaseError(
            f"{db_path} is not a portfolio database (it is damaged or another kind of file); "
            "restore it from a backup"
        )


def schema_version(db_path: Path) -> str | None:
    """The Alembic revision stored in the file, or None for an empty or absent database."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if row is None:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if tables and tables[0]:
                    raise CorruptDatabaseError(f"{db_path} is an SQLite file but not a portfolio")
                return None
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(version[0]) if version else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"the portfolio database {db_path} is damaged ({exc}); restore it from a backup"
        ) from exc


def upgrade_schema(engine: Database, db_path: Path, *, backup_dir: Path) -> str | None:
    """Bring the schema to head; back the file up first if it held data. Returns the backup path."""
    current = schema_version(db_path)
    if current == SCHEMA_HEAD:
        return None
    if current is not None and current not in KNOWN_REVISIONS:
        raise PortfolioError(
            "this portfolio was saved by a newer version of Reflective Portfolio; "
            "update the app to open it"
        )
    backup_path: str | None = None
    if current is not None:
        backup_path = str(
            backup_database(db_path, backup_dir, reason=f"before-schema-{SCHEMA_HEAD}")
        )
    engine.dispose()  # no pooled connection may hold the old schema open
    _run_alembic(db_path, SCHEMA_HEAD)
    return backup_path


def _run_alembic(db_path: Path, target: str) -> None:
    # Alembic and SQLAlchemy are imported only when a schema change is due: most opens never
    # pay for them.
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(f"sqlite:///{db_path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    try:
        _upgrade(engine, command, Config, target)
    except DBAPIError as exc:  # the same messages as every other SQLite failure
        if exc.orig is not None:
            raise exc.orig from exc
        raise
    finally:
        engine.dispose()


def _upgrade(engine: Any, command: Any, config_class: Any, target: str) -> None:
    config = config_class()

    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Batch migrations rebuild tables (copy, drop, rename). With foreign keys on, dropping
    # the old ``entries`` would cascade into its links, revisions and attachments (a test
    # caught exactly that), so they are off while the schema changes; a PRAGMA only takes
    # effect outside a transaction.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
