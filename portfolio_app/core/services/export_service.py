"""Export the portfolio as a signed PDF; countersign and verify exported files.

The export is split in two so the GUI can run the slow part on a worker thread while
``PortfolioService`` (not thread-safe) stays on the GUI thread:

1. :func:`prepare_export` (caller's thread, fast): reads copies of everything from the open
   portfolio, applies the :class:`ExportSelection`, fixes the reading order, makes the
   signing identity on first use, builds ``portfolio.json`` and runs the patient-identifier
   check over the text that will be printed.
2. :meth:`ExportJob.run` (any thread; touches no service): refuses while there are findings
   the student has not acknowledged, lays the PDF out once (``core.export.document``), signs
   it (PAdES B-B certification, DocMDP P=2, visible signature on the signatures page, empty
   tutor field, ``portfolio.json`` attached inside the signed revision) and writes it
   atomically. ``progress(done, total, message)`` reports, ``is_cancelled()`` is polled
   throughout; a cancel raises :class:`ExportCancelled` and leaves no file behind.

:func:`export_portfolio` does both for callers that do not need the split (the CLI).

Countersigning (:func:`countersign_file`) and verification (:func:`verify_file`) also live
here: the command line and the GUI reach the signing layer only through services. Every file
from outside is checked under :class:`VerifyLimits`: a size cap, bounded work, and (by
default) a worker process with a time limit, so a hostile PDF costs seconds, not minutes
(``core.signing.limits``, ``core.signing.isolation``).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app import __version__
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.export.atomic import write_atomically
from portfolio_app.core.export.errors import ExportCancelled, IdentifierFindingsError
from portfolio_app.core.export.identifiers import ExportFinding, find_export_identifiers
from portfolio_app.core.export.plan import DocumentPlan, build_plan
from portfolio_app.core.export.selection import ExportSelection, select_entries
from portfolio_app.core.signing.limits import (
    MAX_FIELDS,
    MAX_PDF_BYTES,
    MiB,
    VerifyLimits,
    mib,
)

if TYPE_CHECKING:
    from portfolio_app.core.evidence.pdf_embed import EvidenceItem
    from portfolio_app.core.export.document import DocumentContent, LayoutResult
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.signing.identity import Identity
    from portfolio_app.core.signing.trust import TrustSettings
    from portfolio_app.core.signing.verification import VerificationReport
    from portfolio_app.core.timeline.chain import EntryTimeline
    from portfolio_app.core.timeline.compare import Comparison
    from portfolio_app.core.timeline.notes import TimelineNote

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]

DEFAULT_FRAMEWORK_ID = "ipec-2023"
#: Entries that get their own feedback box (more get only the overall box): the verifier's
#: form-field limit, less the signature boxes and the overall box. Every field is walked in
#: every revision, so this bounds what a file at the limits costs to check (SECURITY.md).
MAX_FEEDBACK_FIELDS = MAX_FIELDS - 10
SIGNING_REASON = "I am the author of this reflective portfolio"
#: Evidence embedded in one export, in all: with the document (5.5 MB for 2,000 entries) it
#: stays under what ``portfolio verify`` reads (``limits.MAX_PDF_BYTES``, 32 MiB).
MAX_EXPORT_EVIDENCE_BYTES = 24 * MiB


@dataclass(frozen=True)
class ExportResult:
    """What an export produced."""

    path: Path
    page_count: int
    entry_count: int
    signed: bool
    fingerprint: str | None
    size_bytes: int
    findings_acknowledged: int
    contents_pages: tuple[int, ...]
    layout_seconds: float
    total_seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json``)."""
        return {
            "path": str(self.path),
            "pages": self.page_count,
            "entries": self.entry_count,
            "signed": self.signed,
            "fingerprint_sha256": self.fingerprint,
            "bytes": self.size_bytes,
            "findings_acknowledged": self.findings_acknowledged,
            "contents_pages": list(self.contents_pages),
            "layout_seconds": round(self.layout_seconds, 3),
            "total_seconds": round(self.total_seconds, 3),
        }


