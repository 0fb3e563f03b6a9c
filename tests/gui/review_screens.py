"""Open the review window or the student's editor with feedback, for screenshots under Xvfb
(not a test).

    /work/shared/tools/screenshot out.png --delay 14 -- \\
        .venv/bin/python tests/gui/review_screens.py review|editor|import [--dark]

``review``: a tutor's Review window on a student's signed export, feedback typed for two
entries (one with markup, shown as characters), the decision and a comment filled in.
``editor``: the student's main window after importing the tutor's countersigned copy, on the
entry with feedback. ``import``: the Import tutor feedback dialog after checking that copy.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtWidgets import QApplication, QWidget
from review_samples import HOSTILE_FEEDBACK, build_review_course, countersign_with_feedback

from portfolio_app.core.preferences import Preferences
from portfolio_app.core.services import feedback_service
from portfolio_app.core.services.export_service import TrustInputs
from portfolio_app.core.services.review_service import review_file
from portfolio_app.gui.theme import ThemeManager


def main() -> int:
    which = sys.argv[1] if len(sys.argv) > 1 else "review"
    app = QApplication(sys.argv[:1])
    themes = ThemeManager(app, "dark" if "--dark" in sys.argv else "light")
    themes.apply()
    folder = Path(tempfile.mkdtemp(prefix="review-screens-"))
    course = build_review_course(folder / "course")
    trust = TrustInputs(trust=(("ca", course.ca_cert.read_bytes()),))
    window: QWidget
    keep: list[object] = []
    if which == "review":
        from portfolio_app.gui.dialogs.review_window import ReviewWindow

        review = ReviewWindow(course.tutor)
        review.path_edit.setText(str(course.signed))
        review.show_view(review_file(course.signed, trust=trust))
        review.table.selectRow(0)
        review.entry_feedback.setPlainText(
            "Zoë, a clear account of SBAR. Next time, say what you would do differently.\n"
            + HOSTILE_FEEDBACK
        )
        review.table.selectRow(1)
        review.entry_feedback.setPlainText("Good link to listening; Σοφία's point deserves more.")
        review.overall_edit.setPlainText("Partially meets: honest reflections; link them to plans.")
        review.decision_combo.setCurrentIndex(review.decision_combo.findData("partially-meets"))
        review.comment_edit.setText("See the feedback boxes.")
        window = review
    elif which == "import":
        from portfolio_app.gui.dialogs.feedback_import_dialog import FeedbackImportDialog

        returned = countersign_with_feedback(course, folder / "returned.pdf")
        dialog = FeedbackImportDialog(course.student)
        dialog.path_edit.setText(str(returned))
        dialog.check()
        window = dialog
    else:
        from portfolio_app.gui.controllers.app_controller import AppController

        returned = countersign_with_feedback(course, folder / "returned.pdf")
        feedback_service.import_feedback(course.student, returned)
        controller = AppController(app, folder / "course" / "student", Preferences(), themes)
        controller.open_session(course.student)
        assert controller.window is not None and controller.portfolio is not None
        from portfolio_app.gui.item_models.entry_table_model import EntryIdRole

        listing = controller.portfolio.entry_list
        for row in range(listing.proxy.rowCount()):
            if listing.proxy.index(row, 0).data(EntryIdRole) == course.ids[0]:
                listing.table.selectRow(row)
        controller.portfolio.show_entry(course.ids[0])
        keep.append(controller)
        window = controller.window
    window.resize(1280, 820)
    window.show()
    code = app.exec()
    course.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
