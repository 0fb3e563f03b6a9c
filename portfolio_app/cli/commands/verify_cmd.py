"""``portfolio verify FILE.pdf...``: check signed portfolios offline, for assessors.

Needs no portfolio and no passphrase, and never touches the network: trust is only what is
given with ``--trust`` (a course CA or a student certificate, PEM or DER) and
``--fingerprint`` (a registered SHA-256 certificate fingerprint). For each file it prints, per
signature, the signer, the certificate fingerprint, the signing time *as the signer's own
clock claims it*, whether the signed bytes are intact, what changed after signing and whether
that was allowed, and whether the signer is trusted; then one verdict.

Exit status, the worst over all files in the order 1 > 3 > 2 > 0: a broken file outranks an
unreadable one, which outranks an untrusted one, so a batch is only 0 when every file is
valid and trusted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_app.cli.context import CliContext

VERIFY_EXIT_HELP = """\
exit codes (the worst over all files, in the order 1 > 3 > 2 > 0):
  0  every file intact, nothing disallowed changed, every signer trusted
  1  a signature is broken, or the file was changed in a way signing did not allow
     (also when a --trust file or --fingerprint is malformed: nothing was checked)
  2  intact, but a signer is not trusted (give --trust or --fingerprint)
  3  not a signed portfolio, or unreadable
  (argparse usage errors also exit 2, after printing the usage)
"""
_SEVERITY = {1: 3, 3: 2, 2: 1, 0: 0}


def register(subparsers: Any) -> None:
    """Add the verify verb."""
    verb: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="check signed portfolio PDFs offline (assessors; no portfolio needed)",
        description="Check the signatures of exported portfolios, offline. Trust comes only "
        "from --trust (a course CA certificate, or a student's certificate) and --fingerprint "
        "(a SHA-256 certificate fingerprint the student registered). The signing time shown "
        "is the signer's own computer clock, not a trusted time.",
        epilog=VERIFY_EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verb.add_argument("files", nargs="+", metavar="FILE.pdf")
    verb.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CERT_OR_CA.pem",
        help="a CA or signer certificate to trust (repeatable)",
    )
    verb.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="SHA256",
        help="a trusted certificate's SHA-256 fingerprint (repeatable; colons optional)",
    )
    verb.add_argument("--json", action="store_true", help="print JSON for scripts")
    verb.set_defaults(handler=run_verify)


def worst_exit_code(codes: list[int]) -> int:
    """The exit status for a batch (see the module docstring for the order)."""
    return max(codes, key=lambda code: _SEVERITY.get(code, 3), default=3)


def run_verify(ctx: CliContext) -> int:
    """Verify each file and print a report per file."""
    from portfolio_app.core.services.export_service import verify_file
    from portfolio_app.core.services.identity_service import read_pem_file

    trust = [read_pem_file(Path(p).expanduser(), "trust certificate") for p in ctx.args.trust]
    results = []
    for name in ctx.args.files:
        report = verify_file(
            Path(name).expanduser(), trust_pems=trust, fingerprints=ctx.args.fingerprint
        )
        results.append((name, report))
    code = worst_exit_code([report.exit_code for _name, report in results])
    if ctx.as_json:
        ctx.print_json(
            {
                "exit_code": code,
                "files": [{"file": name, **report.to_dict()} for name, report in results],
            }
        )
        return code
    for index, (name, report) in enumerate(results):
        if index:
            ctx.print("")
        ctx.print(f"{name}:")
        for line in report.describe():
            ctx.print(f"  {line}")
    if len(results) > 1:
        ctx.print("")
        ctx.print(f"Overall exit status: {code}")
    return code
