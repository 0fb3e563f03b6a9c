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
``NOT_SIGNED_OR_UNREADABLE`` verdict with a reason. Work is bounded without a wall clock
(``limits``): a scan of the raw bytes refuses files over the size, revision and
cross-reference limits before pyHanko parses them; pyHanko's stream decoding runs under
tightened limits; the form, page and annotation walks have budgets, and the form is walked
(bounded) before pyHanko's own field enumeration and change analysis would walk it unbounded.
A file over a limit is ``NOT_SIGNED_OR_UNREADABLE`` with ``limit`` set. ``RecursionError`` from
deeply nested objects is caught like any other parse failure. The wall clock is the caller's
business (``isolation`` runs this in a worker process with a time limit).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from asn1crypto import x509 as asn1_x509

from portfolio_app.core.evidence.pdf_read import EvidenceReport, check_evidence_root
from portfolio_app.core.signing.attachments import find_portfolio_json
from portfolio_app.core.signing.feedback_fields import MAX_FEEDBACK_CHARS
from portfolio_app.core.signing.feedback_report import (
    AFTER_LAST_SIGNATURE,
    AFTER_LOCK,
    FeedbackItem,
    collect_feedback,
)
from portfolio_app.core.signing.form_inspection import (
    inspect_certified_revision,
    inspect_revision,
    walk_fields,
)
from portfolio_app.core.signing.form_layout import FormLayout, FormLayoutError
from portfolio_app.core.signing.identity import format_fingerprint
from portfolio_app.core.signing.limits import (
    MAX_JSON_BYTES,
    MAX_REVISIONS,
    MAX_SIGNATURES,
    WorkLimitError,
    check_object_syntax,
    decode_limits,
    scan_structure,
)
from portfolio_app.core.signing.log_routing import route_pyhanko_logs
from portfolio_app.core.signing.notes import (
    DECISION_LABELS,
    CountersignatureNotes,
    notes_from_signature_dict,
)
from portfolio_app.core.signing.roles import Role, asn1_policy_oids, ca_permits, roles_in
from portfolio_app.core.signing.trust import TrustSettings, build_trust

CLOCK_SKEW = dt.timedelta(minutes=5)


class Verdict(enum.Enum):
    """One overall answer; the value is what ``--json`` prints."""

    VALID_TRUSTED = "valid-trusted"
    BROKEN_OR_MODIFIED = "broken-or-modified"
    VALID_UNTRUSTED = "valid-untrusted"
    NOT_SIGNED_OR_UNREADABLE = "not-signed-or-unreadable"
    MISSING_REQUIRED = "missing-required-signature"

    @property
    def exit_code(self) -> int:
        """Process exit status for the CLI (documented in ``portfolio verify --help``)."""
        return _EXIT_CODES[self]


_EXIT_CODES = {
    Verdict.VALID_TRUSTED: 0,
    Verdict.BROKEN_OR_MODIFIED: 1,
    Verdict.VALID_UNTRUSTED: 2,
    Verdict.NOT_SIGNED_OR_UNREADABLE: 3,
    Verdict.MISSING_REQUIRED: 4,
}


class SignatureRole(enum.Enum):
    """What a signature is in the workflow (its box's role is :attr:`SignatureCheck.box_role`)."""

    STUDENT_CERTIFICATION = "student-certification"
    STAFF_COUNTERSIGNATURE = "staff-countersignature"
    OTHER = "other"


