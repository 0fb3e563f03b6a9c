"""The reading order of the exported portfolio, decided before anything is laid out.

Why before: the coverage table near the front refers to entries by number (E1, E2, ...) and
the contents page must know how many lines it has (see ``document``), so the order has to be
fixed first. Pure Python over domain objects; no reportlab.

Rules, in the words of the design (design.md §6): entries are grouped by the event or the
longer experience they belong to, in time order, and a plan is followed directly by the
reflections that answer it, wherever those were filed, so a tutor reads intention then outcome.

* An entry linked to several events goes under the earliest of them (the others are named in
  its details); one linked to no event goes under its earliest experience; the rest go under
  "Other entries", last.
* Groups are ordered by their start (event day, experience start); undated groups follow.
* Inside a group, entries are in date order; each plan is followed by its reflections in date
  order. A reflection whose plan is not in the export stands on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portfolio_app.core.domain.entries import Entry, EntryKind
from portfolio_app.core.domain.entry_filter import entry_date
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId

OTHER_GROUP_KEY = "group:other"


class GroupKind(StrEnum):
    """What a group of entries is about."""

    EVENT = "event"
    EXPERIENCE = "experience"
    OTHER = "other"


@dataclass(frozen=True)
class EntryGroup:
    """Entries that belong to one event, one experience, or to nothing in particular."""

    key: str
    kind: GroupKind
    title: str
    starts: date | None
    entries: tuple[Entry, ...]
    event: Event | None = None
    experience: Experience | None = None


@dataclass(frozen=True)
class DocumentPlan:
    """Groups in reading order and the E-number of every exported entry."""

    groups: tuple[EntryGroup, ...]
    numbers: dict[EntryId, int]

    @property
    def ordered(self) -> list[Entry]:
        """Every entry in reading order."""
        return [entry for group in self.groups for entry in group.entries]

    def label(self, entry_id: EntryId) -> str:
        """``E12`` for an exported entry."""
        return f"E{self.numbers[entry_id]}"


def _sort_key(entry: Entry) -> tuple[date, str, str]:
    return (entry_date(entry), entry.created.isoformat(), entry.id)


def _undated_last(day: date | None) -> tuple[int, date]:
    return (0, day) if day is not None else (1, date.min)


def build_plan(
    entries: Sequence[Entry], events: Iterable[Event], experiences: Iterable[Experience]
) -> DocumentPlan:
    """Group and order ``entries`` (see the module docstring for the rules)."""
    event_by_id = {event.id: event for event in events}
    experience_by_id = {exp.id: exp for exp in experiences}
    selected = {entry.id for entry in entries}

    # Reflections whose plan is exported travel with their plan. Only one level: if the
    # "plan" is itself travelling with another entry (data the domain should never hold, but
    # the vault may), the reflection stays an anchor so no entry can be lost in a chain or loop.
    candidates = {
        entry.id
        for entry in entries
        if entry.kind is EntryKind.REFLECTION
        and entry.plan_id is not None
        and entry.plan_id in selected
        and entry.plan_id != entry.id
    }
    answers: dict[EntryId, list[Entry]] = {}
    anchors: list[Entry] = []
    for entry in entries:
        plan_id = entry.plan_id
        if entry.id in candidates and plan_id is not None and plan_id not in candidates:
            answers.setdefault(plan_id, []).append(entry)
        else:
            anchors.append(entry)

    members: dict[str, list[Entry]] = {}
    groups_meta: dict[str, tuple[GroupKind, str, date | None, Event | None, Experience | None]] = {}
    for entry in anchors:
        linked_events = [event_by_id[e] for e in entry.event_ids if e in event_by_id]
        linked_exps = [experience_by_id[x] for x in entry.experience_ids if x in experience_by_id]
        if linked_events:
            event = min(linked_events, key=lambda ev: (_undated_last(ev.on), ev.title, ev.id))
            key = f"event:{event.id}"
            groups_meta[key] = (GroupKind.EVENT, event.title, event.on, event, None)
        elif linked_exps:
            exp = min(linked_exps, key=lambda x: (_undated_last(x.starts_on), x.title, x.id))
            key = f"experience:{exp.id}"
            groups_meta[key] = (GroupKind.EXPERIENCE, exp.title, exp.starts_on, None, exp)
        else:
            key = OTHER_GROUP_KEY
            groups_meta[key] = (GroupKind.OTHER, "Other entries", None, None, None)
        members.setdefault(key, []).append(entry)

    def group_order(key: str) -> tuple[int, tuple[int, date], str, str]:
        kind, title, starts, _event, _exp = groups_meta[key]
        return (1 if kind is GroupKind.OTHER else 0, _undated_last(starts), title, key)

    groups: list[EntryGroup] = []
    numbers: dict[EntryId, int] = {}
    for key in sorted(members, key=group_order):
        kind, title, starts, group_event, group_exp = groups_meta[key]
        ordered: list[Entry] = []
        for entry in sorted(members[key], key=_sort_key):
            ordered.append(entry)
            ordered.extend(sorted(answers.get(entry.id, ()), key=_sort_key))
        for entry in ordered:
            numbers[entry.id] = len(numbers) + 1
        groups.append(
            EntryGroup(
                key=key,
                kind=kind,
                title=title,
                starts=starts,
                entries=tuple(ordered),
                event=group_event,
                experience=group_exp,
            )
        )
    return DocumentPlan(groups=tuple(groups), numbers=numbers)
