"""Check a signed portfolio PDF offline and explain the result in one verdict.

What is trusted and why:

* Integrity is pyHanko's: a signature counts only if its bytes are intact, the CMS signature
  verifies, and pyHanko's change analysis says every later revision was allowed by the
  student's DocMDP P=2 certification (``docmdp_ok``). ``valid`` alone means nothing: a
  flipped byte still gives ``valid=True`` (security-notes §3.3).
* Trust is only what the caller passes in: a course CA certificate, a student's certificate,
  or a registered SHA-256 fingerprint. Nothing is fetched (``allow_fetching=False``).
* The signing time is the signer's own clock claim and is labelled so everywhere.

Untrusted input never raises: an empty, truncated, encrypted, hostile or unsigned file is the
``NOT_SIGNED_OR_UNREADABLE`` verdict with a reason. Work is bounded without a wall clock: a
size cap, a cap on revisions and signatures, pyHanko's stream decode limits, and
``RecursionError`` from deeply nested objects is caught like any other parse failure.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from portfolio_app.core.signing.attachments import MAX_JSON_BYTES, find_portfolio_json
from portfolio_app.core.signing.errors import IdentityError, VerificationInputError
from portfolio_app.core.signing.identity import (
    format_fingerprint,
    load_certificates,
    normalise_fingerprint,
)
from portfolio_app.core.signing.log_routing import route_pyhanko_logs
from portfolio_app.core.signing.notes import (
    DECISION_LABELS,
    TUTOR_FIELD,
    CountersignatureNotes,
    notes_from_signature_dict,
)

MAX_PDF_BYTES = 512 * 1024 * 1024
MAX_REVISIONS = 256
MAX_SIGNATURES = 32


class Verdict(enum.Enum):
    """One overall answer; the value is what ``--json`` prints."""

    VALID_TRUSTED = "valid-trusted"
    BROKEN_OR_MODIFIED = "broken-or-modified"
    VALID_UNTRUSTED = "valid-untrusted"
    NOT_SIGNED_OR_UNREADABLE = "not-signed-or-unreadable"

    @property
    def exit_code(self) -> int:
        """Process exit status for the CLI (documented in ``portfolio verify --help``)."""
        return _EXIT_CODES[self]


_EXIT_CODES = {
    Verdict.VALID_TRUSTED: 0,
    Verdict.BROKEN_OR_MODIFIED: 1,
    Verdict.VALID_UNTRUSTED: 2,
    Verdict.NOT_SIGNED_OR_UNREADABLE: 3,
}


class SignatureRole(enum.Enum):
    """Who a signature is, by its place in the workflow."""

    STUDENT_CERTIFICATION = "student-certification"
    TUTOR_APPROVAL = "tutor-approval"
    OTHER = "other"


@dataclass(frozen=True)
class SignatureCheck:
    """Everything the report says about one signature (``index`` counts from 1)."""

    index: int
    field_name: str
    role: SignatureRole
    signer_name: str | None
    student_id: str | None
    fingerprint: str | None
    claimed_signing_time: dt.datetime | None
    intact: bool
    cryptographically_valid: bool
    coverage: str
    modification_level: str | None
    docmdp_ok: bool | None
    certifying: bool
    trusted: bool
    trust_anchor: str | None
    decision: str | None
    comment: str | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Intact, valid, and every later change allowed: trust aside, nothing is wrong."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the time is ISO 8601 and explicitly the signer's own claim."""
        return {
            "index": self.index,
            "field_name": self.field_name,
            "role": self.role.value,
            "signer_name": self.signer_name,
            "student_id": self.student_id,
            "fingerprint_sha256": self.fingerprint,
            "claimed_signing_time_signers_clock": (
                self.claimed_signing_time.isoformat() if self.claimed_signing_time else None
            ),
            "intact": self.intact,
            "cryptographically_valid": self.cryptographically_valid,
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "docmdp_ok": self.docmdp_ok,
            "certifying": self.certifying,
            "trusted": self.trusted,
            "trust_anchor": self.trust_anchor,
            "decision": self.decision,
            "comment": self.comment,
            "ok": self.ok,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of :func:`verify_pdf`: a verdict, why, and per-signature detail."""

    verdict: Verdict
    reason: str
    signatures: tuple[SignatureCheck, ...] = ()
    warnings: tuple[str, ...] = ()
    has_portfolio_json: bool = False

    @property
    def exit_code(self) -> int:
        """0 valid and trusted, 1 broken or modified, 2 valid but untrusted, 3 unreadable."""
        return self.verdict.exit_code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` output and scripts."""
        return {
            "verdict": self.verdict.value,
            "exit_code": self.exit_code,
            "reason": self.reason,
            "signatures": [s.to_dict() for s in self.signatures],
            "warnings": list(self.warnings),
            "has_portfolio_json": self.has_portfolio_json,
        }

    def describe(self) -> list[str]:
        """Plain-English lines for people (the CLI prints them, the GUI lists them)."""
        lines = [f"{_VERDICT_TEXT[self.verdict]} {self.reason}"]
        for sig in self.signatures:
            lines.extend(_describe_signature(sig))
        lines.extend(f"Warning: {w}" for w in self.warnings)
        return lines


_VERDICT_TEXT = {
    Verdict.VALID_TRUSTED: "VALID AND TRUSTED:",
    Verdict.BROKEN_OR_MODIFIED: "NOT VALID (broken or modified):",
    Verdict.VALID_UNTRUSTED: "VALID BUT SIGNER NOT CONFIRMED:",
    Verdict.NOT_SIGNED_OR_UNREADABLE: "NOT A SIGNED PORTFOLIO (or unreadable):",
}
_ROLE_TEXT = {
    SignatureRole.STUDENT_CERTIFICATION: "student's certification signature",
    SignatureRole.TUTOR_APPROVAL: "tutor's countersignature",
    SignatureRole.OTHER: "other signature",
}
_COVERAGE_TEXT = {
    "entire-file": "covers the entire file",
    "entire-revision": "covers the document as it was when signed; later updates follow",
}
_MODIFICATION_TEXT = {
    "none": "no changes after signing",
    "lta-updates": "later changes: validation data only",
    "form-filling": "later changes: form filling and signing",
    "annotations": "later changes: annotations",
    "other": "later changes of another kind",
}


def _yes(flag: bool | None) -> str:
    return "yes" if flag else "no"


def _describe_signature(sig: SignatureCheck) -> list[str]:
    who = sig.signer_name or "unknown signer"
    if sig.student_id:
        who += f" (id {sig.student_id})"
    lines = [f"Signature {sig.index}: {_ROLE_TEXT[sig.role]} in field '{sig.field_name}'"]
    lines.append(f"  Signer: {who}")
    if sig.fingerprint:
        lines.append(f"  Certificate SHA-256 fingerprint: {sig.fingerprint}")
    when = sig.claimed_signing_time.isoformat(sep=" ") if sig.claimed_signing_time else "none"
    lines.append(f"  Signing time (signer's own clock, not verified): {when}")
    lines.append(
        f"  Signed bytes intact: {_yes(sig.intact)}; "
        f"cryptographically valid: {_yes(sig.cryptographically_valid)}"
    )
    changes = _MODIFICATION_TEXT.get(sig.modification_level or "", "later changes: unknown")
    allowed = {True: "allowed", False: "NOT allowed", None: "cannot tell if allowed"}[sig.docmdp_ok]
    lines.append(f"  {_COVERAGE_TEXT.get(sig.coverage, sig.coverage)}; {changes} ({allowed})")
    if sig.trusted:
        lines.append(f"  Trusted: yes (via {sig.trust_anchor})")
    else:
        lines.append(
            "  Trusted: no (certificate not issued by a CA you trust and fingerprint not "
            "registered)"
        )
    if sig.decision:
        lines.append(f"  Tutor decision: {sig.decision} ({DECISION_LABELS[sig.decision]})")
    if sig.comment:
        first, *rest = sig.comment.split("\n")
        lines.append(f"  Tutor comment: {first}")
        lines.extend(f"    {line}" for line in rest)
    lines.extend(f"  Problem: {p}" for p in sig.problems)
    return lines


def _unreadable(reason: str) -> VerificationReport:
    return VerificationReport(Verdict.NOT_SIGNED_OR_UNREADABLE, reason)


def _trust_roots(trust_certs_pem: Sequence[bytes]) -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for blob in trust_certs_pem:
        try:
            certs = load_certificates(blob)
        except IdentityError as exc:
            raise VerificationInputError(f"A trust certificate is unreadable: {exc}") from exc
        roots.extend(
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs
        )
    return roots


def _fingerprint(cert: asn1_x509.Certificate) -> str:
    return format_fingerprint(hashlib.sha256(cert.dump()).hexdigest())


def _subject_attr(cert: asn1_x509.Certificate, key: str) -> str | None:
    try:
        value = cert.subject.native.get(key)
    except Exception:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def _enum_value(value: Any) -> str | None:
    if value is None:
        return None
    name = getattr(value, "name", str(value))
    return str(name).lower().replace("_", "-")


def _quick_rejection(data: bytes) -> str | None:
    """Cheap checks before the parser sees the bytes."""
    if not data:
        return "The file is empty."
    if len(data) > MAX_PDF_BYTES:
        return "The file is larger than any portfolio this app makes."
    if b"%PDF-" not in data[:1024]:
        return "This is not a PDF file."
    if b"%%EOF" not in data[-2048:]:
        return "The PDF is truncated (no end-of-file marker)."
    if data.count(b"startxref") > MAX_REVISIONS:
        return "The PDF has an implausible number of revisions."
    return None


def verify_pdf(
    data: bytes,
    *,
    trust_certs_pem: Sequence[bytes] = (),
    trusted_fingerprints: Sequence[str] = (),
) -> VerificationReport:
    """Verify every signature in ``data`` offline and reduce the result to a :class:`Verdict`.

    Raises :class:`VerificationInputError` only for malformed *trust inputs* (a certificate that
    does not parse, a fingerprint that is not 64 hex digits); anything about ``data`` is
    reported, never raised.
    """
    route_pyhanko_logs()
    roots = _trust_roots(trust_certs_pem)
    pins = {normalise_fingerprint(f) for f in trusted_fingerprints}
    rejection = _quick_rejection(data)
    if rejection:
        return _unreadable(rejection)
    try:
        return _verify(data, roots, pins)
    except RecursionError:
        return _unreadable("The PDF's structure is nested too deeply to check safely.")
    except MemoryError:
        return _unreadable("The PDF needs too much memory to check.")
    except Exception as exc:
        return _unreadable(f"The PDF could not be read ({type(exc).__name__}: {_short(exc)}).")


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return _printable(text[:200]) or ""


def _printable(text: str | None, *, keep_newlines: bool = False) -> str | None:
    """Text from the file with control characters replaced, so a hostile name or comment cannot
    rewrite the terminal (ANSI escapes) or hide text (bidi overrides) in the CLI and GUI."""
    if text is None:
        return None
    return "".join(
        ch if ch.isprintable() or (keep_newlines and ch == "\n") else "\ufffd" for ch in text
    )


def _open_reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=True)


