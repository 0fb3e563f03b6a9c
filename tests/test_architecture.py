"""Layering rules that are checked, not just written down."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "portfolio_app"


def test_core_and_cli_never_import_pyside6() -> None:
    code = (
        "import sys, pkgutil, importlib, portfolio_app.core as core, portfolio_app.cli.main\n"
        "for m in pkgutil.walk_packages(core.__path__, 'portfolio_app.core.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "import portfolio_app.cli.commands as cmds\n"
        "for name in cmds.COMMAND_MODULES: importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_storage_imports_sqlalchemy() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("core/storage/"):
            continue
        if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in _imports(path)):
            offenders.append(rel)
    assert offenders == []


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    allowed_roots = set(sys.stdlib_module_names) | {"portfolio_app"}
    offenders = []
    for path in (PACKAGE / "core" / "domain").rglob("*.py"):
        for name in _imports(path):
            root = name.split(".")[0]
            if root not in allowed_roots:
                offenders.append(f"{path.name}: {name}")
            if name.startswith("portfolio_app.") and not name.startswith(
                "portfolio_app.core.domain"
            ):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_start_up_path_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, portfolio_app.cli.main as m\n"
        "m.build_parser()\n"
        "heavy = [n for n in ('reportlab', 'pyhanko', 'markdown', 'alembic', 'sqlalchemy') "
        "if n in sys.modules]\n"
        "print(heavy); sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


HEAVY = ("sqlalchemy", "alembic", "reportlab", "pyhanko", "markdown", "nh3", "PySide6")

#: What each verb may import of the heavy libraries (everything else in HEAVY must stay out):
#: the storage runs on sqlite3, so no verb needs SQLAlchemy or Alembic unless a migration is
#: due; only the PDF verbs need reportlab/pyHanko, only the open archive needs Markdown.
VERB_IMPORTS: dict[str, tuple[list[str], set[str]]] = {
    "add": (["add", "--title", "New", "--tag", "t", "--body-file", "-"], set()),
    "show": (["show", "{id}"], set()),
    "edit": (["edit", "{id}", "--add-tag", "x"], set()),
    "search": (["search", "ward"], set()),
    "list": (["list"], set()),
    "history": (["history", "{id}"], set()),
    "delete": (["delete", "{other}", "--yes"], set()),
    "events": (["events", "list"], set()),
    "experiences": (["experiences", "list"], set()),
    "final-reflection": (["final-reflection"], set()),
    "frameworks": (["frameworks", "list"], set()),
    "check": (["check"], set()),
    "coverage": (["coverage"], set()),
    "backup": (["backup", "{tmp}/copy"], set()),
    "archive": (["archive", "{tmp}/open.zip"], {"markdown", "nh3"}),
    "export": (["export", "{tmp}/p.pdf", "--unsigned"], {"reportlab", "pyhanko"}),
    "attach": (["attach", "{id}", "{tmp}/minutes.txt"], set()),
    "attachments": (["attachments", "{id}"], set()),
    "detach": (["detach", "{id}", "{attachment}", "--yes"], set()),
    "feedback": (["feedback", "list"], set()),
    # the tutor's and assessor's verbs read PDFs (pyHanko), never a portfolio's storage
    "verify": (["verify", "--compare", "{tmp}/p.pdf", "{tmp}/p.pdf"], {"pyhanko", "reportlab"}),
    "review": (["review", "{tmp}/p.pdf"], {"pyhanko", "reportlab"}),
}
#: Verbs that refuse what they are given here (an unsigned PDF), after importing what they
#: need to read it; any other exit code fails the test.
VERB_EXIT_CODES = {"verify": {3}, "review": {1}}


def test_each_verb_imports_only_the_heavy_libraries_it_needs(tmp_path: Path) -> None:
    import json
    import os

    from portfolio_app.core.domain.entries import EntryKind, Section
    from portfolio_app.core.domain.profile import Profile
    from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

    data_dir = tmp_path / "p"
    service, _ = PortfolioService.create(data_dir, "verb imports passphrase", Profile(name="A"))
    evidence = tmp_path / "evidence.txt"
    evidence.write_text("Attendance certificate", encoding="utf-8")
    (tmp_path / "minutes.txt").write_text("Minutes of the round", encoding="utf-8")
    with service:
        ids = [
            service.add_entry(
                EntryDraft(
                    kind=EntryKind.NOTE, title=f"Ward note {i}", sections=(Section("", "x"),)
                )
            ).id
            for i in range(2)
        ]
        attachment = service.add_attachment(ids[0], evidence).id
    env = dict(
        os.environ,
        PORTFOLIO_PASSPHRASE="verb imports passphrase",
        PORTFOLIO_DATA_DIR=str(data_dir),
    )
    code = (
        "import json, sys\n"
        "from portfolio_app.cli.main import main\n"
        "code = main(json.loads(sys.argv[1]))\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('HEAVY=' + json.dumps([code, heavy]))\n"
    )
    wrong = {}
    for verb, (argv, allowed) in VERB_IMPORTS.items():
        args = [
            a.format(id=ids[0], other=ids[1], tmp=tmp_path, attachment=attachment) for a in argv
        ]
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args)],
            capture_output=True,
            text=True,
            env=env,
            input="body\n",
            timeout=120,
        )
        line = [x for x in done.stdout.splitlines() if x.startswith("HEAVY=")]
        assert line, (verb, done.stdout[-500:], done.stderr[-2000:])
        exit_code, heavy = json.loads(line[0].removeprefix("HEAVY="))
        assert exit_code in VERB_EXIT_CODES.get(verb, {0}), (verb, exit_code, done.stderr[-2000:])
        if set(heavy) - allowed:
            wrong[verb] = sorted(set(heavy) - allowed)
    assert wrong == {}
