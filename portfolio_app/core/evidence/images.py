"""Images shown inline in the PDF: decoded only after their header passed the size limits,
then downscaled so a 12-megapixel phone photo does not put 30 MB of pixels on a page.

A hostile image (dimensions that would need gigabytes to decode, a truncated or malformed
stream) is refused here with ``ValidationError`` and the export lists the file without a
picture; it never stops the export or reaches reportlab's own decoder.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.evidence.files import IMAGE_TYPES, check_image

#: Longest side of an inline image, in pixels: about 200 dpi across the text column.
INLINE_MAX_SIDE = 1400
_JPEG_QUALITY = 85


@dataclass(frozen=True)
class InlineImage:
    """A downscaled copy ready for the page (JPEG bytes) and its pixel size."""

    data: bytes
    width: int
    height: int
    reduced: bool = False


def inline_image(data: bytes, media_type: str, name: str) -> InlineImage:
    """A downscaled, orientation-corrected copy of an evidence image for the PDF."""
    if media_type not in IMAGE_TYPES:
        raise ValidationError(f"'{name}' is not an image")
    original = check_image(data, name)  # header only: dimensions within limits, no decoding
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as source:
            source.draft("RGB", (INLINE_MAX_SIDE, INLINE_MAX_SIDE))  # JPEG: decode smaller
            image = ImageOps.exif_transpose(source)
            image.thumbnail((INLINE_MAX_SIDE, INLINE_MAX_SIDE))
            if image.mode in ("RGBA", "LA", "P"):
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            # JPEG even for a PNG: reportlab embeds JPEG as it is, but re-encodes PNG as raw
            # pixels (a 1400 px screenshot would add megabytes to the PDF).
            image.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
            reduced = max(image.width, image.height) < max(original)
            return InlineImage(out.getvalue(), image.width, image.height, reduced)
    except Image.DecompressionBombError as exc:
        raise ValidationError(f"'{name}' is too large an image to show") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(f"'{name}' cannot be shown ({exc})") from exc
