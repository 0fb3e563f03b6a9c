"""Poppler as the independent check: pdfsig and pdftotext on real signed files.

pdfsig exits 0 even on a digest mismatch, so every assertion reads its text.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from portfolio_app.core.signing.course_ca import CourseAuthority, create_ca, issue_certificate
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.pdfsig import PdfsigSignature, parse_pdfsig_output, run_pdfsig
from portfolio_app.core.signing.roles import Role
from portfolio_app.core.signing.verification import Verdict, verify_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdfsig, pdftotext) is not installed",
)

STUDENT_NAME = "Zoë Ñúñez Łukasz"
GREEK_NAME = "Σοφία Παπαδοπούλου"


def _make_pdf(pages: int = 2) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=0)
    for number in range(pages):
        pdf.setFont("Helvetica", 14)
        pdf.drawString(72, 720, f"Page {number} hello")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _sign(identity: Identity) -> bytes:
    return sign_portfolio(
        _make_pdf(),
        identity,
        reason="I am the author of this portfolio",
        visible_box=(1, 40, 40, 330, 130),
        countersign_box=(1, 40, 150, 330, 300),
    )


@pytest.fixture(scope="module")
def course_ca() -> CourseAuthority:
    return create_ca("IPL course CA", "Uni")


def _issued(ca: CourseAuthority, identity: Identity, role: Role) -> Identity:
    bundle = issue_certificate(ca, make_csr(identity), role=role) + ca.certificate_pem
    return import_certificate_chain(identity, bundle)


@pytest.fixture(scope="module")
def student(course_ca: CourseAuthority) -> Identity:
    return _issued(
        course_ca, create_identity(STUDENT_NAME, "STU-1", institution="Uni"), Role.STUDENT
    )


@pytest.fixture(scope="module")
def tutor(course_ca: CourseAuthority) -> Identity:
    return _issued(course_ca, create_identity("Dr Tomás Tutor", "STAFF-7"), Role.TUTOR)


def _pdfsig(path: Path) -> dict[str, PdfsigSignature]:
    """Signed fields by name (pdfsig also lists the empty tutor field)."""
    return {s.field_name or "": s for s in parse_pdfsig_output(run_pdfsig(path)) if s.signed}


def _pdftotext(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def test_pdfsig_reports_signed_portfolio_valid_and_total(student: Identity, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(_sign(student))
    text = run_pdfsig(path)
    assert "Signature is Valid." in text
    assert "Total document signed" in text
    tutor_box, sig = sorted(parse_pdfsig_output(text), key=lambda s: s.signed)
    assert tutor_box.field_name == "TutorSignature"
    assert not tutor_box.signed  # the empty box the tutor will fill
    assert sig.field_name == "StudentSignature"
    assert sig.common_name == STUDENT_NAME
    assert sig.signature_type == "ETSI.CAdES.detached"
    assert sig.signature_valid
    assert sig.total_document_signed


def test_pdfsig_says_digest_mismatch_for_flipped_byte(student: Identity, tmp_path: Path) -> None:
    signed = _sign(student)
    assert signed.count(b"(Page 0 hello)") == 1
    path = tmp_path / "tampered.pdf"
    path.write_bytes(signed.replace(b"(Page 0 hello)", b"(Page 0 hellp)"))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0  # the reason the text, not the exit status, is checked
    assert "Digest Mismatch." in result.stdout
    assert "Signature is Valid." not in result.stdout
    assert verify_pdf(path.read_bytes()).exit_code == 1


def test_page_swap_after_signing_passes_pdfsig_but_not_our_verifier(
    student: Identity, tmp_path: Path
) -> None:
    """pdfsig does no change analysis: 'Valid' + 'Not total document signed' hides a forgery."""
    writer = IncrementalPdfFileWriter(io.BytesIO(_sign(student)))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (FORGED PAGE) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "forged.pdf"
    path.write_bytes(out.getvalue())
    sig = _pdfsig(path)["StudentSignature"]
    assert sig.signature_valid
    assert not sig.total_document_signed
    assert verify_pdf(path.read_bytes()).verdict is Verdict.BROKEN_OR_MODIFIED


def test_countersigned_portfolio_valid_in_pdfsig_and_decision_readable(
    student: Identity, tutor: Identity, course_ca: CourseAuthority, tmp_path: Path
) -> None:
    path = tmp_path / "countersigned.pdf"
    path.write_bytes(
        countersign(
            _sign(student),
            tutor,
            decision="does-not-meet",
            comment="Reflection lacks the patient's perspective.",
        )
    )
    sigs = _pdfsig(path)
    assert set(sigs) == {"StudentSignature", "TutorSignature"}
    assert sigs["StudentSignature"].signature_valid
    assert not sigs["StudentSignature"].total_document_signed
    assert sigs["TutorSignature"].signature_valid
    assert sigs["TutorSignature"].total_document_signed  # the last signature covers everything
    report = verify_pdf(path.read_bytes(), trust_certs_pem=[course_ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    text = _pdftotext(path)
    assert "Decision: does-not-meet" in text
    assert "Reflection lacks the patient's perspective." in text
    assert "Tutor countersignature by Dr Tomás Tutor" in text
    assert f"Digitally signed by {STUDENT_NAME}" in text
    assert "(signer's own clock)" in text


def test_countersigned_and_tampered_gives_digest_mismatch_for_both(
    student: Identity, tutor: Identity, tmp_path: Path
) -> None:
    done = countersign(_sign(student), tutor, decision="meets", comment="Good.")
    path = tmp_path / "both.pdf"
    path.write_bytes(done.replace(b"(Page 1 hello)", b"(Page 1 jello)"))
    sigs = _pdfsig(path)
    assert [s.signature_validation for s in sigs.values()] == ["Digest Mismatch."] * 2
    assert verify_pdf(path.read_bytes()).exit_code == 1


def test_greek_name_renders_in_the_signature_box(tmp_path: Path) -> None:
    """Needs a font covering Greek (the app passes its bundled one; DejaVu is the fallback)."""
    from portfolio_app.core.signing.appearance import pick_font

    if pick_font(GREEK_NAME, None) in {"Helvetica"} or "Vera" in pick_font(GREEK_NAME, None):
        pytest.skip("no TrueType font covering Greek is installed")
    identity = create_identity(GREEK_NAME, "STU-9")
    path = tmp_path / "greek.pdf"
    path.write_bytes(_sign(identity))
    assert f"Digitally signed by {GREEK_NAME}" in _pdftotext(path)
    assert _pdfsig(path)["StudentSignature"].common_name == GREEK_NAME
