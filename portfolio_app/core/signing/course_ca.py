"""A tutor's small course certificate authority that turns student CSRs into certificates.

Why a CA at all: it is the only trust option that made poppler report "Certificate is
Trusted" offline, and assessors then install one certificate per course instead of one
fingerprint per student (security-notes §0.7, §4). ``path_len=0`` means the CA can issue
student certificates but no further CAs.

Storage is the caller's concern: this module only produces and parses bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.signing.errors import CertificateAuthorityError, IdentityError
from portfolio_app.core.signing.identity import (
    build_subject,
    leaf_extensions,
    load_certificate,
    load_private_key,
)
from portfolio_app.core.signing.roles import (
    ALL_ROLES,
    Role,
    ca_permits,
    policies_extension,
    policy_oids,
)
from portfolio_app.core.vault.kdf import KdfParams, default_params, derive_key, new_salt

DEFAULT_CA_VALID_DAYS = 3650 * 2
DEFAULT_ISSUE_VALID_DAYS = 1095
#: A student certificate must outlive the programme (an MBChB lasts five or six years) plus
#: appeals and external examiners; staff certificates are renewed more often.
DEFAULT_STUDENT_VALID_YEARS = 7
DEFAULT_STAFF_VALID_YEARS = 3
CRL_VALID_DAYS = 30
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
    *,
    roles: tuple[Role, ...] = ALL_ROLES,
) -> CourseAuthority:
    """Make a P-256 CA key and a self-signed CA certificate named after the course.

    ``roles`` are the role policies the CA may issue, written into its own certificate so a
    verifier refuses, say, a "tutor" certificate from a student-only CA.
    """
    if valid_days <= 0:
        raise CertificateAuthorityError("A CA must be valid for at least one day.")
    if not roles:
        raise CertificateAuthorityError("A CA must be allowed to issue at least one role.")
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
        .add_extension(policies_extension(roles, with_notice=False), critical=False)
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


def ca_roles(ca: CourseAuthority) -> tuple[Role, ...]:
    """The roles this CA may issue (all of them for a CA made before roles existed)."""
    cert = load_certificate(ca.certificate_pem)
    oids = policy_oids(cert)
    return tuple(r for r in ALL_ROLES if ca_permits(oids, r))


def read_request(csr_pem: bytes) -> x509.CertificateSigningRequest:
    """Parse and check a CSR (its own signature, key type, a subject)."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError as exc:
        raise CertificateAuthorityError("This is not a readable certificate request.") from exc
    if not csr.is_signature_valid:
        raise CertificateAuthorityError(
            "The certificate request's signature does not verify; it was altered or damaged."
        )
    _check_csr_key(csr.public_key())
    if not csr.subject.rdns:
        raise CertificateAuthorityError("The certificate request names nobody.")
    return csr


def issue_certificate(
    ca: CourseAuthority,
    csr_pem: bytes,
    valid_days: int | None = None,
    now: dt.datetime | None = None,
    *,
    role: Role = Role.STUDENT,
) -> bytes:
    """Issue a signing certificate (PEM) with ``role`` for a CSR.

    The CSR's own signature is checked (so the requester holds the key), its subject is copied
    as is, and extensions in the request are ignored: the CA decides the key usage and the
    role, carried as a certificate policy (see ``roles``). The certificate never outlives the
    CA certificate, because validators would reject the tail.
    """
    if valid_days is None:
        years = DEFAULT_STUDENT_VALID_YEARS if role is Role.STUDENT else DEFAULT_STAFF_VALID_YEARS
        valid_days = round(years * 365.25)
    if valid_days <= 0:
        raise CertificateAuthorityError("A certificate must be valid for at least one day.")
    key, ca_cert = _load_pair(ca)
    if role not in ca_roles(ca):
        raise CertificateAuthorityError(
            f"This CA may not issue {role.label} certificates (its certificate lists: "
            f"{', '.join(r.value for r in ca_roles(ca))})."
        )
    csr = read_request(csr_pem)
    public_key = _check_csr_key(csr.public_key())
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
    builder = (
        leaf_extensions(builder, public_key)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .add_extension(policies_extension([role]), critical=False)
    )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "privilege-withdrawn": x509.ReasonFlags.privilege_withdrawn,
}
REVOCATION_REASONS = tuple(_REASONS)


@dataclass(frozen=True)
class Revocation:
    """One line of the CRL: which serial, since when, why."""

    serial: int
    revoked_at: dt.datetime
    reason: str
    compromised_since: dt.datetime | None = None