def _verify(data: bytes, roots: list[asn1_x509.Certificate], pins: set[str]) -> VerificationReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = _open_reader(data)
    if reader.encrypted:
        return _unreadable("The PDF is encrypted; signed portfolios are never encrypted.")
    sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    if not sigs:
        return _unreadable("The PDF has no signatures.")
    if len(sigs) > MAX_SIGNATURES:
        return _unreadable("The PDF has an implausible number of signatures.")

    pinned_leaves = []
    for sig in sigs:
        try:
            cert = sig.signer_cert
        except Exception:
            continue
        if _fingerprint(cert) in pins:
            pinned_leaves.append(cert)

    checks = []
    for position, sig in enumerate(sigs, start=1):
        context = ValidationContext(
            trust_roots=roots + pinned_leaves, allow_fetching=False, revocation_mode="soft-fail"
        )
        checks.append(
            _check_signature(
                position,
                sig,
                certifying=_is_certification(reader, sig),
                context=context,
                pins=pins,
                validate=validate_pdf_signature,
            )
        )

    # Only the first signature may certify (ISO 32000); a later one is a forgery attempt or junk.
    checks = [
        replace(c, problems=(*c.problems, "a certification signature must be the first one"))
        if c.certifying and c.index > 1
        else c
        for c in checks
    ]
    warnings = []
    json_data = _signed_json(reader, sigs[0]) if checks[0].certifying else None
    if checks[0].certifying:
        warnings.extend(_json_warnings(json_data, checks[0]))
    if checks[-1].coverage == "entire-revision" and checks[-1].ok:
        warnings.append(
            "The file was updated after the last signature; the change is of a kind the "
            "student's certification allows, but nobody signed it."
        )
    verdict, reason = _verdict(checks)
    return VerificationReport(
        verdict=verdict,
        reason=reason,
        signatures=tuple(checks),
        warnings=tuple(warnings),
        has_portfolio_json=json_data is not None,
    )


