"""``portfolio verify FILE.pdf...``: check signed portfolios offline, for assessors.

Needs no portfolio and no passphrase, and never touches the network: trust is only what is
given with ``--trust`` (a course CA or a student certificate, PEM or DER) and
``--fingerprint`` (a registered SHA-256 certificate fingerprint). For each file it prints, per
signature, the signer, the certificate fingerprint, the signing time *as the signer's own
clock claims it*, whether the signed bytes are intact, what changed after signing and whether
that was allowed, and whether the signer is trusted; then one verdict.

Exit status, the worst over all files in the order 1 > 3 > 2 > 4 > 0: a broken or forged file
outranks an unreadable one, which outranks an untrusted one, which outranks one missing a
required countersignature, so a batch is only 0 when every file is valid and trusted. Each file
is checked in a worker process under a time limit (``core.signing.isolation``), so a hostile
file is exit 3 and the rest of a folder is still checked.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.signing.limits import (
    DEFAULT_MEMORY_BYTES,
    DEFAULT_SECONDS,
    LIMITS_HELP,
    MiB,
    VerifyLimits,
)

STAFF_ROLE_CHOICES = ("tutor", "second-marker", "moderator", "practice-assessor")

VERIFY_EXIT_HELP = """\
exit codes (the worst over all files, in the order 1 > 3 > 2 > 4 > 0):
  0  every file intact, every signature in its own box by a trusted signer of that box's
     role, nothing else changed (a file signed only by the student is 0 too, and says so)
  1  broken, modified or forged: a signature does not verify; a change signing did not allow;
     a field or annotation the export did not make, or one over a signature box; a
     signature in the wrong box or by the wrong role; the student's certificate not naming
     the author in portfolio.json; the same key or person twice; a claimed time in the
     future, outside the certificate, or before the previous signature; a certificate
     revoked before the signature (--crl); a decision outside a staff box
     (also when a --trust/--crl file or --fingerprint is malformed: nothing was checked)
  2  intact, but a signer is not trusted for its box (give --trust, --trust-staff or
     --fingerprint; a pinned certificate or fingerprint vouches for the student's box only);
     a decision by such a signer is shown as a claim that does not count
  3  not a signed portfolio, or unreadable; or over one of the limits below, or still being
     checked after --time-limit (the file is refused, not judged)
  4  intact and trusted, but a role given with --require has not countersigned
  (argparse usage errors also exit 2, after printing the usage)
  (1 also when an embedded evidence file is not exactly what portfolio.json records)

with --compare EARLIER.pdf LATER.pdf (both files checked first, with the same trust):
  0  both valid and trusted; the later export keeps every entry of the earlier one
     with its saved history (entries changed or added since are listed)
  1  a file is broken, modified or forged;  3  a file is not a signed portfolio
  5  the later export does not continue the earlier one: an entry is missing, its
     history was rewritten, or it cannot be compared (or another student's file)
  2  as 0, but a signer is not trusted (order: 1 > 3 > 5 > 2 > 0)

time: each signature is checked at the time it claims (the signer's own clock), or at its
RFC 3161 timestamp when the time-stamping authority is trusted (--trust-tsa); so a
certificate that has expired since still verifies.

hostile files: each file is checked in a separate worker process, several at once, stopped
after --time-limit seconds (default 30; a 2,000-entry portfolio takes a few seconds) and, on
Linux, allowed --memory-limit MiB of memory (default 1024; Windows and macOS: time limit
only); a file that overruns is exit 3 and the other files are still checked.
"""
_SEVERITY = {1: 4, 3: 3, 2: 2, 4: 1, 0: 0}


def register(subparsers: Any) -> None:
    """Add the verify verb."""
    verb: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="check signed portfolio PDFs offline (assessors; no portfolio needed)",
        description="Check the signatures of exported portfolios, offline: who signed which "
        "box, in which role, and whether anything changed. FILE may be a folder (every PDF "
        "under it). Trust comes only from --trust (a course CA certificate; or a student's "
        "own certificate, which then vouches for that student's box only), --trust-staff (a "
        "separate CA for staff) and --fingerprint. Nothing is fetched from the network.",
        epilog=VERIFY_EXIT_HELP + "\n" + LIMITS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verb.add_argument("files", nargs="+", metavar="FILE.pdf|FOLDER")
    verb.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CA_OR_CERT.pem",
        help="a course CA certificate (vouches for the roles it may issue), or a student's "
        "certificate (vouches for that student only) (repeatable)",
    )
    verb.add_argument(
        "--trust-staff",
        action="append",
        default=[],
        metavar="STAFF-CA.pem",
        help="a CA that issues staff certificates; staff must then chain to it, and --trust "
        "CAs vouch for students only (repeatable)",
    )
    verb.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="SHA256",
        help="a student certificate's SHA-256 fingerprint (repeatable; colons optional)",
    )
    verb.add_argument(
        "--trust-tsa",
        action="append",
        default=[],
        metavar="TSA.pem",
        help="a time-stamping authority whose RFC 3161 timestamps give the signing time",
    )
    verb.add_argument(
        "--crl",
        action="append",
        default=[],
        metavar="FILE.crl",
        help="a revocation list from a trusted CA ('portfolio ca crl'); repeatable",
    )
    verb.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="ROLE",
        choices=STAFF_ROLE_CHOICES,
        help="exit 4 unless this staff role has countersigned (repeatable)",
    )
    verb.add_argument(
        "--compare",
        action="store_true",
        help="compare two exports of one portfolio, given as EARLIER.pdf LATER.pdf: which "
        "entries are unchanged, changed since (with how many saved versions), added, missing, "
        "or have a rewritten history",
    )
    verb.add_argument(
        "--time-limit",
        type=_positive_float,
        default=DEFAULT_SECONDS,
        metavar="SECONDS",
        help=f"stop checking a file after this long: exit 3 (default {DEFAULT_SECONDS:g})",
    )
    verb.add_argument(
        "--memory-limit",
        type=_positive_int,
        default=DEFAULT_MEMORY_BYTES // MiB,
        metavar="MIB",
        help=f"memory a file's check may use, on Linux (default {DEFAULT_MEMORY_BYTES // MiB})",
    )
    verb.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="check N files at once (default: the number of CPUs, at most 4)",
    )
    verb.add_argument("--csv", metavar="FILE.csv", help="also write one row per file to FILE")
    verb.add_argument("--json", action="store_true", help="print JSON for scripts")
    verb.set_defaults(handler=run_verify)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def worst_exit_code(codes: list[int]) -> int:
    """The exit status for a batch (see the module docstring for the order)."""
    return max(codes, key=lambda code: _SEVERITY.get(code, 3), default=3)


def run_verify(ctx: CliContext) -> int:
    """Verify each file (folders recursively) and print a report per file."""
    from portfolio_app.core.services.export_service import (
        TrustInputs,
        pdf_files,
        verify_paths,
        write_report_csv,
    )

    args = ctx.args

    def paths(items: list[str]) -> list[Path]:
        return [Path(p).expanduser() for p in items]

    trust = TrustInputs.from_paths(
        trust=paths(args.trust),
        staff=paths(args.trust_staff),
        fingerprints=args.fingerprint,
        tsa=paths(args.trust_tsa),
        crls=paths(args.crl),
    )
    targets = paths(args.files)
    if not args.compare and not pdf_files(targets):
        raise ValidationError("no PDF files found in the folder(s) given")
    limits = VerifyLimits(
        seconds=args.time_limit, memory_bytes=args.memory_limit * MiB, workers=args.jobs
    )
    if args.compare:
        return run_compare(ctx, targets, trust, limits)
    results = verify_paths(targets, trust=trust, require=args.require, limits=limits)
    code = worst_exit_code([report.exit_code for _path, report in results])
    if args.csv:
        write_report_csv(results, Path(args.csv).expanduser())
    if ctx.as_json:
        ctx.print_json(
            {
                "exit_code": code,
                "files": [{"file": str(path), **report.to_dict()} for path, report in results],
            }
        )
        return code
    for index, (path, report) in enumerate(results):
        if index:
            ctx.print("")
        ctx.print(f"{path}:")
        for line in report.describe():
            ctx.print(f"  {line}")
    if len(results) > 1:
        ctx.print("")
        counts: dict[int, int] = {}
        for _path, report in results:
            counts[report.exit_code] = counts.get(report.exit_code, 0) + 1
        ctx.print(
            f"{len(results)} files: "
            + ", ".join(f"{n} with exit {c}" for c, n in sorted(counts.items()))
        )
        ctx.print(f"Overall exit status: {code}")
    if args.csv:
        ctx.print(f"Wrote the report to {args.csv}")
    return code


def run_compare(ctx: CliContext, targets: list[Path], trust: Any, limits: Any) -> int:
    """``verify --compare EARLIER.pdf LATER.pdf``: both checked, then compared."""
    from portfolio_app.core.services.export_service import compare_files, describe_compare

    if len(targets) != 2 or any(p.is_dir() for p in targets):
        raise ValidationError("--compare takes exactly two files: EARLIER.pdf LATER.pdf")
    if ctx.args.csv or ctx.args.require:
        raise ValidationError("--compare cannot be combined with --csv or --require")
    report = compare_files(targets[0], targets[1], trust=trust, limits=limits)
    if ctx.as_json:
        ctx.print_json(report.to_dict())
        return report.exit_code
    for line in describe_compare(report):
        ctx.print(line)
    return report.exit_code
