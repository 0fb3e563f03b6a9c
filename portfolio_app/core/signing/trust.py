"""What the person verifying trusts, sorted into what each thing may vouch for.

The rules (SECURITY.md, "Trust model"):

* A **CA certificate** given with ``--trust`` (CA:TRUE, may sign certificates) anchors chains
  for every role its own certificate-policies allow; when a separate staff CA is given with
  ``--trust-staff``, ``--trust`` anchors vouch for students only and staff signatures must
  chain to a staff anchor.
* A **signer's certificate** (CA:FALSE, or no basic constraints) given with ``--trust``, or a
  SHA-256 fingerprint given with ``--fingerprint``, is a *pin*: it trusts that exact signer,
  for the student's box only, and never anchors a chain for anyone else. (Before this rule a
  pinned student certificate let the student issue themselves a "tutor" certificate.)
* A file holding both a signer's certificate and CA certificates (what ``identity
  export-cert --with-chain`` writes) is read as "trust this signer": the signer is pinned and
  the CA certificates in it are *not* trusted, and the report says so.
* ``--trust-tsa`` names time-stamping authorities; ``--crl`` names revocation lists, each of
  which must be signed by a CA that is trusted here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from portfolio_app.core.signing.errors import IdentityError, VerificationInputError
from portfolio_app.core.signing.identity import (
    format_fingerprint,
    load_certificates,
    name_summary,
    normalise_fingerprint,
)

MAX_CRL_BYTES = 16 * 1024 * 1024

REASON_TEXT = {
    "unspecified": "unspecified",
    "key_compromise": "key compromise",
    "ca_compromise": "CA compromise",
    "affiliation_changed": "affiliation changed",
    "superseded": "superseded",
    "cessation_of_operation": "left the course",
    "certificate_hold": "on hold",
    "privilege_withdrawn": "privilege withdrawn",
    "aa_compromise": "AA compromise",
    "remove_from_crl": "removed from CRL",
}


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def fingerprint_of(der: bytes) -> str:
    """SHA-256 fingerprint ``AB:CD:...`` of DER bytes."""
    return format_fingerprint(hashlib.sha256(der).hexdigest())


def is_ca_certificate(cert: x509.Certificate) -> bool:
    """CA:TRUE and, when key usage is given, allowed to sign certificates."""
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    if not basic.ca:
        return False
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    except ValueError:
        return False
    return bool(usage.key_cert_sign)


def display_name(cert: x509.Certificate) -> str:
    """Common name, else the whole subject."""
    return name_summary(cert.subject)["name"] or cert.subject.rfc4514_string()


@dataclass(frozen=True)
class Anchor:
    """A trusted CA certificate and where it came from."""

    certificate: x509.Certificate
    asn1: asn1_x509.Certificate
    source: str
    staff: bool

    @property
    def name(self) -> str:
        """Who the CA is."""
        return display_name(self.certificate)

    @property
    def fingerprint(self) -> str:
        """The CA certificate's SHA-256 fingerprint."""
        return fingerprint_of(self.asn1.dump())


@dataclass(frozen=True)
class RevocationEntry:
    """One revoked certificate as a trusted CRL lists it."""

    serial: int
    revoked_at: dt.datetime
    reason: str
    compromised_since: dt.datetime | None
    crl_source: str
    crl_issuer: str

    @property
    def effective(self) -> dt.datetime:
        """From when signatures by the certificate stop counting (earliest date given)."""
        if self.compromised_since is not None and self.compromised_since < self.revoked_at:
            return self.compromised_since
        return self.revoked_at


@dataclass(frozen=True)
class LoadedCrl:
    """A CRL whose signature was checked against a trusted CA."""

    crl: x509.CertificateRevocationList
    issuer: Anchor
    source: str

    def lookup(self, serial: int) -> RevocationEntry | None:
        """The entry for ``serial``, if the CRL lists it."""
        revoked = self.crl.get_revoked_certificate_by_serial_number(serial)
        if revoked is None:
            return None
        reason = "unspecified"
        since: dt.datetime | None = None
        for ext in revoked.extensions:
            if isinstance(ext.value, x509.CRLReason):
                reason = ext.value.reason.name
            elif isinstance(ext.value, x509.InvalidityDate):
                since = ext.value.invalidity_date_utc
        return RevocationEntry(
            serial=serial,
            revoked_at=revoked.revocation_date_utc,
            reason=REASON_TEXT.get(reason, reason),
            compromised_since=since,
            crl_source=self.source,
            crl_issuer=self.issuer.name,
        )


