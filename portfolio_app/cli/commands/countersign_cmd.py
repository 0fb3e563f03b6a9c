"""``portfolio countersign IN.pdf OUT.pdf``: the tutor's approval signature with a decision.

The tutor runs it against their own portfolio (``--data-dir``), where their signing identity
lives. The signature is added as an incremental update into the empty tutor box the student's
export reserved, so the student's certification stays valid; a portfolio whose student
signature is missing or broken is refused. The output must be a new file, so the student's
original is never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, read_text_input
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError

DECISION_CHOICES = ("meets", "partially-meets", "does-not-meet")


def register(subparsers: Any) -> None:
    """Add the countersign verb."""
    verb = add_verb(
        subparsers,
        "countersign",
        help="countersign a student's signed portfolio (tutors)",
        description="Add your (the tutor's) signature to a student's signed portfolio, with "
        "your decision and a comment, as an incremental update: the student's signature stays "
        "valid. Uses the signing identity of the portfolio in --data-dir (made on first use; "
        "see 'portfolio identity'). Refuses a portfolio whose student signature is broken.",
    )
    verb.add_argument("input", metavar="IN.pdf", help="the student's signed portfolio")
    verb.add_argument("output", metavar="OUT.pdf", help="where to write the countersigned copy")
    verb.add_argument("--decision", required=True, choices=DECISION_CHOICES)
    comment = verb.add_mutually_exclusive_group(required=True)
    comment.add_argument("--comment", help="your feedback, printed in the signature box")
    comment.add_argument(
        "--comment-file", metavar="FILE", help="read the comment from FILE ('-' for stdin)"
    )
    add_json_option(verb)
    verb.set_defaults(handler=run_countersign)


def run_countersign(ctx: CliContext) -> int:
    """Countersign and report."""
    from portfolio_app.core.services.export_service import countersign_file, verify_file

    args = ctx.args
    text = (
        args.comment
        if args.comment is not None
        else read_text_input(ctx, args.comment_file, "comment")
    )
    if not text.strip():
        raise ValidationError("the comment is empty; say what the decision is based on")
    source = Path(args.input).expanduser()
    target = Path(args.output).expanduser()
    with ctx.open_portfolio() as service:
        result = countersign_file(
            service, source, target, decision=args.decision, comment=text.strip()
        )
    report = verify_file(target)
    if ctx.as_json:
        ctx.print_json(
            {
                "countersigned": str(target),
                "decision": args.decision,
                "fingerprint_sha256": result.fingerprint,
                "verification": report.to_dict(),
            }
        )
        return 0
    ctx.print(f"Countersigned {source} -> {target} (decision: {args.decision})")
    ctx.print(f"Your certificate SHA-256 fingerprint: {result.fingerprint}")
    ctx.print(f"Check: {report.describe()[0]}")
    return 0
