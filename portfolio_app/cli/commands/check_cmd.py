"""``portfolio check``: SQLite's integrity check, every record decrypted, the manifest compared."""

from __future__ import annotations

from typing import Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import add_json_option, add_verb
from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the check verb."""
    check = add_verb(
        subparsers,
        "check",
        help="check the portfolio: every record, and what changed outside the app",
        description="Check the portfolio: SQLite's own integrity check, the key slots, then "
        "every record of every kind (entries, saved versions, events, experiences, "
        "attachments, settings, the signing identity, framework packs) is decrypted and "
        "authenticated, and the keyed manifest is compared with the file, so records "
        "deleted, brought back, rolled back, moved or edited outside the app are named. "
        "The rest of the portfolio stays readable. Exit code 5 when anything is wrong.\n\n"
        "--accept says you have read the changes found: the saved values of edited columns "
        "are put back, and the portfolio is kept as it now is (deleted or rolled-back "
        "records stay so; restore a backup instead if you need them). The signed export "
        "waits for this.",
    )
    check.add_argument(
        "--accept",
        action="store_true",
        help="I have read the changes made outside the app: keep the portfolio as it is now",
    )
    add_json_option(check)
    check.set_defaults(handler=run_check)


def run_check(ctx: CliContext) -> int:
    """Run the full check (and accept the findings when asked)."""
    accepted = 0
    with ctx.open_portfolio() as service:
        report = service.full_check()
        if ctx.args.accept and report.findings:
            accepted = service.acknowledge_integrity_findings()
    ok = report.ok
    if ctx.as_json:
        ctx.print_json(
            {
                "ok": ok,
                "counts": report.counts,
                "problems": report.problems(),
                "damaged": [
                    {"table": d.table, "row_id": d.row_id, "reason": d.reason, "what": d.label}
                    for d in report.damaged
                ],
                "changed_outside_app": [
                    {"table": f.table, "row_id": f.row_id, "kind": f.kind, "message": f.message}
                    for f in report.findings
                ],
                "accepted": accepted,
            }
        )
        return exit_codes.OK if ok else exit_codes.DAMAGED
    counted = ", ".join(f"{n} {what}" for what, n in report.counts.items())
    if ok:
        ctx.print(f"No problems found. Checked and intact: {counted}.")
        return exit_codes.OK
    for problem in report.sqlite_problems:
        ctx.print(f"SQLite integrity: {problem}")
    if report.damaged:
        ctx.print(f"{len(report.damaged)} record(s) cannot be read (damaged or tampered):")
        for record in report.damaged:
            ctx.print(f"  - {record.describe()}")
    if report.findings:
        ctx.print(f"{len(report.findings)} change(s) made outside the app:")
        for finding in report.findings:
            ctx.print(f"  - {finding.message}")
    ctx.print(f"Readable: {counted}.")
    if accepted:
        ctx.print(
            f"Accepted {accepted} change(s): edited columns have their saved values back and "
            "the portfolio is kept as it is now. The signed export can run again."
        )
    elif report.findings:
        ctx.print(
            "The signed export waits until you have dealt with these: restore a backup taken "
            "before the change ('portfolio restore'), or accept them ('portfolio check --accept')."
        )
    else:
        ctx.print(
            "Everything else is readable. Restore a backup taken before the damage, or export "
            "without the damaged records ('portfolio export --leave-out-damaged')."
        )
    return exit_codes.DAMAGED
