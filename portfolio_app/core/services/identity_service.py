"""The portfolio owner's signing identity, kept inside the vault, and the tutor's course CA.

Identity (design.md §5): an ECDSA P-256 key and a certificate naming the student, made at the
first export (or on demand) with the signing layer's ``create_identity``. It is stored as JSON
with PEMs under the secret setting ``"identity"``: encrypted by the vault like an entry, so
the private key is never on disk in the clear and travels with backups. The certificate starts
self-signed (trust by fingerprint); a tutor's course CA can later issue a proper certificate
from this portfolio's CSR, and :func:`import_certificate_chain` swaps it in, same key.

Course CA: lives in its own folder, outside any portfolio, because it belongs to the tutor
and the course, not to one student: ``ca-key.pem`` (PKCS#8 key encrypted with the CA
passphrase, plus the certificate), ``ca-cert.pem`` (what assessors install) and ``issued/``
(a copy of every certificate issued, for the tutor's records). Files are written atomically
and the key file is owner-only.

Heavy imports (the signing layer pulls in pyHanko) happen inside the functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.core.domain.errors import (
    PortfolioError,
    PortfolioExistsError,
    ValidationError,
)
from portfolio_app.core.export.atomic import write_atomically

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.signing.identity import Identity

IDENTITY_SETTING = "identity"
IDENTITY_FORMAT = "reflective-portfolio-identity/1"
CA_KEY_FILE = "ca-key.pem"
CA_CERT_FILE = "ca-cert.pem"
CA_ISSUED_DIR = "issued"
MAX_PEM_BYTES = 1024 * 1024


class CourseCaError(PortfolioError):
    """The course CA folder is missing, incomplete or unusable."""


@dataclass(frozen=True)
class IdentityInfo:
    """What a person needs to know about a signing identity (no key material)."""

    name: str | None
    student_id: str | None
    fingerprint: str
    issuer: str
    self_signed: bool
    not_before: datetime
    not_after: datetime
    chain_length: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json``)."""
        return {
            "name": self.name,
            "student_id": self.student_id,
            "fingerprint_sha256": self.fingerprint,
            "issuer": self.issuer,
            "self_signed": self.self_signed,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "chain_length": self.chain_length,
        }


# ---- the identity in the vault ------------------------------------------------------------


def _encode(identity: Identity) -> bytes:
    return json.dumps(
        {
            "format": IDENTITY_FORMAT,
            "private_key_pem": identity.private_key_pem.decode("ascii"),
            "certificate_pem": identity.certificate_pem.decode("ascii"),
            "chain_pem": [pem.decode("ascii") for pem in identity.chain_pem],
            "saved": datetime.now(UTC).isoformat(),
        }
    ).encode("utf-8")


