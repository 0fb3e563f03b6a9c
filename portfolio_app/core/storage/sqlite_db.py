"""The portfolio file through the standard library's ``sqlite3``: connections and transactions.

Every query the app runs is plain SQL on raw values (the integrity checks need the bytes and
strings exactly as stored), so SQLAlchemy's engine added nothing at run time but its import:
about 150 ms of every command's start here, more than the rest of a ``portfolio show``.
SQLAlchemy and Alembic remain what describes the schema and migrates it
(``records.py``, ``migrations/``), imported only when a migration is due.

This module keeps the small part of SQLAlchemy's Connection API the storage code used
(``exec_driver_sql`` with ``first``/``all``/``one``/``scalar_one``,
``begin``/``connect``/``dispose``), so the repositories read the same as before. Connections
are pooled (one per concurrent user, reused), autocommit outside ``begin()``; a transaction is
``BEGIN IMMEDIATE`` (the write lock is taken at the start, so two writers never deadlock
upgrading a read lock).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

Row = tuple[Any, ...]
Params = Sequence[Any] | list[Sequence[Any]]

PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA secure_delete=ON",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA busy_timeout=5000",
)


def db_value(value: object) -> object:
    """A Python value as the schema stores it (the forms SQLAlchemy's SQLite types wrote).

    Datetimes are naive UTC text with microseconds, dates ISO text, booleans 0/1; the
    integrity digests are over these stored forms, so every writer must use the same ones.
    """
    if isinstance(value, datetime):
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Result:
    """The rows of one statement (fetched eagerly: the cursor is closed at once)."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def first(self) -> Row | None:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def all(self) -> list[Row]:
        """Every row."""
        return self._rows

    def one(self) -> Row:
        """The only row."""
        if len(self._rows) != 1:
            raise sqlite3.DatabaseError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        """The first column of the only row."""
        if len(self._rows) != 1:
            raise sqlite3.DatabaseError(f"expected one row, got {len(self._rows)}")
        return self._rows[0][0]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class Conn:
    """One pooled connection in use."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def exec_driver_sql(self, sql: str, params: Params = ()) -> Result:
        """Run one statement; ``params`` as a list of tuples runs it once per tuple."""
        cursor = self.raw.cursor()
        try:
            if isinstance(params, list) and params and isinstance(params[0], list | tuple):
                cursor.executemany(sql, params)
                return Result([], cursor.rowcount)
            cursor.execute(sql, tuple(params))
            return Result(cursor.fetchall(), cursor.rowcount)
        finally:
            cursor.close()

    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """INSERT rows (all with the same keys) with executemany."""
        if not rows:
            return
        names = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        self.raw.executemany(sql, [tuple(db_value(r[n]) for n in names) for r in rows])

    def update(self, table: str, values: dict[str, Any], where: str, params: Sequence[Any]) -> int:
        """UPDATE one table's columns; returns the number of rows changed."""
        assignments = ", ".join(f"{name} = ?" for name in values)
        cursor = self.raw.execute(
            f"UPDATE {table} SET {assignments} WHERE {where}",
            (*(db_value(v) for v in values.values()), *params),
        )
        return cursor.rowcount


class Database:
    """A portfolio file: pooled connections with the app's PRAGMAs (was SQLAlchemy's Engine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        #: Called with each new raw connection after the PRAGMAs (tests use it for faults).
        self.on_connect: list[Callable[[sqlite3.Connection], None]] = []

    def _new_connection(self) -> sqlite3.Connection:
        raw = sqlite3.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=5.0
        )
        try:
            for pragma in PRAGMAS:
                raw.execute(pragma).close()
            for hook in self.on_connect:
                hook(raw)
        except BaseException:
            raw.close()
            raise
        return raw

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._new_connection()

    def _release(self, raw: sqlite3.Connection) -> None:
        if raw.in_transaction:  # never hand on a connection inside someone's transaction
            raw.rollback()
        with self._lock:
            self._idle.append(raw)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Conn]:
        """A connection outside any transaction (each statement commits on its own)."""
        raw = self._acquire()
        try:
            yield Conn(raw)
        finally:
            self._release(raw)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Conn]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        raw = self._acquire()
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield Conn(raw)
            except BaseException:
                raw.rollback()
                raise
            raw.commit()
        finally:
            self._release(raw)

    def dispose(self) -> None:
        """Close the idle connections (the next use opens new ones)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()
