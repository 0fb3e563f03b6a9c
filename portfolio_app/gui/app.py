"""Start the desktop app: QApplication, theme, then the create, unlock or demo flow.

Kept light on purpose: only Qt and a few small core modules are imported before the first
window is on screen (bench/bench_gui.py measures it; the target is under half a second). The
service, SQLAlchemy and Markdown are imported after that.

Process behaviour a desktop user expects, all here:

* the window identifies itself as the installed desktop entry (``APP_ID``): the Wayland app id
  through ``setDesktopFileName``, the X11 ``WM_CLASS`` (instance ``reflective-portfolio``, class
  ``APP_ID``) through argv[0] and the application name, so docks group it under its icon;
* Ctrl+C in the terminal (SIGINT) and SIGTERM (logout, ``kill``) close the app the way
  File ▸ Quit does: typed text saved, the portfolio closed, then exit code 0;
* ``gui --demo`` works in a temporary folder that is removed on quit (leftovers of crashed demos
  older than a day go at the next demo start);
* no display: a message saying how to get one, instead of Qt aborting the process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QMessageLogContext,
    QObject,
    QSocketNotifier,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QMessageBox

from portfolio_app import APP_ID, LAUNCHER_NAME
from portfolio_app.cli import exit_codes
from portfolio_app.core.preferences import load_preferences
from portfolio_app.core.resources import read_resource_bytes
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.controllers.app_controller import DEMO_PASSPHRASE, AppController
from portfolio_app.gui.theme import ThemeManager

if TYPE_CHECKING:
    from portfolio_app.cli.context import CliContext

APP_NAME = "Reflective Portfolio"
#: How long the app waits, after its window closed, for background work (key derivation, the
#: demo being built) to finish before it removes a demo folder or lets Python tear down.
FINISH_WAIT_MS = 60_000

NO_DISPLAY_MESSAGE = (
    "portfolio: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window "
    "cannot open.\n"
    "  - On a desktop, start it from the applications menu or a terminal inside the desktop.\n"
    "  - Over SSH, connect with X forwarding: ssh -X host, then run it again.\n"
    "  - On a server or in CI, use a virtual screen: xvfb-run -a portfolio gui\n"
    "    (Debian/Ubuntu: sudo apt-get install xvfb), or packaging/run-app, which does that.\n"
    "Everything else works without a display: see portfolio --help."
)


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no window can open here (None when one can, as far as can be told beforehand).

    Only Linux and the other X11/Wayland systems need a display server named in the
    environment; Windows and macOS always have their own. QT_QPA_PLATFORM (offscreen, vnc...)
    is the user's explicit choice and is trusted.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "cygwin", "darwin"):
        return None
    if any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return NO_DISPLAY_MESSAGE


def _install_excepthook() -> None:
    """Show an unexpected error as a short, calm dialog; the traceback goes to stderr only."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, error, tb, file=sys.stderr)
        if QApplication.instance() is None:
            return
        QMessageBox.critical(
            None,
            "Something went wrong",
            "An unexpected problem occurred. Your typing is saved as you go; if this keeps "
            f"happening, report it with what you were doing.\n\n({kind.__name__})",
        )

    sys.excepthook = hook


def _platform_failure_handler(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """While QApplication starts: a fatal platform error becomes a hint and exit code 1.

    Qt aborts the process (SIGABRT, a core dump) when the display named in DISPLAY cannot be
    reached or no platform plugin loads; that is no way to tell a student what to do.
    """
    sys.stderr.write(message + "\n")
    if mode == QtMsgType.QtFatalMsg:
        sys.stderr.write(
            "portfolio: the window could not open on this display. Check that DISPLAY (or "
            "WAYLAND_DISPLAY) names a running display you may use; without one, use "
            "xvfb-run -a portfolio gui. Everything else works without a display: see "
            "portfolio --help.\n"
        )
        sys.stderr.flush()
        os._exit(exit_codes.FAILED)


def app_icon() -> QIcon:
    """The application icon (resources/icons/app), rendered crisp at the usual sizes."""
    renderer = QSvgRenderer(
        QByteArray(read_resource_bytes("icons", "app", f"{APP_ID}.svg")),
    )
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists, as in tests)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    previous = qInstallMessageHandler(_platform_failure_handler)
    try:
        # argv[0]'s name is the X11 WM_CLASS instance: the launcher's name, not "python3".
        app = QApplication(argv or [LAUNCHER_NAME])
    finally:
        qInstallMessageHandler(previous)
    app.setApplicationName(APP_ID)  # the X11 WM_CLASS class (no settings depend on it)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("ReflectivePortfolio")
    app.setDesktopFileName(APP_ID)  # the Wayland app id: APP_ID.desktop
    app.setWindowIcon(app_icon())
    return app


