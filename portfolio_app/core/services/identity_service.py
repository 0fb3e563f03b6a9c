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
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json``)."""
        return {
            "name": self.name,
            "role": self.role,
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
    from portfolio_app.core.signing.roles import certificate_roles

    cert = load_certificate(identity.certificate_pem)
    summary = name_summary(cert.subject)
    roles = sorted(r.value for r in certificate_roles(cert))
    return IdentityInfo(
        role=", ".join(roles) or None,
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


# ---- signing settings (staff boxes, time-stamping authority) ---------------------------------

SIGNING_SETTINGS = "signing_settings"


@dataclass(frozen=True)
class SigningSettings:
    """Which staff boxes exports prepare, and which RFC 3161 authority (if any) to ask."""

    staff_roles: tuple[str, ...] = ("tutor",)
    tsa_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"staff_roles": list(self.staff_roles), "tsa_url": self.tsa_url}


def check_staff_roles(roles: Any) -> tuple[str, ...]:
    """Staff role names, parsed and de-duplicated in the app's order; at least one."""
    from portfolio_app.core.signing.roles import STAFF_ROLES, Role

    try:
        chosen = {Role.parse(str(r)) for r in roles}
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if Role.STUDENT in chosen:
        raise ValidationError("the student signs the student box; staff boxes are for staff")
    if not chosen:
        raise ValidationError("an export needs at least one staff box (e.g. tutor)")
    return tuple(r.value for r in STAFF_ROLES if r in chosen)


def check_tsa_url(url: str | None) -> str | None:
    """A time-stamping authority address, or ``None``."""
    if not url:
        return None
    url = url.strip()
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise ValidationError("the time-stamping authority address must start with http(s)://")
    return url


def signing_settings(service: PortfolioService) -> SigningSettings:
    """The portfolio's signing settings (defaults: a tutor box, no timestamps)."""
    raw = service.get_secret_setting(SIGNING_SETTINGS)
    if not raw:
        return SigningSettings()
    try:
        data = json.loads(raw)
        return SigningSettings(
            staff_roles=check_staff_roles(data.get("staff_roles") or ["tutor"]),
            tsa_url=check_tsa_url(data.get("tsa_url")),
        )
    except (ValueError, AttributeError, ValidationError):
        return SigningSettings()


def set_signing_settings(
    service: PortfolioService,
    *,
    staff_roles: Any = None,
    tsa_url: str | None = None,
    clear_tsa: bool = False,
) -> SigningSettings:
    """Change the signing settings (``None`` keeps a value) and return them."""
    current = signing_settings(service)
    updated = SigningSettings(
        staff_roles=check_staff_roles(staff_roles)
        if staff_roles is not None
        else (current.staff_roles),
        tsa_url=None if clear_tsa else (check_tsa_url(tsa_url) if tsa_url else current.tsa_url),
    )
    service.set_secret_setting(SIGNING_SETTINGS, json.dumps(updated.to_dict()).encode("utf-8"))
    return updated


# ---- the tutor's course CA ----------------------------------------------------------------


@dataclass(frozen=True)
class CourseCaInfo:
    """Where a course CA lives and who it is."""

    ca_dir: Path
    name: str | None
    fingerprint: str
    certificate_path: Path
    not_after: datetime
    roles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ca_dir": str(self.ca_dir),
            "name": self.name,
            "fingerprint_sha256": self.fingerprint,
            "certificate": str(self.certificate_path),
            "not_after": self.not_after.isoformat(),
            "roles": list(self.roles),
        }


def _ca_info(ca_dir: Path, cert_pem: bytes) -> CourseCaInfo:
    from portfolio_app.core.signing.identity import (
        fingerprint_sha256,
        load_certificate,
        name_summary,
    )
    from portfolio_app.core.signing.roles import ALL_ROLES, ca_permits, policy_oids

    cert = load_certificate(cert_pem)
    oids = policy_oids(cert)
    return CourseCaInfo(
        ca_dir=ca_dir,
        name=name_summary(cert.subject)["name"],
        fingerprint=fingerprint_sha256(cert_pem),
        certificate_path=ca_dir / CA_CERT_FILE,
        not_after=cert.not_valid_after_utc,
        roles=tuple(r.value for r in ALL_ROLES if ca_permits(oids, r)),
    )