def build_crl(
    ca: CourseAuthority,
    revocations: list[Revocation],
    *,
    number: int,
    now: dt.datetime | None = None,
    valid_days: int = CRL_VALID_DAYS,
) -> bytes:
    """A CRL (PEM) signed by the CA listing ``revocations``.

    ``compromised_since`` becomes the entry's invalidityDate, so a verifier can reject
    signatures made after a key was lost even when the revocation came later.
    """
    key, ca_cert = _load_pair(ca)
    now = now or dt.datetime.now(dt.UTC)
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - _CLOCK_SKEW)
        .next_update(now + dt.timedelta(days=valid_days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    for item in revocations:
        if item.reason not in _REASONS:
            raise CertificateAuthorityError(f"Unknown revocation reason {item.reason!r}.")
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(item.serial)
            .revocation_date(item.revoked_at)
            .add_extension(x509.CRLReason(_REASONS[item.reason]), critical=False)
        )
        if item.compromised_since is not None:
            entry = entry.add_extension(
                x509.InvalidityDate(item.compromised_since.replace(tzinfo=None)), critical=False
            )
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


KEY_BLOCK = "REFLECTIVE PORTFOLIO CA KEY"
KEY_FORMAT = "reflective-portfolio-ca-key/2"


def _header_aad(header: dict[str, object]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def serialize_ca(
    ca: CourseAuthority, passphrase: bytes | None = None, *, kdf_params: KdfParams | None = None
) -> bytes:
    """One PEM blob: the protected key block, then the certificate.

    With a passphrase the PKCS#8 key is sealed with AES-256-GCM under an Argon2id key at the
    vault's parameters (``core.vault.kdf``), the header (format, KDF parameters, salt) bound
    as associated data, so an edited header fails like a wrong passphrase. Before this the key
    was a PKCS#8 PEM encrypted by ``BestAvailableEncryption`` (PBKDF2, 2,048 iterations: about
    366 times cheaper to guess than the vault); :func:`load_ca` still reads those.
    """
    key, _ = _load_pair(ca)
    if not passphrase:
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return key_pem + ca.certificate_pem
    params = kdf_params or default_params()
    salt = new_salt()
    header: dict[str, object] = {
        "format": KEY_FORMAT,
        "kdf": {"name": "argon2id", **params.to_dict(), "salt": base64.b64encode(salt).decode()},
    }
    kek = derive_key(passphrase.decode("utf-8"), salt, params)
    try:
        nonce = os.urandom(12)
        sealed = AESGCM(bytes(kek)).encrypt(
            nonce,
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            _header_aad(header),
        )
    finally:
        kek[:] = b"\0" * len(kek)
    body = json.dumps(
        {
            **header,
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(sealed).decode(),
        },
        sort_keys=True,
    ).encode("utf-8")
    encoded = base64.encodebytes(body).decode("ascii")
    block = f"-----BEGIN {KEY_BLOCK}-----\n{encoded}-----END {KEY_BLOCK}-----\n"
    return block.encode("ascii") + ca.certificate_pem


def _open_key_block(pem: bytes, passphrase: bytes | None) -> bytes:
    """The PKCS#8 DER key from our Argon2id block (raises on a wrong passphrase)."""
    begin = f"-----BEGIN {KEY_BLOCK}-----".encode()
    end = f"-----END {KEY_BLOCK}-----".encode()
    try:
        inner = pem.split(begin, 1)[1].split(end, 1)[0]
        data = json.loads(base64.b64decode(inner))
        kdf = data["kdf"]
        if data.get("format") != KEY_FORMAT or kdf.get("name") != "argon2id":
            raise ValueError("unknown format")
        params = KdfParams.from_dict(kdf)
        salt = base64.b64decode(kdf["salt"])
        nonce = base64.b64decode(data["nonce"])
        sealed = base64.b64decode(data["ciphertext"])
        header = {"format": data["format"], "kdf": kdf}
    except PortfolioError as exc:  # KDF parameters out of range: an edited file
        raise CertificateAuthorityError(f"The CA key file is damaged: {exc}") from exc
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise CertificateAuthorityError("The CA key file is damaged or unreadable.") from exc
    if passphrase is None:
        raise CertificateAuthorityError("The CA key is protected by a passphrase.")
    kek = derive_key(passphrase.decode("utf-8"), salt, params)
    try:
        return AESGCM(bytes(kek)).decrypt(nonce, sealed, _header_aad(header))
    except InvalidTag as exc:
        raise CertificateAuthorityError(
            "The CA passphrase is wrong, or the CA key file was changed."
        ) from exc
    finally:
        kek[:] = b"\0" * len(kek)


@dataclass(frozen=True)
class LoadedCa:
    """A CA read from its file, and whether the file uses the old, weaker key protection."""

    ca: CourseAuthority
    legacy_protection: bool


def read_ca_file(pem: bytes, passphrase: bytes | None = None) -> LoadedCa:
    """Parse what :func:`serialize_ca` wrote, or an older PBKDF2-protected CA file."""
    legacy = False
    if f"-----BEGIN {KEY_BLOCK}-----".encode() in pem:
        key_der = _open_key_block(pem, passphrase)
        try:
            key = serialization.load_der_private_key(key_der, password=None)
        except ValueError as exc:
            raise CertificateAuthorityError("The CA key is unreadable.") from exc
    else:
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
        legacy = passphrase is not None
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
    return LoadedCa(ca, legacy)


def load_ca(pem: bytes, passphrase: bytes | None = None) -> CourseAuthority:
    """Parse a CA file (either key protection); see :func:`read_ca_file`."""
    return read_ca_file(pem, passphrase).ca
