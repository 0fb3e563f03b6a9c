"""Desktop integration: the files validate, name the same identity, and install and uninstall.

Validators are the freedesktop tools themselves (desktop-file-validate, appstreamcli,
update-mime-database, gio); packaging/bootstrap.sh installs them. Where one is missing the test
is skipped with the package to install, except in CI, where a missing tool fails.
"""

from __future__ import annotations

import configparser
import importlib.machinery
import importlib.util
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portfolio_app import APP_ID, LAUNCHER_NAME
from portfolio_app.core.services.backup_service import BACKUP_SUFFIX, create_backup
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.vault.backup_file import MAGIC

REPO = Path(__file__).parents[2]
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / f"{APP_ID}.mime.xml"
SVG = REPO / "resources" / "icons" / "app" / f"{APP_ID}.svg"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def need_tool(name: str, package: str) -> str:
    """The tool's path; skip without it (fail in CI, where bootstrap.sh installs it)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


# ---- validators -----


def test_desktop_entry_validates_clean() -> None:
    tool = need_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""  # not even a hint


def test_appstream_metadata_validates_clean() -> None:
    tool = need_tool("appstreamcli", "appstream")
    result = subprocess.run(
        [tool, "validate", "--no-net", "--explain", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    issues = [line for line in result.stdout.splitlines() if re.match(r"^[EWI]: ", line)]
    assert issues == [], result.stdout
    assert "Validation was successful" in result.stdout


def test_mime_type_file_is_accepted_by_update_mime_database(tmp_path: Path) -> None:
    tool = need_tool("update-mime-database", "shared-mime-info")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copyfile(MIME, packages / f"{APP_ID}.xml")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}  # (else it notes the folder is unused)
    result = subprocess.run([tool, str(tmp_path / "mime")], env=env, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert f"application/x-reflective-portfolio-backup:*{BACKUP_SUFFIX}" in globs


# ---- one identity everywhere -----


def test_the_desktop_identity_is_the_same_everywhere() -> None:
    entry = desktop_entry()
    assert entry["Icon"] == APP_ID
    assert entry["StartupWMClass"] == APP_ID  # = the window's WM_CLASS class and app id
    assert entry["Exec"].split()[0] == LAUNCHER_NAME
    assert entry["TryExec"] == LAUNCHER_NAME
    assert PYPROJECT["project"]["gui-scripts"][LAUNCHER_NAME] == (
        "portfolio_app.cli.main:gui_entry_point"
    )
    assert PYPROJECT["project"]["scripts"]["portfolio"] == "portfolio_app.cli.main:entry_point"
    root = metainfo()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == LAUNCHER_NAME
    spec = (REPO / "packaging" / "reflective-portfolio.spec").read_text(encoding="utf-8")
    assert f'APP_ID = "{APP_ID}"' in spec and f'NAME = "{LAUNCHER_NAME}"' in spec
    for script in ("install-desktop", "build-deb"):
        text = (REPO / "packaging" / script).read_text(encoding="utf-8")
        assert APP_ID in text, script


def test_exec_accepts_the_file_a_file_manager_passes() -> None:
    entry = desktop_entry()
    assert entry["Exec"].endswith(" %f")
    assert entry["MimeType"] == "application/x-reflective-portfolio-backup;"


def test_backup_mime_type_matches_the_backup_files() -> None:
    mime_type = ET.parse(MIME).getroot().find(f"{MIME_NS}mime-type")
    assert mime_type is not None
    name = mime_type.get("type")
    assert name == "application/x-reflective-portfolio-backup"
    assert desktop_entry()["MimeType"] == f"{name};"
    assert metainfo().findtext("provides/mediatype") == name
    glob = mime_type.find(f"{MIME_NS}glob")
    assert glob is not None and glob.get("pattern") == f"*{BACKUP_SUFFIX}"
    match = mime_type.find(f"{MIME_NS}magic/{MIME_NS}match")
    assert match is not None and match.get("offset") == "0"
    value = (match.get("value") or "").encode().decode("unicode_escape").encode()
    assert MAGIC.startswith(value) and value.endswith(b"\n") and len(value) > 20


def test_project_homepage_is_the_same_in_both_places() -> None:
    homepage = PYPROJECT["project"]["urls"]["Homepage"]
    assert metainfo().findtext("url[@type='homepage']") == homepage


# ---- icons and screenshots -----


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_icon_pngs_are_the_svg_rendered_at_each_size(qapp: object) -> None:
    loader = importlib.machinery.SourceFileLoader(
        "render_icons", str(REPO / "packaging" / "render-icons")
    )
    spec = importlib.util.spec_from_loader("render_icons", loader)
    assert spec is not None
    render_icons = importlib.util.module_from_spec(spec)
    loader.exec_module(render_icons)
    from PySide6.QtGui import QImage

    pngs = sorted((LINUX / "icons").glob(f"*/{APP_ID}.png"))
    assert {p.parent.name for p in pngs} == {f"{n}x{n}" for n in render_icons.SIZES}
    for png in pngs:
        size = int(png.parent.name.split("x")[0])
        assert _png_size(png) == (size, size)
        committed = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
        fresh = render_icons.render(size).convertToFormat(QImage.Format.Format_ARGB32)
        worst = max(
            abs(a - b)
            for a, b in zip(
                committed.constBits().tobytes(), fresh.constBits().tobytes(), strict=True
            )
        )
        assert worst <= 2, f"{png} is stale: run packaging/render-icons"


def test_screenshots_named_in_the_metainfo_are_shipped_with_their_sizes() -> None:
    shots = metainfo().findall("screenshots/screenshot")
    assert len(shots) >= 2
    assert [s.get("type") for s in shots].count("default") == 1
    for shot in shots:
        caption = shot.findtext("caption") or ""
        assert 10 <= len(caption) <= 80, caption
        image = shot.find("image")
        assert image is not None and image.text
        local = LINUX / "screenshots" / Path(image.text).name
        assert local.is_file(), local
        assert _png_size(local) == (int(image.get("width", 0)), int(image.get("height", 0)))


def test_releases_follow_the_changelog_and_the_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    listed = [(r.get("version"), r.get("date")) for r in metainfo().findall("releases/release")]
    assert released and listed == released
    for release in metainfo().findall("releases/release"):
        assert release.find("description") is not None
    assert released[0][0] == PYPROJECT["project"]["version"]


# ---- the window really carries that identity (X11, under Xvfb) -----


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11")
def test_the_window_class_under_x11_matches_the_menu_entry(tmp_path: Path) -> None:
    xvfb = need_tool("Xvfb", "xvfb")
    xprop = need_tool("xprop", "x11-utils")
    xwininfo = need_tool("xwininfo", "x11-utils")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    app = None
    try:
        display = ":" + os.read(read_fd, 16).decode().strip()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTFOLIO_")}
        env.pop("QT_QPA_PLATFORM", None)
        env.update(
            DISPLAY=display,
            PORTFOLIO_GUI_BENCH="marks",
            TMPDIR=str(tmp_path),
            PORTFOLIO_CONFIG_DIR=str(tmp_path / "config"),
        )
        app = subprocess.Popen(
            [sys.executable, "-m", "portfolio_app", "gui", "--demo"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert app.stdout is not None
        assert "list_populated" in app.stdout.readline()
        tree = subprocess.run(
            [xwininfo, "-root", "-tree"],
            env={**env, "DISPLAY": display},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        ids = re.findall(r"^\s+(0x[0-9a-f]+) \"[^\"]*— Reflective Portfolio\"", tree, re.M)
        assert ids, tree
        props = subprocess.run(
            [xprop, "-id", ids[0], "WM_CLASS", "_GTK_APPLICATION_ID", "_KDE_NET_WM_DESKTOP_FILE"],
            env={**env, "DISPLAY": display},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f'WM_CLASS(STRING) = "{LAUNCHER_NAME}", "{APP_ID}"' in props
        assert f'_GTK_APPLICATION_ID(UTF8_STRING) = "{APP_ID}"' in props
        assert f'_KDE_NET_WM_DESKTOP_FILE(UTF8_STRING) = "{APP_ID}"' in props
        assert desktop_entry()["StartupWMClass"] == APP_ID
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=60)
        assert app.returncode == 0
    finally:
        if app is not None and app.poll() is None:
            app.kill()
            app.wait()
        os.close(read_fd)
        server.terminate()
        server.wait(timeout=30)


# ---- packaging/install-desktop -----


def _content_type(path: Path, data_home: Path) -> str:
    gio = need_tool("gio", "libglib2.0-bin")
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "XDG_DATA_DIRS": "/usr/share"}
    out = subprocess.run(
        [gio, "info", "-a", "standard::content-type", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.rsplit(":", 1)[-1].strip()


def test_install_desktop_installs_for_the_user_and_uninstalls(
    tmp_path: Path, service: PortfolioService
) -> None:
    need_tool("update-mime-database", "shared-mime-info")
    data_home = tmp_path / "data home"
    launcher = tmp_path / "my apps" / LAUNCHER_NAME  # a path with a space
    launcher.parent.mkdir()
    launcher.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    launcher.chmod(0o755)
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path)}
    script = REPO / "packaging" / "install-desktop"
    done = subprocess.run(
        [str(script), "--command", str(launcher)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    installed = data_home / "applications" / DESKTOP.name
    entry = desktop_entry(installed)
    assert entry["Exec"] == f'"{launcher}" %f'
    assert entry["TryExec"] == str(launcher)
    expected = [
        installed,
        data_home / "metainfo" / METAINFO.name,
        data_home / "mime" / "packages" / f"{APP_ID}.xml",
        data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        data_home / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png",
        data_home / "icons" / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png",
    ]
    assert [p for p in expected if not p.is_file()] == []
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(
            ["desktop-file-validate", str(installed)], capture_output=True, text=True
        )
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout

    # a real backup is recognised by name, and by content when renamed
    backup = create_backup(service, tmp_path / "mine")
    renamed = tmp_path / "renamed.bin"
    shutil.copyfile(backup, renamed)
    if shutil.which("gio"):
        assert _content_type(backup, data_home) == "application/x-reflective-portfolio-backup"
        assert _content_type(renamed, data_home) == "application/x-reflective-portfolio-backup"

    undone = subprocess.run([str(script), "--uninstall"], env=env, capture_output=True, text=True)
    assert undone.returncode == 0, undone.stderr
    assert [p for p in expected if p.exists()] == []
    leftovers = [
        p for p in data_home.rglob("*") if APP_ID in p.name or "reflective" in p.name.lower()
    ]
    assert leftovers == []
    if shutil.which("gio"):
        assert _content_type(renamed, data_home) != "application/x-reflective-portfolio-backup"


def test_install_desktop_without_anything_to_start_says_what_to_do(tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    (copy / "packaging").mkdir(parents=True)
    shutil.copy2(REPO / "packaging" / "install-desktop", copy / "packaging" / "install-desktop")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(copy / "packaging" / "install-desktop")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "packaging/build-bundle" in result.stderr
    assert not (tmp_path / "data").exists()
