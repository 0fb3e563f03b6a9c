"""Signed boxes are opaque: page text the student printed under a box cannot show through it.

The student controls the page content of the certified revision. Text printed under the tutor
box ("Decision: meets" in small print where the tutor's box text does not reach) would show
through a transparent signature appearance and read as part of the signed box. Rendered with
poppler's ``pdftoppm``, as a reader would show it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from portfolio_app.core.signing.course_ca import create_ca, issue_certificate
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.roles import Role

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")

PAGE_HEIGHT = 842.0
STUDENT_BOX = (0, 40.0, 40.0, 330.0, 130.0)
TUTOR_BOX = (0, 40.0, 150.0, 330.0, 300.0)
# Bottom-right corners of the boxes: the box text (top-left aligned) never reaches them.
HIDDEN_SPOTS = {"student": (240.0, 46.0), "tutor": (240.0, 156.0)}


def _page_with_text_under_the_boxes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(595.0, PAGE_HEIGHT), invariant=1)
    pdf.setFont("Helvetica-Bold", 14)
    for x, y in HIDDEN_SPOTS.values():
        pdf.drawString(x, y, "MEETS MEETS")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _dark_pixels(pdf: bytes, spot: tuple[float, float], work: Path) -> int:
    """Dark pixels where the page text lies, rendered at 72 dpi in greyscale."""
    path = work / "page.pdf"
    path.write_bytes(pdf)
    x, y = spot
    top = int(PAGE_HEIGHT - y - 14)
    crop = ["-x", str(int(x)), "-y", str(top), "-W", "80", "-H", "14"]
    subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-singlefile", *crop, str(path), str(work / "crop")],
        check=True,
        timeout=60,
    )
    data = (work / "crop.pgm").read_bytes()
    header, pixels = data.split(b"\n255\n", 1)
    assert header.startswith(b"P5")
    return sum(1 for value in pixels if value < 128)


def _identity(ca: object, name: str, person_id: str, role: Role) -> Identity:
    person = create_identity(name, person_id)
    bundle = issue_certificate(ca, make_csr(person), role=role) + ca.certificate_pem  # type: ignore[arg-type, attr-defined]
    return import_certificate_chain(person, bundle)


def test_signed_boxes_hide_page_text_under_them(tmp_path: Path) -> None:
    ca = create_ca("Opaque test CA", "University")
    student = _identity(ca, "Sam Student", "STU-1", Role.STUDENT)
    tutor = _identity(ca, "Dr Tara Tutor", "STAFF-1", Role.TUTOR)
    unsigned = _page_with_text_under_the_boxes()
    for spot in HIDDEN_SPOTS.values():
        assert _dark_pixels(unsigned, spot, tmp_path) > 20  # the text is there to hide

    signed = sign_portfolio(
        unsigned,
        student,
        reason="Author",
        visible_box=STUDENT_BOX,
        countersign_box=TUTOR_BOX,
        embed_json=b'{"profile": {"name": "Sam Student", "student_id": "STU-1"}}',
    )
    assert _dark_pixels(signed, HIDDEN_SPOTS["student"], tmp_path) == 0

    countersigned = countersign(
        signed, tutor, decision="does-not-meet", comment="Not yet.", trust_certs_pem=[]
    )
    assert _dark_pixels(countersigned, HIDDEN_SPOTS["student"], tmp_path) == 0
    assert _dark_pixels(countersigned, HIDDEN_SPOTS["tutor"], tmp_path) == 0
