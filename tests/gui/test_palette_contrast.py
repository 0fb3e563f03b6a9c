"""WCAG 2.1 AA contrast, checked on the palettes themselves: both themes, every text role on
the backgrounds it is drawn on, the focus and selection colour, and the state colours."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from portfolio_app.gui.theme import STATUS_KINDS, build_palette, indicator_outline, status_colours

#: WCAG 2.1 AA: 4.5:1 for text (1.4.3), 3:1 for the parts of controls needed to see them (1.4.11).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
#: (text role, background role) pairs as widgets draw them.
TEXT_PAIRS: tuple[tuple[QPalette.ColorRole, QPalette.ColorRole], ...] = (
    (_Role.WindowText, _Role.Window),
    (_Role.Text, _Role.Base),
    (_Role.Text, _Role.AlternateBase),
    (_Role.ButtonText, _Role.Button),
    (_Role.HighlightedText, _Role.Highlight),
    (_Role.ToolTipText, _Role.ToolTipBase),
    (_Role.PlaceholderText, _Role.Base),
    (_Role.PlaceholderText, _Role.Window),
    (_Role.Link, _Role.Base),
    (_Role.LinkVisited, _Role.Base),
    (_Role.Link, _Role.Window),
)


def luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in (colour.red(), colour.green(), colour.blue()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_computed_as_wcag_defines_it() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS, ids=lambda r: r.name)
def test_text_meets_aa_on_its_background(
    dark: bool, text: QPalette.ColorRole, background: QPalette.ColorRole
) -> None:
    palette = build_palette(dark)
    ratio = contrast(palette.color(text), palette.color(background))
    assert ratio >= TEXT_CONTRAST, f"{text.name} on {background.name}: {ratio:.2f}"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_focus_selection_and_outlines_stand_out(dark: bool) -> None:
    palette = build_palette(dark)
    highlight = palette.color(_Role.Highlight)
    for background in (_Role.Window, _Role.Base):
        colour = palette.color(background)
        assert contrast(highlight, colour) >= NON_TEXT_CONTRAST, background.name
        assert contrast(indicator_outline(palette), colour) >= NON_TEXT_CONTRAST


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_disabled_text_is_still_readable(dark: bool) -> None:
    # WCAG exempts disabled controls; we still want their labels legible (3:1).
    palette = build_palette(dark)
    disabled = palette.color(_Group.Disabled, _Role.WindowText)
    assert contrast(disabled, palette.color(_Role.Window)) >= NON_TEXT_CONTRAST


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("kind", STATUS_KINDS)
def test_state_colours_are_readable_and_distinct(dark: bool, kind: str) -> None:
    palette = build_palette(dark)
    background, text = (QColor(c) for c in status_colours(kind, palette))
    assert contrast(text, background) >= 7.0  # AAA: warnings are read in a hurry
    assert background != palette.color(_Role.Window)  # a strip of its own (framed, with an icon)