@dataclass(frozen=True)
class ExportJob:
    """Everything an export needs, copied out of the vault; safe to run on a worker thread."""

    content: DocumentContent
    portfolio_json: bytes
    identity: Identity | None = field(repr=False)
    findings: tuple[ExportFinding, ...]
    tsa_url: str | None = None
    #: Things the student should know about this export (never blocking), e.g. feedback boxes
    #: left out of a very long portfolio.
    notes: tuple[str, ...] = ()
    #: Evidence files to embed (copies of the vault's bytes), in reading order.
    evidence: tuple[EvidenceItem, ...] = ()
    #: Notes on entries' dates (never block the export; printed under each entry).
    timeline_notes: tuple[TimelineNote, ...] = ()

    @property
    def entry_count(self) -> int:
        """How many entries the export holds."""
        return len(self.content.plan.numbers)

    def layout(
        self, *, progress: Progress | None = None, is_cancelled: IsCancelled | None = None
    ) -> LayoutResult:
        """The unsigned PDF (benchmarks and tests look at the layout on its own)."""
        from portfolio_app.core.export.document import render_document

        return render_document(self.content, progress=progress, is_cancelled=is_cancelled)

    def build_pdf(
        self, *, progress: Progress | None = None, is_cancelled: IsCancelled | None = None
    ) -> tuple[bytes, LayoutResult]:
        """Laid out and signed (or, unsigned, with ``portfolio.json`` attached) PDF bytes."""
        cancelled = is_cancelled or (lambda: False)
        report = progress or (lambda _d, _t, _m: None)
        total = self.entry_count + 2
        layout = self.layout(
            progress=lambda done, _t, message: report(done, total, message),
            is_cancelled=cancelled,
        )
        if cancelled():
            raise ExportCancelled()
        pdf = layout.pdf
        if self.evidence:
            from portfolio_app.core.evidence.pdf_embed import embed_evidence

            report(self.entry_count, total, "Embedding evidence files")
            pdf = embed_evidence(pdf, self.evidence, layout.evidence_pages)
            if len(pdf) + 256 * 1024 > MAX_PDF_BYTES:  # room for the signature and the JSON
                raise ValidationError(
                    f"with its evidence files the PDF would be {mib(len(pdf))}, more than "
                    f"verifiers accept ({MAX_PDF_BYTES // MiB} MiB); leave some evidence out"
                )
        if self.identity is not None:
            report(self.entry_count, total, "Signing")
            pdf = _sign(pdf, layout, self.identity, self.portfolio_json, self.tsa_url)
        else:
            report(self.entry_count, total, "Attaching portfolio.json")
            pdf = _attach_json(pdf, self.portfolio_json)
        if cancelled():
            raise ExportCancelled()
        return pdf, layout

    def run(
        self,
        out_path: Path,
        *,
        acknowledge_findings: bool = False,
        progress: Progress | None = None,
        is_cancelled: IsCancelled | None = None,
    ) -> ExportResult:
        """Build, sign and atomically write the PDF to ``out_path``.

        Raises :class:`IdentifierFindingsError` (before doing any work) when the identifier
        check found something and ``acknowledge_findings`` is false.
        """
        if self.findings and not acknowledge_findings:
            raise IdentifierFindingsError(self.findings)
        started = time.perf_counter()
        report = progress or (lambda _d, _t, _m: None)
        total = self.entry_count + 2
        pdf, layout = self.build_pdf(progress=progress, is_cancelled=is_cancelled)
        report(self.entry_count + 1, total, "Writing the file")
        write_atomically(out_path, pdf, is_cancelled=is_cancelled)
        report(total, total, "Done")
        return ExportResult(
            path=out_path,
            page_count=layout.page_count,
            entry_count=self.entry_count,
            signed=self.identity is not None,
            fingerprint=self.content.fingerprint,
            size_bytes=len(pdf),
            findings_acknowledged=len(self.findings),
            contents_pages=layout.toc_pages,
            layout_seconds=layout.seconds,
            total_seconds=time.perf_counter() - started,
        )


def _sign(
    pdf: bytes,
    layout: LayoutResult,
    identity: Identity,
    portfolio_json: bytes,
    tsa_url: str | None,
) -> bytes:
    from portfolio_app.core.export.document import OVERALL_FEEDBACK_SLOT
    from portfolio_app.core.export.fonts import font_file
    from portfolio_app.core.signing.feedback_fields import feedback_form_fields
    from portfolio_app.core.signing.pdf_signing import sign_portfolio
    from portfolio_app.core.signing.roles import Role

    text_fields = feedback_form_fields(layout.feedback_boxes, OVERALL_FEEDBACK_SLOT)
    with font_file() as font_path:
        return sign_portfolio(
            pdf,
            identity,
            reason=SIGNING_REASON,
            visible_box=layout.student_box,
            staff_boxes={Role.parse(role): box for role, box in layout.staff_boxes.items()},
            embed_json=portfolio_json,
            font_path=font_path,
            tsa_url=tsa_url,
            text_fields=text_fields,
            field_labels=_feedback_labels(text_fields, portfolio_json),
        )


def _feedback_labels(text_fields: Sequence[Any], portfolio_json: bytes) -> dict[str, str]:
    """Tooltips of the feedback fields: "Tutor feedback on E12" (numbers from portfolio.json)."""
    try:
        numbers = json.loads(portfolio_json).get("export", {}).get("entry_numbers", {})
    except (ValueError, AttributeError):
        numbers = {}
    labels = {}
    for spec in text_fields:
        if spec.entry_id is None:
            labels[spec.name] = "Staff feedback on the whole portfolio"
        else:
            labels[spec.name] = f"Tutor feedback on entry {numbers.get(spec.entry_id, '')}".strip()
    return labels


def _attach_json(pdf: bytes, portfolio_json: bytes) -> bytes:
    """An unsigned export still carries ``portfolio.json`` (as an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from portfolio_app.core.signing.attachments import embed_portfolio_json

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embed_portfolio_json(writer, portfolio_json)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


# ---- preparing ----------------------------------------------------------------------------


def _coverage_frameworks(
    frameworks: Sequence[Framework], entries: Sequence[Entry]
) -> tuple[Framework, ...]:
    """Frameworks the exported entries link to, in the portfolio's order (else the default)."""
    linked = {link.framework_id for entry in entries for link in entry.competencies}
    chosen = tuple(fw for fw in frameworks if fw.id in linked)
    if chosen:
        return chosen
    return tuple(fw for fw in frameworks if fw.id == DEFAULT_FRAMEWORK_ID)


def _attendance(
    events: Sequence[Event], entries: Sequence[Entry], selection: ExportSelection
) -> tuple[Event, ...]:
    """Events for the attendance record: all of them, or those in the selected period.

    With a date range, events in the range are listed, plus any event an exported entry links
    to (so a group heading never names an event missing from the record).
    """
    linked = {event_id for entry in entries for event_id in entry.event_ids}
    chosen = []
    for event in events:
        in_range = True
        if selection.date_from or selection.date_to:
            in_range = event.on is not None and (
                (selection.date_from is None or event.on >= selection.date_from)
                and (selection.date_to is None or event.on <= selection.date_to)
            )
        if in_range or event.id in linked:
            chosen.append(event)
    chosen.sort(key=lambda e: (e.on is None, e.on or datetime.min.date(), e.title))
    return tuple(chosen)


