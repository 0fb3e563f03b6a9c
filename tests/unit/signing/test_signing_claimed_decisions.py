"""A decision in a staff box counts only when a trusted signer of that box's role made it.

Found in review: ``verify --trust student.pem`` on a file whose tutor box was signed with a
certificate the student issued printed "Decision: meets (meets the standard)" under exit 2.
An assessor skimming the report reads a decision that nobody confirmed. It must read as a
claim that does not count, in the text, the JSON and the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pdf_samples import STUDENT_BOX, TUTOR_BOX, make_pdf, portfolio_json
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from portfolio_app.core.services.export_service import write_report_csv
from portfolio_app.core.signing.course_ca import CourseAuthority
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    leaf_extensions,
    load_certificate,
    load_private_key,
)
from portfolio_app.core.signing.pdf_signing import (
    _NotesPdfSigner,
    _signer,
    countersign,
    sign_portfolio,
)
from portfolio_app.core.signing.roles import Role, policies_extension
from portfolio_app.core.signing.verification import Verdict, verify_pdf


def signed_by(student: Identity) -> bytes:
    """The student's certified export with a tutor box."""
    return sign_portfolio(
        make_pdf(),
        student,
        reason="Author",
        visible_box=STUDENT_BOX,
        countersign_box=TUTOR_BOX,
        embed_json=portfolio_json(),
    )


def sign_tutor_box(pdf: bytes, identity: Identity, decision: str) -> bytes:
    """Sign the tutor box with our decision entries, as a forger's own pyHanko would."""
    out = io.BytesIO()
    _NotesPdfSigner(
        signers.PdfSignatureMetadata(
            field_name="TutorSignature",
            reason=f"Tutor countersignature: {decision}",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        ),
        signer=_signer(identity),
        extras={"/PortfolioDecision": generic.TextStringObject(decision)},
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True, output=out)
    return out.getvalue()


def _issued_by(issuer: Identity, name: str, roles: list[Role]) -> Identity:
    """A certificate for ``name`` signed with ``issuer``'s own key (as a student can do)."""
    fake = create_identity(name, "STAFF-99")
    key = load_private_key(fake.private_key_pem)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(load_certificate(fake.certificate_pem).subject)
        .issuer_name(load_certificate(issuer.certificate_pem).subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
    )
    builder = leaf_extensions(builder, key.public_key())
    if roles:
        builder = builder.add_extension(policies_extension(roles), critical=False)
    cert = builder.sign(load_private_key(issuer.private_key_pem), hashes.SHA256())
    pem = cert.public_bytes(serialization.Encoding.PEM)
    return Identity(fake.private_key_pem, pem, (issuer.certificate_pem,))


@pytest.fixture(scope="module")
def forged(self_signed_student: Identity) -> bytes:
    """The student's export with the tutor box signed "meets" by a tutor the student made."""
    signed = signed_by(self_signed_student)
    forger = _issued_by(self_signed_student, "Dr Fake Tutor", [Role.TUTOR])
    return countersign(signed, forger, decision="meets", comment="Excellent.")


def test_a_decision_by_an_unconfirmed_signer_is_a_claim_in_the_text(
    forged: bytes, self_signed_student: Identity
) -> None:
    report = verify_pdf(forged, trust_certs_pem=[self_signed_student.certificate_pem])
    assert report.verdict is Verdict.VALID_UNTRUSTED
    text = "\n".join(report.describe())
    assert "Claimed decision (not counted: signer not confirmed as a tutor): meets" in text
    assert "Decision: meets" not in text
    assert "Excellent." not in text  # the comment belongs to the claim too


def test_a_decision_by_an_unconfirmed_signer_is_null_in_the_json(
    forged: bytes, self_signed_student: Identity
) -> None:
    data = verify_pdf(forged, trust_certs_pem=[self_signed_student.certificate_pem]).to_dict()
    tutor = data["signatures"][1]
    assert tutor["decision"] is None
    assert tutor["claimed_decision"] == "meets"
    assert tutor["claimed_decision_not_counted"] == "signer not confirmed as a tutor"
    assert data["countersigned_by"][0]["decision"] is None
    assert data["countersigned_by"][0]["claimed_decision"] == "meets"


def test_a_decision_by_an_unconfirmed_signer_is_not_a_decision_in_the_csv(
    forged: bytes, self_signed_student: Identity, tmp_path: Path
) -> None:
    report = verify_pdf(forged, trust_certs_pem=[self_signed_student.certificate_pem])
    out = write_report_csv([(tmp_path / "forged.pdf", report)], tmp_path / "report.csv")
    row = next(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert row["tutor_decision"] == ""
    assert row["tutor_claimed_decision"] == "meets (not counted: signer not confirmed as a tutor)"
    assert "claimed meets (not counted)" in row["signatures"]
    assert ":meets:" not in row["signatures"]


def test_a_certificate_without_the_role_is_named_as_the_reason(
    self_signed_student: Identity,
) -> None:
    """The red team's A3: a role-less "Dr Fake Tutor" the student issued, trusted by pin."""
    no_role = _issued_by(self_signed_student, "Dr Fake Tutor", [])
    forged = sign_tutor_box(signed_by(self_signed_student), no_role, "meets")
    report = verify_pdf(forged, trust_certs_pem=[self_signed_student.certificate_pem])
    assert report.verdict is Verdict.VALID_UNTRUSTED
    tutor = report.signatures[1]
    assert tutor.decision is None
    assert tutor.claimed_decision == "meets"
    assert tutor.claimed_decision_note == (
        "signer not confirmed as a tutor; its certificate carries no tutor role"
    )
    assert all(not line.startswith("  Decision:") for line in report.describe())


def test_a_trusted_tutor_decision_still_counts(
    countersigned_pdf: bytes, course_ca: CourseAuthority
) -> None:
    report = verify_pdf(countersigned_pdf, trust_certs_pem=[course_ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED
    tutor = report.signatures[1]
    assert tutor.decision == "partially-meets"
    assert tutor.claimed_decision is None
    assert "  Decision: partially-meets (partially meets the standard)" in report.describe()
    assert "Claimed decision" not in "\n".join(report.describe())
