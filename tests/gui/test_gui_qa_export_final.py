"""QA regression: the export dialog says when there is no final reflection to include.

Found by hand: a new student's export offered "Include the final reflection" although nothing
in the app had asked for one; the PDF then had a page saying none had been written.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.dialogs.export_dialog import ExportDialog


def test_the_final_reflection_box_says_when_none_is_written(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    assert "none written yet" in dialog.final_check.text()
    assert dialog.final_check.toolTip()


def test_the_final_reflection_box_is_plain_when_one_is_written(
    qtbot: QtBot, service: PortfolioService
) -> None:
    service.set_final_reflection("What two years of IPL taught me.")
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.final_check.text() == "I&nclude the final reflection"
