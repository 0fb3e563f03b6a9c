"""Plain-dict forms of domain objects: for revisions, the embedded portfolio.json and archives.

One codec, so a revision snapshot, the JSON inside a signed PDF and an open archive all agree
on field names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.domain.profile import Profile


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _hours(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """Everything about an entry, JSON-ready."""
    return {
        "id": entry.id,
        "kind": entry.kind.value,
        "title": entry.title,
        "status": entry.status.value,
        "template": entry.template_id,
        "created": _iso(entry.created),
        "updated": _iso(entry.updated),
        "occurred_on": _iso(entry.occurred_on),
        "plan_id": entry.plan_id,
        "sections": [{"key": s.key, "heading": s.heading, "body": s.body} for s in entry.sections],
        "event_ids": list(entry.event_ids),
        "experience_ids": list(entry.experience_ids),
        "professions": list(entry.professions),
        "tags": list(entry.tags),
        "competencies": [
            {"framework": c.framework_id, "code": c.code, "self_rating": c.self_rating}
            for c in entry.competencies
        ],
    }


def entry_from_dict(data: dict[str, Any]) -> Entry:
    """The inverse of entry_to_dict."""
    created = _dt(data.get("created"))
    updated = _dt(data.get("updated"))
    return Entry(
        id=EntryId(str(data["id"])),
        kind=EntryKind(data["kind"]),
        title=str(data["title"]),
        status=EntryStatus.from_stored(data.get("status", "draft")),
        template_id=str(data.get("template", "free")),
        created=created or datetime.now().astimezone(),
        updated=updated or created or datetime.now().astimezone(),
        occurred_on=_dt(data.get("occurred_on")),
        plan_id=EntryId(data["plan_id"]) if data.get("plan_id") else None,
        sections=tuple(
            Section(heading=s.get("heading", ""), body=s.get("body", ""), key=s.get("key", ""))
            for s in data.get("sections", [])
        ),
        event_ids=tuple(EventId(x) for x in data.get("event_ids", [])),
        experience_ids=tuple(ExperienceId(x) for x in data.get("experience_ids", [])),
        professions=tuple(data.get("professions", [])),
        tags=tuple(data.get("tags", [])),
        competencies=tuple(
            CompetencyLink(c["framework"], c["code"], c.get("self_rating"))
            for c in data.get("competencies", [])
        ),
    )


def event_to_dict(event: Event) -> dict[str, Any]:
    """An event, JSON-ready."""
    return {
        "id": event.id,
        "kind": event.kind.value,
        "kind_label": event.kind.label,
        "title": event.title,
        "date": _iso(event.on),
        "place": event.place,
        "professions_present": list(event.professions_present),
        "notes": event.notes,
        "attended": event.attended,
        "hours": event.hours,
        "confirmed_by": event.confirmed_by,
    }


def event_from_dict(data: dict[str, Any]) -> Event:
    """The inverse of event_to_dict."""
    return Event(
        id=EventId(data["id"]),
        kind=EventKind(data["kind"]),
        title=data["title"],
        on=_d(data.get("date")),
        place=data.get("place", ""),
        professions_present=tuple(data.get("professions_present", [])),
        notes=data.get("notes", ""),
        attended=bool(data.get("attended", True)),
        hours=_hours(data.get("hours")),
        confirmed_by=str(data.get("confirmed_by") or ""),
    )


def experience_to_dict(experience: Experience) -> dict[str, Any]:
    """An experience, JSON-ready."""
    return {
        "id": experience.id,
        "kind": experience.kind.value,
        "kind_label": experience.kind.label,
        "title": experience.title,
        "setting": experience.setting,
        "supervisor": experience.supervisor,
        "starts_on": _iso(experience.starts_on),
        "ends_on": _iso(experience.ends_on),
        "notes": experience.notes,
        "hours": experience.hours,
        "confirmed_by": experience.confirmed_by,
    }


def experience_from_dict(data: dict[str, Any]) -> Experience:
    """The inverse of experience_to_dict."""
    return Experience(
        id=ExperienceId(data["id"]),
        kind=ExperienceKind(data["kind"]),
        title=data["title"],
        setting=data.get("setting", ""),
        supervisor=data.get("supervisor", ""),
        starts_on=_d(data.get("starts_on")),
        ends_on=_d(data.get("ends_on")),
        notes=data.get("notes", ""),
        hours=_hours(data.get("hours")),
        confirmed_by=str(data.get("confirmed_by") or ""),
    )


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The profile, JSON-ready."""
    return {
        "name": profile.name,
        "student_id": profile.student_id,
        "profession": profile.profession,
        "programme": profile.programme,
        "institution": profile.institution,
        "tutor": profile.tutor,
        "intake": profile.intake,
    }


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """The inverse of profile_to_dict (unknown keys ignored, for forward compatibility)."""
    return Profile(**{k: str(v) for k, v in data.items() if k in Profile.__dataclass_fields__})
