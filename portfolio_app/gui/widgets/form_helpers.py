"""Small layout helpers the trust windows share: label/value rows, buddies, a first size.

Values go into plain-text labels (``plain_text.plain_label``): they often come from a
certificate or a file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QWidget

from portfolio_app.gui.widgets.plain_text import plain_label


def add_label_rows(
    grid: QGridLayout,
    rows: Sequence[tuple[str, str]],
    parent: QWidget,
    *,
    monospace: Collection[str] = (),
) -> dict[str, QLabel]:
    """``Label: value`` rows (value selectable, named after its label, the label its buddy);
    returns the value labels by label. ``monospace`` labels get a fixed font and no wrap."""
    values: dict[str, QLabel] = {}
    first = grid.rowCount() if grid.count() else 0
    for offset, (caption, text) in enumerate(rows):
        name = plain_label(f"{caption}:", parent, wrap=False)
        fixed = caption in monospace
        value = plain_label(
            text, parent, accessible_name=caption, selectable=True, wrap=not fixed, monospace=fixed
        )
        name.setBuddy(value)
        grid.addWidget(name, first + offset, 0)
        grid.addWidget(value, first + offset, 1)
        values[caption] = value
    return values


def clear_layout(grid: QGridLayout) -> None:
    """Remove and delete every widget in ``grid`` (hidden at once: deletion waits)."""
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def set_buddies(form: QFormLayout, pairs: Iterable[tuple[QWidget, QWidget]]) -> None:
    """Point each row label of ``form`` (found by its field) at the input that takes focus."""
    for field, target in pairs:
        label = form.labelForField(field)
        if isinstance(label, QLabel):
            label.setBuddy(target)


def fit_to_screen(window: QWidget, width_lines: int, height_lines: int) -> None:
    """A first size in text lines, never larger than the free screen area."""
    line = window.fontMetrics().height()
    width, height = line * width_lines, line * height_lines
    available = window.screen().availableGeometry()
    if available.isValid():
        width = min(width, int(available.width() * 0.95))
        height = min(height, int(available.height() * 0.92))
    window.resize(width, height)
