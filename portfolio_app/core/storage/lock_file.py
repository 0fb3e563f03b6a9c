"""One process per portfolio: an OS-level lock on a file beside the database.

The operating system releases the lock when the process ends, however it ends, so a crash
or ``kill -9`` never leaves a stale lock behind; the file's text (pid, host) is only there to
name the other process in the message.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path
from typing import IO

from portfolio_app.core.domain.errors import PortfolioInUseError

LOCK_NAME = "portfolio.lock"


class PortfolioLock:
    """An exclusive, non-blocking lock held while a portfolio is open."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise PortfolioInUseError naming who holds it."""
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_APPEND, 0o600)
        handle = os.fdopen(fd, "a+", encoding="utf-8")
        try:
            _lock(handle)
        except OSError as exc:
            holder = ""
            with contextlib.suppress(OSError, UnicodeDecodeError):
                handle.seek(0)
                holder = handle.read().strip()
            holder = holder or "another program"
            handle.close()
            raise PortfolioInUseError(
                f"this portfolio is already open ({holder}); close the other window first"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock (idempotent)."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self._handle.seek(0)
            self._handle.truncate()
            _unlock(self._handle)
        self._handle.close()
        self._handle = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._handle is not None


#: Where the Windows lock sits: far past the text naming the holder, because Windows byte-range
#: locks are mandatory (nobody else could read a locked byte) and locking past the end of a file
#: is allowed there. tests/packaging/test_platforms.py checks this branch with a stand-in msvcrt.
WINDOWS_LOCK_OFFSET = 0x7FFF_FFFF

if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        finally:
            handle.seek(0)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            handle.seek(0)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