def _decode(raw: bytes) -> Identity:
    from portfolio_app.core.signing.identity import Identity

    try:
        data = json.loads(raw)
        return Identity(
            private_key_pem=str(data["private_key_pem"]).encode("ascii"),
            certificate_pem=str(data["certificate_pem"]).encode("ascii"),
            chain_pem=tuple(str(p).encode("ascii") for p in data.get("chain_pem", [])),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PortfolioError(
            "The signing identity stored in this portfolio is unreadable. Restore a backup, "
            "or make a new identity (its fingerprint will change)."
        ) from exc


def load_identity(service: PortfolioService) -> Identity | None:
    """The stored identity, or ``None`` when none was made yet."""
    raw = service.get_secret_setting(IDENTITY_SETTING)
    return _decode(raw) if raw else None


def serial_for(service: PortfolioService) -> str:
    """The id written into the certificate's serialNumber.

    The student id from the profile, so a verifier can match signer and author. A portfolio
    without one (a tutor's, say) gets a stable id derived from its vault id, because the
    signing layer insists on some id and it must not change between exports.
    """
    student_id = service.profile.student_id.strip()
    return student_id or f"portfolio-{service.vault_id[:16]}"


def create_new_identity(service: PortfolioService) -> Identity:
    """Make a fresh key and self-signed certificate from the profile and store it.

    Replaces any identity already stored: the fingerprint changes and certificates issued for
    the old key stop matching, so callers should ask first.
    """
    from portfolio_app.core.signing.identity import create_identity

    profile = service.profile
    identity = create_identity(
        profile.name,
        serial_for(service),
        programme=profile.programme or None,
        institution=profile.institution or None,
        profession=profile.profession or None,
    )
    service.set_secret_setting(IDENTITY_SETTING, _encode(identity))
    return identity


def get_or_create_identity(service: PortfolioService) -> Identity:
    """The portfolio's identity, made and stored on first use."""
    return load_identity(service) or create_new_identity(service)


def has_identity(service: PortfolioService) -> bool:
    """Whether an identity was made already (without making one)."""
    return service.get_secret_setting(IDENTITY_SETTING) is not None


def identity_fingerprint(identity: Identity) -> str:
    """SHA-256 fingerprint of the identity's certificate, ``AB:CD:...``."""
    from portfolio_app.core.signing.identity import fingerprint_sha256

    return fingerprint_sha256(identity.certificate_pem)


def describe_identity(identity: Identity) -> IdentityInfo:
    """Name, id, fingerprint, issuer and validity of the identity's certificate."""
    from portfolio_app.core.signing.identity import (
        fingerprint_sha256,
        load_certificate,
        name_summary,
    )

    cert = load_certificate(identity.certificate_pem)
    summary = name_summary(cert.subject)
    return IdentityInfo(
        name=summary["name"],
        student_id=summary["student_id"],
        fingerprint=fingerprint_sha256(identity.certificate_pem),
        issuer=cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        chain_length=len(identity.chain_pem),
    )


def certificate_pem(identity: Identity, *, with_chain: bool = False) -> bytes:
    """The certificate to give a tutor or assessor (optionally followed by its issuers)."""
    pem = identity.certificate_pem
    if with_chain:
        pem += b"".join(identity.chain_pem)
    return pem


def export_certificate(service: PortfolioService, path: Path, *, with_chain: bool = False) -> Path:
    """Write the identity's certificate (public, no key) to ``path``, creating the identity."""
    identity = get_or_create_identity(service)
    write_atomically(path, certificate_pem(identity, with_chain=with_chain), mode=0o600)
    return path


def make_certificate_request(service: PortfolioService, path: Path) -> Path:
    """Write a CSR for the tutor's course CA to ``path`` (the key stays in the vault)."""
    from portfolio_app.core.signing.identity import make_csr

    identity = get_or_create_identity(service)
    write_atomically(path, make_csr(identity), mode=0o600)
    return path


def import_certificate_chain(service: PortfolioService, pem_bytes: bytes) -> Identity:
    """Swap in the certificate a course CA issued for this portfolio's key, and its chain."""
    from portfolio_app.core.signing.identity import import_certificate_chain as swap

    identity = load_identity(service)
    if identity is None:
        raise ValidationError(
            "this portfolio has no signing identity yet; make a certificate request first "
            "('portfolio identity csr FILE')"
        )
    if len(pem_bytes) > MAX_PEM_BYTES:
        raise ValidationError("the certificate file is too large")
    updated = swap(identity, pem_bytes)
    service.set_secret_setting(IDENTITY_SETTING, _encode(updated))
    return updated


def read_pem_file(path: Path, what: str = "certificate") -> bytes:
    """A PEM (or DER) file's bytes, with a readable error when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read the {what} file {path}: {exc.strerror}") from exc
    if len(data) > MAX_PEM_BYTES:
        raise ValidationError(f"the {what} file {path} is too large")
    return data


# ---- the tutor's course CA ----------------------------------------------------------------


@dataclass(frozen=True)
class CourseCaInfo:
    """Where a course CA lives and who it is."""

    ca_dir: Path
    name: str | None
    fingerprint: str
    certificate_path: Path
    not_after: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ca_dir": str(self.ca_dir),
            "name": self.name,
            "fingerprint_sha256": self.fingerprint,
            "certificate": str(self.certificate_path),
            "not_after": self.not_after.isoformat(),
        }


def _ca_info(ca_dir: Path, cert_pem: bytes) -> CourseCaInfo:
    from portfolio_app.core.signing.identity import (
        fingerprint_sha256,
        load_certificate,
        name_summary,
    )

    cert = load_certificate(cert_pem)
    return CourseCaInfo(
        ca_dir=ca_dir,
        name=name_summary(cert.subject)["name"],
        fingerprint=fingerprint_sha256(cert_pem),
        certificate_path=ca_dir / CA_CERT_FILE,
        not_after=cert.not_valid_after_utc,
    )


def init_course_ca(ca_dir: Path, *, name: str, institution: str, passphrase: str) -> CourseCaInfo:
    """Create a course CA in ``ca_dir`` (refuses to overwrite one)."""
    from portfolio_app.core.domain.passphrase_policy import check_new_passphrase
    from portfolio_app.core.signing.course_ca import create_ca, serialize_ca

    if (ca_dir / CA_KEY_FILE).exists():
        raise PortfolioExistsError(f"there is already a course CA in {ca_dir}")
    check_new_passphrase(passphrase)
    ca = create_ca(name, institution)
    ca_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(ca_dir / CA_KEY_FILE, serialize_ca(ca, passphrase.encode("utf-8")), mode=0o600)
    write_atomically(ca_dir / CA_CERT_FILE, ca.certificate_pem, mode=0o600)
    return _ca_info(ca_dir, ca.certificate_pem)


def _load_ca(ca_dir: Path, passphrase: str) -> Any:
    from portfolio_app.core.signing.course_ca import load_ca

    key_file = ca_dir / CA_KEY_FILE
    if not key_file.is_file():
        raise CourseCaError(
            f"there is no course CA in {ca_dir} (run 'portfolio ca init' there first)"
        )
    return load_ca(read_pem_file(key_file, "CA key"), passphrase.encode("utf-8"))


def issue_student_certificate(
    ca_dir: Path, passphrase: str, csr_pem: bytes, *, valid_days: int | None = None
) -> tuple[bytes, IdentityInfo]:
    """Issue a certificate for a student's CSR; returns the bundle to send back and its facts.

    The bundle is the new certificate followed by the CA certificate, so the student imports
    one file and the signature carries the chain. A copy is kept in ``issued/``.
    """
    from portfolio_app.core.signing.course_ca import issue_certificate
    from portfolio_app.core.signing.identity import Identity, fingerprint_sha256

    ca = _load_ca(ca_dir, passphrase)
    cert_pem = (
        issue_certificate(ca, csr_pem, valid_days)
        if valid_days is not None
        else issue_certificate(ca, csr_pem)
    )
    issued_dir = ca_dir / CA_ISSUED_DIR
    issued_dir.mkdir(exist_ok=True, mode=0o700)
    fingerprint = fingerprint_sha256(cert_pem)
    write_atomically(
        issued_dir / f"{fingerprint.replace(':', '')[:16].lower()}.pem", cert_pem, mode=0o600
    )
    info = describe_identity(Identity(private_key_pem=b"", certificate_pem=cert_pem))
    return cert_pem + ca.certificate_pem, info


def course_ca_certificate(ca_dir: Path) -> bytes:
    """The CA certificate assessors install (no passphrase needed)."""
    return read_pem_file(ca_dir / CA_CERT_FILE, "CA certificate")
