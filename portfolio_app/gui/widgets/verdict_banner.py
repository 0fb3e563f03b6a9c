"""How a verdict looks: a colour, an icon drawn in that colour, and words (never colour alone).

Each verification verdict maps to a *kind* (success, error, warning, info) whose background
and text colours keep at least 7:1 contrast in the light and the dark palette (checked by a
test), an icon whose shape differs per verdict (a tick, a stop sign, a question mark, a
clock), and a headline in words. The same triple is used by the verify window's file table,
its detail banner and the countersign dialog's check line.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from portfolio_app.core.resources import read_resource_bytes
from portfolio_app.gui.widgets.plain_text import plain_label

#: (background, text) per kind and scheme (False light, True dark); each pair >= 7:1.
STATUS_COLOURS: dict[tuple[str, bool], tuple[str, str]] = {
    ("success", False): ("#dff3e3", "#0f4d1f"),
    ("success", True): ("#1f4a2b", "#ccf2d6"),
    ("error", False): ("#fde2e1", "#6b0f0f"),
    ("error", True): ("#5a1f1f", "#ffd6d6"),
    ("warning", False): ("#fff1c2", "#3d2e00"),
    ("warning", True): ("#4d3b0a", "#ffe8a3"),
    ("info", False): ("#e6f0fb", "#12345a"),
    ("info", True): ("#1f3550", "#d6e8ff"),
}


@dataclass(frozen=True)
class VerdictLook:
    """The kind (colour), icon and headline of one verdict."""

    kind: str
    icon: str
    headline: str


#: Verdict value (``Verdict.value``) -> look. Headlines are words people read out.
VERDICT_LOOKS: dict[str, VerdictLook] = {
    "valid-trusted": VerdictLook("success", "verdict-valid", "Valid and trusted"),
    "valid-untrusted": VerdictLook(
        "warning", "verdict-untrusted", "Intact, but the signer is not confirmed"
    ),
    "broken-or-modified": VerdictLook(
        "error",
        "verdict-broken",
        "Not valid: changed after signing, a broken signature, or a forged role",
    ),
    "not-signed-or-unreadable": VerdictLook(
        "error", "verdict-broken", "Not a signed portfolio, or unreadable"
    ),
    "missing-required-signature": VerdictLook(
        "info", "verdict-missing", "Valid and trusted, but a countersignature is missing"
    ),
}
#: Short words for a table cell.
VERDICT_SHORT: dict[str, str] = {
    "valid-trusted": "Valid and trusted",
    "valid-untrusted": "Signer not confirmed",
    "broken-or-modified": "NOT VALID",
    "not-signed-or-unreadable": "Not signed / unreadable",
    "missing-required-signature": "Countersignature missing",
}
ERROR_LOOK = VerdictLook("error", "verdict-broken", "Could not verify")
CHECKING_LOOK = VerdictLook("info", "verify", "Checking…")


def look_for(verdict: str) -> VerdictLook:
    """The look of a verdict value (an unknown one looks like an error)."""
    return VERDICT_LOOKS.get(verdict, ERROR_LOOK)


def palette_is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette (default: the application's) is a dark one."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colours(kind: str, palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, text) colours of a kind in the current scheme."""
    background, text = STATUS_COLOURS.get(
        (kind, palette_is_dark(palette)), STATUS_COLOURS[("info", palette_is_dark(palette))]
    )
    return QColor(background), QColor(text)


@functools.cache
def _svg(name: str) -> str:
    return read_resource_bytes("icons", f"{name}.svg").decode("utf-8")


def tinted_pixmap(name: str, colour: QColor, size: int, ratio: float = 1.0) -> QPixmap:
    """The icon ``name`` drawn in ``colour`` at ``size`` logical pixels."""
    device = max(1, round(size * ratio))
    pixmap = QPixmap(device, device)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour.name()).encode()))
    painter = QPainter(pixmap)
    renderer.render(painter, QRect(0, 0, device, device))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def tinted_icon(name: str, colour: QColor) -> QIcon:
    """A QIcon of ``name`` in ``colour`` (sizes for lists and tables, sharp at 150 %)."""
    return _tinted_icon(name, colour.name())


@functools.cache
def _tinted_icon(name: str, colour_name: str) -> QIcon:
    colour = QColor(colour_name)
    result = QIcon()
    for size in (16, 20, 24, 32, 48):
        result.addPixmap(tinted_pixmap(name, colour, size, 1.0))
        result.addPixmap(tinted_pixmap(name, colour, size, 2.0))
    return result


def verdict_icon(verdict: str) -> QIcon:
    """The verdict's icon in its kind's text colour (readable on the view's base colour)."""
    look = look_for(verdict)
    return tinted_icon(look.icon, status_colours(look.kind)[1])


class VerdictBanner(QFrame):
    """A coloured strip: an icon, the headline in words, and an optional reason below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.kind = "info"
        self.icon_label = QLabel(self)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline_label = plain_label("", self, accessible_name="Verdict", selectable=True)
        font = self.headline_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.headline_label.setFont(font)
        self.reason_label = plain_label("", self, accessible_name="Why", selectable=True)
        self.reason_label.hide()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.headline_label)
        text.addWidget(self.reason_label)
        row = QHBoxLayout(self)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.hide()

    def show_look(self, look: VerdictLook, reason: str = "", headline: str | None = None) -> None:
        """Show one look with its headline (or ``headline``) and ``reason`` (plain text)."""
        self.kind = look.kind
        background, foreground = status_colours(look.kind, self.palette())
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, background)
        palette.setColor(QPalette.ColorRole.WindowText, foreground)
        palette.setColor(QPalette.ColorRole.Text, foreground)
        self.setPalette(palette)
        size = self.headline_label.fontMetrics().height() * 2
        self.icon_label.setPixmap(
            tinted_pixmap(look.icon, foreground, size, self.devicePixelRatioF())
        )
        self.icon_label.setFixedSize(QSize(size, size))
        self.headline_label.setText(headline or look.headline)
        self.icon_label.setAccessibleName(headline or look.headline)
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self.setAccessibleName(headline or look.headline)
        self.show()

    def show_verdict(self, verdict: str, reason: str = "") -> None:
        """Show a verification verdict (``Verdict.value``) and its reason."""
        self.show_look(look_for(verdict), reason)
