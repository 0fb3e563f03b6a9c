"""Long text is compared and rendered off the GUI thread: the history diff and the plan pane.

A 20,000-line entry once kept the GUI thread busy for minutes when an older version was
selected in the history dialog, and a long plan rendered on the GUI thread each time its
reflection was shown (issue 8 item 5). Here the work is held at a function both the old and
the new code call (``difflib.SequenceMatcher.get_opcodes``, ``markdown_html.render_markdown``)
until the GUI thread has shown it is free: a QTimer must tick while the work waits. On the GUI
thread the timer could not tick, and the hold gives up with an error instead of letting a test
hang. No timing thresholds: events are counted, not ms.
"""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.history_dialog import COMPARING_TEXT, RevisionHistoryDialog

#: Ticks the GUI thread must show while a comparison is held (each one a pass of its loop).
TICKS = 5
#: How long a held comparison waits for them before it says the GUI thread is blocked.
HOLD_LIMIT_S = 10.0


def _sections(lines: list[str]) -> tuple[Section, ...]:
    """2,500 lines a section (a section holds at most 200,000 characters)."""
    return tuple(
        Section(f"Part {n + 1}", "\n".join(lines[at : at + 2_500]), f"part-{n}")
        for n, at in enumerate(range(0, len(lines), 2_500))
    )


def _huge_history(service: PortfolioService) -> tuple[str, int]:
    """An entry of 20,000 lines saved three times: versions differ on every tenth line, then
    all but one line goes."""
    lines = [
        f"Line {i}: the nurse and the pharmacist talked about dose {i * 7 % 997}."
        for i in range(20_000)
    ]
    entry = service.add_entry(
        EntryDraft(kind=EntryKind.REFLECTION, title="A very long entry", sections=_sections(lines))
    )
    edited = [
        line.replace("nurse", "physio") if i % 10 == 0 else line for i, line in enumerate(lines)
    ]
    service.save_entry(entry.replace(sections=_sections(edited)))
    service.save_entry(
        service.get_entry(entry.id).replace(
            title="A very long entry, shortened",
            sections=(Section("Part 1", "Only this line is left of the version before.", "p"),),
        )
    )
    return entry.id, len(service.revisions(entry.id))


