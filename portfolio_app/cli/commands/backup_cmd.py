"""``portfolio backup FILE`` and ``portfolio restore FILE``: one encrypted file, any machine."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError


def register(subparsers: Any) -> None:
    """Add the backup and restore verbs."""
    backup: argparse.ArgumentParser = subparsers.add_parser(
        "backup",
        help="write the whole portfolio to one encrypted file",
        description="Write the whole portfolio (entries, history, attachments, identity) to one "
        "file encrypted under the current passphrase. Restore it with 'portfolio restore'.",
    )
    backup.add_argument("file", metavar="FILE", help="where to write (.rpbackup is added)")
    backup.add_argument("--json", action="store_true", help="print the result as JSON")
    backup.set_defaults(handler=run_backup)
    restore: argparse.ArgumentParser = subparsers.add_parser(
        "restore",
        help="restore a portfolio from a backup file",
        description="Restore a backup into --data-dir. The passphrase is the one the portfolio "
        "had when the backup was made. An existing portfolio is only replaced with --replace, "
        "and a copy of it is kept in its backups folder first.",
    )
    restore.add_argument("file", metavar="FILE", help="the .rpbackup file")
    restore.add_argument(
        "--replace", action="store_true", help="replace the portfolio already in --data-dir"
    )
    restore.add_argument(
        "--recovery-key-file",
        metavar="FILE",
        help="unlock the backup with the recovery key in FILE instead of the passphrase",
    )
    restore.add_argument("--json", action="store_true", help="print the result as JSON")
    restore.set_defaults(handler=run_restore)


def run_backup(ctx: CliContext) -> int:
    """Write the backup."""
    from portfolio_app.core.services.backup_service import create_backup

    with ctx.open_portfolio(load="lazy") as service:
        path = create_backup(service, Path(ctx.args.file).expanduser())
        count = service.entry_count()
    if ctx.as_json:
        ctx.print_json({"backup": str(path), "entries": count})
    else:
        ctx.print(f"Backed up {count} entries to {path}")
        ctx.print("It opens with the passphrase (or recovery key) the portfolio has today.")
    return 0


def run_restore(ctx: CliContext) -> int:
    """Restore the backup."""
    from portfolio_app.core.services.backup_service import restore_backup

    source = Path(ctx.args.file).expanduser()
    recovery_file = ctx.args.recovery_key_file
    if recovery_file:
        try:
            key = Path(recovery_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValidationError(f"cannot read {recovery_file}: {exc.strerror}") from exc
        path = restore_backup(source, ctx.data_dir, recovery_key=key, replace=ctx.args.replace)
    else:
        from portfolio_app.core.passphrase_strength import estimate

        passphrase = ctx.read_passphrase("Passphrase of the backup: ")
        path = restore_backup(source, ctx.data_dir, passphrase=passphrase, replace=ctx.args.replace)
        strength = estimate(passphrase)
        if not strength.acceptable:
            ctx.warn(
                f"note: the restored portfolio's passphrase is {strength.label}: "
                f"{strength.hint} Change it with 'portfolio passwd --rotate'."
            )
    if ctx.as_json:
        ctx.print_json({"restored": str(path.parent)})
    else:
        ctx.print(f"Restored the portfolio into {path.parent}")
    return 0
