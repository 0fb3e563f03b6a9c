"""The app as a process: signals close it as Quit does, demo folders go, no display is explained.

In-process tests send real signals to this process (with the app's handlers installed) and
check what was saved by reopening the portfolio; subprocess tests run ``portfolio gui`` the way
a user does and check exit codes, messages and the temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from portfolio_app import APP_ID, LAUNCHER_NAME
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.app import NO_DISPLAY_MESSAGE, QuitOnSignals, display_problem
from portfolio_app.gui.controllers.app_controller import AppController

PASSPHRASE = "correct horse battery staple"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _type_into_new_reflection(app: AppController, qtbot: QtBot, text: str) -> str:
    assert app.window is not None
    app.window.app_actions.get("new_reflection").trigger()
    editor = app.window.editor
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    edit = editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    return editor.entry_id


@POSIX_ONLY
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_saves_typed_text_and_closes_the_portfolio(
    open_app: AppController, data_dir: Path, qtbot: QtBot, signum: int
) -> None:
    entry_id = _type_into_new_reflection(open_app, qtbot, "typed just before the signal")
    quits: list[int] = []
    handlers = QuitOnSignals(open_app.app, lambda s: (quits.append(s), open_app.quit()))
    try:
        assert handlers.installed
        os.kill(os.getpid(), signum)
        qtbot.waitUntil(lambda: open_app.service is None, timeout=5_000)
    finally:
        handlers.uninstall()
    assert quits == [signum]
    assert open_app.window is None
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).sections[0].body == "typed just before the signal"
    finally:
        reopened.close()


@POSIX_ONLY
def test_signal_handlers_are_given_back(qapp: QApplication) -> None:
    before = signal.getsignal(signal.SIGTERM)
    handlers = QuitOnSignals(qapp, lambda _s: None)
    assert signal.getsignal(signal.SIGTERM) is not before
    handlers.uninstall()
    assert signal.getsignal(signal.SIGTERM) is before
    assert signal.set_wakeup_fd(-1) == -1  # no wakeup socket left behind


def test_quit_closes_an_open_dialog_first_then_saves(
    open_app: AppController, data_dir: Path, qtbot: QtBot
) -> None:
    entry_id = _type_into_new_reflection(open_app, qtbot, "typed while a dialog was open")
    seen: list[str] = []

    def quit_while_modal() -> None:
        modal = QApplication.activeModalWidget()
        seen.append(type(modal).__name__)
        open_app.quit()

    dialog = QDialog()
    dialog.setModal(True)
    qtbot.addWidget(dialog)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    quit_while_modal()
    qtbot.waitUntil(lambda: open_app.service is None, timeout=5_000)
    assert seen == ["QDialog"]
    assert rejected == [True]
    assert not dialog.isVisible()
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).sections[0].body == "typed while a dialog was open"
    finally:
        reopened.close()


def test_opening_a_backup_file_offers_the_restore_with_it_filled_in(
    make_controller: object, tmp_path: Path, qtbot: QtBot
) -> None:
    backup = tmp_path / "mine.rpbackup"
    backup.write_bytes(b"REFLECTIVE-PORTFOLIO-BACKUP\n1\n")
    controller: AppController = make_controller(tmp_path / "empty")  # type: ignore[operator]
    controller.start()
    seen: list[str] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        seen.append(modal.file_row.edit.text())  # type: ignore[attr-defined]
        modal.reject()  # type: ignore[attr-defined]

    timer = qtbot_timer(qtbot, answer)
    controller.open_file(backup)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    timer.stop()
    assert seen == [str(backup)]


def test_opening_another_kind_of_file_says_what_it_can_open(
    make_controller: object, tmp_path: Path, qtbot: QtBot
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    controller: AppController = make_controller(tmp_path / "empty")  # type: ignore[operator]
    controller.start()
    seen: list[str] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        seen.append(modal.text())  # type: ignore[attr-defined]
        modal.close()

    timer = qtbot_timer(qtbot, answer)
    controller.open_file(other)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    timer.stop()
    assert "notes.txt is not a Reflective Portfolio backup (.rpbackup file)" in seen[0]


def qtbot_timer(qtbot: QtBot, callback: object) -> object:
    """A timer polling ``callback`` every 50 ms (answers modal dialogs opened with exec())."""
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(callback)
    timer.start()
    return timer


def test_the_app_identifies_as_its_desktop_entry(qapp: QApplication) -> None:
    # make_application() set these on the test's QApplication only if it made it; check what
    # a fresh process sets instead.
    code = (
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from portfolio_app.gui.app import make_application\n"
        "app = make_application()\n"
        "print(app.applicationName(), app.desktopFileName(), app.arguments()[0],"
        " app.windowIcon().isNull(), sep='|')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{APP_ID}|{APP_ID}|{LAUNCHER_NAME}|False"


# ---- as a user runs it: subprocesses -----


def _gui_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTFOLIO_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        TMPDIR=str(tmp_path / "tmp"),
        PORTFOLIO_CONFIG_DIR=str(tmp_path / "config"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
    )
    env.update(extra)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def _portfolio_command() -> list[str]:
    return [sys.executable, "-m", "portfolio_app"]


@POSIX_ONLY
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_demo_closes_on_a_signal_and_removes_its_folder(tmp_path: Path, signum: int) -> None:
    env = _gui_env(tmp_path, PORTFOLIO_GUI_BENCH="marks")
    process = subprocess.Popen(
        [*_portfolio_command(), "gui", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the list is populated (or exit)
        assert "list_populated" in line, process.stderr.read() if process.stderr else ""
        folders = list((tmp_path / "tmp").glob("portfolio-demo-*"))
        assert len(folders) == 1
        assert (folders[0] / "portfolio.db").is_file()
        process.send_signal(signum)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert list((tmp_path / "tmp").glob("portfolio-demo-*")) == []


@POSIX_ONLY
@pytest.mark.slow
def test_a_demo_start_removes_stale_leftovers_only(tmp_path: Path) -> None:
    env = _gui_env(tmp_path, PORTFOLIO_GUI_BENCH="unlock")
    tmp = tmp_path / "tmp"
    stale = tmp / "portfolio-demo-crashed"
    fresh = tmp / "portfolio-demo-yesterday-evening"
    other = tmp / "someone-elses-folder"
    for folder in (stale, fresh, other):
        folder.mkdir()
        (folder / "portfolio.db").write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86_400
    for path in (stale, stale / "portfolio.db", other, other / "portfolio.db"):
        os.utime(path, (two_days_ago, two_days_ago))
    result = subprocess.run(
        [*_portfolio_command(), "gui", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    # and the run's own folder went when its window closed
    assert sorted(p.name for p in tmp.iterdir()) == sorted([fresh.name, other.name])


def test_no_display_says_how_to_get_one(tmp_path: Path) -> None:
    env = _gui_env(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    result = subprocess.run(
        [*_portfolio_command(), "gui"], env=env, capture_output=True, text=True, timeout=60
    )
    if sys.platform in ("win32", "darwin"):
        pytest.skip("Windows and macOS always have a display")
    assert result.returncode == 1
    assert result.stderr.strip() == NO_DISPLAY_MESSAGE
    assert "xvfb-run -a portfolio gui" in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 displays")
def test_an_unreachable_display_is_explained_not_a_crash(tmp_path: Path) -> None:
    env = _gui_env(tmp_path, DISPLAY=":97")  # nothing listens there
    env.pop("QT_QPA_PLATFORM")
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [*_portfolio_command(), "gui"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, (result.returncode, result.stderr)  # not SIGABRT (-6)
    assert "the window could not open on this display" in result.stderr
    assert "xvfb-run -a portfolio gui" in result.stderr


def test_display_problem_rules() -> None:
    assert display_problem({}, "linux") == NO_DISPLAY_MESSAGE
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"DISPLAY": ""}, "freebsd14") == NO_DISPLAY_MESSAGE
    assert display_problem({}, "win32") is None
    assert display_problem({}, "darwin") is None
