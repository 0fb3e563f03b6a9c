"""The temporary folders of ``portfolio gui --demo``: one per run, removed when the app quits.

Each demo run builds a fresh portfolio in a new ``portfolio-demo-*`` folder in the system's
temporary directory, and the app removes that folder when it quits. A crash, ``kill -9`` or a
power cut leaves the folder behind, so every new demo run first removes the leftovers that are
older than a day, belong to this user and that no running app has open (a running demo holds
the portfolio's lock, which the operating system drops when that process ends however it ends).

Nothing here ever removes a folder whose name does not start with the demo prefix, and a
symbolic link is never followed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from portfolio_app.core.domain.errors import PortfolioInUseError
from portfolio_app.core.storage.lock_file import PortfolioLock

DEMO_PREFIX = "portfolio-demo-"
#: Leftover demo folders untouched for this long are removed at the next demo start.
STALE_AFTER_SECONDS = 24 * 60 * 60


def make_demo_folder(parent: Path | None = None) -> Path:
    """A new, private (0700 on POSIX) demo folder in ``parent`` (default: the temp directory)."""
    return Path(tempfile.mkdtemp(prefix=DEMO_PREFIX, dir=parent))


def remove_demo_folder(folder: Path) -> bool:
    """Remove one demo folder and everything in it; False when some of it could not go.

    Refuses (ValueError) a folder not named like a demo folder, so a wrong path can never
    delete anything else.
    """
    if not folder.name.startswith(DEMO_PREFIX):
        raise ValueError(f"{folder} is not a demo folder")
    if folder.is_symlink() or not folder.exists():
        return not folder.exists()
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def clean_stale_demo_folders(
    parent: Path | None = None,
    *,
    now: float | None = None,
    max_age_seconds: float = STALE_AFTER_SECONDS,
) -> list[Path]:
    """Remove leftover demo folders (see the module docstring); returns those removed."""
    parent = Path(tempfile.gettempdir()) if parent is None else parent
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        candidates = sorted(parent.glob(f"{DEMO_PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        stale = _is_stale(folder, now, max_age_seconds) and not _in_use(folder)
        if stale and remove_demo_folder(folder):
            removed.append(folder)
    return removed


def _is_stale(folder: Path, now: float, max_age_seconds: float) -> bool:
    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        info = folder.stat()
        getuid = getattr(os, "getuid", None)  # POSIX only; Windows temp folders are per user
        if getuid is not None and info.st_uid != getuid():
            return False
        newest = info.st_mtime
        for child in folder.iterdir():
            with contextlib.suppress(OSError):
                newest = max(newest, child.lstat().st_mtime)
    except OSError:
        return False
    return now - newest > max_age_seconds


def _in_use(folder: Path) -> bool:
    """Whether a running app holds the demo portfolio's lock."""
    lock = PortfolioLock(folder)
    try:
        lock.acquire()
    except PortfolioInUseError:
        return True
    except OSError:
        return True  # cannot tell: leave it alone
    lock.release()
    return False
