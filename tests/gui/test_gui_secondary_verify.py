"""The verify window: a signed portfolio, a tampered one and an unsigned one read differently."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.signing.course_ca import create_ca, issue_certificate
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    fingerprint_sha256,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.roles import Role
from portfolio_app.gui.dialogs.verify_window import VerifyWindow
from portfolio_app.gui.item_models.trust_anchor_list_model import (
    TrustAnchor,
    TrustAnchorListModel,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@dataclass(frozen=True)
class Samples:
    folder: Path
    student: Identity
    tutor: Identity

    def path(self, name: str) -> Path:
        return self.folder / name


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=0)
    for number in range(2):
        pdf.drawString(72, 720, f"Page {number} hello")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samples]:
    folder = tmp_path_factory.mktemp("pdfs")
    student = create_identity("Zoë Ñúñez", "STU-2025-0042", institution="University of Leicester")
    course_ca = create_ca("GUI verify course CA", "Uni")
    tutor = create_identity("Dr Tomás Tutor", "STAFF-7")
    tutor = import_certificate_chain(
        tutor,
        issue_certificate(course_ca, make_csr(tutor), role=Role.TUTOR) + course_ca.certificate_pem,
    )
    unsigned = _pdf()
    signed = sign_portfolio(
        unsigned,
        student,
        reason="I am the author of this portfolio",
        visible_box=(1, 40.0, 40.0, 330.0, 130.0),
        countersign_box=(1, 40.0, 150.0, 330.0, 300.0),
    )
    (folder / "unsigned.pdf").write_bytes(unsigned)
    (folder / "signed.pdf").write_bytes(signed)
    (folder / "tampered.pdf").write_bytes(signed.replace(b"(Page 1 hello)", b"(Page 1 hellp)"))
    (folder / "countersigned.pdf").write_bytes(
        countersign(signed, tutor, decision="meets", comment="Thoughtful and honest.")
    )
    (folder / "student.pem").write_bytes(student.certificate_pem)
    (folder / "tutor.pem").write_bytes(tutor.certificate_pem)
    (folder / "course-ca.pem").write_bytes(course_ca.certificate_pem)
    (folder / "not-a-cert.pem").write_text("hello")
    yield Samples(folder, student, tutor)


def _window(qtbot: QtBot) -> VerifyWindow:
    window = VerifyWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def _verify(qtbot: QtBot, window: VerifyWindow, path: Path) -> str:
    with qtbot.waitSignal(window.verified, timeout=30_000) as blocker:
        window.verify_file(path)
    report = blocker.args[0]
    return str(report.verdict.value)


def _card_text(window: VerifyWindow, index: int) -> dict[str, str]:
    return dict(window.signature_cards()[index].rows)


def test_signed_pdf_is_intact_but_untrusted_until_the_certificate_is_added(
    qtbot: QtBot, samples: Samples
) -> None:
    window = _window(qtbot)
    assert _verify(qtbot, window, samples.path("signed.pdf")) == "valid-untrusted"
    assert window.verdict_label.text() == "Intact, but the signer is not confirmed"
    assert not window.verdict_icon.pixmap().isNull()
    [card] = window.signature_cards()
    rows = dict(card.rows)
    assert rows["Signed by"] == "Zoë Ñúñez"
    assert rows["Intact"].startswith("Yes")
    assert "signer's own clock" in rows["Signing time"]
    assert rows["Trusted"].startswith("No")
    fingerprint = fingerprint_sha256(samples.student.certificate_pem)
    assert rows["Certificate fingerprint (SHA-256)"].replace("\n", "") == fingerprint

    with qtbot.waitSignal(window.verified, timeout=30_000) as blocker:
        assert window.add_certificate_file(samples.path("student.pem"))
    assert blocker.args[0].verdict.value == "valid-trusted"
    assert window.verdict_label.text() == "Valid and trusted"
    assert _card_text(window, 0)["Trusted"].startswith("Yes")


def test_tampered_pdf_is_reported_broken_in_words(qtbot: QtBot, samples: Samples) -> None:
    window = _window(qtbot)
    window.add_certificate_file(samples.path("student.pem"))
    assert _verify(qtbot, window, samples.path("tampered.pdf")) == "broken-or-modified"
    assert window.verdict_label.text().startswith("Not valid")
    assert "Do not accept this file" in window.reason_label.text()
    rows = _card_text(window, 0)
    assert rows["Intact"].startswith("NO")
    assert "Problem" in rows
    assert "(PROBLEM)" in window.signature_cards()[0].title()


def test_countersigned_pdf_shows_two_cards_with_the_decision(
    qtbot: QtBot, samples: Samples
) -> None:
    window = _window(qtbot)
    fingerprint = fingerprint_sha256(samples.student.certificate_pem)
    assert window.add_fingerprint(fingerprint.replace(":", "").lower())
    window.add_certificate_file(samples.path("course-ca.pem"))
    assert _verify(qtbot, window, samples.path("countersigned.pdf")) == "valid-trusted"
    assert len(window.signature_cards()) == 2
    student, tutor = _card_text(window, 0), _card_text(window, 1)
    assert "Allowed by the student's certification" in student["Changed after signing"]
    assert tutor["Signed by"] == "Dr Tomás Tutor"
    assert tutor["Feedback"] == "Thoughtful and honest."
    assert "Decision" in tutor
    assert tutor["Box"] == "tutor"
    window.copy_button.click()
    assert "VALID AND TRUSTED" in QGuiApplication.clipboard().text()


def test_unsigned_and_unreadable_files(qtbot: QtBot, samples: Samples, tmp_path: Path) -> None:
    window = _window(qtbot)
    assert _verify(qtbot, window, samples.path("unsigned.pdf")) == "not-signed-or-unreadable"
    assert window.signature_cards() == []
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert _verify(qtbot, window, junk) == "not-signed-or-unreadable"
    assert "not a PDF" in window.reason_label.text()
    assert _verify(qtbot, window, tmp_path / "missing.pdf") == "not-signed-or-unreadable"
    assert "cannot read" in window.reason_label.text()


def test_bad_trust_inputs_are_refused_in_words(qtbot: QtBot, samples: Samples) -> None:
    window = _window(qtbot)
    assert not window.add_fingerprint("12:34")
    assert "64 hexadecimal digits" in window.trust_error_label.text()
    assert not window.add_certificate_file(samples.path("not-a-cert.pem"))
    assert "not-a-cert.pem" in window.trust_error_label.text()
    assert window.trust_model.rowCount() == 0


def test_dropping_a_pdf_verifies_it(qtbot: QtBot, samples: Samples) -> None:
    window = _window(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(samples.path("signed.pdf")))])
    enter = QDragEnterEvent(
        window.rect().center(),  # QPoint: the QPointF overload only exists from Qt 6.12
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    assert window.drop_zone.text() == window.drop_zone.HOVER_TEXT
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.verified, timeout=30_000) as blocker:
        window.dropEvent(drop)
    assert blocker.args[0].verdict.value == "valid-untrusted"
    assert window.drop_zone.text() == window.drop_zone.IDLE_TEXT

    two = QMimeData()
    two.setUrls([QUrl.fromLocalFile(str(samples.path("signed.pdf")))] * 2)
    refused = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        two,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_trust_anchor_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = TrustAnchorListModel()
    assert model.add(TrustAnchor("Course CA", certificate=b"pem"))
    assert model.add(TrustAnchor("AB:CD", fingerprint="AB:CD"))
    assert not model.add(TrustAnchor("AB:CD", fingerprint="AB:CD"))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.certificates() == [b"pem"]
    assert model.fingerprints() == ["AB:CD"]
    model.remove(0)
    assert model.rowCount() == 1