class QuitOnSignals(QObject):
    """SIGINT (Ctrl+C in the terminal) and SIGTERM call ``on_signal`` on the GUI thread.

    Python runs a signal handler only when the interpreter gets control, and while Qt's event
    loop waits in C++ it does not: a bare handler would wait for the next mouse move. So the
    signal module also writes the signal's number to a socket (``set_wakeup_fd``) that a
    QSocketNotifier watches, which wakes the loop at once; the handler then queues
    ``on_signal`` to run from the event loop, never in the middle of other Python code. A
    socket pair (not a pipe) because that is what ``set_wakeup_fd`` accepts on Windows, where
    Ctrl+C and Ctrl+Break in a console arrive as SIGINT and SIGBREAK (SIGTERM is never sent
    to a Windows process; closing it goes through the window).
    """

    def __init__(self, parent: QObject, on_signal: Callable[[int], None]) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self.received: list[int] = []
        self._previous: dict[int, object] = {}
        self._previous_wakeup_fd = -1
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self.installed = False
        try:
            self._previous_wakeup_fd = signal.set_wakeup_fd(
                self._writer.fileno(), warn_on_full_buffer=False
            )
            for signum in self.signals():
                self._previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread (some test runners): leave signals alone
            self.uninstall()
            return
        self.installed = True

    @staticmethod
    def signals() -> list[int]:
        """The signals that quit the app on this platform."""
        names = ("SIGINT", "SIGTERM", "SIGBREAK", "SIGHUP")
        return [int(getattr(signal, name)) for name in names if hasattr(signal, name)]

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signum)
        QTimer.singleShot(0, lambda: self._on_signal(signum))

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            while self._reader.recv(512):
                pass

    def uninstall(self) -> None:
        """Give the signals back to whoever had them (idempotent)."""
        for signum, previous in self._previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous.clear()
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._previous_wakeup_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
        self.installed = False


def main(ctx: CliContext) -> int:
    """Run the app until the last window closes; returns the exit code."""
    problem = display_problem()
    if problem is not None:
        ctx.warn(problem)
        return exit_codes.FAILED
    args = ctx.args
    passphrase = ctx.read_passphrase() if getattr(args, "passphrase_file", None) else None
    app = make_application()
    _install_excepthook()
    preferences = load_preferences()
    themes = ThemeManager(app, getattr(args, "theme", None) or preferences.theme)
    themes.apply()
    demo_dir: Path | None = None
    if getattr(args, "demo", False):
        from portfolio_app.core.services.demo_folders import (
            clean_stale_demo_folders,
            make_demo_folder,
        )

        clean_stale_demo_folders()
        demo_dir = make_demo_folder()
        banner = (
            f"This is a demo portfolio, made just now in {demo_dir}. Its passphrase is "
            f"“{DEMO_PASSPHRASE}”. Change anything you like: it is not your real portfolio, "
            "and it is removed when you quit."
        )
        controller = AppController(app, demo_dir, preferences, themes, banner=banner)
        controller.start_demo()
    else:
        controller = AppController(app, ctx.data_dir, preferences, themes)
        controller.start(passphrase)
    file_to_open = getattr(args, "file", None)
    if file_to_open:
        controller.open_file(Path(file_to_open))
    signals = QuitOnSignals(app, lambda _signum: controller.quit())
    try:
        code = int(app.exec())
        # Let pool threads (key derivation, the demo being built) finish, then close whatever
        # a late result opened, before Python tears down or the demo folder goes.
        wait_for_all(FINISH_WAIT_MS)
        controller.finish()
    finally:
        signals.uninstall()
        if demo_dir is not None:
            from portfolio_app.core.services.demo_folders import remove_demo_folder

            if not remove_demo_folder(demo_dir):
                ctx.warn(f"portfolio: could not remove the demo folder {demo_dir}")
    return code
