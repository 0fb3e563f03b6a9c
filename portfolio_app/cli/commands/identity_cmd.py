"""``portfolio identity``: the portfolio's signing key and certificate.

``show`` prints who the certificate names and its SHA-256 fingerprint (what a student
registers with the tutor); ``export-cert`` writes the public certificate; ``csr`` writes a
certificate request for the tutor's course CA; ``import-chain`` swaps in the certificate the
CA sent back. The private key never leaves the vault. Every action makes the identity first if
the portfolio has none yet, and says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb
from portfolio_app.cli.context import CliContext

if TYPE_CHECKING:
    from portfolio_app.core.services.identity_service import IdentityInfo
    from portfolio_app.core.services.portfolio_service import PortfolioService


def register(subparsers: Any) -> None:
    """Add 'identity show/export-cert/csr/import-chain'."""
    identity = add_verb(
        subparsers,
        "identity",
        help="show, export or certify this portfolio's signing identity",
        description="The key and certificate that sign your exports. The key stays inside "
        "the encrypted portfolio. Give your tutor the fingerprint ('show') or, with a course "
        "CA, a certificate request ('csr') and import what comes back ('import-chain').",
    )
    actions = identity.add_subparsers(dest="identity_verb", metavar="ACTION", required=True)
    show = add_verb(
        actions,
        "show",
        nested=True,
        help="name, id, fingerprint and issuer of the certificate",
        description="Show the signing certificate (made now if there is none yet).",
    )
    add_json_option(show)
    show.set_defaults(handler=run_show)

    cert = add_verb(
        actions,
        "export-cert",
        nested=True,
        help="write the public certificate (PEM)",
        description="Write the signing certificate (public; no key) to FILE, e.g. for an "
        "assessor who trusts students by certificate.",
    )
    cert.add_argument("file", metavar="FILE")
    cert.add_argument(
        "--with-chain", action="store_true", help="append the issuing CA certificate(s)"
    )
    add_json_option(cert)
    cert.set_defaults(handler=run_export_cert)

    csr = add_verb(
        actions,
        "csr",
        nested=True,
        help="write a certificate request for the course CA",
        description="Write a certificate signing request (PEM) to FILE. Send it to your tutor, "
        "who issues a certificate with 'portfolio ca issue'; import the result with "
        "'portfolio identity import-chain'.",
    )
    csr.add_argument("file", metavar="FILE")
    add_json_option(csr)
    csr.set_defaults(handler=run_csr)

    chain = add_verb(
        actions,
        "import-chain",
        nested=True,
        help="import the certificate the course CA issued",
        description="Replace the self-signed certificate with the one the course CA issued "
        "for this portfolio's key (the file 'portfolio ca issue' wrote: the certificate and "
        "the CA certificate). The fingerprint changes; the key does not.",
    )
    chain.add_argument("file", metavar="FILE")
    add_json_option(chain)
    chain.set_defaults(handler=run_import_chain)

    settings = add_verb(
        actions,
        "settings",
        nested=True,
        help="staff boxes and time-stamping authority for exports",
        description="Show or change which staff countersignature boxes your exports prepare "
        "(the course tells you: tutor by default; e.g. tutor,second-marker,moderator) and the "
        "RFC 3161 time-stamping authority to ask, if your institution runs one (none by "
        "default: nothing is fetched).",
    )
    settings.add_argument("--staff-roles", metavar="R,R", help="e.g. tutor,second-marker")
    tsa = settings.add_mutually_exclusive_group()
    tsa.add_argument("--tsa", metavar="URL", help="time-stamping authority address")
    tsa.add_argument("--no-tsa", action="store_true", help="stop asking for timestamps")
    add_json_option(settings)
    settings.set_defaults(handler=run_settings)


def _ensure(ctx: CliContext, service: PortfolioService) -> IdentityInfo:
    from portfolio_app.core.services import identity_service

    made = not identity_service.has_identity(service)
    identity = identity_service.get_or_create_identity(service)
    if made:
        ctx.warn(
            "note: this portfolio had no signing identity; a new key and certificate were made"
        )
    return identity_service.describe_identity(identity)


def _print_info(ctx: CliContext, info: IdentityInfo) -> None:
    ctx.print(f"Name:         {info.name or ''}")
    ctx.print(f"Id:           {info.student_id or ''}")
    ctx.print(f"Role:         {info.role or 'none (self-signed, or issued before roles)'}")
    ctx.print(f"Fingerprint:  SHA-256 {info.fingerprint}")
    issuer = "self-signed" if info.self_signed else info.issuer
    ctx.print(f"Issuer:       {issuer}")
    ctx.print(f"Valid:        {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d}")


def run_show(ctx: CliContext) -> int:
    """Print the identity."""
    with ctx.open_portfolio(load="lazy") as service:
        info = _ensure(ctx, service)
    if ctx.as_json:
        ctx.print_json(info.to_dict())
    else:
        _print_info(ctx, info)
    return 0


def run_export_cert(ctx: CliContext) -> int:
    """Write the certificate."""
    from portfolio_app.core.services import identity_service

    path = Path(ctx.args.file).expanduser()
    with ctx.open_portfolio(load="lazy") as service:
        info = _ensure(ctx, service)
        identity_service.export_certificate(service, path, with_chain=ctx.args.with_chain)
    if ctx.as_json:
        ctx.print_json({"certificate": str(path), **info.to_dict()})
    else:
        ctx.print(f"Wrote the certificate to {path}")
        ctx.print(f"Fingerprint: SHA-256 {info.fingerprint}")
    return 0


def run_csr(ctx: CliContext) -> int:
    """Write the certificate request."""
    from portfolio_app.core.services import identity_service

    path = Path(ctx.args.file).expanduser()
    with ctx.open_portfolio(load="lazy") as service:
        info = _ensure(ctx, service)
        identity_service.make_certificate_request(service, path)
    if ctx.as_json:
        ctx.print_json({"request": str(path), **info.to_dict()})
    else:
        ctx.print(f"Wrote the certificate request to {path}")
        ctx.print("Send it to your tutor; import what comes back with:")
        ctx.print("  portfolio identity import-chain FILE")
    return 0


def run_import_chain(ctx: CliContext) -> int:
    """Swap in the issued certificate."""
    from portfolio_app.core.services import identity_service

    path = Path(ctx.args.file).expanduser()
    data = identity_service.read_pem_file(path)
    with ctx.open_portfolio(load="lazy") as service:
        identity = identity_service.import_certificate_chain(service, data)
        info = identity_service.describe_identity(identity)
    if ctx.as_json:
        ctx.print_json(info.to_dict())
    else:
        ctx.print("Imported the certificate; exports are now signed with it.")
        _print_info(ctx, info)
    return 0


def run_settings(ctx: CliContext) -> int:
    """Show or change the signing settings."""
    from portfolio_app.core.services import identity_service

    args = ctx.args
    with ctx.open_portfolio(load="lazy") as service:
        if args.staff_roles is not None or args.tsa or args.no_tsa:
            roles = (
                [r for r in args.staff_roles.split(",") if r.strip()]
                if args.staff_roles is not None
                else None
            )
            current = identity_service.set_signing_settings(
                service, staff_roles=roles, tsa_url=args.tsa, clear_tsa=args.no_tsa
            )
        else:
            current = identity_service.signing_settings(service)
    if ctx.as_json:
        ctx.print_json(current.to_dict())
        return 0
    ctx.print(f"Staff boxes:   {', '.join(current.staff_roles)}")
    ctx.print(f"Timestamps:    {current.tsa_url or 'none (the signer’s own clock)'}")
    return 0
