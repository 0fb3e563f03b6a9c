"""The bundle's contents are derived, so a new verb or module can never be left out of it.

The first PyInstaller spec listed the verbs by hand and missed `coverage`, and the frozen app
then failed on every command. Now packaging/bundle_contents.py walks the package; these tests
check that what it finds covers every verb, every module, everything the migrations import,
and that a module added tomorrow is found without editing anything. The frozen binary itself
is run by packaging/smoke-bundle (in CI) and tests/packaging/test_deb_package.py.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from portfolio_app.cli.commands import COMMAND_MODULES

REPO = Path(__file__).parents[2]


def _load_bundle_contents() -> ModuleType:
    # packaging/ is not a Python package (and "packaging" is a PyPI name): load it by path.
    spec = importlib.util.spec_from_file_location(
        "bundle_contents", REPO / "packaging" / "bundle_contents.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bundle_contents = _load_bundle_contents()


def test_every_verb_module_is_a_hidden_import() -> None:
    hidden = set(bundle_contents.hidden_imports())
    assert set(COMMAND_MODULES) <= hidden
    assert "portfolio_app.cli.commands.coverage_cmd" in hidden  # the one the old list missed


def test_every_module_file_of_the_package_is_a_hidden_import() -> None:
    hidden = set(bundle_contents.hidden_imports())
    package = REPO / "portfolio_app"
    expected = set()
    for path in package.rglob("*.py"):
        rel = path.relative_to(REPO).with_suffix("")
        if "migrations" in rel.parts:
            continue  # shipped as data: Alembic executes the files
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        expected.add(".".join(parts))
    assert expected - hidden == set()


def test_modules_imported_by_name_at_run_time_are_covered() -> None:
    """Every literal or f-string prefix passed to importlib.import_module names bundled modules."""
    hidden = set(bundle_contents.hidden_imports())
    prefixes: list[str] = []
    for path in (REPO / "portfolio_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr == "import_module"):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                prefixes.append(arg.value)
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                prefixes.append(str(arg.values[0].value))
    assert prefixes, "the package imports modules by name; this test must see them"
    for prefix in prefixes:
        if prefix.startswith("portfolio_app"):
            assert any(name.startswith(prefix) for name in hidden), prefix


def test_what_the_migrations_import_is_bundled() -> None:
    hidden = set(bundle_contents.hidden_imports())
    assert {"alembic", "alembic.op", "alembic.context", "sqlalchemy"} <= hidden
    assert "portfolio_app.core.storage.records" in hidden
    # names imported from a module are not modules and must not become hidden imports
    assert "portfolio_app.core.storage.records.Base" not in hidden
    # every migration file is found, and so will be shipped as data
    names = {p.name for p in bundle_contents.migration_files()}
    assert {"env.py", "0001_initial.py", "0002_settings_and_attendance.py"} <= names


def test_a_verb_added_tomorrow_is_found_without_editing_a_list(tmp_path: Path) -> None:
    copy = tmp_path / "portfolio_app"
    shutil.copytree(
        REPO / "portfolio_app", copy, ignore=shutil.ignore_patterns("__pycache__", "migrations")
    )
    (copy / "cli" / "commands" / "brand_new_cmd.py").write_text('"""New."""\n', encoding="utf-8")
    (copy / "core" / "newpkg").mkdir()
    (copy / "core" / "newpkg" / "__init__.py").write_text("", encoding="utf-8")
    (copy / "core" / "newpkg" / "thing.py").write_text("", encoding="utf-8")
    found = set(bundle_contents.app_modules(copy))
    assert "portfolio_app.cli.commands.brand_new_cmd" in found
    assert "portfolio_app.core.newpkg.thing" in found


def test_the_spec_uses_the_derived_lists() -> None:
    spec = (REPO / "packaging" / "reflective-portfolio.spec").read_text(encoding="utf-8")
    assert "hiddenimports=bundle_contents.hidden_imports()" in spec
    assert "excludes=list(bundle_contents.EXCLUDED_MODULES)" in spec
    assert "portfolio_app.cli.commands." not in spec  # no hand-kept verb names


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so", False),
        ("portfolio_app/resources/fonts/DejaVuSans.ttf", True),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ],
)
def test_trimming_rules(dest: str, kept: bool) -> None:
    assert bundle_contents.keep_bundled_file(dest) is kept


def test_libraries_only_dropped_plugins_needed_go_too() -> None:
    binaries = [
        ("QtCore.abi3.so", "/src/QtCore.abi3.so", "EXTENSION"),
        ("libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        ("libicuuc.so.73", "/src/libicuuc.so.73", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),  # only the gtk3 theme needed it
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),
    ]
    needs = {
        "/src/QtCore.abi3.so": ["libQt6Core.so.6", "libc.so.6"],
        "/src/libQt6Core.so.6": ["libicuuc.so.73"],
        "/src/libqxcb.so": ["libQt6XcbQpa.so.6"],
    }
    kept = bundle_contents.reachable_binaries(binaries, lambda source: needs.get(source, []))
    assert [entry[0] for entry in kept] == [
        "QtCore.abi3.so",
        "libQt6Core.so.6",
        "libicuuc.so.73",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libQt6XcbQpa.so.6",
        "libpython3.11.so.1.0",
    ]


def test_the_app_does_not_use_an_excluded_module() -> None:
    """An excluded module the app imports would be missing from the frozen app."""
    used: set[str] = set()
    for path in (REPO / "portfolio_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                used.add(node.module)
    assert sorted(name for name in used if bundle_contents.is_excluded(name)) == []
