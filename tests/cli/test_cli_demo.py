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
    assert "40 entries, 10 events, 4 experiences" in result.out
    assert "list" in result.out
    with PortfolioService.open(target, "demo passphrase") as service:
        assert service.profile.name == "Zoë Ñúñez-Wróbel"


def test_demo_json(cli: Run, tmp_path: Path) -> None:
    result = cli("demo", "--data-dir", str(tmp_path / "d"), "--json")
    assert result.json() == {
        "data_dir": str(tmp_path / "d"),
        "passphrase": "demo passphrase",
        "entries": 40,
        "events": 10,
        "experiences": 4,
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
        assert service.entry_count() == 40
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
    assert 35 <= len(entries) <= 45
    days = [e.occurred_on.date() for e in entries if e.occurred_on]
    assert len(days) == len(entries)
    assert date(2024, 9, 1) <= min(days) and max(days) <= date(2026, 6, 30)
    assert {d.year for d in days} == {2024, 2025, 2026}
    assert Counter(e.status for e in entries).keys() == set(EntryStatus)
    assert Counter(e.kind for e in entries).keys() == set(EntryKind)
    for entry in entries:
        assert entry.created.tzinfo is not None and entry.updated >= entry.created
        assert entry.word_count > 20, entry.title


def test_demo_events_and_experiences(demo: PortfolioService) -> None:
    events = demo.events()
    assert 8 <= len(events) <= 10
    assert len({e.kind for e in events}) == len(events)  # all different kinds
    assert {
        "ipl-workshop",
        "sbar-simulation",
        "schwartz-round",
        "home-medication-review",
        "practice-placement",
    } <= {e.kind.value for e in events}
    assert all(e.professions_present and e.on for e in events)
    experiences = demo.experiences()
    assert {x.kind.value for x in experiences} == {
        "hospital-placement",
        "community-placement",
        "supervision",
        "schwartz-rounds",
    }
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
    for entry in entries:
        assert 1 <= len(entry.competencies) <= 3, entry.title
        for link in entry.competencies:
            assert link.framework_id == "ipec-2023"
            assert ipec.find(link.code) is not None
            rated += link.self_rating is not None
        assert entry.tags, entry.title
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
