"""Who may sign which box: roles carried in certificates as certificate policies.

Why certificate policies (RFC 5280 §4.2.1.4) and not an extended key usage: the extension is
standard, non-critical, and path validators (pyHanko, poppler/NSS, Acrobat) accept a chain
whose leaf asserts a policy they do not know, whereas an unknown EKU may make a reader refuse
the certificate for document signing. A CA certificate may list the role policies it issues
(``ca init --roles``), which the verifier also enforces: a student-only CA cannot vouch for a
"tutor".

The OID arc is our own under ``2.25`` (ITU-T X.667: an OID made from a UUID needs no
registration). The UUID was generated once for this project:
``0b7018ad-40d5-4e00-bb48-64bfab1fcc00``. Under it, ``.1`` holds role policies:

=====================  ===========================  ==========================
role                   policy OID (arc + ...)       signature box
=====================  ===========================  ==========================
student                ``.1.1``                     ``StudentSignature``
tutor                  ``.1.2``                     ``TutorSignature``
second-marker          ``.1.3``                     ``SecondMarkerSignature``
moderator              ``.1.4``                     ``ModeratorSignature``
practice-assessor      ``.1.5``                     ``PracticeAssessorSignature``
=====================  ===========================  ==========================

Each policy carries a user notice ("Reflective Portfolio role: tutor") so a person looking at
the certificate in any viewer can read the role.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Final

from cryptography import x509

ARC_UUID: Final = "0b7018ad-40d5-4e00-bb48-64bfab1fcc00"
ARC: Final = "2.25.15203545706157488090382682971803995136"
ROLE_POLICY_ARC: Final = f"{ARC}.1"
ANY_POLICY: Final = "2.5.29.32.0"


class Role(enum.Enum):
    """A signer's role; the value is what the CLI, JSON and certificates use."""

    STUDENT = "student"
    TUTOR = "tutor"
    SECOND_MARKER = "second-marker"
    MODERATOR = "moderator"
    PRACTICE_ASSESSOR = "practice-assessor"

    @property
    def is_staff(self) -> bool:
        """Everyone but the student countersigns."""
        return self is not Role.STUDENT

    @property
    def policy_oid(self) -> str:
        """The certificate-policy OID that carries this role."""
        return f"{ROLE_POLICY_ARC}.{_ORDER.index(self) + 1}"

    @property
    def label(self) -> str:
        """Human name, e.g. "second marker"."""
        return self.value.replace("-", " ")

    @property
    def field_name(self) -> str:
        """The signature box this role fills (``TutorSignature``...)."""
        return "".join(part.capitalize() for part in self.value.split("-")) + "Signature"

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from what a person typed ("Second marker", "second_marker", ...)."""
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        for role in cls:
            if role.value == key:
                return role
        names = ", ".join(r.value for r in cls)
        raise ValueError(f"unknown role {text.strip()[:40]!r}; use one of: {names}")


_ORDER: Final = (
    Role.STUDENT,
    Role.TUTOR,
    Role.SECOND_MARKER,
    Role.MODERATOR,
    Role.PRACTICE_ASSESSOR,
)
STAFF_ROLES: Final[tuple[Role, ...]] = tuple(r for r in _ORDER if r.is_staff)
ALL_ROLES: Final[tuple[Role, ...]] = _ORDER
_BY_OID: Final = {role.policy_oid: role for role in _ORDER}
NOTICE_PREFIX: Final = "Reflective Portfolio role: "


def role_for_oid(oid: str) -> Role | None:
    """The role a policy OID stands for, or ``None`` for someone else's policy."""
    return _BY_OID.get(oid)


def policies_extension(
    roles: Iterable[Role], *, with_notice: bool = True
) -> x509.CertificatePolicies:
    """A CertificatePolicies value asserting ``roles`` (put it in non-critical)."""
    infos = []
    for role in roles:
        qualifiers: list[str | x509.UserNotice] | None = (
            [x509.UserNotice(None, f"{NOTICE_PREFIX}{role.value}")] if with_notice else None
        )
        infos.append(x509.PolicyInformation(x509.ObjectIdentifier(role.policy_oid), qualifiers))
    return x509.CertificatePolicies(infos)


def policy_oids(cert: x509.Certificate) -> tuple[str, ...] | None:
    """The policy OIDs a certificate asserts, or ``None`` when it has no such extension."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        return None
    except ValueError:  # a malformed extension reads as "no policies"
        return ()
    return tuple(info.policy_identifier.dotted_string for info in ext.value)


def roles_in(oids: Iterable[str]) -> frozenset[Role]:
    """Our roles among a set of policy OIDs."""
    return frozenset(r for r in (role_for_oid(o) for o in oids) if r is not None)


def certificate_roles(cert: x509.Certificate) -> frozenset[Role]:
    """The roles a (leaf) certificate asserts; empty for a certificate issued before roles."""
    return roles_in(policy_oids(cert) or ())


def asn1_policy_oids(cert: Any) -> tuple[str, ...] | None:
    """:func:`policy_oids` for an asn1crypto certificate (what pyHanko hands us)."""
    try:
        value = cert.certificate_policies_value
    except Exception:
        return ()
    if value is None:
        return None
    try:
        return tuple(str(info["policy_identifier"].dotted) for info in value)
    except Exception:
        return ()


def ca_permits(ca_policy_oids: tuple[str, ...] | None, role: Role) -> bool:
    """Whether a CA certificate's policies allow it to vouch for ``role``.

    A CA without a certificatePolicies extension (made before roles existed) or one that
    asserts ``anyPolicy`` may vouch for any role; otherwise the role's policy must be listed.
    """
    if ca_policy_oids is None:
        return True
    return ANY_POLICY in ca_policy_oids or role.policy_oid in ca_policy_oids
