"""The Qt binding must not leak references: a known PySide6 release aborted Python with it.

PySide6 6.12.0 dropped one reference to ``None`` on every Python -> Qt call that returns
nothing; on Python 3.11 (where None is not immortal) the app aborted with
``Fatal Python error: none_dealloc`` after a few thousand repaints. pyproject pins it out; this
test fails if a future release brings the leak back.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot


def test_calls_returning_nothing_do_not_leak_none(qtbot: QtBot) -> None:
    widget = QWidget()
    label = QLabel()
    qtbot.addWidget(widget)
    qtbot.addWidget(label)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for _ in range(3000):
        widget.update()
        label.setText("x")
        painter.drawLine(0, 0, 4, 4)
    painter.end()
    assert sys.getrefcount(None) >= before - 50
