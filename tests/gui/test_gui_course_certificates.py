"""The Course certificates window: create a CA, review and issue requests with a role, the
register, revoke with a reason, the revocation list, the old key-file upgrade; keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from trust_samples import CA_PASSPHRASE, make_request, press_close_keys

from portfolio_app.core.services import identity_service
from portfolio_app.gui.dialogs.ca_dialogs import CreateCaDialog, default_years
from portfolio_app.gui.dialogs.course_certificates_window import CourseCertificatesWindow
from portfolio_app.gui.item_models.issued_certificate_model import IssuedCertificateModel


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ca"
    identity_service.init_course_ca(
        folder, name="IPL 2025 course CA", institution="Uni", passphrase=CA_PASSPHRASE
    )
    return folder


def _window(qtbot: QtBot, ca_dir: Path | None) -> CourseCertificatesWindow:
    window = CourseCertificatesWindow(ca_dir)
    qtbot.addWidget(window)
    window.show()
    return window


def _issue(
    qtbot: QtBot,
    window: CourseCertificatesWindow,
    csr: Path,
    role: str = "student",
    passphrase: str = CA_PASSPHRASE,
) -> object:
    dialog = window.review_request(csr)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_role(role)
    dialog.passphrase_edit.setText(passphrase)
    with qtbot.waitSignal(dialog.issued, timeout=60_000) as blocker:
        dialog.issue_button.click()
    return blocker.args[0]


def test_without_a_ca_the_window_says_so_and_only_offers_open_or_create(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, None)
    assert window.ca_banner.headline_label.text() == "No course CA open"
    assert not window.issue_button.isEnabled()
    assert not window.crl_button.isEnabled()
    assert window.open_button.isEnabled() and window.create_button.isEnabled()
    assert not window.open_ca(tmp_path / "nothing-here")
    assert "There is no course CA in" in window.ca_banner.reason_label.text()


def test_creating_a_ca_checks_the_form_then_makes_it_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = CreateCaDialog(tmp_path / "new-ca")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.problem() == "Give the CA a name (students and assessors see it)."
    dialog.name_edit.setText("IPL 2026 course CA")
    dialog.institution_edit.setText("University of Leicester")
    dialog.role_checks["tutor"].setChecked(False)
    dialog.passphrase_edit.setText("a long CA passphrase for the course")
    dialog.repeat_edit.setText("a different one")
    assert dialog.problem() == "The two passphrases differ."
    assert not dialog.create_button.isEnabled()
    assert dialog.strength_label.text().startswith("Strength:")
    dialog.repeat_edit.setText("a long CA passphrase for the course")
    assert dialog.create_button.isEnabled()
    with qtbot.waitSignal(dialog.created, timeout=60_000) as blocker:
        dialog.create_button.click()
        assert dialog.is_busy  # the key derivation runs in the background
    info = blocker.args[0]
    assert (tmp_path / "new-ca" / "ca-key.pem").is_file()
    assert "tutor" not in info.roles and "student" in info.roles
    assert dialog.passphrase_edit.text() == "" and dialog.repeat_edit.text() == ""
    window = _window(qtbot, tmp_path / "new-ca")
    assert window.ca_banner.headline_label.text() == "Course CA: IPL 2026 course CA"
    assert "May issue: student, second marker, moderator, practice assessor." in (
        window.ca_banner.reason_label.text()
    )
    # The form refuses to overwrite a CA.
    again = CreateCaDialog(tmp_path / "new-ca")
    qtbot.addWidget(again)
    again.name_edit.setText("Other")
    again.institution_edit.setText("Uni")
    again.passphrase_edit.setText("a long CA passphrase for the course")
    again.repeat_edit.setText("a long CA passphrase for the course")
    again.show()
    again.start()
    qtbot.waitUntil(lambda: not again.is_busy, timeout=60_000)
    assert "already a course CA" in again.banner.reason_label.text()


def test_reviewing_a_request_shows_who_asks_and_warns_about_a_second_certificate(
    qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    csr = make_request(tmp_path, "Amira Patel", "S2025017")
    window = _window(qtbot, ca_dir)
    assert window.empty_label.isVisible()
    result = _issue(qtbot, window, csr)
    assert result.path.is_file()  # type: ignore[attr-defined]
    assert window.status_banner.headline_label.text() == "Certificate issued"
    assert "they import it under Identity ▸ Get certified" in (
        window.status_banner.reason_label.text()
    )
    assert window.model.rowCount() == 1
    assert window.selected_certificate() is not None

    dialog = window.review_request(csr)
    assert dialog is not None
    qtbot.addWidget(dialog)
    labels = {k: v.text() for k, v in dialog.request_labels.items()}
    assert labels["Name"] == "Amira Patel"
    assert labels["ID"] == "S2025017"
    assert labels["Programme"] == "BSc Adult Nursing"
    assert dialog.role() == "student"
    assert dialog.years_spin.value() == default_years("student") == 7
    assert "already has a student certificate" in dialog.duplicate_banner.headline_label.text()
    assert "revoke the old one" in dialog.duplicate_text()
    dialog.set_role("tutor")
    assert dialog.years_spin.value() == 3
    assert dialog.duplicate_text() == ""
    assert dialog.output_edit.text().endswith("amira-patel-tutor.pem")


def test_a_wrong_passphrase_is_said_and_nothing_is_issued(
    qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    csr = make_request(tmp_path, "Li Wei", "S2025031")
    window = _window(qtbot, ca_dir)
    dialog = window.review_request(csr)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase_edit.setText("not the passphrase at all")
    dialog.issue_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=60_000)
    assert dialog.banner.headline_label.text() == "Not done"
    assert "passphrase is wrong" in dialog.banner.reason_label.text()
    assert dialog.isVisible()
    assert identity_service.list_issued(ca_dir) == []
    assert not Path(dialog.output_edit.text()).exists()


def test_a_request_that_is_not_one_is_refused_in_words(
    qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.csr"
    junk.write_text("-----BEGIN CERTIFICATE REQUEST-----\nnope\n")
    window = _window(qtbot, ca_dir)
    assert window.review_request(junk) is None
    assert "not a readable certificate request" in window.status_banner.reason_label.text()


def test_revoking_marks_the_register_and_writes_the_crl(
    qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    window = _window(qtbot, ca_dir)
    for name, sid in (("Amira Patel", "S1"), ("Li Wei", "S2"), ("Dr Sam Second", "STAFF-2")):
        _issue(qtbot, window, make_request(tmp_path, name, sid))
    target = identity_service.list_issued(ca_dir)[1]
    assert window.select_serial(target.serial)
    assert window.revoke_button.isEnabled()
    dialog = window.revoke_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    assert target.name in dialog.who_label.text()
    dialog.set_reason("key-compromise")
    assert dialog.since_check.isChecked()  # a lost key: since when matters
    assert not dialog.revoke_button.isEnabled()
    dialog.passphrase_edit.setText(CA_PASSPHRASE)
    with qtbot.waitSignal(dialog.revoked, timeout=60_000):
        dialog.revoke_button.click()
    assert (ca_dir / "course.crl").is_file()
    assert window.status_banner.headline_label.text() == "Certificate revoked"
    statuses = [
        window.proxy.index(r, IssuedCertificateModel.STATUS).data()
        for r in range(window.proxy.rowCount())
    ]
    assert sum(s.startswith("Revoked ") and s.endswith(": key compromised") for s in statuses) == 1
    assert window.count_label.text() == "3 issued, 1 revoked"
    assert window.selected_certificate().serial == target.serial  # type: ignore[union-attr]
    assert not window.revoke_button.isEnabled()  # already revoked
    # The search box filters the register.
    window.search_edit.setText("li wei")
    assert window.proxy.rowCount() == 1
    assert window.count_label.text() == "1 of 3 shown (1 revoked)"


def test_writing_the_revocation_list(qtbot: QtBot, ca_dir: Path, tmp_path: Path) -> None:
    window = _window(qtbot, ca_dir)
    dialog = window.crl_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "for-assessors.crl"
    dialog.output_edit.setText(str(out))
    dialog.passphrase_edit.setText(CA_PASSPHRASE)
    with qtbot.waitSignal(dialog.written, timeout=60_000):
        dialog.write_button.click()
    assert out.is_file()
    assert window.status_banner.headline_label.text() == "Revocation list written"
    assert "listing 0 revoked certificates" in window.status_banner.reason_label.text()


def test_an_old_format_ca_key_is_named_and_its_upgrade_reported(
    qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization as ser

    from portfolio_app.core.signing.course_ca import read_ca_file
    from portfolio_app.core.signing.identity import load_private_key

    key_file = ca_dir / "ca-key.pem"
    ca = read_ca_file(key_file.read_bytes(), CA_PASSPHRASE.encode()).ca
    key = load_private_key(ca.private_key_pem)
    legacy = key.private_bytes(
        ser.Encoding.PEM,
        ser.PrivateFormat.PKCS8,
        ser.BestAvailableEncryption(CA_PASSPHRASE.encode()),
    )
    key_file.write_bytes(legacy + ca.certificate_pem)
    assert identity_service.ca_key_needs_upgrade(ca_dir)
    window = _window(qtbot, ca_dir)
    assert window.upgrade_banner.isVisible()
    assert "2,048 PBKDF2 iterations" in window.upgrade_banner.reason_label.text()
    _issue(qtbot, window, make_request(tmp_path, "Amira Patel", "S1"))
    assert "is now protected with Argon2id" in window.status_banner.reason_label.text()
    assert not window.upgrade_banner.isVisible()
    assert not identity_service.ca_key_needs_upgrade(ca_dir)


def test_the_register_model_passes_the_model_tester(
    qtmodeltester: ModelTester, qtbot: QtBot, ca_dir: Path, tmp_path: Path
) -> None:
    window = _window(qtbot, ca_dir)
    _issue(qtbot, window, make_request(tmp_path, "Amira Patel", "S1"))
    _issue(qtbot, window, make_request(tmp_path, "Dr Sam Second", "STAFF-2"), role="moderator")
    model = IssuedCertificateModel()
    model.set_certificates(identity_service.list_issued(ca_dir))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(window.proxy)  # type: ignore[no-untyped-call]
    roles = [model.index(r, IssuedCertificateModel.ROLE).data() for r in range(2)]
    assert sorted(roles) == ["Moderator", "Student"]


@pytest.mark.parametrize("keys", ["Esc", "Ctrl+W"])
def test_the_window_closes_from_the_keyboard(qtbot: QtBot, ca_dir: Path, keys: str) -> None:
    window = _window(qtbot, ca_dir)
    press_close_keys(qtbot, window, window.search_edit, keys)
    assert not window.isVisible()


def test_every_input_has_an_accessible_name(qtbot: QtBot, ca_dir: Path, tmp_path: Path) -> None:
    from test_accessibility_and_theme import unnamed_inputs

    window = _window(qtbot, ca_dir)
    assert unnamed_inputs(window) == []
    create = CreateCaDialog(tmp_path / "x")
    qtbot.addWidget(create)
    assert unnamed_inputs(create) == []
    dialog = window.review_request(make_request(tmp_path, "Amira Patel", "S1"))
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert unnamed_inputs(dialog) == []
