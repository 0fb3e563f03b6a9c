"""Keep every window on its screen: sized to fit, placed inside, its contents scrolling if need be.

Students use 1366x768 laptops at 150 % (about 910x510 usable pixels once Qt scales) as often as
large monitors. A dialog sized for a large screen then has its buttons below the taskbar.
:func:`install_screen_fitter` watches every top-level window as it is shown (through the one
application-wide filter of window_events.py, so dialogs of any module are covered) and:

1. when the window's smallest size still does not fit, moves a dialog's body into a scroll area,
   leaving its button row outside (:func:`scroll_body`), so the buttons stay on screen;
2. shrinks the window to the free part of its screen (taskbar excluded, with room left for the
   window manager's title bar, :data:`TITLE_BAR`), and moves it inside.

It checks again whenever a shown window's layout changes or it is resized: a window that grew
past the screen, or whose contents no longer fit (a long verdict appeared, a label wrapped onto
more lines than Qt allowed for), is fitted again. Windows that fit are left exactly where Qt
put them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer
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
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.gui.window_events import window_events

#: Room kept above a window for the window manager's title bar, in device-independent pixels,
#: while the real frame is not known yet (before the first show).
TITLE_BAR = 32
#: Dynamic property set on dialogs whose body was moved into a scroll area.
SCROLLED_PROPERTY = "portfolioScrollBody"
_PENDING_PROPERTY = "portfolioFitPending"
_PLACED_PROPERTY = "portfolioPlaced"


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


def centre_on_screen(window: QWidget) -> None:
    """Put a window without a parent in the middle of its screen's free area (the first time
    it is shown; a main window whose saved geometry was restored is not moved)."""
    if isinstance(window, QMainWindow) and window.property("geometryRestored"):
        return
    area = free_area(window)
    size = window.size().boundedTo(area.size())
    offset = window.geometry().topLeft() - window.frameGeometry().topLeft()
    top_left = area.center() - QPoint(size.width() // 2, size.height() // 2)
    window.move(top_left - offset)


def centre_over(window: QWidget, parent: QWidget) -> None:
    """Put ``window`` in the middle of ``parent`` (fit_window then keeps it on the screen)."""
    size = window.size().boundedTo(free_area(window).size())
    offset = window.geometry().topLeft() - window.frameGeometry().topLeft()
    top_left = parent.geometry().center() - QPoint(size.width() // 2, size.height() // 2)
    window.move(top_left - offset)


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


def needed_size(window: QWidget) -> QSize:
    """The smallest size that shows all of the window's contents, at the width it would get.

    Qt sizes a window to its layout's minimum, but not to the height that wrapped labels need
    once the window is narrowed (height for width): this asks for that too.
    """
    layout = window.layout()
    if layout is None:
        return window.minimumSize()
    layout.activate()
    need = layout.totalMinimumSize().expandedTo(window.minimumSize())
    if layout.hasHeightForWidth():
        width = min(max(window.width(), need.width()), free_area(window).width())
        need.setHeight(max(need.height(), layout.totalHeightForWidth(width)))
    return need


def minimum_fits(window: QWidget) -> bool:
    """Whether the window's contents fit its screen's free area."""
    need = needed_size(window)
    area = free_area(window).size()
    return need.width() <= area.width() and need.height() <= area.height()


def _needs_fit(window: QWidget) -> bool:
    """The window is off the screen, or shows less than its contents."""
    if not fits_on_screen(window):
        return True
    need = needed_size(window)
    return need.width() > window.width() or need.height() > window.height()


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


def scroll_body(dialog: QWidget, name: str = "") -> QScrollArea | None:
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
    scroll.setAccessibleName(name or dialog.windowTitle() or "Dialog contents")
    scroll.setAccessibleDescription("Scroll to see all of it")
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


def _on_window_event(window: QWidget, event: QEvent) -> None:
    """Fit a window when it is shown, and check it again after a resize or a layout change."""
    if not _watched(window):
        return
    if event.type() == QEvent.Type.Show:
        if not window.property(_PLACED_PROPERTY):
            window.setProperty(_PLACED_PROPERTY, True)
            parent = window.parentWidget()
            if parent is None:
                centre_on_screen(window)
            elif not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
                # Where QDialog would put it, over its parent: it does so after this event,
                # and only if nothing moved the window, which fitting it may have to do.
                centre_over(window, parent.window())
        fit_to_screen(window)
    elif window.isVisible() and not window.property(_PENDING_PROPERTY):
        # Its layout changed or it was resized: check once the layout has finished (changing
        # the layout from inside its own activation would be undone).
        window.setProperty(_PENDING_PROPERTY, True)
        QTimer.singleShot(0, window, lambda w=window: _fit_later(w))


def _fit_later(window: QWidget) -> None:
    window.setProperty(_PENDING_PROPERTY, False)
    if window.isVisible() and _needs_fit(window):
        fit_to_screen(window)


def _stacked_pages(window: QWidget) -> list[QWidget]:
    """The pages of a dialog made of one stack of pages (each page has its own buttons)."""
    layout = window.layout()
    if layout is None:
        return []
    stacks = [
        item.widget()
        for item in (layout.itemAt(i) for i in range(layout.count()))
        if item is not None and isinstance(item.widget(), QStackedWidget)
    ]
    if len(stacks) != 1:
        return []
    stack = stacks[0]
    assert isinstance(stack, QStackedWidget)
    return [page for page in (stack.widget(i) for i in range(stack.count())) if page is not None]


def fit_to_screen(window: QWidget) -> None:
    """Make ``window`` fit its screen: scroll a dialog's body if needed, grow it to show all of
    its contents where the screen has room, then shrink and move it inside the screen.

    A dialog made of pages (a QStackedWidget, each page with its own buttons) has each page's
    body scrolled instead, so every page keeps its buttons in view.
    """
    if _scrollable(window) and not minimum_fits(window):
        for page in _stacked_pages(window):
            scroll_body(page, window.windowTitle())
        if not minimum_fits(window):
            scroll_body(window)
    need = needed_size(window)
    if need.width() > window.width() or need.height() > window.height():
        window.resize(window.size().expandedTo(need).boundedTo(free_area(window).size()))
    fit_window(window)


def install_screen_fitter(app: QApplication) -> None:
    """Fit every window of ``app`` to its screen from now on (once; see the module docstring)."""
    window_events(app).register(
        "screen-fit",
        frozenset({QEvent.Type.Show, QEvent.Type.Resize, QEvent.Type.LayoutRequest}),
        _on_window_event,
    )


def initial_size(window: QWidget, wanted: QSize, share: float = 0.94) -> QSize:
    """``wanted``, reduced to a share of the free area (a first-run size that looks deliberate)."""
    area = free_area(window).size()
    return QSize(
        min(wanted.width(), int(area.width() * share)),
        min(wanted.height(), int(area.height() * share)),
    ).expandedTo(window.minimumSizeHint().boundedTo(area))
