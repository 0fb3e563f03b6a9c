"""The built wheel carries every resource, and the installed package loads them all.

The repository keeps ``resources/`` at the top level; the wheel must hold it as
``portfolio_app/resources``. The installed copy is imported by the base interpreter with only
the unpacked wheel on its path, so the editable install cannot hide a missing file.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]

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


@pytest.mark.slow
def test_wheel_contains_and_loads_every_resource(tmp_path: Path) -> None:
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
    wheel = next((tmp_path / "dist").glob("reflective_portfolio-*.whl"))
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
