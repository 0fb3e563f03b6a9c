"""``portfolio coverage`` and deleting events and experiences from the command line."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portfolio_app.cli.main import main
from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

PASS = "correct horse battery staple"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def filled(
    service: PortfolioService, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round on end of life")
    experience = service.add_experience(ExperienceKind.SUPERVISION, "Clinical supervision")
    entry = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="After the round",
            sections=(Section("R", "text"),),
            event_ids=(event.id,),
            experience_ids=(experience.id,),
            competencies=(
                CompetencyLink("ipec-2023", "VE3", 2),
                CompetencyLink("ipec-2023", "TT"),
                CompetencyLink("nmc-fn-2018", "5.4"),
            ),
            occurred_on=datetime(2025, 2, 3, tzinfo=UTC),
        )
    )
    service.add_entry(
        EntryDraft(
            kind=EntryKind.NOTE,
            title="Later",
            competencies=(CompetencyLink("ipec-2023", "VE3", 4),),
            occurred_on=datetime(2025, 10, 3, tzinfo=UTC),
        )
    )
    service.close()
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", PASS)
    return {"event": event.id, "experience": experience.id, "entry": entry.id}


def test_coverage_counts_evidence_and_gaps(filled: dict[str, str], data_dir: Path) -> None:
    code, out, err = _run("coverage", "--data-dir", str(data_dir))
    assert code == 0, err
    assert "2 of 16 listed competencies evidenced" in out
    assert "IPEC 2023: 15 of its 33 sub-competencies are listed in this pack" in out
    assert "No evidence yet" in out
    lines = out.splitlines()
    ve3 = next(line for line in lines if line.startswith("VE3 "))
    assert "  Protect people's dignity" in ve3  # indented under VE, with a bar
    assert "████████████" in ve3
    assert "Autumn 2025" in out and "+2" in out  # self-ratings 2 then 4
    assert "Suggestions for your next plan" in out
    code, out, _err = _run("coverage", "--data-dir", str(data_dir), "--json")
    report = json.loads(out)
    assert report["framework"] == "ipec-2023"
    assert report["complete"] is False and report["statements_in_framework"] == 33
    rows = {r["code"]: r for r in report["competencies"]}
    assert sorted(e["title"] for e in rows["VE3"]["entries"]) == ["After the round", "Later"]
    assert rows["VE3"]["depth"] == 1 and rows["TT"]["whole_only"] is True
    assert "VE1" in report["gaps"] and "VE3" not in report["gaps"]
    assert report["self_ratings"]["competencies"] == [
        {"code": "VE3", "by_term": [2, None, 4], "growth": 2}
    ]
    assert len(report["suggestions"]) == 5
    # The same entry counts in the UK pack too: one entry, several frameworks.
    code, out, _err = _run(
        "coverage", "--data-dir", str(data_dir), "--framework", "nmc-fn-2018", "--json"
    )
    nmc = json.loads(out)
    assert nmc["evidenced"] == 1 and nmc["listed"] == 105  # 103 statements + 2 annexes
    assert nmc["gaps"][0] == "1.1" and "5.4" not in nmc["gaps"]
    code, _out, err = _run("coverage", "--data-dir", str(data_dir), "--framework", "nope")
    assert code == 1 and "no framework 'nope'" in err


def test_deleting_events_and_experiences_keeps_entries(
    filled: dict[str, str], data_dir: Path
) -> None:
    d = ("--data-dir", str(data_dir))
    code, out, err = _run("events", "delete", filled["event"][:8], *d)
    assert code == 0 and "Round on end of life" in out, err
    code, out, err = _run("experiences", "delete", filled["experience"], *d)
    assert code == 0 and "Clinical supervision" in out, err
    code, _out, err = _run("events", "delete", "missing-id", *d)
    assert code == 1 and "no event" in err
    with PortfolioService.open(data_dir, PASS) as opened:
        entry = opened.get_entry(filled["entry"])
        assert entry.event_ids == () and entry.experience_ids == ()
        assert opened.events() == [] and opened.experiences() == []
