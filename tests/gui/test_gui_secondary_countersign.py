"""The countersign dialog: the plan's check first, the box (role) to sign, the warnings to
confirm, an optional CRL and TSA, and a new copy that verifies with the decision in its box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from trust_samples import (
    CA_PASSPHRASE,
    CHEAP_KDF,
    PASSPHRASE,
    Course,
    build_course,
    press_close_keys,
)

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.export_service import TrustInputs, verify_file
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog, countersigned_name


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    built = build_course(tmp_path_factory.mktemp("countersign") / "course")
    yield built
    built.close()


@pytest.fixture(scope="module")
def stranger_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portfolio whose student certificate comes from another course's CA."""
    folder = tmp_path_factory.mktemp("stranger")
    other = folder / "other-ca"
    identity_service.init_course_ca(
        other, name="Another course CA", institution="Elsewhere", passphrase=CA_PASSPHRASE
    )
    service, _key = PortfolioService.create(
        folder / "p",
        PASSPHRASE,
        Profile(name="Jordan Blake", student_id="X-991", programme="BSc Physiotherapy"),
        kdf_params=CHEAP_KDF,
    )
    try:
        csr = folder / "j.csr"
        identity_service.make_certificate_request(service, csr)
        bundle, _info = identity_service.issue_student_certificate(
            other, CA_PASSPHRASE, csr.read_bytes(), role="student"
        )
        identity_service.import_certificate_chain(service, bundle)
        pdf = folder / "jordan.pdf"
        export_service.export_portfolio(service, pdf, acknowledge_findings=True)
        return pdf
    finally:
        service.close()


def _dialog(qtbot: QtBot, service: PortfolioService) -> CountersignDialog:
    dialog = CountersignDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _checked(qtbot: QtBot, dialog: CountersignDialog, path: Path) -> object:
    with qtbot.waitSignal(dialog.checked, timeout=60_000) as blocker:
        dialog.set_input(path)
    return blocker.args[0]


def test_countersigning_fills_the_tutor_box_and_the_copy_verifies(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, course.tutor)
    assert "Tutor certificate, issued by IPL 2025 course CA" in dialog.signer_label.text()
    _checked(qtbot, dialog, course.student_only)
    assert dialog.check_banner.headline_label.text() == "Ready to countersign"
    reason = dialog.check_banner.reason_label.text()
    assert "signed by Zoë Ñúñez (id STU-2025-0042)" in reason
    assert "Still open: tutor, second marker." in reason
    assert not dialog.warnings_box.isVisible()
    # The role picker offers the open boxes the tutor's certificate may fill: only its own.
    assert [dialog.role_combo.itemData(i) for i in range(dialog.role_combo.count())] == ["tutor"]
    assert dialog.role() == "tutor"
    assert "Open boxes your certificate may sign: tutor." in dialog.role_note.text()
    assert dialog.output_edit.text() == str(countersigned_name(course.student_only))
    out = tmp_path / "countersigned.pdf"
    dialog.output_edit.setText(str(out))
    assert not dialog.countersign_button.isEnabled()  # no decision yet
    dialog.decision_radios["partially-meets"].setChecked(True)
    dialog.feedback_edit.setPlainText("Strong SBAR reflection.\nLink the next plan.")
    assert dialog.countersign_button.isEnabled()
    with qtbot.waitSignal(dialog.countersigned, timeout=60_000) as blocker:
        dialog.countersign_button.click()
    assert blocker.args == [str(out)]
    assert dialog.status_banner.headline_label.text() == "Countersigned"
    report = verify_file(out, trust=TrustInputs.from_paths(trust=[course.ca_dir / "ca-cert.pem"]))
    assert report.verdict.value == "valid-trusted", report.describe()
    tutor = report.signatures[-1]
    assert tutor.box_role == "tutor"
    assert tutor.decision == "partially-meets"
    assert tutor.comment == "Strong SBAR reflection.\nLink the next plan."


def test_a_student_from_another_course_ca_must_be_confirmed_first(
    qtbot: QtBot, course: Course, stranger_pdf: Path, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, course.tutor)
    _checked(qtbot, dialog, stranger_pdf)
    assert dialog.check_banner.headline_label.text() == "Check the warnings before you sign"
    assert dialog.warnings_box.isVisible()
    [warning] = dialog.warning_texts()
    assert "was not issued by your course CA" in warning
    assert "Jordan Blake" in warning
    dialog.output_edit.setText(str(tmp_path / "out.pdf"))
    dialog.decision_radios["meets"].setChecked(True)
    assert not dialog.countersign_button.isEnabled()
    dialog.confirm_check.setChecked(True)
    assert dialog.countersign_button.isEnabled()
    # Choosing another file clears the confirmation: it was for that file only.
    _checked(qtbot, dialog, stranger_pdf)
    assert not dialog.confirm_check.isChecked()
    assert not dialog.countersign_button.isEnabled()


