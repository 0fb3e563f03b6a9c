"""Check PDFs in worker processes with a time limit, so one hostile file cannot stall the rest.

``limits`` bounds the work a file can cause by counting, but not everything can be counted
cheaply (pure-Python parsing of a huge object inside the size cap, a pyHanko code path we did
not foresee). So ``portfolio verify``, the GUI's verify window and the countersign check run
each file in a worker process and stop it when it overruns:

* **Time**: each file gets ``VerifyLimits.seconds`` (default 30 s; a 2,000-entry export takes
  about 2.5 s here) from the moment its worker starts on it. An overrun kills the worker (a
  fresh one takes the next file) and the file's verdict is exit 3 with ``limit="time"``.
* **Memory** (POSIX): the worker's address space may grow by ``VerifyLimits.memory_bytes``
  (default 1 GiB) over its size at start (``resource.setrlimit(RLIMIT_AS)``); past that,
  allocation fails with ``MemoryError`` and the verdict is exit 3 with ``limit="memory"``.
  Linux enforces it; macOS accepts but does not enforce ``RLIMIT_AS``, and Windows has no
  ``resource`` module, so there only the time limit, the size cap and pyHanko's decode limits
  bound memory.
* A worker that dies (a crash in a native library, the kernel's out-of-memory killer) gives
  exit 3 with ``limit="worker"`` for that file; the others go on.

Workers: up to ``VerifyLimits.workers`` (default: CPUs, at most 4) check files in parallel,
each one reused for file after file (starting one costs about a second with ``spawn``). On
Linux a single-threaded caller (the CLI) forks, which is instant and safe; a caller with other
threads (the GUI, a Qt test) uses ``spawn``, as macOS and Windows always do. Frozen builds
must call ``multiprocessing.freeze_support()`` first thing (the CLI entry point does). When no
worker process can be started at all, files are checked in this process (bounded work, no
time limit) and the report says so.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from portfolio_app.core.signing.limits import MAX_PDF_BYTES, MiB, VerifyLimits, mib
from portfolio_app.core.signing.roles import Role
from portfolio_app.core.signing.trust import TrustSettings, TrustSource
from portfolio_app.core.signing.verification import (
    Verdict,
    VerificationReport,
    limit_report,
    verify_pdf,
)

MAX_WORKERS = 4
_READY = "ready"
_START_SECONDS = 120.0

Progress = Callable[[int, int, str], None]
__all__ = ["VerifyLimits", "read_and_verify", "verify_files"]


def read_and_verify(
    path: Path, trust: TrustSettings, require: Sequence[str] = ()
) -> VerificationReport:
    """Read ``path`` (refusing files over the size limit unread) and verify it."""
    try:
        size = path.stat().st_size
        if size > MAX_PDF_BYTES:
            return replace(
                limit_report(
                    f"The file is {mib(size)}; the limit is {MAX_PDF_BYTES // MiB} MiB (the "
                    "largest portfolio export measured is 5.5 MB).",
                    "size",
                ),
                trust_notes=trust.notes,
            )
        data = path.read_bytes()
    except OSError as exc:
        return VerificationReport(
            Verdict.NOT_SIGNED_OR_UNREADABLE,
            f"cannot read {path}: {exc.strerror or exc}",
            trust_notes=trust.notes,
        )
    return verify_pdf(data, trust=trust, require=[Role.parse(r) for r in require])


def _limit_memory(extra_bytes: int | None) -> None:
    """Cap this process's address space at its current size plus ``extra_bytes`` (POSIX;
    Windows has no ``resource`` module, and there the time limit alone applies)."""
    if extra_bytes is not None and sys.platform != "win32":
        import resource

        try:
            statm = Path("/proc/self/statm").read_text(encoding="ascii")
            current = int(statm.split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):  # not Linux: the peak so far, a lower bound
            current = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        limit = current + extra_bytes
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):  # macOS may refuse; the time limit still holds
            pass


def _worker_main(conn: Connection, source: TrustSource, memory_bytes: int | None) -> None:
    """A worker: build the trust once, then verify each path it is sent until told to stop."""
    try:
        _limit_memory(memory_bytes)
        trust = source.build()
        conn.send(_READY)
        while True:
            job = conn.recv()
            if job is None:
                return
            index, path, require = job
            try:
                report = read_and_verify(Path(path), trust, require)
            except MemoryError:
                report = limit_report(
                    "The PDF needs more memory to check than is allowed.", "memory"
                )
            conn.send((index, report))
    except (EOFError, OSError, KeyboardInterrupt):
        return


def _context() -> Any:
    """``fork`` for a single-threaded Linux caller, else ``spawn`` (see the module docstring)."""
    if sys.platform.startswith("linux"):
        try:
            single = len(list(Path("/proc/self/task").iterdir())) == 1
        except OSError:
            single = False
        if single:
            return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process and the file it is checking."""

    def __init__(self, context: Any, source: TrustSource, memory_bytes: int | None) -> None:
        parent, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main, args=(child, source, memory_bytes), daemon=True
        )
        self.process.start()
        child.close()
        self.conn: Connection = parent
        self.ready = False
        self.job: int | None = None
        self.since = time.monotonic()

    def submit(self, index: int, path: Path, require: Sequence[str]) -> None:
        self.conn.send((index, str(path), tuple(require)))
        self.job = index
        self.since = time.monotonic()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()

    def ended(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"signal {-code}"
        return f"exit status {code}"


def _timeout_report(seconds: float) -> VerificationReport:
    return limit_report(
        f"Checking this file took longer than {seconds:g} s, so it was stopped. A portfolio "
        "exported by the app takes a few seconds at most; a file built to make checking slow "
        "does not get more. (For a genuine, very large portfolio on a slow computer, run "
        "'portfolio verify --time-limit 120'.)",
        "time",
    )


def _crash_report(how: str) -> VerificationReport:
    return limit_report(
        f"The check of this file stopped unexpectedly (its worker process ended: {how}); the "
        "file may be built to crash PDF readers. The other files were not affected.",
        "worker",
    )


class _NoWorkersError(Exception):
    """No worker process could be started here (a sandbox, a frozen build without
    ``freeze_support``)."""


def _start_worker(context: Any, source: TrustSource, memory_bytes: int | None) -> _Worker:
    try:
        return _Worker(context, source, memory_bytes)
    except (OSError, ValueError, RuntimeError) as exc:
        raise _NoWorkersError(type(exc).__name__) from exc


def _default_workers(files: int) -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS, files))


