"""A tutor's small course certificate authority that turns student CSRs into certificates.

Why a CA at all: it is the only trust option that made poppler report "Certificate is
Trusted" offline, and assessors then install one certificate per course instead of one
fingerprint per student (security-notes §0.7, §4). ``path_len=0`` means the CA can issue
student certificates but no further CAs.

Storage is the caller's concern: this module only produces and parses bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from portfolio_app.core.signing.errors import CertificateAuthorityError, IdentityError
from portfolio_app.core.signing.identity import (
    build_subject,
    leaf_extensions,
    load_certificate,
    load_private_key,
)

DEFAULT_CA_VALID_DAYS = 3650
DEFAULT_ISSUE_VALID_DAYS = 1095
_CLOCK_SKEW = dt.timedelta(minutes=5)
_MIN_RSA_BITS = 2048
_ACCEPTED_CURVES = (ec.SECP256R1, ec.SECP384R1)


@dataclass(frozen=True)
class CourseAuthority:
    """A CA key (unencrypted PKCS#8 PEM, hidden from ``repr``) and its self-signed certificate."""

    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes


def create_ca(
    name: str,
    institution: str,
    valid_days: int = DEFAULT_CA_VALID_DAYS,
    now: dt.datetime | None = None,
) -> CourseAuthority:
    """Make a P-256 CA key and a self-signed CA certificate named after the course."""
    if valid_days <= 0:
        raise CertificateAuthorityError("A CA must be valid for at least one day.")
    now = now or dt.datetime.now(dt.UTC)
    try:
        subject = build_subject(name, institution=institution)
    except IdentityError as exc:
        raise CertificateAuthorityError(str(exc)) from exc
    key = ec.generate_private_key(ec.SECP256R1())
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return CourseAuthority(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def _load_pair(
    ca: CourseAuthority,
) -> tuple[ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, x509.Certificate]:
    try:
        key = load_private_key(ca.private_key_pem)
        cert = load_certificate(ca.certificate_pem)
    except IdentityError as exc:
        raise CertificateAuthorityError(f"The course CA is unreadable: {exc}") from exc
    own = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certified = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if own != certified:
        raise CertificateAuthorityError("The CA key does not belong to the CA certificate.")
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is None or not basic.ca:
        raise CertificateAuthorityError("This certificate is not a CA certificate.")
    return key, cert


def _check_csr_key(public_key: object) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
    """Refuse keys that common PDF readers cannot verify (e.g. Ed25519, small RSA)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if not isinstance(public_key.curve, _ACCEPTED_CURVES):
            raise CertificateAuthorityError(
                f"The request uses the {public_key.curve.name} curve; use P-256 or P-384."
            )
        return public_key
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < _MIN_RSA_BITS:
            raise CertificateAuthorityError("The request's RSA key is too short.")
        return public_key
    raise CertificateAuthorityError(
        "The request's key type cannot make PDF signatures that readers verify."
    )


def issue_certificate(
    ca: CourseAuthority,
    csr_pem: bytes,
    valid_days: int = DEFAULT_ISSUE_VALID_DAYS,
    now: dt.datetime | None = None,
) -> bytes:
    """Issue a student signing certificate (PEM) for a CSR.

    The CSR's own signature is checked (so the requester holds the key), its subject is copied
    as is, and extensions in the request are ignored: the CA decides the key usage. The
    certificate never outlives the CA certificate, because validators would reject the tail.
    """
    if valid_days <= 0:
        raise CertificateAuthorityError("A certificate must be valid for at least one day.")
    key, ca_cert = _load_pair(ca)
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError as exc:
        raise CertificateAuthorityError("This is not a readable certificate request.") from exc
    if not csr.is_signature_valid:
        raise CertificateAuthorityError(
            "The certificate request's signature does not verify; it was altered or damaged."
        )
    public_key = _check_csr_key(csr.public_key())
    if not csr.subject.rdns:
        raise CertificateAuthorityError("The certificate request names nobody.")
    now = now or dt.datetime.now(dt.UTC)
    not_after = min(now + dt.timedelta(days=valid_days), ca_cert.not_valid_after_utc)
    if not_after <= now:
        raise CertificateAuthorityError("The course CA certificate has expired.")
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(max(now - _CLOCK_SKEW, ca_cert.not_valid_before_utc))
        .not_valid_after(not_after)
    )
    builder = leaf_extensions(builder, public_key).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
    )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def serialize_ca(ca: CourseAuthority, passphrase: bytes | None = None) -> bytes:
    """One PEM blob: the PKCS#8 key (encrypted when a passphrase is given) then the certificate."""
    key, _ = _load_pair(ca)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return key_pem + ca.certificate_pem


def load_ca(pem: bytes, passphrase: bytes | None = None) -> CourseAuthority:
    """Parse what :func:`serialize_ca` wrote (key and certificate in any order)."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except TypeError as exc:  # encrypted but no passphrase, or the reverse
        raise CertificateAuthorityError(
            "The CA key is protected by a passphrase." if passphrase is None else str(exc)
        ) from exc
    except ValueError as exc:
        raise CertificateAuthorityError(
            "The CA key is unreadable or the passphrase is wrong."
        ) from exc
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise CertificateAuthorityError("The CA file has no readable certificate.") from exc
    if len(certs) != 1:
        raise CertificateAuthorityError("The CA file must hold exactly one certificate.")
    ca = CourseAuthority(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=certs[0].public_bytes(serialization.Encoding.PEM),
    )
    _load_pair(ca)
    return ca