@dataclass(frozen=True)
class SignatureCheck:
    """Everything the report says about one signature (``index`` counts from 1).

    ``signer_id`` is the certificate's serialNumber: the student id for a student, a staff
    number for staff. ``decision`` and ``comment`` are set only for a staff signature in a
    staff box, with no problems, by a signer trusted for that box whose certificate carries the
    box's role: only then is it a decision. Any other decision found is in
    ``claimed_decision``, and ``claimed_decision_note`` says why it does not count (a decision
    outside a staff box is also a problem; one by a signer nobody confirmed is not).
    """

    index: int
    field_name: str
    role: SignatureRole
    box_role: str | None
    certificate_roles: tuple[str, ...]
    signer_name: str | None
    signer_id: str | None
    fingerprint: str | None
    public_key_sha256: str | None
    claimed_signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    timestamp_authority: str | None
    time_source: str
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
    claimed_decision: str | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    claimed_decision_note: str | None = None

    @property
    def ok(self) -> bool:
        """Intact, valid, in its place, and every later change allowed (trust aside)."""
        return not self.problems

    @property
    def signing_time(self) -> dt.datetime | None:
        """The time the checks used: a trusted timestamp's, else the signer's claim."""
        return self.timestamp_time if self.time_source == "timestamp" else self.claimed_signing_time

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the time says where it came from."""
        return {
            "index": self.index,
            "field_name": self.field_name,
            "kind": self.role.value,
            "role": self.box_role,
            "certificate_roles": list(self.certificate_roles),
            "signer_name": self.signer_name,
            "signer_id": self.signer_id,
            "fingerprint_sha256": self.fingerprint,
            "claimed_signing_time_signers_clock": (
                self.claimed_signing_time.isoformat() if self.claimed_signing_time else None
            ),
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "timestamp_authority": self.timestamp_authority,
            "time_source": self.time_source,
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
            "claimed_decision": self.claimed_decision,
            "claimed_decision_not_counted": self.claimed_decision_note,
            "ok": self.ok,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PortfolioSummary:
    """Who the portfolio is from and who countersigned it (for assessors' reports)."""

    student_name: str | None = None
    student_id: str | None = None
    programme: str | None = None
    entries: int | None = None
    countersigned_by: tuple[dict[str, Any], ...] = ()
    staff_boxes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "student_name": self.student_name,
            "student_id": self.student_id,
            "programme": self.programme,
            "entries": self.entries,
            "staff_boxes": list(self.staff_boxes),
            "countersigned_by": list(self.countersigned_by),
        }


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of :func:`verify_pdf`: a verdict, why, and per-signature detail."""

    verdict: Verdict
    reason: str
    signatures: tuple[SignatureCheck, ...] = ()
    warnings: tuple[str, ...] = ()
    has_portfolio_json: bool = False
    problems: tuple[str, ...] = ()
    summary: PortfolioSummary = field(default_factory=PortfolioSummary)
    stage: str = "none"
    missing_roles: tuple[str, ...] = ()
    trust_notes: tuple[str, ...] = ()
    feedback: tuple[FeedbackItem, ...] = ()
    """Filled feedback boxes and who answers for each (``feedback_report``)."""
    limit: str | None = None
    """Set when the file was refused for the work it needs rather than for what it says:
    ``size``, ``structure``, ``work``, ``decode``, ``memory``, ``time`` or ``worker`` (a check
    that stopped unexpectedly); the verdict is then ``NOT_SIGNED_OR_UNREADABLE``."""
    evidence: EvidenceReport | None = None
    """The evidence files embedded in the student's signed revision, checked against
    ``portfolio.json`` (``core.evidence.pdf_read``; a mismatch is also a problem)."""

    @property
    def exit_code(self) -> int:
        """0 valid and trusted, 1 broken/modified/forged, 2 a signer not trusted, 3 unreadable,
        4 a role required with ``--require`` has not signed."""
        return self.verdict.exit_code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` output and scripts."""
        return {
            "verdict": self.verdict.value,
            "exit_code": self.exit_code,
            "reason": self.reason,
            "stage": self.stage,
            "summary": self.summary.to_dict(),
            "countersigned_by": list(self.summary.countersigned_by),
            "missing_roles": list(self.missing_roles),
            "problems": list(self.problems),
            "signatures": [s.to_dict() for s in self.signatures],
            "warnings": list(self.warnings),
            "trust_notes": list(self.trust_notes),
            "has_portfolio_json": self.has_portfolio_json,
            "limit": self.limit,
            "feedback": [item.to_dict() for item in self.feedback],
            "feedback_entries": [i.label for i in self.feedback if i.entry_id is not None],
            "feedback_unsigned": any(
                i.filled_in in (AFTER_LAST_SIGNATURE, AFTER_LOCK) for i in self.feedback
            ),
            "evidence": self.evidence.to_dict() if self.evidence is not None else None,
        }

    def describe(self) -> list[str]:
        """Plain-English lines for people (the CLI prints them, the GUI lists them)."""
        lines = [f"{_VERDICT_TEXT[self.verdict]} {self.reason}"]
        lines.extend(f"Trust: {note}" for note in self.trust_notes)
        lines.extend(f"Problem: {p}" for p in self.problems)
        for sig in self.signatures:
            lines.extend(_describe_signature(sig))
        lines.extend(describe_feedback(self.feedback))
        if self.evidence is not None:
            lines.extend(self.evidence.describe(with_problems=False))
        lines.extend(f"Warning: {w}" for w in self.warnings)
        return lines