def _printed_experiences(
    experiences: Sequence[Experience], entries: Sequence[Entry]
) -> tuple[Experience, ...]:
    linked = {x for entry in entries for x in entry.experience_ids}
    return tuple(x for x in experiences if x.id in linked)


def build_portfolio_json(
    snapshot: dict[str, Any],
    *,
    plan: DocumentPlan,
    selection: ExportSelection,
    generated_at: datetime,
    fingerprint: str | None,
    timelines: dict[str, EntryTimeline] | None = None,
    evidence: Sequence[EvidenceItem] = (),
    timeline: dict[str, Any] | None = None,
) -> bytes:
    """``portfolio.json``: the vault snapshot narrowed to the exported entries, plus what was
    selected and how entries are numbered in the PDF (so a script can cite "E12").

    Each exported entry carries its ``timeline`` (its revision chain, ``core.timeline.chain``)
    and its embedded ``attachments`` (name, size, SHA-256, the name it is embedded under);
    the top-level ``timeline`` says how to check them and from when the chain runs.
    """
    exported = set(plan.numbers)
    document = dict(snapshot)
    by_entry: dict[str, list[dict[str, Any]]] = {}
    for item in evidence:
        by_entry.setdefault(item.entry_id, []).append(item.to_json())
    entries = []
    for raw in snapshot.get("entries", []):
        entry_id = raw.get("id")
        if entry_id not in exported:
            continue
        entry = dict(raw)
        if timelines is not None and entry_id in timelines:
            entry["timeline"] = timelines[entry_id].to_json()
        entry["attachments"] = by_entry.get(entry_id, [])
        entries.append(entry)
    document["entries"] = entries
    if timeline is not None:
        document["timeline"] = timeline
    if not selection.include_final_reflection:
        document["final_reflection"] = None
    document["selection"] = selection.to_dict()
    document["export"] = {
        "generated_at": generated_at.isoformat(),
        "generated_by": f"Reflective Portfolio {__version__}",
        "entry_count": len(exported),
        "entry_numbers": {entry_id: f"E{n}" for entry_id, n in plan.numbers.items()},
        "signing_certificate_sha256": fingerprint,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def prepare_export(
    service: PortfolioService,
    selection: ExportSelection | None = None,
    *,
    sign: bool = True,
    now: datetime | None = None,
    staff_roles: Sequence[str] | None = None,
    tsa_url: str | None = None,
    leave_out_damaged: bool = False,
    enforce_integrity: bool = True,
    feedback_fields: bool = True,
    record: bool = True,
) -> ExportJob:
    """Copy what the export needs out of the open portfolio (see the module docstring).

    With ``sign`` the portfolio's identity is made now if it has none (it is stored in the
    vault, so this must run on the thread that owns ``service``). ``staff_roles`` (default:
    the portfolio's signing settings, else the tutor alone) get one countersignature box each;
    ``tsa_url`` (default: the settings' time-stamping authority, else none) adds an RFC 3161
    timestamp to the student's signature.

    ``feedback_fields`` (default on) ends each entry with an empty "Tutor feedback" form field
    and adds an overall one on the signatures page (issue 9).
    With ``record`` (a real export, not a look at what it would contain) an entry whose
    current state is not its newest saved version gets one now, and the versions exported are
    marked published (never updated in place afterwards), so every head in ``portfolio.json``
    stays in the entry's chain.

    Refuses (:class:`IntegrityFindingsPendingError`) while the portfolio holds changes made
    outside the app that the student has not acknowledged, and
    (:class:`DamagedRecordsError`) while records cannot be decrypted, unless
    ``leave_out_damaged``: then the PDF's cover lists what was left out.
    """
    from portfolio_app.core.export.errors import (
        DamagedRecordsError,
        IntegrityFindingsPendingError,
    )

    # A portfolio opened with the search index has decrypted only what was shown: read and
    # check every record first, so no finding or damaged entry is met after these checks.
    service.read_everything()
    if enforce_integrity and service.integrity_findings:
        raise IntegrityFindingsPendingError([f.message for f in service.integrity_findings])
    damaged = service.damaged_for_export()
    if damaged and enforce_integrity and not leave_out_damaged:
        raise DamagedRecordsError([d.describe() for d in damaged])
    left_out = tuple(d.describe() for d in damaged)
    from portfolio_app.core.export.document import DocumentContent
    from portfolio_app.core.reflective_templates import load_templates
    from portfolio_app.core.services import identity_service

    selection = selection or ExportSelection()
    generated_at = now or datetime.now(UTC).astimezone()
    selected = select_entries(service.entries(), selection)
    events = service.events()
    experiences = service.experiences()
    plan = build_plan(selected, events, experiences)
    ordered = plan.ordered
    frameworks = service.frameworks()
    final = service.final_reflection if selection.include_final_reflection else None
    attendance = _attendance(events, ordered, selection)
    printed_experiences = _printed_experiences(experiences, ordered)

    from portfolio_app.core.timeline.chain import parse_time

    labels = {str(entry_id): f"E{n}" for entry_id, n in plan.numbers.items()}
    exported_ids = [entry.id for entry in ordered]
    if record and exported_ids:
        # Each exported head must hash to the text exported (an event deleted since the
        # last save changed an entry's links without a saved version).
        service.record_current_versions(exported_ids, datetime.now(UTC))
    timelines = service.timelines(exported_ids)
    notes = _timeline_notes(service, ordered, generated_at)
    evidence = _evidence(service, ordered, selection, labels)
    timeline = _timeline_summary(service, timelines, notes)

    identity = identity_service.get_or_create_identity(service) if sign else None
    fingerprint = identity_service.identity_fingerprint(identity) if identity else None
    settings = identity_service.signing_settings(service)
    roles = identity_service.check_staff_roles(
        staff_roles if staff_roles is not None else settings.staff_roles
    )
    tsa = tsa_url if tsa_url is not None else settings.tsa_url
    content = DocumentContent(
        profile=service.profile,
        plan=plan,
        events=tuple(events),
        attendance=attendance,
        experiences=tuple(experiences),
        coverage_frameworks=_coverage_frameworks(frameworks, ordered),
        frameworks_by_id={fw.id: fw for fw in frameworks},
        final_reflection=final,
        selection_text=selection.describe(),
        fingerprint=fingerprint,
        signed=identity is not None,
        generated_at=generated_at,
        template_names={t.id: t.name for t in load_templates()},
        app_version=__version__,
        staff_roles=roles,
        template_credits={t.id: t.credit for t in load_templates() if t.credit},
        attendance_experiences=printed_experiences,
        left_out=left_out,
        feedback_fields=feedback_fields and sign,
        feedback_per_entry=len(ordered) <= MAX_FEEDBACK_FIELDS,
        timelines={str(k): v for k, v in timelines.items()},
        timeline_notes=tuple(notes),
        evidence=tuple(evidence),
        timeline_info=timeline,
        inline_images=selection.inline_images,
    )
    export_notes: list[str] = []
    if content.feedback_fields and not content.feedback_per_entry:
        export_notes.append(
            f"{len(ordered):,} entries: more than the {MAX_FEEDBACK_FIELDS:,} feedback boxes a "
            "signed portfolio may hold (so every assessor can check it quickly), so only the "
            "overall feedback box was added. Export a date range to give each entry its box."
        )
    findings = find_export_identifiers(
        ordered,
        labels=labels,
        final_reflection=final or "",
        events=attendance,
        experiences=printed_experiences,
        attachment_names=[(item.entry_id, item.name) for item in evidence],
    )
    snapshot = service.snapshot_json()
    if left_out:
        snapshot["left_out_unreadable"] = list(left_out)
    portfolio_json = build_portfolio_json(
        snapshot,
        plan=plan,
        selection=selection,
        generated_at=generated_at,
        fingerprint=fingerprint,
        timelines={str(k): v for k, v in timelines.items()},
        evidence=evidence,
        timeline=timeline,
    )
    if record and timelines:
        # From now on these versions are in a file someone may keep: never update them.
        latest = max(parse_time(t.summary.last_saved) for t in timelines.values())
        service.mark_published(max(latest, datetime.now(UTC)))
    return ExportJob(
        content=content,
        portfolio_json=portfolio_json,
        identity=identity,
        findings=tuple(findings),
        tsa_url=tsa or None,
        notes=tuple(export_notes),
        evidence=tuple(evidence),
        timeline_notes=tuple(notes),
    )


def _timeline_notes(
    service: PortfolioService, ordered: Sequence[Entry], generated_at: datetime
) -> list[TimelineNote]:
    from portfolio_app.core.timeline.notes import timeline_notes

    return timeline_notes(
        ordered,
        all_entries={entry.id: entry for entry in service.entries()},
        events={event.id: event for event in service.events()},
        experiences={x.id: x for x in service.experiences()},
        zone=generated_at.tzinfo,
    )


def _timeline_summary(
    service: PortfolioService,
    timelines: dict[Any, EntryTimeline],
    notes: Sequence[TimelineNote],
) -> dict[str, Any]:
    """The top-level ``timeline`` of ``portfolio.json``: formats, start, portfolio head."""
    from portfolio_app.core.timeline.chain import (
        CHAIN_FORMAT,
        CONTENT_FORMAT,
        PORTFOLIO_HEAD_FORMAT,
        portfolio_head,
    )
    from portfolio_app.core.timeline.notes import LATE_ENTRY_DAYS

    info = service.timeline_info()
    return {
        "chain_format": CHAIN_FORMAT,
        "content_format": CONTENT_FORMAT,
        "portfolio_head_format": PORTFOLIO_HEAD_FORMAT,
        "canonical_json": "RFC 8785 (JCS), integers only",
        "chain_started": info.get("chain_started"),
        "chain_origin": info.get("origin"),
        "portfolio_head": portfolio_head({k: t.summary.head for k, t in timelines.items()}),
        "clock": "every time is the student's own computer clock",
        "late_entry_days": LATE_ENTRY_DAYS,
        "notes": [note.to_json() for note in notes],
        "problems": {k: list(t.problems) for k, t in timelines.items() if t.problems},
    }


def _evidence(
    service: PortfolioService,
    ordered: Sequence[Entry],
    selection: ExportSelection,
    labels: dict[Any, str],
) -> list[EvidenceItem]:
    """Copies of the evidence files to embed, in reading order, named ``E3-name``."""
    import dataclasses
    import hashlib

    from portfolio_app.core.domain.errors import DamagedRecordError
    from portfolio_app.core.evidence.files import IMAGE_TYPES, describe_size
    from portfolio_app.core.evidence.pdf_embed import EvidenceItem, embedded_names

    if not selection.include_attachments or not ordered:
        return []
    by_entry: dict[str, list[Any]] = {}
    for info in service.attachments():
        by_entry.setdefault(info.entry_id, []).append(info)
    items: list[EvidenceItem] = []
    total = 0
    for entry in ordered:
        for info in by_entry.get(entry.id, []):
            if not selection.embeds(info.id):
                continue
            try:
                data = service.read_attachment(info.id)
            except DamagedRecordError as exc:
                raise ValidationError(
                    f"the evidence file '{info.filename}' of {labels.get(entry.id, 'an entry')} "
                    f"cannot be read ({exc.user_message}); leave it out of the export, or "
                    "remove it and attach it again"
                ) from exc
            total += len(data)
            if total > MAX_EXPORT_EVIDENCE_BYTES:
                limit = describe_size(MAX_EXPORT_EVIDENCE_BYTES)
                raise ValidationError(
                    f"the evidence files come to more than {limit}; leave some out of this export"
                )
            items.append(
                EvidenceItem(
                    entry_id=entry.id,
                    attachment_id=info.id,
                    name=info.filename,
                    media_type=info.media_type,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    added=info.added,
                    data=data,
                    show_inline=selection.inline_images and info.media_type in IMAGE_TYPES,
                )
            )
    names = embedded_names({str(k): v for k, v in labels.items()}, items)
    return [
        dataclasses.replace(item, embedded_as=name) for item, name in zip(items, names, strict=True)
    ]


def check_identifiers(
    service: PortfolioService, selection: ExportSelection | None = None
) -> list[ExportFinding]:
    """The identifier findings an export of ``selection`` would raise (no identity is made)."""
    return list(
        prepare_export(
            service, selection, sign=False, enforce_integrity=False, record=False
        ).findings
    )


def export_portfolio(
    service: PortfolioService,
    out_path: Path,
    selection: ExportSelection | None = None,
    *,
    sign: bool = True,
    acknowledge_findings: bool = False,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
    staff_roles: Sequence[str] | None = None,
    tsa_url: str | None = None,
    leave_out_damaged: bool = False,
    feedback_fields: bool = True,
) -> ExportResult:
    """Prepare and run an export in one call (see :func:`prepare_export`, :meth:`ExportJob.run`).

    Raises :class:`IdentifierFindingsError` with the findings when there are any and
    ``acknowledge_findings`` is false; :class:`ExportCancelled` when cancelled.
    """
    job = prepare_export(
        service,
        selection,
        sign=sign,
        staff_roles=staff_roles,
        tsa_url=tsa_url,
        leave_out_damaged=leave_out_damaged,
        feedback_fields=feedback_fields,
    )
    if job.findings and not acknowledge_findings:
        raise IdentifierFindingsError(job.findings)
    result = job.run(
        out_path,
        acknowledge_findings=acknowledge_findings,
        progress=progress,
        is_cancelled=is_cancelled,
    )
    record_submission(service, job)
    return result


def record_submission(service: PortfolioService, job: ExportJob) -> None:
    """After a signed export is written: its draft and ready entries are now "submitted"
    (the status the app sets; an unsigned export submits nothing)."""
    if job.identity is not None:
        service.mark_submitted([str(entry.id) for entry in job.content.entries])


# ---- countersigning and verification ------------------------------------------------------


def _read_pdf(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PDF_BYTES:
            raise ValidationError(
                f"{path} is {mib(size)}, larger than any portfolio this app makes (the limit "
                f"is {MAX_PDF_BYTES // MiB} MiB)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class TrustInputs:
    """What the person checking trusts, as named files (the names appear in reports)."""

    trust: tuple[tuple[str, bytes], ...] = ()
    staff: tuple[tuple[str, bytes], ...] = ()
    fingerprints: tuple[str, ...] = ()
    tsa: tuple[tuple[str, bytes], ...] = ()
    crls: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def from_paths(
        cls,
        *,
        trust: Sequence[Path] = (),
        staff: Sequence[Path] = (),
        fingerprints: Sequence[str] = (),
        tsa: Sequence[Path] = (),
        crls: Sequence[Path] = (),
    ) -> TrustInputs:
        """Read the files (raising :class:`ValidationError` for an unreadable one)."""
        from portfolio_app.core.services.identity_service import read_pem_file

        def read(paths: Sequence[Path], what: str) -> tuple[tuple[str, bytes], ...]:
            return tuple((p.name, read_pem_file(p, what)) for p in paths)

        return cls(
            trust=read(trust, "trust certificate"),
            staff=read(staff, "staff trust certificate"),
            fingerprints=tuple(fingerprints),
            tsa=read(tsa, "time-stamping authority certificate"),
            crls=read(crls, "revocation list"),
        )

    def settings(self) -> TrustSettings:
        """Sorted trust (raises ``VerificationInputError`` for malformed inputs)."""
        from portfolio_app.core.signing.trust import build_trust

        return build_trust(
            self.trust,
            staff=self.staff,
            fingerprints=self.fingerprints,
            tsa=self.tsa,
            crls=self.crls,
        )


@dataclass(frozen=True)
class CountersignPlan:
    """What countersigning a file would do, checked before anything is signed.

    ``role``/``box`` are the box chosen (the requested role's, else the first open one);
    ``choices`` every staff role whose box is still unsigned and which the signer's
    certificate carries, in the file's order (what a role picker offers).
    """

    report: VerificationReport
    role: str
    box: str
    warnings: tuple[str, ...]
    trust: TrustInputs
    choices: tuple[str, ...] = ()


def _tutor_trust(identity: Identity, extra: TrustInputs | None) -> TrustInputs:
    """The tutor's own imported chain (their course CA) plus whatever was given."""
    own = tuple((f"your course CA ({i})", pem) for i, pem in enumerate(identity.chain_pem, start=1))
    extra = extra or TrustInputs()
    return TrustInputs(
        trust=own + extra.trust,
        staff=extra.staff,
        fingerprints=extra.fingerprints,
        tsa=extra.tsa,
        crls=extra.crls,
    )


def _screen(path: Path, settings: TrustSettings) -> None:
    """Check a file from outside in a time-limited worker before working on it in this process.

    The checks that follow (before and after signing) are bounded in work, but only a worker
    process can be stopped: a file that overruns a limit there is refused here.
    """
    from portfolio_app.core.signing.errors import CountersignRefusedError

    report = verify_paths([path], trust=settings)[0][1]
    if report.limit is not None:
        raise CountersignRefusedError(f"This file cannot be countersigned: {report.reason}")


def plan_countersign(
    service: PortfolioService,
    in_path: Path,
    *,
    role: str | None = None,
    trust: TrustInputs | None = None,
    feedback_keys: Sequence[str] | None = None,
) -> CountersignPlan:
    """Check a portfolio before countersigning it with this portfolio's identity.

    Raises ``CountersignRefusedError`` for a file that fails the checks, one this signer
    already signed, one without a box for the signer's role. ``warnings`` are for the tutor
    to confirm: chiefly a student certificate that the tutor's own course CA did not issue.
    """
    from portfolio_app.core.services import identity_service

    identity = identity_service.get_or_create_identity(service)
    return plan_countersign_as(
        identity, in_path, role=role, trust=trust, feedback_keys=feedback_keys
    )


def plan_countersign_as(
    identity: Identity,
    in_path: Path,
    *,
    role: str | None = None,
    trust: TrustInputs | None = None,
    feedback_keys: Sequence[str] | None = None,
) -> CountersignPlan:
    """:func:`plan_countersign` for an identity already read from the vault.

    ``feedback_keys`` (entry ids or ``"overall"`` the signer is about to fill): feedback already
    in the file that nobody signed and that the signer does not replace is a warning to confirm.

    Touches no ``PortfolioService``, so the GUI runs it on a worker thread (the service is
    not thread-safe) after reading the identity on the GUI thread.
    """
    from portfolio_app.core.signing.identity import load_certificate
    from portfolio_app.core.signing.pdf_signing import choose_box, precheck, signed_field_names
    from portfolio_app.core.signing.roles import Role, certificate_roles
    from portfolio_app.core.signing.verification import read_form_layout

    data = _read_pdf(in_path)
    inputs = _tutor_trust(identity, trust)
    settings = inputs.settings()
    _screen(in_path, settings)
    report = precheck(data, identity, trust=settings)
    box, box_role = choose_box(data, identity, Role.parse(role) if role else None)
    warnings: list[str] = []
    student = report.signatures[0]
    if not student.trusted:
        if identity.chain_pem:
            warnings.append(
                f"The student's certificate ({student.signer_name}, id {student.signer_id}) "
                "was not issued by your course CA, nor by a CA you gave: make sure this "
                "portfolio really comes from your student before countersigning."
            )
        else:
            warnings.append(
                "You have no course CA certificate (your own certificate is self-signed), so "
                "the student's certificate cannot be confirmed."
            )
    warnings.extend(
        f"Signature {s.index} ({s.signer_name}) is not confirmed by a CA you trust."
        for s in report.signatures[1:]
        if not s.trusted
    )
    from portfolio_app.core.services.review_service import unsigned_feedback_warning

    unsigned = unsigned_feedback_warning(report, set(feedback_keys or ()))
    if unsigned:
        warnings.append(unsigned)
    held = certificate_roles(load_certificate(identity.certificate_pem))
    signed = set(signed_field_names(data))
    layout = read_form_layout(data)
    choices = tuple(
        b.staff_role.value
        for b in (layout.staff_boxes if layout else ())
        if b.staff_role is not None and b.staff_role in held and b.name not in signed
    )
    return CountersignPlan(report, box_role.value, box.name, tuple(warnings), inputs, choices)


def countersign_file(
    service: PortfolioService,
    in_path: Path,
    out_path: Path,
    *,
    decision: str,
    comment: str,
    role: str | None = None,
    trust: TrustInputs | None = None,
    tsa_url: str | None = None,
    crls: Sequence[bytes] = (),
    feedback: Mapping[str, str] | None = None,
) -> ExportResult:
    """Countersign a student's signed portfolio with this (staff member's) identity.

    ``feedback`` (entry id or ``"overall"`` -> text) fills the feedback boxes in the same
    revision as the signature, so the signature covers it.

    The signing layer refuses a portfolio that fails the verifier's checks, and a signer
    without a certificate for the box's role. ``tsa_url`` (default: the signing settings')
    adds an RFC 3161 timestamp; ``crls`` are embedded as revocation evidence. The output is
    written atomically and may not be the input file's path, so the original is never at risk.
    """
    from portfolio_app.core.services import identity_service

    identity = identity_service.get_or_create_identity(service)
    tsa = tsa_url if tsa_url is not None else identity_service.signing_settings(service).tsa_url
    return countersign_as(
        identity,
        in_path,
        out_path,
        decision=decision,
        comment=comment,
        role=role,
        trust=trust,
        tsa_url=tsa or None,
        crls=crls,
        feedback=feedback,
    )


def countersign_as(
    identity: Identity,
    in_path: Path,
    out_path: Path,
    *,
    decision: str,
    comment: str,
    role: str | None = None,
    trust: TrustInputs | None = None,
    tsa_url: str | None = None,
    crls: Sequence[bytes] = (),
    feedback: Mapping[str, str] | None = None,
) -> ExportResult:
    """:func:`countersign_file` for an identity already read from the vault (no service, so
    safe on a worker thread); ``tsa_url`` is used as given (``None``: no timestamp)."""
    from portfolio_app.core.export.fonts import font_file
    from portfolio_app.core.services import identity_service
    from portfolio_app.core.signing.notes import DECISIONS
    from portfolio_app.core.signing.pdf_signing import countersign
    from portfolio_app.core.signing.roles import Role

    if decision not in DECISIONS:
        raise ValidationError(f"the decision must be one of: {', '.join(DECISIONS)}")
    if in_path.resolve() == out_path.resolve():
        raise ValidationError("write the countersigned copy to a new file, not over the input")
    started = time.perf_counter()
    data = _read_pdf(in_path)
    inputs = _tutor_trust(identity, trust)
    _screen(in_path, inputs.settings())
    tsa = tsa_url
    with font_file() as font_path:
        signed = countersign(
            data,
            identity,
            decision=decision,  # type: ignore[arg-type]  # checked against DECISIONS above
            comment=comment,
            role=Role.parse(role) if role else None,
            font_path=font_path,
            trust=inputs.settings(),
            tsa_url=tsa or None,
            crls=crls,
            feedback=feedback,
        )
    write_atomically(out_path, signed)
    return ExportResult(
        path=out_path,
        page_count=0,
        entry_count=0,
        signed=True,
        fingerprint=identity_service.identity_fingerprint(identity),
        size_bytes=len(signed),
        findings_acknowledged=0,
        contents_pages=(),
        layout_seconds=0.0,
        total_seconds=time.perf_counter() - started,
    )


def countersign_trust(service: PortfolioService, extra: TrustInputs | None = None) -> TrustInputs:
    """The trust a staff member's post-check uses: their own chain plus ``extra``."""
    from portfolio_app.core.services import identity_service

    return _tutor_trust(identity_service.get_or_create_identity(service), extra)


def _settings(trust: TrustInputs | TrustSettings | None) -> TrustSettings:
    from portfolio_app.core.signing.trust import TrustSettings

    if isinstance(trust, TrustSettings):
        return trust
    return (trust or TrustInputs()).settings()


def verify_file(
    path: Path,
    *,
    trust_pems: Sequence[bytes] = (),
    fingerprints: Sequence[str] = (),
    trust: TrustInputs | TrustSettings | None = None,
    require: Sequence[str] = (),
    limits: VerifyLimits | None = None,
) -> VerificationReport:
    """Verify one file offline. An unreadable file is a verdict, not an exception.

    The file is checked in a worker process stopped after ``limits.seconds`` (default
    :class:`VerifyLimits`); a file over a limit is exit 3 with ``report.limit`` set. Raises
    only for malformed trust inputs (a certificate that is not one, a fingerprint that is not
    64 hex digits, a CRL no trusted CA signed), which the person checking has to fix.
    """
    from portfolio_app.core.signing.trust import build_trust

    if trust is None and (trust_pems or fingerprints):
        settings = build_trust(trust_pems, fingerprints=fingerprints)
    else:
        settings = _settings(trust)
    return verify_paths([path], trust=settings, require=require, limits=limits)[0][1]


def pdf_files(paths: Sequence[Path]) -> list[Path]:
    """The files to check: each file as given, and every ``*.pdf`` under each folder (sorted,
    recursive, symbolic links to folders not followed)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
            )
        else:
            found.append(path)
    return found


def verify_paths(
    paths: Sequence[Path],
    *,
    trust: TrustInputs | TrustSettings | None = None,
    require: Sequence[str] = (),
    progress: Progress | None = None,
    limits: VerifyLimits | None = None,
) -> list[tuple[Path, VerificationReport]]:
    """Verify files and folders (recursively) against the same trust; one report per file.

    Each file is checked in a worker process with a time limit (``limits``, default
    :class:`VerifyLimits`: 30 s, 1 GiB more memory on POSIX), several at once, so one
    hostile file cannot stall the run; ``progress(done, total, path)`` follows completion.
    """
    from portfolio_app.core.signing.isolation import verify_files
    from portfolio_app.core.signing.roles import Role

    settings = _settings(trust)
    for role in require:
        Role.parse(role)  # a wrong role is the caller's error, before any work
    files = pdf_files(paths)
    reports = verify_files(files, settings, require=require, limits=limits, progress=progress)
    return list(zip(files, reports, strict=True))


CSV_ROLES = ("tutor", "second-marker", "moderator", "practice-assessor")


def report_rows(results: Sequence[tuple[Path, VerificationReport]]) -> list[dict[str, Any]]:
    """One row per file for the assessor's CSV (and any spreadsheet).

    ``ROLE_decision`` holds only decisions that count (a trusted signer of that role);
    ``ROLE_claimed_decision`` a decision in the box that does not count, and why.
    """
    rows = []
    for path, report in results:
        summary = report.summary
        student = next((s for s in report.signatures if s.index == 1), None)
        row: dict[str, Any] = {
            "file": str(path),
            "student_name": summary.student_name or (student.signer_name if student else ""),
            "student_id": summary.student_id or (student.signer_id if student else ""),
            "programme": summary.programme or "",
            "entries": summary.entries if summary.entries is not None else "",
            "student_signed": (
                student.signing_time.isoformat() if student and student.signing_time else ""
            ),
        }
        by_role = {c["role"]: c for c in summary.countersigned_by}
        for role in CSV_ROLES:
            found = by_role.get(role, {})
            row[f"{role}_signer"] = found.get("signer_name") or ""
            row[f"{role}_decision"] = found.get("decision") or ""
            claimed = found.get("claimed_decision")
            row[f"{role}_claimed_decision"] = (
                f"{claimed} (not counted: {found.get('claimed_decision_not_counted')})"
                if claimed
                else ""
            )
            row[f"{role}_time"] = found.get("time") or ""
        row["signatures"] = "; ".join(
            f"{s.index}:{s.box_role or 'other'}:{s.signer_name or '?'}:{_decision_cell(s)}:"
            f"{s.signing_time.isoformat() if s.signing_time else ''}"
            for s in report.signatures
        )
        per_entry = [i for i in report.feedback if i.entry_id is not None]
        row["feedback_entries"] = " ".join(i.label for i in per_entry)
        row["feedback_overall"] = "yes" if len(per_entry) != len(report.feedback) else ""
        row["feedback_not_counted"] = " ".join(i.label for i in report.feedback if not i.counts)
        row["stage"] = report.stage
        row["verdict"] = report.verdict.value
        row["exit_code"] = report.exit_code
        row["reason"] = report.reason
        rows.append(row)
    return rows


def _decision_cell(check: Any) -> str:
    """A decision, or a claimed one marked as not counted (never passed off as a decision)."""
    if check.decision:
        return str(check.decision)
    if check.claimed_decision:
        return f"claimed {check.claimed_decision} (not counted)"
    return ""


def write_report_csv(results: Sequence[tuple[Path, VerificationReport]], out_path: Path) -> Path:
    """Write :func:`report_rows` as CSV (UTF-8 with BOM so spreadsheet apps read names right).

    Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with
    an apostrophe: file names and signer names come from outside.
    """
    import csv

    rows = report_rows(results)
    fields_ = list(rows[0]) if rows else ["file", "verdict", "exit_code"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields_)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    write_atomically(out_path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return out_path


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def extract_portfolio_json(path: Path) -> dict[str, Any] | None:
    """The ``portfolio.json`` signed into an exported file, parsed (``None`` if absent)."""
    from portfolio_app.core.signing.verification import extract_embedded_json

    raw = extract_embedded_json(_read_pdf(path))
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# ---- comparing two exports (verify --compare) -------------------------------------------


@dataclass(frozen=True)
class CompareReport:
    """``verify --compare``: both files' signature checks (embedded evidence included), then,
    if both are intact, how the later export relates to the earlier one."""

    earlier_path: Path
    later_path: Path
    earlier: VerificationReport
    later: VerificationReport
    comparison: Comparison | None
    reason: str = ""

    @property
    def exit_code(self) -> int:
        """1 a file broken, 3 unreadable or not comparable, 5 the later does not continue the
        earlier, 2 a signer not trusted, 0 all is well (in that order)."""
        codes = [self.earlier.exit_code, self.later.exit_code]
        if 1 in codes:
            return 1
        if 3 in codes or self.comparison is None:
            return 3
        if not self.comparison.continues:
            return 5
        if 2 in codes:
            return 2
        return 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "exit_code": self.exit_code,
            "earlier": {"file": str(self.earlier_path), **self.earlier.to_dict()},
            "later": {"file": str(self.later_path), **self.later.to_dict()},
            "comparison": self.comparison.to_dict() if self.comparison else None,
            "reason": self.reason,
        }


def describe_compare(report: CompareReport) -> list[str]:
    """``verify --compare`` in words, for the CLI and the verify window alike (plain text)."""
    import textwrap

    lines: list[str] = []
    for label, path, checked in (
        ("EARLIER", report.earlier_path, report.earlier),
        ("LATER", report.later_path, report.later),
    ):
        lines.append(f"{label} {path}:")
        lines.extend(f"  {line}" for line in checked.describe())
        lines.append("")
    comparison = report.comparison
    if comparison is None:
        lines.append(f"Not compared: {report.reason}.")
    else:
        lines.append("Comparison (through each entry's chain of saved versions):")
        lines.extend(f"  {line}" for line in comparison.describe())
        if comparison.earlier_head and comparison.later_head:
            same = comparison.earlier_head == comparison.later_head
            lines.append(
                f"  Portfolio head: earlier {comparison.earlier_head[:16]}..., later "
                f"{comparison.later_head[:16]}... ({'the same' if same else 'different'})"
            )
        lines.append("")
        for paragraph in comparison.limits:
            lines.append(textwrap.fill(paragraph, 79))
            lines.append("")
    lines.append(f"Exit status: {report.exit_code}")
    return lines


def compare_files(
    earlier: Path,
    later: Path,
    *,
    trust: TrustInputs | TrustSettings | None = None,
    limits: VerifyLimits | None = None,
) -> CompareReport:
    """Check both signatures (with the same trust and limits as ``verify``, each file in a
    worker process), then compare the later export with the earlier one through their
    revision chains (``core.timeline.compare``).

    A file that is broken, forged, over a limit or not a signed portfolio is not compared
    (``reason`` says which); only files that passed those checks are read again here. The
    GUI's verify window can call this on a worker thread: it touches no service.
    """
    from portfolio_app.core.timeline.compare import compare_documents

    checked = verify_paths([earlier, later], trust=trust, limits=limits)
    reports = [report for _path, report in checked]
    broken = [
        name
        for name, report in zip(("EARLIER", "LATER"), reports, strict=True)
        if report.exit_code in (1, 3)
    ]
    comparison = None
    reason = ""
    if broken:
        reason = (
            f"{' and '.join(broken)} did not pass the signature checks, so nothing in "
            f"{'it' if len(broken) == 1 else 'them'} can be relied on to compare"
        )
    else:
        documents = [extract_portfolio_json(path) for path in (earlier, later)]
        if documents[0] is None or documents[1] is None:
            reason = "a file has no readable portfolio.json"
        else:
            comparison = compare_documents(documents[0], documents[1])
    return CompareReport(earlier, later, reports[0], reports[1], comparison, reason)