@dataclass(frozen=True)
class TrustSource:
    """The inputs :func:`build_trust` was given, as plain named bytes.

    ``TrustSettings`` holds parsed certificates that cannot cross a process boundary; this can
    (it pickles), so a worker process rebuilds the very same settings from it.
    """

    trust: tuple[tuple[str, bytes], ...] = ()
    staff: tuple[tuple[str, bytes], ...] = ()
    fingerprints: tuple[str, ...] = ()
    tsa: tuple[tuple[str, bytes], ...] = ()
    crls: tuple[tuple[str, bytes], ...] = ()

    def build(self) -> TrustSettings:
        """The settings these inputs make (raises like :func:`build_trust`)."""
        return build_trust(
            self.trust,
            staff=self.staff,
            fingerprints=self.fingerprints,
            tsa=self.tsa,
            crls=self.crls,
        )


@dataclass(frozen=True)
class TrustSettings:
    """Everything the verifier may rely on, already sorted."""

    anchors: tuple[Anchor, ...] = ()
    staff_anchors: tuple[Anchor, ...] = ()
    pins: frozenset[str] = frozenset()
    pin_sources: dict[str, str] = field(default_factory=dict)
    tsa_roots: tuple[asn1_x509.Certificate, ...] = ()
    crls: tuple[LoadedCrl, ...] = ()
    notes: tuple[str, ...] = ()
    source: TrustSource | None = None
    """What these settings were built from (``None`` when made by hand)."""

    @property
    def separate_staff_ca(self) -> bool:
        """Whether staff must chain to ``--trust-staff`` anchors."""
        return bool(self.staff_anchors)

    def roots_for_student(self) -> list[asn1_x509.Certificate]:
        """Chain anchors for the student's box (pins are added per signer)."""
        return [a.asn1 for a in self.anchors]

    def roots_for_staff(self) -> list[asn1_x509.Certificate]:
        """Chain anchors for staff boxes: the staff CA when given, else ``--trust`` CAs."""
        chosen = self.staff_anchors if self.staff_anchors else self.anchors
        return [a.asn1 for a in chosen]

    def anchor_for(self, cert: asn1_x509.Certificate) -> Anchor | None:
        """The anchor object for a trust-anchor certificate pyHanko reported."""
        der = cert.dump()
        for anchor in (*self.anchors, *self.staff_anchors):
            if anchor.asn1.dump() == der:
                return anchor
        return None

    def revocation(self, cert: asn1_x509.Certificate) -> RevocationEntry | None:
        """The revocation entry for a signer certificate in a CRL from its issuer, if any."""
        issuer_der = cert.issuer.dump()
        serial = int(cert.serial_number)
        for loaded in self.crls:
            crl_issuer = asn1_x509.Name.load(loaded.crl.issuer.public_bytes())
            if crl_issuer.dump() != issuer_der:
                continue
            entry = loaded.lookup(serial)
            if entry is not None:
                return entry
        return None

    def crl_covers(self, cert: asn1_x509.Certificate) -> bool:
        """Whether some trusted CRL is from this certificate's issuer."""
        issuer_der = cert.issuer.dump()
        return any(
            asn1_x509.Name.load(c.crl.issuer.public_bytes()).dump() == issuer_der for c in self.crls
        )


def _certs(blob: bytes, what: str) -> list[x509.Certificate]:
    try:
        return load_certificates(blob)
    except IdentityError as exc:
        raise VerificationInputError(f"The {what} is unreadable: {exc}") from exc


def _named(item: bytes | tuple[str, bytes], default: str) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        return item
    return default, item


