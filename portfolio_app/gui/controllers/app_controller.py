"""The app's life cycle: create or unlock, the main window per unlocked session, lock and quit.

Contract:
- Key derivation (create, open, recovery) runs on the thread pool through run_in_background;
  the dialog shows a busy bar and stays responsive. Errors come back as PortfolioError and are
  shown with their ``user_message`` in the same window, never as a traceback.
- Locking (by hand, or after the idle time from the preferences) saves typed text first, then
  closes the service (keys and decrypted caches dropped), destroys the main window with its
  models, and shows the unlock window. Quitting does the same without the unlock window.
  The entry and cursor position are remembered (ids and numbers only, never text), so after
  unlocking the student is back where they were; after an automatic lock the unlock window
  says it locked because nothing was typed for a while. A modal dialog that can save itself
  (``close_for_lock``) is closed first; any other modal dialog postpones the automatic lock.
- Heavy modules (the service and SQLAlchemy, Markdown) are imported only after the first window
  is on screen; the service is preloaded in the background while the student types.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from portfolio_app.core.domain.errors import (
    CorruptDatabaseError,
    PortfolioError,
    VaultHeaderError,
)
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.preferences import Preferences, save_preferences
from portfolio_app.gui.accessibility import install_standard_control_names
from portfolio_app.gui.background import BackgroundTask, run_in_background
from portfolio_app.gui.controllers.idle_watcher import IdleWatcher
from portfolio_app.gui.dialogs.unlock_dialog import UnlockDialog
from portfolio_app.gui.screen_fit import install_screen_fitter
from portfolio_app.gui.theme import ThemeManager
from portfolio_app.gui.widgets.plain_text import plain_message
from portfolio_app.gui.window_keys import install_window_keys
from portfolio_app.gui.window_state import use_profile

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.gui.controllers.portfolio_controller import PortfolioController
    from portfolio_app.gui.dialogs.create_dialog import CreatePortfolioDialog
    from portfolio_app.gui.editor.entry_editor import CaretPlace
    from portfolio_app.gui.main_window import MainWindow

#: The database file's name inside the data folder (core.storage.database.DB_NAME; a test
#: keeps them equal). Checked here so that deciding between "create" and "unlock" does not
#: import SQLAlchemy before the first window is shown.
DB_FILE_NAME = "portfolio.db"
DEMO_PASSPHRASE = "demo passphrase"
#: Set to "startup" to print when the unlock window is shown and quit, or to "unlock" to print
#: when the list is populated and quit (bench/bench_gui.py).
BENCH_ENV = "PORTFOLIO_GUI_BENCH"


def portfolio_file_exists(data_dir: Path) -> bool:
    """Whether the folder holds a portfolio (cheap: no database import)."""
    return (data_dir / DB_FILE_NAME).is_file()


def bench_mark(name: str) -> None:
    """Print a wall-clock mark for the GUI benchmark (only when it asked for marks)."""
    if os.environ.get(BENCH_ENV):
        sys.stdout.write(f"BENCH {name} {time.time():.6f}\n")
        sys.stdout.flush()


def _preload_service(_progress: object, _cancelled: object) -> None:
    """While the student types the passphrase: import the service and load the bundled packs.

    Both are cached by their modules, so the main window's first build does not pay for them.
    """
    import portfolio_app.core.services.portfolio_service  # noqa: F401  (warms the import)
    from portfolio_app.core.framework_packs import load_builtin_frameworks
    from portfolio_app.core.reflective_templates import load_templates

    load_builtin_frameworks()
    load_templates()


class AppController(QObject):
    """Owns the open portfolio (if any) and the windows around it."""

    def __init__(
        self,
        app: QApplication,
        data_dir: Path,
        preferences: Preferences,
        themes: ThemeManager,
        *,
        banner: str = "",
    ) -> None:
        super().__init__(app)
        self.app = app
        self.data_dir = data_dir
        self.preferences = preferences
        self.themes = themes
        self.banner = banner
        self.undo_group = QUndoGroup(self)
        self.idle = IdleWatcher(app, preferences.auto_lock_minutes * 60_000)
        self.idle.idle_timeout.connect(self._on_idle_timeout)
        self.service: PortfolioService | None = None
        self.window: MainWindow | None = None
        self.portfolio: PortfolioController | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.create_dialog: CreatePortfolioDialog | None = None
        self.recovery_dialog: QWidget | None = None
        self._task: BackgroundTask | None = None
        self._quitting = False
        #: Where the student was when the portfolio locked: entry id and cursor.
        self.return_place: tuple[str, CaretPlace | None] | None = None
        install_screen_fitter(app)
        install_window_keys(app)
        install_standard_control_names(app)
        use_profile("")

    # ---- starting -------------------------------------------------------------------------

    def start(self, passphrase: str | None = None) -> None:
        """Open the first window: unlock (or unlock at once with a given passphrase), or create."""
        if passphrase is not None:
            self.show_unlock()
            self._begin_unlock(passphrase)
        elif portfolio_file_exists(self.data_dir):
            self.show_unlock()
        else:
            self.show_create()

    def start_demo(self, build: Callable[[Path, str], PortfolioService] | None = None) -> None:
        """Make a fresh demo portfolio in ``data_dir`` and open it.

        The demo's window state is kept apart from the real portfolio's (window_state.py).
        """
        use_profile("demo")
        dialog = self.show_unlock()
        dialog.set_busy(True, "Making a demo portfolio…")

        def work(_progress: object, _cancelled: object) -> PortfolioService:
            builder = build
            if builder is None:
                from portfolio_app.core.services.demo_portfolio import build_demo_portfolio

                builder = build_demo_portfolio
            return builder(self.data_dir, DEMO_PASSPHRASE)

        self._task = run_in_background(
            work, on_success=self._on_unlocked, on_error=self._on_unlock_failed
        )

    def show_unlock(self) -> UnlockDialog:
        """The unlock window (created once per lock)."""
        if self.unlock_dialog is None:
            dialog = UnlockDialog(self.data_dir)
            dialog.unlock_requested.connect(self._begin_unlock)
            dialog.recovery_requested.connect(self._begin_recovery)
            dialog.restore_requested.connect(self._restore_from_unlock)
            dialog.rejected.connect(self._on_unlock_rejected)
            self.unlock_dialog = dialog
        self.unlock_dialog.show()
        self.unlock_dialog.raise_()
        self.unlock_dialog.activateWindow()
        if os.environ.get(BENCH_ENV) == "startup":
            bench_mark("unlock_window_shown")
            QTimer.singleShot(0, self.app.quit)
        else:
            run_in_background(_preload_service)
        return self.unlock_dialog

    def show_create(self) -> CreatePortfolioDialog:
        """First run: the create-portfolio form."""
        from portfolio_app.gui.dialogs.create_dialog import CreatePortfolioDialog

        dialog = CreatePortfolioDialog(self.data_dir)
        dialog.create_requested.connect(self._begin_create)
        dialog.rejected.connect(self._on_unlock_rejected)
        self.create_dialog = dialog
        dialog.show()
        run_in_background(_preload_service)
        return dialog

    # ---- background work ------------------------------------------------------------------

    def _begin_unlock(self, passphrase: str) -> None:
        dialog = self.show_unlock()
        dialog.set_busy(True, "Deriving the key from your passphrase…")
        data_dir = self.data_dir
        bench_mark("unlock_started")

        def work(progress: Any, _cancelled: object) -> PortfolioService:
            _preload_service(progress, _cancelled)  # no-op when the preload already ran
            from portfolio_app.core.services.portfolio_service import PortfolioService

            bench_mark("service_imported")
            return PortfolioService.open(data_dir, passphrase, progress=progress, load="index")

        self._task = run_in_background(
            work,
            on_success=self._on_unlocked,
            on_error=self._on_unlock_failed,
            on_progress=self._on_unlock_progress,
        )

    def _begin_recovery(self, recovery_key: str, new_passphrase: str) -> None:
        dialog = self.show_unlock()
        dialog.set_busy(True, "Checking the recovery key…")
        data_dir = self.data_dir

        def work(progress: Any, _cancelled: object) -> PortfolioService:
            from portfolio_app.core.services.portfolio_service import PortfolioService

            service = PortfolioService.open(
                data_dir, recovery_key=recovery_key, progress=progress, load="index"
            )
            try:
                progress(3, 3, "Setting your new passphrase")
                service.change_passphrase(new_passphrase)
            except BaseException:
                service.close()
                raise
            return service

        self._task = run_in_background(
            work,
            on_success=self._on_unlocked,
            on_error=self._on_unlock_failed,
            on_progress=self._on_unlock_progress,
        )

    def _begin_create(self, profile: Profile, passphrase: str) -> None:
        dialog = self.create_dialog
        if dialog is None:
            return
        dialog.set_busy(True)
        data_dir = self.data_dir

        def work(_progress: object, _cancelled: object) -> tuple[PortfolioService, str]:
            from portfolio_app.core.services.portfolio_service import PortfolioService

            return PortfolioService.create(data_dir, passphrase, profile)

        self._task = run_in_background(
            work, on_success=self._on_created, on_error=self._on_create_failed
        )

    def _on_unlock_progress(self, step: int, total: int, text: str) -> None:
        if self.unlock_dialog is not None:
            self.unlock_dialog.set_busy(True, f"{text}…")

    def _on_unlock_failed(self, error: BaseException) -> None:
        self._task = None
        if self.unlock_dialog is None:
            return
        self.unlock_dialog.show()
        # A damaged file cannot be unlocked at all: offer the restore right there.
        damaged = isinstance(error, (CorruptDatabaseError, VaultHeaderError))
        self.unlock_dialog.show_error(_message_for(error), offer_restore=damaged)

    def _restore_from_unlock(self) -> None:
        """Restore a backup over a portfolio that cannot be opened, from the unlock window."""
        from portfolio_app.gui.dialogs.backup_dialog import RestoreDialog

        parent = self.unlock_dialog
        dialog = RestoreDialog(parent, self.data_dir)
        restored = bool(dialog.exec())
        dialog.deleteLater()
        if restored and self.unlock_dialog is not None:
            self.unlock_dialog.show_notice(
                "Restored from the backup. Unlock it with the passphrase the portfolio had "
                "when the backup was made."
            )

    def _on_create_failed(self, error: BaseException) -> None:
        self._task = None
        if self.create_dialog is not None:
            self.create_dialog.show_error(_message_for(error))

    def _on_created(self, result: tuple[PortfolioService, str]) -> None:
        from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog

        self._task = None
        service, recovery_key = result
        if self.create_dialog is not None:
            self.create_dialog.hide()
        # Shown window-modal but not with exec(): the event loop (and autosave timers, tests)
        # keep running; the main window opens once the student has kept the key.
        keeper = RecoveryKeyDialog(recovery_key, service.profile.name)
        keeper.accepted.connect(lambda: self._on_recovery_key_kept(service))
        self.recovery_dialog = keeper
        keeper.show()

    def _on_recovery_key_kept(self, service: PortfolioService) -> None:
        keeper = self.recovery_dialog
        self.recovery_dialog = None
        self.open_session(service)
        if keeper is not None:
            keeper.deleteLater()
        if self.create_dialog is not None:
            self.create_dialog.deleteLater()
            self.create_dialog = None

    def _on_unlocked(self, service: PortfolioService) -> None:
        self._task = None
        if self._quitting:
            service.close()
            return
        self.open_session(service)

    # ---- the session ------------------------------------------------------------------------

    def open_session(self, service: PortfolioService) -> MainWindow:
        """Show the main window for an unlocked portfolio."""
        from portfolio_app.gui.controllers.portfolio_controller import PortfolioController
        from portfolio_app.gui.main_window import MainWindow

        self.service = service
        stack = QUndoStack(self.undo_group)
        self.undo_group.setActiveStack(stack)
        window = MainWindow(self.undo_group)
        controller = PortfolioController(service, window, stack, self.preferences, self)
        controller.status_message.connect(window.show_status)
        actions = window.app_actions
        actions.get("lock").triggered.connect(self.lock)
        actions.get("quit").triggered.connect(window.close)
        actions.get("preferences").triggered.connect(self.open_preferences)
        actions.get("restore").triggered.connect(self.restore_from_backup)
        actions.get("about").triggered.connect(self._on_about)
        actions.get("shortcuts").triggered.connect(self._on_shortcuts)
        window.close_guard = self._on_main_window_closing
        self.themes.theme_changed.connect(window.update)
        self.window = window
        self.portfolio = controller
        controller.populate()
        window.restore_view_switches()
        # The demo banner, and one-off notices of this unlock (e.g. "reviewed" retired).
        notices = [*([self.banner] if self.banner else []), *service.notices]
        if notices:
            window.show_banner("\n".join(notices))
        window.show()
        if self.unlock_dialog is not None:
            self.unlock_dialog.set_busy(False)
            self.unlock_dialog.hide()
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None
        self.idle.set_active(True)
        bench_mark("list_populated")
        if os.environ.get(BENCH_ENV) == "unlock":
            QTimer.singleShot(0, window.close)
        count = service.entry_count()
        window.show_status(f"Unlocked. {count:,} {'entry' if count == 1 else 'entries'}.")
        self._return_to_place(controller)
        return window

    def lock(self) -> None:
        """Save, close the portfolio, clear the window and ask for the passphrase again."""
        self._lock(inactive=False)

    def _lock(self, *, inactive: bool) -> None:
        if self.service is None:
            return
        self.return_place = self._where_the_student_is()
        self._end_session()
        dialog = self.show_unlock()
        if inactive:
            minutes = self.preferences.auto_lock_minutes
            dialog.show_notice(
                f"Locked because nothing was typed or clicked for {minutes} "
                f"minute{'s' if minutes != 1 else ''}. Everything you wrote was saved; "
                "unlock to carry on where you were."
            )

    def _where_the_student_is(self) -> tuple[str, CaretPlace | None] | None:
        if self.window is None or not self.window.editor.entry_id:
            return None
        editor = self.window.editor
        return editor.entry_id, editor.caret_place()

    def _return_to_place(self, controller: PortfolioController) -> None:
        """After unlocking: the entry and cursor the student left (if the entry still exists)."""
        place, self.return_place = self.return_place, None
        if place is None or self.window is None:
            return
        entry_id, caret = place
        if not controller.entry_list.select_entry(entry_id):
            controller.clear_filters()
            if not controller.entry_list.select_entry(entry_id):
                return
        if controller.editor.entry_id != entry_id:
            controller.show_entry(entry_id)
        if caret is not None:
            controller.editor.restore_caret(caret)
        self.window.show_status("Unlocked. Back where you were.", 8000)

    def restore_from_backup(self) -> None:
        """Replace the portfolio with a backup: lock first (the restore needs the folder free)."""
        from portfolio_app.gui.dialogs.backup_dialog import RestoreDialog

        answer = QMessageBox.question(
            self.window,
            "Restore from a backup",
            "Restoring locks this portfolio first (your typing is saved). Then choose the backup "
            "file. Continue?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._end_session()
        dialog = RestoreDialog(None, self.data_dir)
        dialog.exec()
        dialog.deleteLater()
        self.show_unlock()

    def _on_idle_timeout(self) -> None:
        if self.service is None:
            return
        modal = QApplication.activeModalWidget()
        if modal is None:
            self._lock(inactive=True)
            return
        close_for_lock = getattr(modal, "close_for_lock", None)
        if callable(close_for_lock) and close_for_lock():
            # Closed (its text saved): lock once its event loop has returned.
            QTimer.singleShot(0, self._on_idle_timeout)
            return
        # Another dialog is open (an export running, a form): try again after an interval.
        self.idle.set_active(True)

    def _end_session(self) -> None:
        self.idle.set_active(False)
        if self.portfolio is not None:
            saved = self.portfolio.shutdown()
            if not saved and self.window is not None:
                QMessageBox.warning(
                    self.window,
                    "Not saved",
                    "The last typing could not be saved (see the editor's message). "
                    "The portfolio is locked now.",
                )
        if self.service is not None:
            self.service.close()
        self.service = None
        window = self.window
        self.window = None
        self.portfolio = None
        if window is not None:
            window.close_guard = None
            window.save_state()
            window.hide()
            window.deleteLater()
        for stack in self.undo_group.stacks():
            self.undo_group.removeStack(stack)
            stack.deleteLater()

    def _on_main_window_closing(self) -> None:
        self._quitting = True
        self._end_session()

    # ---- quitting from outside the window (signals) and files to open ----------------------

    def quit(self, *, attempts_left: int = 50) -> None:
        """Quit as File ▸ Quit does (typed text saved, the portfolio closed), from anywhere.

        Called for SIGINT/SIGTERM. An open dialog runs its own event loop, and closing the main
        window under it would pull the portfolio from under the dialog's code, so open dialogs
        are asked to close first (an export in progress cancels), and this tries again shortly
        after; after ``attempts_left`` tries (about 5 s) it quits regardless.
        """
        self._quitting = True
        if self._task is not None:
            self._task.cancel()
        modal = QApplication.activeModalWidget()
        if modal is not None and attempts_left > 0:
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
            QTimer.singleShot(100, lambda: self.quit(attempts_left=attempts_left - 1))
            return
        if self.window is not None:
            self.window.close()  # the close guard saves and closes the portfolio
        self.app.quit()

    def finish(self) -> None:
        """After the event loop ended: close what a late background result left open.

        Work finished after the loop stopped (a demo built or a key derived while the app was
        told to quit) delivers its result only when events are processed; this does that, so
        the service it opened is closed (``_quitting`` is set), then ends any session left.
        """
        self._quitting = True
        QApplication.processEvents()
        if self.service is not None:
            self._end_session()

    def open_file(self, path: Path) -> None:
        """Open a file the user handed over (a double-clicked .rpbackup): offer to restore it."""
        QTimer.singleShot(0, lambda: self._open_file_now(path))

    def _open_file_now(self, path: Path) -> None:
        from portfolio_app.core.services.backup_service import BACKUP_SUFFIX
        from portfolio_app.gui.dialogs.backup_dialog import RestoreDialog

        parent = self.top_window()
        if path.suffix.lower() != BACKUP_SUFFIX or not path.is_file():
            plain_message(  # the file's name is anyone's: never rich text
                parent,
                QMessageBox.Icon.Warning,
                "Cannot open this file",
                f"{path.name} is not a Reflective Portfolio backup ({BACKUP_SUFFIX} file), so "
                "there is nothing to open. Portfolios open from the app itself; PDF portfolios "
                "are checked with Tools ▸ Verify a PDF…",
            ).exec()
            return
        if self.service is not None:
            plain_message(
                parent,
                QMessageBox.Icon.Information,
                "Restore from a backup",
                f"To restore {path.name}, use File ▸ Restore from backup… (it locks this "
                "portfolio first, and your typing is saved).",
            ).exec()
            return
        dialog = RestoreDialog(parent, self.data_dir)
        dialog.file_row.edit.setText(str(path))
        restored = bool(dialog.exec())
        dialog.deleteLater()
        if not restored:
            return
        if self.create_dialog is not None:
            self.create_dialog.hide()
            self.create_dialog.deleteLater()
            self.create_dialog = None
        self.show_unlock().show_notice(
            "Restored from the backup. Unlock it with the passphrase the portfolio had when "
            "the backup was made."
        )

    def _on_unlock_rejected(self) -> None:
        if self.service is None:
            self._quitting = True
            if self._task is not None:
                self._task.cancel()
            self.app.quit()

    # ---- preferences and help -------------------------------------------------------------

    def open_preferences(self) -> None:
        """Edit and store the preferences; theme and auto-lock apply at once."""
        from portfolio_app.core.reflective_templates import templates_for
        from portfolio_app.gui.dialogs.preferences_dialog import PreferencesDialog

        frameworks: list[tuple[str, str]] = []
        if self.service is not None:
            frameworks = [(f.id, f.name) for f in self.service.frameworks()]
        templates = [(t.id, t.name) for t in templates_for("reflection")]
        dialog = PreferencesDialog(self.preferences, frameworks, templates, self.window)
        if not dialog.exec():
            return
        self.apply_preferences(dialog.preferences())

    def apply_preferences(self, preferences: Preferences) -> None:
        """Use and store new preferences."""
        self.preferences = preferences
        try:
            save_preferences(preferences)
        except OSError as exc:
            plain_message(
                self.window,
                QMessageBox.Icon.Warning,
                "Preferences not saved",
                f"Could not write them: {exc}",
            ).exec()
        self.themes.apply(preferences.theme)
        self.idle.set_interval_ms(preferences.auto_lock_minutes * 60_000)
        if self.portfolio is not None:
            self.portfolio.preferences = preferences

    def _on_about(self) -> None:
        from portfolio_app import __version__

        QMessageBox.about(
            self.window,
            "About Reflective Portfolio",
            f"<h3>Reflective Portfolio {__version__}</h3>"
            "<p>An encrypted, offline portfolio for interprofessional learning, "
            "exported as a signed PDF.</p><p>MIT licence. Framework packs carry their own "
            "licence notes (Tools ▸ Import framework pack).</p>",
        )

    def _on_shortcuts(self) -> None:
        dialog = self.shortcuts_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def shortcuts_dialog(self) -> QDialog | None:
        """Help ▸ Keyboard shortcuts for the open window (not shown yet)."""
        window = self.window
        if window is None:
            return None
        from portfolio_app.gui.dialogs.shortcuts_dialog import ShortcutsDialog

        return ShortcutsDialog(window.app_actions.menus(), window)

    def top_window(self) -> QWidget | None:
        """The window on screen (tests, screenshots)."""
        return self.window or self.unlock_dialog or self.create_dialog


def _message_for(error: BaseException) -> str:
    if isinstance(error, PortfolioError):
        return error.user_message
    if isinstance(error, MemoryError):
        return "the computer ran out of memory while deriving the key; close other programs"
    if isinstance(error, OSError):
        return f"the portfolio files could not be read or written ({error.strerror or error})"
    return f"an unexpected problem occurred ({type(error).__name__}); nothing was changed"
