"""The desktop launcher: a file handed over by a file manager opens in the app; verbs still work."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from portfolio_app.cli.main import gui_entry_point, main


@pytest.fixture
def gui_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []

    def fake_gui(ctx: object) -> int:
        seen.append(ctx.args.file)  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr("portfolio_app.gui.app.main", fake_gui)
    return seen


def test_a_file_as_the_only_argument_opens_the_app_with_it(
    gui_calls: list[object], tmp_path: Path
) -> None:
    backup = tmp_path / "mine.rpbackup"
    backup.write_bytes(b"REFLECTIVE-PORTFOLIO-BACKUP\n1\n")
    assert main([str(backup)]) == 0
    assert main(["gui", str(backup)]) == 0
    assert main([]) == 0
    assert gui_calls == [str(backup), str(backup), None]


def test_a_mistyped_verb_is_still_a_usage_error(
    gui_calls: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["lsit"])
    assert exited.value.code == 2
    assert "invalid choice: 'lsit'" in capsys.readouterr().err
    assert gui_calls == []


def test_a_file_named_like_a_verb_is_the_verb(
    gui_calls: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gui").write_text("not a backup", encoding="utf-8")
    assert main(["gui"]) == 0
    assert gui_calls == [None]


def test_the_gui_launcher_survives_having_no_console(
    gui_calls: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Windows gui-script runs under pythonw: sys.stdout and sys.stderr are None.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "argv", ["reflective-portfolio"])
    with pytest.raises(SystemExit) as exited:
        gui_entry_point()
    assert exited.value.code == 0
    assert isinstance(sys.stdout, io.TextIOBase)
    assert gui_calls == [None]
    sys.stdout.close()
    sys.stderr.close()  # type: ignore[union-attr]
