"""The screenshot matrix: every window and dialog at the screens students use, checked and drawn.

    .venv/bin/python tests/gui/screen_matrix.py --out shots/       # the whole matrix, as PNGs
    .venv/bin/python tests/gui/screen_matrix.py --sizes 1366x768 --scales 1.5 --themes light

Screens: 1280x720, 1366x768 and 1920x1080 pixels at scale factors 1.0, 1.25, 1.5 and 2.0, in
the light and the dark theme. Each (size, scale, theme) runs in its own process, because Qt
fixes the scale factor when it starts: Qt's offscreen platform is told the screen's size
(``offscreen:configfile=…``) and ``QT_SCALE_FACTOR`` scales it, exactly as on a laptop set to
150 %. A taskbar of :data:`TASKBAR` pixels (scaled like everything else) is taken off the
bottom of the screen, and every window needs :data:`TITLE_BAR` more above it for the window
manager's title bar.

For each window and dialog the child process checks, programmatically, that the window (with
its title bar) fits the free part of the screen, that every control is inside the window and
not hidden behind the edge of a panel (controls inside a scroll area count as reachable), that
no one-line label or button text is cut, and that the editor has no horizontal scroll bar. It
prints one line per problem; the exit status is 1 when there was any. With ``--out`` it also
draws each window as it would appear on that screen (parent window behind, title bar, taskbar,
everything past the edge of the screen cut off) into ``OUT/<size>@<scale>-<theme>/<name>.png``.

``tests/gui/test_screen_matrix.py`` runs a reduced form (the smallest logical screens) without
pictures. Not a benchmark: nothing here is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

SIZES: tuple[tuple[int, int], ...] = ((1280, 720), (1366, 768), (1920, 1080))
SCALES: tuple[float, ...] = (1.0, 1.25, 1.5, 2.0)
THEMES: tuple[str, ...] = ("light", "dark")
#: Height of the taskbar (Windows 11: 48 px at 100 %), in unscaled pixels.
TASKBAR = 48
DEMO_PASSPHRASE = "demo passphrase"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Screen:
    """One screen of the matrix."""

    width: int
    height: int
    scale: float
    theme: str

    @property
    def label(self) -> str:
        """e.g. ``1366x768@1.5-dark``."""
        return f"{self.width}x{self.height}@{self.scale:g}-{self.theme}"

    @property
    def logical(self) -> tuple[int, int]:
        """The screen in the app's (scaled) pixels."""
        return round(self.width / self.scale), round(self.height / self.scale)


def all_screens(
    sizes: tuple[tuple[int, int], ...] = SIZES,
    scales: tuple[float, ...] = SCALES,
    themes: tuple[str, ...] = THEMES,
) -> list[Screen]:
    """Every combination, smallest logical screen first."""
    screens = [Screen(w, h, s, t) for (w, h) in sizes for s in scales for t in themes]
    return sorted(screens, key=lambda s: (s.logical[0] * s.logical[1], s.theme))


# ---- the parent: one child process per screen --------------------------------------------------


def prepare_fixtures(folder: Path) -> tuple[Path, Path]:
    """A demo portfolio and a signed PDF of it (made once, copied for each child)."""
    from portfolio_app.core.services.demo_portfolio import build_demo_portfolio
    from portfolio_app.core.services.export_service import export_portfolio

    portfolio = folder / "portfolio"
    service = build_demo_portfolio(portfolio, DEMO_PASSPHRASE)
    pdf = folder / "demo-portfolio.pdf"
    try:
        export_portfolio(service, pdf, acknowledge_findings=True)
    finally:
        service.close()
    return portfolio, pdf


