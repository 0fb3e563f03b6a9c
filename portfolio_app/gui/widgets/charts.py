"""Summary charts drawn with QPainter: entries per month (columns) and by event kind (bars).

Every bar carries its number in writing and the axes are labelled, so nothing depends on
colour; colours come from palette roles only (bars in ``Highlight``, text in ``WindowText``,
grid lines in ``Mid``), so light and dark themes both work. The data comes from
:mod:`portfolio_app.core.domain.coverage`; these widgets only draw it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QVBoxLayout, QWidget
from typing_extensions import override

from portfolio_app.core.domain.catalogue import EventKind


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, and an optional second label line (a year under months)."""

    label: str
    value: int
    group: str = ""
    tooltip: str = ""


def nice_ticks(maximum: int, wanted: int = 5) -> list[int]:
    """Round axis ticks from 0 to at least ``maximum`` (0, 2, 4... or 0, 5, 10...)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / wanted
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = magnitude
    for factor in (1, 2, 5, 10):
        step = max(1, int(factor * magnitude))
        if step >= raw:
            break
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def month_bars(months: Sequence[tuple[date, int]]) -> list[Bar]:
    """Bars for (first day of month, count) pairs; the year shows under January and the start."""
    bars: list[Bar] = []
    for i, (month, count) in enumerate(months):
        group = str(month.year) if i == 0 or month.month == 1 else ""
        noun = "entry" if count == 1 else "entries"
        bars.append(
            Bar(
                label=month.strftime("%b"),
                value=count,
                group=group,
                tooltip=f"{month.strftime('%B %Y')}: {count} {noun}",
            )
        )
    return bars


def event_kind_bars(kinds: Sequence[tuple[EventKind, int]]) -> list[Bar]:
    """Bars for (event kind, count) pairs."""
    bars: list[Bar] = []
    for kind, count in kinds:
        noun = "entry" if count == 1 else "entries"
        bars.append(Bar(kind.label, count, tooltip=f"{kind.label}: {count} {noun}"))
    return bars


class BarChartWidget(QWidget):
    """A titled bar chart: vertical columns, or horizontal bars with labels on the left."""

    def __init__(
        self,
        title: str,
        *,
        orientation: Qt.Orientation = Qt.Orientation.Vertical,
        value_axis_title: str = "Entries",
        category_axis_title: str = "",
        empty_text: str = "Nothing to show yet.",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._orientation = orientation
        self._value_axis_title = value_axis_title
        self._category_axis_title = category_axis_title
        self._empty_text = empty_text
        self._bars: list[Bar] = []
        self._hit_boxes: list[tuple[QRectF, Bar]] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._update_description()

    # ---- data --------------------------------------------------------------------------------

    def set_bars(self, bars: Sequence[Bar]) -> None:
        """Show these bars."""
        self._bars = list(bars)
        self._update_description()
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        """The bars shown."""
        return list(self._bars)

    def _update_description(self) -> None:
        # Screen readers get the numbers as text: the picture alone says nothing to them.
        if not self._bars:
            self.setAccessibleDescription(self._empty_text)
            return
        parts = [f"{bar.tooltip or f'{bar.label}: {bar.value}'}" for bar in self._bars]
        self.setAccessibleDescription("; ".join(parts))

    # ---- size ----------------------------------------------------------------------------------

    @override
    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        if self._orientation == Qt.Orientation.Horizontal:
            rows = max(len(self._bars), 1)
            return QSize(line * 30, int(line * (4.5 + rows * 1.6)))
        return QSize(line * 30, line * 16)

    @override
    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        if self._orientation == Qt.Orientation.Horizontal:
            rows = max(len(self._bars), 1)
            return QSize(line * 16, int(line * (4.5 + rows * 1.3)))
        return QSize(line * 16, line * 11)

    # ---- tooltips ----------------------------------------------------------------------------

    @override
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for rect, bar in self._hit_boxes:
                if rect.contains(QPointF(event.pos())):
                    QToolTip.showText(event.globalPos(), bar.tooltip or f"{bar.label}: {bar.value}")
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    # ---- painting ------------------------------------------------------------------------------

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        metrics = self.fontMetrics()
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(line * 0.5, line * 0.3, -line * 0.5, -line * 0.3)
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(
            QRectF(area.left(), area.top(), area.width(), line * 1.4),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self._title,
        )
        painter.setFont(self.font())
        area.setTop(area.top() + line * 1.8)
        self._hit_boxes = []
        if not self._bars or all(bar.value == 0 for bar in self._bars):
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), self._empty_text)
            painter.end()
            return
        if self._orientation == Qt.Orientation.Horizontal:
            self._paint_horizontal(painter, area, metrics)
        else:
            self._paint_vertical(painter, area, metrics)
        painter.end()

    def _paint_vertical(self, painter: QPainter, area: QRectF, metrics: QFontMetrics) -> None:
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        line = metrics.height()
        ticks = nice_ticks(max(bar.value for bar in self._bars))
        top_value = ticks[-1]
        axis_label_width = max(metrics.horizontalAdvance(str(t)) for t in ticks) + line * 0.5
        # left: rotated value-axis title, then tick labels; bottom: two label lines + title
        plot = QRectF(
            area.left() + line * 1.4 + axis_label_width,
            area.top() + line * 0.8,
            0,
            0,
        )
        plot.setRight(area.right() - line * 0.3)
        plot.setBottom(area.bottom() - line * (3.4 if self._category_axis_title else 2.3))
        if plot.width() <= 0 or plot.height() <= line:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * value / top_value

        grid_pen = QPen(palette.color(QPalette.ColorRole.Mid))
        grid_pen.setStyle(Qt.PenStyle.DashLine)
        for tick in ticks:
            y = y_of(tick)
            painter.setPen(grid_pen if tick else QPen(text_colour))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(plot.left() - axis_label_width, y - line / 2, axis_label_width - 4, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(tick),
            )
        painter.save()
        painter.translate(area.left() + line * 0.2, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, -line * 0.1, plot.height(), line * 1.2),
            int(Qt.AlignmentFlag.AlignCenter),
            self._value_axis_title,
        )
        painter.restore()

        count = len(self._bars)
        slot = plot.width() / count
        bar_width = max(2.0, slot * 0.7)
        label_width = max(metrics.horizontalAdvance(bar.label) for bar in self._bars) + 6
        label_every = max(1, math.ceil(label_width / slot))
        bar_brush = palette.color(QPalette.ColorRole.Highlight)
        number_fits = metrics.horizontalAdvance(str(top_value)) <= slot
        for i, bar in enumerate(self._bars):
            x = plot.left() + slot * i + (slot - bar_width) / 2
            top = y_of(bar.value)
            rect = QRectF(x, top, bar_width, plot.bottom() - top)
            if bar.value:
                painter.fillRect(rect, bar_brush)
                painter.setPen(text_colour)
                painter.drawRect(rect)
            self._hit_boxes.append(
                (QRectF(plot.left() + slot * i, plot.top(), slot, plot.height()), bar)
            )
            painter.setPen(text_colour)
            if bar.value and number_fits:
                painter.drawText(
                    QRectF(x - slot, top - line * 1.05, bar_width + 2 * slot, line),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    str(bar.value),
                )
            centre = plot.left() + slot * (i + 0.5)
            if i % label_every == 0:
                painter.drawText(
                    QRectF(centre - label_width / 2, plot.bottom() + 2, label_width, line),
                    int(Qt.AlignmentFlag.AlignCenter),
                    bar.label,
                )
            if bar.group:
                group_width = metrics.horizontalAdvance(bar.group) + 6
                painter.drawText(
                    QRectF(centre - slot / 2, plot.bottom() + 2 + line, group_width, line),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    bar.group,
                )
        if self._category_axis_title:
            painter.drawText(
                QRectF(plot.left(), plot.bottom() + 2 + line * 2.1, plot.width(), line),
                int(Qt.AlignmentFlag.AlignCenter),
                self._category_axis_title,
            )

    def _paint_horizontal(self, painter: QPainter, area: QRectF, metrics: QFontMetrics) -> None:
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        line = metrics.height()
        ticks = nice_ticks(max(bar.value for bar in self._bars))
        top_value = ticks[-1]
        label_width = min(
            max(metrics.horizontalAdvance(bar.label) for bar in self._bars) + line,
            area.width() * 0.45,
        )
        number_width = metrics.horizontalAdvance(str(top_value)) + line
        plot = QRectF(
            area.left() + label_width,
            area.top() + line * 0.3,
            area.width() - label_width - number_width,
            area.height() - line * 2.6,
        )
        if plot.width() <= line or plot.height() <= 0:
            return
        row_height = plot.height() / len(self._bars)
        bar_height = min(row_height * 0.7, line * 1.2)

        def x_of(value: float) -> float:
            return plot.left() + plot.width() * value / top_value

        grid_pen = QPen(palette.color(QPalette.ColorRole.Mid))
        grid_pen.setStyle(Qt.PenStyle.DashLine)
        for tick in ticks:
            x = x_of(tick)
            painter.setPen(grid_pen if tick else QPen(text_colour))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x - line * 2, plot.bottom() + 2, line * 4, line),
                int(Qt.AlignmentFlag.AlignCenter),
                str(tick),
            )
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2 + line * 1.1, plot.width(), line),
            int(Qt.AlignmentFlag.AlignCenter),
            self._value_axis_title,
        )
        bar_brush = palette.color(QPalette.ColorRole.Highlight)
        for i, bar in enumerate(self._bars):
            centre = plot.top() + row_height * (i + 0.5)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(area.left(), centre - row_height / 2, label_width - line * 0.5, row_height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(
                    bar.label, Qt.TextElideMode.ElideRight, int(label_width - line * 0.5)
                ),
            )
            rect = QRectF(
                plot.left(), centre - bar_height / 2, x_of(bar.value) - plot.left(), bar_height
            )
            if bar.value:
                painter.fillRect(rect, bar_brush)
                painter.drawRect(rect)
            painter.drawText(
                QRectF(rect.right() + line * 0.3, centre - line / 2, number_width, line),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                str(bar.value),
            )
            self._hit_boxes.append(
                (QRectF(area.left(), centre - row_height / 2, area.width(), row_height), bar)
            )


class ActivityChartsWidget(QWidget):
    """The two summary charts, one above the other: entries per month and by event kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Activity charts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.per_month = BarChartWidget(
            "Entries per month",
            category_axis_title="Month (when it happened, else when written)",
            empty_text="No entries yet.",
            parent=self,
        )
        self.by_event_kind = BarChartWidget(
            "Entries by event kind",
            orientation=Qt.Orientation.Horizontal,
            value_axis_title="Entries linked to events of this kind",
            empty_text="No entry is linked to an event yet.",
            parent=self,
        )
        layout.addWidget(self.per_month, 1)
        layout.addWidget(self.by_event_kind, 1)

    def set_data(
        self, months: Sequence[tuple[date, int]], kinds: Sequence[tuple[EventKind, int]]
    ) -> None:
        """Show counts from ``coverage.entries_per_month`` and ``entries_by_event_kind``."""
        self.per_month.set_bars(month_bars(months))
        self.by_event_kind.set_bars(event_kind_bars(kinds))