_VERDICT_TEXT = {
    Verdict.VALID_TRUSTED: "VALID AND TRUSTED:",
    Verdict.BROKEN_OR_MODIFIED: "NOT VALID (broken, modified or forged):",
    Verdict.VALID_UNTRUSTED: "VALID BUT SIGNER NOT CONFIRMED:",
    Verdict.NOT_SIGNED_OR_UNREADABLE: "NOT A SIGNED PORTFOLIO (or unreadable):",
    Verdict.MISSING_REQUIRED: "VALID AND TRUSTED, BUT INCOMPLETE:",
}
_KIND_TEXT = {
    SignatureRole.STUDENT_CERTIFICATION: "student's certification signature",
    SignatureRole.STAFF_COUNTERSIGNATURE: "countersignature",
    SignatureRole.OTHER: "signature outside any box the export made",
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
    if sig.signer_id:
        who += f" (id {sig.signer_id})"
    kind = _KIND_TEXT[sig.role]
    if sig.role is SignatureRole.STAFF_COUNTERSIGNATURE and sig.box_role:
        kind = f"{sig.box_role.replace('-', ' ')}'s {kind}"
    lines = [f"Signature {sig.index}: {kind} in field '{sig.field_name}'"]
    lines.append(f"  Signer: {who}")
    if sig.certificate_roles:
        lines.append(f"  Certificate role: {', '.join(sig.certificate_roles)}")
    else:
        lines.append("  Certificate role: none stated")
    if sig.fingerprint:
        lines.append(f"  Certificate SHA-256 fingerprint: {sig.fingerprint}")
    when = sig.claimed_signing_time.isoformat(sep=" ") if sig.claimed_signing_time else "none"
    if sig.time_source == "timestamp" and sig.timestamp_time is not None:
        lines.append(
            f"  Signing time: {sig.timestamp_time.isoformat(sep=' ')} from the time-stamping "
            f"authority {sig.timestamp_authority or ''} (trusted; the signer's clock said {when})"
        )
    else:
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
        lines.append("  Trusted: no")
    if sig.decision:
        lines.append(f"  Decision: {sig.decision} ({DECISION_LABELS[sig.decision]})")
    elif sig.claimed_decision:
        why = sig.claimed_decision_note or "the signature fails its checks"
        lines.append(f"  Claimed decision (not counted: {why}): {sig.claimed_decision}")
    if sig.comment:
        first, *rest = sig.comment.split("\n")
        lines.append(f"  Comment: {first}")
        lines.extend(f"    {line}" for line in rest)
    lines.extend(f"  Note: {n}" for n in sig.notes)
    lines.extend(f"  Problem: {p}" for p in sig.problems)
    return lines


def describe_feedback(items: Sequence[FeedbackItem]) -> list[str]:
    """The feedback section of the text report: which entries, who answers for it, the text."""
    if not items:
        return []
    per_entry = [i for i in items if i.entry_id is not None]
    lines = [
        f"Feedback: {len(per_entry)} {'entry has' if len(per_entry) == 1 else 'entries have'} "
        "feedback"
        + (" (" + ", ".join(i.label for i in per_entry) + ")" if per_entry else "")
        + ("; overall feedback given" if len(per_entry) != len(items) else "")
    ]
    for item in items:
        head = "Overall" if item.entry_id is None else f"{item.label}"
        if item.title:
            head += f" ({item.title})"
        mark = "" if item.counts else " [does not count]"
        lines.append(f"  {head}{mark}: {item.responsibility}")
        for line in item.text.split("\n"):
            lines.append(f"    | {line}")
    return lines


def _unreadable(reason: str, limit: str | None = None) -> VerificationReport:
    return VerificationReport(Verdict.NOT_SIGNED_OR_UNREADABLE, reason, limit=limit)


def limit_report(reason: str, limit: str) -> VerificationReport:
    """The report for a file refused for the work it needs (exit 3)."""
    return _unreadable(reason, limit)


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


def _quick_rejection(data: bytes) -> tuple[str, str | None] | None:
    """Cheap checks before the parser sees the bytes: (reason, limit) or ``None``."""
    if not data:
        return "The file is empty.", None
    if b"%PDF-" not in data[:1024]:
        return "This is not a PDF file.", None
    structure = scan_structure(data)
    if structure:
        return structure, "size" if structure.startswith("The file is ") else "structure"
    if b"%%EOF" not in data[-2048:]:
        return "The PDF is truncated (no end-of-file marker).", None
    return None


_TOO_MUCH = (
    "The PDF is larger or more complex than any portfolio this app makes ({detail}), so it "
    "was not checked further. A portfolio exported by the app stays far inside the limits "
    "listed in 'portfolio verify --help'."
)


def verify_pdf(
    data: bytes,
    *,
    trust_certs_pem: Sequence[bytes | tuple[str, bytes]] = (),
    trusted_fingerprints: Sequence[str] = (),
    staff_certs_pem: Sequence[bytes | tuple[str, bytes]] = (),
    tsa_certs_pem: Sequence[bytes | tuple[str, bytes]] = (),
    crls: Sequence[bytes | tuple[str, bytes]] = (),
    require: Sequence[Role] = (),
    now: dt.datetime | None = None,
    trust: TrustSettings | None = None,
) -> VerificationReport:
    """Verify every signature in ``data`` offline and reduce the result to a :class:`Verdict`.

    Trust inputs may be bare bytes or ``(source name, bytes)`` pairs (names appear in the
    report). ``trust`` (from :func:`trust.build_trust`) replaces them when many files are
    checked against the same inputs. ``require`` lists staff roles whose countersignature must
    be present (else :attr:`Verdict.MISSING_REQUIRED`). Raises
    :class:`VerificationInputError` only for malformed trust inputs; anything about ``data``
    is reported, never raised.
    """
    route_pyhanko_logs()
    if trust is None:
        trust = build_trust(
            trust_certs_pem,
            staff=staff_certs_pem,
            fingerprints=trusted_fingerprints,
            tsa=tsa_certs_pem,
            crls=crls,
        )
    now = now or dt.datetime.now(dt.UTC)
    rejection = _quick_rejection(data)
    if rejection:
        return replace(_unreadable(*rejection), trust_notes=trust.notes)
    try:
        report = _verify(data, trust, tuple(require), now)
    except WorkLimitError as exc:
        report = _unreadable(_TOO_MUCH.format(detail=exc), "work")
    except RecursionError:
        report = _unreadable("The PDF's structure is nested too deeply to check safely.")
    except MemoryError:
        report = _unreadable("The PDF needs more memory to check than is allowed.", "memory")
    except Exception as exc:
        if _is_decode_limit(exc):
            report = _unreadable(
                _TOO_MUCH.format(detail="a compressed stream inflates beyond the limit"),
                "decode",
            )
        else:
            report = _unreadable(
                f"The PDF could not be read ({type(exc).__name__}: {_short(exc)})."
            )
    return replace(report, trust_notes=trust.notes)


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


def _is_decode_limit(exc: BaseException) -> bool:
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError

    return isinstance(exc, PdfDecodeLimitError)


def _reraise_limits(exc: BaseException) -> None:
    """Limits are the file's verdict, not a finding about one part of it: let them through."""
    if isinstance(exc, WorkLimitError | MemoryError) or _is_decode_limit(exc):
        raise exc


def _open_reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=True, decode_limits=decode_limits())
    check_object_syntax(reader, data)
    return reader


