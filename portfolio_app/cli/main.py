"""The ``portfolio`` command: the entry point for students, tutors and assessors in scripts."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from portfolio_app import package_version
from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands import COMMAND_MODULES, VERB_MODULES
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import PortfolioError


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (the lookup costs ~30 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("nargs", 0)
        kwargs.setdefault("default", argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"{parser.prog} {package_version()}\n")  # stdout, as argparse's own
        parser.exit()


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The full parser, with every verb registered (``verb``: only that verb's module)."""
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="Reflective Portfolio: an encrypted reflective portfolio for "
        "interprofessional learning, exported as a signed PDF.",
        epilog=exit_codes.HELP_TEXT
        + "\nThe passphrase is read from --passphrase-file, else PORTFOLIO_PASSPHRASE, "
        "else a prompt.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the portfolio folder (default: $PORTFOLIO_DATA_DIR, else the user data folder)",
    )
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the passphrase from the first line of FILE (for scripts)",
    )
    # The common options are accepted both before and after the verb.
    parser.add_argument("--data-dir", dest="global_data_dir", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument(
        "--passphrase-file", dest="global_passphrase_file", metavar="FILE", help=argparse.SUPPRESS
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB")
    original_add = subparsers.add_parser

    def add_parser(name: str, **kwargs: object) -> argparse.ArgumentParser:
        parents = list(kwargs.pop("parents", []))  # type: ignore[call-overload]
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        return original_add(name, parents=[common, *parents], **kwargs)  # type: ignore[arg-type]

    subparsers.add_parser = add_parser  # type: ignore[method-assign]
    modules = [VERB_MODULES[verb]] if verb in VERB_MODULES else COMMAND_MODULES
    for module_name in modules:
        importlib.import_module(module_name).register(subparsers)
    return parser


#: Options of the top-level parser that take a value (skipped when looking for the verb).
_VALUED_OPTIONS = ("--data-dir", "--passphrase-file")


def _verb_in(argv: Sequence[str]) -> str | None:
    """The verb the command line names, if it names a known one (else None)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in _VALUED_OPTIONS:
            skip = True
            continue
        if token.startswith("-"):
            if token.split("=", 1)[0] in _VALUED_OPTIONS:
                continue
            return None  # --help, --version, or an option the full parser must judge
        return token if token in VERB_MODULES else None
    return None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line in process; returns the exit code (tests call this directly)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_verb_in(args_list))
    if _opens_a_file(parser, args_list):
        # What a file manager runs for a double-clicked .rpbackup: `reflective-portfolio FILE`.
        args_list = ["gui", *args_list]
    args = _parse(parser, args_list)
    if args.verb is None:
        args = _parse(build_parser("gui"), ["gui", *args_list])
    ctx = CliContext(args)
    if stdout is not None:
        ctx.out = stdout
    if stderr is not None:
        ctx.err = stderr
    try:
        return int(args.handler(ctx))
    except PortfolioError as error:
        ctx.warn(f"portfolio: {error.user_message}")
        return exit_codes.code_for(error)
    except KeyboardInterrupt:
        ctx.warn("portfolio: interrupted; nothing half-written was kept")
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        return exit_codes.OK


def _verbs(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _opens_a_file(parser: argparse.ArgumentParser, argv: list[str]) -> bool:
    """Whether the first argument is a file to open rather than a verb or an option."""
    if not argv or argv[0].startswith("-") or argv[0] in _verbs(parser):
        return False
    return Path(argv[0]).is_file()


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    # Options given before the verb land on the top-level parser; merge them down.
    args = parser.parse_args(argv)
    if getattr(args, "data_dir", None) is None:
        args.data_dir = args.global_data_dir
    if getattr(args, "passphrase_file", None) is None:
        args.passphrase_file = args.global_passphrase_file
    return args


#: Verbs that read a bounded amount (one entry, the search index): their process runs with
#: the cyclic garbage collector off. Decoding the index makes some 10^5 small acyclic objects,
#: and each collection would walk them all again; reference counting frees everything here.
_SHORT_VERBS = frozenset(
    {
        "add",
        "show",
        "edit",
        "delete",
        "search",
        "list",
        "history",
        "restore-revision",
        "events",
        "experiences",
        "final-reflection",
    }
)


def entry_point() -> None:
    """Console-script entry point."""
    if getattr(sys, "frozen", False):
        import multiprocessing  # (only a frozen build needs it; the import costs every verb)

        # A frozen build starts verify's worker processes (core.signing.isolation) by running
        # itself again; this hands such a start to the worker. No-op when not frozen.
        multiprocessing.freeze_support()
    if _verb_in(sys.argv[1:]) in _SHORT_VERBS:
        gc.disable()
    sys.exit(main())


def gui_entry_point() -> None:
    """The ``reflective-portfolio`` launcher (a gui-script): the app, a file to open, or a verb.

    On Windows a gui-script runs without a console, so ``sys.stdout`` and ``sys.stderr`` are
    None there; messages then go nowhere instead of crashing the launcher.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115
    sys.exit(main())
