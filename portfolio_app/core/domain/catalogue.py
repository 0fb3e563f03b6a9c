"""The fixed vocabularies of interprofessional learning: event kinds, experience kinds, professions.

Kinds are stored as their stable ``value`` strings (they are structure, not user text, so they stay
unencrypted); labels are what people read. The event kinds follow the Leicester IPL offer and the
2010/11 portfolio booklet (domain.md §1): organised sessions and learning that happens
opportunistically in practice. They also cover the activities in the course's seed material:
Patient & Carer Group sessions, online IPL modules, the Care Certificate, global health and
collaborative projects, quality improvement (PDSA cycles), third-sector and community placements
(separate kinds), paired learning (clinician and manager pairs), supervision and the Leicester
Model community placement. Each kind has a guide (prompts and a suggested template) in
:mod:`portfolio_app.core.domain.activity_guides`.
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
    PATIENT_CARER_GROUP = "patient-carer-group"
    ONLINE_MODULE = "online-module"
    CARE_CERTIFICATE = "care-certificate"
    GLOBAL_HEALTH_PROJECT = "global-health-project"
    QUALITY_IMPROVEMENT = "quality-improvement"
    THIRD_SECTOR_PLACEMENT = "third-sector-placement"
    LEICESTER_MODEL_PLACEMENT = "leicester-model-placement"

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
    EventKind.COMMUNITY_PLACEMENT: "Community placement",
    EventKind.OUTREACH_PROJECT: "Outreach project",
    EventKind.OPPORTUNISTIC: "Opportunistic learning in practice",
    EventKind.PATIENT_CARER_GROUP: "Patient & Carer Group session",
    EventKind.ONLINE_MODULE: "Online IPL module",
    EventKind.CARE_CERTIFICATE: "Care Certificate",
    EventKind.GLOBAL_HEALTH_PROJECT: "Global health or collaborative project",
    EventKind.QUALITY_IMPROVEMENT: "Quality improvement (PDSA cycle)",
    EventKind.THIRD_SECTOR_PLACEMENT: "Third-sector placement",
    EventKind.LEICESTER_MODEL_PLACEMENT: "Leicester Model community placement",
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
    LEICESTER_MODEL_PLACEMENT = "leicester-model-placement"
    QUALITY_IMPROVEMENT_PROJECT = "quality-improvement-project"
    GLOBAL_HEALTH_PROJECT = "global-health-project"
    CARE_CERTIFICATE = "care-certificate"
    ONLINE_MODULE = "online-module"
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
    ExperienceKind.LEICESTER_MODEL_PLACEMENT: "Leicester Model community placement",
    ExperienceKind.QUALITY_IMPROVEMENT_PROJECT: "Quality improvement project (PDSA cycles)",
    ExperienceKind.GLOBAL_HEALTH_PROJECT: "Global health or collaborative project",
    ExperienceKind.CARE_CERTIFICATE: "Care Certificate",
    ExperienceKind.ONLINE_MODULE: "Online IPL module",
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
    if wanted in _RENAMED.get(what, {}):
        return kinds(_RENAMED[what][wanted])
    known = ", ".join(k.value for k in kinds)
    from portfolio_app.core.domain.errors import ValidationError

    raise ValidationError(f"unknown {what} '{value}'; choose one of: {known}")


#: Old labels still typed by scripts: "third-sector or community placement" is now two kinds,
#: and the stored value "community-placement" kept its meaning for the community half.
_RENAMED: dict[str, dict[str, str]] = {
    "event kind": {"third-sector-or-community-placement": "community-placement"},
}


def parse_event_kind(value: str) -> EventKind:
    """Read an event kind from its value or label."""
    return _parse_kind(EventKind, value, "event kind")


def parse_experience_kind(value: str) -> ExperienceKind:
    """Read an experience kind from its value or label."""
    return _parse_kind(ExperienceKind, value, "experience kind")
