"""Roles, pins, CRLs and the countersign box choice, at the signing layer."""

from __future__ import annotations

import datetime as dt

import pytest
from pdf_samples import STUDENT_BOX, TUTOR_BOX, make_pdf, portfolio_json

from portfolio_app.core.signing.course_ca import (
    CourseAuthority,
    Revocation,
    build_crl,
    create_ca,
    issue_certificate,
)
from portfolio_app.core.signing.errors import (
    CertificateAuthorityError,
    CountersignRefusedError,
    VerificationInputError,
)
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    import_certificate_chain,
    load_certificate,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.roles import ARC, Role, certificate_roles
from portfolio_app.core.signing.verification import Verdict, verify_pdf


def test_role_policy_oids_sit_under_our_uuid_arc() -> None:
    assert ARC == "2.25.15203545706157488090382682971803995136"
    assert [r.policy_oid for r in Role] == [f"{ARC}.1.{n}" for n in range(1, 6)]
    assert Role.parse("Second marker") is Role.SECOND_MARKER
    with pytest.raises(ValueError, match="unknown role"):
        Role.parse("dean")


def test_issued_certificate_carries_exactly_its_role(student: Identity, tutor: Identity) -> None:
    assert certificate_roles(load_certificate(student.certificate_pem)) == {Role.STUDENT}
    assert certificate_roles(load_certificate(tutor.certificate_pem)) == {Role.TUTOR}


def test_student_only_ca_cannot_issue_a_tutor_and_verify_refuses_one() -> None:
    students_ca = create_ca("Student CA", "Uni", roles=(Role.STUDENT,))
    person = create_identity("Dr Who", "STAFF-1")
    with pytest.raises(CertificateAuthorityError, match="may not issue tutor"):
        issue_certificate(students_ca, make_csr(person), role=Role.TUTOR)


def test_separate_staff_ca_is_required_for_staff_when_given(
    signed_pdf: bytes, course_ca: CourseAuthority
) -> None:
    staff_ca = create_ca("Staff CA", "Uni", roles=(Role.TUTOR,))
    tutor = create_identity("Dr Staff", "STAFF-2")
    tutor = import_certificate_chain(
        tutor,
        issue_certificate(staff_ca, make_csr(tutor), role=Role.TUTOR) + staff_ca.certificate_pem,
    )
    done = countersign(
        signed_pdf,
        tutor,
        decision="meets",
        comment="ok",
        trust_certs_pem=[course_ca.certificate_pem],
    )
    both = verify_pdf(
        done,
        trust_certs_pem=[course_ca.certificate_pem],
        staff_certs_pem=[staff_ca.certificate_pem],
    )
    assert both.verdict is Verdict.VALID_TRUSTED, both.describe()
    # The course CA alone does not vouch for a tutor from another CA.
    assert verify_pdf(done, trust_certs_pem=[course_ca.certificate_pem]).exit_code == 2
    # A staff CA given with --trust-staff does not vouch for the student.
    assert verify_pdf(done, staff_certs_pem=[staff_ca.certificate_pem]).exit_code == 2
    with pytest.raises(VerificationInputError, match="not a CA certificate"):
        verify_pdf(done, staff_certs_pem=[tutor.certificate_pem])


def test_countersign_refuses_a_signer_without_a_staff_role(
    signed_pdf: bytes, course_ca: CourseAuthority
) -> None:
    peer = create_identity("Pat Peer", "STU-3")
    peer = import_certificate_chain(
        peer, issue_certificate(course_ca, make_csr(peer)) + course_ca.certificate_pem
    )
    with pytest.raises(CountersignRefusedError, match="not a staff role"):
        countersign(signed_pdf, peer, decision="meets", comment="ok")


def test_countersign_embeds_a_crl_and_the_file_still_verifies(
    signed_pdf: bytes, tutor: Identity, course_ca: CourseAuthority
) -> None:
    crl = build_crl(course_ca, [], number=1)
    done = countersign(
        signed_pdf,
        tutor,
        decision="meets",
        comment="ok",
        trust_certs_pem=[course_ca.certificate_pem],
        crls=[crl],
    )
    assert b"/DSS" in done and b"/CRLs" in done
    report = verify_pdf(done, trust_certs_pem=[course_ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    assert any("Validation data" in w for w in report.warnings)


def test_crl_with_invalidity_date_rejects_a_signature_after_the_compromise(
    student: Identity, course_ca: CourseAuthority
) -> None:
    signed = sign_portfolio(
        make_pdf(),
        student,
        reason="Author",
        visible_box=STUDENT_BOX,
        countersign_box=TUTOR_BOX,
        embed_json=portfolio_json(),
    )
    serial = load_certificate(student.certificate_pem).serial_number
    now = dt.datetime.now(dt.UTC)
    later = build_crl(
        course_ca,
        [
            Revocation(
                serial,
                now + dt.timedelta(days=2),
                "key-compromise",
                compromised_since=now - dt.timedelta(days=1),
            )
        ],
        number=2,
    )
    report = verify_pdf(signed, trust_certs_pem=[course_ca.certificate_pem], crls=[later])
    assert report.exit_code == 1
    assert "key compromise" in report.signatures[0].problems[0]
    other = create_ca("Other CA", "Uni")
    with pytest.raises(VerificationInputError, match="not signed by a CA you trust"):
        verify_pdf(signed, trust_certs_pem=[other.certificate_pem], crls=[later])
