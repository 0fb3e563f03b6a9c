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

_PREFIX = "portfolio_app.cli.commands."

#: Which module registers each first-level verb, so running one verb builds only its parser
#: (and imports only its module); ``--help`` and anything unknown build the whole parser.
#: tests/cli/test_cli_help_and_errors.py checks this against what each module registers.
VERB_MODULES: dict[str, str] = {
    "gui": _PREFIX + "gui_cmd",
    **dict.fromkeys(("init", "passwd", "recovery-key"), _PREFIX + "init_cmd"),
    "demo": _PREFIX + "demo_cmd",
    **dict.fromkeys(
        ("add", "delete", "edit", "history", "list", "restore-revision", "search", "show"),
        _PREFIX + "entries_cmd",
    ),
    **dict.fromkeys(("attach", "attachments", "detach"), _PREFIX + "attachments_cmd"),
    **dict.fromkeys(("events", "experiences"), _PREFIX + "catalogue_cmd"),
    "frameworks": _PREFIX + "frameworks_cmd",
    "final-reflection": _PREFIX + "final_reflection_cmd",
    "coverage": _PREFIX + "coverage_cmd",
    "export": _PREFIX + "export_cmd",
    "feedback": _PREFIX + "feedback_cmd",
    "identity": _PREFIX + "identity_cmd",
    "ca": _PREFIX + "ca_cmd",
    "review": _PREFIX + "review_cmd",
    "countersign": _PREFIX + "countersign_cmd",
    "verify": _PREFIX + "verify_cmd",
    **dict.fromkeys(("backup", "restore"), _PREFIX + "backup_cmd"),
    "archive": _PREFIX + "archive_cmd",
    "check": _PREFIX + "check_cmd",
}
