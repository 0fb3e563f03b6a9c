"""Keep every window on its screen: sized to fit, placed inside, its contents scrolling if need be.

Students use 1366x768 laptops at 150 % (about 910x510 usable pixels once Qt scales) as often as
large monitors. A dialog sized for a large screen then has its buttons below the taskbar.
:class:`ScreenFitter` watches every top-level window as it is shown (an event filter on the
application, so dialogs of any module are covered) and:

1. when the window's smallest size still does not fit, moves a dialog's body into a scroll area,
   leaving its button row outside (:func:`scroll_body`), so the buttons stay on screen;
2. shrinks the window to the free part of its screen (taskbar excluded, with room left for the
   window manager's title bar, :data:`TITLE_BAR`), and moves it inside.

It does the same when a shown window grows past the screen (Qt enlarges a window whose layout
needs more room, e.g. after a long verdict appears). Windows that fit are left exactly where
Qt put them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialogButtonBox,
    QFrame,
    QLayoutItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

#: Room kept above a window for the window manager's title bar, in device-independent pixels,
#: while the real frame is not known yet (before the first show).
TITLE_BAR = 32
#: Dynamic property set on dialogs whose body was moved into a scroll area.
SCROLLED_PROPERTY = "portfolioScrollBody"
_PENDING_PROPERTY = "portfolioFitPending"


def _frame_margins(widget: QWidget) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of the window frame (top at least :data:`TITLE_BAR`)."""
    geometry = widget.geometry()
    frame = widget.frameGeometry()
    return (
        max(0, geometry.x() - frame.x()),
        max(TITLE_BAR, geometry.y() - frame.y()),
        max(0, frame.right() - geometry.right()),
        max(0, frame.bottom() - geometry.bottom()),
    )


def free_area(widget: QWidget) -> QRect:
    """Where a window's contents may go on its screen: the available area (taskbar excluded)
    minus the frame, with at least :data:`TITLE_BAR` at the top for the title bar."""
    screen = widget.screen()
    left, top, right, bottom = _frame_margins(widget)
    return screen.availableGeometry().adjusted(left, top, -right, -bottom)


def outer_rect(widget: QWidget) -> QRect:
    """A window with its frame, and at least :data:`TITLE_BAR` above it for the title bar."""
    left, top, right, bottom = _frame_margins(widget)
    return widget.geometry().adjusted(-left, -top, right, bottom)


def fits_on_screen(widget: QWidget) -> bool:
    """Whether the window (with its frame and title bar) is inside its screen's free area."""
    screen = widget.screen()
    return screen.availableGeometry().contains(outer_rect(widget))


