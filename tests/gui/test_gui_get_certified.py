"""Get certified (request, import, who exports are signed as), signing settings, and the menu
entries that open the trust windows from the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from trust_samples import CA_PASSPHRASE, press_close_keys

from portfolio_app.core.services import identity_service
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.get_certified_dialog import GetCertifiedDialog, request_file_name
from portfolio_app.gui.dialogs.signing_settings_dialog import (
    SigningSettingsDialog,
    settings_summary,
)


def _dialog(qtbot: QtBot, service: PortfolioService) -> GetCertifiedDialog:
    dialog = GetCertifiedDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_from_no_identity_to_a_course_certificate(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, service)
    assert dialog.identity_banner.headline_label.text() == "You have no signing identity yet"
    assert dialog.identity_text() == {}

    csr = tmp_path / request_file_name(service.profile.name)
    assert csr.name == "zoë-ñúñez-certificate-request.csr"
    with qtbot.waitSignal(dialog.identity_changed):
        assert dialog.save_request(csr)
    assert csr.read_bytes().startswith(b"-----BEGIN CERTIFICATE REQUEST-----")
    assert b"PRIVATE KEY" not in csr.read_bytes()
    assert "Send this file to your course" in dialog.request_status.text()
    assert dialog.identity_banner.headline_label.text().startswith(
        "Your certificate is self-signed"
    )
    shown = dialog.identity_text()
    assert shown["Name"] == "Zoë Ñúñez"
    assert shown["ID"] == "STU-2025-0042"
    assert shown["Issued by"] == "Yourself (self-signed)"
    self_signed = shown["Fingerprint (SHA-256)"]

    # The tutor issues it (as the Course certificates window would) and it comes back.
    ca_dir = tmp_path / "ca"
    identity_service.init_course_ca(
        ca_dir, name="IPL 2025 course CA", institution="Uni", passphrase=CA_PASSPHRASE
    )
    bundle, _info = identity_service.issue_student_certificate(
        ca_dir, CA_PASSPHRASE, csr.read_bytes(), role="student"
    )
    back = tmp_path / "student.pem"
    back.write_bytes(bundle)
    with qtbot.waitSignal(dialog.identity_changed):
        assert dialog.import_certificate(back)
    assert dialog.identity_banner.headline_label.text() == (
        "Your certificate was issued by your course"
    )
    assert "Imported. You now sign as Zoë Ñúñez with a student certificate" in (
        dialog.import_status.text()
    )
    shown = dialog.identity_text()
    assert shown["Role"] == "Student"
    assert shown["Issued by"] == "IPL 2025 course CA"
    assert shown["Fingerprint (SHA-256)"] != self_signed  # a new certificate, the same key


def test_importing_something_else_is_refused_and_changes_nothing(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, service)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    assert not dialog.import_certificate(junk)
    assert dialog.import_status.text().startswith("Not imported:")
    assert identity_service.load_identity(service) is None
    # A certificate for someone else's key does not fit this portfolio.
    dialog.save_request(tmp_path / "me.csr")
    other = tmp_path / "other.pem"
    from portfolio_app.core.signing.identity import create_identity

    other.write_bytes(create_identity("Someone Else", "S9").certificate_pem)
    before = identity_service.load_identity(service)
    assert not dialog.import_certificate(other)
    assert "Not imported:" in dialog.import_status.text()
    assert identity_service.load_identity(service) == before


def test_signing_settings_are_saved_in_the_portfolio(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = SigningSettingsDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen_roles() == ["tutor"]
    dialog.role_checks["tutor"].setChecked(False)
    assert "Tick at least one staff box" in dialog.error_label.text()
    dialog.role_checks["second-marker"].setChecked(True)
    dialog.role_checks["moderator"].setChecked(True)
    dialog.tsa_edit.setText("ftp://nope")
    assert "http://" in dialog.error_label.text()
    dialog.tsa_edit.setText("https://tsa.example.ac.uk/tsr")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    settings = identity_service.signing_settings(service)
    assert settings.staff_roles == ("second-marker", "moderator")
    assert settings.tsa_url == "https://tsa.example.ac.uk/tsr"
    assert settings_summary(settings) == (
        "Staff boxes: second marker, moderator; timestamps from https://tsa.example.ac.uk/tsr."
    )
    again = SigningSettingsDialog(service)
    qtbot.addWidget(again)
    again.tsa_edit.clear()
    again.accept()
    assert identity_service.signing_settings(service).tsa_url is None


def test_the_export_dialog_says_which_boxes_it_prepares(
    qtbot: QtBot, service: PortfolioService
) -> None:
    from portfolio_app.gui.dialogs.export_dialog import ExportDialog

    identity_service.set_signing_settings(service, staff_roles=["tutor", "practice-assessor"])
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.signing_label.text() == ("Staff boxes: tutor, practice assessor; no timestamp.")


@pytest.mark.parametrize("keys", ["Esc", "Ctrl+W"])
def test_the_dialogs_close_from_the_keyboard(
    qtbot: QtBot, service: PortfolioService, keys: str
) -> None:
    dialog = _dialog(qtbot, service)
    press_close_keys(qtbot, dialog, dialog.request_button, keys)
    assert not dialog.isVisible()
    settings = SigningSettingsDialog(service)
    qtbot.addWidget(settings)
    settings.show()
    press_close_keys(qtbot, settings, settings.tsa_edit, keys)
    assert not settings.isVisible()


def test_every_input_has_an_accessible_name(qtbot: QtBot, service: PortfolioService) -> None:
    from test_accessibility_and_theme import unnamed_inputs

    assert unnamed_inputs(_dialog(qtbot, service)) == []
    settings = SigningSettingsDialog(service)
    qtbot.addWidget(settings)
    assert unnamed_inputs(settings) == []


def test_the_menus_open_the_trust_windows(
    open_app: AppController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_app.window
    assert window is not None
    menus = {title.replace("&", ""): items for title, items in window.app_actions.menus()}
    identity = [a.objectName() for a in menus["Identity"] if a is not None]
    assert identity == ["action_get_certified", "action_signing_settings"]
    tools = [a.objectName() for a in menus["Tools"] if a is not None]
    assert "action_course_certificates" in tools
    opened: list[str] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    window.app_actions.get("get_certified").trigger()
    window.app_actions.get("signing_settings").trigger()
    window.app_actions.get("course_certificates").trigger()
    assert opened == ["GetCertifiedDialog", "SigningSettingsDialog"]
    course = [
        w for w in QApplication.topLevelWidgets() if type(w).__name__ == "CourseCertificatesWindow"
    ]
    assert course and course[0].isVisible()
    course[0].close()


def test_every_menu_path_the_readme_names_exists(open_app: AppController) -> None:
    import re

    def plain_text(text: str) -> str:
        return text.replace("&&", "\0").replace("&", "").replace("\0", "&")

    window = open_app.window
    assert window is not None
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    named = re.findall(r"\*\*([A-Za-z]+) ▸ ([^*]+)\*\*", readme)
    assert len(named) >= 5
    menus = {
        plain_text(title): [plain_text(a.text()).rstrip("…") for a in items if a is not None]
        for title, items in window.app_actions.menus()
    }
    for menu, item in named:
        assert any(text.startswith(item) for text in menus[menu]), (menu, item, menus[menu])
