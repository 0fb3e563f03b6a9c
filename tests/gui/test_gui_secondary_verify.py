"""The verify window: folders of real exports, trust inputs, required roles, the per-role view,
the stage, the CSV report; keyboard and models."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from trust_samples import Course, build_course, press_close_keys

from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import verify_paths
from portfolio_app.gui.dialogs.verify_window import VerifyWindow
from portfolio_app.gui.item_models.trust_anchor_list_model import (
    TrustAnchor,
    TrustAnchorListModel,
)
from portfolio_app.gui.item_models.verify_results_model import (
    SignatureRoleModel,
    VerifyResult,
    VerifyResultsModel,
)
from portfolio_app.gui.trust_text import role_rows, stage_text


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    built = build_course(tmp_path_factory.mktemp("verify") / "course")
    yield built
    built.close()


def _window(qtbot: QtBot) -> VerifyWindow:
    window = VerifyWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def _results(qtbot: QtBot, window: VerifyWindow, action: object) -> list[VerifyResult]:
    with qtbot.waitSignal(window.verified, timeout=60_000) as blocker:
        action()  # type: ignore[operator]
    return list(blocker.args[0])


def _by_name(results: list[VerifyResult]) -> dict[str, VerifyResult]:
    return {r.path.name.split(" ")[-1]: r for r in results}


def test_a_folder_of_three_files_gives_one_verdict_each_with_the_stage(
    qtbot: QtBot, course: Course
) -> None:
    window = _window(qtbot)
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    results = _results(qtbot, window, lambda: window.add_paths([course.batch]))
    assert [r.display for r in results] == [
        "batch/portfolio countersigned.pdf",
        "batch/portfolio student-only.pdf",
        "batch/portfolio tampered.pdf",
    ]
    found = _by_name(results)
    assert found["countersigned.pdf"].report.verdict.value == "valid-trusted"
    assert found["student-only.pdf"].report.verdict.value == "valid-trusted"
    assert found["tampered.pdf"].report.verdict.value == "broken-or-modified"
    model = window.results_model
    assert model.rowCount() == 3
    verdicts = [model.index(r, VerifyResultsModel.VERDICT).data() for r in range(3)]
    assert verdicts == ["Valid and trusted", "Valid and trusted", "NOT VALID"]
    # Colour, icon and words: never colour alone.
    for row in range(3):
        index = model.index(row, VerifyResultsModel.VERDICT)
        assert index.data(Qt.ItemDataRole.DecorationRole) is not None
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert (
        model.index(1, VerifyResultsModel.STAGE)
        .data()
        .startswith("Signed by the student; no staff countersignature yet.")
    )
    assert "1 not valid, 2 valid and trusted" in window.status_label.text()

    # The first file is shown: verdict banner, stage, summary, per-role rows.
    assert window.banner.headline_label.text() == "Valid and trusted"
    assert window.stage_label.text() == (
        "Signed by the student and countersigned by the tutor (Dr Tomás Tutor). Still open: "
        "second marker."
    )
    roles = window.roles_model
    rows = [
        [roles.index(r, c).data() for c in range(roles.columnCount())]
        for r in range(roles.rowCount())
    ]
    assert [row[SignatureRoleModel.ROLE] for row in rows] == ["Student", "Tutor", "Second marker"]
    tutor = rows[1]
    assert tutor[SignatureRoleModel.SIGNER] == "Dr Tomás Tutor (id STAFF-7)"
    assert tutor[SignatureRoleModel.DECISION] == "Meets the standard"
    assert tutor[SignatureRoleModel.COMMENT] == "Clear, honest reflection.\nKeep linking plans."
    assert "The signer's own clock (not verified)" in tutor[SignatureRoleModel.TIME]
    assert tutor[SignatureRoleModel.CHECK].startswith("OK, trusted through")
    assert rows[2][SignatureRoleModel.CHECK] == "Not signed yet"
    assert len(window.signature_cards()) == 2

    # Selecting the tampered file shows its problem in words.
    window.select_result(2)
    assert window.banner.headline_label.text().startswith("Not valid")
    assert "digest mismatch" in window.banner.reason_label.text()
    assert "Do not accept this file" in window.banner.reason_label.text()
    assert "(PROBLEM)" in window.signature_cards()[0].title()


def test_without_trust_the_signer_is_not_confirmed_and_the_advice_says_what_to_add(
    qtbot: QtBot, course: Course
) -> None:
    window = _window(qtbot)
    [result] = _results(qtbot, window, lambda: window.verify_file(course.student_only))
    assert result.report.verdict.value == "valid-untrusted"
    assert window.banner.headline_label.text() == "Intact, but the signer is not confirmed"
    assert "course CA certificate" in window.banner.reason_label.text()
    assert window.roles_model.index(0, SignatureRoleModel.CHECK).data().startswith("Intact, but")
    # Pinning the student's own certificate trusts that student's box.
    pem = course.folder / "student-cert.pem"
    identity_service.export_certificate(course.student, pem)
    [again] = _results(qtbot, window, lambda: window.add_certificate_file(pem))
    assert again.report.verdict.value == "valid-trusted"


def test_required_roles_turn_a_missing_countersignature_into_its_own_verdict(
    qtbot: QtBot, course: Course
) -> None:
    window = _window(qtbot)
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    _results(qtbot, window, lambda: window.add_paths([course.countersigned]))
    results = _results(qtbot, window, window.require_checks["second-marker"].click)
    assert window.required_roles() == ["second-marker"]
    [result] = results
    assert result.report.verdict.value == "missing-required-signature"
    assert window.banner.headline_label.text() == (
        "Valid and trusted, but a countersignature is missing"
    )
    assert "Required but not countersigned yet: second marker." in window.stage_label.text()


def test_revocation_list_and_fingerprint_inputs(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    window = _window(qtbot)
    crl = tmp_path / "course.crl"
    identity_service.write_crl(course.ca_dir, "the course CA passphrase, long enough", crl)
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    assert window.add_crl_file(crl)
    texts = [window.trust_model.index(r).data() for r in range(window.trust_model.rowCount())]
    assert texts[0].startswith("CA or certificate: IPL 2025 course CA")
    assert texts[1] == "Revocation list: IPL 2025 course CA, 0 revoked (from course.crl)"
    [result] = _results(qtbot, window, lambda: window.add_paths([course.countersigned]))
    assert result.report.verdict.value == "valid-trusted"
    assert not window.add_crl_file(course.ca_dir / "ca-cert.pem")
    assert "not a certificate revocation list" in window.trust_error_label.text()
    assert not window.add_fingerprint("12:34")
    assert "64 hexadecimal digits" in window.trust_error_label.text()
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello")
    assert not window.add_certificate_file(bad)
    assert "not-a-cert.pem" in window.trust_error_label.text()
    assert window.trust_model.rowCount() == 2


def test_a_trust_file_that_vanished_is_reported_not_crashed(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    window = _window(qtbot)
    copy = tmp_path / "ca.pem"
    copy.write_bytes((course.ca_dir / "ca-cert.pem").read_bytes())
    window.add_certificate_file(copy)
    copy.unlink()
    with qtbot.waitSignal(window.verification_failed, timeout=30_000) as blocker:
        window.add_paths([course.student_only])
    assert "cannot read the trust certificate file" in blocker.args[0]
    assert window.banner.headline_label.text() == "Could not verify"


def test_save_report_as_csv_writes_one_row_per_file(
    qtbot: QtBot, course: Course, tmp_path: Path
) -> None:
    window = _window(qtbot)
    assert not window.csv_button.isEnabled()
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    _results(qtbot, window, lambda: window.add_paths([course.batch]))
    assert window.csv_button.isEnabled()
    out = tmp_path / "report.csv"
    assert window.save_csv(out)
    assert "Saved the report of 3 files" in window.status_label.text()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [Path(r["file"]).name.split(" ")[-1] for r in rows] == [
        "countersigned.pdf",
        "student-only.pdf",
        "tampered.pdf",
    ]
    assert [r["verdict"] for r in rows] == [
        "valid-trusted",
        "valid-trusted",
        "broken-or-modified",
    ]
    assert rows[0]["tutor_signer"] == "Dr Tomás Tutor"
    assert rows[0]["tutor_decision"] == "meets"
    assert rows[1]["stage"] == "student-only"
    window.copy_button.click()
    assert "VALID AND TRUSTED" in QGuiApplication.clipboard().text()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert not window.save_csv(blocker / "report.csv")
    assert window.status_label.text().startswith("The report was not saved")


def test_dropping_files_and_folders_adds_them(qtbot: QtBot, course: Course) -> None:
    window = _window(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(course.batch)), QUrl.fromLocalFile(str(course.tampered))])
    enter = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.verified, timeout=60_000) as blocker:
        window.dropEvent(drop)
    assert window.paths_model.rowCount() == 2
    # The tampered file is inside the folder too: checked once per time it is named.
    assert len(blocker.args[0]) == 4
    remote = QMimeData()
    remote.setUrls([QUrl("https://example.org/portfolio.pdf")])
    refused = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        remote,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_an_empty_folder_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    (tmp_path / "empty").mkdir()
    results = _results(qtbot, window, lambda: window.add_paths([tmp_path / "empty"]))
    assert results == []
    assert window.banner.headline_label.text() == "Nothing to check"


def test_cancel_stops_after_the_current_file(qtbot: QtBot, course: Course, tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    data = course.student_only.read_bytes()
    for number in range(30):
        (many / f"copy-{number:02d}.pdf").write_bytes(data)
    window = _window(qtbot)
    window.add_paths([many])
    assert window.is_busy
    assert window.cancel_button.isVisible()
    window.cancel()
    qtbot.waitUntil(lambda: not window.is_busy, timeout=60_000)
    assert window.banner.headline_label.text() == "Cancelled"
    assert window.results == []
    assert not window.cancel_button.isVisible()

    # Clearing the list while a check runs leaves nothing busy behind.
    window.set_required(["tutor"])  # any change checks again
    assert window.is_busy
    window.clear_paths()
    assert not window.is_busy
    assert not window.progress_bar.isVisible()
    assert window.banner.headline_label.text() == "Nothing checked yet"
    qtbot.wait(200)
    assert window.banner.headline_label.text() == "Nothing checked yet"


@pytest.mark.parametrize("keys", ["Esc", "Ctrl+W"])
def test_the_window_closes_from_the_keyboard(qtbot: QtBot, keys: str) -> None:
    window = _window(qtbot)
    press_close_keys(qtbot, window, window.add_files_button, keys)
    assert not window.isVisible()


def test_every_input_and_view_has_an_accessible_name(qtbot: QtBot) -> None:
    from test_accessibility_and_theme import unnamed_inputs

    window = _window(qtbot)
    assert unnamed_inputs(window) == []
    for view in (window.paths_view, window.trust_view, window.results_view, window.roles_view):
        assert view.accessibleName()


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, course: Course) -> None:
    results = verify_paths([course.batch])
    model = VerifyResultsModel()
    model.set_results([VerifyResult(p, p.name, r) for p, r in results])
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    roles = SignatureRoleModel()
    roles.set_report(results[0][1])
    qtmodeltester.check(roles)  # type: ignore[no-untyped-call]
    anchors = TrustAnchorListModel()
    assert anchors.add(TrustAnchor("Course CA", path=course.ca_dir / "ca-cert.pem"))
    assert anchors.add(TrustAnchor("AB:CD", kind="fingerprint", fingerprint="AB:CD"))
    assert not anchors.add(TrustAnchor("AB:CD", kind="fingerprint", fingerprint="AB:CD"))
    qtmodeltester.check(anchors)  # type: ignore[no-untyped-call]
    assert anchors.fingerprints() == ["AB:CD"]
    anchors.remove(0)
    assert anchors.rowCount() == 1


def test_the_wording_is_the_same_without_a_window(course: Course) -> None:
    [(_path, report)] = verify_paths([course.student_only])
    assert stage_text(report) == (
        "Signed by the student; no staff countersignature yet. Still open: tutor, second marker."
    )
    rows = role_rows(report)
    assert [(r.role, r.signed) for r in rows] == [
        ("Student", True),
        ("Tutor", False),
        ("Second marker", False),
    ]


def test_a_file_that_fails_its_checks_claims_nothing(course: Course) -> None:
    from portfolio_app.gui.trust_text import summary_rows

    [(_path, report)] = verify_paths([course.tampered])
    assert report.verdict.value == "broken-or-modified"
    assert stage_text(report).startswith("The file fails its checks: nothing in it is confirmed")
    assert ("Student (claimed)", "Zoë Ñúñez") in summary_rows(report)


def test_a_decision_nobody_confirmed_reads_as_a_claim(course: Course) -> None:
    """Without trust in the course CA the tutor is unconfirmed: the per-role view must not show
    the tutor's decision as a decision (the CLI says the same; see SECURITY.md)."""
    [(_path, report)] = verify_paths([course.countersigned])
    assert report.exit_code == 2
    tutor = next(r for r in role_rows(report) if r.role == "Tutor")
    assert tutor.decision.startswith("None counted (claimed: ")
    assert "not counted: signer not confirmed as a tutor" in tutor.decision


