"""What goes into the PyInstaller bundle and what is trimmed, derived rather than listed by hand.

Used by ``reflective-portfolio.spec`` and by ``tests/packaging/test_bundle_contents.py``, so the
rules the build follows are the rules the tests check.

* Every module of the ``portfolio_app`` package is a hidden import, found by walking the package
  (the verbs are imported by name, the GUI and signing load some modules lazily by name): a new
  verb or module is in the next build without anyone editing a list.
* The Alembic migrations are read as files at run time (Alembic executes ``env.py`` and the
  ``versions/*.py`` scripts itself), so they ship as data, and whatever they import is read
  from their source and made a hidden import.
* Trimming: Qt modules, plugins and translations the app never uses, the libraries only those
  plugins needed, and test and build tools. (pyHanko's network client stays: see below.)

Standard library only: the spec runs inside PyInstaller's interpreter, the tests inside pytest.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO / "portfolio_app"
MIGRATIONS_DIR = PACKAGE_DIR / "core" / "storage" / "migrations"

#: Modules (and their submodules) left out of the bundle. Each is either never imported by the
#: app, or imported only by a code path the app does not take (pyHanko's online fetchers).
EXCLUDED_MODULES: tuple[str, ...] = (
    # pyHanko's network extras cannot go: `pyhanko.sign` imports its time-stamp client, which
    # imports aiohttp at module level (pyhanko 0.38), so signing fails without it (the smoke
    # test caught that). The app never uses them: no CRL/OCSP fetching, no remote signing.
    # Qt modules the app does not use (it uses QtCore, QtGui, QtWidgets, QtSvg, QtPrintSupport)
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtDBus",
    "PySide6.QtConcurrent",
    "PySide6.QtXml",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtSvgWidgets",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "PySide6.QtPdf",
    # development and test tools that some libraries import optionally
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc",
    "pytest",
    "pytestqt",
    "mypy",
    "IPython",
    "setuptools",
    "pip",
)

#: Qt plugins kept, by folder (relative to PySide6/Qt/plugins): an empty tuple keeps the whole
#: folder; a folder not listed is dropped. platforms: xcb and wayland for real desktops,
#: offscreen and minimal for CI and scripts (eglfs, linuxfb, vnc: kiosk and embedded targets).
KEPT_QT_PLUGINS: dict[str, tuple[str, ...]] = {
    "platforms": (
        "libqxcb.so",
        "libqwayland.so",
        "libqoffscreen.so",
        "libqminimal.so",
        "qwindows.dll",
        "qoffscreen.dll",
        "qminimal.dll",
        "libqcocoa.dylib",
        "libqoffscreen.dylib",
        "libqminimal.dylib",
    ),
    "platforminputcontexts": (),  # input methods (ibus, compose) for typing accents
    # the portal's native file dialogs; not gtk3: the bundle would carry the build host's
    # cairo/pango, which clash with the user's GTK (and the build host has no GTK at all)
    "platformthemes": ("libqxdgdesktopportal.so",),
    "xcbglintegrations": (),
    "wayland-decoration-client": (),
    "wayland-graphics-integration-client": ("libqt-plugin-wayland-egl.so",),
    "wayland-shell-integration": ("libxdg-shell.so",),
    "imageformats": ("libqsvg.so", "libqico.so", "qsvg.dll", "qico.dll", "libqsvg.dylib"),
    "iconengines": (),  # SVG icons
    "styles": (),
    "printsupport": (),  # CUPS: printing the recovery key
}


def app_modules(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Every module of the package, from its files alone (nothing is imported).

    A folder is a subpackage when it has ``__init__.py``; folders without one (the Alembic
    migrations) are not packages and are skipped: they ship as data.
    """
    found: list[str] = []

    def walk(folder: Path, dotted: str) -> None:
        found.append(dotted)
        for child in sorted(folder.iterdir()):
            if child.is_dir() and (child / "__init__.py").is_file():
                walk(child, f"{dotted}.{child.name}")
            elif child.suffix == ".py" and child.stem != "__init__" and child.stem.isidentifier():
                found.append(f"{dotted}.{child.stem}")

    walk(package_dir, package_dir.name)
    return sorted(found)


def imports_of(paths: Iterable[Path]) -> list[str]:
    """The absolute module names the given Python files import (``from x import y``: x.y too)."""
    names: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "__future__":
                    continue
                names.add(node.module)
                names.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    return sorted(names)


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module (``from alembic import op``) rather than a name in one."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def migration_files(migrations_dir: Path = MIGRATIONS_DIR) -> list[Path]:
    """The Python files Alembic executes from the migrations folder."""
    return sorted(p for p in migrations_dir.rglob("*.py") if "__pycache__" not in p.parts)


def hidden_imports() -> list[str]:
    """What the freezer cannot see by following imports: the package and the migrations' needs."""
    return sorted(set(app_modules()) | set(imports_of(migration_files())))


def is_excluded(module: str) -> bool:
    """Whether a module falls under EXCLUDED_MODULES."""
    return any(module == root or module.startswith(root + ".") for root in EXCLUDED_MODULES)


def keep_bundled_file(dest: str) -> bool:
    """Whether a file PyInstaller collected (by its path inside the bundle) stays in it.

    Drops Qt's translations (the app's text is English and it installs no QTranslator), the
    Qt plugins it has no use for, and the shared libraries of excluded Qt modules.
    """
    parts = Path(dest).as_posix().split("/")
    if "translations" in parts and "PySide6" in parts:
        return False
    if "plugins" in parts and "PySide6" in parts:
        index = parts.index("plugins")
        if len(parts) > index + 2:
            folder, name = parts[index + 1], parts[-1]
            kept = KEPT_QT_PLUGINS.get(folder)
            if kept is None:
                return False  # a plugin folder the app does not need at all
            return not kept or name in kept
    return True


def reachable_binaries(
    binaries: list[tuple[str, str, str]],
    needed: Callable[[str], Iterable[str]],
) -> list[tuple[str, str, str]]:
    """The collected shared libraries still needed once unused plugins are gone.

    PyInstaller collected each plugin's libraries before the plugins were trimmed; a library is
    kept only when a Python extension, a kept Qt plugin or libpython needs it, directly or
    through other kept libraries (``needed(source_path)`` gives a file's NEEDED names).
    Entries are PyInstaller's (destination, source, typecode).
    """
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for entry in binaries:
        by_name.setdefault(Path(entry[0]).name, []).append(entry)
    roots = [entry for entry in binaries if _is_root(entry)]
    kept: dict[str, tuple[str, str, str]] = {}
    todo = list(roots)
    while todo:
        entry = todo.pop()
        if entry[0] in kept:
            continue
        kept[entry[0]] = entry
        for name in needed(entry[1]):
            todo.extend(e for e in by_name.get(name, []) if e[0] not in kept)
    return [entry for entry in binaries if entry[0] in kept]


def _is_root(entry: tuple[str, str, str]) -> bool:
    dest, _source, typecode = entry
    parts = Path(dest).as_posix().split("/")
    if typecode == "EXTENSION" or Path(dest).name.startswith("libpython"):
        return True
    return "PySide6" in parts and "plugins" in parts
