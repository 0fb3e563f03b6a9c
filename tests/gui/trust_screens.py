"""Open one trust window on real sample files, for screenshots under Xvfb (not a test).

    /work/shared/tools/screenshot out.png --delay 12 -- \\
        .venv/bin/python tests/gui/trust_screens.py verify [--hostile] [--dark]

Windows: ``certified`` (Get certified, self-signed student), ``certified-done`` (after import),
``course`` (Course certificates with four issued, one revoked), ``review`` (a request from a
student who already has a certificate), ``countersign`` (a student certificate from another
course CA: the warning), ``verify`` (the batch folder of three files: countersigned,
student-only, tampered, with the course CA trusted; ``--select N``, ``--scroll``),
``settings``. ``--hostile`` names everything in HTML, ``--dark`` uses the dark palette.
Set ``QT_SCALE_FACTOR=1.5`` and ``--size 1366x768`` on the screenshot tool for the small
laptop case.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from trust_samples import (
    CA_PASSPHRASE,
    CHEAP_KDF,
    PASSPHRASE,
    build_course,
    make_request,
)

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.theme import ThemeManager


def main() -> int:
    which = sys.argv[1] if len(sys.argv) > 1 else "verify"
    hostile = "--hostile" in sys.argv
    app = QApplication(sys.argv[:1])
    ThemeManager(app, "dark" if "--dark" in sys.argv else "light").apply()
    folder = Path(tempfile.mkdtemp(prefix="trust-screens-"))
    course = build_course(folder / "course", hostile=hostile)
    window: QWidget
    if which.startswith("certified"):
        from portfolio_app.gui.dialogs.get_certified_dialog import GetCertifiedDialog

        service = course.student
        if which == "certified":
            fresh, _key = PortfolioService.create(
                folder / "fresh",
                PASSPHRASE,
                Profile(name="Amira Patel", student_id="S2025017", programme="MPharm"),
                kdf_params=CHEAP_KDF,
            )
            identity_service.get_or_create_identity(fresh)
            service = fresh
        window = GetCertifiedDialog(service)
    elif which == "settings":
        from portfolio_app.gui.dialogs.signing_settings_dialog import SigningSettingsDialog

        window = SigningSettingsDialog(course.student)
    elif which == "course":
        from portfolio_app.gui.dialogs.course_certificates_window import (
            CourseCertificatesWindow,
        )

        people = [("Amira Patel", "S2025017"), ("Dr Sam Second", "STAFF-2"), ("Li Wei", "S2025031")]
        roles = ["student", "second-marker", "student"]
        for (name, sid), role in zip(people, roles, strict=True):
            csr = make_request(folder / "req", name, sid)
            identity_service.issue_student_certificate(
                course.ca_dir, CA_PASSPHRASE, csr.read_bytes(), role=role
            )
        last = identity_service.list_issued(course.ca_dir)[-1]
        identity_service.revoke_certificate(
            course.ca_dir, CA_PASSPHRASE, last.serial, reason="key-compromise"
        )
        window = CourseCertificatesWindow(course.ca_dir)
    elif which == "review":
        from portfolio_app.gui.dialogs.ca_dialogs import ReviewRequestDialog

        window = ReviewRequestDialog(course.ca_dir, course.student_csr)
    elif which == "countersign":
        from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog

        other_ca = folder / "other-ca"
        identity_service.init_course_ca(
            other_ca, name="Another course CA", institution="Elsewhere", passphrase=CA_PASSPHRASE
        )
        stranger, _key = PortfolioService.create(
            folder / "stranger",
            PASSPHRASE,
            Profile(name="Jordan Blake", student_id="X-991", programme="BSc Physiotherapy"),
            kdf_params=CHEAP_KDF,
        )
        csr = folder / "stranger.csr"
        identity_service.make_certificate_request(stranger, csr)
        bundle, _info = identity_service.issue_student_certificate(
            other_ca, CA_PASSPHRASE, csr.read_bytes(), role="student"
        )
        identity_service.import_certificate_chain(stranger, bundle)
        identity_service.set_signing_settings(stranger, staff_roles=["tutor", "second-marker"])
        pdf = folder / "jordan-portfolio.pdf"
        export_service.export_portfolio(stranger, pdf, acknowledge_findings=True)
        dialog = CountersignDialog(course.tutor)
        dialog.set_input(pdf)
        dialog.decision_radios["meets"].setChecked(True)
        dialog.feedback_edit.setPlainText("Thoughtful reflections on handover; link the plans.")
        window = dialog
    else:
        from portfolio_app.gui.dialogs.verify_window import VerifyWindow

        verify = VerifyWindow()
        verify.add_certificate_file(course.ca_dir / "ca-cert.pem")
        verify.add_paths([course.batch])
        if "--select" in sys.argv:
            row = int(sys.argv[sys.argv.index("--select") + 1])
            verify.verified.connect(lambda _results: verify.select_result(row))
        if "--scroll" in sys.argv:
            bar = verify.report_area.verticalScrollBar()
            verify.verified.connect(
                lambda _results: QTimer.singleShot(500, lambda: bar.setValue(bar.maximum()))
            )
        window = verify
    window.show()
    if "--quit" in sys.argv:
        QTimer.singleShot(8000, app.quit)
    code = app.exec()
    course.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
