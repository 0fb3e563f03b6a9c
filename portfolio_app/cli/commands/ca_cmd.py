"""``portfolio ca init`` and ``portfolio ca issue``: a tutor's course certificate authority.

The CA lives in its own folder (``--ca-dir``), not in a portfolio: it belongs to the course.
Its key is encrypted with a CA passphrase read the way the portfolio passphrase is, from
``--passphrase-file``, else ``PORTFOLIO_CA_PASSPHRASE``, else a prompt (typed twice for
``init``); never from the command line, which other users of the machine can see. Assessors
install ``ca-cert.pem`` from the folder and verify with ``portfolio verify --trust``.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, read_secret_file
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError

CA_PASSPHRASE_ENV = "PORTFOLIO_CA_PASSPHRASE"


def register(subparsers: Any) -> None:
    """Add 'ca init' and 'ca issue'."""
    ca = add_verb(
        subparsers,
        "ca",
        help="a tutor's course CA: create it, issue student certificates",
        description="A small certificate authority for a course. Students send certificate "
        "requests ('portfolio identity csr'); the tutor issues certificates; assessors trust "
        "the one CA certificate. The CA passphrase comes from --passphrase-file, else "
        f"{CA_PASSPHRASE_ENV}, else a prompt.",
    )
    actions = ca.add_subparsers(dest="ca_verb", metavar="ACTION", required=True)
    init = add_verb(
        actions,
        "init",
        nested=True,
        help="create a course CA in a folder",
        description="Create a course CA in --ca-dir: ca-key.pem (the key, encrypted with the "
        "CA passphrase, plus the certificate) and ca-cert.pem (give this to assessors).",
    )
    init.add_argument("--name", required=True, help="the CA's name, e.g. 'IPL 2025 course CA'")
    init.add_argument("--institution", required=True, help="the university or college")
    init.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's own folder")
    add_json_option(init)
    init.set_defaults(handler=run_init)

    issue = add_verb(
        actions,
        "issue",
        nested=True,
        help="issue a certificate for a student's request",
        description="Issue a signing certificate for a student's certificate request (CSR). "
        "OUT holds the new certificate followed by the CA certificate: send it back to the "
        "student, who imports it with 'portfolio identity import-chain OUT'.",
    )
    issue.add_argument("csr", metavar="CSR", help="the student's request (PEM)")
    issue.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's folder")
    issue.add_argument("--out", required=True, metavar="CERT.pem", help="where to write")
    issue.add_argument(
        "--days", type=int, default=None, help="validity in days (default: three years)"
    )
    add_json_option(issue)
    issue.set_defaults(handler=run_issue)


def read_ca_passphrase(ctx: CliContext, *, new: bool) -> str:
    """The CA passphrase from --passphrase-file, the environment, or a prompt."""
    file_arg = getattr(ctx.args, "passphrase_file", None)
    if file_arg:
        return read_secret_file(file_arg, "CA passphrase")
    env = os.environ.get(CA_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise ValidationError(
            f"no CA passphrase given: type it at the prompt in a terminal, or set "
            f"{CA_PASSPHRASE_ENV}, or pass --passphrase-file FILE"
        )
    first = getpass.getpass("New CA passphrase: " if new else "CA passphrase: ")
    if new and getpass.getpass("Type it again: ") != first:
        raise ValidationError("the two passphrases differ; nothing was created")
    return first


def run_init(ctx: CliContext) -> int:
    """Create the CA."""
    from portfolio_app.core.services.identity_service import init_course_ca

    ca_dir = Path(ctx.args.ca_dir).expanduser()
    info = init_course_ca(
        ca_dir,
        name=ctx.args.name,
        institution=ctx.args.institution,
        passphrase=read_ca_passphrase(ctx, new=True),
    )
    if ctx.as_json:
        ctx.print_json(info.to_dict())
        return 0
    ctx.print(f"Created the course CA '{info.name}' in {ca_dir}")
    ctx.print(f"Give assessors {info.certificate_path}")
    ctx.print(f"CA certificate SHA-256 fingerprint: {info.fingerprint}")
    ctx.print("Keep the folder and its passphrase safe: they issue every student certificate.")
    return 0


def run_issue(ctx: CliContext) -> int:
    """Issue a student certificate."""
    from portfolio_app.core.export.atomic import write_atomically
    from portfolio_app.core.services.identity_service import (
        issue_student_certificate,
        read_pem_file,
    )

    ca_dir = Path(ctx.args.ca_dir).expanduser()
    csr = read_pem_file(Path(ctx.args.csr).expanduser(), "certificate request")
    if ctx.args.days is not None and ctx.args.days <= 0:
        raise ValidationError("--days must be a positive number")
    bundle, info = issue_student_certificate(
        ca_dir, read_ca_passphrase(ctx, new=False), csr, valid_days=ctx.args.days
    )
    out = Path(ctx.args.out).expanduser()
    write_atomically(out, bundle, mode=0o644)
    if ctx.as_json:
        ctx.print_json({"certificate": str(out), **info.to_dict()})
        return 0
    ctx.print(f"Issued a certificate for {info.name} (id {info.student_id}) to {out}")
    ctx.print(f"Its SHA-256 fingerprint: {info.fingerprint}")
    ctx.print(f"Valid until {info.not_after:%Y-%m-%d}")
    return 0