def verify_files(
    paths: Sequence[Path],
    trust: TrustSettings,
    *,
    require: Sequence[str] = (),
    limits: VerifyLimits | None = None,
    progress: Progress | None = None,
) -> list[VerificationReport]:
    """One report per path, in order; each file checked under ``limits``."""
    limits = limits or VerifyLimits()
    if not paths:
        return []
    if not limits.isolate or trust.source is None:
        return _in_process(paths, trust, require, progress, note=None)
    try:
        return _isolated(paths, trust, require, limits, progress)
    except _NoWorkersError as exc:
        note = (
            "This file was checked without a separate process (none could be started: "
            f"{exc}), so no time limit applied."
        )
        return _in_process(paths, trust, require, progress, note=note)


def _in_process(
    paths: Sequence[Path],
    trust: TrustSettings,
    require: Sequence[str],
    progress: Progress | None,
    *,
    note: str | None,
) -> list[VerificationReport]:
    reports = []
    for done, path in enumerate(paths, start=1):
        report = read_and_verify(path, trust, require)
        if note:
            report = replace(report, warnings=(*report.warnings, note))
        reports.append(report)
        if progress is not None:
            progress(done, len(paths), str(path))
    return reports


def _isolated(
    paths: Sequence[Path],
    trust: TrustSettings,
    require: Sequence[str],
    limits: VerifyLimits,
    progress: Progress | None,
) -> list[VerificationReport]:
    source = trust.source
    assert source is not None
    try:
        context = _context()
    except (OSError, ValueError) as exc:
        raise _NoWorkersError(type(exc).__name__) from exc
    pending = deque(range(len(paths)))
    results: list[VerificationReport | None] = [None] * len(paths)
    count = limits.workers or _default_workers(len(paths))
    workers: list[_Worker] = []
    done = 0

    def finish(index: int, report: VerificationReport) -> None:
        nonlocal done
        results[index] = replace(report, trust_notes=trust.notes)
        done += 1
        if progress is not None:
            progress(done, len(paths), str(paths[index]))

    def replace_worker(worker: _Worker) -> None:
        workers.remove(worker)
        if pending:
            workers.append(_start_worker(context, source, limits.memory_bytes))

    try:
        for _ in range(min(count, len(paths))):
            workers.append(_start_worker(context, source, limits.memory_bytes))
        while done < len(paths):
            for worker in workers:
                if worker.ready and worker.job is None and pending:
                    index = pending.popleft()
                    worker.submit(index, paths[index], require)
            now = time.monotonic()
            deadlines = [w.since + (limits.seconds if w.ready else _START_SECONDS) for w in workers]
            timeout = max(0.0, min(deadlines) - now) if deadlines else 0.0
            for ready in wait([w.conn for w in workers], timeout):
                worker = next(w for w in workers if w.conn is ready)
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    worker.process.join(5)
                    if worker.job is not None:
                        finish(worker.job, _crash_report(worker.ended()))
                    elif not worker.ready:
                        how = worker.ended()
                        raise _NoWorkersError(f"a worker did not start ({how})") from None
                    worker.conn.close()
                    replace_worker(worker)
                    continue
                if message == _READY:
                    worker.ready = True
                    worker.since = time.monotonic()
                else:
                    index, report = message
                    worker.job = None
                    finish(int(index), report)
            now = time.monotonic()
            for worker in list(workers):
                if worker.job is not None and now - worker.since > limits.seconds:
                    index = worker.job
                    worker.kill()
                    finish(index, _timeout_report(limits.seconds))
                    replace_worker(worker)
                elif not worker.ready and now - worker.since > _START_SECONDS:
                    worker.kill()
                    raise _NoWorkersError("a worker did not start in time")
            if not workers and done < len(paths):
                workers.append(_start_worker(context, source, limits.memory_bytes))
    finally:
        for worker in workers:
            worker.close()
    return [r for r in results if r is not None]
