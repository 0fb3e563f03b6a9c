"""Windows and macOS, checked from Linux where that means something.

* Every module imports with ``sys.platform`` set to ``win32`` (with the POSIX-only modules
  fcntl, termios, pwd, grp and resource made unavailable, so no module needs one at import
  time, and the file lock takes its msvcrt branch) and to ``darwin``.
* The Windows lock branch runs against a stand-in msvcrt that keeps Windows' rules (one lock
  per byte range; the holder text must stay readable, so the lock sits past it).
* No POSIX-only call appears in the package without a guard (a platform test, ``hasattr`` or
  ``getattr`` with a default), found by reading the source.
"""

from __future__ import annotations

import ast
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from portfolio_app.gui.app import QuitOnSignals

REPO = Path(__file__).parents[2]
PACKAGE = REPO / "portfolio_app"

#: A stand-in for Windows' msvcrt: byte-range locks that conflict like LockFile's, per file.
FAKE_MSVCRT = """
import os, types
msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_UNLCK, msvcrt.LK_LOCK, msvcrt.LK_NBLCK, msvcrt.LK_RLCK, msvcrt.LK_NBRLCK = 0, 1, 2, 3, 4
msvcrt.calls = []
_held = {}
def locking(fd, mode, nbytes):
    st = os.fstat(fd)
    where = os.lseek(fd, 0, os.SEEK_CUR)
    key = (st.st_dev, st.st_ino, where)
    msvcrt.calls.append((mode, where, nbytes))
    if mode == msvcrt.LK_UNLCK:
        if _held.pop(key, None) != fd:
            raise PermissionError(13, "unlocking a range this handle did not lock")
        return
    if key in _held:
        raise PermissionError(13, "Permission denied")  # what msvcrt raises for LK_NBLCK
    _held[key] = fd
msvcrt.locking = locking
msvcrt.getch = lambda: b"\\r"
sys.modules["msvcrt"] = msvcrt
"""

IMPORT_EVERYTHING = """
import importlib, sys
sys.path.insert(0, {packaging!r})
import bundle_contents
modules = [m for m in bundle_contents.app_modules() if m != "portfolio_app.__main__"]
# third-party libraries load on the real platform first (their own branches need real modules)
for name in modules:
    importlib.import_module(name)
for name in [m for m in sys.modules if m == "portfolio_app" or m.startswith("portfolio_app.")]:
    del sys.modules[name]
sys.platform = {platform!r}
{fake_msvcrt}
if sys.platform == "win32":  # macOS has them all
    for posix_only in ("fcntl", "termios", "pwd", "grp", "resource"):
        sys.modules[posix_only] = None  # importing it now raises ImportError
for name in modules:
    importlib.import_module(name)
from portfolio_app.core.storage import lock_file
print(len(modules), "msvcrt" in lock_file._lock.__code__.co_names)
"""


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_every_module_imports_on_windows_and_macos(platform: str) -> None:
    code = IMPORT_EVERYTHING.format(
        packaging=str(REPO / "packaging"),
        platform=platform,
        fake_msvcrt=FAKE_MSVCRT if platform == "win32" else "",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    count, uses_msvcrt = result.stdout.split()
    assert int(count) > 100
    assert uses_msvcrt == ("True" if platform == "win32" else "False")


def test_the_windows_lock_keeps_the_holder_readable_and_excludes_a_second_opener(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\nsys.platform = 'win32'\n"
        + FAKE_MSVCRT
        + textwrap.dedent(
            f"""
            from pathlib import Path
            from portfolio_app.core.domain.errors import PortfolioInUseError
            from portfolio_app.core.storage.lock_file import PortfolioLock, WINDOWS_LOCK_OFFSET
            folder = Path({str(tmp_path)!r})
            first, second = PortfolioLock(folder), PortfolioLock(folder)
            first.acquire()
            text = first.path.read_text(encoding="utf-8")
            assert text.startswith("pid "), text
            # the locked byte lies past the holder text, so a second opener can read who it is
            assert all(where == WINDOWS_LOCK_OFFSET for _m, where, _n in msvcrt.calls)
            assert WINDOWS_LOCK_OFFSET > len(text.encode()) + 1_000_000
            try:
                second.acquire()
            except PortfolioInUseError as error:
                assert text in error.user_message, error.user_message
            else:
                raise AssertionError("a second opener got the lock")
            assert not second.held
            first.release()
            assert first.path.read_text(encoding="utf-8") == ""
            second.acquire()
            second.release()
            modes = [mode for mode, _w, _n in msvcrt.calls]
            assert modes == [2, 2, 0, 2, 0], modes
            print("ok")
            """
        )
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_quit_signals_follow_the_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows: no SIGHUP, but Ctrl+Break arrives as SIGBREAK.
    monkeypatch.delattr(signal, "SIGHUP", raising=False)
    monkeypatch.setattr(signal, "SIGBREAK", 21, raising=False)
    assert QuitOnSignals.signals() == [int(signal.SIGINT), int(signal.SIGTERM), 21]


#: Calls and modules that exist on POSIX only (Python's docs: "Availability: Unix").
POSIX_ONLY_ATTRIBUTES = {
    "os": {
        "getuid", "geteuid", "getgid", "getegid", "fchmod", "fchown", "chown", "lchown", "fork",
        "killpg", "setsid", "getpgid", "mkfifo", "statvfs", "fstatvfs", "O_NOFOLLOW",
        "O_DIRECTORY", "O_CLOEXEC", "sync", "nice", "getloadavg", "sched_getaffinity",
    },
    "signal": {"SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD",
               "SIGPIPE", "alarm", "pause", "setitimer", "siginterrupt"},
}  # fmt: skip
POSIX_ONLY_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "posix", "tty", "pty"}


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the node sits under an `if`/`else` that tests the platform or the attribute."""
    current = node
    while current in parents:
        current = parents[current]
        if isinstance(current, ast.If):
            test = ast.unparse(current.test)
            if any(word in test for word in ("sys.platform", "os.name", "hasattr", "getattr")):
                return True
    return False


def test_no_posix_only_call_without_an_alternative() -> None:
    offenders: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                attrs = POSIX_ONLY_ATTRIBUTES.get(node.value.id, set())
                if node.attr in attrs and not _guarded(node, parents):
                    offenders.append(f"{where}:{node.lineno} {node.value.id}.{node.attr}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    if name.split(".")[0] in POSIX_ONLY_MODULES and not _guarded(node, parents):
                        offenders.append(f"{where}:{node.lineno} import {name}")
    assert offenders == []


UNIX_PATHS = ("/tmp", "/home/", "/usr/", "/var/", "~/")


def test_no_hard_coded_unix_paths() -> None:
    """Folders come from platformdirs and tempfile, never from a literal Unix path."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = node.value if isinstance(node, ast.Constant) else None
            if isinstance(literal, str) and literal.startswith(UNIX_PATHS):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {literal!r}")
    assert offenders == []
