"""Importing a framework pack from the GUI: a good pack is added, a bad one explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.dialogs.framework_import import import_framework_pack

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

GOOD_PACK = {
    "framework": {
        "name": "Ward Team Skills",
        "standards": [
            {
                "shortname": "WT",
                "name": "Working together",
                "standardelement": [
                    {"shortname": "WT1", "name": "Share the plan"},
                    {"shortname": "WT2", "name": "Ask for help early"},
                ],
            }
        ],
    }
}


def _capture_next_message(messages: list[tuple[str, str, str]]) -> None:
    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, run)
            return
        assert isinstance(widget, QMessageBox)
        messages.append((widget.windowTitle(), widget.text(), widget.informativeText()))
        widget.accept()

    QTimer.singleShot(0, run)


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> None:
    def fake(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent


def test_importing_a_good_pack_adds_the_framework(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "ward-team.matrix"
    pack.write_text(json.dumps(GOOD_PACK), encoding="utf-8")
    _choose(monkeypatch, pack)
    messages: list[tuple[str, str, str]] = []
    _capture_next_message(messages)
    assert import_framework_pack(service, _parent(qtbot)) is True
    [(title, text, _detail)] = messages
    assert title == "Framework pack imported"
    assert "Ward Team Skills" in text
    assert "3 competencies" in text
    assert any(f.name == "Ward Team Skills" for f in service.frameworks())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is not json", "framework pack 'bad.json'"),
        (json.dumps({"framework": {"name": "Empty", "standards": []}}).encode(), "bad.json"),
    ],
)
def test_a_bad_pack_is_explained_with_the_validator_message(
    qtbot: QtBot,
    *,
    service: PortfolioService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    expected: str,
) -> None:
    before = len(service.frameworks())
    pack = tmp_path / "bad.json"
    pack.write_bytes(content)
    _choose(monkeypatch, pack)
    messages: list[tuple[str, str, str]] = []
    _capture_next_message(messages)
    assert import_framework_pack(service, _parent(qtbot)) is False
    [(title, text, detail)] = messages
    assert title == "Framework pack not imported"
    assert "Nothing was changed" in text
    assert expected in detail
    assert len(service.frameworks()) == before


def test_cancelling_the_file_dialog_imports_nothing(
    qtbot: QtBot, service: PortfolioService, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(monkeypatch, None)
    assert import_framework_pack(service, _parent(qtbot)) is False


def test_an_unreadable_file_is_explained(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(monkeypatch, tmp_path / "missing.json")
    messages: list[tuple[str, str, str]] = []
    _capture_next_message(messages)
    assert import_framework_pack(service, _parent(qtbot)) is False
    assert "could not be read" in messages[0][1]


COURSE_CSV = Path(__file__).resolve().parents[1] / "data" / "course" / "example-strand-outcomes.csv"


def test_a_course_outcomes_csv_asks_for_an_id_and_name_then_imports(
    qtbot: QtBot, service: PortfolioService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portfolio_app.gui.dialogs.framework_import import CourseOutcomesDialog

    _choose(monkeypatch, COURSE_CSV)
    messages: list[tuple[str, str, str]] = []

    def fill_in() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, CourseOutcomesDialog):
            QTimer.singleShot(10, fill_in)
            return
        ok = widget.buttons.buttons()[0]
        assert not ok.isEnabled()  # both the id and the name are needed
        widget.id_edit.setText("leicester")
        widget.name_edit.setText("IPE strand learning outcomes")
        widget.accept()
        _capture_next_message(messages)

    QTimer.singleShot(0, fill_in)
    assert import_framework_pack(service, _parent(qtbot)) is True
    [(title, text, _detail)] = messages
    assert title == "Framework pack imported" and "IPE strand learning outcomes" in text
    course = service.get_framework("leicester")
    assert course.label("S1.2") == "S1.2: Work in a mixed team on a shared task"