def run_child(screen: Screen, portfolio: Path, pdf: Path, out: Path | None) -> list[str]:
    """Run one screen in a fresh process; its problems as lines."""
    with tempfile.TemporaryDirectory(prefix="screen-matrix-") as temp:
        root = Path(temp)
        data = root / "portfolio"
        shutil.copytree(portfolio, data)
        config = root / "config"
        config.mkdir()
        screens = root / "screen.json"
        logical_taskbar = TASKBAR * screen.scale
        screens.write_text(
            json.dumps(
                {
                    "screens": [
                        {
                            "name": "laptop",
                            "x": 0,
                            "y": 0,
                            "width": screen.width,
                            "height": round(screen.height - logical_taskbar),
                            "logicalDpi": 96,
                            "logicalBaseDpi": 96,
                            "dpr": 1,
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
            QT_SCALE_FACTOR=f"{screen.scale:g}",
            PORTFOLIO_CONFIG_DIR=str(config),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
        )
        env.pop("QT_SCREEN_SCALE_FACTORS", None)
        args = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            json.dumps(
                {
                    "width": screen.width,
                    "height": screen.height,
                    "scale": screen.scale,
                    "theme": screen.theme,
                    "data": str(data),
                    "pdf": str(pdf),
                    "out": str(out / screen.label) if out else "",
                }
            ),
        ]
        done = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    lines = done.stdout.splitlines()
    problems = [line.removeprefix("PROBLEM ") for line in lines if line.startswith("PROBLEM ")]
    if "DONE" not in lines or done.returncode not in (0, 1):
        problems.append(
            f"the child process failed (status {done.returncode}): {done.stderr[-3000:]}"
        )
    return [f"{screen.label}: {p}" for p in problems]


def run_matrix(screens: list[Screen], out: Path | None) -> list[str]:
    """Every screen, one after the other; all problems."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="screen-matrix-fixtures-") as temp:
        portfolio, pdf = prepare_fixtures(Path(temp))
        for screen in screens:
            found = run_child(screen, portfolio, pdf, out)
            status = "ok" if not found else f"{len(found)} problem(s)"
            print(f"{screen.label}: {status}", flush=True)
            problems.extend(found)
    return problems


# ---- the child: windows and dialogs on one screen -----------------------------------------------


def _control_types() -> tuple[type, ...]:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractScrollArea,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QGroupBox,
        QLineEdit,
        QTabBar,
    )

    return (
        QAbstractButton,
        QAbstractScrollArea,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QGroupBox,
        QLineEdit,
        QTabBar,
    )


def _is_scroll_viewport(widget: QWidget) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _describe(widget: QWidget) -> str:
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    name = widget.accessibleName() or widget.objectName()
    if not name and isinstance(widget, (QAbstractButton, QLabel)):
        name = widget.text()
    if not name and isinstance(widget, QGroupBox):
        name = widget.title()
    name = name.replace("&", "")[:50]
    return f"{type(widget).__name__} “{name}”"


def layout_problems(window: QWidget) -> list[str]:
    """Everything that does not fit in ``window`` on its screen, in words (empty when all fits).

    Checked: the window with its title bar inside the screen's free area; each visible control
    inside the window and inside every panel around it (up to a scroll area, which makes it
    reachable); one-line labels and button texts not cut.
    """
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton, QWidget

    from portfolio_app.gui.screen_fit import outer_rect

    problems: list[str] = []
    free = window.screen().availableGeometry()
    outer = outer_rect(window)
    if not free.contains(outer):
        problems.append(
            f"window {outer.width()}x{outer.height()}+{outer.x()}+{outer.y()} (with title bar) "
            f"is not inside the free screen {free.width()}x{free.height()}"
        )
    controls = _control_types()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, controls):
            visible = _visible_part(widget, window)
            own = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            if visible is None:
                pass  # inside a scroll area: reachable by scrolling
            elif not _covers(visible, own):
                problems.append(
                    f"{_describe(widget)} is cut off: {own.width()}x{own.height()} at "
                    f"{own.x()},{own.y()}, only {visible.width()}x{visible.height()} visible"
                )
        if isinstance(widget, QLabel) and widget.text() and not widget.wordWrap():
            hint = widget.sizeHint().width()
            if widget.width() + 2 < hint and widget.pixmap().isNull():
                problems.append(
                    f"{_describe(widget)} text cut: {widget.width()} px wide, needs {hint}"
                )
        if (
            isinstance(widget, QAbstractButton)
            and not isinstance(widget, QToolButton)
            and widget.text()
            and widget.width() + 2 < widget.minimumSizeHint().width()
        ):
            problems.append(f"{_describe(widget)} text cut: {widget.width()} px wide")
    editor = getattr(window, "editor", None)
    scroll = getattr(editor, "sections_scroll", None)
    if scroll is not None and scroll.isVisible():
        host = scroll.widget()
        if scroll.horizontalScrollBar().isVisible() or host.width() > scroll.viewport().width():
            problems.append("the editor's text is wider than its pane (sideways scrolling)")
    return problems


def _covers(outer: Any, inner: Any) -> bool:
    return bool(outer.adjusted(-1, -1, 1, 1).contains(inner))


def _visible_part(widget: QWidget, window: QWidget) -> Any:
    """The part of ``widget`` not clipped by its ancestors (window coordinates), or None when a
    scroll area holds it (it can be scrolled into view)."""
    from PySide6.QtCore import QPoint, QRect

    visible = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    child = widget
    while parent is not None and child is not window:
        if _is_scroll_viewport(parent):
            return None
        area = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        visible = visible.intersected(area)
        child, parent = parent, parent.parentWidget()
    return visible


@dataclass
class ChildContext:
    """What the scenes need."""

    app: Any
    controller: Any
    window: Any
    service: Any
    data_dir: Path
    pdf: Path


def _settle(app: Any, rounds: int = 6) -> None:
    from portfolio_app.gui.background import wait_for_all

    for _ in range(rounds):
        app.processEvents()
    wait_for_all(10_000)
    for _ in range(rounds):
        app.processEvents()


def _scenes() -> Iterator[tuple[str, Callable[[ChildContext], QWidget | None]]]:
    """(name, builder) for every window and dialog; a builder shows its window and returns it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    def main(ctx: ChildContext) -> QWidget:
        return ctx.window

    def main_state(*actions: str) -> Callable[[ChildContext], QWidget]:
        def build(ctx: ChildContext) -> QWidget:
            for name in actions:
                ctx.window.app_actions.get(name).trigger()
            return ctx.window

        return build

    def dialog(module: str, name: str, *args: Callable[[ChildContext], Any]) -> Any:
        def build(ctx: ChildContext) -> QWidget:
            import importlib

            cls = getattr(importlib.import_module(f"portfolio_app.gui.{module}"), name)
            widget = cls(*(a(ctx) for a in args), ctx.window)
            if not isinstance(widget, QDialog):  # as the app shows the coverage view
                widget.setWindowFlag(Qt.WindowType.Window, True)
            widget.show()
            return widget  # type: ignore[no-any-return]

        return build

    def service(ctx: ChildContext) -> Any:
        return ctx.service

    def entry_id(ctx: ChildContext) -> Any:
        return ctx.window.editor.entry_id

    def catalogue_form(form: str) -> Callable[[ChildContext], QWidget]:
        def build(ctx: ChildContext) -> QWidget:
            from portfolio_app.gui.dialogs import catalogue_dialog

            cls = getattr(catalogue_dialog, form)
            widget = cls(ctx.service, None, ctx.window)
            widget.show()
            return widget  # type: ignore[no-any-return]

        return build

    def verify(ctx: ChildContext) -> QWidget:
        from portfolio_app.gui.dialogs.verify_window import VerifyWindow

        widget = VerifyWindow(ctx.window)
        widget.show()
        widget.verify_file(ctx.pdf)
        _settle(ctx.app)
        return widget

    def countersign(ctx: ChildContext) -> QWidget:
        from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog

        widget = CountersignDialog(ctx.service, ctx.window)
        widget.show()
        widget.set_input(ctx.pdf)
        _settle(ctx.app)
        return widget

    def preferences(ctx: ChildContext) -> QWidget:
        from portfolio_app.core.preferences import Preferences
        from portfolio_app.core.reflective_templates import templates_for
        from portfolio_app.gui.dialogs.preferences_dialog import PreferencesDialog

        widget = PreferencesDialog(
            Preferences(),
            [(f.id, f.name) for f in ctx.service.frameworks()],
            [(t.id, t.name) for t in templates_for("reflection")],
            ctx.window,
        )
        widget.show()
        return widget

    def restore(ctx: ChildContext) -> QWidget:
        from portfolio_app.gui.dialogs.backup_dialog import RestoreDialog

        widget = RestoreDialog(ctx.window, ctx.data_dir)
        widget.show()
        return widget

    def shortcuts(ctx: ChildContext) -> QWidget | None:
        make = getattr(ctx.controller, "shortcuts_dialog", None)
        if make is None:
            return None
        widget = make()
        widget.show()
        return widget  # type: ignore[no-any-return]

    def export_findings(ctx: ChildContext) -> QWidget:
        from portfolio_app.gui.dialogs.export_dialog import ExportDialog

        # Something the identifier check finds, and a file name in the temporary folder: the
        # scene must never write into the home folder.
        ctx.service.set_final_reflection(
            "I met Mrs Jane Smith (NHS number 943 476 5919) on Ward 7 at Leicester Royal."
        )
        widget = ExportDialog(ctx.service, ctx.window)
        widget.path_edit.setText(str(ctx.data_dir.parent / "never-written.pdf"))
        widget.show()
        widget.start()
        _settle(ctx.app)
        return widget

    yield "main", main
    yield "main-preview", main_state("toggle_preview")
    yield "main-list-folded", main_state("toggle_list")
    yield "main-links-panel", main_state("toggle_links")
    yield "main-focus-mode", main_state("focus_mode")
    yield "catalogue", dialog("dialogs.catalogue_dialog", "CatalogueDialog", service)
    yield "add-event", catalogue_form("EventEditorDialog")
    yield "add-experience", catalogue_form("ExperienceEditorDialog")
    yield "export", dialog("dialogs.export_dialog", "ExportDialog", service)
    yield "export-findings", export_findings
    yield "verify", verify
    yield "countersign", countersign
    yield "history", dialog("dialogs.history_dialog", "RevisionHistoryDialog", service, entry_id)
    yield "coverage", dialog("views.coverage_view", "CoverageView", service)
    yield (
        "final-reflection",
        dialog("dialogs.final_reflection_dialog", "FinalReflectionDialog", service),
    )
    yield "preferences", preferences
    yield "backup", dialog("dialogs.backup_dialog", "BackupDialog", service)
    yield "restore", restore
    yield (
        "change-passphrase",
        dialog("dialogs.passphrase_dialog", "ChangePassphraseDialog", service),
    )
    yield (
        "recovery-key-status",
        dialog("dialogs.passphrase_dialog", "RecoveryKeyStatusDialog", service),
    )
    yield "shortcuts", shortcuts


def _start_scenes() -> Iterator[tuple[str, Callable[[Path], QWidget]]]:
    """Windows shown before a portfolio is open."""

    def unlock(data_dir: Path) -> QWidget:
        from portfolio_app.gui.dialogs.unlock_dialog import UnlockDialog

        widget = UnlockDialog(data_dir)
        widget.show()
        return widget

    def create(data_dir: Path) -> QWidget:
        from portfolio_app.gui.dialogs.create_dialog import CreatePortfolioDialog

        widget = CreatePortfolioDialog(data_dir / "new")
        widget.show()
        return widget

    def recovery(_data_dir: Path) -> QWidget:
        from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog

        widget = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", "Demo Student")
        widget.show()
        return widget

    yield "unlock", unlock
    yield "create", create
    yield "recovery-key", recovery


class Painter:
    """Draws a window as it would look on the screen (parts off the screen cut off)."""

    def __init__(self, screen: Screen, title_bar: int) -> None:
        self.screen = screen
        self.title_bar = title_bar

    def save(self, path: Path, windows: list[QWidget]) -> None:
        """Draw the windows (back to front) with title bars and the taskbar into ``path``."""
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QImage, QPainter

        scale = self.screen.scale
        image = QImage(self.screen.width, self.screen.height, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("#4d5b6a"))
        painter = QPainter(image)
        logical_w, logical_h = self.screen.width / scale, self.screen.height / scale
        for window in windows:
            geo = window.geometry()
            bar = QRectF(geo.x(), geo.y() - self.title_bar, geo.width(), self.title_bar)
            painter.fillRect(bar, QColor("#2b3440"))
            painter.setPen(QColor("#f0f0f0"))
            painter.drawText(
                bar.adjusted(8, 0, -8, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                window.windowTitle(),
            )
            painter.drawPixmap(geo.topLeft(), window.grab())
        taskbar = QRectF(0, logical_h - TASKBAR, logical_w, TASKBAR)
        painter.fillRect(taskbar, QColor("#1c1f24"))
        painter.setPen(QColor("#d0d0d0"))
        painter.drawText(
            taskbar.adjusted(12, 0, -12, 0),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
            f"{self.screen.width}x{self.screen.height} at {scale:.0%} ({self.screen.theme})",
        )
        painter.end()
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(path))


def child_main(spec: dict[str, Any]) -> int:
    """Show every window on this process's screen; print problems; draw them when asked."""

    from portfolio_app.core.preferences import Preferences
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.gui.accessibility import install_standard_control_names
    from portfolio_app.gui.app import make_application
    from portfolio_app.gui.controllers.app_controller import AppController
    from portfolio_app.gui.screen_fit import TITLE_BAR, install_screen_fitter
    from portfolio_app.gui.theme import ThemeManager
    from portfolio_app.gui.window_keys import install_window_keys

    screen = Screen(spec["width"], spec["height"], spec["scale"], spec["theme"])
    out = Path(spec["out"]) if spec["out"] else None
    painter = Painter(screen, TITLE_BAR)
    app = make_application()
    install_screen_fitter(app)  # as the app does before its first window
    install_window_keys(app)
    install_standard_control_names(app)
    themes = ThemeManager(app, screen.theme)
    themes.apply()
    data_dir = Path(spec["data"])
    problems: list[str] = []

    def look(name: str, widget: QWidget | None, behind: list[QWidget]) -> None:
        if widget is None:
            return
        _settle(app)
        for problem in layout_problems(widget):
            problems.append(f"{name}: {problem}")
        if out is not None:
            painter.save(out / f"{name}.png", [*behind, widget])

    for name, build in _start_scenes():
        widget = build(data_dir)
        look(name, widget, [])
        widget.hide()
        widget.deleteLater()
        _settle(app)

    controller = AppController(app, data_dir, Preferences(auto_lock_minutes=0), themes)
    service = PortfolioService.open(data_dir, DEMO_PASSPHRASE)
    window = controller.open_session(service)
    _settle(app)
    ctx = ChildContext(app, controller, window, service, data_dir, Path(spec["pdf"]))
    _open_richest_entry(ctx)
    for name, build in _scenes():
        widget = build(ctx)
        behind = [] if widget is window else [window]
        look(name, widget, behind)
        if widget is not None and widget is not window:
            widget.hide()
            widget.deleteLater()
        _settle(app)
        _reset_main(ctx)
    controller._end_session()
    for problem in problems:
        sys.stdout.write(f"PROBLEM {problem}\n")
    sys.stdout.write("DONE\n")
    return 1 if problems else 0


def _open_richest_entry(ctx: ChildContext) -> None:
    """Show the entry with the most sections (the hardest case for the editor)."""
    entries = sorted(ctx.service.entries(), key=lambda e: (-len(e.sections), e.title))
    if entries:
        ctx.window.entry_list.select_entry(entries[0].id)
        _settle(ctx.app)


def _reset_main(ctx: ChildContext) -> None:
    """Put the main window's view switches back after a scene changed them."""
    ctx.window.statusBar().clearMessage()
    actions = ctx.window.app_actions
    wanted = {"focus_mode": False, "toggle_preview": False, "toggle_list": True}
    wanted["toggle_links"] = ctx.window.is_roomy()
    for name, checked in wanted.items():
        action = actions.get(name)
        if action.isChecked() != checked:
            action.trigger()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments; run the matrix or one child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the PNGs (none: only check)")
    parser.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    parser.add_argument("--scales", default=",".join(f"{s:g}" for s in SCALES))
    parser.add_argument("--themes", default=",".join(THEMES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(json.loads(args.child))
    sizes = tuple((int(w), int(h)) for w, h in (part.split("x") for part in args.sizes.split(",")))
    scales = tuple(float(s) for s in args.scales.split(","))
    themes = tuple(args.themes.split(","))
    problems = run_matrix(all_screens(sizes, scales, themes), args.out)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
