"""The built wheel: every resource, loadable; its metadata; one version; pinned dependencies.

The repository keeps ``resources/`` at the top level; the wheel must hold it as
``portfolio_app/resources``. The installed copy is imported by the base interpreter with only
the unpacked wheel on its path, so the editable install cannot hide a missing file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

CHECK = """
import json, sys
from portfolio_app.core import resources
from portfolio_app.core.framework_packs import load_builtin_frameworks
from portfolio_app.core.reflective_templates import load_templates
root = resources.resources_root()
assert str(root).startswith(sys.path[0]), str(root)
frameworks = load_builtin_frameworks()
templates = load_templates()
count = 0
for folder in ('frameworks', 'templates', 'fonts', 'icons'):
    for item in resources.iter_resources(folder):
        if item.is_file():
            assert item.read_bytes(), item.name
            count += 1
print(json.dumps({'frameworks': len(frameworks), 'templates': len(templates), 'files': count}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once for this module."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    return next((tmp_path / "dist").glob("reflective_portfolio-*.whl"))


@pytest.mark.slow
def test_wheel_contains_and_loads_every_resource(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    repo_resources = sorted(
        p.relative_to(REPO).as_posix() for p in (REPO / "resources").rglob("*") if p.is_file()
    )
    missing = [r for r in repo_resources if f"portfolio_app/{r}" not in names]
    assert missing == []
    target = tmp_path / "target"
    zipfile.ZipFile(wheel).extractall(target)
    base_python = getattr(sys, "_base_executable", sys.executable)
    # -S: no site-packages, so neither the venv nor the editable install is visible; the
    # stdlib-only core modules must then load everything from the unpacked wheel.
    result = subprocess.run(
        [base_python, "-S", "-c", f"import sys; sys.path.insert(0, {str(target)!r})\n{CHECK}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # As many packs and templates load from the wheel as the checkout holds.
    packs = len(list((REPO / "resources" / "frameworks").glob("*.json")))
    templates = len(list((REPO / "resources" / "templates").glob("*.json")))
    assert f'"frameworks": {packs}' in result.stdout
    assert f'"templates": {templates}' in result.stdout


def _metadata(wheel: Path) -> tuple[Message, str]:
    archive = zipfile.ZipFile(wheel)
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    return Parser().parsestr(archive.read(info).decode()), entry_points


@pytest.mark.slow
def test_wheel_metadata_declares_launchers_licences_and_urls(wheel: Path) -> None:
    metadata, entry_points = _metadata(wheel)
    assert "[console_scripts]\nportfolio = portfolio_app.cli.main:entry_point" in entry_points
    assert (
        "[gui_scripts]\nreflective-portfolio = portfolio_app.cli.main:gui_entry_point"
        in entry_points
    )
    assert metadata["License-Expression"] == "MIT AND Bitstream-Vera"
    license_files = metadata.get_all("License-File") or []
    assert sorted(license_files) == ["LICENSE", "resources/fonts/LICENSE-DejaVu.txt"]
    names = zipfile.ZipFile(wheel).namelist()
    for license_file in license_files:
        assert any(n.endswith(f".dist-info/licenses/{license_file}") for n in names)
    classifiers = metadata.get_all("Classifier") or []
    assert "Intended Audience :: Healthcare Industry" in classifiers
    assert "Topic :: Education" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # PEP 639: the expression
    assert "interprofessional education" in (metadata["Keywords"] or "")
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Changelog", "Issues"} <= set(urls)
    assert metadata["Version"] == PYPROJECT["project"]["version"]
    assert "portfolio_app/py.typed" in names


def test_the_version_has_one_source() -> None:
    """pyproject.toml holds it; the package, --version and the About box read the metadata."""
    from importlib.metadata import version

    import portfolio_app

    wanted = PYPROJECT["project"]["version"]
    assert version("reflective-portfolio") == wanted
    assert portfolio_app.__version__ == wanted
    result = subprocess.run(
        [sys.executable, "-m", "portfolio_app", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"portfolio {wanted}"
    written_twice = [
        str(p.relative_to(REPO))
        for p in (REPO / "portfolio_app").rglob("*.py")
        if re.search(rf"""["']{re.escape(wanted)}["']""", p.read_text(encoding="utf-8"))
    ]
    assert written_twice == []


def test_dependencies_are_pinned_to_what_the_suite_passed_with() -> None:
    """packaging/constraints.txt pins every installed distribution, and this venv matches it."""
    from importlib.metadata import distributions

    if os.environ.get("PORTFOLIO_UNPINNED"):
        pytest.skip("packaging/refresh-constraints runs the suite on unpinned versions")
    pins: dict[str, str] = {}
    for line in (REPO / "packaging" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"not an exact pin: {line}"
            pins[_canonical(name)] = pinned
    for requirement in [
        *PYPROJECT["project"]["dependencies"],
        *PYPROJECT["project"]["optional-dependencies"]["test"],
        *PYPROJECT["project"]["optional-dependencies"]["bundle"],
    ]:
        name = _canonical(re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0])
        assert name in pins, f"{name} is not pinned in packaging/constraints.txt"
    installed = {
        _canonical(d.metadata["Name"]): d.version
        for d in distributions()
        if _canonical(d.metadata["Name"]) in pins
    }
    mismatched = {n: (installed[n], pins[n]) for n in installed if installed[n] != pins[n]}
    assert mismatched == {}, "run packaging/run-tests (it reinstalls with the pins)"
    pyside = tuple(int(x) for x in pins["pyside6-essentials"].split(".")[:2])
    assert pyside < (6, 12), "PySide6 6.12 leaks None references (see pyproject.toml)"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
