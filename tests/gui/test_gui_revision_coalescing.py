"""Ticking tags and competencies does not flood the history with identical-looking versions."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import CompetencyLink
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController


def test_link_changes_coalesce_into_the_recent_revision(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    entry_id = window.editor.entry_id
    portfolio = open_app.portfolio
    assert portfolio is not None
    before = len(service.revisions(entry_id))
    portfolio.op_update(entry_id, {"tags": ("handover",)})
    portfolio.op_update(entry_id, {"tags": ("handover", "sbar")})
    portfolio.op_update(entry_id, {"competencies": (CompetencyLink("ipec-2023", "C1"),)})
    assert len(service.revisions(entry_id)) == max(before, 1)
    assert service.revisions(entry_id)[0].entry.tags == ("handover", "sbar")
    portfolio.op_update(entry_id, {"title": "A real title now"})
    assert len(service.revisions(entry_id)) == max(before, 1) + 1
