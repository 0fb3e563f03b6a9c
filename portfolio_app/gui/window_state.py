"""Remember the window's geometry, splitter positions and list columns between runs.

UI state only: never entry text, titles, search words or anything else from the portfolio,
and never a key or passphrase (those stay in the encrypted vault or nowhere). It lives in an
INI file next to the preferences, so tests that point PORTFOLIO_CONFIG_DIR at a temporary
folder never touch the user's real settings; the demo keeps its own file, so trying the demo
never changes how the real portfolio's window opens.

Sizes are in device-independent pixels, which mean something else on another screen or at
another scale: the screen (its free size and scale) is stored with the geometry, and saved
geometry and pane sizes are used only on the same screen. Elsewhere the window starts with a
size that fits (screen_fit.py), while switches such as "sidebar shown" are kept.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QWidget

from portfolio_app.core.app_paths import default_config_dir

STATE_FILE = "ui-state.ini"
DEMO_STATE_FILE = "ui-state-demo.ini"

#: Which file the main window's state goes to: "" for the real portfolio, "demo" for the demo.
_profile = ""


def use_profile(name: str) -> None:
    """Keep UI state apart for a profile ("demo"), or use the normal file ("")."""
    global _profile
    _profile = name


def _settings() -> QSettings:
    name = DEMO_STATE_FILE if _profile == "demo" else STATE_FILE
    path = default_config_dir() / name
    return QSettings(str(path), QSettings.Format.IniFormat)


def screen_signature(widget: QWidget) -> str:
    """The screen a window is on, as saved with its geometry: free size and scale."""
    screen = widget.screen()
    free = screen.availableGeometry()
    return f"{free.width()}x{free.height()}@{screen.devicePixelRatio():g}"


def save_window_state(
    window: QMainWindow, splitters: dict[str, QSplitter], headers: dict[str, QHeaderView]
) -> None:
    """Store geometry, dock/toolbar state, splitters and headers, with the screen they fit."""
    settings = _settings()
    settings.setValue("main/screen", screen_signature(window))
    settings.setValue("main/geometry", window.saveGeometry())
    settings.setValue("main/state", window.saveState())
    for name, splitter in splitters.items():
        settings.setValue(f"splitters/{name}", splitter.saveState())
    for name, header in headers.items():
        settings.setValue(f"headers/{name}", header.saveState())
    settings.sync()


def restore_window_state(
    window: QMainWindow, splitters: dict[str, QSplitter], headers: dict[str, QHeaderView]
) -> bool:
    """Put back what :func:`save_window_state` stored for this screen and scale.

    False when nothing was stored, or it was stored on another screen or at another scale (the
    window then gets a size that fits, see :func:`saved_on_this_screen`).
    """
    settings = _settings()
    geometry = settings.value("main/geometry")
    if not isinstance(geometry, QByteArray) or not saved_on_this_screen(window):
        return False
    window.restoreGeometry(geometry)
    state = settings.value("main/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
    for name, splitter in splitters.items():
        value = settings.value(f"splitters/{name}")
        if isinstance(value, QByteArray):
            splitter.restoreState(value)
    for name, header in headers.items():
        value = settings.value(f"headers/{name}")
        if isinstance(value, QByteArray):
            header.restoreState(value)
    return True


def saved_on_this_screen(window: QWidget) -> bool:
    """Whether the stored geometry was saved on a screen like this one (size and scale)."""
    return _settings().value("main/screen", "") == screen_signature(window)


def remembered_folder(kind: str) -> str:
    """The last folder used for a kind of file dialog ("export", "recovery-key"...)."""
    value = _settings().value(f"folders/{kind}", "")
    return value if isinstance(value, str) else ""


def remember_folder(kind: str, folder: str) -> None:
    """Store the last folder used for a kind of file dialog."""
    settings = _settings()
    settings.setValue(f"folders/{kind}", folder)
    settings.sync()


def remembered_flag(name: str, default: bool = False) -> bool:
    """A remembered view switch ("preview", "sidebar", "list", "links")."""
    value = _settings().value(f"view/{name}", default)
    if isinstance(value, str):
        return value.lower() in {"true", "1", "yes"}
    return bool(value)


def remember_flag(name: str, value: bool) -> None:
    """Store a view switch."""
    settings = _settings()
    settings.setValue(f"view/{name}", value)
    settings.sync()
