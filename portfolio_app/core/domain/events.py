"""IPL events (a workshop, a Schwartz round...) and longer experiences (a placement...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.ids import EventId, ExperienceId


@dataclass(frozen=True)
class Event:
    """One interprofessional learning event, with who was there: the attendance record."""

    id: EventId
    kind: EventKind
    title: str
    on: date | None = None
    place: str = ""
    professions_present: tuple[str, ...] = ()
    notes: str = ""
    attended: bool = True

    def validate(self) -> None:
        """Raise ValidationError when the event cannot be stored."""
        if not self.title.strip():
            raise ValidationError("an event needs a title")


@dataclass(frozen=True)
class Experience:
    """A placement, a series of Schwartz rounds, supervision and the like."""

    id: ExperienceId
    kind: ExperienceKind
    title: str
    setting: str = ""
    supervisor: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    notes: str = ""

    def validate(self) -> None:
        """Raise ValidationError when the experience cannot be stored."""
        if not self.title.strip():
            raise ValidationError("an experience needs a title")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError("an experience cannot end before it starts")
