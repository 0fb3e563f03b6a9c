"""ExportSelection (what goes in) and build_plan (in which order, with which numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import Entry, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.export.plan import OTHER_GROUP_KEY, GroupKind, build_plan
from portfolio_app.core.export.selection import ExportSelection, select_entries


def _entry(
    key: str,
    day: date,
    *,
    kind: EntryKind = EntryKind.NOTE,
    status: EntryStatus = EntryStatus.DRAFT,
    tags: tuple[str, ...] = (),
    plan: str | None = None,
    events: tuple[str, ...] = (),
    experiences: tuple[str, ...] = (),
) -> Entry:
    when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return Entry(
        id=EntryId(key),
        kind=kind,
        title=f"Entry {key}",
        sections=(Section("Text", "Body"),),
        status=status,
        created=when,
        updated=when,
        occurred_on=when,
        plan_id=EntryId(plan) if plan else None,
        event_ids=tuple(EventId(e) for e in events),
        experience_ids=tuple(ExperienceId(x) for x in experiences),
        tags=tags,
    )


ENTRIES = [
    _entry("a", date(2024, 9, 10), status=EntryStatus.READY, tags=("Placement",)),
    _entry("b", date(2024, 10, 1), status=EntryStatus.SUBMITTED, tags=("sbar",)),
    _entry("c", date(2025, 1, 5), status=EntryStatus.DRAFT, tags=("placement", "sbar")),
]


def test_default_selection_is_everything() -> None:
    selection = ExportSelection()
    assert selection.is_everything
    assert select_entries(ENTRIES, selection) == ENTRIES
    assert selection.describe() == "All entries in the portfolio."


def test_date_range_is_inclusive() -> None:
    selection = ExportSelection(date_from=date(2024, 10, 1), date_to=date(2025, 1, 5))
    assert [e.id for e in select_entries(ENTRIES, selection)] == ["b", "c"]


def test_statuses_and_tags_are_any_of_and_combine_with_and() -> None:
    by_status = ExportSelection.from_values(statuses=["ready", "Submitted"])
    assert [e.id for e in select_entries(ENTRIES, by_status)] == ["a", "b"]
    by_tag = ExportSelection.from_values(tags=["#PLACEMENT", "nothing"])
    assert [e.id for e in select_entries(ENTRIES, by_tag)] == ["a", "c"]
    both = ExportSelection.from_values(statuses=["draft"], tags=["sbar"])
    assert [e.id for e in select_entries(ENTRIES, both)] == ["c"]


def test_explicit_pick_and_description() -> None:
    selection = ExportSelection.from_values(entry_ids=["a", "c"], tags=["sbar"])
    assert [e.id for e in select_entries(ENTRIES, selection)] == ["c"]
    text = selection.describe()
    assert "tagged 'sbar'" in text and "picked by hand (2 chosen)" in text
    data = selection.to_dict()
    assert data["entry_ids"] == ["a", "c"] and data["all_entries"] is False


def test_bad_input_is_a_readable_error() -> None:
    with pytest.raises(ValidationError, match="unknown status 'done'"):
        ExportSelection.from_values(statuses=["done"])
    with pytest.raises(ValidationError, match="ends"):
        ExportSelection(date_from=date(2025, 1, 2), date_to=date(2025, 1, 1))


def _event(key: str, day: date | None) -> Event:
    return Event(id=EventId(key), kind=EventKind.IPL_WORKSHOP, title=f"Event {key}", on=day)


def test_plan_groups_by_event_then_experience_then_other_and_keeps_reflections_with_plans() -> None:
    events = [_event("late", date(2025, 3, 1)), _event("early", date(2024, 10, 1))]
    placement = Experience(
        id=ExperienceId("x"),
        kind=ExperienceKind.HOSPITAL_PLACEMENT,
        title="Placement",
        starts_on=date(2024, 11, 1),
    )
    entries = [
        _entry("plan", date(2024, 9, 30), kind=EntryKind.PLAN, events=("early",)),
        # Filed under another event, but it answers the plan: it follows the plan.
        _entry(
            "answer", date(2025, 3, 2), kind=EntryKind.REFLECTION, plan="plan", events=("late",)
        ),
        _entry("second", date(2024, 10, 2), events=("late", "early")),
        _entry("ward", date(2024, 11, 3), experiences=("x",)),
        _entry("loose", date(2024, 1, 1)),
        _entry("late-note", date(2025, 3, 3), events=("late",)),
        _entry("orphan", date(2025, 3, 4), kind=EntryKind.REFLECTION, plan="missing"),
    ]
    plan = build_plan(entries, events, [placement])
    keys = [g.key for g in plan.groups]
    assert keys == ["event:early", "experience:x", "event:late", OTHER_GROUP_KEY]
    assert [g.kind for g in plan.groups] == [
        GroupKind.EVENT,
        GroupKind.EXPERIENCE,
        GroupKind.EVENT,
        GroupKind.OTHER,
    ]
    order = [e.id for e in plan.ordered]
    assert order == ["plan", "answer", "second", "ward", "late-note", "loose", "orphan"]
    assert [plan.label(EntryId(k)) for k in order] == [f"E{n}" for n in range(1, 8)]
    assert len(plan.numbers) == len(entries)


def test_plan_never_loses_an_entry_in_a_chain_or_loop_of_answers() -> None:
    entries = [
        _entry("p", date(2024, 1, 1), kind=EntryKind.PLAN),
        _entry("r1", date(2024, 1, 2), kind=EntryKind.REFLECTION, plan="p"),
        _entry("r2", date(2024, 1, 3), kind=EntryKind.REFLECTION, plan="r1"),
        _entry("x", date(2024, 1, 4), kind=EntryKind.REFLECTION, plan="y"),
        _entry("y", date(2024, 1, 5), kind=EntryKind.REFLECTION, plan="x"),
    ]
    plan = build_plan(entries, [], [])
    assert sorted(e.id for e in plan.ordered) == sorted(e.id for e in entries)
    order = [e.id for e in plan.ordered]
    assert order.index("r1") == order.index("p") + 1


def test_entry_heading_does_not_repeat_the_kind() -> None:
    from portfolio_app.core.export.document import entry_heading

    entries = [
        _entry("p", date(2024, 1, 1), kind=EntryKind.PLAN).replace(title="Plan: the workshop"),
        _entry("q", date(2024, 1, 2), kind=EntryKind.PLAN).replace(title="Planned handover"),
    ]
    plan = build_plan(entries, [], [])
    assert entry_heading(plan, entries[0]) == "E1 · Plan: the workshop"
    assert entry_heading(plan, entries[1]) == "E2 · Plan: Planned handover"