def course_ca_info(ca_dir: Path) -> CourseCaInfo:
    """Who the course CA in ``ca_dir`` is and which roles it may issue (no passphrase).

    Raises :class:`CourseCaError` when the folder holds no CA.
    """
    if not (ca_dir / CA_CERT_FILE).is_file() or not (ca_dir / CA_KEY_FILE).is_file():
        raise CourseCaError(f"there is no course CA in {ca_dir}")
    return _ca_info(ca_dir, course_ca_certificate(ca_dir))


CA_REVOCATIONS_FILE = "revocations.json"
CA_CRL_FILE = "course.crl"


def init_course_ca(
    ca_dir: Path,
    *,
    name: str,
    institution: str,
    passphrase: str,
    roles: Any = None,
) -> CourseCaInfo:
    """Create a course CA in ``ca_dir`` (refuses to overwrite one).

    ``roles`` limits what it may issue (default: every role); a course running a separate
    staff CA makes a student-only CA and a staff-only one.
    """
    from portfolio_app.core.passphrase_strength import check_new_passphrase
    from portfolio_app.core.signing.course_ca import create_ca, serialize_ca
    from portfolio_app.core.signing.roles import ALL_ROLES, Role

    if (ca_dir / CA_KEY_FILE).exists():
        raise PortfolioExistsError(f"there is already a course CA in {ca_dir}")
    try:
        chosen = {Role.parse(str(r)) for r in roles} if roles else set(ALL_ROLES)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    check_new_passphrase(passphrase)
    ca = create_ca(name, institution, roles=tuple(r for r in ALL_ROLES if r in chosen))
    ca_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(ca_dir / CA_KEY_FILE, serialize_ca(ca, passphrase.encode("utf-8")), mode=0o600)
    write_atomically(ca_dir / CA_CERT_FILE, ca.certificate_pem, mode=0o600)
    return _ca_info(ca_dir, ca.certificate_pem)


@dataclass(frozen=True)
class OpenedCa:
    """A course CA loaded with its passphrase, and whether its key file was just upgraded."""

    ca: Any
    upgraded: bool


def _load_ca(ca_dir: Path, passphrase: str) -> OpenedCa:
    """Load the CA; an older PBKDF2-protected key file is rewritten with Argon2id."""
    from portfolio_app.core.signing.course_ca import read_ca_file, serialize_ca

    key_file = ca_dir / CA_KEY_FILE
    if not key_file.is_file():
        raise CourseCaError(
            f"there is no course CA in {ca_dir} (run 'portfolio ca init' there first)"
        )
    loaded = read_ca_file(read_pem_file(key_file, "CA key"), passphrase.encode("utf-8"))
    if loaded.legacy_protection:
        write_atomically(key_file, serialize_ca(loaded.ca, passphrase.encode("utf-8")), mode=0o600)
    return OpenedCa(loaded.ca, loaded.legacy_protection)


@dataclass(frozen=True)
class RequestInfo:
    """What a certificate request asks for, shown to the tutor before issuing."""

    name: str | None
    student_id: str | None
    programme: str | None
    institution: str | None
    profession: str | None
    key: str
    existing: tuple[IssuedCertificate, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "id": self.student_id,
            "programme": self.programme,
            "institution": self.institution,
            "profession": self.profession,
            "key": self.key,
            "already_issued": [c.to_dict() for c in self.existing],
        }


