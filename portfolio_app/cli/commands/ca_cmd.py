"""``portfolio ca init|issue|list|revoke|crl``: a course certificate authority with roles.

The CA lives in its own folder (``--ca-dir``), not in a portfolio: it belongs to the course.
Its key is sealed under a CA passphrase (Argon2id, as the portfolio) read the way the
portfolio passphrase is, from ``--passphrase-file``, else ``PORTFOLIO_CA_PASSPHRASE``, else a
prompt (typed twice for ``init``); never from the command line, which other users of the
machine can see. Every certificate carries a role (student, tutor, second-marker, moderator,
practice-assessor): verify accepts a signature in a box only from that box's role. Assessors
install ``ca-cert.pem`` and verify with ``portfolio verify --trust`` (and ``--crl``).
"""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portfolio_app.cli.commands._shared import (
    add_json_option,
    add_verb,
    iso_date,
    read_secret_file,
    table,
)
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError

CA_PASSPHRASE_ENV = "PORTFOLIO_CA_PASSPHRASE"
ROLE_CHOICES = ("student", "tutor", "second-marker", "moderator", "practice-assessor")
REVOCATION_CHOICES = (
    "unspecified",
    "key-compromise",
    "affiliation-changed",
    "superseded",
    "cessation-of-operation",
    "privilege-withdrawn",
)


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
    init.add_argument(
        "--roles",
        metavar="R,R",
        help="roles this CA may issue (default: all: " + ", ".join(ROLE_CHOICES) + "); e.g. "
        "'student' for a student-only CA beside a staff CA",
    )
    add_json_option(init)
    init.set_defaults(handler=run_init)

    issue = add_verb(
        actions,
        "issue",
        nested=True,
        help="issue a role certificate for a request",
        description="Issue a signing certificate with a role for a certificate request (CSR). "
        "Shows who the request names and asks to confirm (unless --yes); warns when that "
        "person already has a certificate for the role. OUT holds the new certificate followed "
        "by the CA certificate: send it back; they import it with 'portfolio identity "
        "import-chain OUT'.",
    )
    issue.add_argument("csr", metavar="CSR", help="the request (PEM)")
    issue.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's folder")
    issue.add_argument("--out", required=True, metavar="CERT.pem", help="where to write")
    issue.add_argument(
        "--role", default="student", choices=ROLE_CHOICES, help="the signer's role (student)"
    )
    validity = issue.add_mutually_exclusive_group()
    validity.add_argument(
        "--valid-years",
        type=float,
        metavar="N",
        help="validity in years (default: 7 for students, the programme plus appeals; 3 for staff)",
    )
    validity.add_argument("--days", type=int, default=None, help="validity in days")
    issue.add_argument("--yes", action="store_true", help="issue without asking to confirm")
    add_json_option(issue)
    issue.set_defaults(handler=run_issue)

    listing = add_verb(
        actions,
        "list",
        nested=True,
        help="the register of issued certificates",
        description="Every certificate the CA issued: name, id, role, serial, validity and "
        "whether it was revoked. Needs no passphrase.",
    )
    listing.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's folder")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)

    revoke = add_verb(
        actions,
        "revoke",
        nested=True,
        help="revoke a certificate (lost laptop, left the course)",
        description="Revoke a certificate by serial (see 'ca list') or certificate file, and "
        "write a fresh revocation list (course.crl in the CA folder). Give assessors the CRL: "
        "'portfolio verify --crl course.crl' then rejects signatures made after the revocation "
        "(or after --compromised-since).",
    )
    revoke.add_argument("certificate", metavar="SERIAL|CERT.pem")
    revoke.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's folder")
    revoke.add_argument("--reason", required=True, choices=REVOCATION_CHOICES)
    revoke.add_argument(
        "--compromised-since",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the key may have been misused from this day (a lost laptop): signatures "
        "claiming a later time are rejected too",
    )
    add_json_option(revoke)
    revoke.set_defaults(handler=run_revoke)

    crl = add_verb(
        actions,
        "crl",
        nested=True,
        help="write a signed revocation list",
        description="Write the CA's current certificate revocation list (CRL), signed by the "
        "CA, for assessors ('portfolio verify --crl FILE') and countersigners.",
    )
    crl.add_argument("--ca-dir", required=True, metavar="DIR", help="the CA's folder")
    crl.add_argument("--out", required=True, metavar="FILE.crl", help="where to write")
    add_json_option(crl)
    crl.set_defaults(handler=run_crl)


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
    roles = [r for r in (ctx.args.roles or "").split(",") if r.strip()] or None
    info = init_course_ca(
        ca_dir,
        name=ctx.args.name,
        institution=ctx.args.institution,
        passphrase=read_ca_passphrase(ctx, new=True),
        roles=roles,
    )
    if ctx.as_json:
        ctx.print_json(info.to_dict())
        return 0
    ctx.print(f"Created the course CA '{info.name}' in {ca_dir}")
    ctx.print(f"Give assessors {info.certificate_path}")
    ctx.print(f"CA certificate SHA-256 fingerprint: {info.fingerprint}")
    ctx.print("Keep the folder and its passphrase safe: they issue every student certificate.")
    return 0


