"""``portfolio review IN.pdf``: the entries of a student's signed portfolio, for tutors.

Needs no portfolio and no passphrase: the entries come from the ``portfolio.json`` the student
signed, with the ids ``portfolio list --json`` uses (so a ``--feedback`` file for
``countersign`` can name them), each with any feedback already in the file and who answers for
it. The file is checked first (in a worker, like ``verify``); trust comes from ``--trust``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the review verb."""
    verb: argparse.ArgumentParser = subparsers.add_parser(
        "review",
        help="list the entries of a student's signed portfolio and its feedback (tutors)",
        description="Read a student's signed portfolio for review: who signed it, each entry "
        "(number in the PDF, id, kind, date, status, title) and any feedback already in its "
        "feedback boxes, with who answers for it. Give feedback with 'portfolio countersign "
        "IN OUT --decision ... --comment ... --feedback FILE.json', where FILE.json maps these "
        'ids (and "overall") to your text. Needs no portfolio; nothing is fetched.',
    )
    verb.add_argument("input", metavar="IN.pdf", help="the student's signed portfolio")
    verb.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CA.pem",
        help="a course CA certificate (or the student's certificate) to check signers against",
    )
    verb.add_argument(
        "--trust-staff",
        action="append",
        default=[],
        metavar="STAFF-CA.pem",
        help="a separate staff CA",
    )
    verb.add_argument("--text", action="store_true", help="also print each entry's text")
    verb.add_argument("--json", action="store_true", help="print JSON for scripts")
    verb.set_defaults(handler=run_review)


def run_review(ctx: CliContext) -> int:
    """Print the entries and feedback; exit 0, or 1 for a file that fails its checks."""
    from portfolio_app.core.services.export_service import TrustInputs
    from portfolio_app.core.services.review_service import review_file

    args = ctx.args
    trust = TrustInputs.from_paths(
        trust=[Path(p).expanduser() for p in args.trust],
        staff=[Path(p).expanduser() for p in args.trust_staff],
    )
    path = Path(args.input).expanduser()
    view = review_file(path, trust=trust)
    code = 1 if view.report.exit_code == 1 else 0
    if ctx.as_json:
        data = view.to_dict()
        if args.text:
            for item, entry in zip(data["entries"], view.entries, strict=True):
                item["sections"] = [{"heading": s.heading, "body": s.body} for s in entry.sections]
        ctx.print_json(data)
        return code
    who = view.student_name or "(no name)"
    if view.student_id:
        who += f" ({view.student_id})"
    if view.programme:
        who += f", {view.programme}"
    ctx.print(f"{path}: {who}")
    ctx.print(f"Check: {view.report.describe()[0]}")
    if not view.feedback_boxes and not view.has_overall_box:
        ctx.print("Feedback boxes: none (exported without them; give feedback in the comment)")
    elif view.feedback_locked:
        ctx.print("Feedback boxes: closed by the first staff countersignature")
    else:
        ctx.print("Feedback boxes: open (no staff countersignature yet)")
    ctx.print(f"{len(view.entries)} entries:")
    for entry in view.entries:
        ctx.print(
            f"  {entry.number or '-':>5}  {entry.id}  {entry.kind:<10} {entry.date:<10} "
            f"{entry.status:<17} {entry.title}"
        )
        if args.text:
            for section in entry.sections:
                if section.heading:
                    ctx.print(f"         ## {section.heading}")
                for line in section.body.splitlines():
                    ctx.print(f"         {line}")
        if entry.feedback is not None:
            mark = "" if entry.feedback.counts else " [does not count]"
            ctx.print(f"         Feedback{mark} ({entry.feedback.responsibility}):")
            for line in entry.feedback.text.splitlines():
                ctx.print(f"         | {line}")
    if view.overall_feedback is not None:
        mark = "" if view.overall_feedback.counts else " [does not count]"
        ctx.print(f"Overall feedback{mark} ({view.overall_feedback.responsibility}):")
        for line in view.overall_feedback.text.splitlines():
            ctx.print(f"  | {line}")
    for warning in view.report.warnings:
        ctx.warn(f"warning: {warning}")
    return code