def test_a_tampered_or_unsigned_file_is_refused_before_anything_is_written(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, course.tutor)
    _checked(qtbot, dialog, course.tampered)
    assert dialog.check_banner.headline_label.text() == "This file cannot be countersigned"
    assert "fails its checks" in dialog.check_banner.reason_label.text()
    dialog.decision_radios["meets"].setChecked(True)
    assert not dialog.countersign_button.isEnabled()
    assert dialog.role_combo.count() == 0
    _checked(qtbot, dialog, tmp_path / "missing.pdf")
    assert "cannot read" in dialog.check_banner.reason_label.text()
    assert not dialog.countersign_button.isEnabled()
    assert not countersigned_name(course.tampered).exists()


def test_a_self_signed_tutor_is_told_to_get_a_staff_certificate(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    service, _key = PortfolioService.create(
        tmp_path / "self",
        PASSPHRASE,
        Profile(name="Dr Pat Self", student_id="STAFF-9"),
        kdf_params=CHEAP_KDF,
    )
    dialog = _dialog(qtbot, service)
    assert "Get certified" in dialog.signer_label.text()
    _checked(qtbot, dialog, course.student_only)
    assert dialog.check_banner.headline_label.text() == "This file cannot be countersigned"
    assert "not a staff role" in dialog.check_banner.reason_label.text()
    assert "self-signed" in dialog.signer_label.text()
    dialog.close()
    service.close()


def test_a_box_already_signed_is_not_offered_again(qtbot: QtBot, course: Course) -> None:
    dialog = _dialog(qtbot, course.tutor)
    error = _checked(qtbot, dialog, course.countersigned)
    assert isinstance(error, Exception)
    assert "already" in dialog.check_banner.reason_label.text()


def test_crl_is_checked_and_embedded_and_tsa_address_is_validated(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    crl = tmp_path / "course.crl"
    identity_service.write_crl(course.ca_dir, CA_PASSPHRASE, crl)
    dialog = _dialog(qtbot, course.tutor)
    _checked(qtbot, dialog, course.student_only)
    with qtbot.waitSignal(dialog.checked, timeout=60_000):
        dialog.set_crl(crl)
    assert dialog.check_banner.headline_label.text() == "Ready to countersign"
    out = tmp_path / "with-crl.pdf"
    dialog.output_edit.setText(str(out))
    dialog.decision_radios["meets"].setChecked(True)
    dialog.tsa_edit.setText("ftp://time.example")
    assert not dialog.countersign_button.isEnabled()
    assert "http://" in dialog.status_banner.reason_label.text()
    dialog.tsa_edit.clear()
    assert dialog.countersign_button.isEnabled()
    with qtbot.waitSignal(dialog.countersigned, timeout=60_000):
        dialog.countersign_button.click()
    report = verify_file(
        out, trust=TrustInputs.from_paths(trust=[course.ca_dir / "ca-cert.pem"], crls=[crl])
    )
    assert report.verdict.value == "valid-trusted", report.describe()
    assert any("Validation data" in w for w in report.warnings)
    # A CRL no trusted CA signed is refused with a message.
    bogus = tmp_path / "bogus.crl"
    bogus.write_bytes(b"not a crl")
    with qtbot.waitSignal(dialog.checked, timeout=60_000):
        dialog.set_crl(bogus)
    assert dialog.check_banner.headline_label.text() == "This file cannot be countersigned"


def test_the_copy_may_not_overwrite_the_students_file(qtbot: QtBot, course: Course) -> None:
    dialog = _dialog(qtbot, course.tutor)
    _checked(qtbot, dialog, course.student_only)
    dialog.decision_radios["does-not-meet"].setChecked(True)
    assert dialog.countersign_button.isEnabled()
    dialog.output_edit.setText(str(course.student_only))
    assert not dialog.countersign_button.isEnabled()
    assert "new file" in dialog.status_banner.reason_label.text()


def test_feedback_counter_and_decision_names(qtbot: QtBot, course: Course) -> None:
    dialog = _dialog(qtbot, course.tutor)
    dialog.feedback_edit.setPlainText("Good")
    assert dialog.feedback_count.text() == "4 of 20,000 characters"
    assert [r.text() for r in dialog.decision_radios.values()] == [
        "&Meets the standard",
        "&Partially meets the standard",
        "Does &not meet the standard",
    ]
    assert dialog.decision() is None
    dialog.feedback_edit.clear()  # nothing typed is left to ask about when the test closes it


@pytest.mark.parametrize("keys", ["Esc", "Ctrl+W"])
def test_the_dialog_closes_from_the_keyboard(qtbot: QtBot, course: Course, keys: str) -> None:
    dialog = _dialog(qtbot, course.tutor)
    press_close_keys(qtbot, dialog, dialog.input_edit, keys)
    assert not dialog.isVisible()


def test_every_input_has_an_accessible_name(qtbot: QtBot, course: Course) -> None:
    from test_accessibility_and_theme import unnamed_inputs

    dialog = _dialog(qtbot, course.tutor)
    assert unnamed_inputs(dialog) == []
    assert dialog.role_combo.accessibleName() == "Box to sign (your role)"
    assert Qt.TextFormat.PlainText == dialog.signer_label.textFormat()