def _confirm(ctx: CliContext, question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    ctx.err.write(f"{question} [y/N] ")
    ctx.err.flush()
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def run_issue(ctx: CliContext) -> int:
    """Show the request, confirm, and issue a role certificate."""
    from portfolio_app.core.export.atomic import write_atomically
    from portfolio_app.core.services.identity_service import (
        ca_key_needs_upgrade,
        ca_upgraded_message,
        issue_student_certificate,
        read_pem_file,
        review_request,
    )

    args = ctx.args
    ca_dir = Path(args.ca_dir).expanduser()
    csr = read_pem_file(Path(args.csr).expanduser(), "certificate request")
    if args.days is not None and args.days <= 0:
        raise ValidationError("--days must be a positive number")
    if args.valid_years is not None and not 0 < args.valid_years <= 30:
        raise ValidationError("--valid-years must be between 0 and 30")
    days = args.days if args.valid_years is None else round(args.valid_years * 365.25)
    request = review_request(ca_dir, csr, args.role)
    lines = [
        "Certificate request:",
        f"  Name:        {request.name or '(none)'}",
        f"  Id:          {request.student_id or '(none)'}",
        f"  Programme:   {request.programme or '(none)'}",
        f"  Institution: {request.institution or '(none)'}",
        f"  Key:         {request.key}",
        f"  Role:        {args.role}",
    ]
    if not ctx.as_json:
        for line in lines:
            ctx.print(line)
    for old in request.existing:
        state = "revoked" if old.revoked_at else f"valid until {old.not_after:%Y-%m-%d}"
        ctx.warn(
            f"warning: this CA already issued a {args.role} certificate to {old.name} "
            f"(serial {old.serial}, {state}); revoke it if this one replaces it"
        )
    if not args.yes and not _confirm(ctx, f"Issue a {args.role} certificate to this person?"):
        raise ValidationError(
            "nothing was issued; check the request with its sender, then answer 'y' at the "
            "prompt or pass --yes"
        )
    upgrade = ca_key_needs_upgrade(ca_dir)
    bundle, info = issue_student_certificate(
        ca_dir, read_ca_passphrase(ctx, new=False), csr, valid_days=days, role=args.role
    )
    if upgrade:
        ctx.warn(ca_upgraded_message(ca_dir))
    out = Path(args.out).expanduser()
    write_atomically(out, bundle, mode=0o644)
    if ctx.as_json:
        ctx.print_json(
            {
                "certificate": str(out),
                "request": request.to_dict(),
                **info.to_dict(),
                "role": args.role,
            }
        )
        return 0
    ctx.print(
        f"Issued a certificate for {info.name} (id {info.student_id}) to {out}, role {args.role}"
    )
    ctx.print(f"Its SHA-256 fingerprint: {info.fingerprint}")
    ctx.print(f"Valid until {info.not_after:%Y-%m-%d}")
    return 0


def run_list(ctx: CliContext) -> int:
    """Print the register."""
    from portfolio_app.core.services.identity_service import list_issued

    issued = list_issued(Path(ctx.args.ca_dir).expanduser())
    if ctx.as_json:
        ctx.print_json({"certificates": [c.to_dict() for c in issued]})
        return 0
    if not issued:
        ctx.print("This CA has issued no certificates yet.")
        return 0
    rows = [
        (
            c.serial[:16],
            c.role or "(none)",
            c.name or "",
            c.subject_id or "",
            f"{c.not_before:%Y-%m-%d}..{c.not_after:%Y-%m-%d}",
            f"revoked {c.revoked_at:%Y-%m-%d} ({c.revocation_reason})" if c.revoked_at else "",
        )
        for c in issued
    ]
    for line in table(("Serial", "Role", "Name", "Id", "Valid", "Revoked"), rows):
        ctx.print(line)
    return 0


def run_revoke(ctx: CliContext) -> int:
    """Revoke and write the CRL."""
    from portfolio_app.core.services.identity_service import (
        ca_key_needs_upgrade,
        ca_upgraded_message,
        revoke_certificate,
    )

    args = ctx.args
    ca_dir = Path(args.ca_dir).expanduser()
    since = (
        datetime(
            args.compromised_since.year,
            args.compromised_since.month,
            args.compromised_since.day,
            tzinfo=UTC,
        )
        if args.compromised_since
        else None
    )
    upgrade = ca_key_needs_upgrade(ca_dir)
    item, crl = revoke_certificate(
        ca_dir,
        read_ca_passphrase(ctx, new=False),
        args.certificate,
        reason=args.reason,
        compromised_since=since,
    )
    if upgrade:
        ctx.warn(ca_upgraded_message(ca_dir))
    if ctx.as_json:
        ctx.print_json({"revoked": item.to_dict(), "crl": str(crl)})
        return 0
    ctx.print(f"Revoked {item.role or ''} certificate {item.serial} of {item.name} ({args.reason})")
    ctx.print(f"Wrote the revocation list {crl}; give it to assessors (verify --crl).")
    return 0


def run_crl(ctx: CliContext) -> int:
    """Write the CRL."""
    from portfolio_app.core.services.identity_service import ca_upgraded_message, write_crl

    ca_dir = Path(ctx.args.ca_dir).expanduser()
    out, count, upgraded = write_crl(
        ca_dir, read_ca_passphrase(ctx, new=False), Path(ctx.args.out).expanduser()
    )
    if upgraded:
        ctx.warn(ca_upgraded_message(ca_dir))
    if ctx.as_json:
        ctx.print_json({"crl": str(out), "revoked": count})
        return 0
    ctx.print(f"Wrote the revocation list ({count} revoked) to {out}")
    return 0
