"""Event and experience headings do not repeat a kind the title already starts with."""

from __future__ import annotations

from datetime import date

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EventId, ExperienceId
from portfolio_app.core.export.document import _event_heading, _experience_heading


def test_kind_is_not_repeated_when_the_title_starts_with_it() -> None:
    event = Event(EventId("e"), EventKind.OUTREACH_PROJECT, "Outreach project: blood pressure")
    assert _event_heading(event) == "Outreach project: blood pressure"
    dated = Event(EventId("d"), EventKind.SCHWARTZ_ROUND, "End of life", on=date(2025, 1, 15))
    assert _event_heading(dated) == "15 Jan 2025 · Schwartz round: End of life"
    exp = Experience(ExperienceId("x"), ExperienceKind.HOSPITAL_PLACEMENT, "Acute medical unit")
    assert _experience_heading(exp) == "Hospital placement: Acute medical unit"
