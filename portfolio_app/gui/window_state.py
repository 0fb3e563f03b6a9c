"""Remember the window's geometry, splitter positions and list columns between runs.

UI state only: never entry text, titles, search words or anything else from the portfolio,
and never a key or passphrase (those stay in the encrypted vault or nowhere). It lives in an
INI file next to the preferences, so tests that point PORTFOLIO_CONFIG_DIR at a temporary
folder never touch the user's real settings.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from portfolio_app.core.app_paths import default_config_dir

STATE_FILE = "ui-state.ini"


def _settings() -> QSettings:
    path = default_config_dir() / STATE_FILE
    return QSettings(str(path), QSettings.Format.IniFormat)


def save_window_state(
    window: QMainWindow, splitters: dict[str, QSplitter], headers: dict[str, QHeaderView]
) -> None:
    """Store geometry, dock/toolbar state, splitters and headers."""
    settings = _settings()
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
    """Put back what :func:`save_window_state` stored; False when nothing was stored."""
    settings = _settings()
    geometry = settings.value("main/geometry")
    if not isinstance(geometry, QByteArray):
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
    """A remembered view switch ("preview", "sidebar")."""
    value = _settings().value(f"view/{name}", default)
    if isinstance(value, str):
        return value.lower() in {"true", "1", "yes"}
    return bool(value)


def remember_flag(name: str, value: bool) -> None:
    """Store a view switch."""
    settings = _settings()
    settings.setValue(f"view/{name}", value)
    settings.sync()
