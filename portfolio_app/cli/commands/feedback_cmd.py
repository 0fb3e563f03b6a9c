"""``portfolio feedback import|list``: bring a tutor's signed feedback into your portfolio.

``import`` checks the countersigned PDF (your own certification, a trusted staff
countersignature, feedback that counts) and stores each entry's feedback, the decisions and who
signed, encrypted in the vault, marking those entries "feedback received"; all or nothing, and
the same file twice changes nothing. ``list`` prints what was received, per entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb
from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add 'feedback import' and 'feedback list'."""
    group = add_verb(
        subparsers,
        "feedback",
        help="import your tutor's countersigned PDF and read the feedback in it",
        description="Feedback flows back: your tutor returns your portfolio countersigned, "
        "with feedback per entry. 'import' checks it and stores the feedback in your "
        "portfolio; 'list' shows what you received.",
    )
    actions = group.add_subparsers(dest="feedback_verb", metavar="ACTION", required=True)
    imp = add_verb(
        actions,
        "import",
        nested=True,
        help="check a countersigned PDF and store its feedback",
        description="Check COUNTERSIGNED.pdf (it must be your own export, countersigned by "
        "staff whose certificate your course CA issued) and store the feedback on each entry, "
        "the decisions, who signed (name, role, certificate fingerprint) and the file's SHA-256, "
        "encrypted in your portfolio. Entries with feedback become 'feedback received'. A file "
        "that fails a check is refused and nothing is stored; the same file twice is a no-op.",
    )
    imp.add_argument("file", metavar="COUNTERSIGNED.pdf")
    imp.add_argument(
        "--trust-staff",
        action="append",
        default=[],
        metavar="STAFF-CA.pem",
        help="a separate CA that issues your course's staff certificates",
    )
    add_json_option(imp)
    imp.set_defaults(handler=run_import)
    lister = add_verb(
        actions,
        "list",
        nested=True,
        help="the feedback you have received, per entry",
        description="Print the feedback imported so far: per entry, who wrote it (name and "
        "role) and when; then the overall feedback and the decisions.",
    )
    lister.add_argument("--entry", metavar="ID", help="only this entry (id or unique prefix)")
    add_json_option(lister)
    lister.set_defaults(handler=run_list)


def run_import(ctx: CliContext) -> int:
    """Check and store; print what was stored."""
    from portfolio_app.core.services.feedback_service import import_feedback
    from portfolio_app.core.services.identity_service import read_pem_file

    args = ctx.args
    staff = tuple(
        (Path(p).name, read_pem_file(Path(p).expanduser(), "staff CA certificate"))
        for p in args.trust_staff
    )
    path = Path(args.file).expanduser()
    with ctx.open_portfolio(load="lazy") as service:
        result = import_feedback(service, path, staff_trust=staff)
    if ctx.as_json:
        ctx.print_json(result.to_dict())
        return 0
    if result.duplicate:
        ctx.print(f"{path.name} was already imported; nothing changed.")
        return 0
    for line in result.preview.describe():
        ctx.print(line)
    verb = "Updated the earlier import of this export" if result.replaced else "Imported"
    ctx.print(
        f"{verb}: {result.entries_marked} "
        f"{'entry' if result.entries_marked == 1 else 'entries'} now 'feedback received'. "
        "See it with 'portfolio feedback list' or in the app under each entry."
    )
    return 0


def run_list(ctx: CliContext) -> int:
    """Print the feedback received."""
    from portfolio_app.core.domain.entry_filter import EntryFilter
    from portfolio_app.core.services.feedback_service import (
        entries_with_feedback,
        entry_feedback,
        overall_feedback,
        stored_feedback,
    )

    args = ctx.args
    with ctx.open_portfolio(load="lazy") as service:
        if args.entry:
            entries = [service.get_summary(args.entry)]
        else:  # only the entries the (few) imports name: the index need not be read otherwise
            with_feedback = frozenset(entries_with_feedback(service))
            entries = service.find(EntryFilter(only_ids=with_feedback)) if with_feedback else []
        per_entry = [(e, entry_feedback(service, e.id)) for e in entries]
        overall = [] if args.entry else overall_feedback(service)
        imports = len(stored_feedback(service))
    per_entry = [(e, items) for e, items in per_entry if items]
    if ctx.as_json:
        ctx.print_json(
            {
                "imports": imports,
                "entries": [
                    {
                        "id": entry.id,
                        "title": entry.title,
                        "status": entry.status.value,
                        "feedback": [_item(i) for i in items],
                    }
                    for entry, items in per_entry
                ],
                "overall": [_item(i) for i in overall],
            }
        )
        return 0
    if not per_entry and not overall:
        ctx.print(
            "No feedback imported yet. Import your tutor's countersigned PDF with "
            "'portfolio feedback import FILE.pdf'."
        )
        return 0
    for entry, items in per_entry:
        ctx.print(f"{entry.id[:8]}  {entry.title}")
        for item in items:
            ctx.print(f"  {item.who}, signed {_day(item.signed_at)}:")
            for line in item.text.splitlines():
                ctx.print(f"  | {line}")
    for item in overall:
        decision = f" (decision: {item.decision})" if item.decision else ""
        ctx.print(f"Overall, {item.who}, signed {_day(item.signed_at)}{decision}:")
        for line in item.text.splitlines():
            ctx.print(f"  | {line}")
    return 0


def _day(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "(time not stated)"


def _item(item: Any) -> dict[str, Any]:
    return {
        "text": item.text,
        "signer_name": item.signer_name,
        "signer_role": item.signer_role,
        "signer_fingerprint_sha256": item.signer_fingerprint,
        "signed_at": item.signed_at,
        "imported_at": item.imported_at.isoformat(),
        "decision": item.decision,
        "file": item.file_name,
        "responsibility": item.responsibility,
    }
