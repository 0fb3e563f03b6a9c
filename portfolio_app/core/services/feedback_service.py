"""Tutor feedback flows back: import a countersigned PDF into the student's own portfolio.

What is checked before anything is stored (each refusal says why and stores nothing):

1. The file is verified like any file from outside (a worker process with a time limit, the
   hostile-file limits): not a signed portfolio, unreadable, or failing its checks (a broken
   signature, a change the signatures do not allow, feedback changed after a staff signature
   locked it, a field the export did not make...) is refused.
2. The certification must be the student's own: the same public key as this portfolio's
   signing identity. A classmate's countersigned file is refused, naming whose it is.
3. At least one staff countersignature, intact and in its box, by a signer trusted for that
   box through the student's own imported chain (the course CA that issued the student's
   certificate), or a staff CA given explicitly. The countersigner's role is shown.
4. Every feedback text counts: written in a staff signature's revision, or typed in an
   unsigned update that a staff signature then covered; none over the length limit.

Then, in ONE transaction: one sealed ``feedback`` record (the feedback per entry, the
decisions and comments, each signer's name, role and certificate fingerprint, the file's
SHA-256) and the status "feedback received" on each entry that has feedback. The same file
twice is a no-op; a later file that only adds signatures to one already imported (the same
export and the same first countersignature, say with the second marker's signature added)
replaces that import.

The GUI splits the work: :func:`import_context` (GUI thread, reads the vault),
:func:`check_feedback_file` (worker thread: touches no service) and :func:`store_feedback`
(GUI thread). :func:`import_feedback` does all three for the CLI.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.core.domain.entries import EntryStatus
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.ids import new_id

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.signing.feedback_report import FeedbackItem
    from portfolio_app.core.signing.limits import VerifyLimits
    from portfolio_app.core.signing.verification import SignatureCheck, VerificationReport
    from portfolio_app.core.storage.feedback_repository import StoredFeedback

FORMAT = 1
_NOTHING = "Nothing was imported."


@dataclass(frozen=True)
class ImportContext:
    """What the check needs from the student's vault (copied, so it can run on a worker)."""

    public_key_sha256: str
    student_name: str
    trust: tuple[tuple[str, bytes], ...]
    known_files: frozenset[str]
    sources: dict[str, str]
    entry_ids: frozenset[str]


@dataclass(frozen=True)
class ImportPreview:
    """A checked file, ready to store: what it holds and what storing it would do."""

    path: Path
    file_sha256: str
    report: VerificationReport
    staff: tuple[SignatureCheck, ...]
    items: tuple[FeedbackItem, ...]
    source: str
    duplicate: bool
    replaces: str | None
    missing_entries: tuple[str, ...]

    @property
    def entry_items(self) -> tuple[FeedbackItem, ...]:
        """Feedback on entries (without the overall box)."""
        return tuple(i for i in self.items if i.entry_id is not None)

    def describe(self) -> list[str]:
        """Lines for people: who countersigned, in which role, with which decision."""
        lines = []
        for sig in self.staff:
            role = (sig.box_role or "staff").replace("-", " ")
            decision = f", decision: {sig.decision}" if sig.decision else ""
            lines.append(
                f"Countersigned by {sig.signer_name} as {role}{decision} "
                f"(certificate {sig.fingerprint}; trusted via {sig.trust_anchor})"
            )
        per_entry = self.entry_items
        lines.append(
            f"Feedback on {len(per_entry)} {'entry' if len(per_entry) == 1 else 'entries'}"
            + (" and on the whole portfolio" if len(per_entry) != len(self.items) else "")
        )
        if self.missing_entries:
            lines.append(
                f"{len(self.missing_entries)} of them no longer in your portfolio (the feedback "
                "is kept with the import): " + ", ".join(self.missing_entries)
            )
        return lines