@dataclass(frozen=True)
class IssuedCertificate:
    """One line of the CA's register."""

    serial: str
    name: str | None
    subject_id: str | None
    role: str | None
    fingerprint: str
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    path: Path

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``ca list --json``)."""
        return {
            "serial": self.serial,
            "name": self.name,
            "id": self.subject_id,
            "role": self.role,
            "fingerprint_sha256": self.fingerprint,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "revoked": self.revoked_at is not None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revocation_reason": self.revocation_reason,
            "file": str(self.path),
        }


def _serial_text(serial: int) -> str:
    return format(serial, "X")


def _revocations(ca_dir: Path) -> dict[str, dict[str, Any]]:
    path = ca_dir / CA_REVOCATIONS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_bytes())
        return {str(k): dict(v) for k, v in data.get("revoked", {}).items()}
    except (ValueError, OSError, AttributeError, TypeError) as exc:
        raise CourseCaError(f"the revocation register {path} is unreadable") from exc


def list_issued(ca_dir: Path) -> list[IssuedCertificate]:
    """Every certificate the CA issued (from ``issued/``), with its revocation status."""
    from portfolio_app.core.signing.identity import (
        fingerprint_sha256,
        load_certificate,
        name_summary,
    )
    from portfolio_app.core.signing.roles import certificate_roles

    if not (ca_dir / CA_CERT_FILE).is_file():
        raise CourseCaError(f"there is no course CA in {ca_dir}")
    revoked = _revocations(ca_dir)
    out = []
    issued_dir = ca_dir / CA_ISSUED_DIR
    for path in sorted(issued_dir.glob("*.pem")) if issued_dir.is_dir() else []:
        try:
            pem = read_pem_file(path)
            cert = load_certificate(pem)
        except PortfolioError:
            continue
        summary = name_summary(cert.subject)
        roles = sorted(r.value for r in certificate_roles(cert))
        serial = _serial_text(cert.serial_number)
        entry = revoked.get(serial)
        out.append(
            IssuedCertificate(
                serial=serial,
                name=summary["name"],
                subject_id=summary["student_id"],
                role=", ".join(roles) or None,
                fingerprint=fingerprint_sha256(pem),
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                revoked_at=datetime.fromisoformat(entry["revoked_at"]) if entry else None,
                revocation_reason=entry.get("reason") if entry else None,
                path=path,
            )
        )
    out.sort(key=lambda c: c.not_before)
    return out


def review_request(ca_dir: Path, csr_pem: bytes, role: str = "student") -> RequestInfo:
    """What a CSR asks for, and certificates already issued to that subject for ``role``."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from portfolio_app.core.signing.course_ca import read_request
    from portfolio_app.core.signing.identity import name_summary
    from portfolio_app.core.signing.roles import Role

    try:
        wanted = Role.parse(role)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    csr = read_request(csr_pem)
    summary = name_summary(csr.subject)
    key = csr.public_key()
    key_text = (
        f"ECDSA {key.curve.name}"
        if isinstance(key, ec.EllipticCurvePublicKey)
        else f"RSA {getattr(key, 'key_size', '?')}"
    )
    existing = tuple(
        c
        for c in list_issued(ca_dir)
        if c.name == summary["name"]
        and c.subject_id == summary["student_id"]
        and c.role == wanted.value
    )
    return RequestInfo(
        name=summary["name"],
        student_id=summary["student_id"],
        programme=summary["programme"],
        institution=summary["institution"],
        profession=summary["profession"],
        key=key_text,
        existing=existing,
    )


def issue_student_certificate(
    ca_dir: Path,
    passphrase: str,
    csr_pem: bytes,
    *,
    valid_days: int | None = None,
    role: str = "student",
) -> tuple[bytes, IdentityInfo]:
    """Issue a certificate with ``role`` for a CSR; returns the bundle to send back and facts.

    The bundle is the new certificate followed by the CA certificate, so the requester
    imports one file and the signature carries the chain. A copy is kept in ``issued/`` (the
    register ``ca list`` shows).
    """
    from portfolio_app.core.signing.course_ca import issue_certificate
    from portfolio_app.core.signing.identity import Identity, load_certificate
    from portfolio_app.core.signing.roles import Role

    try:
        wanted = Role.parse(role)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    ca = _load_ca(ca_dir, passphrase).ca
    cert_pem = issue_certificate(ca, csr_pem, valid_days, role=wanted)
    issued_dir = ca_dir / CA_ISSUED_DIR
    issued_dir.mkdir(exist_ok=True, mode=0o700)
    serial = _serial_text(load_certificate(cert_pem).serial_number)
    write_atomically(issued_dir / f"{serial}.pem", cert_pem, mode=0o600)
    info = describe_identity(Identity(private_key_pem=b"", certificate_pem=cert_pem))
    return cert_pem + ca.certificate_pem, info


def ca_key_needs_upgrade(ca_dir: Path) -> bool:
    """Whether the CA key file still uses the old PBKDF2 protection (no passphrase needed)."""
    from portfolio_app.core.signing.course_ca import KEY_BLOCK

    key_file = ca_dir / CA_KEY_FILE
    try:
        return key_file.is_file() and f"BEGIN {KEY_BLOCK}".encode() not in key_file.read_bytes()
    except OSError:
        return False