def _verdict(checks: list[SignatureCheck]) -> tuple[Verdict, str]:
    broken = [c for c in checks if not c.ok]
    if broken:
        first = broken[0]
        return (
            Verdict.BROKEN_OR_MODIFIED,
            f"Signature {first.index} ({first.field_name}): {first.problems[0]}",
        )
    certifying = [c for c in checks if c.certifying]
    if not certifying:
        return (
            Verdict.NOT_SIGNED_OR_UNREADABLE,
            "The PDF is signed but has no certification signature, so it is not a signed "
            "portfolio export.",
        )
    untrusted = [c for c in checks if not c.trusted]
    if untrusted:
        names = ", ".join(f"{c.index} ({c.signer_name or c.field_name})" for c in untrusted)
        return (
            Verdict.VALID_UNTRUSTED,
            f"All signatures are intact and every change after signing was allowed, but the "
            f"signer of signature {names} is not confirmed by a trusted CA certificate or a "
            "registered fingerprint.",
        )
    return (
        Verdict.VALID_TRUSTED,
        "All signatures are intact, every change after signing was allowed, and every "
        "signer is trusted.",
    )


def _is_certification(reader: Any, sig: Any) -> bool:
    """Whether the catalog's ``/Perms /DocMDP`` (as signed) names this very signature.

    pyHanko's ``docmdp_level`` also reports a field lock or a stray DocMDP reference in an
    approval signature; only the catalog entry makes a signature the certification one.
    """
    try:
        if sig.docmdp_level is None:
            return False
        root = reader.get_historical_resolver(sig.signed_revision).root
        perms = root.get("/Perms")
        target = perms.raw_get("/DocMDP").reference if perms is not None else None
        return bool(target is not None and target == sig.sig_field.raw_get("/V").reference)
    except Exception:
        return False


