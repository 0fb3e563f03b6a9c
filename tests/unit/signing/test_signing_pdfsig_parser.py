"""Parsing poppler's pdfsig text (captured from poppler 22.12 on a countersigned portfolio)."""

from __future__ import annotations

from portfolio_app.core.signing.pdfsig import parse_pdfsig_output

COUNTERSIGNED = """\
Digital Signature Info of: /tmp/c.pdf
Signature #1:
  - Signature Field Name: TutorSignature
  - Signer Certificate Common Name: Tutor Tim
  - Signer full Distinguished Name: serialNumber=T-1,CN=Tutor Tim
  - Signing Time: Nov 22 2026 07:51:19
  - Signing Hash Algorithm: SHA-256
  - Signature Type: ETSI.CAdES.detached
  - Signed Ranges: [0 - 55736], [58206 - 59226]
  - Total document signed
  - Signature Validation: Signature is Valid.
  - Certificate Validation: Certificate issuer is unknown.
Signature #2:
  - Signature Field Name: StudentSignature
  - Signer Certificate Common Name: Zoë Σοφία Łukasz
  - Signer full Distinguished Name: serialNumber=STU-2025-0042,CN=Zoë Σοφία Łukasz
  - Signing Time: Nov 22 2026 07:51:19
  - Signing Hash Algorithm: SHA-256
  - Signature Type: ETSI.CAdES.detached
  - Signed Ranges: [0 - 27429], [30641 - 32170]
  - Not total document signed
  - Signature Validation: Digest Mismatch.
  - Certificate Validation: Certificate issuer is unknown.
"""


def test_parses_each_signature_block() -> None:
    tutor, student = parse_pdfsig_output(COUNTERSIGNED)
    assert tutor.number == 1
    assert tutor.signed
    assert tutor.field_name == "TutorSignature"
    assert tutor.common_name == "Tutor Tim"
    assert tutor.signature_type == "ETSI.CAdES.detached"
    assert tutor.total_document_signed is True
    assert tutor.signature_valid is True
    assert tutor.certificate_validation == "Certificate issuer is unknown."
    assert student.field_name == "StudentSignature"
    assert student.common_name == "Zoë Σοφία Łukasz"
    assert student.total_document_signed is False  # "Not total document signed"
    assert student.signature_valid is False
    assert student.signature_validation == "Digest Mismatch."


def test_empty_signature_field_is_listed_as_unsigned() -> None:
    text = (
        "Digital Signature Info of: x.pdf\n"
        "Signature #1:\n"
        "  - Signature Field Name: TutorSignature\n"
        "  The signature form field is not signed.\n"
        "Signature #2:\n"
        "  - Signature Field Name: StudentSignature\n"
        "  - Total document signed\n"
        "  - Signature Validation: Signature is Valid.\n"
    )
    empty, student = parse_pdfsig_output(text)
    assert (empty.field_name, empty.signed, empty.signature_valid) == (
        "TutorSignature",
        False,
        False,
    )
    assert (student.signed, student.signature_valid) == (True, True)
    assert student.total_document_signed


def test_unsigned_output_has_no_signatures() -> None:
    assert parse_pdfsig_output("File '/tmp/x.pdf' does not contain any signatures\n") == []
