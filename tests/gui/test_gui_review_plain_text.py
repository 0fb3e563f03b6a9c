"""The tutor's Review window and the student's Import tutor feedback dialog show everything
from the PDF as characters, never as rich text (issue 8 item 5).

A student whose name and programme are HTML exports two entries titled in HTML; a tutor whose
name is HTML countersigns with feedback in HTML. The review window, the import dialog (with a
staff CA "file" named in HTML that cannot be read, so its error quotes the path) and the
feedback panel under the entry are walked with ``rich_text_leaks``; the hostile strings must
be on screen as characters, so the walk is not vacuous.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_text_walk import rich_text_leaks, shown_texts
from pytestqt.qtbot import QtBot
from review_samples import (
    HOSTILE_MARKUP,
    HOSTILE_STUDENT_NAME,
    HOSTILE_TUTOR_NAME,
    ReviewCourse,
    build_review_course,
)
from trust_samples import HOSTILE_FILE

from portfolio_app.core.services import export_service


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewCourse]:
    built = build_review_course(tmp_path_factory.mktemp("review-hostile"), hostile=True)
    yield built
    built.close()


@pytest.fixture(scope="module")
def returned(course: ReviewCourse) -> Path:
    """The tutor's countersigned copy, feedback in HTML on both entries and overall."""
    out = course.folder / f"{HOSTILE_FILE} returned.pdf"
    export_service.countersign_file(
        course.tutor,
        course.signed,
        out,
        decision="meets",
        comment=f"Comment {HOSTILE_MARKUP}",
        feedback={
            course.ids[0]: f"Entry feedback {HOSTILE_MARKUP}",
            course.ids[1]: "<h1>Big</h1> <b>bold</b>",
            "overall": f"Overall {HOSTILE_MARKUP}",
        },
    )
    return out


def test_the_review_window_shows_a_hostile_pdf_as_characters(
    course: ReviewCourse, returned: Path, qtbot: QtBot
) -> None:
    from portfolio_app.gui.dialogs.review_window import ReviewWindow

    window = ReviewWindow(course.tutor)
    qtbot.addWidget(window)
    window.show()
    window.path_edit.setText(str(returned))
    window.open_path()
    qtbot.waitUntil(lambda: window.view is not None, timeout=60_000)
    seen = []
    for row in range(window.model.rowCount()):
        window.table.selectRow(row)
        assert rich_text_leaks(window) == []
        seen.extend([shown_texts(window), window.entry_view.toPlainText()])
        seen.append(window.entry_feedback.toPlainText())
    seen.append(window.overall_edit.toPlainText())
    everything = "\n".join(seen)
    assert HOSTILE_STUDENT_NAME in everything  # the student's name, in the summary
    assert "<h1>MBChB</h1>" in everything  # the programme
    assert f"{HOSTILE_MARKUP} handover" in everything  # an entry title, in the table
    assert f"Entry feedback {HOSTILE_MARKUP}" in everything  # feedback already in the file
    assert HOSTILE_TUTOR_NAME in everything  # the tutor who signed, in the summary


def test_the_import_dialog_and_the_feedback_panel_show_a_hostile_pdf_as_characters(
    course: ReviewCourse,
    returned: Path,
    qtbot: QtBot,
    *,
    tmp_path: Path,
    make_controller: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portfolio_app.gui.dialogs import feedback_import_dialog

    dialog = feedback_import_dialog.FeedbackImportDialog(course.student)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(returned))
    dialog.check()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=60_000)
    assert rich_text_leaks(dialog) == []
    details = dialog.details.toPlainText()
    assert f"Entry feedback {HOSTILE_MARKUP}" in details and HOSTILE_TUTOR_NAME in details
    # A staff CA "file" named in HTML that cannot be read: the error quotes its path.
    unreadable = tmp_path / HOSTILE_FILE
    unreadable.mkdir()
    monkeypatch.setattr(
        feedback_import_dialog.QFileDialog,
        "getOpenFileName",
        lambda *_args, **_kwargs: (str(unreadable), ""),
    )
    dialog.choose_staff_ca()
    assert HOSTILE_FILE in dialog.status_label.text()
    assert rich_text_leaks(dialog) == []

    dialog.path_edit.setText(str(returned))
    dialog.check()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=60_000)
    dialog.import_now()
    assert dialog.imported
    controller = make_controller(course.folder / "student")  # type: ignore[operator]
    controller.open_session(course.student)
    qtbot.waitExposed(controller.window)
    portfolio = controller.portfolio
    portfolio.show_entry(course.ids[0])
    panel = portfolio.editor.feedback_panel
    assert panel.isVisible()
    assert rich_text_leaks(panel) == []  # who answers for it, in the tooltip: the tutor's name
    assert f"Entry feedback {HOSTILE_MARKUP}" in panel.texts()[0]
    # The main window: titles in the list and the editor. Its own bold kind label is ours.
    leaks = rich_text_leaks(controller.window)
    assert [leak for leak in leaks if "VALID AND TRUSTED" in leak or "Dr Tomás" in leak] == []