def _verify(
    data: bytes, trust: TrustSettings, require: tuple[Role, ...], now: dt.datetime
) -> VerificationReport:
    reader = _open_reader(data)
    if reader.encrypted:
        return _unreadable("The PDF is encrypted; signed portfolios are never encrypted.")
    # pyHanko's signature enumeration walks the whole form unbounded: walk it bounded first.
    walk_fields(reader.root)
    sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    if not sigs:
        return _unreadable("The PDF has no signatures.")
    if len(sigs) > MAX_SIGNATURES:
        return _unreadable("The PDF has an implausible number of signatures.")
    if not _is_certification(reader, sigs[0]):
        return _unreadable(
            "The PDF is signed but its first signature is not a certification signature, so "
            "it is not a signed portfolio export."
        )
    problems: list[str] = []
    warnings: list[str] = []
    json_data = _signed_json(reader, sigs[0])
    document = _parse_json(json_data, problems)
    layout = _layout_from(document, problems)
    if layout is not None:
        _inspect_forms(reader, sigs, layout, problems)
    evidence = _check_evidence(reader, sigs[0], document, problems)

    checks: list[SignatureCheck] = []
    previous_time: dt.datetime | None = None
    for position, sig in enumerate(sigs, start=1):
        check = _check_signature(
            position,
            sig,
            reader=reader,
            layout=layout,
            trust=trust,
            now=now,
            previous_time=previous_time,
        )
        checks.append(check)
        previous_time = check.signing_time or previous_time
    checks = _cross_checks(checks, sigs, layout)
    if document is not None and checks:
        checks[0] = _match_profile(checks[0], document)
    feedback: list[FeedbackItem] = []
    if layout is not None:
        try:
            feedback = collect_feedback(reader, sigs, checks, layout, document)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            _reraise_limits(exc)
            problems.append(f"the feedback boxes could not be read ({_short(exc)})")
    for item in feedback:
        where = "the overall feedback" if item.entry_id is None else f"the feedback on {item.label}"
        if item.filled_in == AFTER_LOCK:
            problem = (
                f"{where} was changed after signature {item.signature_index} locked the "
                "feedback boxes"
            )
            if problem not in problems:
                problems.append(problem)
        elif item.filled_in == AFTER_LAST_SIGNATURE:
            warnings.append(
                f"{where[0].upper()}{where[1:]} was typed after the last signature: the "
                "student's certification allows filling the form, so the signatures still "
                "verify, but nobody signed this text; it is not a tutor's feedback."
            )
        if item.cut:
            warnings.append(
                f"{where[0].upper()}{where[1:]} is {item.length:,} characters, more than any "
                f"feedback box takes ({MAX_FEEDBACK_CHARS:,}); only the start is shown."
            )
    if checks[-1].coverage == "entire-revision" and checks[-1].modification_level == (
        "lta-updates"
    ):
        warnings.append(
            "Validation data (revocation lists) was added after the last signature, as "
            "countersigning with --crl does; it changes nothing on the pages."
        )
    elif checks[-1].coverage == "entire-revision" and checks[-1].ok:
        warnings.append(
            "The file was updated after the last signature; the change is of a kind the "
            "signatures allow, but nobody signed it."
        )
    summary = _summary(document, layout, checks)
    stage = "countersigned" if summary.countersigned_by else "student-only"
    signed_roles = {c["role"] for c in summary.countersigned_by}
    missing = tuple(r.value for r in require if r.value not in signed_roles)
    verdict, reason = _verdict(checks, problems, stage, missing)
    return VerificationReport(
        verdict=verdict,
        reason=reason,
        signatures=tuple(checks),
        warnings=tuple(warnings),
        has_portfolio_json=json_data is not None,
        problems=tuple(problems),
        summary=summary,
        stage=stage,
        missing_roles=missing,
        feedback=tuple(feedback),
        evidence=evidence,
    )


def _check_evidence(
    reader: Any, certification: Any, document: dict[str, Any] | None, problems: list[str]
) -> EvidenceReport | None:
    """Evidence files in the revision the student signed, against ``portfolio.json``."""
    if document is None:
        return None
    root = reader.get_historical_resolver(certification.signed_revision).root
    report = check_evidence_root(root, document)
    problems.extend(f"evidence: {p}" for p in report.problems)
    return report


def _parse_json(json_data: bytes | None, problems: list[str]) -> dict[str, Any] | None:
    if json_data is None:
        problems.append("there is no portfolio.json inside the student's signed revision")
        return None
    if len(json_data) > MAX_JSON_BYTES:
        problems.append("the signed portfolio.json is too large to check")
        return None
    try:
        document = json.loads(json_data)
    except (ValueError, RecursionError):
        problems.append("the signed portfolio.json is not valid JSON")
        return None
    if not isinstance(document, dict):
        problems.append("the signed portfolio.json is not a JSON object")
        return None
    return document


def _layout_from(document: dict[str, Any] | None, problems: list[str]) -> FormLayout | None:
    if document is None:
        return None
    if "form" not in document:
        problems.append(
            "the signed portfolio.json does not record the file's form fields (an export from "
            "an older version): a field laid over a signature box could not be ruled out; ask "
            "the student to export again"
        )
        return None
    try:
        return FormLayout.from_json(document["form"])
    except FormLayoutError as exc:
        problems.append(str(exc))
        return None


