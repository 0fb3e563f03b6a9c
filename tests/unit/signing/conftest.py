"""Fixtures for the signing tests: small reportlab PDFs, identities, and signed portfolios."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_samples import (
    STUDENT_BOX,
    STUDENT_ID,
    STUDENT_NAME,
    TUTOR_BOX,
    make_pdf,
    portfolio_json,
)

from portfolio_app.core.signing.course_ca import CourseAuthority, create_ca, issue_certificate
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.roles import Role


@pytest.fixture(scope="session")
def course_ca() -> CourseAuthority:
    """The course CA that issues every role certificate in these tests."""
    return create_ca("IPL Course 2025 CA", "University of Leicester")


def issued(ca: CourseAuthority, identity: Identity, role: Role) -> Identity:
    """``identity`` with a certificate for ``role`` from ``ca`` (and the CA as its chain)."""
    return import_certificate_chain(
        identity, issue_certificate(ca, make_csr(identity), role=role) + ca.certificate_pem
    )


@pytest.fixture(scope="session")
def self_signed_student() -> Identity:
    """A self-signed student identity with a Unicode name (trusted only by pinning)."""
    return create_identity(
        STUDENT_NAME,
        STUDENT_ID,
        programme="BSc Adult Nursing",
        institution="University of Leicester",
        profession="Nursing",
    )


@pytest.fixture(scope="session")
def student(self_signed_student: Identity, course_ca: CourseAuthority) -> Identity:
    """The same student with a student-role certificate from the course CA."""
    return issued(course_ca, self_signed_student, Role.STUDENT)


@pytest.fixture(scope="session")
def tutor(course_ca: CourseAuthority) -> Identity:
    """A tutor with a tutor-role certificate from the course CA."""
    return issued(course_ca, create_identity("Dr Tomás Tutor", "STAFF-7"), Role.TUTOR)


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    """A two-page unsigned PDF."""
    return make_pdf()


@pytest.fixture(scope="session")
def signed_pdf(student: Identity, unsigned_pdf: bytes) -> bytes:
    """The student's certified portfolio, with a tutor box and the JSON attached."""
    return sign_portfolio(
        unsigned_pdf,
        student,
        reason="I am the author of this portfolio",
        visible_box=STUDENT_BOX,
        countersign_box=TUTOR_BOX,
        embed_json=portfolio_json(),
    )


@pytest.fixture(scope="session")
def countersigned_pdf(signed_pdf: bytes, tutor: Identity) -> bytes:
    """``signed_pdf`` with the tutor's approval signature."""
    return countersign(
        signed_pdf,
        tutor,
        decision="partially-meets",
        comment="Strong SBAR reflection.\nLink the next plan to the pharmacist's view.",
    )


from pdf_samples import WriteFile  # noqa: E402  (test modules import it from there, not here)


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write bytes to a file in ``tmp_path`` and return its path."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write
