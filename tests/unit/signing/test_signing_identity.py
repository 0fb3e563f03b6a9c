"""Identity, fingerprint, CSR and certificate-chain import."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.signing.course_ca import create_ca, issue_certificate
from portfolio_app.core.signing.errors import IdentityError, VerificationInputError
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    fingerprint_sha256,
    import_certificate_chain,
    make_csr,
    normalise_fingerprint,
    subject_summary,
)


def test_create_identity_makes_p256_key_and_self_signed_leaf_certificate() -> None:
    now = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
    ident = create_identity(
        "Σοφία Παπαδοπούλου",
        "STU-1",
        programme="MPharm",
        institution="Uni",
        profession="Pharmacy",
        valid_days=30,
        now=now,
    )
    key = serialization.load_pem_private_key(ident.private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    assert b"BEGIN PRIVATE KEY" in ident.private_key_pem  # PKCS#8, unencrypted
    cert = x509.load_pem_x509_certificate(ident.certificate_pem)
    assert cert.subject == cert.issuer
    cert.verify_directly_issued_by(cert)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Σοφία Παπαδοπούλου"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "STU-1"
    assert cert.not_valid_after_utc == now + dt.timedelta(days=30)
    assert cert.not_valid_before_utc < now
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert ident.chain_pem == ()


def test_identity_repr_never_shows_the_private_key() -> None:
    ident = create_identity("Alex Student", "S-2")
    assert "PRIVATE" not in repr(ident)
    assert ident.private_key_pem.decode() not in repr(ident)


def test_subject_summary_reads_back_the_profile_fields() -> None:
    ident = create_identity(
        "Zoë Ñúñez", "STU_2025/7", programme="BSc Nursing", institution="Uni of X"
    )
    assert subject_summary(ident.certificate_pem) == {
        "name": "Zoë Ñúñez",
        "student_id": "STU_2025/7",  # '_' is not PrintableString: stored as UTF8String
        "institution": "Uni of X",
        "programme": "BSc Nursing",
        "profession": None,
    }


@pytest.mark.parametrize(("name", "student_id"), [("", "S-1"), ("  ", "S-1"), ("Alex", " ")])
def test_create_identity_refuses_blank_name_or_id(name: str, student_id: str) -> None:
    with pytest.raises(IdentityError):
        create_identity(name, student_id)


def test_fingerprint_is_sha256_of_der_in_colon_hex() -> None:
    ident = create_identity("Alex Student", "S-3")
    der = x509.load_pem_x509_certificate(ident.certificate_pem).public_bytes(
        serialization.Encoding.DER
    )
    expected = hashlib.sha256(der).hexdigest().upper()
    fingerprint = fingerprint_sha256(ident.certificate_pem)
    assert fingerprint.replace(":", "") == expected
    assert len(fingerprint) == 95
    assert fingerprint_sha256(der) == fingerprint  # DER input accepted too


@pytest.mark.parametrize(
    "typed",
    [
        "ab" * 32,
        "AB" * 32,
        ":".join(["aB"] * 32),
        "  " + " ".join(["ab"] * 32) + "\n",
        "SHA256:" + "ab" * 32,
    ],
)
def test_normalise_fingerprint_accepts_user_typing(typed: str) -> None:
    assert normalise_fingerprint(typed) == ":".join(["AB"] * 32)


@pytest.mark.parametrize("typed", ["", "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 20 + "-" * 24])
def test_normalise_fingerprint_rejects_malformed_input(typed: str) -> None:
    with pytest.raises(VerificationInputError) as info:
        normalise_fingerprint(typed)
    assert isinstance(info.value, PortfolioError)
    assert "64 hexadecimal" in info.value.user_message


def test_csr_carries_the_identity_subject_and_key_and_verifies() -> None:
    ident = create_identity("Alex Student", "S-4", institution="Uni")
    csr = x509.load_pem_x509_csr(make_csr(ident))
    assert csr.is_signature_valid
    cert = x509.load_pem_x509_certificate(ident.certificate_pem)
    assert csr.subject == cert.subject
    assert csr.public_key() == cert.public_key()


def test_import_chain_round_trip_through_course_ca() -> None:
    ident = create_identity("Alex Student", "S-5")
    ca = create_ca("IPL Course 2025", "Uni")
    issued = issue_certificate(ca, make_csr(ident))
    updated = import_certificate_chain(ident, issued + ca.certificate_pem)
    assert updated.private_key_pem == ident.private_key_pem
    assert updated.certificate_pem == issued
    assert updated.chain_pem == (ca.certificate_pem,)
    leaf = x509.load_pem_x509_certificate(updated.certificate_pem)
    leaf.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.certificate_pem))
    # The order in the bundle does not matter.
    assert import_certificate_chain(ident, ca.certificate_pem + issued) == updated


def test_import_chain_refuses_a_certificate_for_another_key() -> None:
    ident = create_identity("Alex Student", "S-6")
    someone_else = create_identity("Sam Other", "S-7")
    with pytest.raises(IdentityError, match="matches this portfolio's signing key"):
        import_certificate_chain(ident, someone_else.certificate_pem)


def test_import_chain_refuses_issuers_that_did_not_issue_the_leaf() -> None:
    ident = create_identity("Alex Student", "S-8")
    real_ca = create_ca("Real Course", "Uni")
    other_ca = create_ca("Other Course", "Uni")
    issued = issue_certificate(real_ca, make_csr(ident))
    with pytest.raises(IdentityError, match="not issued by"):
        import_certificate_chain(ident, issued + other_ca.certificate_pem)


def test_import_chain_refuses_garbage() -> None:
    ident = create_identity("Alex Student", "S-9")
    with pytest.raises(IdentityError):
        import_certificate_chain(
            ident, b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"
        )
    with pytest.raises(IdentityError):
        import_certificate_chain(ident, b"\x00\x01not der")


def test_identity_is_immutable() -> None:
    ident = create_identity("Alex Student", "S-10")
    with pytest.raises(AttributeError):
        ident.certificate_pem = b""  # type: ignore[misc]
    assert isinstance(ident, Identity)
