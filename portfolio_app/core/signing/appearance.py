"""The visible signature box: text drawn by reportlab, embedded as the widget's appearance.

Why not pyHanko's own text stamp: without the optional fontTools dependency it can only use
the base-14 Courier font with WinAnsi encoding, so names such as "Łukasz" or "Σοφία" would
print as garbage. reportlab (already a dependency) subsets and embeds a TrueType font with a
ToUnicode map, so the names render and ``pdftotext`` can read the box back, which is how a
tutor's decision stays machine-checkable in the printed page.

The text lives inside the signature field's appearance stream: DocMDP P=2 allows that for a
countersignature, whereas new page content after certification would break the student's
signature.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import io
import os
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.static import StaticContentStamp

# Replaced by the signing time when pyHanko builds the appearance, so the box shows the same
# instant that is written into the signature. NUL cannot come from user text (it is stripped).
SIGNING_TIME_MARK = "\x00signing-time\x00"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S %Z"

_FALLBACK_FONTS = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "arial.ttf", "Arial.ttf", "Vera.ttf")
_MAX_FONT_SIZE = 9.0
_MIN_FONT_SIZE = 4.5
_PADDING = 3.0


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """Drop control and format characters that would render as boxes or hide text."""
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            out.append(char)
    return "".join(out).strip()


@functools.lru_cache(maxsize=8)
def _load_font(path: str) -> tuple[str, frozenset[int]] | None:
    """Register a TrueType font with reportlab once; return its name and covered code points."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "PortfolioSig-" + hashlib.sha256(path.encode()).hexdigest()[:12]
    try:
        font = TTFont(name, path)
    except Exception:  # reportlab raises bare TTFError/OSError variants
        return None
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def pick_font(text: str, font_path: str | os.PathLike[str] | None) -> str:
    """The reportlab font name to use: the caller's font, else the first that covers ``text``.

    The app should pass its bundled Unicode font; the fall-backs (found on reportlab's font
    search path, ending with the Vera font reportlab ships) keep signing possible without it.
    """
    wanted = {ord(c) for c in text if not c.isspace()}
    candidates = [os.fspath(font_path)] if font_path is not None else []
    candidates.extend(_FALLBACK_FONTS)
    first: str | None = None
    for candidate in candidates:
        loaded = _load_font(candidate)
        if loaded is None:
            continue
        name, covered = loaded
        if first is None:
            first = name
        if wanted <= covered:
            return name
    return first or "Helvetica"


def _hard_wrap(line: str, font: str, size: float, width: float) -> list[str]:
    """Break a line with no spaces (a fingerprint, a URL) where it overflows."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(line, font, size) <= width:
        return [line]
    out: list[str] = []
    current = ""
    for char in line:
        if current and stringWidth(current + char, font, size) > width:
            out.append(current)
            current = char.lstrip()
        else:
            current += char
    out.append(current)
    return out


def _fit_lines(
    paragraphs: Sequence[str], font: str, width: float, height: float
) -> tuple[list[str], float]:
    """Wrap the paragraphs at the largest font size that fits; truncate at the smallest."""
    from reportlab.lib.utils import simpleSplit

    size = _MAX_FONT_SIZE
    while True:
        lines: list[str] = []
        for para in paragraphs:
            for line in simpleSplit(para, font, size, width) or [""]:
                lines.extend(_hard_wrap(line, font, size, width))
        leading = size * 1.2
        if len(lines) * leading <= height or size <= _MIN_FONT_SIZE:
            break
        size = max(_MIN_FONT_SIZE, size - 0.5)
    fits = max(1, int(height // leading))
    if len(lines) > fits:
        lines = lines[:fits]
        lines[-1] = lines[-1].rstrip()[:-1].rstrip() + "…" if lines[-1] else "…"
    return lines, size


def render_box_pdf(
    paragraphs: Sequence[str],
    width: float,
    height: float,
    font_path: str | os.PathLike[str] | None = None,
) -> bytes:
    """A one-page PDF of exactly ``width`` x ``height`` points: an opaque white box with a frame
    and the text."""
    from reportlab.pdfgen import canvas

    font = pick_font("".join(paragraphs), font_path)
    inner_w = max(1.0, width - 2 * _PADDING)
    inner_h = max(1.0, height - 2 * _PADDING)
    lines, size = _fit_lines(paragraphs, font, inner_w, inner_h)
    buf = io.BytesIO()
    # initialFontName: without it every page preamble selects the unembedded base-14 Helvetica.
    pdf = canvas.Canvas(
        buf, pagesize=(width, height), invariant=1, pageCompression=1, initialFontName=font
    )
    # Opaque: the box is painted over the page, so text the student put in the page content
    # under a signature box cannot show through what the signer's box says.
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setLineWidth(0.75)
    pdf.rect(0.5, 0.5, width - 1, height - 1)
    pdf.setFont(font, size)
    y = height - _PADDING - size
    for line in lines:
        pdf.drawString(_PADDING, y, line)
        y -= size * 1.2
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


class _PdfBytesContent(content.PdfContent):
    """Page 0 of an in-memory PDF as form XObject content (pyHanko's own class wants a path)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        super().__init__()

    def render(self) -> bytes:
        writer: BasePdfFileWriter = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self._data))
        xobj = writer.import_page_as_xobject(reader, page_ix=0)
        resource_name = b"/Sig" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[resource_name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource_name + b" Do"


@dataclass(frozen=True)
class TextBoxStampStyle(TextStampStyle):
    """A stamp style whose whole content is :func:`render_box_pdf` output.

    It subclasses ``TextStampStyle`` only so that pyHanko passes the formatted signing time
    (``ts``) into :meth:`create_stamp`.
    """

    paragraphs: tuple[str, ...] = ()
    font_path: str | None = None
    timestamp_format: str = TIMESTAMP_FORMAT
    border_width: int = 0
    background_layout: layout.SimpleBoxLayoutRule = field(
        default_factory=lambda: layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(),
        )
    )

    def create_stamp(  # type: ignore[override]  # a static stamp, not a TextStamp
        self,
        writer: BasePdfFileWriter,
        box: layout.BoxConstraints,
        text_params: dict[str, Any],
    ) -> StaticContentStamp:
        """Render the paragraphs for this exact box, with the signing time filled in."""
        signing_time = str(text_params.get("ts", ""))
        paragraphs = [p.replace(SIGNING_TIME_MARK, signing_time) for p in self.paragraphs]
        pdf = render_box_pdf(paragraphs, float(box.width), float(box.height), self.font_path)
        style = StaticStampStyle(
            background=_PdfBytesContent(pdf),
            border_width=0,
            background_opacity=1.0,
            background_layout=self.background_layout,
        )
        return StaticContentStamp(writer=writer, style=style, box=box)
