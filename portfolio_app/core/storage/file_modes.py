"""Owner-only permissions for everything the app writes (POSIX); what happens on Windows.

Every file the app writes holds ciphertext of private reflections, an unencrypted archive or
a signed export, or key material: on POSIX it is created 0600 and folders 0700, whatever the
process umask. SQLite creates the ``-wal`` and ``-shm`` files with the mode of the database
file, so the database is created 0600 *before* SQLite first opens it. Files of portfolios
made by older versions are tightened when the portfolio is opened.

Windows has no chmod semantics (``os.chmod`` only sets the read-only flag): there the files
inherit the ACL of the folder they are in; the default data folder (``%LOCALAPPDATA%``) is
readable by the user, SYSTEM and administrators only. SECURITY.md says so.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
POSIX = os.name == "posix"


def private_dir(path: Path) -> Path:
    """Make a folder (and parents) if needed; owner-only on POSIX."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if POSIX:
        with contextlib.suppress(OSError):
            path.chmod(PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file owner-only if it is missing; tighten it if it exists."""
    if POSIX:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
        os.close(fd)
        with contextlib.suppress(OSError):
            path.chmod(PRIVATE_FILE)
    else:
        path.touch(exist_ok=True)
    return path


def open_private(path: Path) -> int:
    """A new file for writing (truncated), owner-only on POSIX; returns the descriptor."""
    flags = os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    if os.name == "posix":  # Windows has no fchmod (and no mode bits to set)
        os.fchmod(fd, PRIVATE_FILE)
    return fd


def tighten_folder(data_dir: Path) -> None:
    """Owner-only for a portfolio folder and everything the app keeps in it (older versions
    left files with the umask's mode)."""
    if not POSIX or not data_dir.is_dir():
        return
    with contextlib.suppress(OSError):
        data_dir.chmod(PRIVATE_DIR)
    for path in data_dir.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_symlink():
                continue
            path.chmod(PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)
