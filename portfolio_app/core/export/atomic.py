"""Write a file so that it is either the whole new content or untouched: never half-written.

The exported PDF is handed in for assessment and the CA key is the tutor's only copy, so a
crash, a full disk or a cancel must not leave a truncated file where a good one was. The
bytes go to a temporary file *in the same folder* (so ``os.replace`` is an atomic rename on
the same file system), are flushed and fsynced, then replace the target; the folder is fsynced
too where the platform allows, so the rename itself survives a power cut. On any failure or
cancel the temporary file is removed and an existing target is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from portfolio_app.core.domain.errors import StorageFullError, ValidationError
from portfolio_app.core.export.errors import ExportCancelled, ExportWriteError

_CHUNK = 1024 * 1024
TEMP_SUFFIX = ".part"


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory for fsync; NTFS journals renames
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(
    path: Path,
    data: bytes,
    *,
    is_cancelled: Callable[[], bool] | None = None,
    mode: int | None = None,
) -> None:
    """Put ``data`` at ``path`` atomically (see the module docstring).

    ``mode`` sets the permission bits of a new file (default: owner read/write only, as the
    file holds private reflections); replacing a file keeps that file's permission bits.
    ``is_cancelled`` is polled between chunks and just before the rename.
    """
    directory = path.parent
    if not directory.is_dir():
        raise ValidationError(f"the folder {directory} does not exist")
    cancelled = is_cancelled or (lambda: False)
    try:
        keep_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else mode
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            view = memoryview(data)
            for start in range(0, len(view), _CHUNK):
                if cancelled():
                    raise ExportCancelled()
                handle.write(view[start : start + _CHUNK])
            handle.flush()
            os.fsync(handle.fileno())
        if keep_mode is not None:
            temp.chmod(keep_mode)
        if cancelled():
            raise ExportCancelled()
        temp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise
    _fsync_directory(directory)


def _write_error(path: Path, exc: OSError) -> Exception:
    if exc.errno in {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}:
        return StorageFullError(f"the disk is full; {path.name} was not written")
    reason = exc.strerror or str(exc)
    return ExportWriteError(f"cannot write {path}: {reason}")