class _Ticker:
    """Counts the GUI thread's timer ticks (read from the worker too: an int under the GIL)."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.count += 1


@pytest.fixture
def ticker() -> Iterator[_Ticker]:
    made = _Ticker()
    made.timer.start()
    yield made
    made.timer.stop()


class _Hold:
    """Holds the first call of ``owner.name`` until the GUI thread ticked, then runs it."""

    def __init__(
        self, ticker: _Ticker, monkeypatch: pytest.MonkeyPatch, owner: object, name: str
    ) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.ticks_while_held: list[int] = []
        self.on_gui_thread: list[bool] = []
        real = getattr(owner, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            if not self.entered.is_set():
                self.on_gui_thread.append(threading.current_thread() is threading.main_thread())
                self.entered.set()
                start = ticker.count
                deadline = time.monotonic() + HOLD_LIMIT_S
                while ticker.count < start + TICKS and time.monotonic() < deadline:
                    time.sleep(0.002)
                self.ticks_while_held.append(ticker.count - start)
                if ticker.count < start + TICKS:
                    raise AssertionError("the GUI thread did not run while the work was done")
                self.release.wait(HOLD_LIMIT_S)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    def wait_until_held(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(self.entered.is_set, timeout=int(HOLD_LIMIT_S * 1000))

    def check_the_gui_thread_ran(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: bool(self.ticks_while_held), timeout=int(HOLD_LIMIT_S * 2000))
        assert self.on_gui_thread == [False]
        assert self.ticks_while_held[0] >= TICKS


def _hold_difflib(ticker: _Ticker, monkeypatch: pytest.MonkeyPatch) -> _Hold:
    return _Hold(ticker, monkeypatch, difflib.SequenceMatcher, "get_opcodes")


def test_a_huge_comparison_runs_while_the_gui_thread_keeps_ticking(
    qtbot: QtBot, service: PortfolioService, ticker: _Ticker, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id, count = _huge_history(service)
    assert count == 3
    dialog = RevisionHistoryDialog(service, entry_id)
    qtbot.addWidget(dialog)
    dialog.show()
    hold = _hold_difflib(ticker, monkeypatch)
    dialog.table.selectRow(2)  # the first version: 20,000 lines against the one line now
    hold.wait_until_held(qtbot)
    assert dialog.diff_view.toPlainText() == COMPARING_TEXT
    assert dialog.changes_label.text() == COMPARING_TEXT
    hold.check_the_gui_thread_ran(qtbot)
    hold.release.set()
    qtbot.waitUntil(lambda: not dialog.diff_pending, timeout=60_000)
    shown = dialog.diff_view.toPlainText()
    assert "Only this line is left" in shown
    assert "removed" in dialog.changes_label.text()


def test_a_comparison_for_a_version_no_longer_selected_is_dropped(
    qtbot: QtBot, service: PortfolioService, ticker: _Ticker, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id, _count = _huge_history(service)
    dialog = RevisionHistoryDialog(service, entry_id)
    qtbot.addWidget(dialog)
    dialog.show()
    hold = _hold_difflib(ticker, monkeypatch)
    dialog.table.selectRow(1)  # every tenth line edited: held while the selection moves on
    hold.wait_until_held(qtbot)
    dialog.table.selectRow(2)
    assert dialog.diff_view.toPlainText() == COMPARING_TEXT
    seen: list[str] = []
    dialog.diff_view.textChanged.connect(lambda: seen.append(dialog.diff_view.toPlainText()))
    hold.release.set()
    qtbot.waitUntil(lambda: not dialog.diff_pending, timeout=60_000)
    # Row 1's result (its physio edits) arrived first and was dropped: only row 2's shows.
    assert len(seen) == 1
    assert "physio" not in seen[0]
    assert "Line 0: the nurse" in seen[0] and "Only this line is left" in seen[0]
    assert "more characters removed" in seen[0]  # 1.2 MB removed: its start is shown


def test_closing_the_dialog_while_it_compares_drops_the_result(
    qtbot: QtBot, service: PortfolioService
) -> None:
    entry_id, _count = _huge_history(service)
    dialog = RevisionHistoryDialog(service, entry_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(2)
    assert dialog.diff_pending
    dialog.reject()
    from portfolio_app.gui.background import wait_for_all

    assert wait_for_all(60_000)
    qtbot.wait(50)  # the queued result arrives and is dropped
    assert dialog.diff_view.toPlainText() == COMPARING_TEXT


def _plan_and_reflection(service: PortfolioService) -> str:
    """A plan of six sections of 99,000 characters (the guard converts each) and a reflection
    on it; the reflection's id."""
    paragraph = "I want to see how the *pharmacist* reviews [medicines](https://e.org). "
    body = (paragraph * (99_000 // len(paragraph)))[:99_000]
    plan = service.add_entry(
        EntryDraft(
            kind=EntryKind.PLAN,
            title="What I want to learn on the ward",
            sections=tuple(Section(f"Goal {n}", body, f"goal-{n}") for n in range(6)),
        )
    )
    reflection = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="How the ward went",
            sections=(Section("What?", "It went well.", "what"),),
            plan_id=plan.id,
        )
    )
    return reflection.id


def test_the_plan_beside_a_reflection_renders_while_the_gui_thread_keeps_ticking(
    open_app: Any,
    service: PortfolioService,
    qtbot: QtBot,
    ticker: _Ticker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portfolio_app.core import markdown_html

    reflection_id = _plan_and_reflection(service)
    portfolio = open_app.portfolio
    editor = open_app.window.editor
    hold = _Hold(ticker, monkeypatch, markdown_html, "render_markdown")
    portfolio.show_entry(reflection_id)
    hold.wait_until_held(qtbot)
    assert editor.entry_id == reflection_id
    assert editor.plan_box.isVisible()
    assert editor.plan_view.toPlainText() == "Showing the plan…"
    hold.check_the_gui_thread_ran(qtbot)
    hold.release.set()
    qtbot.waitUntil(
        lambda: "What I want to learn" in editor.plan_view.toPlainText(), timeout=60_000
    )
    assert "pharmacist reviews medicines" in editor.plan_view.toPlainText()
    assert "Goal 5" in editor.plan_view.toPlainText()
