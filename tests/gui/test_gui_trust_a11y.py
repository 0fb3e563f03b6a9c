"""The trust windows: every input has an accessible name and no two visible mnemonics clash
(each tab of the verify window on its own), with the stricter helpers of the secondary
dialogs' test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot
from test_gui_secondary_a11y import clashing_mnemonics, unnamed_inputs
from trust_samples import Course, build_course, make_request

from portfolio_app.gui.dialogs.ca_dialogs import CreateCaDialog, CrlDialog, RevokeDialog
from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog
from portfolio_app.gui.dialogs.course_certificates_window import CourseCertificatesWindow
from portfolio_app.gui.dialogs.get_certified_dialog import GetCertifiedDialog
from portfolio_app.gui.dialogs.signing_settings_dialog import SigningSettingsDialog
from portfolio_app.gui.dialogs.verify_window import VerifyWindow


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    built = build_course(tmp_path_factory.mktemp("a11y") / "course")
    yield built
    built.close()


def _builders(course: Course, tmp_path: Path) -> dict[str, Callable[[], QWidget]]:
    from portfolio_app.core.services import identity_service

    def review() -> QWidget:
        window = CourseCertificatesWindow(course.ca_dir)
        dialog = window.review_request(make_request(tmp_path, "Amira Patel", "S1"))
        assert dialog is not None
        return dialog

    def revoke() -> QWidget:
        return RevokeDialog(course.ca_dir, identity_service.list_issued(course.ca_dir)[0])

    return {
        "verify": VerifyWindow,
        "countersign": lambda: CountersignDialog(course.tutor),
        "get certified": lambda: GetCertifiedDialog(course.student),
        "signing settings": lambda: SigningSettingsDialog(course.student),
        "course certificates": lambda: CourseCertificatesWindow(course.ca_dir),
        "create CA": lambda: CreateCaDialog(tmp_path / "new"),
        "review request": review,
        "revoke": revoke,
        "revocation list": lambda: CrlDialog(course.ca_dir),
    }


NAMES = (
    "verify",
    "countersign",
    "get certified",
    "signing settings",
    "course certificates",
    "create CA",
    "review request",
    "revoke",
    "revocation list",
)


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_named_and_mnemonics_unique(
    qtbot: QtBot, course: Course, tmp_path: Path, name: str
) -> None:
    widget = _builders(course, tmp_path)[name]()
    qtbot.addWidget(widget)
    widget.show()
    assert unnamed_inputs(widget) == []
    tabs = widget.findChildren(QTabWidget)
    for tab_widget in tabs or [None]:
        for index in range(tab_widget.count() if tab_widget else 1):
            if tab_widget is not None:
                tab_widget.setCurrentIndex(index)
            assert clashing_mnemonics(widget) == [], (name, index)


@pytest.mark.parametrize("keys", ["Esc", "Ctrl+W"])
@pytest.mark.parametrize("name", NAMES)
def test_every_trust_window_closes_from_the_keyboard(
    qtbot: QtBot, course: Course, tmp_path: Path, name: str, keys: str
) -> None:
    from trust_samples import press_close_keys

    widget = _builders(course, tmp_path)[name]()
    qtbot.addWidget(widget)
    widget.show()
    focus = widget.focusWidget() or widget
    press_close_keys(qtbot, widget, focus, keys)
    assert not widget.isVisible(), name


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_verdict_colours_keep_seven_to_one_contrast_in_both_schemes() -> None:
    from portfolio_app.gui.widgets.verdict_banner import STATUS_COLOURS, VERDICT_LOOKS

    for (kind, dark), (background, text) in STATUS_COLOURS.items():
        light, deep = sorted((_luminance(background), _luminance(text)), reverse=True)
        ratio = (light + 0.05) / (deep + 0.05)
        assert ratio >= 7.0, (kind, dark, round(ratio, 2))
    # Each verdict has words and an icon of its own shape, besides its colour.
    assert len({look.headline for look in VERDICT_LOOKS.values()}) == len(VERDICT_LOOKS)
    assert {look.icon for look in VERDICT_LOOKS.values()} >= {
        "verdict-valid",
        "verdict-broken",
        "verdict-untrusted",
        "verdict-missing",
    }
