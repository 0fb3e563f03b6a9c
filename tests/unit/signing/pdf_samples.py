"""Sample inputs for the signing tests: small reportlab PDFs and portfolio JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

STUDENT_NAME = "Zoë Ñúñez Łukasz"
STUDENT_ID = "STU-2025-0042"
STUDENT_BOX = (1, 40.0, 40.0, 330.0, 130.0)
TUTOR_BOX = (1, 40.0, 150.0, 330.0, 300.0)


def make_pdf(pages: int = 2, *, compress: bool = False, encrypt: str | None = None) -> bytes:
    """A reportlab PDF whose page text is ``Page <n> hello``.

    Uncompressed by default, so a test can find and flip bytes inside a content stream.
    """
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=int(compress), encrypt=encrypt)
    for number in range(pages):
        pdf.setFont("Helvetica", 14)
        pdf.drawString(72, 720, f"Page {number} hello")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def portfolio_json(student_id: str = STUDENT_ID, name: str = STUDENT_NAME) -> bytes:
    """The minimal shape of the machine-readable portfolio the verifier looks into."""
    return json.dumps(
        {"format": "reflective-portfolio", "profile": {"student_id": student_id, "name": name}},
        ensure_ascii=False,
    ).encode("utf-8")


#: Type of the ``write`` fixture: a test module must not import ``conftest`` (another folder's
#: conftest may already hold that module name), so the alias lives here.
WriteFile = Callable[[str, bytes], Path]
