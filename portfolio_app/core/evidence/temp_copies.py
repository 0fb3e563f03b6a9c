"""Decrypted copies of evidence files, made only to open them in another app, and removed.

Opening an attachment means handing a file to the system's viewer, which cannot read the
vault. So the app writes one decrypted copy, in a folder of its own that only this user can
enter (0700; the file 0600), in RAM when the system has a RAM-backed ``/dev/shm`` (Linux),
else in the user's temporary folder. The copies are deleted when the portfolio locks or the
app quits (:meth:`TempCopies.remove_all`), and leftovers of a session that crashed are swept
at the next start (:func:`sweep_stale`). A viewer that keeps the file open can still read it
until it closes it; SECURITY.md says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from portfolio_app.core.evidence.files import clean_name

PREFIX = "rp-evidence-"
STALE_SECONDS = 12 * 3600


def _base() -> Path:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return Path(tempfile.gettempdir())


class TempCopies:
    """The decrypted copies of one session (one per file opened)."""

    def __init__(self, base: Path | None = None) -> None:
        self._base = base
        self._folder: Path | None = None

    @property
    def folder(self) -> Path | None:
        """This session's folder, once a copy was made."""
        return self._folder

    def write(self, name: str, data: bytes) -> Path:
        """A 0600 copy of ``data`` named ``name`` (cleaned), in this session's 0700 folder."""
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self._base or _base()))
            self._folder.chmod(0o700)
        safe = clean_name(name).replace(os.sep, "_") or "evidence"
        target = self._folder / safe
        counter = 1
        while target.exists():
            counter += 1
            stem, dot, ext = safe.rpartition(".")
            target = self._folder / (f"{stem} ({counter}).{ext}" if dot else f"{safe} ({counter})")
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        return target

    def remove_all(self) -> None:
        """Delete every copy and the folder (lock, quit)."""
        folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def sweep_stale(base: Path | None = None, *, older_than: float = STALE_SECONDS) -> int:
    """Remove this user's copy folders left by a session that did not end cleanly; returns
    how many. Only folders with our prefix, owned by this user, untouched for ``older_than``."""
    root = base or _base()
    removed = 0
    now = time.time()
    with contextlib.suppress(OSError):
        for folder in root.glob(f"{PREFIX}*"):
            with contextlib.suppress(OSError):
                info = folder.lstat()
                mine = True
                if hasattr(os, "getuid"):  # POSIX: only this user's folders
                    mine = info.st_uid == os.getuid()
                stale = now - info.st_mtime > older_than
                if folder.is_dir() and not folder.is_symlink() and mine and stale:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
    return removed
