"""Light and dark palettes, and following the system's colour scheme.

Widgets never hard-code colours: they use palette roles (``Window``, ``Base``, ``Highlight``,
``PlaceholderText``...), so switching the palette here re-colours everything, icons included
(icons.py paints SVGs with ``WindowText``). The Fusion style is used on every platform because
it honours the whole palette; native styles on some desktops ignore parts of it, which made a
dark palette unreadable in places. Fusion outlines check boxes and radio buttons with a darker
shade of ``Window``, which is nearly invisible on a dark palette (about 1.3:1 against ``Base``);
:class:`ContrastStyle` draws those outlines halfway between ``Text`` and ``Base`` instead, at
least 3:1 in both palettes (WCAG non-text contrast). Fusion shows no keyboard focus on a text
box (only its blinking cursor), so :class:`ContrastStyle` also draws a ``Highlight`` frame
around the text box that has the focus: the answer being typed is always plain to see.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QPlainTextEdit,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTextEdit,
    QWidget,
)
from typing_extensions import override

THEMES: tuple[str, ...] = ("system", "light", "dark")

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

#: The dark palette, chosen for contrast >= 4.5:1 between text and its background. Inputs
#: (``Base``) are lighter than the window: Fusion outlines check boxes with a darker shade of
#: ``Window``, which vanished against a darker ``Base`` (the ticks were invisible).
_DARK: dict[QPalette.ColorRole, str] = {
    _Role.Window: "#26282b",
    _Role.WindowText: "#e6e6e6",
    _Role.Base: "#323539",
    _Role.AlternateBase: "#2c2f33",
    _Role.ToolTipBase: "#3a3d42",
    _Role.ToolTipText: "#f0f0f0",
    _Role.PlaceholderText: "#a0a4ab",
    _Role.Text: "#e8e8e8",
    _Role.Button: "#35373b",
    _Role.ButtonText: "#e6e6e6",
    _Role.BrightText: "#ff6b6b",
    _Role.Light: "#4a4d52",
    _Role.Midlight: "#404348",
    _Role.Mid: "#303236",
    _Role.Dark: "#1a1b1e",
    _Role.Shadow: "#000000",
    # A light selection with dark text: white on a blue dark enough for 4.5:1 would be below
    # 3:1 against the input background, and the same colour draws the focus frames.
    _Role.Highlight: "#5b9be8",
    _Role.HighlightedText: "#0d1117",
    _Role.Link: "#7fb2ff",
    _Role.LinkVisited: "#c39bff",
}

#: A calm light palette (a little warmer than Fusion's grey).
_LIGHT: dict[QPalette.ColorRole, str] = {
    _Role.Window: "#f3f3f1",
    _Role.WindowText: "#1d1d1f",
    _Role.Base: "#ffffff",
    _Role.AlternateBase: "#f6f7f9",
    _Role.ToolTipBase: "#fffbe6",
    _Role.ToolTipText: "#1d1d1f",
    _Role.PlaceholderText: "#6b6f76",
    _Role.Text: "#1d1d1f",
    _Role.Button: "#ebebe8",
    _Role.ButtonText: "#1d1d1f",
    _Role.BrightText: "#c62828",
    _Role.Light: "#ffffff",
    _Role.Midlight: "#f0f0ee",
    _Role.Mid: "#c8c8c4",
    _Role.Dark: "#a0a09c",
    _Role.Shadow: "#5a5a58",
    _Role.Highlight: "#2f6fca",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#1f5fb8",
    _Role.LinkVisited: "#6a3fb0",
}


#: Colours for states that must look the same in any widget: (background, text) per kind and
#: scheme, each pair at least 7:1 (tests/gui/test_palette_contrast.py). Always shown with words
#: and an icon or a frame: colour is never the only signal.
_STATUS_COLOURS: dict[tuple[str, bool], tuple[str, str]] = {
    ("warning", False): ("#fff1c2", "#3d2e00"),
    ("warning", True): ("#4d3b0a", "#ffe8a3"),
    ("error", False): ("#fde2e1", "#6b0f0f"),
    ("error", True): ("#5a1f1f", "#ffd6d6"),
    ("success", False): ("#dff3e3", "#0f4d1f"),
    ("success", True): ("#1f4a2b", "#ccf2d6"),
    ("info", False): ("#e6f0fb", "#12345a"),
    ("info", True): ("#1f3550", "#d6e8ff"),
}
STATUS_KINDS: tuple[str, ...] = ("warning", "error", "success", "info")


def palette_is_dark(palette: QPalette) -> bool:
    """Whether a palette is a dark one (its window colour is dark)."""
    return palette.color(_Role.Window).lightness() < 128


def status_colours(kind: str, palette: QPalette | None = None) -> tuple[str, str]:
    """(background, text) for a warning, error, success or info state in this palette."""
    dark = palette_is_dark(palette if palette is not None else QGuiApplication.palette())
    return _STATUS_COLOURS[(kind if kind in STATUS_KINDS else "info", dark)]


def paint_status(widget: QWidget, kind: str | None) -> None:
    """Give ``widget`` the background and text colours of a state ("success", "error"...), or
    its normal colours back with None. Callers always say the state in words too."""
    if kind is None:
        widget.setPalette(QPalette())
        widget.setAutoFillBackground(False)
        return
    background, text = status_colours(kind, QGuiApplication.palette())
    palette = QPalette(QGuiApplication.palette())
    for role in (_Role.Window, _Role.Base):
        palette.setColor(role, QColor(background))
    for role in (_Role.WindowText, _Role.Text):
        palette.setColor(role, QColor(text))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


def build_palette(dark: bool) -> QPalette:
    """The palette for one scheme, with readable disabled colours."""
    colours = _DARK if dark else _LIGHT
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    disabled = "#7c8088" if dark else "#80807c"  # 3:1 or more on the window colour
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText):
        palette.setColor(_Group.Disabled, role, QColor(disabled))
    palette.setColor(_Group.Disabled, _Role.Base, QColor(colours[_Role.Window]))
    return palette


#: Indicators whose outline Fusion takes from ``Window`` (item-view checks are drawn as these).
_INDICATORS = frozenset(
    {QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton}
)
#: Fusion's outline is ``Window.darker(140)``.
_FUSION_OUTLINE_DARKER = 140


def indicator_outline(palette: QPalette) -> QColor:
    """The outline wanted for check boxes and radio buttons: between ``Text`` and ``Base``."""
    text = palette.color(_Role.Text)
    base = palette.color(_Role.Base)
    weight = 0.6
    return QColor(
        round(text.red() * weight + base.red() * (1 - weight)),
        round(text.green() * weight + base.green() * (1 - weight)),
        round(text.blue() * weight + base.blue() * (1 - weight)),
    )


class ContrastStyle(QProxyStyle):
    """Fusion, with check box and radio button outlines readable in both palettes."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    @override
    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element not in _INDICATORS:
            super().drawPrimitive(element, option, painter, widget)
            return
        original = QPalette(option.palette)
        palette = QPalette(original)
        # A Window colour whose Fusion "darker" shade is the outline we want.
        palette.setColor(_Role.Window, indicator_outline(original).lighter(_FUSION_OUTLINE_DARKER))
        option.palette = palette
        try:
            super().drawPrimitive(element, option, painter, widget)
        finally:
            option.palette = original

    @override
    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        if (
            element == QStyle.ControlElement.CE_ShapedFrame
            and isinstance(widget, QTextEdit | QPlainTextEdit)
            and widget.hasFocus()
            and not widget.isReadOnly()
        ):
            pen = QPen(option.palette.color(_Role.Highlight))
            pen.setWidth(2)
            painter.save()
            painter.setPen(pen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


def system_prefers_dark() -> bool:
    """Whether the desktop asks for a dark scheme (Qt 6.5+ reports it)."""
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


class ThemeManager(QObject):
    """Applies the chosen theme and re-applies it when the system scheme changes.

    ``theme_changed`` fires after the palette changed, so icon owners can re-render.
    """

    theme_changed = Signal(bool)

    def __init__(self, app: QApplication, theme: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._theme = theme if theme in THEMES else "system"
        self._is_dark = False
        if not isinstance(app.style(), ContrastStyle):
            self._style = ContrastStyle()
            app.setStyle(self._style)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_hints_color_scheme_changed)

    @property
    def theme(self) -> str:
        """The chosen theme: system, light or dark."""
        return self._theme

    @property
    def is_dark(self) -> bool:
        """Whether the palette in use is the dark one."""
        return self._is_dark

    def apply(self, theme: str | None = None) -> None:
        """Set the palette for ``theme`` (or the current choice)."""
        if theme is not None:
            self._theme = theme if theme in THEMES else "system"
        dark = system_prefers_dark() if self._theme == "system" else self._theme == "dark"
        self._is_dark = dark
        self._app.setPalette(build_palette(dark))
        self.theme_changed.emit(dark)

    def _on_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme == "system":
            self.apply()
