"""A student's (or tutor's) signing identity: an ECDSA P-256 key and its certificate chain.

Why P-256: poppler (and so most Linux PDF viewers) cannot verify Ed25519, and Adobe lists
ECDSA P-256/SHA-256 (security-notes §3.4). Why a self-signed certificate first: the app must
work offline from day one; a course CA can later issue a proper certificate from the CSR made
here, and :func:`import_certificate_chain` swaps it in without changing the key.

The private key is kept as unencrypted PKCS#8 PEM *in memory only*: the vault encrypts it at
rest, and the signing code hands it to pyHanko as an in-memory object, never as a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from portfolio_app.core.signing.errors import IdentityError, VerificationInputError

DEFAULT_VALID_DAYS = 1825
_CLOCK_SKEW = dt.timedelta(minutes=5)
# RFC 5280 wants serialNumber as a PrintableString; ids with other characters fall back to
# UTF8String, which every parser we use (cryptography, asn1crypto, NSS) reads.
_PRINTABLE = re.compile(r"^[A-Za-z0-9 '()+,\-./:=?]*$")
_HEX64 = re.compile(r"^[0-9A-F]{64}$")


@dataclass(frozen=True)
class Identity:
    """Key and certificates needed to sign.

    ``private_key_pem`` is unencrypted PKCS#8 PEM; it is excluded from ``repr`` so that it
    cannot leak into logs or tracebacks by accident. ``chain_pem`` holds the issuer
    certificates (empty for a self-signed identity), leaf first order not required.
    """

    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes
    chain_pem: tuple[bytes, ...] = ()


def load_certificate(data: bytes) -> x509.Certificate:
    """Parse one certificate from PEM or DER bytes, raising :class:`IdentityError` if unreadable."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise IdentityError("This is not a readable X.509 certificate.") from exc


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Parse a PEM bundle (one or more certificates) or a single DER certificate."""
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise IdentityError("The file does not contain readable X.509 certificates.") from exc
    if not certs:
        raise IdentityError("The file does not contain any certificate.")
    return certs


def load_private_key(pem: bytes) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    """Load an unencrypted PKCS#8 PEM key; only EC and RSA keys are usable for PDF signatures."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise IdentityError("The signing key is unreadable (or still encrypted).") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise IdentityError("Only ECDSA and RSA keys can make PDF signatures readers accept.")
    return key


def _name_attribute(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute[str]:
    if oid == NameOID.SERIAL_NUMBER and not _PRINTABLE.match(value):
        return x509.NameAttribute(oid, value, _type=_ASN1Type.UTF8String)
    return x509.NameAttribute(oid, value)


def build_subject(
    name: str,
    serial: str | None = None,
    *,
    institution: str | None = None,
    programme: str | None = None,
    profession: str | None = None,
) -> x509.Name:
    """Build a subject name; empty optional parts are left out rather than written blank."""
    name = name.strip()
    if not name:
        raise IdentityError("A name is needed for the certificate.")
    attrs = [_name_attribute(NameOID.COMMON_NAME, name)]
    if serial is not None:
        if not serial.strip():
            raise IdentityError("A student id is needed for the certificate.")
        attrs.append(_name_attribute(NameOID.SERIAL_NUMBER, serial.strip()))
    for oid, value in (
        (NameOID.ORGANIZATION_NAME, institution),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, programme),
        (NameOID.TITLE, profession),
    ):
        if value and value.strip():
            attrs.append(_name_attribute(oid, value.strip()))
    try:
        return x509.Name(attrs)
    except ValueError as exc:  # e.g. a CN over 64 characters
        raise IdentityError(f"The certificate subject is not valid: {exc}") from exc


