"""``portfolio countersign IN.pdf OUT.pdf``: a staff approval signature with a decision.

The tutor (or second marker, moderator, practice assessor) runs it against their own
portfolio (``--data-dir``), where their signing identity lives; its certificate's role picks
the box. The signature is added as an incremental update into the empty box the student's
export reserved, so the student's certification stays valid; a portfolio that fails
verification is refused. The output must be a new file, so the original is never overwritten.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, read_text_input
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError

DECISION_CHOICES = ("meets", "partially-meets", "does-not-meet")
STAFF_ROLE_CHOICES = ("tutor", "second-marker", "moderator", "practice-assessor")


def register(subparsers: Any) -> None:
    """Add the countersign verb."""
    verb = add_verb(
        subparsers,
        "countersign",
        help="countersign a student's signed portfolio (tutors and other staff)",
        description="Add your signature, with your decision and a comment, to the staff box "
        "of your role in a student's signed portfolio, as an incremental update: the student's "
        "signature stays valid, and your signature locks every field except the other staff "
        "boxes still to sign. Uses the signing identity of the portfolio in --data-dir, which "
        "needs a staff certificate from the course CA (its role picks the box; --role chooses "
        "when it has several). Refuses a portfolio that fails verification; warns (and asks, "
        "unless --yes) when the student's certificate is not from your course CA.",
    )
    verb.add_argument("input", metavar="IN.pdf", help="the student's signed portfolio")
    verb.add_argument("output", metavar="OUT.pdf", help="where to write the countersigned copy")
    verb.add_argument("--decision", required=True, choices=DECISION_CHOICES)
    comment = verb.add_mutually_exclusive_group(required=True)
    comment.add_argument("--comment", help="your feedback, printed in the signature box")
    comment.add_argument(
        "--comment-file", metavar="FILE", help="read the comment from FILE ('-' for stdin)"
    )
    verb.add_argument(
        "--role",
        choices=STAFF_ROLE_CHOICES,
        help="which staff box to sign (default: the first unsigned box of your certificate's role)",
    )
    verb.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CA.pem",
        help="another CA to trust for the checks (your own course CA is always used)",
    )
    verb.add_argument(
        "--trust-staff",
        action="append",
        default=[],
        metavar="STAFF-CA.pem",
        help="a separate staff CA to trust for the checks",
    )
    verb.add_argument("--tsa", metavar="URL", help="add an RFC 3161 timestamp from this authority")
    verb.add_argument(
        "--crl",
        action="append",
        default=[],
        metavar="FILE.crl",
        help="embed this revocation list (from your course CA) with your signature",
    )
    verb.add_argument(
        "--feedback",
        metavar="FILE.json",
        help="feedback per entry: a JSON object of entry id (as 'portfolio review' and 'list "
        "--json' name them; or the entry's number in the PDF, such as E3) to text, plus an "
        'optional "overall"; it fills the feedback boxes in the same revision as your '
        "signature, so your signature covers it ('-' reads stdin)",
    )
    verb.add_argument("--yes", action="store_true", help="countersign despite warnings")
    add_json_option(verb)
    verb.set_defaults(handler=run_countersign)


def _confirm(ctx: CliContext, question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    ctx.err.write(f"{question} [y/N] ")
    ctx.err.flush()
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def _read_feedback(ctx: CliContext, source: str) -> dict[str, str]:
    from portfolio_app.core.services.review_service import (
        MAX_FEEDBACK_FILE_BYTES,
        parse_feedback_json,
        read_feedback_file,
    )

    if source == "-":
        raw = sys.stdin.buffer.read(MAX_FEEDBACK_FILE_BYTES + 1)
        if len(raw) > MAX_FEEDBACK_FILE_BYTES:
            raise ValidationError("the feedback on standard input is too large")
        return parse_feedback_json(raw, "the feedback on standard input")
    return read_feedback_file(Path(source).expanduser())


def run_countersign(ctx: CliContext) -> int:
    """Check, warn, countersign and report."""
    from portfolio_app.core.services.export_service import (
        TrustInputs,
        countersign_file,
        plan_countersign,
        verify_file,
    )
    from portfolio_app.core.services.identity_service import read_pem_file

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
    if source.resolve() == target.resolve():
        raise ValidationError("write the countersigned copy to a new file, not over the input")
    extra = TrustInputs.from_paths(
        trust=[Path(p).expanduser() for p in args.trust],
        staff=[Path(p).expanduser() for p in args.trust_staff],
    )
    crls = [read_pem_file(Path(p).expanduser(), "revocation list") for p in args.crl]
    feedback = _read_feedback(ctx, args.feedback) if args.feedback else None
    with ctx.open_portfolio() as service:
        plan = plan_countersign(
            service, source, role=args.role, trust=extra, feedback_keys=list(feedback or {})
        )
        for warning in plan.warnings:
            ctx.warn(f"warning: {warning}")
        if plan.warnings and not args.yes and not _confirm(ctx, "Countersign anyway?"):
            raise ValidationError(
                "nothing was signed; check the warnings above, then answer 'y' at the prompt "
                "or pass --yes"
            )
        result = countersign_file(
            service,
            source,
            target,
            decision=args.decision,
            comment=text.strip(),
            role=plan.role,
            trust=extra,
            tsa_url=args.tsa,
            crls=crls,
            feedback=feedback,
        )
    report = verify_file(target, trust=plan.trust)
    if ctx.as_json:
        ctx.print_json(
            {
                "countersigned": str(target),
                "role": plan.role,
                "box": plan.box,
                "decision": args.decision,
                "fingerprint_sha256": result.fingerprint,
                "warnings": list(plan.warnings),
                "feedback_entries": [i.label for i in report.feedback if i.entry_id is not None],
                "verification": report.to_dict(),
            }
        )
        return 0
    ctx.print(
        f"Countersigned {source} -> {target} as {plan.role} (box {plan.box}, decision: "
        f"{args.decision})"
    )
    ctx.print(f"Your certificate SHA-256 fingerprint: {result.fingerprint}")
    if report.feedback:
        labels = ", ".join("overall" if i.entry_id is None else i.label for i in report.feedback)
        ctx.print(f"Feedback in the file, covered by your signature: {labels}")
    ctx.print(f"Check (with your course CA): {report.describe()[0]}")
    return 0
