"""Real signed portfolios for the trust windows' tests and screenshots, made with the core API.

:func:`build_course` makes, in one folder: a course CA (every role), a student portfolio with a
student certificate and tutor + second-marker boxes, a tutor portfolio with a tutor
certificate, and a ``batch/`` folder of three exports: countersigned by the tutor, signed by
the student only, and tampered (one byte of page content changed). With ``hostile=True``
every name, comment and file name is HTML that would print "VALID AND TRUSTED" in large green
letters if any widget rendered it, and one more file carries fields and a forged decision
added with pyHanko's public API whose names are HTML too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.vault.kdf import KdfParams

PASSPHRASE = "correct horse battery staple"
CA_PASSPHRASE = "the course CA passphrase, long enough"
CHEAP_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)

#: Markup that would be loud if rendered; plain text shows the characters.
HOSTILE_STUDENT = "<font size=7 color=green>VALID AND TRUSTED</font> <b>Zoë</b>"
HOSTILE_TUTOR = '<h1 style="color:green">Dr <i>Evil</i> Tutor</h1>'
HOSTILE_COMMENT = "<a href='https://evil.example'>click</a><h1>VALID AND TRUSTED</h1>"
HOSTILE_FILE = "<font size=7 color=green>VALID AND TRUSTED"
HOSTILE_FIELD = "<h1>VALID AND TRUSTED</h1>"
HOSTILE_DECISION = "<b style='color:green'>meets</b>"
#: Substrings any of the above contains: raw in a rich-text context means it was rendered.
MARKERS = ("<font", "<h1", "<b>", "<a href", "<b style")


@dataclass
class Course:
    """Where everything is, and the open portfolios (closed by :meth:`close`)."""

    folder: Path
    ca_dir: Path
    student: PortfolioService
    tutor: PortfolioService
    batch: Path
    countersigned: Path
    student_only: Path
    tampered: Path
    student_csr: Path
    forged: Path | None = None

    def close(self) -> None:
        for service in (self.student, self.tutor):
            if service.is_open:
                service.close()


def _portfolio(
    folder: Path, name: str, student_id: str, programme: str = "BSc Adult Nursing"
) -> PortfolioService:
    profile = Profile(
        name=name,
        student_id=student_id,
        profession="Nursing",
        programme=programme,
        institution="University of Leicester",
    )
    service, _recovery = PortfolioService.create(folder, PASSPHRASE, profile, kdf_params=CHEAP_KDF)
    return service


def _certify(service: PortfolioService, ca_dir: Path, work: Path, name: str, role: str) -> Path:
    csr = work / f"{name}.csr"
    identity_service.make_certificate_request(service, csr)
    bundle, _info = identity_service.issue_student_certificate(
        ca_dir, CA_PASSPHRASE, csr.read_bytes(), role=role
    )
    identity_service.import_certificate_chain(service, bundle)
    return csr


def _tamper(data: bytes) -> bytes:
    """Flip one bit inside the first content stream, i.e. inside the certified revision."""
    at = data.index(b"stream", data.index(b"/Contents")) + 60
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def build_course(
    folder: Path,
    *,
    hostile: bool = False,
    student_name: str = "Zoë Ñúñez",
    tutor_name: str = "Dr Tomás Tutor",
) -> Course:
    """Everything the trust windows need to show, made the way users would make it."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_dir = folder / "ca"
    identity_service.init_course_ca(
        ca_dir,
        name="IPL 2025 course CA",
        institution="University of Leicester",
        passphrase=CA_PASSPHRASE,
    )
    student = _portfolio(
        folder / "student", HOSTILE_STUDENT if hostile else student_name, "STU-2025-0042"
    )
    tutor = _portfolio(folder / "tutor", HOSTILE_TUTOR if hostile else tutor_name, "STAFF-7")
    work = folder / "requests"
    work.mkdir()
    student_csr = _certify(student, ca_dir, work, "student", "student")
    _certify(tutor, ca_dir, work, "tutor", "tutor")
    identity_service.set_signing_settings(student, staff_roles=["tutor", "second-marker"])
    student.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="What handover taught me" if not hostile else HOSTILE_COMMENT,
            template_id="free",
            sections=(Section("What?", "We practised SBAR with a pharmacist.", "what"),),
        )
    )
    batch = folder / "batch"
    batch.mkdir()
    stem = HOSTILE_FILE if hostile else "portfolio"
    student_only = batch / f"{stem} student-only.pdf"
    export_service.export_portfolio(student, student_only, acknowledge_findings=True)
    countersigned = batch / f"{stem} countersigned.pdf"
    export_service.countersign_file(
        tutor,
        student_only,
        countersigned,
        decision="meets",
        comment=HOSTILE_COMMENT if hostile else "Clear, honest reflection.\nKeep linking plans.",
    )
    tampered = batch / f"{stem} tampered.pdf"
    tampered.write_bytes(_tamper(student_only.read_bytes()))
    course = Course(
        folder=folder,
        ca_dir=ca_dir,
        student=student,
        tutor=tutor,
        batch=batch,
        countersigned=countersigned,
        student_only=student_only,
        tampered=tampered,
        student_csr=student_csr,
    )
    if hostile:
        course.forged = batch / f"{stem} forged.pdf"
        course.forged.write_bytes(_forge(student_only.read_bytes(), student))
    return course


def _forge(pdf: bytes, signer: PortfolioService) -> bytes:
    """The student signs a new field named in HTML, claiming an HTML decision (pyHanko API)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from portfolio_app.core.signing.pdf_signing import _NotesPdfSigner, _signer

    identity = identity_service.get_or_create_identity(signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=HOSTILE_FIELD,
        reason=f"Tutor countersignature: {HOSTILE_DECISION}",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = io.BytesIO()
    _NotesPdfSigner(
        meta,
        signer=_signer(identity),
        extras={
            "/PortfolioDecision": generic.TextStringObject(HOSTILE_DECISION),
            "/PortfolioComment": generic.TextStringObject(HOSTILE_COMMENT),
        },
        new_field_spec=fields.SigFieldSpec(HOSTILE_FIELD, on_page=0, box=(300, 300, 500, 400)),
    ).sign_pdf(writer, output=out)
    return out.getvalue()


def make_request(folder: Path, name: str, student_id: str) -> Path:
    """A certificate request from a new portfolio named ``name`` (closed afterwards)."""
    safe = "".join(c if c.isalnum() or c == "-" else "_" for c in student_id)
    service = _portfolio(folder / f"portfolio-{safe}", name, student_id)
    try:
        path = folder / f"{safe}.csr"
        identity_service.make_certificate_request(service, path)
        return path
    finally:
        service.close()


def press_close_keys(qtbot: object, window: object, focus: object, keys: str) -> None:
    """Press Esc or Ctrl+W in ``window`` with ``focus`` focused, as a keyboard user would."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(window, QWidget) and isinstance(focus, QWidget)
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # type: ignore[attr-defined]
    focus.setFocus()
    if keys == "Esc":
        qtbot.keyClick(focus, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    else:
        qtbot.keyClick(focus, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
