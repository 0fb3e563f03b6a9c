"""The .deb installs with dpkg, runs as installed (commands, demo, GUI), and removes cleanly.

It needs the package built (packaging/build-bundle, then packaging/build-deb; .ci/run does
both first and sets PORTFOLIO_REQUIRE_BUNDLE=1 so that a missing package fails instead of
skipping) and root, because dpkg installs system-wide. A machine that already has the package
installed (someone's real installation) is left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from portfolio_app import APP_ID

REPO = Path(__file__).parents[2]
PACKAGE = "reflective-portfolio"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Debian packages")


def _built_deb() -> Path:
    found = sorted((REPO / "build" / "dist").glob(f"{PACKAGE}_{VERSION}_*.deb"))
    if not found:
        message = "no .deb built: run packaging/build-bundle then packaging/build-deb"
        if os.environ.get("PORTFOLIO_REQUIRE_BUNDLE"):
            pytest.fail(message)
        pytest.skip(message)
    return found[-1]


def _installed() -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True
    )
    return "install ok installed" in result.stdout


def _dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    """dpkg, waiting (up to 2 minutes) while another package tool holds its lock."""
    deadline = time.monotonic() + 120
    while True:
        result = subprocess.run(["dpkg", *args], capture_output=True, text=True)
        locked = "lock" in result.stderr.lower() and result.returncode != 0
        if not locked or time.monotonic() > deadline:
            return result
        time.sleep(2)


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result.stdout


def test_the_deb_installs_runs_and_removes(tmp_path: Path) -> None:
    deb = _built_deb()
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (dpkg -i); CI runs as root")
    if _installed():
        pytest.skip(f"{PACKAGE} is already installed on this machine; not touching it")
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Package: {PACKAGE}\nVersion: {VERSION}\n" in fields
    assert "libc6 (>= 2." in fields and "libegl1" in fields

    installed = _dpkg("-i", str(deb))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    try:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "TMPDIR": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
            "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
            "QT_QPA_PLATFORM": "offscreen",
            "LANG": "C.UTF-8",
        }
        assert Path("/usr/bin/reflective-portfolio").resolve() == Path(f"/opt/{PACKAGE}/{PACKAGE}")
        assert _run(["reflective-portfolio", "--version"], env).strip() == f"portfolio {VERSION}"
        assert "coverage" in _run(["portfolio", "--help"], env)
        demo = tmp_path / "demo"
        _run(["portfolio", "--data-dir", str(demo), "demo"], env)
        passphrase = tmp_path / "passphrase"
        passphrase.write_text("demo passphrase\n", encoding="utf-8")
        listed = _run(
            ["portfolio", "--data-dir", str(demo), "--passphrase-file", str(passphrase), "list"],
            env,
        )
        assert "reflection" in listed
        # the app itself: unlock, list, close (offscreen), exit 0
        shown = _run(
            [
                "reflective-portfolio",
                "--data-dir",
                str(demo),
                "--passphrase-file",
                str(passphrase),
                "gui",
            ],
            {**env, "PORTFOLIO_GUI_BENCH": "unlock"},
        )
        assert "BENCH list_populated" in shown
        desktop = Path(f"/usr/share/applications/{APP_ID}.desktop")
        assert desktop.is_file()
        if shutil.which("desktop-file-validate"):
            checked = subprocess.run(
                ["desktop-file-validate", str(desktop)], capture_output=True, text=True
            )
            assert checked.returncode == 0 and checked.stdout == "", checked.stdout
        assert Path(f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
        assert Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml").is_file()
        assert (
            Path(f"/usr/share/doc/{PACKAGE}/copyright")
            .read_text(encoding="utf-8")
            .count("License: ")
            >= 2
        )
        globs = Path("/usr/share/mime/globs2")
        if globs.exists():  # shared-mime-info's trigger ran
            assert "*.rpbackup" in globs.read_text(encoding="utf-8")
    finally:
        removed = _dpkg("-r", PACKAGE)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not _installed()
    assert not Path(f"/opt/{PACKAGE}").exists()
    assert not Path("/usr/bin/reflective-portfolio").exists()
    assert not Path("/usr/bin/portfolio").exists()
    assert not Path(f"/usr/share/applications/{APP_ID}.desktop").exists()
    globs = Path("/usr/share/mime/globs2")
    if globs.exists():
        assert "*.rpbackup" not in globs.read_text(encoding="utf-8")
