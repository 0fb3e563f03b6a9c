"""Start the desktop app: QApplication, theme, then the create, unlock or demo flow.

Kept light on purpose: only Qt and a few small core modules are imported before the first
window is on screen (bench/bench_gui.py measures it; the target is under half a second). The
service, SQLAlchemy and Markdown are imported after that.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from portfolio_app.core.preferences import load_preferences
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.controllers.app_controller import DEMO_PASSPHRASE, AppController
from portfolio_app.gui.theme import ThemeManager

if TYPE_CHECKING:
    from portfolio_app.cli.context import CliContext

APP_NAME = "Reflective Portfolio"


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


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists, as in tests)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("ReflectivePortfolio")
    app.setDesktopFileName("reflective-portfolio")
    return app


def main(ctx: CliContext) -> int:
    """Run the app until the last window closes; returns the exit code."""
    args = ctx.args
    passphrase = ctx.read_passphrase() if getattr(args, "passphrase_file", None) else None
    app = make_application()
    _install_excepthook()
    preferences = load_preferences()
    themes = ThemeManager(app, getattr(args, "theme", None) or preferences.theme)
    themes.apply()
    if getattr(args, "demo", False):
        data_dir = Path(tempfile.mkdtemp(prefix="portfolio-demo-"))
        banner = (
            f"This is a demo portfolio, made just now in {data_dir}. Its passphrase is "
            f"“{DEMO_PASSPHRASE}”. Change anything you like: it is not your real portfolio."
        )
        controller = AppController(app, data_dir, preferences, themes, banner=banner)
        controller.start_demo()
    else:
        controller = AppController(app, ctx.data_dir, preferences, themes)
        controller.start(passphrase)
    code = int(app.exec())
    # Let pool threads (key derivation, search texts) finish before Python tears down.
    wait_for_all(5_000)
    return code
