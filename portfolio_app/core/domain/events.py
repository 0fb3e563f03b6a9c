"""IPL events (a workshop, a Schwartz round...) and longer experiences (a placement...).

Both record the hours the student attended and who confirmed them (a supervisor, a practice
assessor, a session lead), because placement and attendance hours are what courses count and
the PDF's attendance record prints them. The confirmer is a person's name or role, so it is
stored encrypted like every other text the student types.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.ids import EventId, ExperienceId

#: The most hours one event can have (Leicester Model placements run 2-10 days, 16-80 h), and one
#: experience (a long placement, generously).
MAX_EVENT_HOURS = 120.0
MAX_EXPERIENCE_HOURS = 3000.0


def check_hours(hours: object, limit: float, what: str) -> None:
    """Raise ValidationError unless ``hours`` is None or a number from 0 to ``limit``."""
    if hours is None:
        return
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
        raise ValidationError(f"the hours of {what} must be a number")
    if not 0 <= hours <= limit:
        raise ValidationError(f"the hours of {what} must be between 0 and {limit:g}")


def format_hours(hours: float | None) -> str:
    """Hours as people write them: "7.5 h", "16 h"; empty when not recorded."""
    if hours is None:
        return ""
    return f"{hours:g} h"


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
    hours: float | None = None
    confirmed_by: str = ""

    def validate(self) -> None:
        """Raise ValidationError when the event cannot be stored."""
        if not self.title.strip():
            raise ValidationError("an event needs a title")
        check_hours(self.hours, MAX_EVENT_HOURS, "an event")


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
    hours: float | None = None
    confirmed_by: str = ""

    def validate(self) -> None:
        """Raise ValidationError when the experience cannot be stored."""
        if not self.title.strip():
            raise ValidationError("an experience needs a title")
        check_hours(self.hours, MAX_EXPERIENCE_HOURS, "an experience")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError("an experience cannot end before it starts")
