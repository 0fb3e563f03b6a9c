"""QA regression: check boxes and radio buttons are visible in the dark theme.

Found by hand with ``--theme dark``: the filter sidebar's and the pickers' check boxes, and the
export dialog's radio buttons, were outlined in a near-black (Fusion's darker ``Window``) on a
dark grey base, about 1.3:1, so an unticked box could not be seen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QListView,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from portfolio_app.gui.theme import ContrastStyle, ThemeManager, indicator_outline

#: WCAG 2.1 non-text contrast for the parts of a control needed to see it.
NON_TEXT_CONTRAST = 3.0


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in (colour.red(), colour.green(), colour.blue()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _best_contrast_in(widget: QWidget, rect_x: int, rect_y: int, w: int, h: int) -> float:
    image = widget.grab().toImage()
    background = widget.palette().color(QPalette.ColorRole.Base)
    best = 0.0
    for x in range(rect_x, rect_x + w):
        for y in range(rect_y, rect_y + h):
            best = max(best, _contrast(QColor(image.pixel(x, y)), background))
    return best


@pytest.fixture(params=["dark", "light"])
def themed(request: pytest.FixtureRequest, qapp: QApplication) -> ThemeManager:
    manager = ThemeManager(qapp, str(request.param))
    manager.apply()
    return manager


def test_the_app_uses_the_contrast_style(themed: ThemeManager, qapp: QApplication) -> None:
    assert isinstance(qapp.style(), ContrastStyle)
    palette = qapp.palette()
    outline = indicator_outline(palette)
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
        assert _contrast(outline, palette.color(role)) >= NON_TEXT_CONTRAST


def test_an_unticked_check_box_is_outlined_visibly(themed: ThemeManager, qtbot: QtBot) -> None:
    box = QCheckBox("Reflection")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    style = box.style()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    window = box.palette().color(QPalette.ColorRole.Window)
    best = max(
        _contrast(QColor(image.pixel(x, y)), window)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )
    assert best >= NON_TEXT_CONTRAST


def test_an_unticked_radio_button_is_outlined_visibly(themed: ThemeManager, qtbot: QtBot) -> None:
    radio = QRadioButton("All entries")
    qtbot.addWidget(radio)
    radio.show()
    qtbot.waitExposed(radio)
    image = radio.grab().toImage()
    window = radio.palette().color(QPalette.ColorRole.Window)
    side = radio.height()
    best = max(
        _contrast(QColor(image.pixel(x, y)), window)
        for x in range(min(side, image.width()))
        for y in range(image.height())
    )
    assert best >= NON_TEXT_CONTRAST


def test_item_view_check_boxes_are_outlined_visibly(themed: ThemeManager, qtbot: QtBot) -> None:
    model = QStandardItemModel()
    item = QStandardItem("Plan")
    item.setCheckable(True)
    item.setCheckState(Qt.CheckState.Unchecked)
    model.appendRow(item)
    view = QListView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(200, 80)
    view.show()
    qtbot.waitExposed(view)
    row = view.visualRect(model.index(0, 0))
    viewport = view.viewport()
    best = _best_contrast_in(viewport, row.left(), row.top(), row.height(), row.height())
    assert best >= NON_TEXT_CONTRAST
