"""The notes on dates: each rule, its threshold and its wording (neutral, factual)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import Entry, EntryKind, Section
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.timeline.notes import (
    LATE_ENTRY_DAYS,
    PLAN_AFTER_EVENT,
    REFLECTION_BEFORE_PLAN,
    REFLECTION_DATED_BEFORE_PLAN,
    WRITTEN_LATE,
    timeline_notes,
)

EVENT = Event(EventId("ev"), EventKind.SCHWARTZ_ROUND, "Round", on=date(2026, 3, 12))
PLACEMENT = Experience(
    ExperienceId("px"),
    ExperienceKind.COMMUNITY_PLACEMENT,
    "Placement",
    starts_on=date(2026, 2, 2),
    ends_on=date(2026, 4, 24),
)


def _at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _entry(kind: EntryKind, written: date, **kw: object) -> Entry:
    return Entry(
        id=EntryId(str(kw.pop("id", kind.value))),
        kind=kind,
        title=str(kw.pop("title", f"A {kind.value}")),
        sections=(Section("Text", "Words."),),
        created=_at(written),
        updated=_at(written),
        **kw,  # type: ignore[arg-type]
    )


def _notes(*entries: Entry, zone: object = None) -> list[tuple[str, str]]:
    found = timeline_notes(
        entries,
        all_entries={e.id: e for e in entries},
        events={EVENT.id: EVENT},
        experiences={PLACEMENT.id: PLACEMENT},
        zone=zone,  # type: ignore[arg-type]
    )
    return [(n.entry_id, n.kind) for n in found]


def test_a_plan_written_before_or_on_the_day_of_its_event_has_no_note() -> None:
    assert _notes(_entry(EntryKind.PLAN, date(2026, 3, 11), event_ids=(EVENT.id,))) == []
    assert _notes(_entry(EntryKind.PLAN, date(2026, 3, 12), event_ids=(EVENT.id,))) == []


def test_a_plan_written_after_its_event_has_a_note_with_the_days() -> None:
    plan = _entry(EntryKind.PLAN, date(2026, 3, 14), event_ids=(EVENT.id,))
    (note,) = timeline_notes([plan], all_entries={}, events={EVENT.id: EVENT}, experiences={})
    assert note.kind == PLAN_AFTER_EVENT
    assert "14 Mar 2026, 2 days after the event it prepares for (12 Mar 2026)" in note.text
    assert "usually written beforehand" in note.text


def test_a_plan_for_a_placement_counts_from_its_start() -> None:
    plan = _entry(EntryKind.PLAN, date(2026, 2, 3), experience_ids=(PLACEMENT.id,))
    assert _notes(plan) == [("plan", PLAN_AFTER_EVENT)]


def test_a_reflection_written_before_its_plan() -> None:
    plan = _entry(EntryKind.PLAN, date(2026, 3, 11), id="p", event_ids=(EVENT.id,))
    reflection = _entry(
        EntryKind.REFLECTION, date(2026, 3, 10), id="r", plan_id=EntryId("p"), event_ids=()
    )
    assert ("r", REFLECTION_BEFORE_PLAN) in _notes(plan, reflection)
    after = reflection.replace(created=_at(date(2026, 3, 13)))
    assert _notes(plan, after) == []


def test_a_reflection_dated_before_its_plan() -> None:
    plan = _entry(EntryKind.PLAN, date(2026, 3, 1), id="p", occurred_on=_at(date(2026, 3, 12)))
    reflection = _entry(
        EntryKind.REFLECTION,
        date(2026, 3, 13),
        id="r",
        plan_id=EntryId("p"),
        occurred_on=_at(date(2026, 3, 9)),
    )
    assert _notes(plan, reflection) == [("r", REFLECTION_DATED_BEFORE_PLAN)]


def test_written_long_after_uses_the_documented_threshold() -> None:
    day = date(2026, 1, 20)
    on_time = _entry(
        EntryKind.REFLECTION, day + timedelta(days=LATE_ENTRY_DAYS), occurred_on=_at(day)
    )
    late = _entry(
        EntryKind.REFLECTION, day + timedelta(days=LATE_ENTRY_DAYS + 1), occurred_on=_at(day)
    )
    assert _notes(on_time) == []
    assert _notes(late) == [("reflection", WRITTEN_LATE)]
    note = timeline_notes([late], all_entries={}, events={}, experiences={})[0]
    assert f"{LATE_ENTRY_DAYS + 1} days after the day it is about (20 Jan 2026)" in note.text


def test_an_undated_reflection_counts_from_its_latest_event() -> None:
    late = _entry(EntryKind.NOTE, date(2026, 4, 20), event_ids=(EVENT.id,))
    assert _notes(late) == [("note", WRITTEN_LATE)]
    undated = _entry(EntryKind.NOTE, date(2026, 4, 20))
    assert _notes(undated) == []


def test_days_are_compared_in_the_students_time_zone() -> None:
    # 00:30 UTC on 13 March is the day after the event (12 March) in UTC and in UTC+1; 23:30
    # UTC on 12 March is the event's day in UTC but already 13 March in UTC+1.
    zone = timezone(timedelta(hours=1))
    plan = _entry(EntryKind.PLAN, date(2026, 3, 12), event_ids=(EVENT.id,)).replace(
        created=datetime(2026, 3, 13, 0, 30, tzinfo=UTC)
    )
    assert _notes(plan) == [("plan", PLAN_AFTER_EVENT)]
    assert _notes(plan, zone=zone) == [("plan", PLAN_AFTER_EVENT)]
    early = plan.replace(created=datetime(2026, 3, 12, 23, 30, tzinfo=UTC))
    assert _notes(early) == []
    assert _notes(early, zone=zone) == [("plan", PLAN_AFTER_EVENT)]
