"""Signing identities, a course CA, PAdES signing/countersigning and offline verification.

Qt-free. Modules, one job each:

* ``identity``: P-256 key + certificate (:class:`Identity`), fingerprints, CSR, chain import.
* ``course_ca``: a tutor's course CA that issues student certificates from CSRs.
* ``pdf_signing``: :func:`sign_portfolio` (student certification) and :func:`countersign`.
* ``verification``: :func:`verify_pdf` -> :class:`VerificationReport` with one :class:`Verdict`.
* ``appearance``, ``attachments``, ``notes``, ``log_routing``: the pieces those use.
* ``pdfsig``: poppler's ``pdfsig`` as an independent second opinion.

Names are re-exported lazily: importing this package does not import pyHanko (~0.5 s), so the
GUI starts fast and pays for pyHanko only when it signs or verifies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portfolio_app.core.signing.course_ca import (
        CourseAuthority,
        create_ca,
        issue_certificate,
        load_ca,
        serialize_ca,
    )
    from portfolio_app.core.signing.errors import (
        CertificateAuthorityError,
        CountersignRefusedError,
        IdentityError,
        SigningError,
        VerificationInputError,
    )
    from portfolio_app.core.signing.identity import (
        Identity,
        create_identity,
        fingerprint_sha256,
        import_certificate_chain,
        make_csr,
        normalise_fingerprint,
        subject_summary,
    )
    from portfolio_app.core.signing.notes import CountersignatureNotes, Decision
    from portfolio_app.core.signing.pdf_signing import SignatureBox, countersign, sign_portfolio
    from portfolio_app.core.signing.verification import (
        SignatureCheck,
        SignatureRole,
        Verdict,
        VerificationReport,
        extract_embedded_json,
        read_countersignature_notes,
        verify_pdf,
    )

_EXPORTS = {
    "CourseAuthority": "course_ca",
    "create_ca": "course_ca",
    "issue_certificate": "course_ca",
    "load_ca": "course_ca",
    "serialize_ca": "course_ca",
    "CertificateAuthorityError": "errors",
    "CountersignRefusedError": "errors",
    "IdentityError": "errors",
    "SigningError": "errors",
    "VerificationInputError": "errors",
    "Identity": "identity",
    "create_identity": "identity",
    "fingerprint_sha256": "identity",
    "import_certificate_chain": "identity",
    "make_csr": "identity",
    "normalise_fingerprint": "identity",
    "subject_summary": "identity",
    "CountersignatureNotes": "notes",
    "Decision": "notes",
    "SignatureBox": "pdf_signing",
    "countersign": "pdf_signing",
    "sign_portfolio": "pdf_signing",
    "SignatureCheck": "verification",
    "SignatureRole": "verification",
    "VerificationReport": "verification",
    "Verdict": "verification",
    "extract_embedded_json": "verification",
    "read_countersignature_notes": "verification",
    "verify_pdf": "verification",
}

__all__ = [
    "CertificateAuthorityError",
    "CountersignRefusedError",
    "CountersignatureNotes",
    "CourseAuthority",
    "Decision",
    "Identity",
    "IdentityError",
    "SignatureBox",
    "SignatureCheck",
    "SignatureRole",
    "SigningError",
    "Verdict",
    "VerificationInputError",
    "VerificationReport",
    "countersign",
    "create_ca",
    "create_identity",
    "extract_embedded_json",
    "fingerprint_sha256",
    "import_certificate_chain",
    "issue_certificate",
    "load_ca",
    "make_csr",
    "normalise_fingerprint",
    "read_countersignature_notes",
    "serialize_ca",
    "sign_portfolio",
    "subject_summary",
    "verify_pdf",
]


def __getattr__(name: str) -> Any:
    """Import the defining module on first use of a re-exported name."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
