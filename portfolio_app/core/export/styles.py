"""Page geometry and paragraph styles of the portfolio PDF.

Made for paper first (design.md §6): A4, black text, greys only where a shade helps, and every
meaning in words (a gap in the coverage table says "No evidence yet"; colour never carries
meaning alone). One body font at 10 pt with 14 pt leading reads well when printed and keeps a
300-word reflection to about a page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from portfolio_app.core.export.fonts import MONO, SANS, SANS_BOLD, SANS_ITALIC, register_fonts

MM = 72 / 25.4
PAGE_WIDTH = 210 * MM
PAGE_HEIGHT = 297 * MM
LEFT_MARGIN = 20 * MM
RIGHT_MARGIN = 20 * MM
TOP_MARGIN = 22 * MM
BOTTOM_MARGIN = 20 * MM
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN

INK = (0.0, 0.0, 0.0)
GREY_TEXT = (0.30, 0.30, 0.30)
RULE_GREY = (0.55, 0.55, 0.55)
SHADE = (0.90, 0.90, 0.90)
LIGHT_SHADE = (0.95, 0.95, 0.95)


@dataclass(frozen=True)
class Styles:
    """Every paragraph style the document uses, by role."""

    body: Any
    small: Any
    meta: Any
    blank: Any
    title: Any
    subtitle: Any
    cover_name: Any
    h1: Any
    h2: Any
    h3: Any
    entry_heading: Any
    section_heading: Any
    md_h1: Any
    md_h2: Any
    md_h3: Any
    code: Any
    quote: Any
    cell: Any
    cell_bold: Any
    toc_title: Any


@functools.cache
def make_styles() -> Styles:
    """Build the styles once (fonts must be registered first, which this does)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    grey = colors.Color(*GREY_TEXT)
    body = ParagraphStyle(
        "body",
        fontName=SANS,
        fontSize=10,
        leading=14,
        spaceAfter=5,
        textColor=colors.black,
        splitLongWords=1,
        bulletFontName=SANS,  # reportlab's default would pull in unembedded Helvetica
        allowWidows=0,
        allowOrphans=0,
    )

    def derive(name: str, **kw: Any) -> Any:
        return ParagraphStyle(name, parent=body, **kw)

    return Styles(
        body=body,
        small=derive("small", fontSize=8.5, leading=11, spaceAfter=3),
        meta=derive("meta", fontSize=8.5, leading=11.5, spaceAfter=2, textColor=grey),
        blank=derive("blank", fontName=SANS_ITALIC, textColor=grey),
        title=derive("title", fontName=SANS_BOLD, fontSize=26, leading=32, spaceAfter=6),
        subtitle=derive("subtitle", fontSize=13, leading=18, spaceAfter=18, textColor=grey),
        cover_name=derive("cover_name", fontName=SANS_BOLD, fontSize=18, leading=24, spaceAfter=4),
        h1=derive("h1", fontName=SANS_BOLD, fontSize=17, leading=22, spaceBefore=0, spaceAfter=10),
        h2=derive("h2", fontName=SANS_BOLD, fontSize=13.5, leading=18, spaceBefore=6, spaceAfter=4),
        h3=derive("h3", fontName=SANS_BOLD, fontSize=11, leading=15, spaceBefore=4, spaceAfter=3),
        entry_heading=derive(
            "entry_heading",
            fontName=SANS_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=4,
            spaceAfter=2,
        ),
        section_heading=derive(
            "section_heading",
            fontName=SANS_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=5,
            spaceAfter=2,
        ),
        md_h1=derive(
            "md_h1", fontName=SANS_BOLD, fontSize=10.5, leading=14, spaceBefore=4, keepWithNext=1
        ),
        md_h2=derive(
            "md_h2", fontName=SANS_BOLD, fontSize=10, leading=14, spaceBefore=3, keepWithNext=1
        ),
        md_h3=derive(
            "md_h3",
            fontName=SANS_ITALIC,
            fontSize=10,
            leading=14,
            spaceBefore=2,
            keepWithNext=1,
        ),
        code=derive(
            "code",
            fontName=MONO,
            fontSize=8.5,
            leading=11,
            backColor=colors.Color(*LIGHT_SHADE),
            borderPadding=3,
            spaceBefore=3,
            spaceAfter=8,
            leftIndent=4,
            rightIndent=4,
        ),
        quote=derive("quote", textColor=colors.Color(0.15, 0.15, 0.15)),
        cell=derive("cell", fontSize=8.5, leading=11, spaceAfter=0),
        cell_bold=derive("cell_bold", fontName=SANS_BOLD, fontSize=8.5, leading=11, spaceAfter=0),
        toc_title=derive("toc_title", fontName=SANS_BOLD, fontSize=17, leading=22),
    )
