"""QA regression: the identifier findings table uses its width, so rows stay a few lines tall.

Found by hand: with three findings the rows were ~110 px each (the text wrapped as if the
columns were narrow, because the rows were measured while the page was still hidden), so only
three findings fitted on screen.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.export_dialog import ExportDialog


def test_finding_rows_are_sized_for_the_visible_table(
    qtbot: QtBot, service: PortfolioService, tmp_path: Path
) -> None:
    service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="Falls huddle with physio",
            sections=(
                Section("Description", "I met Mr Smith, aged 84, on Ward 7 after his fall.", "d"),
            ),
        )
    )
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.path_edit.setText(str(tmp_path / "out.pdf"))
    dialog.export_button.click()
    assert dialog.stack.currentIndex() == ExportDialog.FINDINGS
    table = dialog.findings_table
    rows = dialog.findings_model.rowCount()
    assert rows == 3
    qtbot.wait(50)  # let the shown page lay out
    line = table.fontMetrics().lineSpacing()
    # The longest cell is the advice (two sentences): at the dialog's width it takes at most
    # three lines; the old sizing gave it six or more.
    tallest = max(table.rowHeight(row) for row in range(rows))
    assert tallest <= line * 4 + 10, (tallest, line)
    # and the rows still fit their text (nothing cut off)
    for row in range(rows):
        assert table.rowHeight(row) >= table.sizeHintForRow(row) - 1
