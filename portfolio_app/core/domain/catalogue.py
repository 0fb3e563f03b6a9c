"""The fixed vocabularies of interprofessional learning: event kinds, experience kinds, professions.

Kinds are stored as their stable ``value`` strings (they are structure, not user text, so they stay
unencrypted); labels are what people read. The event kinds follow the Leicester IPL offer and the
2010/11 portfolio booklet (domain.md §1): organised sessions and learning that happens
opportunistically in practice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class EventKind(StrEnum):
    """Kinds of interprofessional learning (IPL) event a student attends."""

    IPL_WORKSHOP = "ipl-workshop"
    SBAR_SIMULATION = "sbar-simulation"
    CLINICAL_CASE_DAY = "clinical-case-day"
    PRACTICE_PLACEMENT = "practice-placement"
    HOME_MEDICATION_REVIEW = "home-medication-review"
    SCHWARTZ_ROUND = "schwartz-round"
    PAIRED_LEARNING = "paired-learning"
    SUPERVISION = "supervision"
    COMMUNITY_PLACEMENT = "community-placement"
    OUTREACH_PROJECT = "outreach-project"
    OPPORTUNISTIC = "opportunistic"

    @property
    def label(self) -> str:
        """The name people read."""
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS: dict[EventKind, str] = {
    EventKind.IPL_WORKSHOP: "IPL workshop",
    EventKind.SBAR_SIMULATION: "SBAR simulation",
    EventKind.CLINICAL_CASE_DAY: "Clinical case day",
    EventKind.PRACTICE_PLACEMENT: "Practice placement",
    EventKind.HOME_MEDICATION_REVIEW: "Home medication review",
    EventKind.SCHWARTZ_ROUND: "Schwartz round",
    EventKind.PAIRED_LEARNING: "Paired learning",
    EventKind.SUPERVISION: "Supervision",
    EventKind.COMMUNITY_PLACEMENT: "Third-sector or community placement",
    EventKind.OUTREACH_PROJECT: "Outreach project",
    EventKind.OPPORTUNISTIC: "Opportunistic learning in practice",
}


class ExperienceKind(StrEnum):
    """Longer-running experiences that entries can belong to."""

    HOSPITAL_PLACEMENT = "hospital-placement"
    COMMUNITY_PLACEMENT = "community-placement"
    THIRD_SECTOR_PLACEMENT = "third-sector-placement"
    SCHWARTZ_ROUNDS = "schwartz-rounds"
    SIMULATION = "simulation"
    PAIRED_LEARNING = "paired-learning"
    SUPERVISION = "supervision"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The name people read."""
        return EXPERIENCE_KIND_LABELS[self]


EXPERIENCE_KIND_LABELS: dict[ExperienceKind, str] = {
    ExperienceKind.HOSPITAL_PLACEMENT: "Hospital placement",
    ExperienceKind.COMMUNITY_PLACEMENT: "Community placement",
    ExperienceKind.THIRD_SECTOR_PLACEMENT: "Third-sector placement",
    ExperienceKind.SCHWARTZ_ROUNDS: "Schwartz rounds",
    ExperienceKind.SIMULATION: "Simulation (SBAR)",
    ExperienceKind.PAIRED_LEARNING: "Paired learning",
    ExperienceKind.SUPERVISION: "Supervision",
    ExperienceKind.OTHER: "Other experience",
}

#: Professions offered as suggestions; students may type others (stored encrypted like any text).
PROFESSIONS: tuple[str, ...] = (
    "Medicine",
    "Nursing",
    "Midwifery",
    "Pharmacy",
    "Physiotherapy",
    "Occupational therapy",
    "Operating department practice",
    "Paramedic science",
    "Speech and language therapy",
    "Dietetics",
    "Radiography",
    "Social work",
    "Psychology",
    "Healthcare science",
    "Dentistry",
    "Chaplaincy",
    "Patient or carer",
)


_Kind = TypeVar("_Kind", EventKind, ExperienceKind)


def _parse_kind(kinds: type[_Kind], value: str, what: str) -> _Kind:
    """Read a kind from its value or label, forgivingly (case, spaces, underscores)."""
    wanted = value.strip().lower().replace("_", "-").replace(" ", "-")
    for kind in kinds:
        if wanted in (kind.value, kind.label.lower().replace(" ", "-")):
            return kind
    known = ", ".join(k.value for k in kinds)
    from portfolio_app.core.domain.errors import ValidationError

    raise ValidationError(f"unknown {what} '{value}'; choose one of: {known}")


def parse_event_kind(value: str) -> EventKind:
    """Read an event kind from its value or label."""
    return _parse_kind(EventKind, value, "event kind")


def parse_experience_kind(value: str) -> ExperienceKind:
    """Read an experience kind from its value or label."""
    return _parse_kind(ExperienceKind, value, "experience kind")