def _inspect_forms(reader: Any, sigs: list[Any], layout: FormLayout, problems: list[str]) -> None:
    """Fields and overlays, in the certified revision and in every later one."""
    certified = sigs[0].signed_revision
    try:
        findings = inspect_certified_revision(
            reader.get_historical_resolver(certified).root, layout
        )
        problems.extend(findings.problems)
        total = min(reader.total_revisions, MAX_REVISIONS)
        for revision in range(certified, total):
            signer = next(
                (i for i, s in enumerate(sigs, start=1) if s.signed_revision == revision), None
            )
            if revision == certified:
                label = "the student's signed revision"
            elif signer is not None:
                label = f"the revision of signature {signer}"
            else:
                label = f"an unsigned update (revision {revision + 1})"
            for problem in inspect_revision(
                reader.get_historical_resolver(revision).root,
                layout,
                findings.box_widgets,
                label,
            ):
                if problem not in problems:
                    problems.append(problem)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        _reraise_limits(exc)
        problems.append(f"the form fields could not be checked ({_short(exc)})")


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


def _verdict(
    checks: list[SignatureCheck], problems: list[str], stage: str, missing: tuple[str, ...]
) -> tuple[Verdict, str]:
    broken = [c for c in checks if not c.ok]
    if problems:
        return Verdict.BROKEN_OR_MODIFIED, f"The file fails its checks: {problems[0]}."
    if broken:
        first = broken[0]
        return (
            Verdict.BROKEN_OR_MODIFIED,
            f"Signature {first.index} ({first.field_name}): {first.problems[0]}.",
        )
    untrusted = [c for c in checks if not c.trusted]
    if untrusted:
        names = ", ".join(f"{c.index} ({c.signer_name or c.field_name})" for c in untrusted)
        return (
            Verdict.VALID_UNTRUSTED,
            f"All signatures are intact, in their boxes, and every change after signing was "
            f"allowed, but the signer of signature {names} is not confirmed for that box by a "
            "CA certificate or pin you trust.",
        )
    if missing:
        return (
            Verdict.MISSING_REQUIRED,
            f"Everything present checks out, but no {', '.join(missing)} has countersigned yet.",
        )
    if stage == "student-only":
        return (
            Verdict.VALID_TRUSTED,
            "Signed by the student; no staff countersignature yet. The student's signature is "
            "intact and trusted.",
        )
    roles = ", ".join(
        f"{c.box_role} ({c.signer_name})" for c in checks if c.box_role and c.index > 1
    )
    return (
        Verdict.VALID_TRUSTED,
        f"Signed by the student and countersigned by {roles}; every signature is intact, in "
        "its box, by a trusted signer of the right role, and nothing else changed.",
    )


_DIFF_POLICY: Any = None


def _diff_policy() -> Any:
    """pyHanko's default change analysis, except that filling a form field may also set the
    widget's ``/M`` (its modification date, which draws nothing): poppler-based readers write
    it when a tutor types feedback, and the default policy would call that a forbidden change.
    Everything else is pyHanko's whitelist as it is (field locks included)."""
    global _DIFF_POLICY  # built once per process
    if _DIFF_POLICY is None:
        from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, StandardDiffPolicy
        from pyhanko.sign.diff_analysis.constants import VALUE_UPDATE_KEYS
        from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
        from pyhanko.sign.diff_analysis.rules.form_field_rules import (
            GenericFieldModificationRule,
            SigFieldCreationRule,
            SigFieldModificationRule,
        )

        _DIFF_POLICY = StandardDiffPolicy(
            global_rules=DEFAULT_DIFF_POLICY.global_rules,
            form_rule=FormUpdatingRule(
                field_rules=[
                    SigFieldCreationRule(),  # type: ignore[no-untyped-call]
                    SigFieldModificationRule(),
                    GenericFieldModificationRule(value_update_keys=VALUE_UPDATE_KEYS | {"/M"}),
                ]
            ),
        )
    return _DIFF_POLICY


