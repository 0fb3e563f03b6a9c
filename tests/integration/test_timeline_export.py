"""The timeline in the signed export: printed under each entry, notes where dates look wrong,
and a portfolio.json whose chains an outside verifier can recompute from the documented
definitions alone."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import Entry, EntryKind, Section
from portfolio_app.core.domain.ids import EntryId, new_id
from portfolio_app.core.services.export_service import export_portfolio, extract_portfolio_json
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.timeline.chain import (
    check_head_content,
    links_from_json,
    portfolio_head,
)
from tests.integration.test_export_support import PASSPHRASE, STUDENT


def _at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    service, _ = PortfolioService.create(tmp_path / "p", PASSPHRASE, STUDENT)
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round", on=date(2026, 3, 12))
        plan = Entry(
            id=EntryId(new_id()),
            kind=EntryKind.PLAN,
            title="Plan for the round",
            sections=(Section("Plan", "Listen."),),
            created=_at(date(2026, 3, 14)),
            updated=_at(date(2026, 3, 14)),
            event_ids=(event.id,),
        )
        reflection = Entry(
            id=EntryId(new_id()),
            kind=EntryKind.REFLECTION,
            title="Reflection on the round",
            sections=(Section("What?", "Everyone listened."),),
            created=_at(date(2026, 3, 13)),
            updated=_at(date(2026, 3, 13)),
            occurred_on=_at(date(2026, 3, 12), 12),
            plan_id=plan.id,
            event_ids=(event.id,),
        )
        service.add_entries_bulk([plan, reflection])
        edited = service.get_entry(reflection.id)
        service.save_entry(edited.replace(title="Reflection on the round, revised"))
        out = tmp_path / "portfolio.pdf"
        export_portfolio(service, out, acknowledge_findings=True)
    return out


def test_portfolio_json_chains_check_from_the_definitions(exported: Path) -> None:
    document = extract_portfolio_json(exported)
    assert document is not None
    timeline = document["timeline"]
    assert timeline["chain_format"] == "rp-revision-chain/1" and timeline["chain_origin"] == "new"
    assert timeline["late_entry_days"] == 28 and "student's own computer clock" in timeline["clock"]
    heads = {}
    for entry in document["entries"]:
        links, problems = links_from_json(entry["id"], entry["timeline"]["links"])
        assert problems == []
        assert check_head_content(entry, links, entry["timeline"]["head_salt"]) is None
        assert entry["timeline"]["head"] == links[-1].hash
        heads[entry["id"]] = links[-1].hash
    assert timeline["portfolio_head"] == portfolio_head(heads)
    kinds = sorted(note["kind"] for note in timeline["notes"])
    assert kinds == ["plan-after-event", "reflection-before-plan"]
    revised = next(e for e in document["entries"] if e["title"].endswith("revised"))
    assert revised["timeline"]["revisions"] == 2 and revised["timeline"]["edits"] == 2


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_pdf_prints_the_timeline_and_the_notes_under_their_entries(exported: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(exported), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    assert "First written 14 Mar 2026" in flat
    assert "First written 13 Mar 2026" in flat and "2 saved versions" in flat
    # In the entries (after the contents page, which names both): the plan, its note, then
    # the reflection that answers it.
    plan_at = flat.index("E1 · Plan: Plan for the round 14 March 2026")
    note_at = flat.index("This plan was first written on 14 Mar 2026, 2 days after the event")
    reflection_at = flat.index("E2 · Reflection: Reflection on the round, revised", plan_at)
    assert plan_at < note_at < reflection_at
    assert "before the plan it answers ('Plan for the round', first written on 14 Mar 2026)" in (
        flat
    )
    assert "portfolio verify --compare EARLIER.pdf LATER.pdf" in flat
    assert "2 timeline notes are printed beside the entries concerned" in flat