def fit_window(window: QWidget) -> None:
    """Shrink ``window`` to its screen's free area and move it inside (never grow it)."""
    area = free_area(window)
    size = window.size().boundedTo(area.size()).expandedTo(window.minimumSize())
    geometry = window.geometry()
    if size != window.size():
        window.resize(size)
        parent = window.parentWidget()
        centre = (
            parent.window().geometry().center()
            if parent is not None and parent.isVisible()
            else area.center()
        )
        geometry = QRect(centre - QPoint(size.width() // 2, size.height() // 2), size)
    x = min(max(geometry.x(), area.left()), max(area.left(), area.right() + 1 - size.width()))
    y = min(max(geometry.y(), area.top()), max(area.top(), area.bottom() + 1 - size.height()))
    if (x, y) != (window.geometry().x(), window.geometry().y()):
        # move() places the frame, not the contents: step back by the frame's own offset.
        offset = window.geometry().topLeft() - window.frameGeometry().topLeft()
        window.move(QPoint(x, y) - offset)


def minimum_fits(window: QWidget) -> bool:
    """Whether the window's smallest size fits its screen's free area."""
    layout = window.layout()
    smallest = window.minimumSize()
    if layout is not None:
        layout.activate()
        smallest = smallest.expandedTo(layout.totalMinimumSize())
    area = free_area(window).size()
    return smallest.width() <= area.width() and smallest.height() <= area.height()


def _is_button_row(item: QLayoutItem) -> bool:
    """A dialog button box, or a layout holding only push buttons and spacing."""
    widget = item.widget()
    if widget is not None:
        return isinstance(widget, QDialogButtonBox)
    layout = item.layout()
    if layout is None or layout.count() == 0:
        return False
    seen_button = False
    for index in range(layout.count()):
        child = layout.itemAt(index)
        if child is None or child.spacerItem() is not None:
            continue
        if isinstance(child.widget(), QPushButton | QDialogButtonBox):
            seen_button = True
            continue
        return False
    return seen_button


def scroll_body(dialog: QWidget) -> QScrollArea | None:
    """Move everything but the trailing button rows of ``dialog`` into a scroll area.

    Returns the scroll area, or None when the dialog's layout is not a box layout (nothing is
    changed then) or it was done before.
    """
    layout = dialog.layout()
    if not isinstance(layout, QBoxLayout) or dialog.property(SCROLLED_PROPERTY):
        return None
    kept: list[QLayoutItem] = []
    while layout.count():
        last = layout.itemAt(layout.count() - 1)
        if last is None or not _is_button_row(last):
            break
        item = layout.takeAt(layout.count() - 1)
        if item is None:
            break
        kept.insert(0, item)
    margins = layout.contentsMargins()
    body = QWidget()
    body.setObjectName("scrolledBody")
    body.setLayout(layout)  # takes the layout (and its widgets) from the dialog
    scroll = QScrollArea(dialog)
    scroll.setObjectName("scrolledBodyArea")
    scroll.setAccessibleName(dialog.windowTitle() or "Dialog contents")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setWidget(body)
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, margins.bottom())
    outer.addWidget(scroll, 1)
    for item in kept:
        row = QVBoxLayout()
        row.setContentsMargins(margins.left(), 0, margins.right(), 0)
        row.addItem(item)
        outer.addLayout(row)
    dialog.setProperty(SCROLLED_PROPERTY, True)
    outer.activate()
    return scroll


def _watched(widget: QWidget) -> bool:
    if not widget.isWindow() or isinstance(widget, QMessageBox):
        return False
    kind = widget.windowType()
    return kind in (Qt.WindowType.Window, Qt.WindowType.Dialog)


def _scrollable(window: QWidget) -> bool:
    """Dialogs and plain secondary windows (not the main window, which has its own layout)."""
    return not isinstance(window, QMainWindow)


class ScreenFitter(QObject):
    """Fits every top-level window to its screen when it is shown (see the module docstring)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        app.installEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.Show, QEvent.Type.Resize):
            return False
        if not isinstance(watched, QWidget) or not _watched(watched):
            return False
        if kind == QEvent.Type.Show:
            fit_to_screen(watched)
        elif (
            watched.isVisible()
            and not fits_on_screen(watched)
            and not watched.property(_PENDING_PROPERTY)
        ):
            # Grown by its layout: fit it once the layout has finished (changing the layout
            # from inside its own activation would be undone).
            watched.setProperty(_PENDING_PROPERTY, True)
            QTimer.singleShot(0, watched, lambda w=watched: _fit_later(w))
        return False


def _fit_later(window: QWidget) -> None:
    window.setProperty(_PENDING_PROPERTY, False)
    if window.isVisible() and not fits_on_screen(window):
        fit_to_screen(window)


def fit_to_screen(window: QWidget) -> None:
    """Make ``window`` fit its screen: scroll a dialog's body if needed, then shrink and move."""
    if _scrollable(window) and not minimum_fits(window):
        scroll_body(window)
    fit_window(window)


def install_screen_fitter(app: QApplication) -> ScreenFitter:
    """Install (once) the application-wide fitter."""
    existing = app.findChild(ScreenFitter)
    if isinstance(existing, ScreenFitter):
        return existing
    return ScreenFitter(app)


def initial_size(window: QWidget, wanted: QSize, share: float = 0.94) -> QSize:
    """``wanted``, reduced to a share of the free area (a first-run size that looks deliberate)."""
    area = free_area(window).size()
    return QSize(
        min(wanted.width(), int(area.width() * share)),
        min(wanted.height(), int(area.height() * share)),
    ).expandedTo(window.minimumSizeHint().boundedTo(area))