def _timestamp_info(sig: Any, trust: TrustSettings) -> tuple[dt.datetime | None, Any]:
    """The signature timestamp's time and status (``None`` when there is none)."""
    import asyncio

    from pyhanko.sign.validation import generic_cms
    from pyhanko_certvalidator import ValidationContext

    try:
        unsigned = sig.signer_info["unsigned_attrs"].native or []
        if not any(attr.get("type") == "signature_time_stamp_token" for attr in unsigned):
            return None, None
    except Exception:
        return None, None
    context = ValidationContext(
        trust_roots=list(trust.tsa_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        info = asyncio.run(
            generic_cms.collect_timing_info(
                sig.signer_info, context, raw_digest=sig.compute_digest()
            )
        )
    except Exception:
        return None, "unreadable"
    status = info.get("timestamp_validity")
    if status is None:
        return None, None
    return status.timestamp, status


def _tsa_name(status: Any) -> str | None:
    try:
        return str(status.signing_cert.subject.human_friendly)
    except Exception:
        return None


def _in_validity(cert: asn1_x509.Certificate, when: dt.datetime) -> str | None:
    try:
        validity = cert["tbs_certificate"]["validity"]
        not_before = validity["not_before"].native
        not_after = validity["not_after"].native
    except Exception:
        return "its certificate's validity period is unreadable"
    if when < not_before - CLOCK_SKEW:
        return (
            f"it was made at {when:%Y-%m-%d %H:%M} UTC, before its certificate became valid "
            f"({not_before:%Y-%m-%d})"
        )
    if when > not_after:
        return (
            f"it was made at {when:%Y-%m-%d %H:%M} UTC, after its certificate expired "
            f"({not_after:%Y-%m-%d})"
        )
    return None


def _check_signature(
    position: int,
    sig: Any,
    *,
    reader: Any,
    layout: FormLayout | None,
    trust: TrustSettings,
    now: dt.datetime,
    previous_time: dt.datetime | None,
) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        field_name = _printable(str(sig.field_name)) or ""
    except Exception:
        field_name = f"(signature {position})"
    certifying = position == 1 or _is_certification(reader, sig)
    box = layout.by_name().get(field_name) if layout is not None else None
    problems: list[str] = []
    notes: list[str] = []
    if box is None or not box.is_signature:
        kind = SignatureRole.OTHER
        expected: Role | None = None
        if layout is not None:
            problems.append(
                f"it is in a field ({field_name!r}) that is not one of the export's signature boxes"
            )
    elif box.purpose == "certification":
        kind = SignatureRole.STUDENT_CERTIFICATION
        expected = Role.STUDENT
    else:
        kind = SignatureRole.STAFF_COUNTERSIGNATURE
        expected = box.staff_role
    if certifying and position > 1:
        problems.append("a certification signature must be the first one")
    if position == 1 and kind is not SignatureRole.STUDENT_CERTIFICATION and layout is not None:
        problems.append("the certification signature is not in the student's box")
    if position > 1 and kind is SignatureRole.STUDENT_CERTIFICATION:
        problems.append("a second signature in the student's box")
    try:
        decision, comment = notes_from_signature_dict(sig.sig_object)
    except Exception:
        decision, comment = None, None
    cert: asn1_x509.Certificate | None
    try:
        cert = sig.signer_cert
    except Exception:
        cert = None
    cert_roles = roles_in(asn1_policy_oids(cert) or ()) if cert is not None else frozenset()
    role_names = tuple(r.value for r in sorted(cert_roles, key=lambda r: r.policy_oid))
    fingerprint = _fingerprint(cert) if cert is not None else None
    try:
        claimed = sig.self_reported_timestamp
    except Exception:
        claimed = None

    # Time: a trusted timestamp's, else the signer's own clock.
    tst_time, tst_status = _timestamp_info(sig, trust)
    time_source = "signer-clock"
    tsa_name = None
    if tst_status == "unreadable":
        problems.append("its timestamp token cannot be read")
    elif tst_status is not None:
        tsa_name = _printable(_tsa_name(tst_status))
        if not (tst_status.intact and tst_status.valid):
            problems.append("its timestamp token is broken (it does not match the signature)")
        elif tst_status.trusted:
            time_source = "timestamp"
        else:
            notes.append(
                f"it carries a timestamp from {tsa_name or 'a time-stamping authority'} at "
                f"{tst_time:%Y-%m-%d %H:%M:%S} UTC, but you did not trust that authority "
                "(--trust-tsa); the signer's own clock is used"
            )
    when = tst_time if time_source == "timestamp" else claimed
    if claimed is None and when is None:
        problems.append("it states no signing time")
    if claimed is not None and claimed > now + CLOCK_SKEW:
        problems.append(f"it claims to have been made in the future ({claimed:%Y-%m-%d %H:%M} UTC)")
    if claimed is not None and tst_time is not None and claimed > tst_time + CLOCK_SKEW:
        problems.append("the signer's clock claims a time after its own timestamp")
    if when is not None and previous_time is not None and when < previous_time - CLOCK_SKEW:
        problems.append(
            f"its time ({when:%Y-%m-%d %H:%M} UTC) is before the previous signature's "
            f"({previous_time:%Y-%m-%d %H:%M} UTC), although it was added after it"
        )
    if cert is not None and when is not None:
        outside = _in_validity(cert, when)
        if outside:
            problems.append(outside)

    # Trust: which anchors may vouch for this box.
    pinned = fingerprint is not None and fingerprint in trust.pins
    if expected is Role.STUDENT:
        roots = trust.roots_for_student() + ([cert] if pinned and cert is not None else [])
    elif expected is not None:
        roots = trust.roots_for_staff()
    else:
        roots = []
    moment = when if when is not None and when <= now + CLOCK_SKEW else None
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )
    ts_context = ValidationContext(
        trust_roots=list(trust.tsa_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    base: dict[str, Any] = {
        "index": position,
        "field_name": field_name,
        "role": kind,
        "box_role": expected.value if expected is not None else None,
        "certificate_roles": role_names,
        "signer_name": _printable(_subject_attr(cert, "common_name")) if cert else None,
        "signer_id": _printable(_subject_attr(cert, "serial_number")) if cert else None,
        "fingerprint": fingerprint,
        "public_key_sha256": (
            hashlib.sha256(cert.public_key.dump()).hexdigest() if cert is not None else None
        ),
        "certifying": certifying,
        "claimed_signing_time": claimed,
        "timestamp_time": tst_time,
        "timestamp_authority": tsa_name,
        "time_source": time_source,
    }
    try:
        status = validate_pdf_signature(
            sig, context, ts_validation_context=ts_context, diff_policy=_diff_policy()
        )
    except Exception as exc:
        _reraise_limits(exc)
        return SignatureCheck(
            **base,
            intact=False,
            cryptographically_valid=False,
            coverage="unknown",
            modification_level=None,
            docmdp_ok=None,
            trusted=False,
            trust_anchor=None,
            decision=None,
            comment=None,
            claimed_decision=decision,
            problems=(
                *problems,
                f"the signature could not be checked ({type(exc).__name__})",
            ),
            notes=tuple(notes),
        )
    coverage = _enum_value(status.coverage) or "unknown"
    level = _enum_value(status.modification_level)
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

    trusted, anchor = _role_trust(
        status,
        cert,
        expected,
        cert_roles,
        pinned=pinned,
        trust=trust,
        problems=problems,
        notes=notes,
        position=position,
        decision=decision,
    )
    if cert is not None and when is not None:
        _revocation(
            cert,
            when,
            time_source=time_source,
            trust=trust,
            problems=problems,
            notes=notes,
            trusted=trusted,
        )

    accepted = kind is SignatureRole.STAFF_COUNTERSIGNATURE and not problems
    if decision is not None and not accepted and kind is not SignatureRole.STAFF_COUNTERSIGNATURE:
        problems.append(
            f"it carries a decision ({decision!r}) although it is not a staff countersignature "
            "in a staff box; the app never writes one there, so it was put there by hand"
        )
    note = None
    if accepted and expected is not None:
        why = []
        if not trusted:
            why.append(f"signer not confirmed as a {expected.label}")
        if expected not in cert_roles:
            why.append(f"its certificate carries no {expected.label} role")
        note = "; ".join(why) or None
        accepted = note is None
    elif decision is not None:
        note = "the signature fails its checks"
    return SignatureCheck(
        **base,
        intact=bool(status.intact),
        cryptographically_valid=bool(status.valid),
        coverage=coverage,
        modification_level=level,
        docmdp_ok=status.docmdp_ok,
        trusted=trusted,
        trust_anchor=anchor,
        decision=decision if accepted else None,
        comment=_printable(comment, keep_newlines=True) if accepted else None,
        claimed_decision=None if accepted else decision,
        claimed_decision_note=None if accepted or decision is None else note,
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _role_trust(
    status: Any,
    cert: asn1_x509.Certificate | None,
    expected: Role | None,
    cert_roles: frozenset[Role],
    *,
    pinned: bool,
    trust: TrustSettings,
    problems: list[str],
    notes: list[str],
    position: int,
    decision: str | None,
) -> tuple[bool, str | None]:
    """Whether the signer is trusted *for this box*, and through what."""
    held = ", ".join(r.value for r in cert_roles) or "none"
    if expected is None:
        return False, None
    if expected.is_staff:
        if cert_roles and expected not in cert_roles:
            owner = "a student's" if Role.STUDENT in cert_roles else f"for {held}"
            claim = (
                f"a {expected.label} decision ({decision!r})"
                if decision
                else (f"the {expected.label}'s box")
            )
            problems.append(f"signature {position} claims {claim} but its certificate is {owner}")
            return False, None
    elif cert_roles - {Role.STUDENT}:
        problems.append(f"the student's box is signed with a certificate for {held}")
        return False, None
    if not status.trusted:
        if pinned and expected.is_staff:
            notes.append("a pinned certificate or fingerprint vouches only for the student's box")
        return False, None
    anchor_cert = None
    path_cas: list[asn1_x509.Certificate] = []
    try:
        path = status.validation_path
        anchor_cert = path.trust_anchor.authority.certificate
        path_cas = [anchor_cert, *list(path.iter_certs(include_root=False))[:-1]]
    except Exception:
        pass
    if cert is not None and anchor_cert is not None and anchor_cert.dump() == cert.dump():
        if expected is not Role.STUDENT or not pinned:
            return False, None
        return True, trust.pin_sources.get(_fingerprint(cert), "a pinned certificate")
    anchor = trust.anchor_for(anchor_cert) if anchor_cert is not None else None
    if anchor is None:
        return False, None
    if not cert_roles:
        notes.append(
            "its certificate names no role (issued before roles existed): ask the course CA "
            f"for a new {expected.label} certificate ('portfolio ca issue --role "
            f"{expected.value}')"
        )
        return False, None
    for ca_cert in path_cas:
        if not ca_permits(asn1_policy_oids(ca_cert), expected):
            problems.append(
                f"its certificate says {expected.label}, but the CA that issued it may not "
                f"issue {expected.label} certificates"
            )
            return False, None
    if trust.separate_staff_ca and expected.is_staff != anchor.staff:
        return False, None
    return (
        True,
        f"{'staff ' if anchor.staff else ''}CA certificate '{anchor.name}' ({anchor.source})",
    )


def _revocation(
    cert: asn1_x509.Certificate,
    when: dt.datetime,
    *,
    time_source: str,
    trust: TrustSettings,
    problems: list[str],
    notes: list[str],
    trusted: bool,
) -> None:
    entry = trust.revocation(cert)
    if entry is None:
        if trust.crls and trusted and not trust.crl_covers(cert):
            notes.append("no revocation list from its CA was given, so revocation is unchecked")
        return
    clock = "its timestamp" if time_source == "timestamp" else "the signer's own clock"
    since = entry.effective
    if since <= when:
        problems.append(
            f"its certificate was revoked on {since:%Y-%m-%d %H:%M} UTC ({entry.reason}; "
            f"{entry.crl_source}), before it was made at {when:%Y-%m-%d %H:%M} UTC by {clock}"
        )
    else:
        notes.append(
            f"its certificate was revoked on {since:%Y-%m-%d %H:%M} UTC ({entry.reason}), after "
            f"this signature was made ({when:%Y-%m-%d %H:%M} UTC by {clock}); the signature "
            "stands"
        )


def _subject_key(check: SignatureCheck) -> tuple[str, str] | None:
    if not check.signer_name:
        return None
    return (" ".join(check.signer_name.split()).casefold(), (check.signer_id or "").casefold())


def _cross_checks(
    checks: list[SignatureCheck], sigs: list[Any], layout: FormLayout | None
) -> list[SignatureCheck]:
    """Checks between signatures: distinct keys and people, staff locks applied."""
    out = []
    seen_keys: dict[str, int] = {}
    seen_people: dict[tuple[str, str], int] = {}
    for current, sig in zip(checks, sigs, strict=True):
        check = current
        extra: list[str] = []
        if check.public_key_sha256:
            first = seen_keys.setdefault(check.public_key_sha256, check.index)
            if first != check.index:
                extra.append(f"it was made with the same key as signature {first}")
        person = _subject_key(check)
        if person is not None:
            first = seen_people.setdefault(person, check.index)
            if first != check.index and not extra:
                extra.append(f"it names the same person as signature {first}")
        if check.index > 1 and "student" in check.certificate_roles:
            extra.append("a student's certificate signed after the student's certification")
        if check.role is SignatureRole.STAFF_COUNTERSIGNATURE and layout is not None:
            extra.extend(_lock_problems(sig, layout, check.field_name))
        if extra:
            check = replace(
                check,
                problems=(*check.problems, *extra),
                claimed_decision=check.claimed_decision or check.decision,
                claimed_decision_note=(
                    check.claimed_decision_note
                    if check.claimed_decision
                    else ("the signature fails its checks" if check.decision else None)
                ),
                decision=None,
                comment=None,
            )
        out.append(check)
    return out


def _lock_problems(sig: Any, layout: FormLayout, field_name: str) -> list[str]:
    """A staff signature must apply its box's lock (pyHanko enforces only what is applied)."""
    box = layout.by_name().get(field_name)
    if box is None:
        return []
    try:
        spec = sig.fieldmdp
    except Exception:
        spec = None
    if spec is None:
        return ["it does not apply its box's field lock (FieldMDP), so later changes were open"]
    wanted = set(layout.lock_excludes(box))
    action = str(getattr(spec.action, "value", spec.action))
    if action != "/Exclude" or set(spec.fields or ()) - wanted:
        return ["its field lock (FieldMDP) leaves more open than its box requires"]
    return []


def _match_profile(student: SignatureCheck, document: dict[str, Any]) -> SignatureCheck:
    """The student's certificate must name the author ``portfolio.json`` names."""
    profile = document.get("profile")
    if not isinstance(profile, dict):
        return replace(student, problems=(*student.problems, "portfolio.json names no student"))
    problems: list[str] = []
    claimed_name = str(profile.get("name") or "")[:200]
    claimed_id = str(profile.get("student_id") or "")[:200]
    if (
        claimed_name
        and student.signer_name is not None
        and (
            " ".join(claimed_name.split()).casefold()
            != " ".join(student.signer_name.split()).casefold()
        )
    ):
        problems.append(
            f"the student's certificate names {student.signer_name!r}, but the signed "
            f"portfolio.json is by {_printable(claimed_name)!r}: the signer is not the author "
            "(after a change of name, make a new certificate request)"
        )
    if claimed_id and (student.signer_id or "").strip() != claimed_id.strip():
        problems.append(
            f"the student's certificate is for id {student.signer_id!r}, but the signed "
            f"portfolio.json is for {_printable(claimed_id)!r}: the signer is not the author"
        )
    if not problems:
        return student
    return replace(student, problems=(*student.problems, *problems))


def _summary(
    document: dict[str, Any] | None, layout: FormLayout | None, checks: list[SignatureCheck]
) -> PortfolioSummary:
    profile = document.get("profile") if isinstance(document, dict) else None
    profile = profile if isinstance(profile, dict) else {}
    export = document.get("export") if isinstance(document, dict) else None
    entries = export.get("entry_count") if isinstance(export, dict) else None
    countersigned = tuple(
        {
            "role": c.box_role,
            "signer_name": c.signer_name,
            "signer_id": c.signer_id,
            "decision": c.decision,
            "claimed_decision": c.claimed_decision,
            "claimed_decision_not_counted": c.claimed_decision_note,
            "comment": c.comment,
            "time": c.signing_time.isoformat() if c.signing_time else None,
            "time_source": c.time_source,
            "trusted": c.trusted,
            "ok": c.ok,
        }
        for c in checks
        if c.role is SignatureRole.STAFF_COUNTERSIGNATURE and c.ok
    )

    def text(value: Any) -> str | None:
        return _printable(str(value)[:200]) if value not in (None, "") else None

    return PortfolioSummary(
        student_name=text(profile.get("name")),
        student_id=text(profile.get("student_id")),
        programme=text(profile.get("programme")),
        entries=entries if isinstance(entries, int) else None,
        countersigned_by=countersigned,
        staff_boxes=tuple(b.role for b in layout.staff_boxes) if layout else (),
    )


def read_form_layout(data: bytes) -> FormLayout | None:
    """The form layout recorded in the signed ``portfolio.json`` (``None``: absent/invalid)."""
    raw = extract_embedded_json(data)
    if raw is None:
        return None
    try:
        document = json.loads(raw)
        return FormLayout.from_json(document.get("form"))
    except (ValueError, AttributeError, RecursionError):
        return None


def _signed_json(reader: Any, certification: Any) -> bytes | None:
    """``portfolio.json`` as it was in the revision the student signed."""
    try:
        root = reader.get_historical_resolver(certification.signed_revision).root
        data: bytes | None = find_portfolio_json(root)
    except Exception as exc:
        _reraise_limits(exc)
        return None
    return data


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