@dataclass(frozen=True)
class ImportResult:
    """What storing did."""

    record_id: str
    duplicate: bool
    replaced: bool
    entries_marked: int
    preview: ImportPreview = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``portfolio feedback import --json``)."""
        p = self.preview
        return {
            "imported": not self.duplicate,
            "already_imported": self.duplicate,
            "replaced_earlier_import": self.replaced,
            "record_id": self.record_id,
            "file": str(p.path),
            "file_sha256": p.file_sha256,
            "entries_with_feedback": [i.entry_id for i in p.entry_items],
            "overall_feedback": any(i.entry_id is None for i in p.items),
            "entries_marked_feedback_received": self.entries_marked,
            "missing_entries": list(p.missing_entries),
            "countersigned_by": [_signer(s) for s in p.staff],
        }


@dataclass(frozen=True)
class EntryFeedback:
    """Feedback on one entry, as the entry view shows it (read-only, plain text)."""

    entry_id: str
    text: str
    signer_name: str
    signer_role: str
    signer_fingerprint: str
    signed_at: str | None
    imported_at: datetime
    decision: str | None
    file_name: str
    responsibility: str
    record_id: str

    @property
    def who(self) -> str:
        """ "Dr Tomás Tutor (tutor)" """
        return f"{self.signer_name} ({self.signer_role.replace('-', ' ')})"


def _signer(sig: SignatureCheck) -> dict[str, Any]:
    return {
        "index": sig.index,
        "role": sig.box_role,
        "name": sig.signer_name,
        "id": sig.signer_id,
        "fingerprint_sha256": sig.fingerprint,
        "signed_at": sig.signing_time.isoformat() if sig.signing_time else None,
        "time_source": sig.time_source,
        "decision": sig.decision,
        "comment": sig.comment,
        "trusted_via": sig.trust_anchor,
    }


# ---- reading the vault ----------------------------------------------------------------------


def stored_feedback(service: PortfolioService) -> list[StoredFeedback]:
    """Every import in the vault, oldest first (decrypted once per unlock, then cached)."""
    cached = service.feedback_cache
    if cached is not None:
        return list(cached)
    from portfolio_app.core.storage.feedback_repository import FeedbackRepository

    records, damaged, _changes = FeedbackRepository(service.store()).load()
    service.damaged.extend(d for d in damaged if d not in service.damaged)
    service.feedback_cache = records
    return list(records)


def entry_feedback(service: PortfolioService, entry_id: str) -> list[EntryFeedback]:
    """Feedback received on one entry, oldest first."""
    out: list[EntryFeedback] = []
    for record in stored_feedback(service):
        item = (record.data.get("entries") or {}).get(entry_id)
        if isinstance(item, dict):
            out.append(_entry_feedback(record, entry_id, item))
    return out


def overall_feedback(service: PortfolioService) -> list[EntryFeedback]:
    """Feedback on the whole portfolio, one per import that has it."""
    out = []
    for record in stored_feedback(service):
        item = record.data.get("overall")
        if isinstance(item, dict):
            out.append(_entry_feedback(record, "", item))
    return out


def entries_with_feedback(service: PortfolioService) -> set[str]:
    """Ids of entries with imported feedback (the "has feedback" filter)."""
    found: set[str] = set()
    for record in stored_feedback(service):
        entries = record.data.get("entries")
        if isinstance(entries, dict):
            found.update(str(k) for k in entries)
    return found


def _entry_feedback(record: StoredFeedback, entry_id: str, item: dict[str, Any]) -> EntryFeedback:
    signers = {s.get("index"): s for s in record.data.get("signers", []) if isinstance(s, dict)}
    signer = signers.get(item.get("signature_index")) or {}
    decision = next(
        (s.get("decision") for s in record.data.get("signers", []) if s.get("decision")), None
    )
    return EntryFeedback(
        entry_id=entry_id,
        text=str(item.get("text", "")),
        signer_name=str(signer.get("name") or "unknown signer"),
        signer_role=str(signer.get("role") or "staff"),
        signer_fingerprint=str(signer.get("fingerprint_sha256") or ""),
        signed_at=signer.get("signed_at"),
        imported_at=record.received,
        decision=decision,
        file_name=str(record.data.get("file_name", "")),
        responsibility=str(item.get("responsibility", "")),
        record_id=record.id,
    )


# ---- importing ------------------------------------------------------------------------------


def import_context(service: PortfolioService) -> ImportContext:
    """What :func:`check_feedback_file` needs, read from the vault (the GUI thread's part)."""
    from cryptography.hazmat.primitives import serialization

    from portfolio_app.core.services import identity_service
    from portfolio_app.core.signing.identity import load_certificate

    identity = identity_service.load_identity(service)
    if identity is None:
        raise ValidationError(
            "This portfolio has never signed an export, so no countersigned file can be its "
            f"own. {_NOTHING}"
        )
    spki = (
        load_certificate(identity.certificate_pem)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    trust = tuple(
        (f"your course CA ({i})", pem) for i, pem in enumerate(identity.chain_pem, start=1)
    ) or (("your own certificate", identity.certificate_pem),)
    records = stored_feedback(service)
    return ImportContext(
        public_key_sha256=hashlib.sha256(spki).hexdigest(),
        student_name=service.profile.name,
        trust=trust,
        known_files=frozenset(str(r.data.get("file_sha256")) for r in records),
        sources={str(r.data.get("source")): r.id for r in records},
        entry_ids=frozenset(service.entry_ids()),
    )


def check_feedback_file(
    context: ImportContext,
    path: Path,
    *,
    staff_trust: tuple[tuple[str, bytes], ...] = (),
    limits: VerifyLimits | None = None,
) -> ImportPreview:
    """Verify ``path`` and check it is this student's, countersigned by trusted staff.

    Raises :class:`ValidationError` saying what is wrong; touches no service (worker-safe).
    """
    from portfolio_app.core.services.export_service import (
        TrustInputs,
        _read_pdf,
        extract_portfolio_json,
        verify_paths,
    )
    from portfolio_app.core.signing.verification import SignatureRole

    data = _read_pdf(path)
    file_sha = hashlib.sha256(data).hexdigest()
    name = path.name
    trust = TrustInputs(trust=context.trust, staff=staff_trust)
    report = verify_paths([path], trust=trust, limits=limits)[0][1]
    if report.exit_code == 3:
        raise ValidationError(
            f"{name} is not a countersigned portfolio, or cannot be read: {report.reason} "
            + _NOTHING
        )
    if report.exit_code == 1:
        raise ValidationError(
            f"{name} fails its checks, so the feedback in it cannot be trusted: "
            f"{report.reason} Ask your tutor for the file exactly as they countersigned it. "
            + _NOTHING
        )
    student = report.signatures[0]
    if student.public_key_sha256 != context.public_key_sha256:
        raise ValidationError(
            f"{name} is not your portfolio: it was signed by {student.signer_name or 'someone'}"
            + (f" (id {student.signer_id})" if student.signer_id else "")
            + ", with a signing key that is not this portfolio's. Import only your own "
            "countersigned portfolio. " + _NOTHING
        )
    staff_sigs = [s for s in report.signatures if s.role is SignatureRole.STAFF_COUNTERSIGNATURE]
    if not staff_sigs:
        raise ValidationError(
            f"{name} has no staff countersignature yet, so there is no signed feedback in it "
            "to import. " + _NOTHING
        )
    untrusted = [s for s in staff_sigs if not s.trusted]
    if untrusted:
        first = untrusted[0]
        role = (first.box_role or "staff").replace("-", " ")
        raise ValidationError(
            f"The countersignature of {first.signer_name} ({role}) "
            "is intact, but their certificate is not confirmed by your course CA (the CA that "
            "issued your own certificate). If your course uses a separate staff CA, import with "
            "its certificate (--trust-staff STAFF-CA.pem, or 'Staff CA certificate…' in the "
            "window). " + _NOTHING
        )
    for item in report.feedback:
        where = "the overall feedback" if item.entry_id is None else f"the feedback on {item.label}"
        if item.cut:
            raise ValidationError(
                f"{where} in {name} is {item.length:,} characters, longer than any feedback box "
                "takes. " + _NOTHING
            )
        if not item.counts:
            raise ValidationError(
                f"{where} in {name} does not count: {item.responsibility}. " + _NOTHING
            )
    document = extract_portfolio_json(path) or {}
    raw_export = document.get("export")
    export: dict[str, Any] = raw_export if isinstance(raw_export, dict) else {}
    # The same export with the same first countersignature (the one whose lock froze the
    # feedback): a later file that only adds signatures (a second marker's) replaces it.
    first = staff_sigs[0]
    when = first.signing_time.isoformat() if first.signing_time else ""
    source = f"{student.fingerprint}|{export.get('generated_at', '')}|{first.fingerprint}|{when}"
    missing = tuple(
        i.label for i in report.feedback if i.entry_id and i.entry_id not in context.entry_ids
    )
    return ImportPreview(
        path=path,
        file_sha256=file_sha,
        report=report,
        staff=tuple(staff_sigs),
        items=tuple(report.feedback),
        source=source,
        duplicate=file_sha in context.known_files,
        replaces=context.sources.get(source),
        missing_entries=missing,
    )


def _record_data(preview: ImportPreview) -> dict[str, Any]:
    def item_data(item: FeedbackItem) -> dict[str, Any]:
        return {
            "text": item.text,
            "label": item.label,
            "title": item.title,
            "filled_in": item.filled_in,
            "signature_index": item.signature_index,
            "responsibility": item.responsibility,
        }

    overall = next((i for i in preview.items if i.entry_id is None), None)
    return {
        "format": FORMAT,
        "file_name": preview.path.name[:300],
        "file_sha256": preview.file_sha256,
        "source": preview.source,
        "verdict": preview.report.verdict.value,
        "signers": [_signer(s) for s in preview.staff],
        "entries": {i.entry_id: item_data(i) for i in preview.entry_items if i.entry_id},
        "overall": item_data(overall) if overall is not None else None,
        "missing_entries": list(preview.missing_entries),
    }


def store_feedback(service: PortfolioService, preview: ImportPreview) -> ImportResult:
    """Store a checked import and mark entries, in one transaction (GUI thread's part)."""
    from portfolio_app.core.storage.feedback_repository import FeedbackRepository

    known = {str(r.data.get("file_sha256")): r.id for r in stored_feedback(service)}
    if preview.file_sha256 in known:
        return ImportResult(known[preview.file_sha256], True, False, 0, preview)
    record_id = preview.replaces or new_id()
    data = _record_data(preview)
    present = service.entry_ids()
    changes = {
        i.entry_id: EntryStatus.FEEDBACK_RECEIVED
        for i in preview.entry_items
        if i.entry_id in present
    }
    received = datetime.now(UTC)
    repo = FeedbackRepository(service.store())

    def write(conn: Any) -> None:
        repo.write_in(conn, record_id, received, data)

    try:
        changed = service.set_statuses_by_app(changes, also=write)
    finally:
        service.feedback_cache = None
    return ImportResult(record_id, False, preview.replaces is not None, len(changed), preview)


def import_feedback(
    service: PortfolioService,
    path: Path,
    *,
    staff_trust: tuple[tuple[str, bytes], ...] = (),
    limits: VerifyLimits | None = None,
) -> ImportResult:
    """Check and store in one call (the CLI's ``portfolio feedback import``)."""
    preview = check_feedback_file(
        import_context(service), path, staff_trust=staff_trust, limits=limits
    )
    return store_feedback(service, preview)
