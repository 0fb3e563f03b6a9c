"""``portfolio events`` and ``portfolio experiences``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes
from portfolio_app.core.services.portfolio_service import PortfolioService

PASSPHRASE = "correct horse battery staple"
Run = Callable[..., Any]


def test_events_add_and_list(portfolio: Run, cli_dir: Path) -> None:
    result = portfolio(
        "events",
        "add",
        "--kind",
        "Schwartz round",
        "--title",
        "Student round",
        "--date",
        "2025-05-14",
        "--place",
        "Lecture theatre",
        "--profession",
        "Medicine",
        "--profession",
        "Social work",
        "--notes",
        "Confidential.",
        "--hours",
        "1",
        "--confirmed-by",
        "Round facilitator",
    )
    assert result.code == 0, result.err
    event_id = result.out.strip()
    # The kind's guide goes to standard error, so standard output stays the id alone.
    assert "Suggested template: schwartz-round." in result.err
    assert "Do not record panellists'" in result.err
    with PortfolioService.open(cli_dir, PASSPHRASE) as service:
        event = service.get_event(event_id)
    assert event.kind.value == "schwartz-round"
    assert (event.title, event.place, event.notes) == (
        "Student round",
        "Lecture theatre",
        "Confidential.",
    )
    assert event.professions_present == ("Medicine", "Social work")
    assert event.on is not None and event.on.isoformat() == "2025-05-14"
    assert event.attended
    assert (event.hours, event.confirmed_by) == (1.0, "Round facilitator")
    portfolio("add", "--title", "After the round", "--event", event_id[:8])
    table = portfolio("events", "list").out.splitlines()
    assert table[0].split() == ["ID", "DATE", "KIND", "ENTRIES", "HOURS", "TITLE", "PROFESSIONS"]
    assert table[1].startswith(f"{event_id[:8]}  2025-05-14  Schwartz round  1        1 h ")
    assert table[1].endswith("Medicine, Social work")


def test_events_json(portfolio: Run) -> None:
    added = portfolio(
        "events", "add", "--kind", "ipl-workshop", "--title", "Roles", "--not-attended", "--json"
    ).json()
    assert added["kind"] == "ipl-workshop" and added["attended"] is False
    listed = portfolio("events", "list", "--json").json()
    assert listed == [{**added, "entries": 0}]
    assert set(added) == {
        "id",
        "kind",
        "kind_label",
        "title",
        "date",
        "place",
        "professions_present",
        "notes",
        "attended",
        "hours",
        "confirmed_by",
    }
    assert (added["hours"], added["confirmed_by"]) == (None, "")


def test_events_list_when_empty(portfolio: Run) -> None:
    result = portfolio("events", "list")
    assert result.code == 0 and result.out == ""
    assert "No events yet" in result.err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--kind", "party", "--title", "x"), exit_codes.FAILED, "unknown event kind 'party'"),
        (("--kind", "ipl-workshop", "--title", " "), exit_codes.FAILED, "needs a title"),
        (
            ("--kind", "ipl-workshop", "--title", "x", "--date", "soon"),
            exit_codes.USAGE,
            "YYYY-MM-DD",
        ),
        (("--title", "x"), exit_codes.USAGE, "--kind"),
    ],
)
def test_events_add_bad_input(
    portfolio: Run, args: tuple[str, ...], code: int, message: str
) -> None:
    result = portfolio("events", "add", *args)
    assert result.code == code
    assert message in result.err
    assert portfolio("events", "list", "--json").json() == []


def test_events_needs_an_action(portfolio: Run) -> None:
    assert portfolio("events").code == exit_codes.USAGE


def test_data_dir_is_accepted_before_and_after_the_action(cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "other"
    assert cli("--data-dir", str(target), "init", "--name", "N").code == 0
    first = cli(
        "--data-dir", str(target), "events", "add", "--kind", "supervision", "--title", "one"
    )
    second = cli(
        "events", "--data-dir", str(target), "add", "--kind", "supervision", "--title", "two"
    )
    third = cli(
        "events", "add", "--data-dir", str(target), "--kind", "supervision", "--title", "three"
    )
    assert (first.code, second.code, third.code) == (0, 0, 0), first.err + second.err + third.err
    titles = {e["title"] for e in cli("events", "list", "--data-dir", str(target), "--json").json()}
    assert titles == {"one", "two", "three"}
    # The default folder (PORTFOLIO_DATA_DIR) was never created.
    assert cli("events", "list").code == exit_codes.NO_PORTFOLIO


def test_experiences_add_and_list(portfolio: Run, cli_dir: Path) -> None:
    result = portfolio(
        "experiences",
        "add",
        "--kind",
        "community-placement",
        "--title",
        "District nursing",
        "--setting",
        "City team",
        "--supervisor",
        "Practice supervisor",
        "--from",
        "2025-09-29",
        "--to",
        "2026-01-30",
        "--notes",
        "Home visits",
        "--hours",
        "112.5",
        "--confirmed-by",
        "Practice assessor",
        "--json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["kind"] == "community-placement"
    assert (data["setting"], data["supervisor"], data["notes"]) == (
        "City team",
        "Practice supervisor",
        "Home visits",
    )
    assert (data["starts_on"], data["ends_on"]) == ("2025-09-29", "2026-01-30")
    assert (data["hours"], data["confirmed_by"]) == (112.5, "Practice assessor")
    portfolio("add", "--title", "Visit", "--experience", data["id"])
    listed = portfolio("experiences", "list", "--json").json()
    assert listed == [{**data, "entries": 1}]
    table = portfolio("experiences", "list").out.splitlines()
    assert table[0].split() == [
        "ID",
        "FROM",
        "TO",
        "KIND",
        "ENTRIES",
        "HOURS",
        "CONFIRMED",
        "BY",
        "TITLE",
    ]
    assert "Community placement" in table[1] and "District nursing" in table[1]
    assert "112.5 h" in table[1] and "Practice assessor" in table[1]
    plain = portfolio("experiences", "add", "--kind", "supervision", "--title", "Tutor")
    assert len(plain.out.strip()) == 32


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "holiday", "--title", "x"), "unknown experience kind 'holiday'"),
        (
            ("--kind", "supervision", "--title", "x", "--from", "2025-02-01", "--to", "2025-01-01"),
            "cannot end",
        ),
    ],
)
def test_experiences_add_bad_input(portfolio: Run, args: tuple[str, ...], message: str) -> None:
    result = portfolio("experiences", "add", *args)
    assert result.code == exit_codes.FAILED
    assert message in result.error_line
    assert portfolio("experiences", "list", "--json").json() == []


def test_experiences_list_when_empty(portfolio: Run) -> None:
    result = portfolio("experiences", "list")
    assert result.code == 0
    assert "No experiences yet" in result.err


def test_kinds_list_every_kind_with_its_template(portfolio: Run) -> None:
    events = portfolio("events", "kinds", "--json").json()
    by_kind = {row["kind"]: row for row in events}
    assert by_kind["quality-improvement"]["template"] == "pdsa-cycle"
    assert by_kind["leicester-model-placement"]["template"] == "leicester-model-placement"
    assert "Leicester Model" in by_kind["leicester-model-placement"]["about"]
    assert by_kind["third-sector-placement"]["label"] == "Third-sector placement"
    assert by_kind["community-placement"]["label"] == "Community placement"
    experiences = portfolio("experiences", "kinds").out
    assert "quality-improvement-project" in experiences and "pdsa-cycle" in experiences
    # The old combined label still reads, as the community half it always stored.
    old = portfolio(
        "events", "add", "--kind", "Third-sector or community placement", "--title", "x", "--json"
    ).json()
    assert old["kind"] == "community-placement"
    bad = portfolio("events", "add", "--kind", "ipl-workshop", "--title", "x", "--hours", "-1")
    assert bad.code != 0 and "not a number of hours" in bad.err
    over = portfolio("events", "add", "--kind", "ipl-workshop", "--title", "x", "--hours", "130")
    assert over.code != 0 and "between 0 and 120" in over.err
