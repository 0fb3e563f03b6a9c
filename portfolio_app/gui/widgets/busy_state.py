"""Dialogs that run one piece of work in the background and stay open until it ends.

While the work runs the dialog shows an indeterminate busy bar, disables its inputs and
refuses to be rejected or closed (the work would otherwise report to a dialog that is gone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QWidget
from typing_extensions import override

from portfolio_app.gui.background import BackgroundTask, CancelledFn, ProgressFn, run_in_background


def make_busy_bar(parent: QWidget, accessible_name: str = "Working") -> QProgressBar:
    """An indeterminate progress bar, hidden until the work starts."""
    bar = QProgressBar(parent)
    bar.setRange(0, 0)
    bar.setAccessibleName(accessible_name)
    bar.hide()
    return bar


def make_status_label(parent: QWidget) -> QLabel:
    """A wrapping status line that says what is happening or what happened."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName("Status")
    label.setOpenExternalLinks(False)
    return label


class BusyDialog(QDialog):
    """A dialog with a busy bar and a status line that cannot close while its work runs.

    A subclass assigns :attr:`busy_bar` and :attr:`status_label` (:func:`make_busy_bar`,
    :func:`make_status_label`) where it builds its widgets, starts the work with
    :meth:`_start`, extends :meth:`_set_busy` to disable its own inputs, and extends
    :meth:`_on_task_succeeded` / :meth:`_on_task_failed` (calling ``super()`` first) to
    report the outcome.
    """

    busy_bar: QProgressBar
    status_label: QLabel

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._task: BackgroundTask | None = None

    @property
    def is_busy(self) -> bool:
        """Whether the work runs."""
        return self._task is not None

    def _start(self, work: Callable[[ProgressFn, CancelledFn], Any], message: str) -> None:
        """Show ``message``, go busy and run ``work`` in the background."""
        self._set_busy(True)
        self.status_label.setText(message)
        self._task = run_in_background(
            work, on_success=self._on_task_succeeded, on_error=self._on_task_failed
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)

    def _on_task_succeeded(self, result: Any) -> None:
        self._task = None
        self._set_busy(False)

    def _on_task_failed(self, error: BaseException) -> None:
        self._task = None
        self._set_busy(False)

    @override
    def reject(self) -> None:
        if not self.is_busy:
            super().reject()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_busy:
            event.ignore()
            return
        super().closeEvent(event)
