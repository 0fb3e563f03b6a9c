"""``portfolio demo`` and the demo portfolio it builds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes
from portfolio_app.core.domain.entries import EntryKind, EntryStatus
from portfolio_app.core.domain.privacy_guard import find_identifiers
from portfolio_app.core.reflective_templates import load_templates
from portfolio_app.core.services.demo_portfolio import (
    DEMO_PASSPHRASE,
    FINAL_REFLECTION,
    build_demo_portfolio,
)
from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

Run = Callable[..., Any]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortfolioService]:
    """One demo portfolio, built once for the content tests (cheap KDF)."""
    from portfolio_app.core.vault import kdf

    saved = kdf.default_params
    kdf.default_params = lambda: kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    try:
        service = build_demo_portfolio(tmp_path_factory.mktemp("demo") / "d", DEMO_PASSPHRASE)
    finally:
        kdf.default_params = saved
    yield service
    service.close()


def test_demo_verb_creates_the_demo_and_says_how_to_open_it(cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "demo dir"
    result = cli("demo", "--data-dir", str(target))
    assert result.code == 0, result.err
    assert "Passphrase: demo passphrase" in result.out
    assert str(target) in result.out
    assert "46 entries, 13 events, 5 experiences" in result.out
    assert "list" in result.out
    with PortfolioService.open(target, "demo passphrase") as service:
        assert service.profile.name == "Zoë Ñúñez-Wróbel"


def test_demo_json(cli: Run, tmp_path: Path) -> None:
    result = cli("demo", "--data-dir", str(tmp_path / "d"), "--json")
    assert result.json() == {
        "data_dir": str(tmp_path / "d"),
        "passphrase": "demo passphrase",
        "entries": 46,
        "events": 13,
        "experiences": 5,
    }


def test_demo_uses_portfolio_data_dir_when_set(cli: Run, cli_dir: Path) -> None:
    assert cli("demo").code == 0
    assert portfolio_exists(cli_dir)


def test_demo_does_not_take_the_usual_folder(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTFOLIO_DATA_DIR")
    usual = tmp_path / "user-data" / "ReflectivePortfolio"
    monkeypatch.setattr("portfolio_app.cli.context.default_data_dir", lambda: usual)
    result = cli("demo")
    assert result.code == 0, result.err
    assert portfolio_exists(usual.with_name("ReflectivePortfolio demo"))
    assert not portfolio_exists(usual)


def test_demo_twice_needs_force_and_force_replaces_it(cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "d"
    assert cli("demo", "--data-dir", str(target)).code == 0
    with PortfolioService.open(target, DEMO_PASSPHRASE) as service:
        first_ids = {e.id for e in service.entries()}
    again = cli("demo", "--data-dir", str(target))
    assert again.code == exit_codes.FAILED
    assert "--force" in again.error_line
    forced = cli("demo", "--data-dir", str(target), "--force")
    assert forced.code == 0, forced.err
    with PortfolioService.open(target, DEMO_PASSPHRASE) as service:
        assert service.entry_count() == 46
        assert not first_ids & {e.id for e in service.entries()}


def test_demo_force_never_replaces_a_real_portfolio(portfolio: Run, cli_dir: Path) -> None:
    portfolio("add", "--title", "My real work", stdin="precious")
    result = portfolio("demo", "--force")
    assert result.code == exit_codes.FAILED
    assert "not a demo portfolio" in result.error_line
    assert [e["title"] for e in portfolio("list", "--json").json()] == ["My real work"]


# ---- the content --------------------------------------------------------------------------


def test_demo_has_no_patient_identifiers(demo: PortfolioService) -> None:
    texts = [f"{e.title}\n\n{e.body_markdown}" for e in demo.entries()]
    texts.append(demo.final_reflection)
    findings = {text[:40]: find_identifiers(text) for text in texts}
    assert {k: v for k, v in findings.items() if v} == {}
    # ...and the guard would have noticed one, so the check above means something.
    planted = texts[0] + "\n\nThe patient, Mrs Kowalski, aged 84, was on Ward 7."
    assert {f.kind for f in find_identifiers(planted)} == {"titled_name", "age", "place"}


def test_demo_student_and_shape(demo: PortfolioService) -> None:
    profile = demo.profile
    assert profile.name == "Zoë Ñúñez-Wróbel"
    assert profile.student_id and profile.institution and "Nursing" in profile.programme
    entries = demo.entries()
    assert 35 <= len(entries) <= 50
    days = [e.occurred_on.date() for e in entries if e.occurred_on]
    assert len(days) == len(entries)
    assert date(2024, 9, 1) <= min(days) and max(days) <= date(2026, 6, 30)
    assert {d.year for d in days} == {2024, 2025, 2026}
    # every status but "feedback received", which only importing a tutor's signed PDF sets
    assert Counter(e.status for e in entries).keys() == set(EntryStatus) - {
        EntryStatus.FEEDBACK_RECEIVED
    }
    assert Counter(e.kind for e in entries).keys() == set(EntryKind)
    for entry in entries:
        assert entry.created.tzinfo is not None and entry.updated >= entry.created
        assert entry.word_count > 20, entry.title


def test_demo_events_and_experiences(demo: PortfolioService) -> None:
    events = demo.events()
    assert 8 <= len(events) <= 13
    assert len({e.kind for e in events}) == len(events)  # all different kinds
    assert {
        "ipl-workshop",
        "sbar-simulation",
        "schwartz-round",
        "home-medication-review",
        "leicester-model-placement",
        "third-sector-placement",
        "patient-carer-group",
        "online-module",
        "quality-improvement",
    } <= {e.kind.value for e in events}
    assert all(e.professions_present and e.on for e in events)
    # Every event has its hours and who confirmed them (the PDF's attendance record).
    assert all(e.hours and e.confirmed_by for e in events)
    experiences = demo.experiences()
    assert {x.kind.value for x in experiences} == {
        "hospital-placement",
        "community-placement",
        "supervision",
        "schwartz-rounds",
        "quality-improvement-project",
    }
    assert sum(x.hours or 0 for x in experiences) == 300 + 262.5 + 12 + 20
    linked_events = {i for e in demo.entries() for i in e.event_ids}
    linked_experiences = {i for e in demo.entries() for i in e.experience_ids}
    assert linked_events == {e.id for e in events}
    assert linked_experiences == {x.id for x in experiences}


def test_demo_plans_are_answered_by_later_reflections(demo: PortfolioService) -> None:
    plans = [e for e in demo.entries() if e.kind is EntryKind.PLAN]
    assert len(plans) >= 8
    for plan in plans:
        answers = demo.reflections_for_plan(plan.id)
        assert len(answers) == 1, plan.title
        assert answers[0].kind is EntryKind.REFLECTION
        assert plan.occurred_on and answers[0].occurred_on
        assert plan.occurred_on < answers[0].occurred_on
        assert plan.template_id == "pre-event-plan"


def test_demo_uses_every_template_with_its_headings(demo: PortfolioService) -> None:
    templates = {t.id: t for t in load_templates()}
    entries = demo.entries()
    assert {e.template_id for e in entries} == set(templates)
    for entry in entries:
        template = templates[entry.template_id]
        assert [s.key for s in entry.sections] == [s.key for s in template.sections]
        assert [s.heading for s in entry.sections] == [s.heading for s in template.sections]
        assert all(s.body.strip() for s in entry.sections), entry.title
        assert template.suits(entry.kind.value), entry.title


def test_demo_competencies_tags_and_professions(demo: PortfolioService) -> None:
    entries = demo.entries()
    ipec = demo.get_framework("ipec-2023")
    rated = 0
    nmc = demo.get_framework("nmc-fn-2018")
    packs = {"ipec-2023": ipec, "nmc-fn-2018": nmc}
    both = 0
    for entry in entries:
        per_framework = Counter(link.framework_id for link in entry.competencies)
        assert per_framework["ipec-2023"] >= 1, entry.title  # every entry evidences IPEC
        assert max(per_framework.values()) <= 3, entry.title  # 1-3 per framework
        both += len(per_framework) == 2
        for link in entry.competencies:
            assert link.framework_id in packs
            assert packs[link.framework_id].find(link.code) is not None
            rated += link.self_rating is not None
        assert entry.tags, entry.title
    assert both >= 15  # one entry, two frameworks: IPEC and the NMC's standards
    assert 15 <= rated < sum(len(e.competencies) for e in entries)
    assert len(demo.all_tags()) >= 20
    assert sum(1 for e in entries if e.professions) >= 20


def test_demo_markdown_is_rich(demo: PortfolioService) -> None:
    text = "\n\n".join(e.body_markdown for e in demo.entries())
    assert re.search(r"(?<!\*)\*[^*\n]+\*(?!\*)", text)  # emphasis
    assert "**" in text  # strong
    assert re.search(r"^- ", text, re.MULTILINE)  # bullet list
    assert re.search(r"^1\. ", text, re.MULTILINE)  # numbered list
    assert re.search(r"^> ", text, re.MULTILINE)  # a quote
    assert len(re.findall(r"^\|---", text, re.MULTILINE)) == 1  # one small table
    # Paragraphs are not hard-wrapped the way the source code is.
    assert all(
        len(p.split("\n")) == 1
        for p in text.split("\n\n")
        if not p.startswith(("|", "- ", "1. ", "## "))
    )


def test_demo_final_reflection(demo: PortfolioService) -> None:
    assert demo.final_reflection == FINAL_REFLECTION
    assert len(FINAL_REFLECTION.split()) > 150
    assert "## What I will carry forward" in FINAL_REFLECTION


def test_demo_search_finds_its_content(demo: PortfolioService) -> None:
    assert demo.search("readback")
    assert demo.search("#teamwork")
    assert demo.search("kind:plan code:rr4")


def test_demo_is_deterministic(demo: PortfolioService, tmp_path: Path) -> None:
    again = build_demo_portfolio(tmp_path / "again", DEMO_PASSPHRASE)
    try:

        def shape(service: PortfolioService) -> list[tuple[object, ...]]:
            return [
                (e.title, e.body_markdown, e.created, e.updated, e.status, e.tags, e.competencies)
                for e in service.entries()
            ]

        assert shape(again) == shape(demo)
    finally:
        again.close()


def test_demo_refuses_a_folder_with_a_portfolio(demo: PortfolioService) -> None:
    from portfolio_app.core.domain.errors import PortfolioExistsError

    with pytest.raises(PortfolioExistsError):
        build_demo_portfolio(demo.data_dir, DEMO_PASSPHRASE)


def test_demo_coverage_matches_a_hand_count(demo: PortfolioService) -> None:
    """The coverage numbers for the demo, against counts made by hand from demo_portfolio.py.

    How the counts were made: reading the ``competencies=`` line of every _EntrySpec in
    core/services/demo_portfolio.py (46 entries) and writing down, for each code, the keys of
    the entries that name it. A code without a framework prefix is IPEC 2023; "nmc-fn-2018:"
    codes are the NMC Future nurse pack.
    """
    from portfolio_app.core.domain.coverage import coverage, rating_heatmap, summarise

    entries = demo.entries()
    # -- IPEC 2023: the pack lists 15 sub-competencies (VE1, VE3-VE10, RR1-RR5, C1) and offers
    # TT as a whole, so 16 linkable items are counted (the headings VE, RR and C are not).
    # The demo links every one of them (VE2 is not in the pack and no entry names it):
    ipec_hand = {
        "RR4": 15,  # start, workshop-plan, workshop, physio-plan-change, paired-plan, paired,
        # year1, district-plan, pharmacist-call, stroke-plan, stroke, module, paired-manager,
        # registration, looking-back
        "TT": 12,  # board-round, handover, sbar, readback-ward, present-back, stroke-plan,
        # gp-letter, conflict, qi, paired-manager, registration, looking-back
        "C1": 11,  # workshop-plan, workshop, escalation, sbar-plan, sbar, present-back,
        # medicines-plan, medicines, supervision-plan, outreach-plan, outreach
        "RR2": 10,  # leicester-plan, leicester, district-plan, district, charity-plan, charity,
        # outreach-plan, outreach, carer-group, leicester-cycle
        "VE10": 7,  # first-supervision, schwartz-plan, schwartz, supervision-plan,
        # supervision, schwartz-2, conflict
        "VE8": 2,  # escalation, tutor-feedback
        "VE3": 3,  # carers, medicines-plan, medicines
        "RR5": 3,  # physio-plan-change, schwartz, supervision
        # C, the heading: C itself (handover, sbar-plan, readback-ward, gp-letter) plus C1's
        # eleven, with sbar-plan in both: 4 + 11 - 1 = 14 distinct entries.
        "C": 14,
    }
    rows = {r.code: r for r in coverage(demo.get_framework("ipec-2023"), entries)}
    assert {code: rows[code].count for code in ipec_hand} == ipec_hand
    summary = summarise(list(rows.values()))
    assert (summary.evidenced, summary.total, summary.gaps) == (16, 16, ())
    assert summary.linked_entries == 46  # every demo entry links to IPEC 2023
    assert "VE2" not in rows

    # -- NMC Future nurse: 103 platform statements plus Annexes A and B as wholes = 105 items.
    # 14 distinct codes are linked, by 19 entries (each entry names one NMC code):
    nmc_hand = {
        "5.4": 3,  # workshop, module, looking-back
        "4.10": 2,  # escalation, sbar
        "1.17": 2,  # tutor-feedback, supervision-note
        "7.1": 2,  # district, leicester-cycle
        # one entry each: 1.14 carer-group, 1.5 schwartz, 2.3 leicester, 2.5 outreach,
        # 3.4 stroke, 4.15 medicines, 5.1 paired-manager, 5.10 supervision, 6.4 qi, 7.9 charity
        **dict.fromkeys(
            ["1.14", "1.5", "2.3", "2.5", "3.4", "4.15", "5.1", "5.10", "6.4", "7.9"], 1
        ),
    }
    nmc = demo.get_framework("nmc-fn-2018")
    nmc_rows = coverage(nmc, entries)
    counted = {r.code: r.count for r in nmc_rows if r.count and not r.is_heading}
    assert counted == nmc_hand
    nmc_summary = summarise(nmc_rows)
    assert (nmc_summary.evidenced, nmc_summary.total) == (14, 105)
    assert nmc_summary.gap_count == 91 and nmc_summary.linked_entries == 19
    assert nmc_summary.describe() == "14 of 105 listed competencies evidenced"
    # 5.4 was rated 1 (workshop, autumn 2024), 3 (module, autumn 2025), 4 (looking back,
    # summer 2026); 4.10 was rated 2 then 3, both in spring 2025: the latest wins.
    grid = {row.code: row for row in rating_heatmap(nmc, entries).rows}
    assert (grid["5.4"].first, grid["5.4"].latest, grid["5.4"].growth) == (1, 4, 3)
    assert (grid["4.10"].first, grid["4.10"].latest) == (2, 3)

    # -- Hours: events 3.5 + 15 + 3 + 1 + 37.5 + 14 + 4 + 1.5 + 30 + 5 + 2 + 4 + 6 = 126.5;
    # experiences 300 + 262.5 + 12 + 20 = 594.5 (the Schwartz Rounds series has none).
    assert sum(e.hours or 0 for e in demo.events()) == 126.5
    assert sum(x.hours or 0 for x in demo.experiences()) == 594.5


def test_demo_has_evidence_files_that_are_what_they_say(demo: PortfolioService) -> None:
    """The Evidence tab and the export's evidence list have something to show: a typed-up
    SBAR card and a whiteboard photo, each passing the same type check as a student's file."""
    from portfolio_app.core.evidence.files import sniff

    files = {info.filename: info for info in demo.attachments()}
    assert set(files) == {"SBAR card from the simulation.txt", "PDSA whiteboard.png"}
    titles = {e.id: e.title for e in demo.entries()}
    assert titles[files["PDSA whiteboard.png"].entry_id].startswith("PDSA:")
    assert titles[files["SBAR card from the simulation.txt"].entry_id].startswith("SBAR")
    for info in files.values():
        data = demo.read_attachment(info.id)
        assert sniff(data) == info.media_type
    assert find_identifiers(" ".join(files)) == []
