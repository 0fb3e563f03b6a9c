"""Run slow core work (key derivation, export, verification) off the GUI thread.

Core functions stay synchronous and take ``progress``/``is_cancelled`` callables; this module
runs them on the global QThreadPool and delivers the result, error or progress back on the GUI
thread through queued signals. Workers never touch widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int, str], None]
CancelledFn = Callable[[], bool]


class TaskSignals(QObject):
    """Signals a background task emits; connected slots run on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class BackgroundTask(QRunnable):
    """One call of ``work(progress, is_cancelled)`` on the thread pool."""

    def __init__(self, work: Callable[[ProgressFn, CancelledFn], Any]) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self._work = work
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._cancel.is_set()

    def run(self) -> None:
        """Runs on a pool thread."""
        try:
            result = self._work(self.signals.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # delivered to the GUI thread, shown as a dialog there
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


_running: set[BackgroundTask] = set()


def run_in_background(
    work: Callable[[ProgressFn, CancelledFn], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: ProgressFn | None = None,
    on_finished: Callable[[], None] | None = None,
) -> BackgroundTask:
    """Start ``work`` on the pool; callbacks run on the GUI thread. Keep the task to cancel it."""
    task = BackgroundTask(work)
    if on_success:
        task.signals.succeeded.connect(on_success)
    if on_error:
        task.signals.failed.connect(on_error)
    if on_progress:
        task.signals.progressed.connect(on_progress)
    if on_finished:
        task.signals.finished.connect(on_finished)
    _running.add(task)
    task.signals.finished.connect(lambda: _running.discard(task))
    QThreadPool.globalInstance().start(task)
    return task


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    """Wait for running tasks (quitting, tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
