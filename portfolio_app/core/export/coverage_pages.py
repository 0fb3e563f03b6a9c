"""Pieces of the PDF's competency-coverage pages: evidence bars and the self-rating heat map.

Everything prints in greys with the numbers written out, so a photocopy loses nothing: an
evidence bar always has its count beside it, and a heat-map cell always shows the rating
(the shade only repeats it). The table layout itself lives in :mod:`.document`.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from portfolio_app.core.export.fonts import SANS

BAR_GREY = (0.35, 0.35, 0.35)
#: Widest the self-rating heat map gets before older terms are left out (columns).
MAX_TERMS = 9


class CountBar(Flowable):  # type: ignore[misc]  # reportlab ships no type information
    """A horizontal bar for an evidence count, scaled to the largest count, with the number."""

    def __init__(self, count: int, largest: int, width: float, *, show_bar: bool = True) -> None:
        super().__init__()
        self.count = count
        self.largest = largest
        self.width = width
        self.height = 9.0
        self.show_bar = show_bar

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        text = str(self.count)
        number_width = stringWidth("000", SANS, 8.5) + 3
        room = max(0.0, self.width - number_width)
        if self.show_bar and self.count > 0 and self.largest > 0 and room > 0:
            canvas.setFillColor(colors.Color(*BAR_GREY))
            canvas.setStrokeColor(colors.black)
            canvas.setLineWidth(0.4)
            canvas.rect(0, 1, max(1.5, room * self.count / self.largest), 7, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(SANS, 8.5)
        canvas.drawRightString(self.width, 1.5, text)


def heat_shade(rating: int) -> tuple[Any, Any]:
    """Background and text colour for a self-rating cell: darker grey for a higher rating."""
    level = 0.95 - 0.13 * (max(1, min(5, rating)) - 1)  # 1 → 0.95 (pale) … 5 → 0.43
    text = colors.white if level < 0.6 else colors.black
    return colors.Color(level, level, level), text
