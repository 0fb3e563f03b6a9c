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
