"""The screen matrix in reduced form: every window and dialog on the screens where room is
shortest, checked programmatically (tests/gui/screen_matrix.py has the whole matrix and draws
it). A window off the screen, a control cut off by the edge of its window or panel, a one-line
text cut short, or a horizontal scroll bar in the editor fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest
import screen_matrix
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

#: The smallest logical screens of the matrix, in both themes' worst case: 1280x720 at 200 %
#: (640x312 free) and 1366x768 at 150 % (911x464 free, the most common student laptop).
REDUCED = (
    screen_matrix.Screen(1280, 720, 2.0, "dark"),
    screen_matrix.Screen(1366, 768, 1.5, "light"),
)


@pytest.mark.slow
def test_every_window_fits_the_smallest_screens(tmp_path: Path) -> None:
    # Drawn as well as checked: drawing lays the windows out as they are on screen (the links
    # panel's evidence page was 12 px too wide at 200 % only when drawn).
    problems = screen_matrix.run_matrix(list(REDUCED), out=tmp_path)
    assert problems == []


def test_the_check_sees_a_button_cut_off_by_its_window(qtbot: QtBot) -> None:
    """The check itself can fail."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("A form", window))
    button = QPushButton("Save", window)
    window.resize(200, 120)
    window.show()
    qtbot.waitExposed(window)
    button.setGeometry(150, 100, 120, 40)  # half outside the window
    button.show()
    found = screen_matrix.layout_problems(window)
    assert any("QPushButton “Save” is cut off" in p for p in found)
