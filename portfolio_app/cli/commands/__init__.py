"""The verbs of the ``portfolio`` command, one module per group of verbs.

Each module listed in COMMAND_MODULES has ``register(subparsers) -> None``, which adds its
parsers and sets ``handler`` (a callable ``(CliContext) -> int``) with ``set_defaults``.
Modules are imported by name so a verb's heavy dependencies load only when it runs.
"""

from __future__ import annotations

#: In the order `portfolio --help` lists them: students' verbs, then tutors' and assessors'.
COMMAND_MODULES: tuple[str, ...] = (
    "portfolio_app.cli.commands.gui_cmd",
    "portfolio_app.cli.commands.init_cmd",
    "portfolio_app.cli.commands.demo_cmd",
    "portfolio_app.cli.commands.entries_cmd",
    "portfolio_app.cli.commands.attachments_cmd",
    "portfolio_app.cli.commands.catalogue_cmd",
    "portfolio_app.cli.commands.frameworks_cmd",
    "portfolio_app.cli.commands.final_reflection_cmd",
    "portfolio_app.cli.commands.coverage_cmd",
    "portfolio_app.cli.commands.export_cmd",
    "portfolio_app.cli.commands.feedback_cmd",
    "portfolio_app.cli.commands.identity_cmd",
    "portfolio_app.cli.commands.ca_cmd",
    "portfolio_app.cli.commands.review_cmd",
    "portfolio_app.cli.commands.countersign_cmd",
    "portfolio_app.cli.commands.verify_cmd",
    "portfolio_app.cli.commands.backup_cmd",
    "portfolio_app.cli.commands.archive_cmd",
    "portfolio_app.cli.commands.check_cmd",
)
