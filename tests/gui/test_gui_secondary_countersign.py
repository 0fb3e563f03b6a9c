"""The countersign dialog: checks the input first, refuses a broken one, signs a new copy."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import verify_file
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.signing.course_ca import create_ca, issue_certificate
from portfolio_app.core.signing.identity import create_identity, import_certificate_chain, make_csr
from portfolio_app.core.signing.pdf_signing import sign_portfolio
from portfolio_app.core.signing.roles import Role
from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog, countersigned_name

COURSE_CA = create_ca("GUI test course CA", "Uni")


@pytest.fixture
def tutor_service(service: PortfolioService) -> PortfolioService:
    """The test portfolio holding a tutor certificate from the course CA."""
    identity = identity_service.get_or_create_identity(service)
    cert = issue_certificate(COURSE_CA, make_csr(identity), role=Role.TUTOR)
    identity_service.import_certificate_chain(service, cert + COURSE_CA.certificate_pem)
    return service


pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _signed_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=0)
    for number in range(2):
        pdf.drawString(72, 720, f"Page {number} hello")
        pdf.showPage()
    pdf.save()
    student = create_identity("Pat Pupil", "STU-2025-0099")
    student = import_certificate_chain(
        student,
        issue_certificate(COURSE_CA, make_csr(student), role=Role.STUDENT)
        + COURSE_CA.certificate_pem,
    )
    return sign_portfolio(
        buf.getvalue(),
        student,
        reason="I am the author of this portfolio",
        visible_box=(1, 40.0, 40.0, 330.0, 130.0),
        countersign_box=(1, 40.0, 150.0, 330.0, 300.0),
    )


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("student")
    path = folder / "portfolio.pdf"
    path.write_bytes(_signed_pdf())
    return path


def _dialog(qtbot: QtBot, service: PortfolioService) -> CountersignDialog:
    dialog = CountersignDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _checked(qtbot: QtBot, dialog: CountersignDialog, path: Path) -> None:
    dialog.set_input(path)
    qtbot.waitUntil(lambda: not dialog.check_bar.isVisible(), timeout=30_000)


def test_countersigning_a_signed_portfolio_writes_a_new_verified_copy(
    qtbot: QtBot, tutor_service: PortfolioService, signed: Path, tmp_path: Path
) -> None:
    service = tutor_service
    dialog = _dialog(qtbot, service)
    _checked(qtbot, dialog, signed)
    assert "signature is intact" in dialog.check_label.text()
    assert dialog.output_edit.text() == str(countersigned_name(signed))
    out = tmp_path / "countersigned.pdf"
    dialog.output_edit.setText(str(out))
    assert not dialog.countersign_button.isEnabled()  # no decision yet
    dialog.decision_radios["partially-meets"].setChecked(True)
    dialog.feedback_edit.setPlainText("Strong SBAR reflection.\nLink the next plan.")
    assert dialog.countersign_button.isEnabled()
    with qtbot.waitSignal(dialog.countersigned, timeout=60_000) as blocker:
        dialog.countersign_button.click()
    assert blocker.args == [str(out)]
    assert "Countersigned." in dialog.status_label.text()
    assert "You sign as" in dialog.signer_label.text()
    assert "not from your course CA" not in dialog.check_label.text()
    report = verify_file(out, trust_pems=[COURSE_CA.certificate_pem])
    assert report.verdict.value == "valid-trusted", report.describe()
    tutor = report.signatures[-1]
    assert tutor.decision == "partially-meets"
    assert tutor.comment == "Strong SBAR reflection.\nLink the next plan."
    assert tutor.signer_name == service.profile.name


def test_a_tampered_portfolio_is_refused_before_anything_is_written(
    qtbot: QtBot, service: PortfolioService, signed: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(signed.read_bytes().replace(b"(Page 0 hello)", b"(Page 0 hallo)"))
    dialog = _dialog(qtbot, service)
    _checked(qtbot, dialog, tampered)
    assert "cannot be countersigned" in dialog.check_label.text()
    dialog.decision_radios["meets"].setChecked(True)
    assert not dialog.countersign_button.isEnabled()
    assert not countersigned_name(tampered).exists()


def test_an_unsigned_or_missing_file_is_refused(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, service)
    _checked(qtbot, dialog, tmp_path / "missing.pdf")
    assert "cannot be countersigned" in dialog.check_label.text()
    dialog.decision_radios["meets"].setChecked(True)
    assert not dialog.countersign_button.isEnabled()


def test_the_copy_may_not_overwrite_the_students_file(
    qtbot: QtBot, service: PortfolioService, signed: Path
) -> None:
    dialog = _dialog(qtbot, service)
    _checked(qtbot, dialog, signed)
    dialog.decision_radios["does-not-meet"].setChecked(True)
    assert dialog.countersign_button.isEnabled()
    dialog.output_edit.setText(str(signed))
    assert not dialog.countersign_button.isEnabled()
    assert "new file" in dialog.status_label.text()


def test_feedback_counter_and_decision_names(qtbot: QtBot, service: PortfolioService) -> None:
    dialog = _dialog(qtbot, service)
    dialog.feedback_edit.setPlainText("Good")
    assert dialog.feedback_count.text() == "4 of 20,000 characters"
    assert [r.text() for r in dialog.decision_radios.values()] == [
        "&Meets the standard",
        "&Partially meets the standard",
        "Does &not meet the standard",
    ]
    assert dialog.decision() is None