def leaf_extensions(
    builder: x509.CertificateBuilder, public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey
) -> x509.CertificateBuilder:
    """Add the end-entity extensions PDF validators expect of a signing certificate.

    digital_signature + content_commitment (non-repudiation) is what pyHanko's default key usage
    check and Acrobat accept for document signatures; ca=False stops the key issuing certificates.
    """
    return (
        builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def create_identity(
    name: str,
    student_id: str,
    *,
    programme: str | None = None,
    institution: str | None = None,
    profession: str | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: dt.datetime | None = None,
) -> Identity:
    """Make a fresh P-256 key and a self-signed certificate naming the student.

    The student id goes into ``serialNumber`` so a verifier can check that the signer is the
    author named in the signed ``portfolio.json``. ``now`` is injectable for tests.
    """
    if valid_days <= 0:
        raise IdentityError("A certificate must be valid for at least one day.")
    now = now or dt.datetime.now(dt.UTC)
    subject = build_subject(
        name, student_id, institution=institution, programme=programme, profession=profession
    )
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=valid_days))
    )
    cert = leaf_extensions(builder, key.public_key()).sign(key, hashes.SHA256())
    return Identity(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def fingerprint_sha256(cert_pem: bytes) -> str:
    """SHA-256 of the DER certificate as colon-separated upper-case hex (Acrobat's format)."""
    der = load_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    return format_fingerprint(hashlib.sha256(der).hexdigest())


def format_fingerprint(hex_digest: str) -> str:
    """Format 64 hex digits as ``AB:CD:...``."""
    digits = hex_digest.upper()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def normalise_fingerprint(text: str) -> str:
    """Turn a user-typed SHA-256 fingerprint into the canonical ``AB:CD:...`` form.

    Accepts any case, with or without colons, spaces or an optional ``SHA256:`` prefix, since
    fingerprints get read out over the phone and copied from e-mails.
    """
    cleaned = text.strip()
    if cleaned.lower().startswith("sha256:") or cleaned.lower().startswith("sha-256:"):
        cleaned = cleaned.split(":", 1)[1]
    cleaned = re.sub(r"[\s:]", "", cleaned).upper()
    if not _HEX64.match(cleaned):
        raise VerificationInputError(
            "A SHA-256 fingerprint has 64 hexadecimal digits (0-9, A-F), optionally in pairs "
            f"separated by colons; got {text.strip()[:100]!r}."
        )
    return format_fingerprint(cleaned)


def make_csr(identity: Identity) -> bytes:
    """A PEM certificate signing request for the identity's key and current subject.

    The tutor's course CA turns it into a certificate (see ``course_ca.issue_certificate``);
    the key never leaves the student's vault.
    """
    key = load_private_key(identity.private_key_pem)
    cert = load_certificate(identity.certificate_pem)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(cert.subject)
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def _spki(public_key: object) -> bytes:
    if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return b""
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def import_certificate_chain(identity: Identity, pem_bytes: bytes) -> Identity:
    """Replace the identity's certificate with one issued for its key (plus issuers).

    ``pem_bytes`` is what the tutor sends back: the issued certificate, usually followed by the
    course CA certificate. We insist that some certificate in it carries *our* public key, so a
    student cannot end up signing under a certificate that names someone else's key, and that
    the issuers given (if any) really signed it.
    """
    certs = load_certificates(pem_bytes)
    own_key = _spki(load_private_key(identity.private_key_pem).public_key())
    leaves = [c for c in certs if _spki(c.public_key()) == own_key]
    if not leaves:
        raise IdentityError(
            "None of the certificates matches this portfolio's signing key. Was the certificate "
            "issued from this portfolio's certificate request?"
        )
    leaf = leaves[0]
    try:
        basic = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is not None and basic.ca:
        raise IdentityError("The certificate for the signing key is a CA certificate.")
    issuers = [c for c in certs if c is not leaf and _spki(c.public_key()) != own_key]
    if issuers and not any(_issued_by(leaf, c) for c in issuers):
        raise IdentityError(
            "The certificate was not issued by any of the CA certificates sent with it."
        )
    return Identity(
        private_key_pem=identity.private_key_pem,
        certificate_pem=leaf.public_bytes(serialization.Encoding.PEM),
        chain_pem=tuple(c.public_bytes(serialization.Encoding.PEM) for c in issuers),
    )


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    attrs = name.get_attributes_for_oid(oid)
    if not attrs:
        return None
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def subject_summary(cert_pem: bytes) -> dict[str, str | None]:
    """The human parts of a certificate subject, keyed the way the app names them."""
    return name_summary(load_certificate(cert_pem).subject)


def name_summary(name: x509.Name) -> dict[str, str | None]:
    """:func:`subject_summary` for an already parsed name."""
    return {
        "name": _first(name, NameOID.COMMON_NAME),
        "student_id": _first(name, NameOID.SERIAL_NUMBER),
        "institution": _first(name, NameOID.ORGANIZATION_NAME),
        "programme": _first(name, NameOID.ORGANIZATIONAL_UNIT_NAME),
        "profession": _first(name, NameOID.TITLE),
    }
