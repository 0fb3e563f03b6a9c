"""Summary charts drawn with reportlab.graphics: vector, embedded fonts, readable in greyscale.

Three charts (design.md §6): entries per month, entries by kind of IPL event, and the
professions a student met. Why these choices: bars are dark grey with a black outline and
every bar carries its number, so a photocopy loses nothing; axes are titled in words; month
labels thin out when there are many months so they never overlap. A chart with nothing to show
is replaced by a sentence saying so, rather than an empty frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from portfolio_app.core.export.fonts import SANS, SANS_BOLD, printable

BAR_GREY = (0.35, 0.35, 0.35)
GRID_GREY = (0.82, 0.82, 0.82)
MAX_CATEGORY_BARS = 14


def _nice_max(value: int) -> int:
    """An axis maximum a little above ``value`` that gives whole-number ticks."""
    if value <= 5:
        return max(1, value) + (1 if value >= 1 else 0)
    for step in (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value / step <= 8:
            return (value // step + 1) * step
    return value + 1


def _step(maximum: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 8:
            return step
    return max(1, maximum // 8)


def _drawing(width: float, height: float) -> Any:
    """A drawing whose default font is ours (reportlab's is unembedded Helvetica)."""
    from reportlab.graphics.shapes import Drawing

    drawing = Drawing(width, height)
    drawing.initialFontName = SANS
    return drawing


def _title(drawing: Any, text: str, width: float, height: float) -> None:
    from reportlab.graphics.shapes import String

    drawing.add(String(0, height - 12, printable(text), fontName=SANS_BOLD, fontSize=10.5))


def months_chart(months: Sequence[tuple[date, int]], width: float) -> Any:
    """A vertical bar chart of entries per month (oldest on the left)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Group, String
    from reportlab.lib import colors

    height = 200.0
    drawing = _drawing(width, height)
    _title(drawing, "Entries per month", width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 44, 45
    # Few months would make absurdly wide bars: at most 30 points per month.
    chart.width, chart.height = min(width - 54, max(90.0, 30.0 * len(months))), height - 80
    values = [count for _month, count in months]
    chart.data = [values]
    top = _nice_max(max(values) if values else 1)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.Color(*GRID_GREY)
    every = max(1, -(-len(months) // 18))
    labels = [
        f"{month:%b %y}" if index % every == 0 else "" for index, (month, _c) in enumerate(months)
    ]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -2
    chart.bars[0].fillColor = colors.Color(*BAR_GREY)
    chart.bars[0].strokeColor = colors.black
    chart.bars[0].strokeWidth = 0.5
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6.5 if len(months) > 18 else 7.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    caption = Group(
        String(0, 0, "Number of entries", fontName=SANS, fontSize=7.5, textAnchor="middle")
    )
    caption.translate(10, chart.y + chart.height / 2)
    caption.rotate(90)
    drawing.add(caption)
    return drawing


def category_chart(title: str, items: Sequence[tuple[str, int]], width: float, what: str) -> Any:
    """A horizontal bar chart, one labelled bar per category, largest first.

    More than :data:`MAX_CATEGORY_BARS` categories are summed into "Other (n more)" so the
    chart stays legible; ``what`` names the counted thing on the axis.
    """
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import String
    from reportlab.lib import colors

    shown = list(items[:MAX_CATEGORY_BARS])
    rest = items[MAX_CATEGORY_BARS:]
    if rest:
        shown.append((f"Other ({len(rest)} more)", sum(count for _n, count in rest)))
    shown.reverse()  # reportlab draws the first category at the bottom
    bar_space = 17.0
    label_width = min(190.0, width * 0.42)
    height = 50 + bar_space * len(shown)
    drawing = _drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 28
    chart.width, chart.height = width - label_width - 30, bar_space * len(shown)
    chart.data = [[count for _name, count in shown]]
    top = _nice_max(max((count for _n, count in shown), default=1))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.Color(*GRID_GREY)
    names = [printable(name) for name, _count in shown]
    chart.categoryAxis.categoryNames = [
        name if len(name) <= 38 else name[:37] + "…" for name in names
    ]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].fillColor = colors.Color(*BAR_GREY)
    chart.bars[0].strokeColor = colors.black
    chart.bars[0].strokeWidth = 0.5
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(label_width, 6, what, fontName=SANS, fontSize=7.5))
    return drawing