def load_crl(blob: bytes, source: str, anchors: Sequence[Anchor]) -> LoadedCrl:
    """Parse a CRL and check it is signed by one of ``anchors``; raise otherwise."""
    if len(blob) > MAX_CRL_BYTES:
        raise VerificationInputError(f"The revocation list {source} is too large.")
    try:
        crl = (
            x509.load_pem_x509_crl(blob) if b"-----BEGIN" in blob else x509.load_der_x509_crl(blob)
        )
    except ValueError as exc:
        raise VerificationInputError(
            f"The revocation list {source} is not a readable CRL."
        ) from exc
    for anchor in anchors:
        if anchor.certificate.subject != crl.issuer:
            continue
        try:
            if crl.is_signature_valid(anchor.certificate.public_key()):  # type: ignore[arg-type]
                return LoadedCrl(crl, anchor, source)
        except (TypeError, ValueError, InvalidSignature):
            continue
    raise VerificationInputError(
        f"The revocation list {source} is not signed by a CA you trust (issuer "
        f"{crl.issuer.rfc4514_string()[:120]}); give that CA with --trust or --trust-staff."
    )


def build_trust(
    trust: Sequence[bytes | tuple[str, bytes]] = (),
    *,
    staff: Sequence[bytes | tuple[str, bytes]] = (),
    fingerprints: Sequence[str] = (),
    tsa: Sequence[bytes | tuple[str, bytes]] = (),
    crls: Sequence[bytes | tuple[str, bytes]] = (),
) -> TrustSettings:
    """Sort the verifier's inputs (see the module docstring); raise on malformed ones."""
    given = TrustSource(
        trust=tuple(_named(item, f"trust certificate {i}") for i, item in enumerate(trust, 1)),
        staff=tuple(
            _named(item, f"staff trust certificate {i}") for i, item in enumerate(staff, 1)
        ),
        fingerprints=tuple(fingerprints),
        tsa=tuple(_named(item, f"TSA certificate {i}") for i, item in enumerate(tsa, 1)),
        crls=tuple(_named(item, f"revocation list {i}") for i, item in enumerate(crls, 1)),
    )
    anchors: list[Anchor] = []
    staff_anchors: list[Anchor] = []
    pins: dict[str, str] = {}
    notes: list[str] = []
    for index, item in enumerate(trust, start=1):
        source, blob = _named(item, f"trust certificate {index}")
        certs = _certs(blob, f"trust certificate {source}")
        leaves = [c for c in certs if not is_ca_certificate(c)]
        cas = [c for c in certs if is_ca_certificate(c)]
        for leaf in leaves:
            fp = fingerprint_of(leaf.public_bytes(serialization.Encoding.DER))
            pins[fp] = f"the certificate of {display_name(leaf)} in {source} (pinned)"
        if leaves and cas:
            notes.append(
                f"{source} holds the certificate of {', '.join(display_name(c) for c in leaves)}"
                f" and the CA certificate of {', '.join(display_name(c) for c in cas)}: only "
                "that signer is trusted (for the student's box), not everything the CA issued. "
                "To trust the CA, give its certificate on its own with --trust."
            )
        elif cas:
            anchors.extend(Anchor(c, _to_asn1(c), source, staff=False) for c in cas)
    for index, item in enumerate(staff, start=1):
        source, blob = _named(item, f"staff trust certificate {index}")
        for cert in _certs(blob, f"staff trust certificate {source}"):
            if not is_ca_certificate(cert):
                raise VerificationInputError(
                    f"{source} holds {display_name(cert)}'s own certificate, not a CA "
                    "certificate; --trust-staff takes the CA that issues staff certificates."
                )
            staff_anchors.append(Anchor(cert, _to_asn1(cert), source, staff=True))
    for text in fingerprints:
        pins.setdefault(normalise_fingerprint(text), "a registered certificate fingerprint")
    tsa_roots = [
        _to_asn1(c)
        for index, item in enumerate(tsa, start=1)
        for c in _certs(_named(item, f"TSA certificate {index}")[1], "TSA certificate")
    ]
    all_anchors = [*anchors, *staff_anchors]
    loaded = [
        load_crl(blob, source, all_anchors)
        for source, blob in (
            _named(item, f"revocation list {i}") for i, item in enumerate(crls, start=1)
        )
    ]
    return TrustSettings(
        anchors=tuple(anchors),
        staff_anchors=tuple(staff_anchors),
        pins=frozenset(pins),
        pin_sources=pins,
        tsa_roots=tuple(tsa_roots),
        crls=tuple(loaded),
        notes=tuple(notes),
        source=given,
    )