def _check_signature(
    position: int,
    sig: Any,
    *,
    certifying: bool,
    context: Any,
    pins: set[str],
    validate: Any,
) -> SignatureCheck:
    try:
        field_name = _printable(str(sig.field_name)) or ""
    except Exception:
        field_name = f"(signature {position})"
    try:
        decision, comment = notes_from_signature_dict(sig.sig_object)
    except Exception:
        decision, comment = None, None
    cert: asn1_x509.Certificate | None
    try:
        cert = sig.signer_cert
    except Exception:
        cert = None
    try:
        claimed = sig.self_reported_timestamp
    except Exception:
        claimed = None
    if certifying:
        role = SignatureRole.STUDENT_CERTIFICATION if position == 1 else SignatureRole.OTHER
    elif decision is not None or field_name == TUTOR_FIELD:
        role = SignatureRole.TUTOR_APPROVAL
    else:
        role = SignatureRole.OTHER
    base: dict[str, Any] = {
        "index": position,
        "field_name": field_name,
        "role": role,
        "signer_name": _printable(_subject_attr(cert, "common_name")) if cert else None,
        "student_id": _printable(_subject_attr(cert, "serial_number")) if cert else None,
        "fingerprint": _fingerprint(cert) if cert else None,
        "certifying": certifying,
        "decision": decision,
        "comment": _printable(comment, keep_newlines=True),
    }
    try:
        status = validate(sig, context)
    except Exception as exc:
        return SignatureCheck(
            **base,
            claimed_signing_time=claimed,
            intact=False,
            cryptographically_valid=False,
            coverage="unknown",
            modification_level=None,
            docmdp_ok=None,
            trusted=False,
            trust_anchor=None,
            problems=(f"the signature could not be checked ({type(exc).__name__})",),
        )
    coverage = _enum_value(status.coverage) or "unknown"
    level = _enum_value(status.modification_level)
    problems = []
    if not status.intact:
        problems.append("the signed bytes were changed after signing (digest mismatch)")
    if not status.valid:
        problems.append("the cryptographic signature does not verify")
    if coverage not in {"entire-file", "entire-revision"}:
        problems.append("the signature does not cover a whole revision of the file")
    if status.docmdp_ok is not True:
        problems.append(
            f"the file was changed after signing in a way that is not allowed ({level})"
        )
    if not status.seed_value_ok:
        problems.append("the signature breaks its field's seed-value constraints")
    trusted = bool(status.trusted)
    anchor = _anchor_text(status, cert, pins) if trusted else None
    return SignatureCheck(
        **base,
        claimed_signing_time=status.signer_reported_dt or claimed,
        intact=bool(status.intact),
        cryptographically_valid=bool(status.valid),
        coverage=coverage,
        modification_level=level,
        docmdp_ok=status.docmdp_ok,
        trusted=trusted,
        trust_anchor=anchor,
        problems=tuple(problems),
    )


