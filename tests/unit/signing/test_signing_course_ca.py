"""The tutor's course CA: creation, issuing from a CSR, and PEM round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from portfolio_app.core.signing.course_ca import (
    CourseAuthority,
    create_ca,
    issue_certificate,
    load_ca,
    serialize_ca,
)
from portfolio_app.core.signing.errors import CertificateAuthorityError
from portfolio_app.core.signing.identity import create_identity, make_csr


@pytest.fixture(scope="module")
def ca() -> CourseAuthority:
    return create_ca("IPL Course 2025 CA", "University of Leicester")


def test_ca_certificate_is_a_path_len_zero_signing_ca(ca: CourseAuthority) -> None:
    cert = x509.load_pem_x509_certificate(ca.certificate_pem)
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical
    assert basic.value.ca is True
    assert basic.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature
    key = serialization.load_pem_private_key(ca.private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    cert.verify_directly_issued_by(cert)
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert org == "University of Leicester"
    assert "PRIVATE" not in repr(ca)


def test_issue_copies_subject_and_sets_leaf_extensions(ca: CourseAuthority) -> None:
    student = create_identity("Zoë Ñúñez", "STU-2025-0042", programme="BSc", institution="Uni")
    now = dt.datetime.now(dt.UTC)
    leaf = x509.load_pem_x509_certificate(
        issue_certificate(ca, make_csr(student), valid_days=365, now=now)
    )
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem)
    leaf.verify_directly_issued_by(ca_cert)
    assert leaf.subject == x509.load_pem_x509_certificate(student.certificate_pem).subject
    assert leaf.issuer == ca_cert.subject
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    assert leaf.not_valid_after_utc <= ca_cert.not_valid_after_utc
    assert (leaf.not_valid_after_utc - now).days in {364, 365}


def test_issue_never_outlives_the_ca() -> None:
    short_ca = create_ca("Short CA", "Uni", valid_days=10)
    student = create_identity("Alex", "S-1")
    leaf = x509.load_pem_x509_certificate(
        issue_certificate(short_ca, make_csr(student), valid_days=1095)
    )
    ca_cert = x509.load_pem_x509_certificate(short_ca.certificate_pem)
    assert leaf.not_valid_after_utc == ca_cert.not_valid_after_utc


def test_issue_refuses_a_tampered_csr(ca: CourseAuthority) -> None:
    student = create_identity("Alex", "S-2")
    csr_der = x509.load_pem_x509_csr(make_csr(student)).public_bytes(serialization.Encoding.DER)
    tampered = bytearray(csr_der)
    tampered[-5] ^= 0x01  # inside the signature value
    tampered_pem = x509.load_der_x509_csr(bytes(tampered)).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(CertificateAuthorityError, match="does not verify"):
        issue_certificate(ca, tampered_pem)


def test_issue_refuses_ed25519_requests(ca: CourseAuthority) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ed")]))
        .sign(key, None)
    )
    with pytest.raises(CertificateAuthorityError, match="key type"):
        issue_certificate(ca, csr.public_bytes(serialization.Encoding.PEM))


def test_issue_refuses_garbage_and_non_ca(ca: CourseAuthority) -> None:
    with pytest.raises(CertificateAuthorityError):
        issue_certificate(ca, b"not a csr")
    student = create_identity("Alex", "S-3")
    not_a_ca = CourseAuthority(student.private_key_pem, student.certificate_pem)
    with pytest.raises(CertificateAuthorityError, match="not a CA"):
        issue_certificate(not_a_ca, make_csr(student))
    mismatched = CourseAuthority(student.private_key_pem, ca.certificate_pem)
    with pytest.raises(CertificateAuthorityError, match="does not belong"):
        issue_certificate(mismatched, make_csr(student))


def test_serialize_and_load_round_trip_with_and_without_passphrase(ca: CourseAuthority) -> None:
    plain = serialize_ca(ca)
    assert load_ca(plain) == ca
    protected = serialize_ca(ca, b"tutor passphrase")
    assert b"BEGIN REFLECTIVE PORTFOLIO CA KEY" in protected
    assert b"PRIVATE KEY-----" not in protected
    assert load_ca(protected, b"tutor passphrase") == ca
    with pytest.raises(CertificateAuthorityError):
        load_ca(protected, b"wrong")
    with pytest.raises(CertificateAuthorityError, match="passphrase"):
        load_ca(protected)


def test_loaded_ca_still_issues_verifiable_certificates(ca: CourseAuthority) -> None:
    reloaded = load_ca(serialize_ca(ca, b"pw"), b"pw")
    student = create_identity("Alex", "S-4")
    leaf = x509.load_pem_x509_certificate(issue_certificate(reloaded, make_csr(student)))
    leaf.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.certificate_pem))
    # and the signature is really ECDSA-SHA256 by the CA key
    assert isinstance(leaf.signature_hash_algorithm, hashes.SHA256)


def test_ca_key_is_argon2id_at_the_vault_parameters_and_its_header_is_bound(
    ca: CourseAuthority,
) -> None:
    import base64
    import json

    from portfolio_app.core.signing.course_ca import KEY_BLOCK, read_ca_file
    from portfolio_app.core.vault.kdf import DEFAULT_PARAMS

    protected = serialize_ca(ca, b"tutor passphrase")
    inner = protected.split(f"-----BEGIN {KEY_BLOCK}-----".encode())[1]
    inner = inner.split(f"-----END {KEY_BLOCK}-----".encode())[0]
    header = json.loads(base64.b64decode(inner))
    assert header["kdf"]["name"] == "argon2id"
    assert (header["kdf"]["m"], header["kdf"]["t"], header["kdf"]["p"]) == (
        DEFAULT_PARAMS.memory_kib,
        DEFAULT_PARAMS.iterations,
        DEFAULT_PARAMS.lanes,
    )
    assert read_ca_file(protected, b"tutor passphrase").legacy_protection is False
    # Lowering the work factor in the header (to guess faster) breaks the seal.
    header["kdf"]["t"] = 1
    edited_inner = base64.encodebytes(json.dumps(header).encode())
    edited = protected.replace(inner, b"\n" + edited_inner)
    with pytest.raises(CertificateAuthorityError):
        load_ca(edited, b"tutor passphrase")


def test_older_pbkdf2_ca_files_still_load_and_are_flagged_for_upgrade(ca: CourseAuthority) -> None:
    from cryptography.hazmat.primitives import serialization as ser

    from portfolio_app.core.signing.course_ca import read_ca_file
    from portfolio_app.core.signing.identity import load_private_key

    key = load_private_key(ca.private_key_pem)
    old = (
        key.private_bytes(
            ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.BestAvailableEncryption(b"old pw")
        )
        + ca.certificate_pem
    )
    loaded = read_ca_file(old, b"old pw")
    assert loaded.ca == ca
    assert loaded.legacy_protection is True