def test_compare_two_exports_from_the_window(qtbot: QtBot, course: Course, tmp_path: Path) -> None:
    """Verify --compare in the window: both files checked with the window's trust on a worker,
    the answer in words and as the CLI prints it; a tampered file is not compared."""
    from portfolio_app.core.services.export_service import export_portfolio

    window = _window(qtbot)
    window.add_certificate_file(course.ca_dir / "ca-cert.pem")
    qtbot.waitUntil(lambda: not window.is_busy, timeout=60_000)
    later = tmp_path / "later.pdf"
    export_portfolio(course.student, later, acknowledge_findings=True)

    assert window.compare(course.student_only, later) is not None
    qtbot.waitUntil(lambda: window.compare_dialog is not None, timeout=60_000)
    dialog = window.compare_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.exit_code == 0
    assert "continues the earlier one" in dialog.verdict_label.text()
    assert "Comparison (through each entry's chain of saved versions):" in dialog.text()
    assert dialog.text().endswith("Exit status: 0")
    assert window.compare_button.isEnabled()

    window.compare_dialog = None
    window.compare(later, course.tampered)
    qtbot.waitUntil(lambda: window.compare_dialog is not None, timeout=60_000)
    broken = window.compare_dialog
    assert broken is not None
    qtbot.addWidget(broken)
    assert broken.exit_code == 1
    assert "failed its signature checks" in broken.verdict_label.text()
    assert "Not compared:" in broken.text()