def _find_issued(ca_dir: Path, serial_or_cert: str) -> IssuedCertificate:
    from portfolio_app.core.signing.identity import load_certificate

    issued = list_issued(ca_dir)
    candidate = Path(serial_or_cert).expanduser()
    if candidate.is_file():
        cert = load_certificate(read_pem_file(candidate))
        wanted = _serial_text(cert.serial_number)
    else:
        wanted = serial_or_cert.strip().upper().replace(":", "").lstrip("0") or "0"
    for item in issued:
        if item.serial.lstrip("0") == wanted.lstrip("0"):
            return item
    raise ValidationError(
        f"this CA issued no certificate with serial {wanted[:60]} (see 'portfolio ca list')"
    )


def revoke_certificate(
    ca_dir: Path,
    passphrase: str,
    serial_or_cert: str,
    *,
    reason: str,
    compromised_since: datetime | None = None,
    now: datetime | None = None,
) -> tuple[IssuedCertificate, Path]:
    """Revoke an issued certificate and write a fresh CRL to ``course.crl`` in the CA folder.

    The passphrase is needed because the CRL is signed by the CA key (it also proves that
    whoever edits the register may act for the CA).
    """
    from portfolio_app.core.signing.course_ca import REVOCATION_REASONS

    if reason not in REVOCATION_REASONS:
        raise ValidationError(f"the reason must be one of: {', '.join(REVOCATION_REASONS)}")
    opened = _load_ca(ca_dir, passphrase)
    item = _find_issued(ca_dir, serial_or_cert)
    if item.revoked_at is not None:
        raise ValidationError(f"certificate {item.serial} was already revoked on {item.revoked_at}")
    when = now or datetime.now(UTC)
    register = _revocations(ca_dir)
    register[item.serial] = {
        "revoked_at": when.isoformat(),
        "reason": reason,
        "compromised_since": compromised_since.isoformat() if compromised_since else None,
        "name": item.name,
        "role": item.role,
    }
    _write_register(ca_dir, register)
    crl = _write_crl(ca_dir, opened.ca, ca_dir / CA_CRL_FILE, register, now=when)
    revoked = next(c for c in list_issued(ca_dir) if c.serial == item.serial)
    return revoked, crl


def _write_register(ca_dir: Path, register: dict[str, dict[str, Any]]) -> None:
    number = 1
    path = ca_dir / CA_REVOCATIONS_FILE
    if path.is_file():
        try:
            number = int(json.loads(path.read_bytes()).get("crl_number", 0)) + 1
        except (ValueError, OSError, AttributeError):
            number = 1
    write_atomically(
        path,
        json.dumps({"crl_number": number, "revoked": register}, indent=1).encode("utf-8"),
        mode=0o600,
    )


def _write_crl(
    ca_dir: Path,
    ca: Any,
    out: Path,
    register: dict[str, dict[str, Any]],
    *,
    now: datetime | None = None,
) -> Path:
    from portfolio_app.core.signing.course_ca import Revocation, build_crl

    number = 1
    path = ca_dir / CA_REVOCATIONS_FILE
    if path.is_file():
        try:
            number = int(json.loads(path.read_bytes()).get("crl_number", 1))
        except (ValueError, OSError, AttributeError):
            number = 1
    revocations = [
        Revocation(
            serial=int(serial, 16),
            revoked_at=datetime.fromisoformat(entry["revoked_at"]),
            reason=str(entry.get("reason", "unspecified")),
            compromised_since=(
                datetime.fromisoformat(entry["compromised_since"])
                if entry.get("compromised_since")
                else None
            ),
        )
        for serial, entry in register.items()
    ]
    write_atomically(out, build_crl(ca, revocations, number=number, now=now), mode=0o600)
    return out


def write_crl(ca_dir: Path, passphrase: str, out: Path) -> tuple[Path, int, bool]:
    """Write a freshly signed CRL to ``out``; returns it, how many it lists, and whether the
    CA key file was upgraded on the way."""
    opened = _load_ca(ca_dir, passphrase)
    register = _revocations(ca_dir)
    return _write_crl(ca_dir, opened.ca, out, register), len(register), opened.upgraded


def ca_upgraded_message(ca_dir: Path) -> str:
    """What to tell the tutor after an old CA key file was re-protected."""
    return (
        f"note: the course CA key in {ca_dir} was protected with 2,048 PBKDF2 iterations; it "
        "is now protected with Argon2id at the portfolio's own settings (same passphrase)."
    )


def course_ca_certificate(ca_dir: Path) -> bytes:
    """The CA certificate assessors install (no passphrase needed)."""
    return read_pem_file(ca_dir / CA_CERT_FILE, "CA certificate")
