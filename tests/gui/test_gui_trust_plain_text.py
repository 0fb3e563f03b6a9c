"""Nothing from a file, a certificate or the user is rendered as rich text (issue 8 item 5).

Real exports whose student, tutor, comment, entry title and file names are HTML that would
print "VALID AND TRUSTED" in large green letters, plus a file with a field and a claimed
decision in HTML added with pyHanko's public API, are opened in the verify window, the
countersign dialog, Get certified and the course-certificates window and its dialogs. Every
QLabel whose text could be taken for HTML must be plain text, no tooltip may carry the raw
markup, and the hostile strings must be on screen as characters (so the walk is not vacuous).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_text_walk import rich_text_leaks, shown_texts
from pytestqt.qtbot import QtBot
from trust_samples import (
    CA_PASSPHRASE,
    CHEAP_KDF,
    HOSTILE_COMMENT,
    HOSTILE_FIELD,
    HOSTILE_FILE,
    HOSTILE_STUDENT,
    HOSTILE_TUTOR,
    PASSPHRASE,
    Course,
    build_course,
    make_request,
)

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import export_service
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog
from portfolio_app.gui.dialogs.course_certificates_window import CourseCertificatesWindow
from portfolio_app.gui.dialogs.get_certified_dialog import GetCertifiedDialog
from portfolio_app.gui.dialogs.verify_window import VerifyWindow


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    built = build_course(tmp_path_factory.mktemp("hostile") / "course", hostile=True)
    yield built
    built.close()


def test_verify_window_shows_hostile_names_comments_and_fields_as_characters(
    qtbot: QtBot, course: Course
) -> None:
    window = VerifyWindow()
    qtbot.addWidget(window)
    window.show()
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    with qtbot.waitSignal(window.verified, timeout=60_000) as blocker:
        window.add_paths([course.batch])
    results = blocker.args[0]
    assert len(results) == 4
    seen = []
    for row in range(len(results)):
        window.select_result(row)
        assert rich_text_leaks(window) == []
        seen.append(shown_texts(window))
    everything = "\n".join(seen)
    assert HOSTILE_FILE in everything  # the file names, in the table and the File: line
    assert HOSTILE_STUDENT in everything
    assert HOSTILE_TUTOR in everything
    assert HOSTILE_COMMENT in everything  # the tutor's comment in the per-role view and card
    assert HOSTILE_FIELD in everything  # the forged field, named in the problem
    assert "<b style='color:green'>meets</b>" not in everything  # a forged decision is ignored
    forged = next(r for r in results if r.path.name.endswith("forged.pdf"))
    assert forged.report.verdict.value == "broken-or-modified"
    # What the window says about the forged file stays a refusal, in words.
    window.select_result(results.index(forged))
    assert window.banner.headline_label.text().startswith("Not valid")


def test_countersign_dialog_shows_hostile_names_and_warnings_as_characters(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    # A self-signed student named in HTML: the plan warns, naming them.
    stranger, _key = PortfolioService.create(
        tmp_path / "stranger",
        PASSPHRASE,
        Profile(name=HOSTILE_STUDENT, student_id="<b>X-1</b>", programme="<h1>MBChB</h1>"),
        kdf_params=CHEAP_KDF,
    )
    pdf = tmp_path / f"{HOSTILE_FILE}.pdf"
    try:
        export_service.export_portfolio(stranger, pdf, acknowledge_findings=True)
    finally:
        stranger.close()
    dialog = CountersignDialog(course.tutor)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.checked, timeout=60_000):
        dialog.set_input(pdf)
    assert dialog.warning_texts(), "the self-signed student must be warned about"
    dialog.feedback_edit.setPlainText(HOSTILE_COMMENT)
    assert rich_text_leaks(dialog) == []
    text = shown_texts(dialog)
    assert HOSTILE_TUTOR in text  # "You sign as ..."
    assert HOSTILE_STUDENT in text  # the check banner and the warning
    # A refusal quoting the file's own text is plain too.
    with qtbot.waitSignal(dialog.checked, timeout=60_000):
        dialog.set_input(course.forged or course.tampered)
    assert dialog.check_banner.headline_label.text() == "This file cannot be countersigned"
    assert rich_text_leaks(dialog) == []


def test_get_certified_shows_a_hostile_certificate_name_as_characters(
    qtbot: QtBot, course: Course
) -> None:
    dialog = GetCertifiedDialog(course.student)
    qtbot.addWidget(dialog)
    dialog.show()
    assert rich_text_leaks(dialog) == []
    assert dialog.identity_text()["Name"] == HOSTILE_STUDENT


def test_course_certificates_show_hostile_requests_as_characters(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    window = CourseCertificatesWindow(course.ca_dir)
    qtbot.addWidget(window)
    window.show()
    assert rich_text_leaks(window) == []
    assert HOSTILE_STUDENT in shown_texts(window)  # the register lists the hostile names

    csr = make_request(tmp_path, "<font size=7 color=green>Evil</font> Applicant", "<b>S666</b>")
    for attempt in range(2):  # the second time, the duplicate warning names them
        dialog = window.review_request(csr)
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.show()
        assert rich_text_leaks(dialog) == []
        assert "<font size=7 color=green>Evil</font> Applicant" in shown_texts(dialog)
        if attempt:
            assert dialog.duplicate_text()
        dialog.passphrase_edit.setText(CA_PASSPHRASE)
        with qtbot.waitSignal(dialog.issued, timeout=60_000):
            dialog.issue_button.click()
        assert rich_text_leaks(window) == []
        assert "<font size=7 color=green>Evil</font> Applicant" in (
            window.status_banner.reason_label.text()
        )

    revoke = window.revoke_dialog()
    assert revoke is not None
    qtbot.addWidget(revoke)
    revoke.show()
    assert rich_text_leaks(revoke) == []
    assert "<b>S666</b>" in revoke.who_label.text()
