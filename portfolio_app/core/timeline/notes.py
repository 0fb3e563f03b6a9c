"""Notes on an entry's dates that a tutor should see: honest, factual, never a verdict.

A prospective portfolio (Domac et al. 2015) is built entry by entry over the programme: plans
before an event, reflections soon after it. Three patterns suggest an entry was not written
that way, and the export prints a note beside each (it never blocks the export):

* **plan after its event**: a plan first written on a later day than the event it prepares
  for (the earliest linked event, else the start of a linked experience, else the plan's own
  date);
* **reflection before its plan**: a reflection first written before the plan it answers, or
  dated (the day it is about) before that plan's day;
* **written long after the event**: a reflection or note first written more than
  :data:`LATE_ENTRY_DAYS` days after the day it is about (its own date, else the latest
  linked event, else the end of a linked experience).

"First written" is when the entry was created, from the student's own computer clock (the
first link of its revision chain carries the same time). The days are compared in the
student's local time zone at export.

Why 28 days: study-skills guidance asks students to reflect "as soon as you can", while the
detail is fresh (e.g. https://sites.google.com/site/ldcgculearn/writing/reflection ;
https://online.flipbuilder.com/katdev01/tuwq/files/basic-html/page6.html "Reflect early ...
don't wait a long time and try to catch up later"), but none of the sources we could read
names a number. Four weeks is our own choice: long enough that writing up during the same
placement block or before the next teaching week is never flagged, short enough that
catching up at the end of a term is. It is a constant here and printed with each note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from portfolio_app.core.domain.entries import Entry, EntryKind
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId

LATE_ENTRY_DAYS = 28

PLAN_AFTER_EVENT = "plan-after-event"
REFLECTION_BEFORE_PLAN = "reflection-before-plan"
REFLECTION_DATED_BEFORE_PLAN = "reflection-dated-before-plan"
WRITTEN_LATE = "written-long-after"


@dataclass(frozen=True)
class TimelineNote:
    """One note about an entry's dates, in words for the PDF, the CLI and the GUI."""

    entry_id: EntryId
    kind: str
    text: str

    def to_json(self) -> dict[str, str]:
        """The ``portfolio.json`` form."""
        return {"entry_id": self.entry_id, "kind": self.kind, "text": self.text}


def _day(moment: datetime, zone: tzinfo | None) -> date:
    return moment.astimezone(zone).date() if zone is not None else moment.date()


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _plan_day(
    entry: Entry,
    events: Mapping[EventId, Event],
    experiences: Mapping[ExperienceId, Experience],
    zone: tzinfo | None,
) -> tuple[date, str] | None:
    dated = [events[e] for e in entry.event_ids if e in events and events[e].on is not None]
    if dated:
        first = min(dated, key=lambda e: e.on or date.max)
        assert first.on is not None
        return first.on, "the event it prepares for"
    starts = [
        experiences[x].starts_on
        for x in entry.experience_ids
        if x in experiences and experiences[x].starts_on is not None
    ]
    if starts:
        return min(
            d for d in starts if d is not None
        ), "the start of the experience it prepares for"
    if entry.occurred_on is not None:
        return _day(entry.occurred_on, zone), "the day it is dated"
    return None


def _about_day(
    entry: Entry,
    events: Mapping[EventId, Event],
    experiences: Mapping[ExperienceId, Experience],
    zone: tzinfo | None,
) -> tuple[date, str] | None:
    if entry.occurred_on is not None:
        return _day(entry.occurred_on, zone), "the day it is about"
    dated = [events[e].on for e in entry.event_ids if e in events and events[e].on is not None]
    if dated:
        return max(d for d in dated if d is not None), "the event it is about"
    ends = [
        experiences[x].ends_on
        for x in entry.experience_ids
        if x in experiences and experiences[x].ends_on is not None
    ]
    if ends:
        return max(d for d in ends if d is not None), "the end of the experience it is about"
    return None


def timeline_notes(
    entries: Sequence[Entry],
    *,
    all_entries: Mapping[EntryId, Entry],
    events: Mapping[EventId, Event],
    experiences: Mapping[ExperienceId, Experience],
    zone: tzinfo | None = None,
    late_days: int = LATE_ENTRY_DAYS,
) -> list[TimelineNote]:
    """The notes for ``entries`` (in their order); ``all_entries`` finds plans not exported."""
    notes: list[TimelineNote] = []
    for entry in entries:
        written = _day(entry.created, zone)
        if entry.kind is EntryKind.PLAN:
            reference = _plan_day(entry, events, experiences, zone)
            if reference is not None and written > reference[0]:
                day, what = reference
                notes.append(
                    TimelineNote(
                        entry.id,
                        PLAN_AFTER_EVENT,
                        f"This plan was first written on {_d(written)}, "
                        f"{_days((written - day).days)} after {what} ({_d(day)}). Plans "
                        "are usually written beforehand.",
                    )
                )
            continue
        plan = all_entries.get(entry.plan_id) if entry.plan_id else None
        if entry.kind is EntryKind.REFLECTION and plan is not None:
            plan_written = _day(plan.created, zone)
            if entry.created < plan.created:
                notes.append(
                    TimelineNote(
                        entry.id,
                        REFLECTION_BEFORE_PLAN,
                        f"This reflection was first written on {_d(written)}, before the plan "
                        f"it answers ('{plan.title}', first written on {_d(plan_written)}).",
                    )
                )
            if entry.occurred_on is not None and plan.occurred_on is not None:
                mine, theirs = _day(entry.occurred_on, zone), _day(plan.occurred_on, zone)
                if mine < theirs:
                    notes.append(
                        TimelineNote(
                            entry.id,
                            REFLECTION_DATED_BEFORE_PLAN,
                            f"This reflection is dated {_d(mine)}, before the day of the plan "
                            f"it answers ({_d(theirs)}).",
                        )
                    )
        about = _about_day(entry, events, experiences, zone)
        if about is not None and (written - about[0]).days > late_days:
            day, what = about
            notes.append(
                TimelineNote(
                    entry.id,
                    WRITTEN_LATE,
                    f"First written on {_d(written)}, {_days((written - day).days)} after "
                    f"{what} ({_d(day)}); the app notes entries written more than "
                    f"{late_days} days after the event.",
                )
            )
    return notes
