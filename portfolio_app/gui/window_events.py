"""One application-wide event filter for everything that must happen to every window.

The screen fitter (screen_fit.py), the close keys (window_keys.py) and the names of Qt's own
controls (accessibility.py) all need to see each top-level window as it is shown, whatever
module made it. An event filter on the application sees every event of every object, so each
filter costs a call into Python per event; one shared filter keeps that to a single call, and
hands only the few events the helpers want (window Show, Resize, LayoutRequest) to them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from typing_extensions import override

#: A helper called with (window, event) for the event types it registered for.
WindowHandler = Callable[[QWidget, QEvent], None]

_SHOW = QEvent.Type.Show
_WANTED = frozenset({QEvent.Type.Show, QEvent.Type.Resize, QEvent.Type.LayoutRequest})


class WindowEvents(QObject):
    """Dispatches window events to the registered helpers (in the order they registered)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._handlers: list[tuple[str, frozenset[QEvent.Type], WindowHandler]] = []
        app.installEventFilter(self)

    def register(self, name: str, kinds: frozenset[QEvent.Type], handler: WindowHandler) -> bool:
        """Add a helper once (by name); False when it was there already."""
        if any(existing == name for existing, _kinds, _handler in self._handlers):
            return False
        self._handlers.append((name, kinds, handler))
        return True

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _WANTED or not isinstance(watched, QWidget) or not watched.isWindow():
            return False
        for _name, kinds, handler in self._handlers:
            if kind in kinds:
                handler(watched, event)
        return False


def window_events(app: QApplication) -> WindowEvents:
    """The application's dispatcher (made on first use)."""
    existing = app.findChild(WindowEvents)
    if isinstance(existing, WindowEvents):
        return existing
    return WindowEvents(app)


SHOW_ONLY = frozenset({_SHOW})
