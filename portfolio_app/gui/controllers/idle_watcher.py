"""Notices when the student stops using the app, to lock the portfolio after N idle minutes.

An event filter on the QApplication restarts a single-shot timer on every keyboard, mouse,
wheel or touch event in any window; only input events count, so a blinking cursor or an
autosave never keeps the portfolio unlocked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication
from typing_extensions import override

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle_timeout`` after ``interval_ms`` without input (0 switches it off)."""

    idle_timeout = Signal()

    def __init__(self, app: QApplication, interval_ms: int = 0) -> None:
        super().__init__(app)
        self._app = app
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle_timeout)
        self._active = False
        app.installEventFilter(self)
        self.set_interval_ms(interval_ms)

    def set_interval_ms(self, interval_ms: int) -> None:
        """Change the idle time; 0 means never lock automatically."""
        self._timer.setInterval(max(0, interval_ms))
        self._restart()

    def set_active(self, active: bool) -> None:
        """Watch only while a portfolio is open."""
        self._active = active
        self._restart()

    @property
    def is_running(self) -> bool:
        """Whether the countdown is on."""
        return self._timer.isActive()

    def _restart(self) -> None:
        if self._active and self._timer.interval() > 0:
            self._timer.start()
        else:
            self._timer.stop()

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _INPUT_EVENTS and self._timer.interval() > 0:
            self._timer.start()
        return False

    def stop(self) -> None:
        """Stop watching for good."""
        self._timer.stop()
        self._app.removeEventFilter(self)