def _anchor_text(status: Any, leaf: asn1_x509.Certificate | None, pins: set[str]) -> str:
    if leaf is not None and _fingerprint(leaf) in pins:
        return "registered certificate fingerprint"
    try:
        anchor_cert = status.validation_path.trust_anchor.authority.certificate
        anchor_name = anchor_cert.subject.human_friendly
        if leaf is not None and anchor_cert.dump() == leaf.dump():
            return "the signer's own certificate, which you supplied as trusted"
        return f"trusted CA certificate '{anchor_name}'"
    except Exception:
        return "a trusted certificate you supplied"


def _signed_json(reader: Any, certification: Any) -> bytes | None:
    """``portfolio.json`` as it was in the revision the student signed."""
    try:
        root = reader.get_historical_resolver(certification.signed_revision).root
        data: bytes | None = find_portfolio_json(root)
    except Exception:
        return None
    return data


def _json_warnings(json_data: bytes | None, student: SignatureCheck) -> list[str]:
    if json_data is None:
        return ["There is no portfolio.json inside the student's signed revision."]
    if len(json_data) > MAX_JSON_BYTES:
        return ["The signed portfolio.json is too large to check."]
    try:
        document = json.loads(json_data)
    except (ValueError, RecursionError):
        return ["The signed portfolio.json is not valid JSON."]
    profile = document.get("profile") if isinstance(document, dict) else None
    claimed = profile.get("student_id") if isinstance(profile, dict) else None
    if claimed is None:
        return ["The signed portfolio.json names no student id (profile.student_id)."]
    if student.student_id is None:
        return ["The student's certificate carries no student id (serialNumber)."]
    if str(claimed).strip() != student.student_id.strip():
        return [
            f"The signed portfolio.json is for student id {str(claimed)[:100]!r}, but the "
            f"signing certificate names {student.student_id!r}: the signer may not be the author."
        ]
    return []


def extract_embedded_json(data: bytes) -> bytes | None:
    """``portfolio.json`` from the student's signed revision (or the file, if unsigned).

    Never raises; returns ``None`` for a file without one or one that cannot be read.
    """
    if _quick_rejection(data):
        return None
    try:
        reader = _open_reader(data)
        if reader.encrypted:
            return None
        sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
        certifying = [s for s in sigs if _is_certification(reader, s)]
        if certifying:
            return _signed_json(reader, certifying[0])
        found: bytes | None = find_portfolio_json(reader.root)
        return found
    except (Exception, RecursionError):
        return None


def read_countersignature_notes(data: bytes) -> list[CountersignatureNotes]:
    """Tutor decisions and comments recorded in the file's signatures, in signing order.

    This reads what is written; whether the signature holding it is valid is
    :func:`verify_pdf`'s job. Never raises.
    """
    if _quick_rejection(data):
        return []
    try:
        reader = _open_reader(data)
        if reader.encrypted:
            return []
        sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
        notes = []
        for sig in sigs[:MAX_SIGNATURES]:
            decision, comment = notes_from_signature_dict(sig.sig_object)
            if decision is not None:
                notes.append(CountersignatureNotes(str(sig.field_name), decision, comment or ""))
    except (Exception, RecursionError):
        return []
    return notes
