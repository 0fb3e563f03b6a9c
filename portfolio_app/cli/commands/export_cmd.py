"""``portfolio export OUT.pdf``: the signed PDF portfolio, all entries or a selection.

Why findings stop the command: the PDF leaves the student's machine, so possible patient
identifiers are listed on standard error and nothing is written until the student either
anonymises the entries or confirms with ``--yes`` (the same choice the GUI's export dialog
offers). The portfolio is closed (its lock released) before the slow layout starts: the export
works on copies.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, iso_date
from portfolio_app.cli.context import CliContext

if TYPE_CHECKING:
    from portfolio_app.core.export.identifiers import ExportFinding

FINDINGS_EXIT = 1


def register(subparsers: Any) -> None:
    """Add the export verb."""
    export = add_verb(
        subparsers,
        "export",
        help="export the portfolio as a signed PDF",
        description="Export the portfolio (or a selection of entries) as a PDF signed with "
        "this portfolio's key: cover, contents, competency coverage, charts, entries grouped "
        "by event, final reflection, attendance record and a signatures page with room for "
        "the tutor's countersignature. The machine-readable portfolio.json is attached inside "
        "the signature. The signing key and certificate are made on first use.\n\n"
        "Selection: --from/--to keep entries dated in the period; --status and --tag keep "
        "entries with any of the given statuses or tags (repeat them); the kinds combine.\n\n"
        "Evidence: every attachment of every exported entry is embedded in the PDF, inside "
        "the signature, and listed under its entry with its SHA-256 (photos shown on the "
        "page too); --no-attachments, --leave-out-attachment ID and --no-inline-images change "
        "that.\n\n"
        "Timeline: each entry shows when it was first written and last changed. Notes on "
        "dates (a plan first written after its event, a reflection written before its plan "
        "or long after the event) are printed under the entries and on standard error; they "
        "never stop the export.\n\n"
        "Before anything is written the text (and the evidence file names) is checked for "
        "possible patient identifiers. Findings are listed on standard error and the command "
        "exits 1; anonymise the entries, or pass --yes to export anyway.",
    )
    export.add_argument("out", metavar="OUT.pdf", help="the PDF to write (replaced atomically)")
    export.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="YYYY-MM-DD", help="first day"
    )
    export.add_argument(
        "--to", dest="date_to", type=iso_date, metavar="YYYY-MM-DD", help="last day"
    )
    export.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="S",
        help="draft, ready, submitted or feedback-received (repeatable: any of them)",
    )
    export.add_argument(
        "--tag", action="append", default=[], metavar="T", help="a tag (repeatable: any of them)"
    )
    export.add_argument(
        "--no-final-reflection",
        action="store_true",
        help="leave the final reflection out (an interim export)",
    )
    export.add_argument(
        "--no-attachments",
        action="store_true",
        help="embed no evidence files (they are embedded by default)",
    )
    export.add_argument(
        "--leave-out-attachment",
        action="append",
        default=[],
        metavar="ID",
        help="do not embed this attachment (id or unique prefix; repeatable)",
    )
    export.add_argument(
        "--no-inline-images",
        action="store_true",
        help="list photos under their entries without showing them on the page",
    )
    export.add_argument(
        "--unsigned",
        action="store_true",
        help="do not sign (a draft for yourself; it cannot be countersigned)",
    )
    export.add_argument(
        "--leave-out-damaged",
        action="store_true",
        help="export even though some records cannot be decrypted; the PDF's cover lists "
        "what was left out (without this the export stops and names them)",
    )
    export.add_argument(
        "--staff-roles",
        metavar="R,R",
        help="staff countersignature boxes to prepare, e.g. 'tutor,second-marker,moderator' "
        "(default: the portfolio's setting, see 'portfolio identity settings'; else tutor)",
    )
    export.add_argument(
        "--tsa",
        metavar="URL",
        help="add an RFC 3161 timestamp from this time-stamping authority (default: the "
        "setting; none: nothing is fetched)",
    )
    export.add_argument(
        "--no-feedback-fields",
        action="store_true",
        help="leave out the empty 'Tutor feedback' form field after each entry and the "
        "overall one on the signatures page",
    )
    export.add_argument(
        "--yes",
        action="store_true",
        help="export even if the identifier check found something (you have checked it)",
    )
    add_json_option(export)
    export.set_defaults(handler=run_export)


def _describe_finding(finding: ExportFinding) -> str:
    return f'  - {finding.where}: {finding.kind_label} "{finding.excerpt}". {finding.advice}'


def print_findings(ctx: CliContext, findings: Sequence[ExportFinding], *, exported: bool) -> None:
    """The findings on standard error, one per line, with what to do."""
    noun = "possible patient identifier" if len(findings) == 1 else "possible patient identifiers"
    ctx.warn(f"privacy check: {len(findings)} {noun} in the text to export:")
    for finding in findings:
        ctx.warn(_describe_finding(finding))
    if exported:
        ctx.warn("  (exported anyway, as --yes asked)")
    else:
        ctx.warn(
            "Nothing was written. Anonymise these entries ('portfolio edit ID'), or run the "
            "export again with --yes if you have checked them."
        )


def _progress(ctx: CliContext) -> Any:
    """A one-line progress display on a terminal; nothing when stderr is not one."""
    stream = ctx.err
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None

    def show(done: int, total: int, message: str) -> None:
        stream.write(f"\r\x1b[2K{message} ({done}/{total})")
        if done >= total:
            stream.write("\r\x1b[2K")
        stream.flush()

    return show


def run_export(ctx: CliContext) -> int:
    """Prepare, check, lay out, sign and write."""
    from portfolio_app.core.export.selection import ExportSelection
    from portfolio_app.core.services.export_service import prepare_export, record_submission

    args = ctx.args
    selection = ExportSelection.from_values(
        date_from=args.date_from,
        date_to=args.date_to,
        statuses=args.status,
        tags=args.tag,
        include_final_reflection=not args.no_final_reflection,
        include_attachments=not args.no_attachments,
        inline_images=not args.no_inline_images,
    )
    out = Path(args.out).expanduser()
    with ctx.open_portfolio() as service:
        if args.leave_out_attachment:
            selection = _leave_out(service, selection, args.leave_out_attachment)
        job = prepare_export(
            service,
            selection,
            sign=not args.unsigned,
            staff_roles=[r for r in args.staff_roles.split(",") if r.strip()]
            if args.staff_roles
            else None,
            tsa_url=args.tsa,
            leave_out_damaged=args.leave_out_damaged,
            feedback_fields=not args.no_feedback_fields,
        )
        left_out = job.content.left_out
        for what in left_out:
            ctx.warn(f"note: left out because it cannot be read: {what}")
        for note in job.notes:
            ctx.warn(f"note: {note}")
        labels = {str(k): f"E{n}" for k, n in job.content.plan.numbers.items()}
        for timeline_note in job.timeline_notes:
            ctx.warn(
                f"timeline note, {labels.get(timeline_note.entry_id, 'entry')}: "
                f"{timeline_note.text}"
            )
        if job.findings:
            print_findings(ctx, job.findings, exported=args.yes)
            if not args.yes:
                if ctx.as_json:
                    ctx.print_json(
                        {"exported": False, "findings": [f.to_dict() for f in job.findings]}
                    )
                return FINDINGS_EXIT
        if job.entry_count == 0:
            ctx.warn("note: no entry matches the selection; the PDF has only the front matter")
        result = job.run(out, acknowledge_findings=True, progress=_progress(ctx))
        record_submission(service, job)
    if ctx.as_json:
        ctx.print_json(
            {
                "exported": True,
                **result.to_dict(),
                "findings": [f.to_dict() for f in job.findings],
                "timeline_notes": [n.to_json() for n in job.timeline_notes],
                "evidence_embedded": [item.to_json() for item in job.evidence],
            }
        )
        return 0
    noun = "entry" if result.entry_count == 1 else "entries"
    ctx.print(f"Exported {result.entry_count} {noun} ({result.page_count} pages) to {result.path}")
    if job.evidence:
        files = len(job.evidence)
        ctx.print(f"Embedded {files} evidence file{'' if files == 1 else 's'}")
    if result.signed:
        ctx.print(f"Signed; certificate SHA-256 fingerprint: {result.fingerprint}")
        ctx.print("Check it with: portfolio verify " + _quote(str(result.path)))
    else:
        ctx.print("Not signed (--unsigned).")
    return 0


def _leave_out(service: Any, selection: Any, wanted: Sequence[str]) -> Any:
    """The selection with the named attachments (ids or unique prefixes) left out."""
    import dataclasses

    from portfolio_app.cli.commands.attachments_cmd import find_attachment

    attachments = service.attachments()
    ids = frozenset(find_attachment(attachments, item).id for item in wanted)
    return dataclasses.replace(selection, left_out_attachments=ids)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text) if sys.platform != "win32" else f'"{text}"'
