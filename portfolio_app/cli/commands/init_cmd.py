"""``portfolio init``, ``passwd`` and ``recovery-key``: creating a portfolio and its keys."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import add_json_option, add_verb, read_secret_file
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import PortfolioExistsError, ValidationError
from portfolio_app.core.domain.profile import Profile

#: For scripts that change the passphrase: the new one (the current one is PORTFOLIO_PASSPHRASE).
NEW_PASSPHRASE_ENV = "PORTFOLIO_NEW_PASSPHRASE"

_RECOVERY_WORDS = """\
Write it down or print it, and keep it somewhere safe, away from this computer.
It is shown only this once: the app cannot show it again.
It unlocks the portfolio and lets you set a new passphrase if you forget yours:
  portfolio passwd --recovery-key-file FILE"""


def register(subparsers: Any) -> None:
    """Add init, passwd and recovery-key."""
    init = add_verb(
        subparsers,
        "init",
        help="create a new portfolio",
        description="Create a new, encrypted portfolio in the data folder. The new passphrase "
        "is typed twice at a prompt (or read from PORTFOLIO_PASSPHRASE or --passphrase-file). "
        "A recovery key is printed once: write it down.",
    )
    init.add_argument("--name", required=True, help="your name, as it should appear on the PDF")
    init.add_argument("--student-id", default="", help="your student number")
    init.add_argument("--profession", default="", help="your profession, e.g. 'Nursing (Adult)'")
    init.add_argument("--programme", default="", help="your programme of study")
    init.add_argument("--institution", default="", help="your university or college")
    init.add_argument("--tutor", default="", help="your personal tutor or mentor")
    init.add_argument("--intake", default="", help="your intake, e.g. 'September 2024'")
    add_json_option(init)
    init.set_defaults(handler=run_init)

    passwd = add_verb(
        subparsers,
        "passwd",
        help="change the passphrase (or reset it with the recovery key)",
        description="Change the passphrase: type the current one, then the new one twice. "
        "If you forgot the passphrase, give the recovery key with --recovery-key-file. "
        "For scripts, the current passphrase comes from PORTFOLIO_PASSPHRASE or "
        f"--passphrase-file and the new one from --new-passphrase-file or {NEW_PASSPHRASE_ENV}.\n\n"
        "Without --rotate only the key that unlocks the portfolio is re-wrapped: fast, and "
        "enough when you simply want a better passphrase. But anyone who knew the old "
        "passphrase AND has (or later gets) a copy of the file or a backup can still read "
        "everything written afterwards, because the data key is the same. With --rotate "
        "everything is re-encrypted under a new data key (entries, history, attachments, "
        "settings, identity, manifest) in one transaction, and a new recovery key is shown "
        "once (the old one stops working). Use it when someone may know the old passphrase.",
    )
    passwd.add_argument(
        "--rotate",
        action="store_true",
        help="re-encrypt everything under a new data key (use it if the old passphrase may be "
        "known); shows a new recovery key",
    )
    passwd.add_argument(
        "--recovery-key-file",
        metavar="FILE",
        help="unlock with the recovery key in FILE instead of the current passphrase",
    )
    passwd.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from the first line of FILE (for scripts)",
    )
    add_json_option(passwd)
    passwd.set_defaults(handler=run_passwd)

    recovery = add_verb(
        subparsers,
        "recovery-key",
        help="replace the recovery key with a new one (shown once)",
        description="The recovery key is shown only when it is made. With --renew a new one "
        "is made and shown once; the old one stops working.",
    )
    recovery.add_argument(
        "--renew", action="store_true", help="make a new recovery key (the old one stops working)"
    )
    recovery.add_argument(
        "--rotate",
        action="store_true",
        help="with --renew: also re-encrypt everything under a new data key (the passphrase "
        "stays the same)",
    )
    add_json_option(recovery)
    recovery.set_defaults(handler=run_recovery_key)


def run_init(ctx: CliContext) -> int:
    """Create the portfolio and show the recovery key once."""
    from portfolio_app.core.passphrase_strength import estimate
    from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

    args = ctx.args
    data_dir = ctx.data_dir
    if portfolio_exists(data_dir):
        raise PortfolioExistsError(
            f"there is already a portfolio in {data_dir}; use it, or pass another --data-dir"
        )
    profile = Profile(
        name=args.name.strip(),
        student_id=args.student_id.strip(),
        profession=args.profession.strip(),
        programme=args.programme.strip(),
        institution=args.institution.strip(),
        tutor=args.tutor.strip(),
        intake=args.intake.strip(),
    )
    profile.validate()
    passphrase = ctx.read_new_passphrase("New passphrase for the portfolio: ")
    service, recovery_key = PortfolioService.create(data_dir, passphrase, profile)
    service.close()
    strength = estimate(passphrase)
    if strength.score < 3:
        ctx.warn(f"note: the passphrase is {strength.label}. {strength.hint}")
    if ctx.as_json:
        ctx.print_json({"data_dir": str(data_dir), "recovery_key": recovery_key})
        return exit_codes.OK
    ctx.print(f"Created the portfolio of {profile.name} in {data_dir}")
    ctx.print("")
    ctx.print(f"RECOVERY KEY: {recovery_key}")
    ctx.print("")
    ctx.print(_RECOVERY_WORDS)
    return exit_codes.OK


def _read_new_passphrase(ctx: CliContext) -> str:
    file_arg = getattr(ctx.args, "new_passphrase_file", None)
    if file_arg:
        return read_secret_file(file_arg, "new passphrase")
    env = os.environ.get(NEW_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise ValidationError(
            "no new passphrase given: type it at the prompt in a terminal, or pass "
            f"--new-passphrase-file FILE, or set {NEW_PASSPHRASE_ENV}"
        )
    first = getpass.getpass("New passphrase: ")
    second = getpass.getpass("Type the new passphrase again: ")
    if first != second:
        raise ValidationError("the two new passphrases differ; nothing was changed")
    return first


def run_passwd(ctx: CliContext) -> int:
    """Change the passphrase, or reset it with the recovery key."""
    from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

    data_dir = ctx.data_dir
    if not portfolio_exists(data_dir):
        # Fail before asking for anything, with the same message and exit code as other verbs.
        PortfolioService.open(data_dir, "")
    recovery_file = getattr(ctx.args, "recovery_key_file", None)
    current: str | None = None
    if recovery_file:
        key = read_secret_file(recovery_file, "recovery key").strip()
        if not key:
            raise ValidationError(f"the recovery key file {recovery_file} is empty")
        service = PortfolioService.open(data_dir, recovery_key=key)
    else:
        current = ctx.read_passphrase("Current passphrase: ")
        service = PortfolioService.open(data_dir, current)
    rotate = bool(getattr(ctx.args, "rotate", False))
    new_recovery: str | None = None
    with service:
        new = _read_new_passphrase(ctx)
        if current is not None and new == current:
            raise ValidationError(
                "the new passphrase is the same as the current one; nothing was changed"
            )
        if rotate:
            new_recovery = service.rotate_keys(new, progress=_progress(ctx))
        else:
            service.change_passphrase(new)
    if ctx.as_json:
        ctx.print_json(
            {
                "changed": True,
                "rotated": rotate,
                "recovery_key_unchanged": not rotate,
                **({"recovery_key": new_recovery} if new_recovery else {}),
            }
        )
        return exit_codes.OK
    ctx.print("The passphrase was changed. Use the new one from now on.")
    if new_recovery:
        ctx.print("Everything was re-encrypted under a new data key.")
        ctx.print("")
        ctx.print(f"NEW RECOVERY KEY: {new_recovery}")
        ctx.print("")
        ctx.print("The old recovery key no longer works.")
        ctx.print(_RECOVERY_WORDS)
        return exit_codes.OK
    if recovery_file:
        ctx.print(
            "Your recovery key still works. If someone else may have seen it, make a new one "
            "with 'portfolio recovery-key --renew'."
        )
    return exit_codes.OK


def _progress(ctx: CliContext) -> Any:
    """Progress on a terminal's standard error; nothing when it is not a terminal."""
    stream = ctx.err
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None

    def show(done: int, total: int, message: str) -> None:
        stream.write(f"\r\x1b[2K{message} ({done}%)" if total == 100 else f"\r\x1b[2K{message}")
        if done >= total:
            stream.write("\r\x1b[2K")
        stream.flush()

    return show


def run_recovery_key(ctx: CliContext) -> int:
    """Make a new recovery key and show it once."""
    if not ctx.args.renew:
        ctx.warn(
            "portfolio: the recovery key is shown only once, when it is made, and cannot be "
            "shown again; 'portfolio recovery-key --renew' makes a new one (the old one stops "
            "working)"
        )
        return exit_codes.USAGE
    rotate = bool(getattr(ctx.args, "rotate", False))
    if rotate:
        from portfolio_app.core.services.portfolio_service import PortfolioService

        passphrase = ctx.read_passphrase()
        with PortfolioService.open(ctx.data_dir, passphrase) as service:
            recovery_key = service.rotate_keys(
                passphrase, current_passphrase=passphrase, progress=_progress(ctx)
            )
    else:
        with ctx.open_portfolio() as service:
            recovery_key = service.new_recovery_key()
    if ctx.as_json:
        ctx.print_json({"data_dir": str(ctx.data_dir), "recovery_key": recovery_key})
        return exit_codes.OK
    ctx.print(f"NEW RECOVERY KEY: {recovery_key}")
    ctx.print("")
    ctx.print("The old recovery key no longer works.")
    ctx.print(_RECOVERY_WORDS)
    return exit_codes.OK
