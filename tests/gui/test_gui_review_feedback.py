"""The review window (tutor), the import dialog and the feedback under an entry (student)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_samples import (
    HOSTILE_FEEDBACK,
    ReviewCourse,
    build_review_course,
    countersign_with_feedback,
)

from portfolio_app.core.domain.entries import EntryStatus
from portfolio_app.core.services.export_service import TrustInputs, verify_file
from portfolio_app.core.services.review_service import review_file
from portfolio_app.gui.controllers.facets import GROUP_FEEDBACK, HAS_FEEDBACK


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewCourse]:
    built = build_review_course(tmp_path_factory.mktemp("review-gui"))
    yield built
    built.close()


def _trust(course: ReviewCourse) -> TrustInputs:
    return TrustInputs(trust=(("ca", course.ca_cert.read_bytes()),))


def test_review_window_reads_entries_and_countersigns_with_feedback(
    course: ReviewCourse, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portfolio_app.gui.dialogs import review_window

    window = review_window.ReviewWindow(course.tutor)
    qtbot.addWidget(window)
    window.path_edit.setText(str(course.signed))
    window.open_path()
    qtbot.waitUntil(lambda: window.view is not None, timeout=60_000)
    assert window.model.rowCount() == 3
    # the student's markup is shown as characters, never run
    window.table.selectRow(2)
    assert "<script>alert(1)</script>" in window.entry_view.toPlainText()
    window.table.selectRow(0)
    window.entry_feedback.setPlainText("Good SBAR. " + HOSTILE_FEEDBACK)
    window.table.selectRow(1)
    assert window.entry_feedback.toPlainText() == ""
    window.entry_feedback.setPlainText("Σοφία's point matters.")
    assert window.model.item(0, 2).text() == "✓ written"
    window.overall_edit.setPlainText("Overall fine.")
    window.comment_edit.setText("Partially meets.")
    window.decision_combo.setCurrentIndex(window.decision_combo.findData("partially-meets"))
    out = tmp_path / "from-window.pdf"
    monkeypatch.setattr(
        review_window.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "")
    )
    window.countersign()
    qtbot.waitUntil(lambda: window.result_info is not None, timeout=120_000)
    report = verify_file(out, trust=_trust(course))
    assert report.exit_code == 0, report.reason
    texts = {i.entry_id: i.text for i in report.feedback}
    assert texts[course.ids[0]] == "Good SBAR. " + HOSTILE_FEEDBACK
    assert texts[course.ids[1]] == "Σοφία's point matters."
    assert texts[None] == "Overall fine."
    assert all(i.filled_in == "signature-revision" and i.counts for i in report.feedback)
    # reopened, the window shows the boxes closed and the feedback in place
    window.show_view(review_file(out, trust=_trust(course)))
    assert window.view is not None and window.view.feedback_locked
    assert window.entry_feedback.isReadOnly()


def test_import_dialog_then_feedback_under_the_entry_and_the_filter(
    course: ReviewCourse, make_controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    from portfolio_app.gui.dialogs.feedback_import_dialog import FeedbackImportDialog

    countersigned = countersign_with_feedback(course, tmp_path / "returned.pdf")
    dialog = FeedbackImportDialog(course.student)
    qtbot.addWidget(dialog)
    # a file that is not the student's own is refused, with the reason, nothing stored
    dialog.path_edit.setText(str(tmp_path / "missing.pdf"))
    dialog.check()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=60_000)
    assert not dialog.import_button.isEnabled() and dialog.status_label.text() == "Not imported."
    dialog.path_edit.setText(str(countersigned))
    dialog.check()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=60_000)
    assert "Countersigned by Dr Tomás Tutor as tutor" in dialog.details.toPlainText()
    dialog.import_now()
    assert dialog.imported
    statuses = {e.id: e.status for e in course.student.entries()}
    assert statuses[course.ids[0]] is EntryStatus.FEEDBACK_RECEIVED
    assert statuses[course.ids[2]] is EntryStatus.SUBMITTED

    controller = make_controller(course.folder / "student")  # type: ignore[operator]
    controller.open_session(course.student)
    qtbot.waitExposed(controller.window)
    portfolio = controller.portfolio  # type: ignore[attr-defined]
    portfolio.show_entry(course.ids[0])
    panel = portfolio.editor.feedback_panel
    assert panel.isVisible()
    (text,) = panel.texts()
    assert HOSTILE_FEEDBACK in text  # plain text: the markup is there as characters
    label = panel.items[0][0]
    assert "From Dr Tomás Tutor (tutor), signed" in label.text()
    portfolio.show_entry(course.ids[2])
    assert not panel.isVisible()
    # the sidebar's "Has tutor feedback" filter keeps exactly the two entries
    portfolio.refresh_facets()
    tree = portfolio.sidebar.model
    group = next(
        tree.index(row, 0)
        for row in range(tree.rowCount())
        if tree.index(row, 0).data() == "Tutor feedback"
    )
    facet = tree.index(0, 0, group)
    assert facet.data() == "Has tutor feedback" and tree.index(0, 1, group).data() == "2"
    tree.setData(facet, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert portfolio.entry_list.proxy.rowCount() == 2
    assert tree.checked()[GROUP_FEEDBACK] == frozenset({HAS_FEEDBACK})
    # the student cannot pick the app's statuses in the editor
    combo = portfolio.editor.status_combo
    row = combo.findData(EntryStatus.FEEDBACK_RECEIVED.value)
    assert not combo.model().item(row).isEnabled()


def test_verify_window_lists_the_feedback(
    course: ReviewCourse, qtbot: QtBot, tmp_path: Path
) -> None:
    from portfolio_app.gui.dialogs.verify_window import VerifyWindow

    countersigned = countersign_with_feedback(course, tmp_path / "to-verify.pdf")
    window = VerifyWindow()
    qtbot.addWidget(window)
    window.show()
    window.add_certificate_file(course.ca_cert)
    with qtbot.waitSignal(window.verified, timeout=60_000):
        window.add_paths([countersigned])
    window.select_result(0)
    assert window.feedback_label.isVisible()
    text = window.feedback_label.text()
    assert "Feedback: 2 entries have feedback (E1, E2); overall feedback given" in text
    assert HOSTILE_FEEDBACK in text  # shown as characters (a plain-text label)


def test_the_reviewed_status_notice_is_shown_at_unlock(
    make_controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    """A portfolio made with the schema-0007 code, one entry marked "reviewed" by hand."""
    import shutil

    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.storage.database import DB_NAME

    folder = tmp_path / "old"
    folder.mkdir()
    data = Path(__file__).parents[1] / "data" / "portfolio-schema-0007.db"
    shutil.copyfile(data, folder / DB_NAME)
    service = PortfolioService.open(folder, "schema seven passphrase")
    controller = make_controller(folder)  # type: ignore[operator]
    controller.open_session(service)
    qtbot.waitExposed(controller.window)
    banner = controller.window.banner
    assert banner.isVisible()
    assert "1 entry was marked 'Reviewed'" in banner.text()
    assert "now reads 'Ready for review'" in banner.text()
